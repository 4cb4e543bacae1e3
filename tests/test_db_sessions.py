"""The request's database session: when it holds SQLite's write lock, and for how long."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlmodel import Session

from selfscan.infra.db import engine_of, get_session, start_writing


def _another_writer_can_begin(database_url: str) -> bool:
    """Whether a second connection gets the write lock at once (no waiting)."""
    other = sqlite3.connect(
        database_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None
    )
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


@pytest.fixture
def sqlite_url(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock; PostgreSQL locks rows, not the database")
    return database_url


def test_a_posted_request_holds_the_write_lock_from_its_first_read(app, sqlite_url):
    with app.test_request_context("/", method="POST"):
        get_session().execute(text("SELECT 1"))
        assert not _another_writer_can_begin(sqlite_url)
        get_session().rollback()
        assert _another_writer_can_begin(sqlite_url)


def test_a_request_that_reads_first_takes_the_write_lock_only_when_it_starts_writing(
    app, sqlite_url
):
    with app.test_request_context("/", method="POST"):
        session = get_session(writes=False)
        session.execute(text("SELECT 1"))
        assert _another_writer_can_begin(sqlite_url)  # reading keeps no one waiting
        start_writing(session)
        assert not _another_writer_can_begin(sqlite_url)  # the writes cannot interleave
        session.rollback()
        assert _another_writer_can_begin(sqlite_url)


def test_start_writing_keeps_the_transaction_on_postgresql(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL writes in the transaction it has")
    with app.test_request_context("/", method="POST"):
        session = get_session(writes=False)
        before = session.execute(text("SELECT txid_current()")).scalar_one()
        start_writing(session)
        assert session.execute(text("SELECT txid_current()")).scalar_one() == before
        session.rollback()


def test_caches_kept_per_engine_find_the_engine_behind_any_options(app, engine):
    """Per-engine caches (kept pages, item ids) must not start empty on every request because
    the request's session binds an engine with options."""
    with app.test_request_context("/", method="GET"):
        app_engine = app.extensions["selfscan.engine"]
        assert engine_of(get_session()) is app_engine
    nested = engine.execution_options(writes=False).execution_options(isolation_level="AUTOCOMMIT")
    assert engine_of(Session(nested)) is engine
