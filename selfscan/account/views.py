"""Sign-in and sign-out views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from selfscan.account.forms import LoginForm
from selfscan.db import get_session
from selfscan.extensions import limiter, login_manager
from selfscan.services import accounts

bp = Blueprint("account", __name__)


@login_manager.user_loader
def load_user(cookie_id: str):  # type: ignore[no-untyped-def]
    return accounts.load_session_user(get_session(), cookie_id)


def _login_account_key() -> str:
    return "login-account:" + accounts.normalise_email(request.form.get("email", ""))


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], scope="login-address")
@limiter.limit(
    "5 per minute;20 per hour", methods=["POST"], key_func=_login_account_key, scope="login-account"
)
def login():  # type: ignore[no-untyped-def]
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(db, form.email.data or "", form.password.data or "")
        if user is None:
            flash(_("That e-mail address and password do not match an active account."), "error")
            db.rollback()
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
