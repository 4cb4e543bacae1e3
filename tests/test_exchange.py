"""The responses import and the scores export, round trip against hand-computed figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import func, select

from selfscan.models import Answer, Organisation, Response
from selfscan.services.exchange import (
    ImportRejected,
    import_responses,
    neutralise,
    write_csv,
    xlsx_bytes,
)

PREFIXES = ("kc", "ga", "in", "pr", "sb")
ITEM_KEYS = [f"{p}-{i}" for p in PREFIXES for i in range(1, 7)]
HEADER = ["region", "organisation", "sector", *ITEM_KEYS]


def row(region: str, organisation: str, sector: str, value: str, kc: list[str] | None = None):
    """A response answering every item with `value`, except the kind-centraal items if given."""
    cells = {key: value for key in ITEM_KEYS}
    for i, cell in enumerate(kc or []):
        cells[f"kc-{i + 1}"] = cell
    return [region, organisation, sector, *(cells[key] for key in ITEM_KEYS)]


# Region a: po 3, gemeente 3, vo 1. vo alone in `other` (1 < 3) is hidden, and so is the
# smallest remaining sector; po and gemeente tie at 3 and po comes first: po is hidden.
# Region b: 2 responses, below k: the whole region is hidden.
ROWS = [
    row("regio-a", "School A", "po", "4"),
    row("regio-a", "School A", "po", "5"),
    row("regio-a", "School 2", "po", "3"),
    row("regio-a", "Gemeente X", "gemeente", "2"),
    row("regio-a", "Gemeente X", "gemeente", "4"),
    # kc: 3 valid answers of 6 is enough (half): kc score 5.
    row("regio-a", "Gemeente X", "gemeente", "3", kc=["5", "5", "5", "nvt", "NVT", ""]),
    # kc: 1 valid answer of 6 is not: no kc score, but the response counts for k.
    row("regio-a", "VO school", "vo", "1", kc=["1", "nvt", "nvt", "nvt", "nvt", ""]),
    row("regio-b", "School B", "po", "5"),
    row("regio-b", "School B", "po", "5"),
]

# Worked by hand. Region a, all, kind-centraal: scores 4 5 3 2 4 5: mean 23/6 = 3.83;
# sum of squares 95, (95 - 23^2/6) / 5 = 1.3667, sd 1.17. Other principles: 4 5 3 2 4 3 1:
# mean 22/7 = 3.14, (80 - 22^2/7) / 6 = 1.8095, sd 1.35. Gemeente kc: 2 4 5: 3.67,
# (45 - 121/3) / 2 = 2.3333, sd 1.53; other principles 2 4 3: 3.00, sd 1.00.
OTHERS = ("geintegreerd-aanbod", "inclusief-nabij", "partnerschap-regie", "samen-beter")
REGION_A = [
    ["all", "kind-centraal", "6", "3.83", "1.17", "2.00", "5.00"],
    *[["all", p, "7", "3.14", "1.35", "1.00", "5.00"] for p in OTHERS],
    ["gemeente", "kind-centraal", "3", "3.67", "1.53", "2.00", "5.00"],
    *[["gemeente", p, "3", "3.00", "1.00", "2.00", "4.00"] for p in OTHERS],
]
EXPECTED = [
    ["round", "region", "sector", "principle", "n", "mean", "sd", "min", "max"],
    *[["ronde-1", "regio-a", *r] for r in REGION_A],
    # No all-regions rows: they pool the shown groups only, of at least three regions (rule 6),
    # and region b is hidden.
]


def responses_csv(rows: list[list[str]], header: list[str] = HEADER) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


def import_rows(db, round_, rows, header=HEADER, k=3, **options):
    report = import_responses(db, round_, io.StringIO(responses_csv(rows, header)), k=k, **options)
    db.commit()
    return report


def count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def test_import_then_export_gives_the_hand_computed_figures(runner, make, world, tmp_path: Path):
    source = tmp_path / "responses.csv"
    source.write_text(responses_csv(ROWS), encoding="utf-8")
    result = runner.invoke(args=["import-responses", "--round", "ronde-1", str(source)])
    assert result.exit_code == 0, result.output
    assert "Imported 9 responses" in result.output
    for name in ("School 2", "Gemeente X", "VO school"):
        assert f"new organisation in regio-a: {name}" in result.output
    assert "School A" not in result.output  # it existed already

    # Rule 8: nothing while the round is open.
    result = runner.invoke(args=["export-scores", "--round", "ronde-1"])
    assert result.exit_code == 1
    assert "round ronde-1 is still open: its figures are released when it closes" in result.output
    assert "regio-a" not in result.output

    make.close(world["round"])
    result = runner.invoke(args=["export-scores", "--round", "ronde-1"])
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == EXPECTED

    target = tmp_path / "scores.csv"
    result = runner.invoke(args=["export-scores", "--round", "ronde-1", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert list(csv.reader(target.open(encoding="utf-8"))) == EXPECTED


def test_imported_responses_are_submitted_with_their_answers(db, world):
    report = import_rows(db, world["round"], ROWS)
    assert report.responses == 9
    assert sorted(o[1] for o in report.new_organisations) == ["Gemeente X", "School 2", "VO school"]
    statuses = db.exec(
        select(Response.status, Response.source, func.count()).group_by(
            Response.status, Response.source
        )
    ).all()
    assert statuses == [("submitted", "import", 9)]
    # 9 responses x 30 items, minus the 2 + 1 empty cells.
    assert count(db, Answer) == 9 * 30 - 2
    dont_know = db.exec(select(func.count()).where(Answer.dont_know)).one()
    assert dont_know == 2 + 4
    vo = db.exec(select(Organisation).where(Organisation.name == "VO school")).one()
    assert vo.sector == "vo"


@pytest.mark.parametrize(
    ("bad_row", "header", "message"),
    [
        (row("regio-x", "School A", "po", "4"), HEADER, "row 3, column 'region'"),
        (row("regio-a", "School A", "bakkerij", "4"), HEADER, "row 3, column 'sector'"),
        (row("regio-a", "School A", "po", "4", kc=["6"]), HEADER, "row 3, column 'kc-1'"),
        (row("regio-a", "School A", "po", "4", kc=["0"]), HEADER, "row 3, column 'kc-1'"),
        (row("regio-a", "School A", "po", "4", kc=["3.5"]), HEADER, "row 3, column 'kc-1'"),
        (row("regio-a", "School A", "vo", "4"), HEADER, "row 3, column 'sector'"),
        (row("regio-a", "", "po", "4"), HEADER, "row 3, column 'organisation'"),
        (row("regio-a", "School A", "po", "4"), [*HEADER[:-1], "zz-9"], "column 33 'zz-9'"),
        (row("regio-a", "School A", "po", "4")[:-1], HEADER, "row 3: 32 cells"),
    ],
)
def test_any_bad_row_rejects_the_whole_file(db, world, bad_row, header, message):
    organisations = count(db, Organisation)
    good = row("regio-a", "Nieuwe School", "po", "4")
    with pytest.raises(ImportRejected) as rejected:
        import_rows(db, world["round"], [good, bad_row], header)
    db.rollback()
    assert any(message in error for error in rejected.value.errors), rejected.value.errors
    assert count(db, Response) == 0
    assert count(db, Organisation) == organisations


def test_rejected_file_through_the_cli_stores_nothing(runner, db, world, tmp_path: Path):
    source = tmp_path / "responses.csv"
    source.write_text(responses_csv([*ROWS, row("regio-a", "X", "po", "9")]), encoding="utf-8")
    result = runner.invoke(args=["import-responses", "--round", "ronde-1", str(source)])
    assert result.exit_code == 1
    assert "row 11, column 'kc-1'" in result.output
    assert "nothing was imported" in result.output
    assert count(db, Response) == 0


def test_unknown_round_is_an_error(runner, world, tmp_path: Path):
    result = runner.invoke(args=["export-scores", "--round", "ronde-9"])
    assert result.exit_code == 1
    assert "unknown round 'ronde-9'" in result.output


# --- formula injection --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "=HYPERLINK()"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [-1.25, "-1.25", "+3", 3, "plain", "", None, "2.5e3"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert neutralise(value) == value


def test_exports_never_carry_a_formula():
    rows = [["=cmd|' /C calc'!A0", "@x", "po", "kind-centraal", 3, -0.5, None, 1.0, 5.0]]
    out = io.StringIO()
    write_csv(rows, out)
    first = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert first[:2] == ["'=cmd|' /C calc'!A0", "'@x"]
    assert first[4:] == ["3", "-0.50", "", "1.00", "5.00"]

    sheet = load_workbook(io.BytesIO(xlsx_bytes(rows))).active
    cells = [cell for cell in sheet[2]]
    assert [c.value for c in cells[:2]] == ["'=cmd|' /C calc'!A0", "'@x"]
    assert all(c.data_type != "f" for c in cells)
    assert cells[4].value == 3 and cells[5].value == -0.5 and cells[5].data_type == "n"
