"""Who learns from whom in the learning network, for the programme team: every request and
partnership between regions, its state, since when and the principle it is about."""

from __future__ import annotations

from flask import render_template

from selfscan.infra.db import get_session
from selfscan.programme.views import bp
from selfscan.services.network import all_pairs


@bp.route("/leerpartners")
def learning_partners():  # type: ignore[no-untyped-def]
    """Every learning partnership and request between regions, with its state and since when."""
    return render_template("programme/learning_partners.html", pairs=all_pairs(get_session()))
