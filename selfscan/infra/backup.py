"""A consistent copy of a live SQLite database, made with SQLite's online backup API.

The copy is taken in one read transaction, so it is one moment of the database even while the
app goes on writing (WAL lets writers continue meanwhile). PostgreSQL is backed up with its own
tools, `pg_dump` and `pg_restore` (see the README's "Backups").
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import make_url


class BackupError(RuntimeError):
    """The backup could not be made; the message says why."""


def sqlite_path(url: str) -> Path:
    """The file of an SQLite URL; any other database is refused with the way to back it up."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            f"`selfscan backup` copies SQLite databases; for {parsed.get_backend_name()} use "
            "pg_dump (see the README, section Backups)"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(parsed.database)


def backup_sqlite(source: Path, output: Path, *, overwrite: bool = False) -> int:
    """Copy the database at `source` to `output`; the number of pages copied.

    The copy is written next to `output` first and renamed into place when it is complete and
    passes SQLite's integrity check, so `output` is never a half-written file.
    """
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if output.exists() and not overwrite:
        raise BackupError(f"{output} exists; choose another name or pass --overwrite")
    if output.resolve() == source.resolve():
        raise BackupError("the backup cannot overwrite the database itself")
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    os.close(handle)
    try:
        # Read-only: a backup must never change the database it copies.
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            # pages=-1 copies everything in one step, inside one read transaction: a write by
            # the app during the copy cannot make it restart or mix two moments.
            src.backup(dst, pages=-1)
            # One self-contained file: no -wal or -shm companions needed to open the copy.
            dst.execute("PRAGMA journal_mode=DELETE")
            (status,) = dst.execute("PRAGMA integrity_check").fetchone()
            if status != "ok":
                raise BackupError(f"the copy failed SQLite's integrity check: {status}")
            (pages,) = dst.execute("PRAGMA page_count").fetchone()
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return int(pages)
