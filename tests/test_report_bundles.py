"""All regions' reports of a closed round in one ZIP: the page only queues the work, `selfscan
worker` makes it with its progress in the database, the page offers the download; one worker
wins a job; a stopped worker's job is queued again; `selfscan reports zip` makes the same ZIP."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select
from test_agreed_positions import THREE_SECTORS
from test_exchange import import_rows

from conftest import close_round, login
from selfscan.models import Job
from selfscan.models.types import utcnow
from selfscan.services import jobs

PAGE = "/programma/rondes/ronde-1/rapporten"


@pytest.fixture
def closed(db, world):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    return world["round"]


def all_jobs(db):
    db.expire_all()
    return db.exec(select(Job).order_by(Job.id)).all()


def test_an_open_round_has_no_reports_to_make(client, db, world):
    login(client, world["programme"])
    answer = client.post(PAGE)
    assert (
        "De rapporten worden gemaakt zodra de ronde gesloten is."
        in client.get(answer.headers["Location"]).text
    )
    assert all_jobs(db) == []


def test_the_page_queues_the_worker_makes_the_zip_and_the_page_offers_it(
    app, client, runner, db, world, closed, tmp_path
):
    app.config["REPORTS_FOLDER"] = str(tmp_path)
    login(client, world["programme"])
    client.post(PAGE)
    client.post(PAGE)  # asked twice while waiting: one job
    (job,) = all_jobs(db)
    assert (job.status, job.done) == ("queued", 0)
    page = client.get(PAGE).text
    assert "Wacht op de worker" in page and "<progress" in page
    assert client.get(PAGE + "?format=json").json == [
        {"id": job.id, "status": "queued", "done": 0, "total": 0}
    ]

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert f"Job {job.id}" in result.output and "done (2 reports)" in result.output
    (job,) = all_jobs(db)
    assert (job.status, job.done, job.total) == ("done", 2, 2)

    page = client.get(PAGE).text
    assert "Download het zip-bestand" in page
    download = client.get(f"{PAGE}/{job.id}.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert "filename=rapporten-ronde-1.zip" in download.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(download.data)) as bundle:
        names = sorted(bundle.namelist())
        assert names == ["rapport-ronde-1-regio-a.pdf", "rapport-ronde-1-regio-b.pdf"]
        first = PdfReader(io.BytesIO(bundle.read(names[0])))
        assert "Regio A: rapport van Ronde 1" in first.pages[0].extract_text()


def test_only_the_programme_team_reaches_the_bundles(client, db, world, closed):
    job = jobs.request_bundle(db, closed, user_id=None, language="nl")
    db.commit()
    login(client, world["coordinator_a"])
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE).status_code == 403
    assert client.get(f"{PAGE}/{job.id}.zip").status_code == 403
    client.post("/uitloggen")
    login(client, world["programme"])
    assert client.get(f"{PAGE}/{job.id}.zip").status_code == 404  # not made yet
    assert client.get(f"{PAGE}/999999.zip").status_code == 404


def test_one_worker_wins_a_job_and_a_silent_workers_job_is_queued_again(engine, db, closed):
    job_id = jobs.request_bundle(db, closed, user_id=None, language="nl").id
    db.commit()
    with Session(engine) as first, Session(engine) as second:
        won = jobs.claim(first)
        won_id = won.id if won else None
        first.commit()
        assert won_id == job_id
        assert jobs.claim(second) is None
        second.commit()
    later = utcnow() + jobs.STALE + timedelta(minutes=1)
    assert jobs.requeue_stale(db, later) == 1
    db.commit()
    (again,) = all_jobs(db)
    assert again.status == "queued"


def test_a_failing_job_is_recorded_and_the_worker_goes_on(
    app, runner, db, closed, monkeypatch, tmp_path
):
    app.config["REPORTS_FOLDER"] = str(tmp_path)

    def broken(*args, **kwargs):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr("selfscan.programme.reports.report_pdf_bytes", broken)
    jobs.request_bundle(db, closed, user_id=None, language="nl")
    db.commit()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0
    (job,) = all_jobs(db)
    assert job.status == "failed" and "Pango is missing" in job.error
    assert list(tmp_path.iterdir()) == [] or all(p.suffix == ".part" for p in tmp_path.iterdir())


def test_the_cli_writes_the_same_zip_with_a_progress_bar(runner, db, world, closed, tmp_path):
    target = tmp_path / "rapporten.zip"
    result = runner.invoke(args=["reports", "zip", "--round", "ronde-1", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Region reports" in result.output and f"Wrote {target}" in result.output
    with zipfile.ZipFile(target) as bundle:
        assert len(bundle.namelist()) == 2


def test_the_cli_refuses_an_open_round(runner, db, world, tmp_path):
    result = runner.invoke(
        args=["reports", "zip", "--round", "ronde-1", "--output", str(tmp_path / "x.zip")]
    )
    assert result.exit_code != 0 and "has not closed" in result.output
    unknown = runner.invoke(args=["reports", "zip", "--round", "nope", "--output", "x.zip"])
    assert unknown.exit_code != 0 and "There is no round 'nope'" in unknown.output


def test_a_worker_started_with_its_parent_stops_with_it(database_url, tmp_path):
    """scripts/demo starts `selfscan worker --parent $$` and then becomes gunicorn: when that
    process ends, the worker ends too instead of lingering (also when it ended before the worker
    got going)."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    selfscan = Path(sys.executable).parent / "selfscan"
    env = {
        **os.environ,
        "SELFSCAN_DATABASE_URL": database_url,
        "SELFSCAN_SECRET_KEY": "0123456789abcdef" * 4,
    }
    pid_file = tmp_path / "worker.pid"
    # The parent: starts the worker in the background, notes its pid, waits a moment, ends.
    parent = subprocess.run(
        [
            "bash",
            "-c",
            f'"{selfscan}" worker --parent $$ --interval 0.2 >/dev/null 2>&1 & '
            f'echo $! > "{pid_file}"; sleep 1',
        ],
        env=env,
        timeout=60,
    )
    assert parent.returncode == 0
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        stat = Path(f"/proc/{worker}/stat")
        if not stat.exists() or stat.read_text().split(") ", 1)[1].startswith("Z"):
            break  # gone, or ended and waiting for its new parent to collect it
        time.sleep(0.2)
    else:
        os.kill(worker, 9)
        raise AssertionError("the worker outlived its parent")
