"""The programme team's pages for coordinator accounts: invite, assign regions, deactivate."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select
from wtforms import SelectChoice

from selfscan.account.links import LinkPurpose, make_token, max_age_seconds
from selfscan.infra import mail
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.models import CoordinatorRegion, Region, User
from selfscan.programme.forms import CoordinatorForm, CoordinatorRegionsForm
from selfscan.programme.views import bp
from selfscan.services import accounts, coordinators

log = logging.getLogger(__name__)


def get_coordinator(user_id: int) -> User:
    """A coordinator account; programme-team accounts are not managed here."""
    user = get_session().get(User, user_id)
    if user is None or user.is_programme:
        abort(404)
    return user


def _region_choices() -> list[SelectChoice]:
    return [
        SelectChoice(r.id, r.name) for r in get_session().exec(select(Region).order_by(Region.name))
    ]


@bp.route("/coordinatoren")
def coordinators_list():  # type: ignore[no-untyped-def]
    """Every coordinator with their regions and whether the account is active."""
    db = get_session()
    users = db.exec(select(User).where(User.is_programme == False).order_by(User.name)).all()  # noqa: E712
    assignments = db.exec(
        select(CoordinatorRegion.user_id, Region.name)
        .join(Region, Region.id == CoordinatorRegion.region_id)
        .order_by(Region.name)
    ).all()
    regions: dict[int, list[str]] = {}
    for user_id, name in assignments:
        regions.setdefault(user_id, []).append(name)
    return render_template("programme/coordinators.html", users=users, regions=regions)


@bp.route("/coordinatoren/nieuw", methods=["GET", "POST"])
def new_coordinator():  # type: ignore[no-untyped-def]
    """Create a coordinator account and mail them a link to choose a password."""
    db = get_session()
    form = CoordinatorForm()
    form.regions.choices = _region_choices()
    if form.validate_on_submit():
        if accounts.find_by_email(db, form.email.data or "") is not None:
            form.email.errors.append(_("An account with this e-mail address already exists."))
        else:
            user = coordinators.invite_coordinator(
                db,
                name=form.name.data or "",
                email=form.email.data or "",
                region_ids=form.regions.data,
            )
            db.commit()
            _flash_invitation_result(_mail_account_invitation(user))
            return redirect(url_for("programme.coordinator", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("programme/coordinator_new.html", form=form), status


@bp.route("/coordinatoren/<int:user_id>", methods=["GET", "POST"])
def coordinator(user_id: int):  # type: ignore[no-untyped-def]
    """A coordinator's account: assign regions, resend the invitation, (de)activate."""
    db = get_session()
    user = get_coordinator(user_id)
    current = db.exec(
        select(CoordinatorRegion.region_id).where(CoordinatorRegion.user_id == user.id)
    ).all()
    form = CoordinatorRegionsForm(
        data={"regions": list(current)} if request.method == "GET" else None
    )
    form.regions.choices = _region_choices()
    if form.validate_on_submit():
        coordinators.set_regions(db, user, form.regions.data or [])
        db.commit()
        flash(_("The regions of %(name)s have been saved.", name=user.name), "success")
        return redirect(url_for("programme.coordinator", user_id=user.id))
    status = 400 if request.method == "POST" else 200
    return render_template("programme/coordinator.html", form=form, user=user), status


@bp.route("/coordinatoren/<int:user_id>/deactiveren", methods=["POST"])
def deactivate_coordinator(user_id: int):  # type: ignore[no-untyped-def]
    """End the account: it cannot sign in and its open sessions stop at once."""
    db = get_session()
    user = get_coordinator(user_id)
    coordinators.deactivate(db, user)
    db.commit()
    flash(_("The account of %(name)s has been deactivated.", name=user.name), "success")
    return redirect(url_for("programme.coordinator", user_id=user.id))


@bp.route("/coordinatoren/<int:user_id>/activeren", methods=["POST"])
def reactivate_coordinator(user_id: int):  # type: ignore[no-untyped-def]
    """Let a deactivated account sign in again."""
    db = get_session()
    user = get_coordinator(user_id)
    coordinators.reactivate(db, user)
    db.commit()
    flash(_("The account of %(name)s is active again.", name=user.name), "success")
    return redirect(url_for("programme.coordinator", user_id=user.id))


@bp.route("/coordinatoren/<int:user_id>/uitnodiging", methods=["POST"])
def resend_account_invitation(user_id: int):  # type: ignore[no-untyped-def]
    """Mail a new link to choose a password (for an invitation that got lost)."""
    user = get_coordinator(user_id)
    if not user.is_active:
        abort(400)
    _flash_invitation_result(_mail_account_invitation(user))
    return redirect(url_for("programme.coordinator", user_id=user.id))


def _mail_account_invitation(user: User) -> bool:
    region_names = (
        get_session()
        .exec(
            select(Region.name)
            .join(CoordinatorRegion, CoordinatorRegion.region_id == Region.id)
            .where(CoordinatorRegion.user_id == user.id)
            .order_by(Region.name)
        )
        .all()
    )
    link = mail.absolute_url(
        url_for("account.set_password", token=make_token(user, LinkPurpose.WELCOME))
    )
    try:
        mail.send(
            mail.render(
                "account_invitation",
                current_language(),
                to=user.email,
                name=user.name,
                email=user.email,
                region_names=", ".join(region_names),
                link=link,
                days=max_age_seconds(LinkPurpose.WELCOME) // 86400,
            )
        )
    except mail.MailError:
        log.exception("account invitation to account %s not sent", user.id)
        return False
    return True


def _flash_invitation_result(sent: bool) -> None:
    if sent:
        flash(_("An e-mail with a link to choose a password has been sent."), "success")
    else:
        flash(
            _("The e-mail could not be sent. Try again later with “Send the invitation again”."),
            "error",
        )
