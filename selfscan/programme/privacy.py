"""The programme team's privacy pages: look up a person, export their data, erase them.

The address travels in POST bodies only, never in a URL, so it does not end up in access logs
or browser history.
"""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import DataRequired, Email, Length

from selfscan.infra.db import get_session
from selfscan.models.types import utcnow
from selfscan.programme.views import bp
from selfscan.services import privacy


class PersonForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )


class ErasureForm(PersonForm):
    confirm = BooleanField(
        _l("Yes, erase this person's name, e-mail address and invitations for good"),
        validators=[DataRequired(_l("Tick the box to confirm the erasure."))],
    )


def _page(form: PersonForm, erase_form: ErasureForm | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    record = None
    if form.email.data and not form.email.errors:
        record = privacy.person_record(get_session(), form.email.data)
    if erase_form is None:
        erase_form = ErasureForm(formdata=None, data={"email": form.email.data})
    page = render_template(
        "programme/privacy.html", form=form, erase_form=erase_form, record=record
    )
    return page, status


@bp.route("/privacy", methods=["GET", "POST"])
def privacy_lookup():  # type: ignore[no-untyped-def]
    """Find what is stored about one person, with the export and erasure buttons."""
    form = PersonForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate():
        return _page(form, status=400)
    return _page(form)


@bp.route("/privacy/export", methods=["POST"])
def privacy_export():  # type: ignore[no-untyped-def]
    """Everything stored about one person as a JSON download (right of access, AVG art. 15)."""
    form = PersonForm()
    if not form.validate():
        return _page(form, status=400)
    record = privacy.person_record(get_session(), form.email.data or "")
    name = f"selfscan-persoonsgegevens-{utcnow():%Y%m%d}.json"
    return Response(
        json.dumps(record, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/privacy/wissen", methods=["POST"])
def privacy_erase():  # type: ignore[no-untyped-def]
    """Erase one person (AVG art. 17): their answers stay, anonymous, in the figures."""
    erase_form = ErasureForm()
    lookup = PersonForm(formdata=None, data={"email": erase_form.email.data})
    if not erase_form.validate():
        # A bad address belongs to the lookup form: without an address there is no record.
        lookup.email.errors = list(erase_form.email.errors)
        return _page(lookup, erase_form, status=400)
    db = get_session()
    try:
        result = privacy.erase_person(db, erase_form.email.data or "")
    except privacy.PrivacyError:
        db.rollback()
        erase_form.confirm.errors = [
            _("A programme-team account cannot be erased here; ask the system administrator.")
        ]
        return _page(lookup, erase_form, status=400)
    db.commit()
    flash(
        _(
            "Erased: %(invitations)d invitation(s) and %(accounts)d account(s). "
            "%(responses)d response(s) remain, without name or address.",
            invitations=result.invitations,
            accounts=int(result.account),
            responses=result.responses_kept,
        ),
        "success",
    )
    return redirect(url_for("programme.privacy_lookup"))
