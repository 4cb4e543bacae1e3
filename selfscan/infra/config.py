"""Configuration read from the environment; tests subclass or override it."""

from __future__ import annotations

import os
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


# Written once, in pyproject.toml; the installed package's metadata carries it to the footer,
# /health and `selfscan --version` (selfscan.__version__ is the same).
VERSION = version("selfscan")


class Config:
    """Settings for a running Selfscan; every value can be set with an environment variable."""

    # None means: an SQLite file in the instance folder (see create_app).
    DATABASE_URL: str | None = os.environ.get("SELFSCAN_DATABASE_URL") or None
    SECRET_KEY: str | None = os.environ.get("SELFSCAN_SECRET_KEY") or None
    MIN_GROUP_SIZE: int = _int("SELFSCAN_MIN_GROUP_SIZE", 3)
    QUESTIONNAIRE_DIR: str | None = os.environ.get("SELFSCAN_QUESTIONNAIRE_DIR") or None
    BASE_URL: str = os.environ.get("SELFSCAN_BASE_URL", "http://127.0.0.1:8000")

    MAIL_HOST: str | None = os.environ.get("SELFSCAN_MAIL_HOST") or None
    MAIL_PORT: int = _int("SELFSCAN_MAIL_PORT", 587)
    MAIL_STARTTLS: bool = _bool("SELFSCAN_MAIL_STARTTLS", True)
    MAIL_SSL: bool = _bool("SELFSCAN_MAIL_SSL", False)
    MAIL_USERNAME: str | None = os.environ.get("SELFSCAN_MAIL_USERNAME") or None
    MAIL_PASSWORD: str | None = os.environ.get("SELFSCAN_MAIL_PASSWORD") or None
    MAIL_SENDER: str = os.environ.get("SELFSCAN_MAIL_SENDER", "Selfscan <selfscan@localhost>")
    # Without MAIL_HOST, mails are written here (default: instance/mail) and to the log.
    MAIL_FOLDER: str | None = os.environ.get("SELFSCAN_MAIL_FOLDER") or None
    # Where `selfscan worker` writes the region reports' ZIPs (default: instance/reports); with
    # several app servers, a folder they all reach.
    REPORTS_FOLDER: str | None = os.environ.get("SELFSCAN_REPORTS_FOLDER") or None
    # `selfscan send-reminders`: at most one reminder per this many days, and one final
    # reminder when a round closes within SELFSCAN_FINAL_REMINDER_DAYS.
    REMINDER_DAYS: int = _int("SELFSCAN_REMINDER_DAYS", 7)
    FINAL_REMINDER_DAYS: int = _int("SELFSCAN_FINAL_REMINDER_DAYS", 2)
    # How long links in e-mails to accounts work: a password reset, and the invitation of a
    # new coordinator (which is a set-password link as well).
    PASSWORD_RESET_HOURS: int = _int("SELFSCAN_PASSWORD_RESET_HOURS", 2)
    ACCOUNT_INVITATION_DAYS: int = _int("SELFSCAN_ACCOUNT_INVITATION_DAYS", 14)

    # `selfscan purge` removes personal data of rounds closed longer ago than this.
    RETENTION_DAYS: int = _int("SELFSCAN_RETENTION_DAYS", 365)

    # Where rate-limit counters live (selfscan.infra.throttle): "database" (the app's database, shared
    # by every worker and app server), "redis://…", or "memory://" (one process only).
    RATELIMIT_STORAGE_URI: str = os.environ.get("SELFSCAN_RATELIMIT_STORAGE_URI", "database")

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    # The API (selfscan.api): its description and its address prefix.
    API_TITLE = "Selfscan API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool = _bool("SELFSCAN_SECURE_COOKIES", True)
    REMEMBER_COOKIE_HTTPONLY = True
    # A session ends this long after sign-in (absolute) or after its last request (idle);
    # selfscan.infra.sessions enforces both on the server.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_int("SELFSCAN_SESSION_HOURS", 8))
    SESSION_IDLE_MINUTES: int = _int("SELFSCAN_SESSION_IDLE_MINUTES", 60)
    MAX_CONTENT_LENGTH: int = _int("SELFSCAN_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
    WTF_CSRF_TIME_LIMIT: int | None = None  # the token lives as long as the session
    # Behind a reverse proxy, set to the number of proxies that add X-Forwarded-* headers.
    PROXY_COUNT: int = _int("SELFSCAN_PROXY_COUNT", 0)


# A secret key signs sessions, CSRF tokens and every link: it must be long and random.
MIN_SECRET_KEY_BYTES = 32
MAKE_KEY_COMMAND = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def secret_key_problem(key: str) -> str | None:
    """Why SECRET_KEY is too weak to sign sessions and links; None when it will do."""
    size = len(key.strip().encode("utf-8"))
    if size < MIN_SECRET_KEY_BYTES:
        problem = f"it is {size} bytes long (without spaces at the ends), fewer than {MIN_SECRET_KEY_BYTES}"
    elif len(set(key)) < 8:
        problem = f"it repeats {len(set(key))} different characters"
    elif "changeme" in "".join(c for c in key.lower() if c.isalpha()):
        problem = "it is a placeholder ('change me')"
    else:
        return None
    return (
        f"SELFSCAN_SECRET_KEY is too weak: {problem}. It signs sessions and every link, so "
        f"anyone who guesses it can sign in as anyone. Make a long random one with `{MAKE_KEY_COMMAND}`"
        " and set that (the same for every worker and app server)."
    )


PACKAGE_DIR = Path(__file__).resolve().parent.parent  # selfscan/, this file is in selfscan/infra/
# The checkout beside the package (a developer's editable install); installed from a wheel, this
# is only site-packages.
PROJECT_ROOT = PACKAGE_DIR.parent
# A wheel carries the top-level migrations/ and questionnaires/ in here (setup.py copies them at
# build time); a checkout has no such folder and reads the top-level ones themselves.
BUNDLED = PACKAGE_DIR / "bundled"
# instance/ holds the default SQLite file and the mail folder: beside the code in a checkout (the
# demo, the tests), in the working folder when installed, so nothing is written into site-packages.
INSTANCE_PATH = (Path.cwd() if BUNDLED.is_dir() else PROJECT_ROOT) / "instance"


def shipped(name: str) -> Path:
    """A folder the app needs at run time (`migrations`, `questionnaires`), wherever it was installed."""
    return (BUNDLED if BUNDLED.is_dir() else PROJECT_ROOT) / name


def database_url() -> str:
    """The configured database URL; by default an SQLite file in the instance folder."""
    url = os.environ.get("SELFSCAN_DATABASE_URL")
    if url:
        return url
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{INSTANCE_PATH / 'selfscan.infra.db'}"


# Addresses of the API: JSON errors, no session, the language from Accept-Language.
API_PATH_PREFIX = "/api/"
