"""The benchmark's data set at programme scale, generated with bulk inserts.

Per region: 11 partner organisations in 11 sectors; per round: 35 invitations, 30 submitted
responses with an answer to every item of the questionnaire (about a tenth "don't know", some
discussion flags and comments) and 4 actions on the learning agenda. Eight rounds half a year
apart; the last is open now. Regions can be added later (`add_regions`) to measure how the
region dashboard behaves as the database grows.
"""

from __future__ import annotations

import random
import secrets
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, make_url, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from selfscan.core.questionnaire import read_directory
from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS
from selfscan.infra import migrate
from selfscan.infra.config import PROJECT_ROOT, Config
from selfscan.infra.db import make_engine
from selfscan.models import (
    Action,
    Answer,
    Invitation,
    Item,
    Organisation,
    PrincipleComment,
    Region,
    Response,
    Round,
    RoundRegion,
)
from selfscan.models.types import utcnow
from selfscan.services import accounts, rounds
from selfscan.services.invitations import new_link
from selfscan.services.questionnaires import sync

ROUNDS, RESPONSES, INVITED, SECTORS = 8, 30, 35, 11
QUESTIONNAIRE = ("zelfscan-mao", 1)
PASSWORD = "bench-password-1234"
PROGRAMME_EMAIL = "programma@bench.example.org"
COORDINATOR_EMAIL = "coordinator@bench.example.org"
BENCH_REGION = "regio-000"


@dataclass(frozen=True)
class Dataset:
    url: str
    open_round: str
    round_keys: list[str]

    @property
    def closed_round(self) -> str:
        """The latest round that has closed: its results pages show figures (DESIGN rule 8)."""
        return self.round_keys[-2]


@contextmanager
def throwaway_database(server: str | None) -> Iterator[str]:
    """A fresh SQLite file, or a fresh database on the given PostgreSQL server; removed after."""
    if server is None:
        with tempfile.TemporaryDirectory(prefix="selfscan-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    name = f"selfscan_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def create(url: str, regions: int) -> Dataset:
    """Schema, questionnaire, accounts, eight rounds (the last open) and `regions` regions."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    now = utcnow()
    keys = []
    with Session(engine) as db:
        sync(db, read_directory(PROJECT_ROOT / "questionnaires").values())
        version = rounds.questionnaire_version(db, *QUESTIONNAIRE)
        accounts.create_user(
            db, email=PROGRAMME_EMAIL, name="Programma", password=PASSWORD, is_programme=True
        )
        for n in range(ROUNDS):
            # The last round opened ten days ago and is open for another twenty.
            opens = now - timedelta(days=182 * (ROUNDS - 1 - n) + 10)
            round_ = rounds.add_round(
                db,
                key=f"ronde-{n + 1}",
                title=f"Ronde {n + 1}",
                questionnaire=version,
                opens_at=opens,
                closes_at=opens + timedelta(days=30),
                regions=[],
            )
            keys.append(round_.key)
        db.commit()
    add_regions(engine, 0, regions)
    with Session(engine) as db:
        accounts.create_user(
            db,
            email=COORDINATOR_EMAIL,
            name="Coördinator",
            password=PASSWORD,
            region_keys=[BENCH_REGION],
        )
        db.commit()
    engine.dispose()
    keep_sums(url)
    return Dataset(url=url, open_round=keys[-1], round_keys=keys)


def keep_sums(url: str) -> tuple[int, float]:
    """What `selfscan worker` does within a minute of each round closing, all at once: the
    released rounds' sums kept in the database (selfscan.services.region_sums), as a deployment
    that runs the worker has them. Without them each gunicorn worker's first overview sums up
    every closed round from the answers (0.7 s at 40 regions on PostgreSQL: the day a round
    closes measured it as the programme team's slowest page). The regions written and the
    seconds it took (nothing to write when a kept set has them)."""
    from selfscan.services import region_sums

    engine = make_engine(url, poolclass=NullPool)
    started = time.perf_counter()
    with Session(engine) as session:
        k = Config().MIN_GROUP_SIZE  # the app's minimum group size, as the worker has it
        written = sum(s.written for s in region_sums.store_released(session, k=k))
        session.commit()
    engine.dispose()
    return written, time.perf_counter() - started


def region_key(number: int) -> str:
    return f"regio-{number:03d}"


def add_regions(engine: Engine, start: int, count: int, seed: int = 7) -> None:
    """Regions start..start+count-1 with their organisations and every round's data."""
    rng = random.Random(seed + start)
    now = utcnow()
    with Session(engine) as db:
        version = rounds.questionnaire_version(db, *QUESTIONNAIRE)
        items = db.exec(
            select(Item)
            .where(Item.questionnaire_version_id == version.id)
            .order_by(col(Item.position))
        ).all()
        round_ids = db.exec(select(Round.id).order_by(col(Round.opens_at))).all()
        db.execute(
            insert(Region),
            [
                {
                    "key": region_key(n),
                    "name": f"Regio {n:03d}",
                    # Every fourth region shares its figures by name, the rest only pooled.
                    "sharing": "named" if n % 4 == 0 else "private",
                    "created_at": now,
                }
                for n in range(start, start + count)
            ],
        )
        region_ids = db.exec(
            select(Region.id).where(
                col(Region.key).in_([region_key(n) for n in range(start, start + count)])
            )
        ).all()
        db.execute(
            insert(Organisation),
            [
                {"region_id": r, "name": f"Partner {s}", "sector": sector, "created_at": now}
                for r in region_ids
                for s, sector in enumerate(SECTOR_KEYS[:SECTORS])
            ],
        )
        orgs: dict[int, list[tuple[int, str]]] = {}
        for org in db.exec(select(Organisation).where(col(Organisation.region_id).in_(region_ids))):
            orgs.setdefault(org.region_id, []).append((org.id, org.sector))  # type: ignore[arg-type]
        bias = {r: rng.uniform(-0.8, 0.8) for r in region_ids}
        for round_number, round_id in enumerate(round_ids):
            _fill_round(db, rng, round_id, round_number, region_ids, orgs, bias, items, now)
            db.commit()
    # Fresh statistics, as autovacuum would have gathered them on a database in use.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))


def _fill_round(db, rng, round_id, round_number, region_ids, orgs, bias, items, now) -> None:  # type: ignore[no-untyped-def]
    db.execute(insert(RoundRegion), [{"round_id": round_id, "region_id": r} for r in region_ids])
    invitations, responses, actions = [], [], []
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
                    # The app finds a link by its hash alone; any key makes a valid pair.
                    **new_link("bench")[0],
                    "created_at": now,
                    "sent_at": now,
                }
            )
            if i < RESPONSES:
                responses.append(
                    {
                        "round_id": round_id,
                        "region_id": region_id,
                        "organisation_id": org_id,
                        "sector": sector,
                        "status": "submitted",
                        "source": "import",
                        "revision": 1,
                        "created_at": now,
                        "updated_at": now,
                        "submitted_at": now,
                    }
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
    db.execute(insert(Invitation), invitations)
    db.execute(insert(Response), responses)
    db.execute(insert(Action), actions)
    rows = db.exec(
        select(Response.id, Response.region_id).where(
            Response.round_id == round_id, col(Response.region_id).in_(region_ids)
        )
    ).all()
    answers, comments = [], []
    growth = 0.1 * round_number  # regions get a little better every round
    for response_id, region_id in rows:
        centre = 3 + bias[region_id] + growth
        for item in items:
            dont_know = rng.random() < 0.1
            value = None if dont_know else min(5, max(1, round(rng.gauss(centre, 1))))
            answers.append(
                {
                    "response_id": response_id,
                    "item_id": item.id,
                    "value": value,
                    "dont_know": dont_know,
                    "discuss": rng.random() < 0.04,
                }
            )
        if rng.random() < 0.2:
            comments.append(
                {
                    "response_id": response_id,
                    "principle": rng.choice(PRINCIPLE_KEYS),
                    "text": "Hier moeten we het in de regio samen over hebben.",
                }
            )
    _insert_answers(db, answers)
    if comments:
        db.execute(insert(PrincipleComment), comments)


ANSWER_COLUMNS = ("response_id", "item_id", "value", "dont_know", "discuss")


def _insert_answers(db: Session, answers: list[dict]) -> None:
    """Bulk insert; on PostgreSQL with COPY, several times faster than batched INSERTs."""
    connection = db.connection()
    if connection.dialect.name != "postgresql":
        db.execute(insert(Answer), answers)
        return
    raw = connection.connection.driver_connection
    statement = f"COPY answer ({', '.join(ANSWER_COLUMNS)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for answer in answers:
            copy.write_row(tuple(answer[c] for c in ANSWER_COLUMNS))


def respondent_links(url: str, open_round: str, count: int) -> list[str]:
    """Invite `count` more people to the open round, spread over the first regions; their
    personal links (tokens) are returned, as the invitation mail would carry them."""
    engine = make_engine(url)
    tokens = []
    with Session(engine) as db:
        round_ = db.exec(select(Round).where(Round.key == open_round)).one()
        orgs = db.exec(
            select(Organisation)
            .join(Region, col(Region.id) == Organisation.region_id)
            .where(col(Region.key) <= region_key(39))
            .order_by(col(Organisation.id))
        ).all()
        rows = []
        for n in range(count):
            org = orgs[n % len(orgs)]
            link, token = new_link("bench")
            tokens.append(token)
            rows.append(
                {
                    "round_id": round_.id,
                    "region_id": org.region_id,
                    "organisation_id": org.id,
                    "name": f"Respondent {n}",
                    "email": f"respondent-{n}-{secrets.token_hex(4)}@bench.example.org",
                    **link,
                    "created_at": utcnow(),
                }
            )
        db.execute(insert(Invitation), rows)
        db.commit()
    engine.dispose()
    return tokens


def counts(url: str) -> dict[str, int]:
    """How many rows the main tables hold (for the report)."""
    engine = make_engine(url)
    with Session(engine) as db:
        found = {
            name: db.exec(text(f"SELECT count(*) FROM {name}")).one()[0]  # type: ignore[call-overload]
            for name in ("region", "round", "invitation", "response", "answer")
        }
    engine.dispose()
    return found
