"""Input the app refuses before any view reads it, with a message that says what was wrong.

Checked once for every request, so that no view has to: a body in JSON (every page takes
forms), a file sent to a form that takes none, and the NUL character anywhere in the address,
the query or a form (no database stores it as text: PostgreSQL refuses it, SQLite cuts the
text there). Integers in URLs are bounded by `DatabaseInteger`, the app's `<int:…>` converter.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.routing import IntegerConverter, Map

# The largest value of the databases' INTEGER columns (PostgreSQL's is 32 bits).
MAX_ID = 2**31 - 1

# Form fields that take a file, by endpoint; a file anywhere else is refused.
UPLOADS: dict[str, frozenset[str]] = {
    "region.invite_list": frozenset({"file"}),
    "programme.import_preview": frozenset({"file"}),
    "programme.questionnaire_upload": frozenset({"file"}),
}


class InputRefused(BadRequest):
    """A 400 whose page says what was wrong with what was sent; nothing was changed."""

    def __init__(self, message: object) -> None:
        super().__init__()
        self.message = message


class JSONRefused(UnsupportedMediaType):
    """A 415: Selfscan's pages take forms, never JSON."""

    message = _l(
        "This address takes a form, not JSON. Nothing has been saved. Use the page's form."
    )


NUL_MESSAGE = _l(
    "What was sent contains the NUL character (\\0), which cannot be stored. "
    "Nothing has been saved. Remove it and try again."
)
FILE_MESSAGE = _l("This form does not take a file. Nothing has been saved.")


class DatabaseInteger(IntegerConverter):
    """`<int:…>` in every URL: 0 up to the largest id a database column holds. A larger number
    matches no route (404) instead of reaching the database, which cannot compare with it."""

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    """Install the converter (before any blueprint adds a rule) and the check (before every
    other before-request function, the CSRF check and the rate limits included)."""
    app.url_map.converters["int"] = DatabaseInteger
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unreadable_input)


def refuse_unreadable_input() -> None:
    """Refuse JSON bodies, unexpected files and NUL characters (see the module's docstring)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            raise JSONRefused()
        allowed = UPLOADS.get(request.endpoint or "", frozenset())
        if any(name not in allowed for name in request.files):
            raise InputRefused(FILE_MESSAGE)
        texts = [
            *request.form.keys(),
            *(v for values in request.form.listvalues() for v in values),
            *(f.filename or "" for f in request.files.values()),
        ]
    else:
        texts = []
    texts += [
        request.path,
        *request.args.keys(),
        *(v for values in request.args.listvalues() for v in values),
        *(str(v) for v in (request.view_args or {}).values()),
    ]
    if any("\x00" in text for text in texts):
        raise InputRefused(NUL_MESSAGE)
