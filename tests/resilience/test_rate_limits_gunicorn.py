"""The documented rate limits hold against a real gunicorn with several workers, started as
shipped (gunicorn.conf.py, counters where the defaults put them), on a free port of 127.0.0.1.

Every request goes on a new connection, so the workers share the requests between them; the
access log (with each worker's process id) shows that more than one worker counted. With each
worker counting in its own memory, as before, every limit was multiplied by the workers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import PASSWORD
from resilience.test_gunicorn_load import _free_port
from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.throttle import LINK_ADDRESS, SIGN_IN_ACCOUNT

WORKERS = 3
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
# The access log with the worker's process id first (gunicorn's %(p)s).
LOG_FORMAT = '%(p)s "%(r)s" %(s)s'
LOGGED = re.compile(r'^<(\d+)> "(\w+) (\S+) [^"]*" (\d{3})$', re.MULTILINE)


def _env(database_url: str, port: int, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SELFSCAN_DATABASE_URL": database_url,
        "SELFSCAN_SECRET_KEY": "rate-limit-test-secret-key-0123456789abcdef",
        "SELFSCAN_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "SELFSCAN_BIND": f"127.0.0.1:{port}",
        "SELFSCAN_WORKERS": str(WORKERS),
        "SELFSCAN_MAIL_FOLDER": str(tmp_path / "mail"),
        **extra,
    }
    env.pop("SELFSCAN_RATELIMIT_STORAGE_URI", None)  # the shipped default
    env.update(extra)
    return env


def _gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                str(gunicorn),
                "--config",
                "gunicorn.conf.py",
                "--access-logformat",
                LOG_FORMAT,
                "wsgi:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


class Server:
    def __init__(self, url: str, log: Path) -> None:
        self.url, self.log = url, log

    def workers_that_answered(self, method: str, path_prefix: str) -> set[str]:
        text = self.log.read_text(errors="replace")
        return {
            pid
            for pid, m, path, _status in LOGGED.findall(text)
            if m == method and path.startswith(path_prefix)
        }


@pytest.fixture(autouse=True)
def _passwords_hashed_as_in_production(production_hashing):  # type: ignore[no-untyped-def]
    """The accounts' passwords take what they take in production to check (conftest hashes
    cheaply), so that a sign-in keeps a worker busy long enough for the next to go to another."""


@pytest.fixture
def server(engine, database_url: str, tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    process = _gunicorn(_env(database_url, port, tmp_path), log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{url}/health", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Server(url, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _new_connection(method: str, url: str, **kwargs) -> requests.Response:  # type: ignore[no-untyped-def]
    """One request on a connection of its own: any worker may take it."""
    headers = {"Connection": "close", **kwargs.pop("headers", {})}
    return requests.request(
        method, url, headers=headers, allow_redirects=False, timeout=60, **kwargs
    )


def _refused_by_several_workers(server: Server, method: str, path: str, attempt) -> None:  # type: ignore[no-untyped-def]
    """Attempts sent several at once, a batch at a time, until more than one worker has answered
    `method path` (one after another, the worker that has just answered tends to take the next
    too): every one of them refused with 429."""
    for batch in range(5):
        numbers = range(batch * 2 * WORKERS, (batch + 1) * 2 * WORKERS)
        with ThreadPoolExecutor(len(numbers)) as pool:
            replies = list(pool.map(attempt, numbers))
        codes = [r if isinstance(r, int) else r.status_code for r in replies]
        assert codes == [429] * len(numbers)
        if len(server.workers_that_answered(method, path)) >= 2:
            return
    pytest.fail(f"one worker answered every {method} {path}: nothing shows the limit shared")


def _sign_in(server: Server, email: str, password: str) -> int:
    page = _new_connection("GET", f"{server.url}/inloggen")
    token = CSRF.search(page.text)
    assert token, page.text
    reply = _new_connection(
        "POST",
        f"{server.url}/inloggen",
        data={"csrf_token": token.group(1), "email": email, "password": password},
        cookies=page.cookies,
    )
    return reply.status_code


def test_link_guesses_are_limited_once_across_the_workers(server, world, make):
    _invitation, token = make.invitation(world["round"], world["org_a"])
    allowed = LINK_ADDRESS.items[0].amount  # 30 a minute
    codes = [
        _new_connection("GET", f"{server.url}/i/guess-{n:04d}").status_code for n in range(allowed)
    ]
    assert codes == [404] * allowed
    # Every further guess is refused, whichever worker takes it.
    _refused_by_several_workers(
        server, "GET", "/i/", lambda n: _new_connection("GET", f"{server.url}/i/more-{n}")
    )
    # A working link still opens from the same address.
    assert _new_connection("GET", f"{server.url}/i/{token}").status_code == 302


def test_wrong_passwords_are_limited_once_across_the_workers(server, world):
    allowed = SIGN_IN_ACCOUNT.items[0].amount  # 5 a minute
    email = world["coordinator_a"].email
    codes = [_sign_in(server, email, f"wrong {n}") for n in range(allowed)]
    assert codes == [400] * allowed
    # Every further attempt is refused, the right password too, whichever worker takes it.
    _refused_by_several_workers(
        server, "POST", "/inloggen", lambda _n: _sign_in(server, email, PASSWORD)
    )
    # Another account behind the same address signs in.
    assert _sign_in(server, world["coordinator_b"].email, PASSWORD) == 302


def _starts(database_url: str, tmp_path: Path, **env: str) -> tuple[bool, str]:
    port = _free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    process = _gunicorn(_env(database_url, port, tmp_path, **env), log)
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                    return True, log.read_text(errors="replace")
            except (requests.ConnectionError, requests.Timeout):  # a busy machine: ask again
                pass
            time.sleep(0.2)
        return False, log.read_text(errors="replace")
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def test_counters_in_each_workers_memory_are_refused_with_several_workers(
    engine, database_url, tmp_path
):
    started, log = _starts(
        database_url, tmp_path, SELFSCAN_RATELIMIT_STORAGE_URI="memory://", SELFSCAN_WORKERS="2"
    )
    assert not started
    assert "keeps rate-limit counters in each worker's memory" in log
    assert "Traceback" not in log
    started, log = _starts(
        database_url, tmp_path, SELFSCAN_RATELIMIT_STORAGE_URI="memory://", SELFSCAN_WORKERS="1"
    )
    assert started, log
