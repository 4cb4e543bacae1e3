"""Error pages in the person's language, and the security headers on every answer."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from selfscan.infra.config import API_PATH_PREFIX

log = logging.getLogger(__name__)

# Scripts and styles only from this site. The vendored Plotly bundle is built to need neither
# inline scripts nor inline styles (assets/plotly/README.md); heatmaps are data: images.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ERROR_TEMPLATES = {400, 403, 404, 405, 413, 415, 429, 500}


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.after_request(add_security_headers)


def handle_http_error(error: HTTPException) -> tuple[str | dict, int, list[tuple[str, str]]]:
    """Render the error page for the status; CSRF failures are a 400 with their own message,
    and refused input (selfscan.infra.request_checks) says what was wrong."""
    code = error.code or 500
    _rollback()
    message = getattr(error, "message", None)
    # Retry-After of a 429, Allow of a 405: the page replaces the body, not these.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if request.path.startswith(API_PATH_PREFIX):
        return api_error(error), code, headers
    if request.accept_mimetypes.best == "application/json":
        body = {"error": error.name, **({"message": str(message)} if message else {})}
        return body, code, headers
    template = f"errors/{code}.html" if code in ERROR_TEMPLATES else "errors/generic.html"
    return (
        render_template(template, error=error, csrf=isinstance(error, CSRFError), message=message),
        code,
        headers,
    )


def api_error(error: HTTPException) -> dict[str, object]:
    """The API's error body: the status and a message in English (or Dutch, by
    Accept-Language) that says what to do."""
    code = error.code or 500
    message = getattr(error, "message", None)
    if message is None and error.description != type(error).description:
        message = error.description  # a view's own message (abort(403, "..."))
    if message is None:
        message = _api_messages().get(code, error.name)
    return {"code": code, "status": error.name, "message": str(message)}


def _api_messages() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("A personal API token is needed."),
        403: _("This token's account may not see this."),
        404: _("Nothing is known at this address, or it is not yours to see."),
        405: _("The API only reads: use GET."),
        429: _("Too many requests. Wait as long as Retry-After says, then try again."),
        500: _("Something went wrong on our side. Try again later."),
    }


def handle_unexpected_error(error: Exception) -> tuple[str | dict, int, list[tuple[str, str]]]:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError(original_exception=error))


def _rollback() -> None:
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # No page's address (personal links included) ever travels to another site.
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    # Pages and downloads (scores, overview tables, the privacy export) hold personal data or
    # figures: no cache may keep them. Static files get their own caching (selfscan.infra.assets).
    headers.setdefault("Cache-Control", "no-store")

    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
