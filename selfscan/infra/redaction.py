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


_installed = False


def install() -> None:
    """Redact every log record of this process as it is made, whichever logger or handler
    ends up writing it (filters on one logger miss records of its children)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return record

    logging.setLogRecordFactory(redacting_record)
    _installed = True
