"""A region's learning agenda for a round: reflections, focus principles and actions.

Coordinators edit their own region's agenda. The programme team reaches every region's agenda
through the REGION policy and may edit it too (for example to help a region during a visit).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from selfscan.core.vocabulary import ACTION_STATUSES, PRINCIPLES
from selfscan.infra.db import get_session
from selfscan.labels import label
from selfscan.loaders import get_action, get_region_round
from selfscan.models import Region, Round
from selfscan.region.forms import ActionForm, ConfirmForm, principle_field, reflections_form
from selfscan.region.views import bp
from selfscan.services import agenda as agenda_service
from selfscan.services import ambitions
from selfscan.services.agenda import ReflectionInput


@bp.route("/rondes/<round_key>/leeragenda", methods=["GET", "POST"])
def agenda(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """The reflections and focus principles (editable here) and the list of actions."""
    row, round_ = get_region_round(region, round_key)
    db = get_session()
    if request.method == "GET":
        stored = agenda_service.reflections(db, region=row, round_=round_)
        data = {}
        for principle in PRINCIPLES:
            reflection = stored.get(principle.key)
            data[principle_field("text", principle.key)] = reflection.text if reflection else ""
            data[principle_field("focus", principle.key)] = bool(reflection and reflection.is_focus)
        form = reflections_form(data=data)
    else:
        form = reflections_form()
    if form.validate_on_submit():
        entries = {
            p.key: ReflectionInput(
                text=form[principle_field("text", p.key)].data or "",
                is_focus=bool(form[principle_field("focus", p.key)].data),
            )
            for p in PRINCIPLES
        }
        agenda_service.save_reflections(db, region=row, round_=round_, entries=entries)
        db.commit()
        flash(_("The reflections have been saved."), "success")
        return redirect(url_for("region.agenda", region=row.key, round_key=round_.key))
    status = 400 if request.method == "POST" else 200
    return _page(row, round_, form, _action_form(row, formdata=None), status)


@bp.route("/rondes/<round_key>/leeragenda/acties", methods=["POST"])
def add_action(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Add an action to the agenda."""
    row, round_ = get_region_round(region, round_key)
    db = get_session()
    form = _action_form(row)
    if not form.validate_on_submit():
        return _page(row, round_, reflections_form(formdata=None), form, 400)
    agenda_service.add_action(
        db,
        region=row,
        round_=round_,
        principle=form.principle.data or "",
        title=form.title.data or "",
        owner=form.owner.data or "",
        due_date=form.due_date.data,
        status=form.status.data or "open",
        agreement_id=form.agreement,
    )
    db.commit()
    flash(_("The action has been added."), "success")
    return redirect(url_for("region.agenda", region=row.key, round_key=round_.key) + "#actions")


@bp.route("/rondes/<round_key>/leeragenda/acties/<int:action_id>", methods=["GET", "POST"])
def edit_action(region: str, round_key: str, action_id: int):  # type: ignore[no-untyped-def]
    """Change an action, for example its status."""
    row, round_ = get_region_round(region, round_key)
    action = get_action(row, round_, action_id)
    db = get_session()
    form = _action_form(row, obj=action if request.method == "GET" else None)
    if form.validate_on_submit():
        agenda_service.update_action(
            db,
            action,
            principle=form.principle.data or "",
            title=form.title.data or "",
            owner=form.owner.data or "",
            due_date=form.due_date.data,
            status=form.status.data or "open",
            agreement_id=form.agreement,
        )
        db.commit()
        flash(_("The action has been saved."), "success")
        return redirect(url_for("region.agenda", region=row.key, round_key=round_.key) + "#actions")
    status = 400 if request.method == "POST" else 200
    return render_template(
        "region/action_edit.html", region=row, round=round_, action=action, form=form
    ), status


@bp.route(
    "/rondes/<round_key>/leeragenda/acties/<int:action_id>/verwijderen", methods=["GET", "POST"]
)
def delete_action(region: str, round_key: str, action_id: int):  # type: ignore[no-untyped-def]
    """Remove an action from the agenda, after a confirmation."""
    row, round_ = get_region_round(region, round_key)
    action = get_action(row, round_, action_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        db = get_session()
        agenda_service.delete_action(db, action)
        db.commit()
        flash(_("The action “%(title)s” has been removed.", title=action.title), "success")
        return redirect(url_for("region.agenda", region=row.key, round_key=round_.key) + "#actions")
    return render_template(
        "region/action_delete.html",
        region=row,
        round=round_,
        action=action,
        form=form,
        action_status_label=lambda key: label(ACTION_STATUSES, key),
    ), 400 if form.is_submitted() else 200


def _action_form(region: Region, **kwargs: Any) -> ActionForm:
    """The action form, offering the region's result agreements."""
    agreements = ambitions.agreements(get_session(), region)
    return ActionForm(**kwargs).set_agreements((a.id, a.title) for a in agreements)  # type: ignore[misc]


def _page(region: Region, round_: Round, form, action_form: ActionForm, status: int):  # type: ignore[no-untyped-def]
    db = get_session()
    return render_template(
        "region/agenda.html",
        region=region,
        round=round_,
        form=form,
        action_form=action_form,
        actions=agenda_service.actions(db, region=region, round_=round_),
        agreement_titles={a.id: a.title for a in ambitions.agreements(db, region)},
        principle_field=principle_field,
        action_status_label=lambda key: label(ACTION_STATUSES, key),
    ), status
