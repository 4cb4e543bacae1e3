"""All regions' reports of a round in one ZIP, for the programme team.

Making 40 PDFs takes longer than a request may (gunicorn's timeout), so the page only queues
the work (services.jobs) and shows its progress; `selfscan worker` makes the ZIP
(`make_bundle`) and the page offers it for download. `selfscan reports zip` makes the same ZIP
from the command line, with a progress bar.
"""

from __future__ import annotations

import os
import secrets
import zipfile
from collections.abc import Callable
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.loaders import get_round
from selfscan.models import Job, Region, Round, RoundRegion
from selfscan.models.types import utcnow
from selfscan.programme.views import bp
from selfscan.region.dashboard import min_group_size
from selfscan.region.report import pdf_name, report_pdf_bytes
from selfscan.services import jobs

Progress = Callable[[int, int], None]


def reports_folder() -> Path:
    folder = current_app.config.get("REPORTS_FOLDER") or Path(current_app.instance_path) / "reports"
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def round_regions(round_: Round) -> list[Region]:
    return list(
        get_session().exec(
            select(Region)
            .join(RoundRegion, RoundRegion.region_id == Region.id)
            .where(RoundRegion.round_id == round_.id)
            .order_by(Region.name)
        )
    )


def make_bundle(round_: Round, target: Path, language: str, progress: Progress) -> None:
    """Write the round's region reports as PDFs into a ZIP at `target` (written aside, then
    moved into place, so that nobody downloads half a file); `progress(done, total)` after each.
    Needs an app context; renders in `language`."""
    regions = round_regions(round_)
    k, now = min_group_size(), utcnow()
    progress(0, len(regions))
    partial = target.with_suffix(".part")
    with force_locale(language), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
        for done, region in enumerate(regions, start=1):
            bundle.writestr(pdf_name(region, round_), report_pdf_bytes(region, round_, k, now))
            progress(done, len(regions))
    os.replace(partial, target)


def bundle_name(round_: Round) -> str:
    word = _("reports")
    return f"{word}-{round_.key}.zip"


@bp.route("/rondes/<round_key>/rapporten", methods=["GET", "POST"])
def report_bundles(round_key: str):  # type: ignore[no-untyped-def]
    """All regions' reports of a closed round in one ZIP: ask for it, follow it, download it."""
    round_ = get_round(round_key)
    db = get_session()
    if request.method == "POST":
        if not round_.figures_released():
            flash(_("The reports are made once the round has closed."), "error")
        else:
            jobs.request_bundle(db, round_, user_id=current_user.id, language=current_language())
            db.commit()
            flash(_("The reports are being made. This page shows how far it is."), "success")
        return redirect(url_for("programme.report_bundles", round_key=round_.key))
    found = jobs.jobs_of_round(db, round_)
    if request.args.get("format") == "json":
        return jsonify(
            [{"id": j.id, "status": j.status, "done": j.done, "total": j.total} for j in found]
        )
    return render_template(
        "programme/report_bundles.html",
        round=round_,
        jobs=found,
        released=round_.figures_released(),
        regions=len(round_regions(round_)),
    )


@bp.route("/rondes/<round_key>/rapporten/<int:job_id>.zip")
def report_bundle_download(round_key: str, job_id: int):  # type: ignore[no-untyped-def]
    """The ZIP a worker made."""
    round_ = get_round(round_key)
    job = get_session().get(Job, job_id)
    if job is None or job.round_id != round_.id or job.status != "done" or not job.result:
        abort(404)
    path = reports_folder() / job.result
    if not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype="application/zip", as_attachment=True, download_name=bundle_name(round_)
    )
    response.headers["Cache-Control"] = "no-store"  # send_file's no-cache would keep a copy
    return response


def run_job(job: Job) -> None:
    """Do one claimed job (in the worker): the ZIP, its progress committed after each report."""
    db = get_session()
    round_ = db.get(Round, job.round_id)
    assert round_ is not None
    name = f"{job.id}-{secrets.token_hex(8)}.zip"

    def report(done: int, total: int) -> None:
        jobs.progress(db, job, done, total)
        db.commit()

    try:
        make_bundle(round_, reports_folder() / name, job.language, report)
    except Exception as error:
        db.rollback()
        jobs.fail(db, job, f"{type(error).__name__}: {error}")
        db.commit()
        raise
    jobs.finish(db, job, name)
    db.commit()
