"""A region's invitations for a round: add one or a list, follow their status, resend, give a
new link, revoke.

Mails go out after the invitations are committed: a mail cannot be taken back, so the link in
it must already exist; an invitation whose mail failed stays "not sent" and can be resent.
"Send again" mails the same link, so a person who finds an earlier mail can still use it;
"New link" replaces the link (the earlier one stops working) for a link that reached someone
else.
"""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlmodel import select
from wtforms import SelectChoice

from selfscan.infra import mail
from selfscan.infra.db import get_session
from selfscan.loaders import get_invitation, get_region_round
from selfscan.models import Invitation, Organisation, Region, Response, Round, RoundState
from selfscan.models.types import utcnow
from selfscan.region.forms import ConfirmForm, InvitationForm, InvitationListForm, RemindForm
from selfscan.region.views import bp
from selfscan.services import invitations as invitation_service
from selfscan.services import outreach
from selfscan.services.participation import (
    InvitationStatus,
    LineError,
    LineProblem,
    check_against_region,
    count_by_status,
    invitation_rows,
    invitation_status,
    read_list,
    reminder_candidates,
    reminder_now,
    sector_participation,
)

STATUS_LABELS = {
    InvitationStatus.NOT_SENT: _l("not sent"),
    InvitationStatus.SENT: _l("sent"),
    InvitationStatus.OPENED: _l("opened"),
    InvitationStatus.IN_PROGRESS: _l("in progress"),
    InvitationStatus.SUBMITTED: _l("submitted"),
    InvitationStatus.REVOKED: _l("revoked"),
}


@bp.route("/rondes/<round_key>/uitnodigingen")
def invitations(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Who is invited, where each invitation stands, and the response per sector."""
    row, round_ = get_region_round(region, round_key)
    return _page(row, round_, InvitationForm(formdata=None), InvitationListForm(formdata=None))


@bp.route("/rondes/<round_key>/uitnodigingen/een", methods=["POST"])
def invite_one(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Invite one person and mail them their personal link."""
    row, round_ = get_region_round(region, round_key)
    _refuse_when_closed(round_)
    db = get_session()
    form = InvitationForm()
    form.organisation.choices = _organisation_choices(row)
    if not form.validate_on_submit():
        return _page(row, round_, form, InvitationListForm(formdata=None), status=400)
    email = (form.email.data or "").strip().lower()
    organisation = db.get(Organisation, form.organisation.data)
    earlier = db.exec(
        select(Invitation).where(Invitation.round_id == round_.id, Invitation.email == email)
    ).first()
    # A revoked invitation of another region of the round is not this coordinator's to restore.
    if earlier is not None and (earlier.revoked_at is None or earlier.region_id != row.id):
        form.email.errors.append(_("This person is already invited to this round."))
        return _page(row, round_, form, InvitationListForm(formdata=None), status=400)
    if earlier is not None:  # revoked earlier: invited again, with a new link
        invitation = earlier
        token = invitation_service.restore(
            db,
            earlier,
            current_app.secret_key,
            name=form.name.data or "",
            organisation=organisation,
            perspective=form.perspective.data or None,
        )
    else:
        invitation, token = invitation_service.create_invitation(
            db,
            round_=round_,
            organisation=organisation,  # type: ignore[arg-type]
            secret=current_app.secret_key,
            name=form.name.data or "",
            email=email,
            perspective=form.perspective.data or None,
        )
    db.commit()
    _send_and_report(row, round_, [(invitation, token)])
    return _to_the_messages(row, round_)


@bp.route("/rondes/<round_key>/uitnodigingen/lijst", methods=["POST"])
def invite_list(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Invite everyone on a pasted or uploaded list; a list with any bad line stores nothing."""
    row, round_ = get_region_round(region, round_key)
    _refuse_when_closed(round_)
    db = get_session()
    form = InvitationListForm()
    text = form.list_text() if form.validate_on_submit() else None
    if text is None:
        return _page(row, round_, InvitationForm(formdata=None), form, status=400)
    people, errors = read_list(text)
    checked = check_against_region(db, region=row, round_=round_, people=people)
    errors = sorted(errors + checked.errors, key=lambda e: e.line)  # stable: a line's own order
    if errors:
        return _page(
            row,
            round_,
            InvitationForm(formdata=None),
            form,
            list_errors=[describe(e) for e in errors],
            status=400,
        )
    invited: list[tuple[Invitation, str]] = []
    for p in people:
        earlier = checked.revoked.get(p.line)
        if earlier is None:
            invited.append(
                invitation_service.create_invitation(
                    db,
                    round_=round_,
                    organisation=checked.organisations[p.line],
                    name=p.name,
                    email=p.email,
                    secret=current_app.secret_key,
                    perspective=p.perspective,
                )
            )
        else:  # revoked earlier: invited again, with a new link (as a single invitation does)
            token = invitation_service.restore(
                db,
                earlier,
                current_app.secret_key,
                name=p.name,
                organisation=checked.organisations[p.line],
                perspective=p.perspective,
            )
            invited.append((earlier, token))
    db.commit()
    _send_and_report(row, round_, invited)
    restored = [checked.revoked[p.line].email for p in people if p.line in checked.revoked]
    if restored:
        flash(
            ngettext(
                "%(num)s person on the list had a revoked invitation; it has been restored "
                "with a new link: %(emails)s.",
                "%(num)s people on the list had a revoked invitation; those have been restored "
                "with a new link: %(emails)s.",
                len(restored),
                emails=", ".join(restored),
            ),
            "info",
        )
    return _to_the_messages(row, round_)


@bp.route("/rondes/<round_key>/uitnodigingen/<int:invitation_id>/opnieuw", methods=["POST"])
def resend_invitation(region: str, round_key: str, invitation_id: int):  # type: ignore[no-untyped-def]
    """Mail the personal link once more (the same link as before)."""
    row, round_ = get_region_round(region, round_key)
    _refuse_when_closed(round_)
    invitation = get_invitation(row, round_, invitation_id)
    db = get_session()
    status = _status_of(invitation)
    if status in (InvitationStatus.REVOKED, InvitationStatus.SUBMITTED):
        abort(400)
    try:
        outreach.resend(db, invitation, round_=round_, region=row)
    except mail.MailError:
        db.rollback()
        flash(
            _(
                "The e-mail to %(email)s could not be sent. Try again later.",
                email=invitation.email,
            ),
            "error",
        )
    else:
        db.commit()
        flash(_("The link has been sent again to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("region.invitations", region=row.key, round_key=round_.key))


@bp.route("/rondes/<round_key>/uitnodigingen/<int:invitation_id>/nieuwe-link", methods=["POST"])
def renew_invitation(region: str, round_key: str, invitation_id: int):  # type: ignore[no-untyped-def]
    """Mail a new personal link; the earlier link stops working (for a link that leaked)."""
    row, round_ = get_region_round(region, round_key)
    _refuse_when_closed(round_)
    invitation = get_invitation(row, round_, invitation_id)
    if _status_of(invitation) in (InvitationStatus.REVOKED, InvitationStatus.SUBMITTED):
        abort(400)
    db = get_session()
    token = invitation_service.renew_token(db, invitation, current_app.secret_key)
    db.commit()  # the new link exists before a mail carries it; the earlier one has stopped
    failed = outreach.send_invitations(db, [(invitation, token)], round_=round_, region=row)
    db.commit()
    if failed:
        flash(
            _(
                "%(email)s has a new link, but the e-mail could not be sent; use “Send again” later.",
                email=invitation.email,
            ),
            "error",
        )
    else:
        flash(
            _(
                "A new link has been sent to %(email)s; the earlier link no longer works.",
                email=invitation.email,
            ),
            "success",
        )
    return redirect(url_for("region.invitations", region=row.key, round_key=round_.key))


@bp.route(
    "/rondes/<round_key>/uitnodigingen/<int:invitation_id>/intrekken", methods=["GET", "POST"]
)
def revoke_invitation(region: str, round_key: str, invitation_id: int):  # type: ignore[no-untyped-def]
    """After a confirmation, the personal link stops working at once; answers already
    submitted stay, and the invitation can be restored."""
    row, round_ = get_region_round(region, round_key)
    invitation = get_invitation(row, round_, invitation_id)
    db = get_session()
    form = ConfirmForm()
    if invitation.revoked_at is not None:
        flash(_("The invitation of %(email)s is revoked already.", email=invitation.email), "info")
        return redirect(url_for("region.invitations", region=row.key, round_key=round_.key))
    if form.validate_on_submit():
        invitation_service.revoke(db, invitation)
        db.commit()
        flash(
            _(
                "The invitation of %(email)s has been revoked. "
                "“Restore” in the list below undoes this.",
                email=invitation.email,
            ),
            "success",
        )
        return redirect(url_for("region.invitations", region=row.key, round_key=round_.key))
    return render_template(
        "region/invitation_revoke.html",
        region=row,
        round=round_,
        invitation=invitation,
        form=form,
        closed=round_.state() is RoundState.CLOSED,
    ), 400 if form.is_submitted() else 200


@bp.route("/rondes/<round_key>/uitnodigingen/<int:invitation_id>/herstellen", methods=["POST"])
def restore_invitation(region: str, round_key: str, invitation_id: int):  # type: ignore[no-untyped-def]
    """Undo a revocation: the invitation works again and the person gets a new link."""
    row, round_ = get_region_round(region, round_key)
    _refuse_when_closed(round_)
    invitation = get_invitation(row, round_, invitation_id)
    if invitation.revoked_at is None or not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    token = invitation_service.restore(db, invitation, current_app.secret_key)
    db.commit()  # the new link exists before a mail carries it
    failed = outreach.send_invitations(db, [(invitation, token)], round_=round_, region=row)
    db.commit()
    if failed:
        flash(
            _(
                "The invitation of %(email)s has been restored, but the e-mail could not be sent; use “Send again” later.",
                email=invitation.email,
            ),
            "error",
        )
    else:
        flash(
            _(
                "The invitation of %(email)s has been restored and a new link has been sent.",
                email=invitation.email,
            ),
            "success",
        )
    return redirect(url_for("region.invitations", region=row.key, round_key=round_.key))


@bp.route("/rondes/<round_key>/herinneren", methods=["POST"])
def remind_unanswered(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Remind everyone invited who has not submitted yet (not those mailed in the last day)."""
    row, round_ = get_region_round(region, round_key)
    if round_.state() is not RoundState.OPEN or not RemindForm().validate_on_submit():
        abort(400)
    db = get_session()
    now = utcnow()
    final_within = timedelta(days=current_app.config["FINAL_REMINDER_DAYS"])
    sent = skipped = failed = 0
    try:
        with mail.postbox() as post:
            for candidate in reminder_candidates(db, now, region=row, round_=round_):
                invitation = candidate.invitation
                kind = reminder_now(
                    now=now,
                    closes_at=round_.closes_at,
                    sent_at=invitation.sent_at,  # type: ignore[arg-type]
                    reminded_at=invitation.reminded_at,
                    final_within=final_within,
                )
                if kind is None:
                    skipped += 1
                    continue
                try:
                    outreach.remind(db, candidate, kind, post=post, now=now)
                except mail.MailError:
                    db.rollback()
                    failed += 1
                    continue
                db.commit()  # each reminder recorded as it is sent: a mail cannot be taken back
                sent += 1
    except mail.MailError:
        failed = -1
    _report_reminders(sent, skipped, failed)
    return redirect(url_for("region.dashboard", region=row.key, round=round_.key))


def _report_reminders(sent: int, skipped: int, failed: int) -> None:
    if failed < 0:
        flash(
            _("The mail server cannot be reached; no reminders were sent. Try again later."),
            "error",
        )
        return
    if sent:
        flash(
            ngettext("%(num)s reminder has been sent.", "%(num)s reminders have been sent.", sent),
            "success",
        )
    if skipped:
        flash(
            ngettext(
                "%(num)s person had a mail in the last day and was not reminded again.",
                "%(num)s people had a mail in the last day and were not reminded again.",
                skipped,
            ),
            "info",
        )
    if failed:
        flash(
            ngettext(
                "%(num)s reminder could not be sent; try again later.",
                "%(num)s reminders could not be sent; try again later.",
                failed,
            ),
            "error",
        )
    if not (sent or skipped or failed):
        flash(_("Everyone who was sent an invitation has responded: nobody to remind."), "info")


def _status_of(invitation: Invitation) -> InvitationStatus:
    response_status = (
        get_session()
        .exec(select(Response.status).where(Response.invitation_id == invitation.id))
        .first()
    )
    return invitation_status(
        sent_at=invitation.sent_at,
        opened_at=invitation.opened_at,
        revoked_at=invitation.revoked_at,
        response_status=response_status,
    )


def _to_the_messages(region: Region, round_: Round):  # type: ignore[no-untyped-def]
    """Back to the invitations page, at the top where the messages are: a form is sent to its
    own error summary (its action ends in #…-errors, so that a refused form lands there), and
    without a fragment of its own a redirect keeps that one."""
    url = url_for("region.invitations", region=region.key, round_key=round_.key)
    return redirect(url + "#main")


def _refuse_when_closed(round_: Round) -> None:
    if round_.state() is RoundState.CLOSED:
        abort(400)


def _organisation_choices(region: Region) -> list[SelectChoice]:
    return [
        SelectChoice(o.id, o.name)
        for o in get_session().exec(
            select(Organisation)
            .where(Organisation.region_id == region.id)
            .order_by(Organisation.name)
        )
    ]


def _send_and_report(region: Region, round_: Round, pairs: list[tuple[Invitation, str]]) -> None:
    db = get_session()
    failed = outreach.send_invitations(db, pairs, round_=round_, region=region)
    db.commit()
    sent = len(pairs) - len(failed)
    if sent:
        flash(
            ngettext(
                "%(num)s invitation has been sent.", "%(num)s invitations have been sent.", sent
            ),
            "success",
        )
    if failed:
        flash(
            ngettext(
                "%(num)s invitation is stored but its e-mail could not be sent; use “Send again” later.",
                "%(num)s invitations are stored but their e-mails could not be sent; use “Send again” later.",
                len(failed),
            ),
            "error",
        )


def _page(
    region: Region,
    round_: Round,
    one_form: InvitationForm,
    list_form: InvitationListForm,
    *,
    list_errors: list[str] | None = None,
    status: int = 200,
):  # type: ignore[no-untyped-def]
    db = get_session()
    one_form.organisation.choices = _organisation_choices(region)
    rows = invitation_rows(db, region=region, round_=round_)
    sectors = sector_participation(
        db, region=region, round_=round_, min_group_size=current_app.config["MIN_GROUP_SIZE"]
    )
    return render_template(
        "region/invitations.html",
        region=region,
        round=round_,
        state=round_.state(),
        rows=rows,
        counts=count_by_status(rows),
        sectors=sectors,
        one_form=one_form,
        list_form=list_form,
        list_errors=list_errors or [],
        min_group_size=current_app.config["MIN_GROUP_SIZE"],
        InvitationStatus=InvitationStatus,
        invitation_status_label=lambda status: str(STATUS_LABELS[status]),
    ), status


def describe(error: LineError) -> str:
    """A line error as the coordinator reads it, naming the line."""
    line, value = error.line, error.detail
    messages = {
        LineProblem.FIELDS: lambda: _(
            "Line %(line)s: expected name;e-mail;organisation (and perhaps a perspective), "
            "found %(n)s fields.",
            line=line,
            n=value,
        ),
        LineProblem.NAME: lambda: _(
            "Line %(line)s: the name is missing or longer than 120 characters.", line=line
        ),
        LineProblem.EMAIL: lambda: _(
            "Line %(line)s: “%(value)s” is not a valid e-mail address.", line=line, value=value
        ),
        LineProblem.ORGANISATION: lambda: _(
            "Line %(line)s: this region has no organisation named “%(value)s”; add it first.",
            line=line,
            value=value,
        ),
        LineProblem.DUPLICATE: lambda: _(
            "Line %(line)s: the same e-mail address as line %(other)s.", line=line, other=value
        ),
        LineProblem.INVITED: lambda: _(
            "Line %(line)s: %(value)s is already invited to this round.", line=line, value=value
        ),
        LineProblem.PERSPECTIVE: lambda: _(
            "Line %(line)s: “%(value)s” is not a perspective; write ouder, jongere or "
            "professional, or leave it out.",
            line=line,
            value=value,
        ),
        LineProblem.TOO_LONG: lambda: _(
            "The list has more than %(n)s lines; split it into smaller lists.", n=value
        ),
        LineProblem.EMPTY: lambda: _("The list has no lines."),
    }
    return messages[error.problem]()
