"""Logging that never writes a personal link's token."""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

TOKEN_PATH = re.compile(r"/i/[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    return TOKEN_PATH.sub("/i/[redacted]", text)


class RedactingLogger(Logger):
    """Gunicorn's logger, with invitation tokens removed from access-log lines."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms


class RedactingFilter(logging.Filter):
    """For the development server's and the app's own log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)  # type: ignore[union-attr]
        return True
