"""Error pages in the person's language, and the security headers on every answer."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
    if request.accept_mimetypes.best == "application/json":
        body = {"error": error.name, **({"message": str(message)} if message else {})}
        return body, code, headers
    template = f"errors/{code}.html" if code in ERROR_TEMPLATES else "errors/generic.html"
    return (
        render_template(template, error=error, csrf=isinstance(error, CSRFError), message=message),
        code,
        headers,
    )


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
