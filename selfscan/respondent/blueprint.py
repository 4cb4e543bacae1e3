"""The respondent blueprint's URLs; the views live in `link` and `views`."""

from __future__ import annotations

from flask import Blueprint

from selfscan.respondent import link, views

bp = Blueprint("respondent", __name__)

bp.add_url_rule("/i/<token>", "open_link", link.open_link)
bp.add_url_rule("/vragenlijst", "intro", views.intro)
bp.add_url_rule("/vragenlijst/starten", "begin", views.begin, methods=["POST"])
bp.add_url_rule("/vragenlijst/controleren", "review", views.review)
bp.add_url_rule("/vragenlijst/versturen", "submit", views.submit, methods=["POST"])
bp.add_url_rule("/vragenlijst/opgeslagen", "saved", views.saved)
bp.add_url_rule("/vragenlijst/profiel", "profile", views.profile)
bp.add_url_rule("/vragenlijst/<key>", "principle", views.principle, methods=["GET", "POST"])
bp.add_url_rule(
    "/vragenlijst/<key>/automatisch-opslaan", "autosave", views.autosave, methods=["POST"]
)
