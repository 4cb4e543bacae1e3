"""The programme's annual report, for the programme team: a chosen period's rounds with their
participation, all regions' figures per principle and per spearhead or condition, the change
over the period, how the regions' own means moved, and the learning themes; as a page and as
an A4 PDF (the region report's machinery: texts.document_pdf). The material the programme
sends to the ministries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup
from sqlmodel import select

from selfscan.core.scoring import change
from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PRINCIPLE_KEYS, TAG_KEYS, TAGS
from selfscan.forms import LOCAL_ZONE
from selfscan.infra.db import get_session
from selfscan.labels import action_status_label, label
from selfscan.models import QuestionnaireVersion
from selfscan.models.types import utcnow
from selfscan.programme.forms import PeriodForm
from selfscan.programme.views import bp
from selfscan.questionnaire_registry import questionnaire_for
from selfscan.services.annual import STEADY, AnnualReport, annual_report
from selfscan.texts import document_pdf, number, signed


def _form() -> PeriodForm:
    """The period from the query string; by default the twelve months up to today."""
    today = utcnow().astimezone(LOCAL_ZONE).date()
    form = PeriodForm(request.args)
    if not request.args:
        form.start.data = today.replace(year=today.year - 1) + timedelta(days=1)
        form.end.data = today
    return form


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=LOCAL_ZONE)


def _report(form: PeriodForm) -> AnnualReport:
    db = get_session()
    tags_of = {
        version.id: {item.key: item.tags for item in questionnaire_for(version).items}
        for version in db.exec(select(QuestionnaireVersion)).all()
    }
    return annual_report(
        db,
        _moment(form.start.data),
        _moment(form.end.data + timedelta(days=1)),
        int(current_app.config["MIN_GROUP_SIZE"]),
        tags_of,  # type: ignore[arg-type]
    )


def _body(found: AnnualReport, form: PeriodForm) -> str:
    return render_template(
        "programme/_annual_body.html",
        a=found,
        form=form,
        principles=PRINCIPLE_KEYS,
        tags=TAG_KEYS,
        tag_label=lambda key: label(TAGS, key),
        statuses=ACTION_STATUS_KEYS,
        status_label=action_status_label,
        change=change,
        steady=number(STEADY),
        number=number,
        signed=signed,
    )


@bp.route("/jaarverslag")
def annual():  # type: ignore[no-untyped-def]
    """The annual report of a chosen period, as a page."""
    form = _form()
    if request.args and not form.validate():
        return render_template("programme/annual.html", form=form, body=None), 400
    body = Markup(_body(_report(form), form))  # noqa: S704  # nosec B704 (rendered, escaped)
    return render_template("programme/annual.html", form=form, body=body)


@bp.route("/jaarverslag.pdf")
def annual_pdf():  # type: ignore[no-untyped-def]
    """The annual report of a chosen period, as an A4 PDF."""
    form = _form()
    if request.args and not form.validate():
        return render_template("programme/annual.html", form=form, body=None), 400
    title = _("Annual report of Met Andere Ogen")
    pdf = document_pdf(title, _body(_report(form), form))
    word = _("annual-report")
    name = f"{word}-{form.start.data:%Y-%m-%d}-{form.end.data:%Y-%m-%d}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
