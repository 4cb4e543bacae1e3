"""Idle and absolute session lifetimes.

The session lives in a signed cookie, which by itself never expires on the server: a copied
cookie would work for ever. So the session carries the moment it started and the moment it was
last used, and a session past either limit is emptied before the request is handled (keeping
only the language). A coordinator then signs in again; a respondent opens their personal link
again, which still works, and continues where they left off.
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, flash, g, request, session
from flask_babel import gettext as _

from selfscan.infra.config import API_PATH_PREFIX

STARTED, SEEN = "_started", "_seen"
# The last visit is noted to the minute: exact enough for an idle limit counted in minutes, and
# a page opened within the same minute leaves the cookie alone instead of signing it anew.
SEEN_PRECISION_SECONDS = 60


def init_app(app: Flask) -> None:
    app.config.setdefault("SESSION_IDLE_MINUTES", 60)
    app.after_request(_stamp_new_session)


def _now() -> int:
    return int(time.time())


def end_expired_session() -> None:
    """Empty a session that was idle too long or started too long ago; else note this visit.
    The API uses no session (a token per request), so its requests leave it alone."""
    if not session or request.path.startswith(API_PATH_PREFIX):
        return
    now = _now()
    started, seen = session.get(STARTED), session.get(SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        return  # stamped after this request (a session made before lifetimes existed)
    idle = int(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    absolute = current_app.permanent_session_lifetime.total_seconds()
    if now - seen > idle or now - started > absolute or seen > now + 60:
        signed_in = "_user_id" in session
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        if signed_in:
            g.session_expired = True
            flash(_("Your session has expired. Please sign in again."), "info")
        return
    if now - seen >= SEEN_PRECISION_SECONDS:
        session[SEEN] = now


def _stamp_new_session(response: Response) -> Response:
    """A session that was just made (or remade at sign-in) starts its clocks now."""
    if session and STARTED not in session:
        now = _now()
        session[STARTED] = now
        session[SEEN] = now
    return response
