"""The respondent's pages (built in the respondent issue)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("respondent", __name__)
