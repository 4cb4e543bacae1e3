"""Static files with content-hashed URLs and a year's caching.

Every `url_for('static', filename=...)` gets `?v=<hash of the file's content>`, so a changed file
gets a new URL; a request carrying the current hash is answered with
`Cache-Control: public, max-age=31536000, immutable` and browsers never ask again. A request
with an old or no hash gets the file with `no-cache` (revalidated by ETag), so nobody keeps a
stale file for a year.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

LONG_CACHE = "public, max-age=31536000, immutable"
HASH_LENGTH = 12


def init_app(app: Flask) -> None:
    app.url_defaults(_add_hash)
    app.after_request(_cache_headers)


def asset_hash(filename: str) -> str | None:
    """The hash of a static file's content, or None when there is no such file."""
    folder = current_app.static_folder
    if folder is None:
        return None
    path = safe_join(folder, filename)
    if path is None:
        return None
    if current_app.debug:  # files change while developing; elsewhere they do not
        return _hash_of.__wrapped__(path)
    return _hash_of(path)


@lru_cache(maxsize=256)
def _hash_of(path: str) -> str | None:
    try:
        content = Path(path).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(content).hexdigest()[:HASH_LENGTH]


def _add_hash(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    digest = asset_hash(values["filename"])
    if digest is not None:
        values["v"] = digest


def _cache_headers(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename", "")
    sent = request.args.get("v")
    if sent is not None and sent == asset_hash(filename):
        response.headers["Cache-Control"] = LONG_CACHE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response
