"""The app recovers by itself when PostgreSQL drops its connections (pool_pre_ping)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from conftest import login
from selfscan.infra.db import make_engine

DROP_ALL = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


def drop_connections(database_url: str) -> int:
    killer = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as connection:
            return connection.execute(text(DROP_ALL)).scalar_one()
    finally:
        killer.dispose()


def test_the_next_request_works_after_the_server_dropped_every_connection(
    app, client, world, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server connections to drop")
    login(client, world["programme"])
    assert client.get("/programma/privacy").status_code == 200
    assert client.get("/health").status_code == 200
    assert drop_connections(database_url) >= 1
    # Reads and a write, on connections the pool held before the drop.
    assert client.get("/health").status_code == 200
    assert client.get("/programma/privacy").status_code == 200
    reply = client.post("/programma/privacy", data={"email": "niemand@example.org"})
    assert reply.status_code == 200
    assert drop_connections(database_url) >= 1
    assert client.get("/health").status_code == 200
