"""Personal API tokens on the account: make one (shown once), see them, revoke one."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfscan.account.forms import NewApiTokenForm, RevokeApiTokenForm
from selfscan.account.views import bp
from selfscan.infra.db import get_session
from selfscan.services import api_tokens


@bp.route("/api-tokens", methods=["GET", "POST"])
def tokens():  # type: ignore[no-untyped-def]
    """The signed-in person's API tokens: make one (shown once), see when each was used."""
    db = get_session()
    form = NewApiTokenForm()
    made = None
    if form.validate_on_submit():
        _row, made = api_tokens.create(db, current_user, form.name.data or "")  # type: ignore[arg-type]
        db.commit()
        form = NewApiTokenForm(formdata=None)
    status = 400 if request.method == "POST" and made is None else 200
    return render_template(
        "account/tokens.html",
        form=form,
        made=made,
        tokens=api_tokens.of_user(db, current_user),  # type: ignore[arg-type]
        revoke_form=RevokeApiTokenForm(),
        api_root=url_for("api.rounds", _external=True).rsplit("/", 1)[0],
    ), status


@bp.route("/api-tokens/<int:token_id>/intrekken", methods=["POST"])
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    """Revoke one of the signed-in person's own API tokens: it stops working at once."""
    db = get_session()
    token = api_tokens.token_of_user(db, current_user, token_id)  # type: ignore[arg-type]
    if token is None:
        abort(404)
    form = RevokeApiTokenForm()
    if not form.validate_on_submit():
        abort(400)
    api_tokens.revoke(db, token)
    db.commit()
    flash(_("The token %(name)s has been revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("account.tokens"))
