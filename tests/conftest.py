"""Fixtures: a real database (SQLite, or PostgreSQL when SELFSCAN_TEST_DATABASE_URL is set),
the app, a client that sends real CSRF tokens, and factories for the domain's objects."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import profiles
from flask import Flask, has_request_context, request
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, event, make_url, text
from sqlmodel import Session, select

from selfscan import create_app
from selfscan.core.questionnaire import Questionnaire, read_directory
from selfscan.infra import migrate, passwords
from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.db import make_engine
from selfscan.infra.throttle import COUNTER_OPTION
from selfscan.models import (
    Invitation,
    Item,
    Organisation,
    QuestionnaireVersion,
    Region,
    Round,
    User,
    metadata,
)
from selfscan.models.types import utcnow
from selfscan.services import accounts, api_tokens, regions, rounds
from selfscan.services.invitations import new_link
from selfscan.services.questionnaires import sync

PASSWORD = "correct horse battery staple"
SECRET_KEY = "selfscan-test-secret-key-0123456789abcdef"
# The `mailbox` (a real SMTP server on 127.0.0.1) and `mail_app` fixtures.
pytest_plugins = ["smtp_mailbox"]
TEST_DATABASE_ENV = "SELFSCAN_TEST_DATABASE_URL"

# argon2's cheapest parameters in this process: the suite makes and checks thousands of
# passwords, at about 0.1 s each with the app's own. Servers the tests start in other processes,
# and tests that use `production_hashing`, hash as the app does.
passwords.use_parameters(profiles.CHEAPEST)


@pytest.fixture
def production_hashing() -> Iterator[None]:
    """Passwords hashed with the app's own parameters during the test."""
    passwords.use_parameters(passwords.PRODUCTION)
    yield
    passwords.use_parameters(profiles.CHEAPEST)


# Tests that start servers and hold them to limits under load, or run several processes against
# each other: scripts/test runs them one at a time after the rest (which runs on every CPU), so
# that no other test competes with them for the machine.
SOLO = (
    "tests/resilience/",
    "tests/test_across_servers.py",
    "tests/test_package.py",
    "tests/test_serving.py",
)


@pytest.hookimpl(tryfirst=True)  # before -m selects: `-m solo` and `-m "not solo"` work
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(SOLO):
            item.add_marker(pytest.mark.solo)
    # scripts/test's passes: SELFSCAN_TEST_PASS=spread leaves the solo tests out, =solo runs
    # only them; whatever else the arguments select applies as well.
    wanted = os.environ.get("SELFSCAN_TEST_PASS")
    if wanted not in ("spread", "solo"):
        return
    keep = [i for i in items if (i.get_closest_marker("solo") is not None) == (wanted == "solo")]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


# --- the database ------------------------------------------------------------------------------


@contextmanager
def throwaway_database(folder: Path) -> Iterator[str]:
    """The URL of a new, empty database, dropped afterwards; PostgreSQL when
    SELFSCAN_TEST_DATABASE_URL names a server, else an SQLite file in `folder`."""
    server_url = os.environ.get(TEST_DATABASE_ENV)
    if not server_url:
        yield f"sqlite:///{folder / f'selfscan-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"selfscan_test_{uuid.uuid4().hex[:12]}"
    admin_url = make_url(server_url).set(database="postgres").render_as_string(False)
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this test run."""
    with throwaway_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """The test database, created by the migrations (never by create_all)."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated database, emptied after each test."""
    yield migrated_engine
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with migrated_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging data and checking what views stored.

    Every statement commits on its own and every SELECT reloads its rows, so the test never
    holds a lock the app waits for and always reads what the app committed. (`db.get` reads
    the identity map: use `db.refresh(obj)` or a SELECT to see the app's changes.)
    """
    with (
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
        Session(bind=connection, expire_on_commit=False) as session,
    ):
        event.listen(session, "do_orm_execute", _always_fresh)
        yield session


def _always_fresh(state: Any) -> None:
    if state.is_select:
        state.update_execution_options(populate_existing=True)


# --- the app -----------------------------------------------------------------------------------


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form, as a browser would.

    Pass csrf=False to send a form without one.
    """

    def open(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        method = kwargs.get("method", "GET").upper()
        data = kwargs.get("data")
        if (
            csrf
            and method not in ("GET", "HEAD", "OPTIONS")
            and (data is None or isinstance(data, dict))
        ):
            kwargs["data"] = {**(data or {}), "csrf_token": self.csrf_token()}
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", uuid.uuid4().hex)
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


def make_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        **overrides,
    }
    app = create_app(config)
    app.test_client_class = CSRFClient
    event.listen(app.extensions["selfscan.engine"], "before_cursor_execute", _refuse_writes_on_get)
    return app


def _refuse_writes_on_get(_conn, _cursor, statement: str, *_args: Any) -> None:
    """GET and HEAD requests only read: on PostgreSQL they run without a transaction
    (selfscan.infra.db.get_session), so a write there would not be atomic. A test in which one
    writes gets a 500 from the app and this message in its log."""
    if _conn.get_execution_options().get(COUNTER_OPTION):
        return  # rate-limit counters: a GET may count a failed link (selfscan.infra.throttle)
    if has_request_context() and request.method in ("GET", "HEAD"):
        verb = statement.lstrip().split(None, 1)[0].upper()
        assert verb not in ("INSERT", "UPDATE", "DELETE"), f"{request.method} wrote: {statement}"


@pytest.fixture
def app(engine: Engine, database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    app.extensions["selfscan.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> CSRFClient:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------------------


class Factory:
    """Builds domain objects through the services, committing so that views can see them."""

    def __init__(self, session: Session) -> None:
        self.db = session
        self._questionnaires: dict[tuple[str, int], Questionnaire] | None = None

    def _commit(self, obj: Any) -> Any:
        self.db.commit()
        return obj

    def questionnaire(self, version: int = 1) -> QuestionnaireVersion:
        if self._questionnaires is None:
            self._questionnaires = read_directory(PROJECT_ROOT / "questionnaires")
        sync(self.db, self._questionnaires.values())
        self.db.commit()
        return rounds.questionnaire_version(self.db, "zelfscan-mao", version)

    def questionnaire_spec(self, version: int = 1) -> Questionnaire:
        self.questionnaire()
        assert self._questionnaires is not None
        return self._questionnaires[("zelfscan-mao", version)]

    def items(self, version: QuestionnaireVersion) -> list[Item]:
        return list(
            self.db.exec(
                select(Item)
                .where(Item.questionnaire_version_id == version.id)
                .order_by(Item.position)
            )
        )

    def region(
        self, key: str = "regio-a", name: str | None = None, sharing: str = "private"
    ) -> Region:
        return self._commit(
            regions.add_region(self.db, key=key, name=name or key.title(), sharing=sharing)
        )

    def organisation(
        self, region: Region, name: str = "Basisschool De Regenboog", sector: str = "po"
    ) -> Organisation:
        return self._commit(
            regions.add_organisation(self.db, region=region, name=name, sector=sector)
        )

    def user(
        self,
        email: str = "someone@example.org",
        *,
        programme: bool = False,
        regions: tuple[Region, ...] = (),
        name: str = "Test Person",
    ) -> User:
        user = accounts.create_user(
            self.db,
            email=email,
            name=name,
            password=PASSWORD,
            is_programme=programme,
            region_keys=[r.key for r in regions],
        )
        return self._commit(user)

    def round(
        self,
        key: str = "ronde-1",
        regions: tuple[Region, ...] = (),
        *,
        opens_at: datetime | None = None,
        closes_at: datetime | None = None,
        title: str = "Ronde 1",
        version: int = 1,
    ) -> Round:
        now = utcnow()
        round_ = rounds.add_round(
            self.db,
            key=key,
            title=title,
            questionnaire=self.questionnaire(version),
            opens_at=opens_at or now - timedelta(days=7),
            closes_at=closes_at or now + timedelta(days=7),
            regions=regions,
        )
        return self._commit(round_)

    def close(self, round_: Round) -> Round:
        """Close an open round now, as the programme team's "close now" does: its figures are
        released (DESIGN rule 8)."""
        close_round(self.db, round_)
        return round_

    def invitation(
        self,
        round_: Round,
        organisation: Organisation,
        *,
        email: str | None = None,
        name: str = "Invited Person",
        perspective: str = "professional",
    ) -> tuple[Invitation, str]:
        """An invitation and its secret token, made under the test app's secret key."""
        link, token = new_link(SECRET_KEY)
        invitation = Invitation(
            round_id=round_.id,
            region_id=organisation.region_id,
            organisation_id=organisation.id,  # type: ignore[arg-type]
            name=name,
            email=email or f"{uuid.uuid4().hex[:8]}@example.org",
            perspective=perspective,
            **link,
        )
        self.db.add(invitation)
        self.db.commit()
        return invitation, token


@pytest.fixture
def make(db: Session) -> Factory:
    return Factory(db)


@pytest.fixture
def world(make: Factory) -> dict[str, Any]:
    """Two regions in one open round, each with an organisation and a coordinator, and the
    programme team: the cast of the access tests."""
    region_a = make.region("regio-a", "Regio A")
    region_b = make.region("regio-b", "Regio B")
    org_a = make.organisation(region_a, "School A", "po")
    org_b = make.organisation(region_b, "School B", "po")
    round_ = make.round("ronde-1", (region_a, region_b))
    cast = {
        "region_a": region_a,
        "region_b": region_b,
        "org_a": org_a,
        "org_b": org_b,
        "round": round_,
        "coordinator_a": make.user(
            "coordinator-a@example.org", regions=(region_a,), name="Coordinator A"
        ),
        "coordinator_b": make.user(
            "coordinator-b@example.org", regions=(region_b,), name="Coordinator B"
        ),
        "programme": make.user("programme@example.org", programme=True, name="Programme Team"),
    }
    # Each account's personal API token (the API knows no session): see api_headers.
    cast["api_tokens"] = {
        name: api_tokens.create(make.db, cast[name], "tests")[1]
        for name in ("coordinator_a", "coordinator_b", "programme")
    }
    make.db.commit()
    return cast


def api_headers(client: FlaskClient, world: dict[str, Any], identity: str) -> None:
    """Every request of `client` carries the identity's API token (none for the anonymous or
    a respondent), as a program would: the API reads that, and the pages the session."""
    token = world.get("api_tokens", {}).get(identity)
    if token is None:
        client.environ_base.pop("HTTP_AUTHORIZATION", None)
    else:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"


def close_round(db: Session, round_: Round) -> None:
    """Close an open round now (as the programme team's "close now"): its figures are released."""
    rounds.close_now(db, round_)
    db.commit()


CSRF_TOKEN_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")')


def without_csrf_tokens(page: str) -> str:
    """A page with its CSRF tokens blanked: a token is signed with the second it was made in,
    so two renderings of one page differ when a second passes between them."""
    return CSRF_TOKEN_VALUE.sub(r"\1\2", page)


def login(client: FlaskClient, user: User | str, password: str = PASSWORD) -> Any:
    email = user if isinstance(user, str) else user.email
    return client.post("/inloggen", data={"email": email, "password": password})


@pytest.fixture
def questionnaire_dir(tmp_path: Path) -> Path:
    """A scratch folder holding a copy of the real questionnaire files."""
    target = tmp_path / "questionnaires"
    target.mkdir()
    for path in (PROJECT_ROOT / "questionnaires").glob("*.toml"):
        (target / path.name).write_bytes(path.read_bytes())
    return target
