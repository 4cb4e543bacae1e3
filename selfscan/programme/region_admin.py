"""The programme team's pages to create and edit regions (the list is in views.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import select

from selfscan.infra.db import get_session
from selfscan.loaders import get_region
from selfscan.models import Region
from selfscan.programme.forms import NewRegionForm, RegionForm, key_from
from selfscan.programme.views import bp
from selfscan.services import regions as region_service


@bp.route("/regios/nieuw", methods=["GET", "POST"])
def new_region():  # type: ignore[no-untyped-def]
    """Create a region with its name, sharing setting and (made from the name) key."""
    db = get_session()
    form = NewRegionForm()
    if form.validate_on_submit():
        name = (form.name.data or "").strip()
        key = form.key.data or key_from(name)
        if db.exec(select(Region.id).where(Region.name == name)).first() is not None:
            form.name.errors.append(_("A region with this name already exists."))
        elif len(key) < 2:
            form.key.errors.append(_("Enter a key: the name gives too few letters or digits."))
        elif db.exec(select(Region.id).where(Region.key == key)).first() is not None:
            form.key.errors.append(_("A region with this key already exists."))
        else:
            region_service.add_region(
                db, key=key, name=name, sharing=form.sharing.data or "private"
            )
            db.commit()
            flash(_("The region has been created."), "success")
            return redirect(url_for("programme.regions"))
    status = 400 if request.method == "POST" else 200
    return render_template("programme/region_form.html", form=form, region=None), status


@bp.route("/regios/<region_key>/bewerken", methods=["GET", "POST"])
def edit_region(region_key: str):  # type: ignore[no-untyped-def]
    """Rename a region or change its sharing setting."""
    db = get_session()
    region = get_region(region_key)
    form = RegionForm(obj=region if request.method == "GET" else None)
    if form.validate_on_submit():
        name = (form.name.data or "").strip()
        clash = db.exec(select(Region.id).where(Region.name == name, Region.id != region.id))
        if clash.first() is not None:
            form.name.errors.append(_("A region with this name already exists."))
        else:
            region_service.update_region(
                db, region, name=name, sharing=form.sharing.data or "private"
            )
            db.commit()
            flash(_("The region has been saved."), "success")
            return redirect(url_for("programme.regions"))
    status = 400 if request.method == "POST" else 200
    return render_template("programme/region_form.html", form=form, region=region), status
