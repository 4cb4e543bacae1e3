#!/usr/bin/env python3
"""Time the programme overview on generated data: 40 regions, 8 rounds, about 30 responses of
30 answers per region and round (about 290,000 answers), invitations and actions.

  python scripts/time_overview.py                      a throwaway SQLite file
  python scripts/time_overview.py postgresql+psycopg://postgres@127.0.0.1:5432/postgres
                                                       a throwaway database on that server
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, insert, make_url, text
from sqlmodel import Session, select

from selfscan import create_app, migrate
from selfscan.config import PROJECT_ROOT
from selfscan.db import make_engine
from selfscan.domain import ACTION_STATUS_KEYS, PRINCIPLE_KEYS, SECTOR_KEYS
from selfscan.models import Action, Answer, Invitation, Item, Response, RoundRegion
from selfscan.models.types import utcnow
from selfscan.questionnaires import read_directory, sync
from selfscan.services import accounts, regions, rounds

REGIONS, ROUNDS, RESPONSES, SECTORS = 40, 8, 30, 11
PASSWORD = "timing-password-123"  # noqa: S105  (a throwaway database)


@contextmanager
def database(server: str | None):
    if server is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'timing.db'}"
        return
    name = f"selfscan_timing_{uuid.uuid4().hex[:8]}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(url: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(40)  # noqa: S311  (made-up answers)
    now = utcnow()
    with Session(engine) as db:
        sync(db, read_directory(PROJECT_ROOT / "questionnaires").values())
        version = rounds.questionnaire_version(db, "zelfscan-mao", 1)
        items = db.exec(select(Item).where(Item.questionnaire_version_id == version.id)).all()
        accounts.create_user(
            db, email="programme@example.org", name="P", password=PASSWORD, is_programme=True
        )
        created = []
        for r in range(REGIONS):
            region = regions.add_region(db, key=f"regio-{r:02d}", name=f"Regio {r:02d}")
            orgs = [
                regions.add_organisation(db, region=region, name=f"Partner {s}", sector=sector)
                for s, sector in enumerate(SECTOR_KEYS[:SECTORS])
            ]
            created.append((region, orgs))
        db.commit()
        for n in range(ROUNDS):
            opens = now - timedelta(days=180 * (ROUNDS - n))
            round_ = rounds.add_round(
                db,
                key=f"ronde-{n + 1}",
                title=f"Ronde {n + 1}",
                questionnaire=version,
                opens_at=opens,
                closes_at=opens + timedelta(days=30),
                regions=[region for region, _ in created],
            )
            invitations, responses, actions = [], [], []
            for region, orgs in created:
                for i in range(RESPONSES + 5):
                    org = orgs[i % len(orgs)]
                    invitations.append(
                        {
                            "round_id": round_.id,
                            "region_id": region.id,
                            "organisation_id": org.id,
                            "name": "X",
                            "email": f"{uuid.uuid4().hex}@example.org",
                            "token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
                            "created_at": now,
                        }
                    )
                    if i < RESPONSES:
                        responses.append(
                            {
                                "round_id": round_.id,
                                "region_id": region.id,
                                "organisation_id": org.id,
                                "sector": org.sector,
                                "status": "submitted",
                                "source": "import",
                                "revision": 0,
                                "created_at": now,
                                "updated_at": now,
                                "submitted_at": now,
                            }
                        )
                for a in range(4):
                    actions.append(
                        {
                            "round_id": round_.id,
                            "region_id": region.id,
                            "principle": PRINCIPLE_KEYS[a],
                            "title": "Actie",
                            "owner": "",
                            "status": ACTION_STATUS_KEYS[a % 3],
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
            db.execute(insert(Invitation), invitations)
            db.execute(insert(Response), responses)
            db.execute(insert(Action), actions)
            ids = db.exec(select(Response.id).where(Response.round_id == round_.id)).all()
            answers = [
                {
                    "response_id": rid,
                    "item_id": item.id,
                    "value": rng.randint(1, 5) if rng.random() > 0.1 else None,
                    "dont_know": False,
                    "discuss": False,
                }
                for rid in ids
                for item in items
            ]
            for answer in answers:
                answer["dont_know"] = answer["value"] is None
            db.execute(insert(Answer), answers)
            db.commit()
        total = db.exec(select(RoundRegion)).all()
        print(f"filled: {len(created)} regions, {ROUNDS} rounds, {len(total)} region-rounds")
    # Fresh statistics, as autovacuum would have gathered them on a database in use.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def measure(url: str) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["selfscan.engine"]
    queries = []
    event.listen(engine, "before_cursor_execute", lambda *a, **k: queries.append(1))
    client = app.test_client()
    client.post("/inloggen", data={"email": "programme@example.org", "password": PASSWORD})
    # The first request computes every round's figures; later ones find them in the figures
    # cache of selfscan.services.scores while the submitted responses stay the same.
    for path in ("/programma/overzicht/ronde-8/heatmap.xlsx", "/programma/overzicht"):
        timings = []
        for _ in range(5):
            queries.clear()
            start = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, response.status_code
        print(
            f"GET {path}: first {timings[0] * 1000:.0f} ms; then best {min(timings[1:]) * 1000:.0f}"
            f" ms, worst {max(timings[1:]) * 1000:.0f} ms, {len(queries)} SQL statements"
        )
    app.extensions["selfscan.engine"].dispose()


def main() -> None:
    server = sys.argv[1] if len(sys.argv) > 1 else None
    with database(server) as url:
        start = time.perf_counter()
        fill(url)
        print(f"generated in {time.perf_counter() - start:.1f} s")
        measure(url)


if __name__ == "__main__":
    main()
