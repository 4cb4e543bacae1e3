"""The programme team's responses import as a page: upload a paper or spreadsheet round's CSV,
see what would be stored per region and sector (or every problem by row and column), confirm.

All or nothing, as `selfscan import-responses`: the preview runs the import's own checks and
rolls it back; the confirmation runs it again on the same file, kept on the server between the
two (services.uploads), and DESIGN rule 8 applies to a round with released figures.
"""

from __future__ import annotations

import io

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlmodel import select
from wtforms import SelectChoice, SelectField
from wtforms.validators import DataRequired

from selfscan.infra.db import get_session
from selfscan.models import Round
from selfscan.programme.views import bp
from selfscan.services import exchange, uploads

SESSION_KEY = "responses_upload"
MAX_BYTES = 5 * 1024 * 1024


class ImportForm(FlaskForm):
    round = SelectField(_l("Round"), validators=[DataRequired(_l("Choose a round."))])
    file = FileField(_l("Responses file (CSV, UTF-8)"))


class ConfirmForm(FlaskForm):
    """Store the previewed file (only the CSRF token: the file is kept on the server)."""


def _form(*, sent: bool = False) -> ImportForm:
    """The upload form; filled from the request only when it was sent."""
    form = ImportForm() if sent else ImportForm(formdata=None)
    rounds = get_session().exec(select(Round).order_by(Round.opens_at.desc())).all()  # type: ignore[attr-defined]
    form.round.choices = [SelectChoice(r.key, r.title) for r in rounds]
    return form


@bp.route("/import")
def import_page():  # type: ignore[no-untyped-def]
    """Upload a responses file for a round."""
    return render_template("programme/import.html", form=_form(), errors=[], preview=None)


@bp.route("/import", methods=["POST"])
def import_preview():  # type: ignore[no-untyped-def]
    """Check the file and show what it would store; nothing is stored but the file itself."""
    form = _form(sent=True)
    if not form.validate_on_submit():
        return render_template("programme/import.html", form=form, errors=[], preview=None), 400
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        form.file.errors = [_("Choose a file to upload.")]
        return render_template("programme/import.html", form=form, errors=[], preview=None), 400
    data = upload.read(MAX_BYTES + 1)
    db = get_session()
    round_ = db.exec(select(Round).where(Round.key == form.round.data)).one()
    k = int(current_app.config["MIN_GROUP_SIZE"])
    try:
        if len(data) > MAX_BYTES:
            raise exchange.ImportRejected([_("The file is larger than 5 MB.")])
        text = exchange.read_import_file(data)
        report = exchange.preview_import(db, round_, text, k=k)
    except exchange.ImportRejected as rejected:
        db.rollback()
        return render_template(
            "programme/import.html", form=form, errors=rejected.errors, preview=None
        ), 400
    token = uploads.keep(
        db,
        account_id=current_user.id,
        round_=round_,
        filename=upload.filename,
        content=text,
    )
    db.commit()
    session[SESSION_KEY] = token
    return render_template(
        "programme/import.html",
        form=form,
        errors=[],
        preview=report,
        round=round_,
        filename=upload.filename,
        confirm_form=ConfirmForm(),
    )


@bp.route("/import/bevestigen", methods=["POST"])
def import_confirm():  # type: ignore[no-untyped-def]
    """Store the previewed file: every row, or (when something changed since) none."""
    form = ConfirmForm()
    db = get_session()
    kept = uploads.find(db, session.get(SESSION_KEY), current_user.id)
    if not form.validate_on_submit() or kept is None:
        flash(_("There is no previewed file to import any more. Upload it again."), "error")
        return render_template("programme/import.html", form=_form(), errors=[], preview=None), 400
    round_ = db.get(Round, kept.round_id)
    assert round_ is not None
    k = int(current_app.config["MIN_GROUP_SIZE"])
    try:
        report = exchange.import_responses(db, round_, io.StringIO(kept.content), k=k)
    except exchange.ImportRejected as rejected:
        db.rollback()
        return render_template(
            "programme/import.html", form=_form(), errors=rejected.errors, preview=None
        ), 400
    uploads.discard(db, kept)
    db.commit()
    session.pop(SESSION_KEY, None)
    flash(
        _(
            "%(n)d responses were imported into %(round)s.",
            n=report.responses,
            round=round_.title,
        ),
        "success",
    )
    return redirect(url_for("programme.import_page"))
