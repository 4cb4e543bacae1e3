"""`selfscan import-responses` with files that are not what it expects, run as the installed
command: one line says what is wrong (and where), no traceback, exit status 1, nothing stored.

Spreadsheet programmes save CSV as Windows-1252 or UTF-16 unless asked for UTF-8; people pick
the wrong file; a cell can hold a pasted megabyte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select
from test_exchange import HEADER, responses_csv, row

from selfscan.infra.config import PROJECT_ROOT
from selfscan.models import Organisation, Response
from selfscan.services.exchange import xlsx_bytes

GOOD = [row("regio-a", "School A", "po", "4"), row("regio-a", "School B", "po", "3")]
# Row 3 holds the first character that UTF-8 cannot read: "Café Één" written in another encoding.
ACCENTED = [row("regio-a", "School A", "po", "4"), row("regio-a", "Café Één", "po", "3")]


def selfscan(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed `selfscan` command, on the test database."""
    command = Path(sys.executable).with_name("selfscan")
    env = {**os.environ, "SELFSCAN_DATABASE_URL": database_url}
    env.pop("SELFSCAN_SECRET_KEY", None)
    return subprocess.run(
        [str(command), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


def import_file(database_url: str, path: Path) -> subprocess.CompletedProcess[str]:
    return selfscan(database_url, "import-responses", "--round", "ronde-1", str(path))


def stored(db) -> tuple[int, int]:
    return (
        db.exec(select(func.count()).select_from(Response)).one(),
        db.exec(select(func.count()).select_from(Organisation)).one(),
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (responses_csv(ACCENTED).encode("cp1252"), "row 3: the file is not UTF-8"),
        (responses_csv(ACCENTED).encode("latin-1"), "row 3: the file is not UTF-8"),
        (responses_csv(GOOD).encode("utf-16"), "the file is UTF-16"),
        (responses_csv(GOOD).encode("utf-16-le"), "row 1: the file holds a NUL character"),
        (xlsx_bytes(GOOD), "the file is not UTF-8"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "row 1: the file is not UTF-8"),
        (responses_csv(GOOD).encode() + b"regio-a,School\x00C,po\n", "row 4: the file holds a NUL"),
        (
            responses_csv([*GOOD, row("regio-a", "x" * 1_000_000, "po", "4")]).encode(),
            "row 4: a cell is longer than",
        ),
        (
            responses_csv([*GOOD, row("regio-a", "School C", "po", "4", kc=["9" * 1000])]).encode(),
            "row 4, column 'kc-1'",
        ),
        (
            responses_csv([*GOOD, row("regio-a", "x" * 161, "po", "4")]).encode(),
            "row 4, column 'organisation': longer than 160 characters",
        ),
    ],
    ids=[
        "windows-1252",
        "latin-1",
        "utf-16 with BOM",
        "utf-16 without BOM",
        "xlsx",
        "png",
        "NUL",
        "1 MB cell",
        "1000-digit answer",
        "long organisation name",
    ],
)
def test_a_file_it_cannot_read_gets_one_clear_line_and_stores_nothing(
    database_url, world, db, tmp_path: Path, content: bytes, expected: str
):
    before = stored(db)
    path = tmp_path / "responses.csv"
    path.write_bytes(content)
    result = import_file(database_url, path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert expected in errors[0], result.stderr
    assert len(errors[0]) < 300, "the line quotes too much of the file"
    if "UTF" in expected or "NUL" in expected:
        assert "save the file as UTF-8" in errors[0]
    assert "nothing was imported" in result.stderr
    assert stored(db) == before


def test_the_same_rows_in_utf8_are_imported(database_url, world, db, tmp_path: Path):
    """The control: the accented file above, saved as UTF-8 (with or without a BOM), imports."""
    path = tmp_path / "responses.csv"
    path.write_bytes(responses_csv(ACCENTED).encode("utf-8-sig"))
    result = import_file(database_url, path)
    assert result.returncode == 0, result.stderr
    assert "Imported 2 responses" in result.stdout
    names = set(db.exec(select(Organisation.name)))
    assert "Café Één" in names
    assert HEADER[0] == "region"
