"""A region's ambitions and result agreements, and how each agreement stands per round.

The coordinator sets per principle the score the region aims for by one of its rounds, records
what the partners agreed to achieve (under whose direction, with an indicator and how it is
checked), and each round how every agreement stands. Coordinators of the region and the
programme team (REGION policy); the dashboard, the report and the overview show them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import Session

from selfscan.infra.db import get_session
from selfscan.loaders import get_agreement, get_ambition, get_region, get_region_round
from selfscan.models import Region, ResultAgreement, Round
from selfscan.region.ambition_forms import (
    AgreementForm,
    AmbitionForm,
    progress_field,
    progress_form,
)
from selfscan.region.forms import ConfirmForm, parse_score
from selfscan.region.views import bp
from selfscan.services import ambitions as service
from selfscan.services.ambitions import AgreementInput, AmbitionError, ProgressInput
from selfscan.texts import agreed_score


def _refusal(error: AmbitionError) -> str:
    """The sentence for a change the service refused (what the form cannot check itself)."""
    if error.reason == "duplicate":
        return _(
            "The region already has an ambition for this principle by this round; change that "
            "one instead."
        )
    return _("This change cannot be made.")


def _ambitions_url(region: Region, anchor: str = "") -> str:
    return url_for("region.ambitions", region=region.key) + anchor


@bp.route("/ambities")
def ambitions(region: str):  # type: ignore[no-untyped-def]
    """The region's ambitions and result agreements, with a form to add each."""
    row = get_region(region)
    return _page(row, AmbitionForm(formdata=None), AgreementForm(formdata=None), 200)


def _page(region: Region, ambition_form: AmbitionForm, agreement_form: AgreementForm, status: int):  # type: ignore[no-untyped-def]
    db = get_session()
    rounds = service.region_rounds(db, region)
    return render_template(
        "region/ambitions.html",
        region=region,
        rounds=rounds,
        round_titles={r.id: r.title for r in rounds},
        ambitions=service.ambitions(db, region),
        agreements=service.agreements(db, region),
        linked=service.linked_actions(db, region),
        ambition_form=ambition_form.set_rounds(rounds),
        agreement_form=agreement_form,
        agreed_score=agreed_score,
    ), status


def _round_of(form: AmbitionForm) -> Round:
    db = get_session()
    found = db.get(Round, int(form.round_id.data))
    assert found is not None  # the choices are the region's rounds
    return found


@bp.route("/ambities/nieuw", methods=["POST"])
def add_ambition(region: str):  # type: ignore[no-untyped-def]
    """Add an ambition: a principle, the score aimed for, the round by which, and why."""
    row = get_region(region)
    db = get_session()
    form = AmbitionForm().set_rounds(service.region_rounds(db, row))
    if form.validate_on_submit():
        try:
            service.add_ambition(
                db,
                region=row,
                round_=_round_of(form),
                principle=form.principle.data or "",
                target=parse_score(form.target.data or "") or 0,
                why=form.why.data or "",
            )
        except AmbitionError as error:
            form.form_errors.append(_refusal(error))
        else:
            db.commit()
            flash(_("The ambition has been added."), "success")
            return redirect(_ambitions_url(row, "#ambitions"))
    return _page(row, form, AgreementForm(formdata=None), 400)


@bp.route("/ambities/<int:ambition_id>", methods=["GET", "POST"])
def edit_ambition(region: str, ambition_id: int):  # type: ignore[no-untyped-def]
    """Change an ambition."""
    row = get_region(region)
    ambition = get_ambition(row, ambition_id)
    db = get_session()
    if request.method == "GET":
        form = AmbitionForm(
            data={
                "principle": ambition.principle,
                "target": agreed_score(ambition.target),
                "round_id": str(ambition.round_id),
                "why": ambition.why,
            }
        )
    else:
        form = AmbitionForm()
    form.set_rounds(service.region_rounds(db, row))
    if form.validate_on_submit():
        try:
            service.update_ambition(
                db,
                ambition,
                round_=_round_of(form),
                principle=form.principle.data or "",
                target=parse_score(form.target.data or "") or 0,
                why=form.why.data or "",
            )
        except AmbitionError as error:
            form.form_errors.append(_refusal(error))
        else:
            db.commit()
            flash(_("The ambition has been saved."), "success")
            return redirect(_ambitions_url(row, "#ambitions"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "region/ambition_edit.html", region=row, ambition=ambition, form=form
    ), status


@bp.route("/ambities/<int:ambition_id>/verwijderen", methods=["GET", "POST"])
def delete_ambition(region: str, ambition_id: int):  # type: ignore[no-untyped-def]
    """Remove an ambition, after a confirmation."""
    row = get_region(region)
    ambition = get_ambition(row, ambition_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _removed(
            row,
            lambda db: service.delete_ambition(db, ambition),
            "#ambitions",
            _("The ambition has been removed."),
        )
    by_round = get_session().get(Round, ambition.round_id)
    return render_template(
        "region/ambition_delete.html",
        region=row,
        ambition=ambition,
        by_round=by_round,
        form=form,
        agreed_score=agreed_score,
    ), 400 if form.is_submitted() else 200


def _removed(
    region: Region, remove: Callable[[Session], None], anchor: str, message: str
) -> Response:
    """Remove what the confirmation was for, then back to the list it was on."""
    db = get_session()
    remove(db)
    db.commit()
    flash(message, "success")
    return redirect(_ambitions_url(region, anchor))  # type: ignore[return-value]


def _agreement_input(form: AgreementForm) -> AgreementInput:
    return AgreementInput(
        title=form.title.data or "",
        lead_sector=form.lead_sector.data or "",
        lead_name=form.lead_name.data or "",
        indicator=form.indicator.data or "",
        verification=form.verification.data or "",
    )


@bp.route("/resultaatafspraken/nieuw", methods=["POST"])
def add_agreement(region: str):  # type: ignore[no-untyped-def]
    """Add a result agreement of the region's partners."""
    row = get_region(region)
    form = AgreementForm()
    if not form.validate_on_submit():
        return _page(row, AmbitionForm(formdata=None), form, 400)
    db = get_session()
    service.add_agreement(db, region=row, entry=_agreement_input(form))
    db.commit()
    flash(_("The result agreement has been added."), "success")
    return redirect(_ambitions_url(row, "#agreements"))


@bp.route("/resultaatafspraken/<int:agreement_id>", methods=["GET", "POST"])
def edit_agreement(region: str, agreement_id: int):  # type: ignore[no-untyped-def]
    """Change a result agreement."""
    row = get_region(region)
    agreement = get_agreement(row, agreement_id)
    form = AgreementForm(obj=agreement if request.method == "GET" else None)
    if form.validate_on_submit():
        db = get_session()
        service.update_agreement(db, agreement, _agreement_input(form))
        db.commit()
        flash(_("The result agreement has been saved."), "success")
        return redirect(_ambitions_url(row, "#agreements"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "region/agreement_edit.html", region=row, agreement=agreement, form=form
    ), status


@bp.route("/resultaatafspraken/<int:agreement_id>/verwijderen", methods=["GET", "POST"])
def delete_agreement(region: str, agreement_id: int):  # type: ignore[no-untyped-def]
    """Remove a result agreement and its record over the rounds, after a confirmation."""
    row = get_region(region)
    agreement = get_agreement(row, agreement_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _removed(
            row,
            lambda db: service.delete_agreement(db, agreement),
            "#agreements",
            _("The result agreement has been removed."),
        )
    linked = service.linked_actions(get_session(), row).get(agreement.id, 0)  # type: ignore[arg-type]
    return render_template(
        "region/agreement_delete.html", region=row, agreement=agreement, linked=linked, form=form
    ), 400 if form.is_submitted() else 200


@bp.route("/rondes/<round_key>/resultaatafspraken", methods=["GET", "POST"])
def agreement_progress(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Record how each result agreement stands in a round, with a short note."""
    row, round_ = get_region_round(region, round_key)
    db = get_session()
    agreements = service.agreements(db, row)
    ids = [a.id for a in agreements]
    if request.method == "GET":
        stored = service.progress(db, region=row, round_=round_)
        data: dict[str, object] = {}
        for agreement_id in ids:
            found = stored.get(agreement_id)  # type: ignore[arg-type]
            data[progress_field("status", agreement_id)] = found.status if found else ""  # type: ignore[arg-type]
            data[progress_field("note", agreement_id)] = found.note if found else ""  # type: ignore[arg-type]
        form = progress_form(ids, data=data)  # type: ignore[arg-type]
    else:
        form = progress_form(ids)  # type: ignore[arg-type]
    if agreements and form.validate_on_submit():
        service.save_progress(
            db,
            region=row,
            round_=round_,
            entries={
                a.id: ProgressInput(  # type: ignore[misc]
                    status=form[progress_field("status", a.id)].data or "",  # type: ignore[arg-type]
                    note=form[progress_field("note", a.id)].data or "",  # type: ignore[arg-type]
                )
                for a in agreements
            },
        )
        db.commit()
        flash(_("How the result agreements stand has been saved."), "success")
        return redirect(url_for("region.ambitions", region=row.key) + "#agreements")
    return _progress_page(row, round_, agreements, form, 400 if request.method == "POST" else 200)


def _progress_page(  # type: ignore[no-untyped-def]
    region: Region, round_: Round, agreements: list[ResultAgreement], form, status: int
):
    return render_template(
        "region/agreement_progress.html",
        region=region,
        round=round_,
        agreements=agreements,
        form=form,
        progress_field=progress_field,
    ), status
