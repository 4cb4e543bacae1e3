"""`selfscan reports zip` and `selfscan worker`: the region reports' ZIP from the command line,
and the worker that does the long work the pages queue (selfscan.services.jobs)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

reports_cli = AppGroup("reports", help="The region reports of a round.")
log = logging.getLogger("selfscan.worker")


@reports_cli.command("zip")
@click.option("--round", "round_key", required=True, help="The round's key.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The ZIP file to write.",
)
@click.option("--language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
def zip_command(round_key: str, output: Path, language: str) -> None:
    """Write every region's report of a closed round as PDFs into one ZIP file."""
    from sqlmodel import select

    from selfscan.infra.db import get_session
    from selfscan.models import Round
    from selfscan.programme.reports import make_bundle

    with current_app.test_request_context():
        round_ = get_session().exec(select(Round).where(Round.key == round_key)).first()
        if round_ is None:
            raise click.ClickException(f"There is no round {round_key!r}.")
        if not round_.figures_released():
            raise click.ClickException(
                f"Round {round_key!r} has not closed: its figures are not released yet."
            )
        with click.progressbar(length=1, label="Region reports", file=None) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            make_bundle(round_, output.resolve(), language, progress)
    click.echo(f"Wrote {output}.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Do the queued jobs, then stop.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between looks.")
@click.option(
    "--parent",
    type=int,
    default=None,
    help="Stop when the process with this id, which started the worker, stops (scripts/demo).",
)
@with_appcontext
def worker_command(once: bool, interval: float, parent: int | None) -> None:
    """Do the long work the pages queue (the region reports' ZIP), one job at a time.

    Run one or more next to the app servers (the Containerfile's `selfscan worker`)."""
    from selfscan.infra.db import get_session
    from selfscan.programme.reports import run_job
    from selfscan.services import jobs

    sums_due = 0.0
    while True:
        if parent is not None and os.getppid() != parent:  # it stopped: we were handed on
            return
        if time.monotonic() >= sums_due:
            _store_sums()
            sums_due = time.monotonic() + SUMS_EVERY
        # A request context for the templates, and a writing one (POST): a GET's database
        # session reads without a transaction (selfscan.infra.db.get_session).
        with current_app.test_request_context(method="POST"):
            db = get_session()
            jobs.requeue_stale(db)
            job = jobs.claim(db)
            db.commit()
            if job is not None:
                click.echo(f"Job {job.id} ({job.kind}, round {job.round_id}): started.")
                try:
                    run_job(job)
                except Exception:
                    log.exception("job %s failed", job.id)
                    click.echo(f"Job {job.id}: failed.", err=True)
                else:
                    click.echo(f"Job {job.id}: done ({job.total} reports).")
                continue
        if once:
            return
        time.sleep(interval)


SUMS_EVERY = 60.0  # seconds between looks for released rounds whose sums are not kept yet


def _store_sums() -> None:
    """Keep the sums of released rounds in the database (selfscan.services.region_sums): a round
    that closed by its clock has them within SUMS_EVERY. A failure is logged, not fatal: pages
    sum up the answers themselves meanwhile."""
    from selfscan.infra.db import get_session
    from selfscan.services import region_sums

    with current_app.test_request_context(method="POST"):
        db = get_session()
        try:
            done = region_sums.store_released(db, k=int(current_app.config["MIN_GROUP_SIZE"]))
            db.commit()
        except Exception:
            db.rollback()
            log.exception("keeping the sums of released rounds failed")
            return
    for stored in done:
        if stored.written or stored.removed:
            click.echo(f"Sums of round {stored.round_key}: {stored.written} regions written.")
