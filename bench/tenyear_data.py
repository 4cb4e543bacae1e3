"""Ten years of the programme as a data set: 400 regions x 20 rounds x 30 respondents.

The shape of bench/data.py (11 partner organisations in 11 sectors per region; per region and
round 35 invitations, 30 submitted responses answering every statement, about a tenth "don't
know", some discussion flags and comments, 4 actions), over twenty rounds half a year apart, the
last one open now. About 7 M answers, so it is loaded the way one loads that much: on SQLite
plain `executemany` in one transaction per round with the journal and syncing off; on
PostgreSQL `COPY` through psycopg's copy API. Built once and kept (`instance/bench/` for
SQLite, a database of its own on a PostgreSQL server), under a name that holds `VERSION`: change
the generator, raise `VERSION`, and the next run builds a new set.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, make_url, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from bench import data
from selfscan.core.questionnaire import read_directory
from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS
from selfscan.infra import migrate
from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.db import make_engine
from selfscan.models import Item, Organisation, Region, Round
from selfscan.models.types import utcnow
from selfscan.services import accounts, rounds
from selfscan.services.invitations import new_link
from selfscan.services.questionnaires import sync

# Raise when what the generator makes changes: a kept set of another version is not used.
VERSION = 1
REGIONS, ROUNDS = 400, 20
RESPONSES, INVITED, SECTORS = data.RESPONSES, data.INVITED, data.SECTORS
CACHE = PROJECT_ROOT / "instance" / "bench"


def database_name(regions: int) -> str:
    return f"selfscan_tenyear_v{VERSION}_{regions}"


def kept_database(server: str | None, regions: int) -> tuple[str, float | None]:
    """The URL of the kept data set of `regions` regions, built first if there is none; and the
    seconds building it took (None when it was kept from an earlier run)."""
    if server is None:
        CACHE.mkdir(parents=True, exist_ok=True)
        target = CACHE / f"{database_name(regions)}.db"
        url = f"sqlite:///{target}"
        if target.exists():
            _upgrade(url)
            return url, None
        partial = target.with_suffix(".partial")
        for stale in CACHE.glob(f"{partial.name}*"):
            stale.unlink()
        started = time.perf_counter()
        build(f"sqlite:///{partial}", regions)
        partial.rename(target)  # only a complete set gets the name a later run looks for
        return url, time.perf_counter() - started
    name = database_name(regions)
    admin = make_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        found = connection.execute(
            text("SELECT datname FROM pg_database WHERE datname LIKE :name"),
            {"name": f"{name}%"},
        ).scalars()
        names = set(found)
        if name in names:
            admin.dispose()
            _upgrade(url)
            return url, None
        partial = f"{name}_partial"
        if partial in names:
            connection.execute(text(f'DROP DATABASE "{partial}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{partial}"'))
    started = time.perf_counter()
    build(make_url(server).set(database=partial).render_as_string(hide_password=False), regions)
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))
    admin.dispose()
    return url, time.perf_counter() - started


def _upgrade(url: str) -> None:
    """A kept set gets the migrations added since it was built (an index, say)."""
    engine = make_engine(url, poolclass=NullPool)
    migrate.upgrade(engine)
    engine.dispose()


def build(url: str, regions: int, rounds_count: int = ROUNDS, seed: int = 10) -> None:
    """Schema, questionnaire, accounts, `rounds_count` rounds (the last open) and the regions."""
    engine = make_engine(url, poolclass=NullPool)
    migrate.upgrade(engine)
    now = utcnow()
    with Session(engine) as db:
        sync(db, read_directory(PROJECT_ROOT / "questionnaires").values())
        version = rounds.questionnaire_version(db, *data.QUESTIONNAIRE)
        accounts.create_user(
            db,
            email=data.PROGRAMME_EMAIL,
            name="Programma",
            password=data.PASSWORD,
            is_programme=True,
        )
        for n in range(rounds_count):
            # The last round opened ten days ago and is open for another twenty.
            opens = now - timedelta(days=182 * (rounds_count - 1 - n) + 10)
            rounds.add_round(
                db,
                key=f"ronde-{n + 1}",
                title=f"Ronde {n + 1}",
                questionnaire=version,
                opens_at=opens,
                closes_at=opens + timedelta(days=30),
                regions=[],
            )
        db.execute(
            insert(Region),
            [
                {
                    "key": data.region_key(n),
                    "name": f"Regio {n:03d}",
                    # Every fourth region shares its figures by name, the rest only pooled.
                    "sharing": "named" if n % 4 == 0 else "private",
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(regions)
            ],
        )
        region_ids = list(db.exec(select(Region.id).order_by(col(Region.id))).all())
        db.execute(
            insert(Organisation),
            [
                {
                    "region_id": r,
                    "name": f"Partner {s}",
                    "sector": sector,
                    "created_at": now,
                    "updated_at": now,
                }
                for r in region_ids
                for s, sector in enumerate(SECTOR_KEYS[:SECTORS])
            ],
        )
        items = [
            (item.id, item.principle)
            for item in db.exec(
                select(Item)
                .where(Item.questionnaire_version_id == version.id)
                .order_by(col(Item.position))
            )
        ]
        orgs: dict[int, list[tuple[int, str]]] = {}
        for org in db.exec(select(Organisation).order_by(col(Organisation.id))):
            orgs.setdefault(org.region_id, []).append((org.id, org.sector))  # type: ignore[arg-type]
        round_ids = list(db.exec(select(Round.id).order_by(col(Round.opens_at))).all())
        accounts.create_user(
            db,
            email=data.COORDINATOR_EMAIL,
            name="Coördinator",
            password=data.PASSWORD,
            region_keys=[data.BENCH_REGION],
        )
        db.commit()
    loader = _Loader(engine)
    rng = random.Random(seed)
    # What makes the figures believable: regions differ, sectors see the same collaboration
    # with other eyes, principles are not equally far along, and regions grow over the years.
    region_bias = {r: rng.uniform(-0.7, 0.7) for r in region_ids}
    sector_bias = {s: rng.uniform(-0.4, 0.4) for s in SECTOR_KEYS}
    principle_bias = {p: rng.uniform(-0.3, 0.3) for p in PRINCIPLE_KEYS}
    next_response = 1
    for number, round_id in enumerate(round_ids):
        growth = 0.05 * number
        invitations, responses, actions, answers, comments = [], [], [], [], []
        for region_id in region_ids:
            partners = orgs[region_id]
            for i in range(INVITED):
                org_id, sector = partners[i % len(partners)]
                invitations.append(
                    {
                        "round_id": round_id,
                        "region_id": region_id,
                        "organisation_id": org_id,
                        "name": "Genodigde",
                        "email": f"{uuid.uuid4().hex}@example.org",
                        "perspective": "professional",
                        # The app finds a link by its hash alone; any key makes a valid pair.
                        **new_link("bench")[0],
                        "created_at": now,
                        "sent_at": now,
                    }
                )
                if i >= RESPONSES:
                    continue
                response_id = next_response
                next_response += 1
                responses.append(
                    {
                        "id": response_id,
                        "round_id": round_id,
                        "region_id": region_id,
                        "organisation_id": org_id,
                        "sector": sector,
                        "perspective": "professional",
                        "status": "submitted",
                        "source": "import",
                        "revision": 1,
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
                )
                centre = 3 + region_bias[region_id] + sector_bias[sector] + growth
                for item_id, principle in items:
                    dont_know = rng.random() < 0.1
                    value = (
                        None
                        if dont_know
                        else min(
                            5, max(1, round(rng.gauss(centre + principle_bias[principle], 0.9)))
                        )
                    )
                    answers.append((response_id, item_id, value, dont_know, rng.random() < 0.04))
                if rng.random() < 0.2:
                    comments.append(
                        (
                            response_id,
                            rng.choice(PRINCIPLE_KEYS),
                            "Hier moeten we het in de regio samen over hebben.",
                        )
                    )
            for a in range(4):
                actions.append(
                    {
                        "round_id": round_id,
                        "region_id": region_id,
                        "principle": PRINCIPLE_KEYS[a],
                        "title": f"Actie {a + 1}",
                        "owner": "Werkgroep",
                        "status": ACTION_STATUS_KEYS[a % len(ACTION_STATUS_KEYS)],
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        loader.round(round_id, region_ids, invitations, responses, actions, answers, comments)
    loader.finish(next_response - 1)
    engine.dispose()


ANSWER_COLUMNS = ("response_id", "item_id", "value", "dont_know", "discuss")
COMMENT_COLUMNS = ("response_id", "principle", "text")


class _Loader:
    """Writes one round at a time, in one transaction, as fast as the database takes it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.connection = engine.connect()
        if not self.postgres:
            # A load into a new file: if it fails half-way the file is thrown away, so
            # neither a journal nor waiting for the disk buys anything.
            raw = self.connection.connection.driver_connection
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144"):
                raw.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]

    def round(
        self,
        round_id: int,
        region_ids: Sequence[int],
        invitations: list[dict[str, Any]],
        responses: list[dict[str, Any]],
        actions: list[dict[str, Any]],
        answers: list[tuple[Any, ...]],
        comments: list[tuple[Any, ...]],
    ) -> None:
        from selfscan.models import Action, Invitation, Response, RoundRegion

        with self.connection.begin():
            self.connection.execute(
                insert(RoundRegion), [{"round_id": round_id, "region_id": r} for r in region_ids]
            )
            self.connection.execute(insert(Invitation), invitations)
            self.connection.execute(insert(Response), responses)
            self.connection.execute(insert(Action), actions)
            self._rows("answer", ANSWER_COLUMNS, answers)
            self._rows("principle_comment", COMMENT_COLUMNS, comments)

    def _rows(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        raw = self.connection.connection.driver_connection
        if self.postgres:
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        raw.executemany(  # type: ignore[union-attr]
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    def finish(self, last_response: int) -> None:
        """The ids given by hand moved past the sequence; fresh statistics, as autovacuum
        would have gathered them on a database in use."""
        if self.postgres:
            with self.connection.begin():
                self.connection.execute(
                    text("SELECT setval(pg_get_serial_sequence('response', 'id'), :last)"),
                    {"last": last_response},
                )
        self.connection.close()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if self.postgres:
                connection.execute(text("VACUUM ANALYZE"))
            else:
                connection.execute(text("ANALYZE"))
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")


def size_mb(url: str) -> float:
    """The database's size on disk."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        return sum(p.stat().st_size for p in path.parent.glob(f"{path.name}*")) / 1024 / 1024
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    engine.dispose()
    return found / 1024 / 1024


def api_tokens(url: str, count: int) -> list[str]:
    """Personal API tokens of the programme team's benchmark account, made anew each run: as
    many BI tools, each within its token's rate limit (120 requests a minute) as wrk cycles
    through them."""
    from selfscan.models import User
    from selfscan.services import api_tokens as tokens

    engine = make_engine(url, poolclass=NullPool)
    with Session(engine) as session:
        user = session.exec(select(User).where(User.email == data.PROGRAMME_EMAIL)).one()
        made = [tokens.create(session, user, f"bench.tenyear {n}")[1] for n in range(count)]
        session.commit()
    engine.dispose()
    return made
