"""Gunicorn serves the app as configured in gunicorn.conf.py, and its log never shows a token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.redaction import redact


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a local URL)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_redact_hides_tokens_in_paths():
    assert redact('"GET /i/AbC-123_x HTTP/1.1" 302') == '"GET /i/[redacted] HTTP/1.1" 302'


def test_gunicorn_serves_the_app_and_logs_no_token(
    tmp_path: Path, database_url: str, migrated_engine
):
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "SELFSCAN_DATABASE_URL": database_url,
        "SELFSCAN_SECRET_KEY": "serving-test-secret-key-0123456789abcdef",
        "SELFSCAN_BIND": f"127.0.0.1:{port}",
        "SELFSCAN_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if _get(base + "/health") == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert _get(base + "/health") == 200
        assert _get(base + "/inloggen") == 200
        _get(base + "/i/SecretTokenThatMustNotBeLogged123")
    finally:
        server.terminate()
        server.wait(timeout=10)
    log.seek(0)
    output = log.read()
    assert "GET /health" in output
    assert "/i/[redacted]" in output
    assert "SecretTokenThatMustNotBeLogged123" not in output


def test_each_worker_hides_what_it_loaded_from_the_garbage_collector():
    # gunicorn.conf.py's post_worker_init freezes what the worker has made by then (measured in
    # docs/performance.md: the first overview after a restart, some 0.7-0.8 of the time); in a
    # process of its own, as a worker is.
    script = (
        "import gc, runpy; hook = runpy.run_path('gunicorn.conf.py')['post_worker_init']; "
        "before = gc.get_freeze_count(); hook(None); print(before, gc.get_freeze_count())"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    before, after = map(int, found.stdout.split())
    assert before == 0 < after


def test_no_log_record_carries_a_token(app, caplog):
    """Also records of child loggers and exceptions logged while a link is opened."""
    import logging

    with caplog.at_level(logging.INFO):
        logging.getLogger("selfscan.errors").error(
            "unexpected error on %s %s", "GET", "/i/SecretTok_123-x"
        )
        app.logger.warning("opened /i/AnotherSecret987")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "SecretTok_123-x" not in text and "AnotherSecret987" not in text
    assert text.count("/i/[redacted]") == 2


def test_gunicorn_refuses_a_weak_secret_key_with_how_to_make_one(tmp_path: Path, database_url: str):
    env = {
        **os.environ,
        "SELFSCAN_DATABASE_URL": database_url,
        "SELFSCAN_SECRET_KEY": "changeme",
        "SELFSCAN_BIND": f"127.0.0.1:{_free_port()}",
    }
    result = subprocess.run(
        [Path(sys.executable).parent / "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SELFSCAN_SECRET_KEY is too weak" in result.stderr
    assert "secrets.token_hex(32)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_command_refuses_a_weak_secret_key_without_a_traceback(database_url: str):
    env = {**os.environ, "SELFSCAN_DATABASE_URL": database_url, "SELFSCAN_SECRET_KEY": "x" * 40}
    result = subprocess.run(
        [Path(sys.executable).parent / "selfscan", "purge"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.startswith("Error: SELFSCAN_SECRET_KEY is too weak")
    assert "secrets.token_hex(32)" in result.stderr
    assert "Traceback" not in result.stderr
