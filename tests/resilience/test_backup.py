"""Backups: `selfscan backup` copies a live SQLite database consistently while writes go on,
and a restored backup (SQLite copy, or pg_dump/pg_restore on PostgreSQL) holds every response."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from privacy_support import answer_and_submit
from sqlalchemy import Engine, make_url
from sqlmodel import Session, func, select

from conftest import throwaway_database
from selfscan.infra.db import make_engine
from selfscan.models import Answer, Invitation, Organisation, PrincipleComment, Region, Response
from selfscan.services import regions, responses
from selfscan.services.responses import PageAnswers


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _responses(engine: Engine) -> set[tuple[int, str, str, int, int]]:
    """Every response with its status, sector and how many answers and comments it holds."""
    answers = (
        select(Answer.response_id, func.count().label("n")).group_by(Answer.response_id).subquery()
    )
    comments = (
        select(PrincipleComment.response_id, func.count().label("n"))
        .group_by(PrincipleComment.response_id)
        .subquery()
    )
    with Session(engine) as session:
        rows = session.exec(
            select(
                Response.id,
                Response.status,
                Response.sector,
                func.coalesce(answers.c.n, 0),
                func.coalesce(comments.c.n, 0),
            )
            .outerjoin(answers, answers.c.response_id == Response.id)
            .outerjoin(comments, comments.c.response_id == Response.id)
        ).all()
    return {tuple(row) for row in rows}  # type: ignore[misc]


@pytest.fixture
def answered(world, make, engine):
    """Six submitted responses with comments and one draft, in two regions."""
    for org in (world["org_a"], world["org_b"]):
        for n in range(3):
            invitation, _ = make.invitation(world["round"], org)
            answer_and_submit(engine, invitation.id, 1 + n, comment=f"opmerking {n}")
    draft, _ = make.invitation(world["round"], world["org_a"])
    with Session(engine) as session:
        responses.save_page(
            session, session.get(Invitation, draft.id), "kind-centraal", PageAnswers({"kc-1": 3})
        )
        session.commit()
    found = _responses(engine)
    assert len(found) == 7
    return found


def _sqlite_file(engine: Engine) -> Path:
    return Path(make_url(str(engine.url)).database or "")


def test_a_restored_sqlite_backup_holds_every_response(runner, engine, answered, tmp_path):
    if not _is_sqlite(engine):
        pytest.skip("the SQLite backup command; PostgreSQL is covered by the pg_dump test")
    copy = tmp_path / "backups" / "selfscan-copy.db"
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code == 0, result.output
    # The copy is one file that opens on its own, without the live database's -wal file.
    assert not Path(f"{copy}-wal").exists()
    restored = make_engine(f"sqlite:///{copy}")
    try:
        assert _responses(restored) == answered
    finally:
        restored.dispose()


def test_backup_is_consistent_while_the_app_keeps_writing(runner, engine, world, tmp_path):
    if not _is_sqlite(engine):
        pytest.skip("the online backup API is SQLite's")
    region_id = world["region_a"].id
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        # Each transaction adds a pair of organisations: a consistent copy never holds half.
        n = 0
        try:
            while not stop.is_set():
                with Session(engine) as session:
                    region = session.get(Region, region_id)
                    for half in ("a", "b"):
                        regions.add_organisation(
                            session, region=region, name=f"W{n:05d}{half}", sector="po"
                        )
                    session.commit()
                written.append(n)
                n += 1
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        while len(copies) < 5 or len(written) < 50:
            copy = tmp_path / f"copy-{len(copies)}.db"
            result = runner.invoke(args=["backup", str(copy)])
            assert result.exit_code == 0, result.output
            copies.append(copy)
            if len(copies) > 200:
                break
    finally:
        stop.set()
        thread.join(timeout=60)
    assert errors == []
    assert len(written) >= 50
    seen = []
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            names = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM organisation WHERE name LIKE 'W%'"
                )
            ]
        pairs = {name[:-1] for name in names}
        assert len(names) == 2 * len(pairs), f"{copy} holds half a transaction"
        seen.append(len(pairs))
    assert seen == sorted(seen)  # later copies hold at least as much
    assert seen[-1] > 0  # the copies were taken while the writer was busy
    assert len(set(seen)) > 1, seen


def test_backup_refuses_to_overwrite_unless_asked(runner, engine, world, tmp_path):
    if not _is_sqlite(engine):
        pytest.skip("SQLite only")
    copy = tmp_path / "copy.db"
    copy.write_text("keep me")
    result = runner.invoke(args=["backup", str(copy)])
    assert result.exit_code != 0
    assert "exists" in result.output
    assert copy.read_text() == "keep me"
    assert runner.invoke(args=["backup", "--overwrite", str(copy)]).exit_code == 0
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM region").fetchone() == (2,)


def test_backup_of_postgresql_points_to_pg_dump(runner, engine, tmp_path):
    if _is_sqlite(engine):
        pytest.skip("PostgreSQL only")
    result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    assert not (tmp_path / "copy.db").exists()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def test_pg_dump_and_pg_restore_bring_back_every_response(engine, answered, tmp_path):
    if _is_sqlite(engine):
        pytest.skip("PostgreSQL only")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed here")
    dump = tmp_path / "selfscan.dump"
    source = _libpq(str(engine.url.render_as_string(hide_password=False)))
    # The commands of the README's "Backups" section.
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={source}"],
        check=True,
        timeout=120,
    )
    with throwaway_database(tmp_path) as target_url:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(target_url)}", dump],
            check=True,
            timeout=120,
        )
        restored = make_engine(target_url)
        try:
            assert _responses(restored) == answered
            with Session(restored) as session:
                assert session.exec(select(func.count()).select_from(Organisation)).one() == 2
        finally:
            restored.dispose()
