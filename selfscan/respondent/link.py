"""The personal link: exchanged for a session on the first visit.

Its token is kept out of the logs by selfscan.logging, and out of other sites' Referer headers by
the app-wide no-referrer policy; the redirect means later pages never carry it.
"""

from __future__ import annotations

from flask import redirect, session, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from selfscan.infra import throttle
from selfscan.infra.db import get_session
from selfscan.respondent.context import forget_respondent, link_invalid_page
from selfscan.services import invitations


def open_link(token: str) -> WerkzeugResponse | object:
    """Exchange a personal link for a fresh session and go on to a token-free address."""
    invitation = invitations.find_usable(get_session(), token)
    if invitation is None:
        # Only links that do not work count, per address; a working link always opens.
        throttle.failed_link()
        return link_invalid_page()
    forget_respondent()  # nothing of an earlier session (or account) carries over
    session["invitation_id"] = invitation.id
    return redirect(url_for("respondent.intro"))
