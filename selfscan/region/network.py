"""A region in the learning network: its choices, its suggested learning partners, asking,
answering and ending, a partner's shared learning agenda, and which comments may be quoted.

Every page is the region's (Access.REGION); the loader answers 404 for a partnership the region
is not one side of, and services.network decides what passes between two regions: contact
details only once both agreed, a learning agenda only when the other chose to share it.
"""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from selfscan.core.partners import CLEARLY_HIGHER
from selfscan.core.vocabulary import ACTION_STATUSES
from selfscan.infra import mail
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.labels import label, principle_label
from selfscan.loaders import get_partnership, get_region, get_region_round
from selfscan.models import Partnership, Region
from selfscan.models.types import utcnow
from selfscan.region.dashboard import min_group_size
from selfscan.region.forms import (
    AnswerPartnerForm,
    AskPartnerForm,
    ConfirmForm,
    NetworkChoicesForm,
    QuotationsForm,
)
from selfscan.region.views import bp
from selfscan.services import network, quotations
from selfscan.services.network import NetworkError
from selfscan.texts import number

log = logging.getLogger(__name__)


@bp.route("/leernetwerk", methods=["GET", "POST"])
def network_choices(region: str):  # type: ignore[no-untyped-def]
    """The region's three choices in the learning network (all off until chosen)."""
    row = get_region(region)
    db = get_session()
    if request.method == "GET":
        form = NetworkChoicesForm(obj=network.choices(db, row))
    else:
        form = NetworkChoicesForm()
    if form.validate_on_submit():
        network.save_choices(
            db,
            row,
            take_part=bool(form.take_part.data),
            share_agenda=bool(form.share_agenda.data),
            allow_quotes=bool(form.allow_quotes.data),
        )
        db.commit()
        flash(
            _("The learning network choices of %(region)s are saved.", region=row.name), "success"
        )
        return redirect(url_for("region.partners", region=row.key))
    status = 400 if request.method == "POST" else 200
    return render_template("region/network_choices.html", region=row, form=form), status


@bp.route("/leerpartners")
def partners(region: str):  # type: ignore[no-untyped-def]
    """Suggested learning partners, requests, and partners with their coordinators' contacts."""
    row = get_region(region)
    return _partners_page(row)


def _partners_page(row: Region, status: int = 200):  # type: ignore[no-untyped-def]
    db = get_session()
    chosen = network.choices(db, row)
    return render_template(
        "region/partners.html",
        region=row,
        chosen=chosen,
        matching=network.matching(db, row, min_group_size()),
        pairs=network.pairs(db, row),
        ask_form=AskPartnerForm(formdata=None),
        answer_form=AnswerPartnerForm(formdata=None),
        end_form=ConfirmForm(formdata=None),
        clearly_higher=number(CLEARLY_HIGHER),
        number=number,
    ), status


@bp.route("/leerpartners/vragen", methods=["POST"])
def ask_partner(region: str):  # type: ignore[no-untyped-def]
    """Ask a suggested region to be learning partners."""
    row = get_region(region)
    form = AskPartnerForm()
    if not form.validate_on_submit():
        flash(_("Choose a suggested region to ask."), "error")
        return _partners_page(row, 400)
    db = get_session()
    try:
        pair = network.ask(
            db, row, form.partner.data or "", form.principle.data or "", min_group_size()
        )
    except NetworkError as error:
        flash(str(error), "error")
        return _partners_page(row, 400)
    db.commit()
    other = db.get(Region, pair.asked_id)
    assert other is not None
    flash(_("%(region)s has been asked to be your learning partner.", region=other.name), "success")
    _mail_request(pair, row, other)
    return redirect(url_for("region.partners", region=row.key))


@bp.route("/leerpartners/<int:partnership_id>/antwoord", methods=["POST"])
def answer_partner(region: str, partnership_id: int):  # type: ignore[no-untyped-def]
    """Accept or decline a request from another region."""
    row = get_region(region)
    pair = get_partnership(row, partnership_id)
    form = AnswerPartnerForm()
    if not form.validate_on_submit():
        flash(_("Choose to accept or decline."), "error")
        return _partners_page(row, 400)
    db = get_session()
    try:
        network.answer(db, pair, row, accept=form.decision.data == "accept")
    except NetworkError as error:
        flash(str(error), "error")
        return _partners_page(row, 400)
    db.commit()
    if pair.state == "partners":
        flash(_("You are learning partners now: you see each other's contact details."), "success")
    else:
        flash(_("The request has been declined."), "success")
    return redirect(url_for("region.partners", region=row.key))


@bp.route("/leerpartners/<int:partnership_id>/beeindigen", methods=["POST"])
def end_partnership(region: str, partnership_id: int):  # type: ignore[no-untyped-def]
    """End a partnership, or withdraw a request the region made."""
    row = get_region(region)
    pair = get_partnership(row, partnership_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    try:
        network.end(db, pair, row)
    except NetworkError as error:
        flash(str(error), "error")
        return _partners_page(row, 400)
    db.commit()
    flash(_("The learning partnership has been ended."), "success")
    return redirect(url_for("region.partners", region=row.key))


@bp.route("/leerpartners/<int:partnership_id>")
def partner_agenda(region: str, partnership_id: int):  # type: ignore[no-untyped-def]
    """A partner's learning agenda, read-only: only for partners, only when it chose to share."""
    row = get_region(region)
    db = get_session()
    other = network.shared_partner(db, row, partnership_id)
    if other is None:
        abort(404)
    return render_template(
        "region/partner_agenda.html",
        region=row,
        partner=other,
        rounds=network.shared_agenda(db, other),
        action_status_label=lambda key: label(ACTION_STATUSES, key),
        number=number,
    )


@bp.route("/rondes/<round_key>/citaten", methods=["GET", "POST"])
def quotations_page(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """The coordinator marks which of the round's comments may be quoted anonymously."""
    row, round_ = get_region_round(region, round_key)
    db = get_session()
    now, k = utcnow(), min_group_size()
    released = round_.figures_released(now)
    found = quotations.candidates(db, row, round_, k, now) if released else []
    form = QuotationsForm(
        data={"marks": [c.mark for c in found if c.marked]} if request.method == "GET" else None
    )
    form.marks.choices = [SelectChoice(c.mark, c.text) for c in found if c.short]
    if released and form.validate_on_submit():
        count = quotations.save_marks(db, row, round_, set(form.marks.data or ()), k, now)
        db.commit()
        flash(_("Saved. Comments that may be quoted: %(num)s.", num=count), "success")
        return redirect(url_for("region.quotations_page", region=row.key, round_key=round_.key))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "region/quotations.html",
        region=row,
        round=round_,
        released=released,
        form=form,
        candidates=found,
        allowed=network.choices(db, row).allow_quotes,
        max_length=quotations.QUOTE_MAX_LENGTH,
        principle_label=principle_label,
    ), status


def _mail_request(pair: Partnership, asker: Region, other: Region) -> None:
    """Tell the asked region's coordinators (their own addresses; the asker's stay hidden)."""
    link = mail.absolute_url(url_for("region.partners", region=other.key))
    db = get_session()
    for contact in network.coordinators(db, other.id):  # type: ignore[arg-type]
        try:
            mail.send(
                mail.render(
                    "partner_request",
                    current_language(),
                    to=contact.email,
                    name=contact.name,
                    asker=asker.name,
                    principle=principle_label(pair.principle),
                    link=link,
                )
            )
        except mail.MailError:
            log.exception("learning partner request %s not mailed", pair.id)
