"""A region's partner organisations: add, rename, change sector."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from selfscan.core.vocabulary import SECTOR_KEYS
from selfscan.infra.db import get_session
from selfscan.loaders import get_organisation, get_region
from selfscan.models import Organisation, Region
from selfscan.region.forms import OrganisationForm
from selfscan.region.views import bp
from selfscan.services import regions as region_service


def _name_taken(region: Region, name: str, other_than: int | None = None) -> bool:
    query = select(Organisation.id).where(
        Organisation.region_id == region.id, Organisation.name == name.strip()
    )
    if other_than is not None:
        query = query.where(Organisation.id != other_than)
    return get_session().exec(query).first() is not None


@bp.route("/organisaties", methods=["GET", "POST"])
def organisations(region: str):  # type: ignore[no-untyped-def]
    """The region's partner organisations, and a form to add one."""
    row = get_region(region)
    db = get_session()
    form = OrganisationForm()
    if form.validate_on_submit():
        if _name_taken(row, form.name.data or ""):
            form.name.errors.append(_("The region already has an organisation with this name."))
        else:
            region_service.add_organisation(
                db, region=row, name=form.name.data or "", sector=form.sector.data or ""
            )
            db.commit()
            flash(_("%(name)s has been added.", name=form.name.data.strip()), "success")  # type: ignore[union-attr]
            return redirect(url_for("region.organisations", region=row.key))
    listed = sorted(
        db.exec(select(Organisation).where(Organisation.region_id == row.id)),
        key=lambda o: (SECTOR_KEYS.index(o.sector), o.name.lower()),
    )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "region/organisations.html", region=row, organisations=listed, form=form
    ), status


@bp.route("/organisaties/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(region: str, organisation_id: int):  # type: ignore[no-untyped-def]
    """Rename an organisation or change its sector (earlier responses keep their sector)."""
    row = get_region(region)
    organisation = get_organisation(row, organisation_id)
    db = get_session()
    form = OrganisationForm(obj=organisation if request.method == "GET" else None)
    if form.validate_on_submit():
        if _name_taken(row, form.name.data or "", other_than=organisation.id):
            form.name.errors.append(_("The region already has an organisation with this name."))
        else:
            region_service.update_organisation(
                db, organisation, name=form.name.data or "", sector=form.sector.data or ""
            )
            db.commit()
            flash(_("The organisation has been saved."), "success")
            return redirect(url_for("region.organisations", region=row.key))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "region/organisation_edit.html", region=row, organisation=organisation, form=form
    ), status
