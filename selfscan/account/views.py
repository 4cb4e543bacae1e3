"""Sign-in and sign-out views."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from selfscan.access import is_api_request
from selfscan.account.forms import ForgotPasswordForm, LoginForm, SetPasswordForm
from selfscan.account.links import LinkPurpose, account_for_token, make_token, max_age_seconds
from selfscan.infra import mail, throttle
from selfscan.infra.db import get_session
from selfscan.infra.extensions import login_manager
from selfscan.infra.i18n import current_language
from selfscan.infra.passwords import MIN_LENGTH
from selfscan.models import User
from selfscan.services import accounts

log = logging.getLogger(__name__)

bp = Blueprint("account", __name__)


@login_manager.user_loader
def load_user(cookie_id: str):  # type: ignore[no-untyped-def]
    if is_api_request():  # the API knows only tokens (selfscan.access.token_user)
        return None
    found = accounts.load_session_user(get_session(), cookie_id)
    if found is None:
        return None
    # Read by access.coordinated_region_keys and access.current_viewer.
    g.region_keys, g.viewer_regions = found.region_keys, found.visible
    return found.user


@bp.route("/inloggen", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        # Wrong passwords count per account and, more gently, per address; a limited account
        # waits even with the right password (or guessing could go on).
        failures = (
            (
                throttle.SIGN_IN_ACCOUNT,
                throttle.fingerprint(accounts.normalise_email(form.email.data or "")),
            ),
            (throttle.SIGN_IN_ADDRESS, throttle.address()),
        )
        throttle.refuse_when_exceeded(*failures)
        db = get_session()
        user = accounts.authenticate(db, form.email.data or "", form.password.data or "")
        if user is None:
            flash(_("That e-mail address and password do not match an active account."), "error")
            db.rollback()  # before counting: on SQLite this session holds the write lock
            throttle.count(*failures)
        else:
            db.commit()
            language = session.get("lang")
            session.clear()  # a new session on sign-in: nothing from before survives
            if language:
                session["lang"] = language
            login_user(user)
            return redirect(safe_next(form.next.data))
    status = 400 if request.method == "POST" else 200
    return render_template("account/login.html", form=form), status


@bp.route("/uitloggen", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    """Sign out everywhere: every session of the account ends."""
    db = get_session()
    accounts.end_all_sessions(db, current_user)  # type: ignore[arg-type]
    db.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out."), "info")
    return redirect(url_for("account.login"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():  # type: ignore[no-untyped-def]
    """Ask for a password-reset link; the answer is the same whether the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Every request may send a mail: counted per address asked for (known or not, alike)
        # and per client address, before the session takes SQLite's write lock.
        asked = (
            (
                throttle.RESET_EMAIL,
                throttle.fingerprint(accounts.normalise_email(form.email.data or "")),
            ),
            (throttle.RESET_ADDRESS, throttle.address()),
        )
        throttle.refuse_when_exceeded(*asked)
        throttle.count(*asked)
        user = accounts.find_by_email(get_session(), form.email.data or "")
        if user is not None and user.is_active:
            _mail_reset_link(user)
        flash(
            _(
                "If an account uses that address, we have sent it a link to choose a new "
                "password. Check your e-mail."
            ),
            "info",
        )
        return redirect(url_for("account.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("account/forgot_password.html", form=form), status


def _mail_reset_link(user: User) -> None:
    link = mail.absolute_url(
        url_for("account.set_password", token=make_token(user, LinkPurpose.RESET))
    )
    hours = max_age_seconds(LinkPurpose.RESET) // 3600
    try:
        mail.send(
            mail.render(
                "password_reset",
                current_language(),
                to=user.email,
                name=user.name,
                link=link,
                hours=hours,
            )
        )
    except mail.MailError:
        # The person gets the same answer either way; the operator finds the cause in the log.
        log.exception("password-reset mail to account %s not sent", user.id)


@bp.route("/wachtwoord/<token>", methods=["GET", "POST"])
def set_password(token: str):  # type: ignore[no-untyped-def]
    """Choose a password with a link from a mail (a reset, or a new account's invitation)."""
    if request.method == "POST":
        attempt = (throttle.SET_PASSWORD_LINK, throttle.fingerprint(token))
        throttle.refuse_when_exceeded(attempt)
        throttle.count(attempt)
    db = get_session()
    found = account_for_token(db, token)
    if found is None:
        db.rollback()  # before counting: on SQLite a POST's session holds the write lock
        throttle.failed_link()
        return render_template("account/link_invalid.html"), 404
    user, purpose = found
    form = SetPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(db, user, form.password.data or "")
        db.commit()
        if current_user.is_authenticated:
            logout_user()
        session.clear()
        flash(
            _("Your password has been set. Sign in with your e-mail address and new password."),
            "success",
        )
        return redirect(url_for("account.login"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "account/set_password.html",
        form=form,
        user=user,
        welcome=purpose is LinkPurpose.WELCOME,
        min_length=MIN_LENGTH,
    ), status


def safe_next(target: str | None) -> str:
    """The page to go to after sign-in: only a path on this site, never another host."""
    fallback = url_for("main.index")
    if not target:
        return fallback
    target = target.strip()
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return fallback
    return target
