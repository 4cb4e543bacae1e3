"""Rate limits against guessing, counted where every worker and app server sees one count.

What is counted are failures (a wrong password, a link or API token that does not work),
requests that send mail and API requests (per token); per account, per link and, more gently, per address. So one person who is limited
does not lock out everyone else behind the same address (a school, a municipality), and a link
that works always opens: a 192-bit token is not a guess. The limits are in LIMITS; README.md
and SECURITY.md list them, and tests/security/test_rate_limits.py holds each.

The counters live in the app's database by default (`SELFSCAN_RATELIMIT_STORAGE_URI=database`,
table `rate_limit_counter`): every gunicorn worker and every app server on the database shares
them, with no other service to run. `redis://…` works too; `memory://` counts per process and
is refused with more than one gunicorn worker (gunicorn.conf.py). The counting itself (fixed
windows) is the `limits` library's.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, bindparam, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import TooManyRequests

from selfscan.models import RateLimitCounter

DATABASE = "database"
# Connections of the counters carry this option: their writes are not the request's (a GET
# that counts a failed link writes a counter, never the app's data; tests/conftest.py). So does
# the note of an API token's last use (selfscan.services.api_tokens.note_use).
COUNTER_OPTION = "selfscan_counters"


@dataclass(frozen=True)
class Limit:
    """One documented limit: what is counted, per what, and how many per window."""

    scope: str
    rates: str
    counts: str = field(compare=False)
    per: str = field(compare=False)

    @cached_property
    def items(self) -> list[RateLimitItem]:
        return parse_many(self.rates)


SIGN_IN_ACCOUNT = Limit(
    "sign-in-account", "5 per minute;20 per hour", "failed sign-ins", "account (e-mail address)"
)
SIGN_IN_ADDRESS = Limit(
    "sign-in-address", "20 per minute;100 per hour", "failed sign-ins", "address"
)
RESET_EMAIL = Limit(
    "password-reset-email", "5 per hour", "password-reset requests", "e-mail address asked for"
)
RESET_ADDRESS = Limit(
    "password-reset-address", "10 per minute;50 per hour", "password-reset requests", "address"
)
SET_PASSWORD_LINK = Limit(
    "set-password-link", "10 per minute", "attempts to choose a password", "link"
)
LINK_ADDRESS = Limit(
    "link-address",
    "30 per minute;300 per hour",
    "personal and password links that do not work",
    "address",
)
API_TOKEN = Limit("api-token", "120 per minute;3000 per hour", "API requests", "API token")
API_TOKEN_ADDRESS = Limit(
    "api-token-address",
    "20 per minute;100 per hour",
    "API requests with a token that does not work",
    "address",
)
LIMITS = (
    SIGN_IN_ACCOUNT,
    SIGN_IN_ADDRESS,
    RESET_EMAIL,
    RESET_ADDRESS,
    SET_PASSWORD_LINK,
    LINK_ADDRESS,
    API_TOKEN,
    API_TOKEN_ADDRESS,
)


def now() -> float:
    """The counters' clock: seconds since the epoch on this app server."""
    return time.time()


def address() -> str:
    """The client's address (behind a proxy, as ProxyFix gives it: SELFSCAN_PROXY_COUNT)."""
    return request.remote_addr or "unknown"


def fingerprint(secret: str) -> str:
    """A key for an e-mail address or a link: counters hold no personal data or credential."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]


class Counters:
    """The app's counters: a `limits` strategy over the configured storage."""

    def __init__(self, storage: Storage, prefix: str = "") -> None:
        self.storage = storage
        self.strategy = FixedWindowRateLimiter(storage)
        self.prefix = prefix

    def _identifiers(self, limit: Limit, key: str) -> tuple[str, ...]:
        return (self.prefix, limit.scope, key) if self.prefix else (limit.scope, key)

    def seconds_left(self, limit: Limit, key: str) -> int | None:
        """None while the limit allows one more; else the seconds until it does."""
        waits = [
            self.strategy.get_window_stats(item, *self._identifiers(limit, key)).reset_time
            for item in limit.items
            if not self.strategy.test(item, *self._identifiers(limit, key))
        ]
        return max(1, math.ceil(max(waits) - now())) if waits else None

    def count(self, limit: Limit, key: str) -> None:
        for item in limit.items:
            self.strategy.hit(item, *self._identifiers(limit, key))

    def spend(self, limit: Limit, key: str) -> int | None:
        """Count one against the limit: None if that stayed within it, else the seconds until
        it allows one more."""
        identifiers = self._identifiers(limit, key)
        over = [item for item in limit.items if not self.strategy.hit(item, *identifiers)]
        if not over:
            return None
        resets = [self.strategy.get_window_stats(item, *identifiers).reset_time for item in over]
        return max(1, math.ceil(max(resets) - now()))


def init_app(app: Flask) -> None:
    """Open the counters named by RATELIMIT_STORAGE_URI (none when RATELIMIT_ENABLED is off)."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        app.extensions["selfscan.counters"] = None
        return
    uri = app.config.get("RATELIMIT_STORAGE_URI") or DATABASE
    if uri == DATABASE:
        storage: Storage = DatabaseStorage(engine=app.extensions["selfscan.engine"])
    else:
        storage = storage_from_string(uri)
    app.extensions["selfscan.counters"] = Counters(
        storage, prefix=app.config.get("RATELIMIT_KEY_PREFIX", "")
    )


def _counters() -> Counters | None:
    return current_app.extensions.get("selfscan.counters")


def refuse_when_exceeded(*checks: tuple[Limit, str]) -> None:
    """429 (with Retry-After) when any (limit, key) has no attempt left; else nothing."""
    counters = _counters()
    if counters is None:
        return
    waits = [w for limit, key in checks if (w := counters.seconds_left(limit, key)) is not None]
    if waits:
        raise TooManyRequests(retry_after=max(waits))


def failed_link() -> None:
    """A personal or password link that does not work: 429 once the address has used up its
    attempts, else counted (and the caller shows its "link does not work" page)."""
    check = (LINK_ADDRESS, address())
    refuse_when_exceeded(check)
    count(check)


def spend(*checks: tuple[Limit, str]) -> None:
    """Count one against each (limit, key), and 429 (with Retry-After) once that goes over any:
    for what counts every request (an API token's), one write per limit where checking first
    and counting after would be a read and a write. A refused request counts too."""
    counters = _counters()
    if counters is None:
        return
    waits = [w for limit, key in checks if (w := counters.spend(limit, key)) is not None]
    if waits:
        raise TooManyRequests(retry_after=max(waits))


def count(*checks: tuple[Limit, str]) -> None:
    """Count one against each (limit, key). Call it outside a write transaction of the
    request's own session: on SQLite the counter's write would wait for that lock."""
    counters = _counters()
    if counters is None:
        return
    for limit, key in checks:
        counters.count(limit, key)


class DatabaseStorage(Storage):
    """`limits` storage in the table rate_limit_counter: one row per limit and key, counted
    with one atomic upsert (PostgreSQL and SQLite alike), on its own short transaction."""

    STORAGE_SCHEME = None

    def __init__(self, *, engine: Engine) -> None:
        super().__init__()
        self.engine = engine.execution_options(**{COUNTER_OPTION: True})
        self.table = RateLimitCounter.__table__  # type: ignore[attr-defined]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @cached_property
    def _incr(self) -> Any:
        """The upsert that counts, built once: a new window, or one more in the current."""
        table = self.table
        insert = (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert
        amount, moment, expires = bindparam("amount"), bindparam("moment"), bindparam("expires")
        ended = table.c.expires_at <= moment
        return (
            insert(table)
            .values(key=bindparam("key"), count=amount, expires_at=expires)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((ended, amount), else_=table.c.count + amount),
                    "expires_at": case((ended, expires), else_=table.c.expires_at),
                },
            )
            .returning(table.c.count)
        )

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        moment = now()
        values = {
            "key": _short(key),
            "amount": amount,
            "moment": moment,
            "expires": moment + expiry,
        }
        with self.engine.begin() as connection:
            return int(connection.execute(self._incr, values).scalar_one())

    def get(self, key: str) -> int:
        table = self.table
        query = select(table.c.count).where(table.c.key == _short(key), table.c.expires_at > now())
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def get_expiry(self, key: str) -> float:
        query = select(self.table.c.expires_at).where(self.table.c.key == _short(key))
        with self.engine.connect() as connection:
            return float(connection.execute(query).scalar() or now())

    def check(self) -> bool:
        with self.engine.connect() as connection:
            connection.execute(select(func.count()).select_from(self.table))
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            return connection.execute(delete(self.table)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.key == _short(key)))


def purge_ended(engine: Engine) -> int:
    """Delete counters whose window has ended (`selfscan purge`); returns how many."""
    table = RateLimitCounter.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        return connection.execute(delete(table).where(table.c.expires_at <= now())).rowcount


def _short(key: str) -> str:
    """Keys fit the column: a longer one (a long client address, a prefix) is hashed."""
    return key if len(key) <= 255 else "sha256:" + hashlib.sha256(key.encode()).hexdigest()
