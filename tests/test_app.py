"""Configuration, database connection settings, headers, errors and languages."""

from __future__ import annotations

import pytest
from jinja2 import TemplateSyntaxError
from sqlalchemy import text

from conftest import make_app
from selfscan import create_app
from selfscan.infra.db import make_engine


def test_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SELFSCAN_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SELFSCAN_SECRET_KEY is not set"):
        create_app({"SECRET_KEY": None, "DATABASE_URL": "sqlite://"})


WEAK_KEYS = [
    "x",
    " " * 40,
    "changeme",
    "change-me-change-me-change-me-change-me",
    "Change_Me_Please_0123456789abcdefghij",
    "x" * 64,
    "abababababababababababababababababab",
    "short but not empty 1234",
    "  0123456789abcdef0123456789abc  ",
]


@pytest.mark.parametrize("key", WEAK_KEYS)
@pytest.mark.parametrize("testing", [False, True])
def test_a_weak_secret_key_is_refused_with_how_to_make_one(key, testing):
    with pytest.raises(RuntimeError) as refused:
        create_app({"SECRET_KEY": key, "TESTING": testing, "DATABASE_URL": "sqlite://"})
    message = str(refused.value)
    assert message.startswith("SELFSCAN_SECRET_KEY is too weak")
    assert "secrets.token_hex(32)" in message


@pytest.mark.parametrize(
    "key",
    [
        "0123456789abcdef0123456789abcdef",  # 32 hex digits, as token_hex(16) gives
        "kW3v9-QpZ_7m2LxT8bN4rY6cJ1hF5gD0sA",
        "correct horse battery staple, a long pass phrase",
    ],
)
def test_a_strong_secret_key_is_accepted(key):
    assert create_app({"SECRET_KEY": key, "DATABASE_URL": "sqlite://"}).secret_key == key


def test_the_keys_made_as_the_message_says_are_accepted():
    import secrets

    for _ in range(200):
        key = secrets.token_hex(32)
        assert create_app({"SECRET_KEY": key, "DATABASE_URL": "sqlite://"}).secret_key == key


def test_starts_without_a_secret_key_in_tests_and_cli():
    assert create_app({"SECRET_KEY": None, "TESTING": True, "DATABASE_URL": "sqlite://"}).secret_key
    assert create_app({"SECRET_KEY": None, "DATABASE_URL": "sqlite://"}, serving=False).secret_key


def test_min_group_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SELFSCAN_MIN_GROUP_SIZE", "5")
    import importlib

    import selfscan.infra.config

    importlib.reload(selfscan.infra.config)
    try:
        assert selfscan.infra.config.Config.MIN_GROUP_SIZE == 5
    finally:
        monkeypatch.delenv("SELFSCAN_MIN_GROUP_SIZE")
        importlib.reload(selfscan.infra.config)
    assert selfscan.infra.config.Config.MIN_GROUP_SIZE == 3


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 15000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_security_headers_on_every_page(client):
    response = client.get("/inloggen")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # tests run without HTTPS


def test_hsts_in_production_configuration(engine, database_url):
    app = make_app(database_url, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/inloggen")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    ("lang", "title"), [("nl", "Pagina niet gevonden"), ("en", "Page not found")]
)
def test_error_pages_in_both_languages(client, lang, title):
    client.post("/taal", data={"lang": lang, "next": "/"})
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert title in response.get_data(as_text=True)


def test_unexpected_errors_get_the_500_page_and_roll_back(app, client):
    def boom():
        raise RuntimeError("boom")

    app.add_url_rule("/boom", "boom", boom)
    from selfscan.access import POLICY, Access

    POLICY["boom"] = Access.PUBLIC
    try:
        response = client.get("/boom")
    finally:
        del POLICY["boom"]
    assert response.status_code == 500
    assert "Er ging iets mis" in response.get_data(as_text=True)


def test_language_switch_needs_csrf_and_ignores_unknown_languages(client):
    assert client.post("/taal", data={"lang": "en"}, csrf=False).status_code == 400
    client.post("/taal", data={"lang": "fr", "next": "/inloggen"})
    assert 'lang="nl"' in client.get("/inloggen").get_data(as_text=True)
    client.post("/taal", data={"lang": "en", "next": "/inloggen"})
    assert 'lang="en"' in client.get("/inloggen").get_data(as_text=True)


def test_every_template_compiles(app):
    for name in app.jinja_env.list_templates():
        if name.endswith((".html", ".txt")):
            try:
                app.jinja_env.get_template(name)
            except TemplateSyntaxError as error:  # pragma: no cover - the assertion explains
                pytest.fail(f"{name}: {error}")


def test_every_message_has_a_dutch_translation():
    import subprocess
    import sys

    from selfscan.infra.config import PROJECT_ROOT

    result = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "i18n.py"), "missing"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "", f"untranslated messages (run scripts/i18n.py):\n{result.stdout}"


def declared_version() -> str:
    """The version as written once, in pyproject.toml."""
    import tomllib

    from selfscan.infra.config import PROJECT_ROOT

    with (PROJECT_ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


def test_health_check_names_the_version(client):
    assert client.get("/health").get_json() == {"status": "ok", "version": declared_version()}


def test_every_page_footer_names_the_version(client):
    page = client.get("/inloggen").get_data(as_text=True)
    assert f"<p>Selfscan {declared_version()}</p>" in page
