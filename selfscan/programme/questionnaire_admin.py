"""The programme team's questionnaire versions in the app: upload a file (checked by the one
loader, with its messages naming file, item and field), preview it as respondents will see it
in each language and perspective, then publish it; a published version never changes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlmodel import select

from selfscan.core.questionnaire import QuestionnaireError, parse
from selfscan.infra.db import get_session
from selfscan.models import QuestionnaireVersion, Round
from selfscan.programme.views import bp
from selfscan.questionnaire_registry import all_questionnaires
from selfscan.services import questionnaires as service

MAX_BYTES = 1024 * 1024


class UploadForm(FlaskForm):
    file = FileField(_l("Questionnaire file (TOML, for example zelfscan-mao-v3.toml)"))


class PublishForm(FlaskForm):
    """Publish a draft version (only the CSRF token)."""


def questionnaires_page(upload_form: UploadForm | None = None, errors: list[str] | None = None):  # type: ignore[no-untyped-def]
    """The versions, the rounds that use each, and the upload form."""
    db = get_session()
    versions = db.exec(
        select(QuestionnaireVersion).order_by(
            QuestionnaireVersion.key, QuestionnaireVersion.version
        )
    ).all()
    rounds = db.exec(select(Round).order_by(Round.opens_at)).all()
    return render_template(
        "programme/questionnaires.html",
        versions=versions,
        rounds=rounds,
        upload_form=upload_form or UploadForm(formdata=None),
        publish_form=PublishForm(formdata=None),
        errors=errors or [],
    )


@bp.route("/vragenlijsten")
def questionnaires():  # type: ignore[no-untyped-def]
    """The questionnaire versions in the database, the rounds that use each, and the upload."""
    return questionnaires_page()


@bp.route("/vragenlijsten", methods=["POST"])
def questionnaire_upload():  # type: ignore[no-untyped-def]
    """Check an uploaded questionnaire file and keep it as a draft version to preview."""
    form = UploadForm()
    upload = form.file.data
    if not form.validate_on_submit() or not upload or not getattr(upload, "filename", ""):
        if not form.errors:
            form.file.errors = [_("Choose a file to upload.")]
        return questionnaires_page(form), 400
    data = upload.read(MAX_BYTES + 1)
    name = f"{upload.filename.rsplit('/', 1)[-1][:100]}"
    db = get_session()
    try:
        if len(data) > MAX_BYTES:
            raise QuestionnaireError(f"{name}: " + _("the file is larger than 1 MB"))
        questionnaire = parse(data, name)
        row = service.store_upload(db, questionnaire, data.decode("utf-8"), all_questionnaires())
    except QuestionnaireError as error:
        db.rollback()
        return questionnaires_page(form, [error.say(_)]), 400
    except service.UploadRefused as error:
        db.rollback()
        return questionnaires_page(form, [str(error)]), 400
    db.commit()
    flash(
        _(
            "Version %(version)d of %(key)s is checked and kept as a draft: preview it, then publish it.",
            version=row.version,
            key=row.key,
        ),
        "success",
    )
    return redirect(url_for("programme.questionnaires"))


@bp.route("/vragenlijsten/<key>/<int:version>/publiceren", methods=["POST"])
def questionnaire_publish(key: str, version: int):  # type: ignore[no-untyped-def]
    """Publish a draft version: rounds can use it from now on, and it never changes."""
    db = get_session()
    row = db.exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == key, QuestionnaireVersion.version == version
        )
    ).first()
    if row is None:
        abort(404)
    if not PublishForm().validate_on_submit():
        abort(400)
    service.publish(db, row)
    db.commit()
    flash(_("Version %(version)d of %(key)s is published.", version=version, key=key), "success")
    return redirect(url_for("programme.questionnaires"))
