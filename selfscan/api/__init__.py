"""The read-only JSON API for BI tools and researchers, with its OpenAPI description.

flask-smorest builds the description from the views and their marshmallow schemas and serves
it at /api/v1/openapi.json (no documentation page: those load their scripts from elsewhere).
Every request carries a personal API token (selfscan.access.token_user) and sees what its
person may see on the pages, from the same services.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from selfscan.api.schemas import ErrorSchema
from selfscan.api.views import bp

BEARER = "personalToken"


class SelfscanApi(Api):  # type: ignore[misc]
    """flask-smorest's Api without its error handler: selfscan.errors answers every error,
    as JSON under /api/ and as a page elsewhere, in the shape of ErrorSchema."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        pass

    def _openapi_json(self):  # type: ignore[no-untyped-def]
        """The API's OpenAPI description (JSON): what it answers, no data."""
        return super()._openapi_json()


api = SelfscanApi()


def init_app(app: Flask) -> None:
    api.init_app(
        app,
        spec_kwargs={
            "info": {
                "description": (
                    "Read-only figures of the Selfscan of Met Andere Ogen: rounds, regions, "
                    "released figures per group and principle, participation and learning "
                    "agendas, exactly as the token's person may see them on the pages. Send a "
                    "personal API token (made on the account's API tokens page) as "
                    "`Authorization: Bearer <token>`."
                )
            }
        },
    )
    api.spec.components.security_scheme(
        BEARER, {"type": "http", "scheme": "bearer", "description": "A personal API token."}
    )
    api.register_blueprint(bp)
