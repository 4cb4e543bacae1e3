"""The programme team's pages for rounds: list, create, change title and dates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import select
from wtforms import SelectChoice

from selfscan.forms import to_local, to_utc
from selfscan.infra.db import get_session
from selfscan.loaders import get_round
from selfscan.models import QuestionnaireVersion, Region, Round, RoundRegion, RoundState
from selfscan.programme.forms import CloseRoundForm, RoundDatesForm, RoundForm, key_from
from selfscan.programme.views import bp
from selfscan.services import rounds as round_service
from selfscan.services.participation import asked_and_submitted


@bp.route("/rondes")
def rounds():  # type: ignore[no-untyped-def]
    """Every round with its state and number of participating regions."""
    db = get_session()
    rows = db.exec(
        select(Round, func.count(RoundRegion.region_id))
        .outerjoin(RoundRegion, RoundRegion.round_id == Round.id)
        .group_by(Round.id)
        .order_by(Round.opens_at.desc())  # type: ignore[attr-defined]
    ).all()
    return render_template("programme/rounds.html", rows=rows)


@bp.route("/rondes/nieuw", methods=["GET", "POST"])
def new_round():  # type: ignore[no-untyped-def]
    """Create a round: key, title, questionnaire version, window and regions."""
    db = get_session()
    form = RoundForm()
    _fill_choices(form)
    if form.validate_on_submit():
        key = form.key.data or _free_key(key_from(form.title.data or ""))
        if len(key) < 2:
            form.key.errors.append(_("Enter a key: the title gives too few letters or digits."))
        elif db.exec(select(Round.id).where(Round.key == key)).first() is not None:
            form.key.errors.append(_("A round with this key already exists."))
        else:
            round_service.add_round(
                db,
                key=key,
                title=form.title.data or "",
                questionnaire=db.get(QuestionnaireVersion, form.questionnaire.data),  # type: ignore[arg-type]
                opens_at=to_utc(form.opens_at.data),  # type: ignore[arg-type]
                closes_at=to_utc(form.closes_at.data),  # type: ignore[arg-type]
                regions=db.exec(select(Region).where(Region.id.in_(form.regions.data))).all(),  # type: ignore[union-attr]
            )
            db.commit()
            flash(_("The round has been created."), "success")
            return redirect(url_for("programme.rounds"))
    status = 400 if request.method == "POST" else 200
    return render_template("programme/round_new.html", form=form), status


def _free_key(key: str) -> str:
    """`key`, or with -2, -3… when a round has it already."""
    taken = set(get_session().exec(select(Round.key).where(Round.key.startswith(key))))  # type: ignore[attr-defined]
    found, number = key, 1
    while found in taken:
        number += 1
        found = f"{key[: 40 - len(str(number)) - 1]}-{number}"
    return found


def _fill_choices(form: RoundForm) -> None:
    db = get_session()
    versions = db.exec(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.published_at.is_not(None))  # type: ignore[union-attr]
        .order_by(
            QuestionnaireVersion.key,
            QuestionnaireVersion.version.desc(),  # type: ignore[attr-defined]
        )
    ).all()
    form.questionnaire.choices = [SelectChoice(v.id, f"{v.title} (v{v.version})") for v in versions]
    form.regions.choices = [
        SelectChoice(r.id, r.name) for r in db.exec(select(Region).order_by(Region.name))
    ]


@bp.route("/rondes/<round_key>", methods=["GET", "POST"])
def edit_round(round_key: str):  # type: ignore[no-untyped-def]
    """Change a round's title and dates, and see its state and regions."""
    db = get_session()
    round_ = get_round(round_key)
    form = RoundDatesForm(
        data={
            "title": round_.title,
            "opens_at": to_local(round_.opens_at),
            "closes_at": to_local(round_.closes_at),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            round_service.update_round(
                db,
                round_,
                title=form.title.data or "",
                opens_at=to_utc(form.opens_at.data),  # type: ignore[arg-type]
                closes_at=to_utc(form.closes_at.data),  # type: ignore[arg-type]
            )
        except round_service.DatesFixed:
            db.rollback()
            form.closes_at.errors.append(  # type: ignore[attr-defined]
                _(
                    "This round has closed and its figures have been released: its dates can "
                    "no longer change, so that the figures stay as they were released. The "
                    "title can still change."
                )
            )
        except round_service.CloseWithConfirmation:
            db.rollback()
            form.closes_at.errors.append(  # type: ignore[attr-defined]
                _(
                    "A closing moment in the past would close this round now. Use “Close "
                    "this round now” below: it asks you to confirm that this releases the "
                    "round's figures."
                )
            )
        else:
            db.commit()
            flash(_("The round has been saved."), "success")
            return redirect(url_for("programme.rounds"))
    regions = db.exec(
        select(Region)
        .join(RoundRegion, RoundRegion.region_id == Region.id)
        .where(RoundRegion.round_id == round_.id)
        .order_by(Region.name)
    ).all()
    version = db.get(QuestionnaireVersion, round_.questionnaire_version_id)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "programme/round_edit.html", form=form, round=round_, regions=regions, version=version
    ), status


@bp.route("/rondes/<round_key>/sluiten", methods=["GET", "POST"])
def close_round(round_key: str):  # type: ignore[no-untyped-def]
    """Close an open round before its closing moment, after a confirmation: that releases its
    figures to the regions and ends answering for everyone who has not submitted."""
    db = get_session()
    round_ = get_round(round_key)
    if round_.state() is not RoundState.OPEN:
        flash(_("Only an open round can be closed."), "error")
        return redirect(url_for("programme.edit_round", round_key=round_.key))
    form = CloseRoundForm()
    if form.validate_on_submit():
        round_service.close_now(db, round_)
        db.commit()
        flash(
            _("%(round)s has been closed; its figures are released.", round=round_.title),
            "success",
        )
        return redirect(url_for("programme.overview_page", round=round_.key))
    asked = asked_and_submitted(db, round_)
    return render_template(
        "programme/round_close.html",
        round=round_,
        form=form,
        submitted=sum(n for sectors in asked.submitted.values() for n in sectors.values()),
        asked=sum(n for sectors in asked.asked.values() for n in sectors.values()),
    )
