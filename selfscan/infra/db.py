"""The database engine and the per-request session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 15_000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and enforced foreign keys."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so that
        # SELECT ... then UPDATE in one transaction cannot interleave with another writer.
        event.listen(engine, "begin", _begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(connection: Any) -> None:
    # A transaction that will write takes the write lock up front: a deferred transaction that
    # read first cannot wait for the lock later and fails at once with "database is locked".
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    if options.get("writes", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request's session on teardown."""
    app.extensions["selfscan.engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)


def engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["selfscan.engine"]


def get_session(*, writes: bool | None = None) -> Session:
    """The request's database session, opened on first use; reads only for GET and HEAD.

    A request that reads a while before it writes can open it with `writes=False` and call
    `start_writing` when it gets there."""
    if "db_session" not in g:
        reads_only = has_request_context() and request.method in ("GET", "HEAD")
        if writes is None:
            writes = not reads_only
        options: dict[str, Any] = {"writes": writes}
        if reads_only and engine().dialect.name == "postgresql":
            # A page that only reads needs no transaction on PostgreSQL: in READ COMMITTED
            # every statement sees its own snapshot either way, and BEGIN and ROLLBACK would
            # be two more round trips per page. GET requests never write (tests/conftest.py
            # fails any test in which one does).
            options["isolation_level"] = "AUTOCOMMIT"
        g.db_session = Session(_bind(options), expire_on_commit=False)
    return g.db_session


def _bind(options: dict[str, Any]) -> Engine:
    """The app's engine with these execution options, made once per app: making it costs a
    request a tenth of a millisecond, and there are only a few combinations."""
    made: dict[tuple[Any, ...], Engine] = current_app.extensions.setdefault("selfscan.engines", {})
    key = tuple(sorted(options.items()))
    if key not in made:
        made[key] = engine().execution_options(**options)
    return made[key]


def start_writing(session: Session) -> None:
    """From here on the session writes. On SQLite its reading transaction ends and one that
    holds the write lock begins, so another worker waits only for the writes, not for the
    reading and checking before them; what was read must be checked again by the writes (a
    conditional UPDATE). PostgreSQL writes in the transaction it has."""
    if session.get_bind().dialect.name != "sqlite":
        return
    session.commit()
    session.connection(execution_options={"writes": True})


def engine_of(session: Session) -> Engine:
    """The app's engine behind a session, also behind per-request execution options: what
    per-engine caches are keyed on (one app, one database)."""
    bind = session.get_bind()
    while hasattr(bind, "_proxied"):  # an engine with options wraps the engine
        bind = bind._proxied
    return bind  # type: ignore[return-value]


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(bind: Engine | None = None) -> Iterator[Session]:
    """A session for CLI commands and scripts: commits on success, rolls back on error."""
    with Session(bind or engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
