"""Files that travel between systems (DESIGN.md): the scores export and the responses import.

Exports neutralise every text cell that a spreadsheet would run as a formula; numbers stay
numbers. The import is all-or-nothing: every problem is reported with its row and column, and
nothing is stored unless the whole file is right.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from openpyxl import Workbook
from sqlalchemy import insert
from sqlmodel import Session, col, select

from selfscan.core.scoring import ALL, Group, Stats, import_refusals, principle_scores
from selfscan.core.vocabulary import PRINCIPLE_KEYS, SECTOR_KEYS, default_perspective
from selfscan.models import (
    Answer,
    Item,
    Organisation,
    QuestionnaireVersion,
    Region,
    Response,
    Round,
    RoundRegion,
)
from selfscan.models.types import utcnow
from selfscan.services.scores import sector_groups

SCORE_COLUMNS = ("round", "region", "sector", "principle", "n", "mean", "sd", "min", "max")
IMPORT_COLUMNS = ("region", "organisation", "sector")
DONT_KNOW = "nvt"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MAX_ERRORS = 50
ORGANISATION_MAX_LENGTH = 160  # the column's length
SAVE_AS_UTF8 = "save the file as UTF-8 (in Excel: Save as, CSV UTF-8)"

Cell = str | int | float | None


# --- export -------------------------------------------------------------------------------------


def neutralise(value: Cell) -> Cell:
    """A cell a spreadsheet will show as text, never run: formula-like text gets a leading
    apostrophe; numbers (also "-1.25" as text) are left alone."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if NUMBER_RE.match(value):
        return value
    return "'" + value


def score_rows(
    round_key: str,
    regions: Mapping[str, Mapping[str, Group]],
    pooled: Mapping[str, Group] | None,
    principles: Sequence[str] = PRINCIPLE_KEYS,
) -> list[list[Cell]]:
    """One row per shown group and principle: region groups (region key -> shown groups) and,
    when given, the all-regions pool; means, sd, min, max rounded to two decimals. A group
    hidden on a principle (rule 5b) has no row for it."""
    rows: list[list[Cell]] = []
    sources: list[tuple[str, Mapping[str, Group]]] = sorted(regions.items())
    if pooled is not None:
        sources.append((ALL, pooled))
    for region_key, groups in sources:
        for group_key, group in groups.items():
            for principle in principles:
                if principle not in group.stats:
                    continue
                f = group.figures(principle)
                rows.append(
                    [
                        round_key,
                        region_key,
                        group_key,
                        principle,
                        f.n,
                        _round(f.mean),
                        _round(f.sd),
                        _round(f.min),
                        _round(f.max),
                    ]
                )
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 2)


def write_csv(rows: Iterable[Sequence[Cell]], out: IO[str], header: Sequence[str] = SCORE_COLUMNS):
    """The rows as CSV: a dot and two decimals for fractions, empty for none."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(neutralise(cell)) for cell in row])


def _csv_cell(value: Cell) -> str | int:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def csv_bytes(rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    write_csv(rows, out)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[Sequence[Cell]], title: str = "scores") -> bytes:
    """The same table as an Excel workbook; numbers as numbers, text never as a formula."""
    return table_xlsx_bytes(SCORE_COLUMNS, rows, title)


# --- import -------------------------------------------------------------------------------------


class ImportRejected(ValueError):
    """The file was not imported; `errors` name the row and column of every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    responses: int = 0
    new_organisations: list[tuple[str, str, str]] = field(default_factory=list)
    # (region key, sector) -> responses: what the import stores, for its preview.
    groups: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass
class _Row:
    number: int
    region: Region
    organisation: str
    sector: str
    answers: dict[int, int | None]  # item id -> value, None for "don't know"


def read_import_file(data: bytes) -> str:
    """The text of a responses file, which must be UTF-8 (a BOM is allowed); raises
    ImportRejected naming the row where it stops being readable text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportRejected([f"row 1: the file is UTF-16; {SAVE_AS_UTF8}"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = _row_of(data[: error.start].decode("utf-8-sig"))
        raise ImportRejected(
            [f"row {row}: the file is not UTF-8 (byte {error.start + 1}); {SAVE_AS_UTF8}"]
        ) from None
    if "\x00" in text:
        row = _row_of(text[: text.index("\x00")])
        raise ImportRejected([_nul_message(row)])
    return text


def _row_of(text_before: str) -> int:
    """The row (of the CSV) that the text after `text_before` is in."""
    try:
        return sum(1 for _ in csv.reader(io.StringIO(text_before + "x")))
    except csv.Error:  # an overlong cell before: count lines instead
        return text_before.count("\n") + 1


def _nul_message(row: int) -> str:
    return f"row {row}: the file holds a NUL character, so it is not CSV text; {SAVE_AS_UTF8}"


def _csv_rows(source: IO[str]) -> Iterator[list[str]]:
    """The CSV's rows; a row the csv module cannot read rejects the file, naming the row."""
    reader = csv.reader(source)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row = reader.line_num
            if "field limit" in str(error):
                message = f"row {row}: a cell is longer than {csv.field_size_limit()} characters"
            elif "NUL" in str(error):
                message = _nul_message(row)
            else:
                message = f"row {row}: not readable as CSV ({error})"
            raise ImportRejected([message]) from None
        yield cells


def _shown(value: str) -> str:
    """A cell quoted in a message, shortened so that the message stays one readable line."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def import_responses(session: Session, round_: Round, source: IO[str], *, k: int) -> ImportReport:
    """Read a responses CSV into submitted responses of the round (flushes, never commits).

    Raises ImportRejected, with every problem by row and column, before anything is written;
    also when the round's figures are released and the import would change one of them with
    fewer than `k` new scores (DESIGN rule 8).
    """
    version = session.get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert version is not None
    items = {
        i.key: i.id
        for i in session.exec(select(Item).where(Item.questionnaire_version_id == version.id))
    }
    regions = {
        r.key: r
        for r in session.exec(
            select(Region)
            .join(RoundRegion, RoundRegion.region_id == Region.id)
            .where(RoundRegion.round_id == round_.id)
        )
    }
    reader = _csv_rows(source)
    header = next(reader, None)
    errors = _check_header(header, items)
    if errors:
        raise ImportRejected(errors)
    assert header is not None
    item_columns = [(column, items[column.strip()]) for column in header[3:]]
    rows: list[_Row] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = _parse_row(number, cells, header, item_columns, regions, version, errors)
        if row is not None:
            rows.append(row)
        if len(errors) >= MAX_ERRORS:
            break
    organisations = _organisations(session, rows, errors)
    if errors:
        raise ImportRejected(errors[:MAX_ERRORS])
    if not rows:
        raise ImportRejected(["the file has no rows with responses"])
    if round_.figures_released():
        errors = _release_errors(session, round_, version, rows, k)
        if errors:
            raise ImportRejected(errors)
    return _store(session, round_, rows, organisations)


def _release_errors(
    session: Session, round_: Round, version: QuestionnaireVersion, rows: list[_Row], k: int
) -> list[str]:
    """Why the import may not change the round's released figures, if it may not (rule 8)."""
    items = {
        i.id: (i.key, i.principle)
        for i in session.exec(select(Item).where(Item.questionnaire_version_id == version.id))
    }
    principles = {key: principle for key, principle in items.values()}
    scores: dict[tuple[int, str], list[dict[str, float]]] = defaultdict(list)
    for row in rows:
        answers = {items[i][0]: value for i, value in row.answers.items()}
        own = principle_scores(answers, principles, (version.scale_min, version.scale_max))
        scores[(row.region.id, row.sector)].append(own)  # type: ignore[index]
    added: dict[int, dict[str, Group]] = defaultdict(dict)
    for (region_id, sector), found in scores.items():
        added[region_id][sector] = Group(
            len(found),
            {p: Stats.of(s[p] for s in found if p in s) for p in {p for s in found for p in s}},
        )
    refusals = import_refusals(sector_groups(session, round_), added, k)
    if not refusals:
        return []
    ids = {r.region for r in refusals if r.region is not None}
    keys = dict(session.exec(select(Region.id, Region.key).where(col(Region.id).in_(ids))).all())
    return [
        f"the figures of round {round_.key} were released when it closed; an import may change "
        f"them only by adding at least {k} responses with a score to every group whose "
        f"figures it changes, so that nobody can work out the answers of fewer than {k} "
        f"people by comparing the figures before and after"
    ] + [
        f"region {ALL if r.region is None else keys[r.region]!r}, group {r.key!r}, "
        f"principle {r.principle!r}: would change with {r.added} new score(s)"
        for r in refusals[:MAX_ERRORS]
    ]


def _check_header(header: list[str] | None, items: Mapping[str, int]) -> list[str]:
    if not header:
        return ["row 1: the file is empty; it needs a header row"]
    names = [h.strip().lstrip("\ufeff") for h in header]
    if tuple(names[:3]) != IMPORT_COLUMNS:
        return [f"row 1: the first columns must be {', '.join(IMPORT_COLUMNS)}"]
    errors = []
    seen: set[str] = set()
    for position, name in enumerate(names[3:], start=4):
        if name not in items:
            errors.append(
                f"row 1, column {position} {_shown(name)}: not an item of this round's questionnaire"
            )
        elif name in seen:
            errors.append(f"row 1, column {position} {_shown(name)}: this item appears twice")
        seen.add(name)
    missing = [key for key in items if key not in seen]
    if missing:
        errors.append(f"row 1: columns missing for items {', '.join(sorted(missing))}")
    return errors


def _parse_row(
    number: int,
    cells: list[str],
    header: list[str],
    item_columns: list[tuple[str, int]],
    regions: Mapping[str, Region],
    version: QuestionnaireVersion,
    errors: list[str],
) -> _Row | None:
    before = len(errors)
    if len(cells) != len(header):
        errors.append(f"row {number}: {len(cells)} cells where the header has {len(header)}")
        return None
    region_key, organisation, sector = (c.strip() for c in cells[:3])
    region = regions.get(region_key)
    if region is None:
        errors.append(
            f"row {number}, column 'region': {_shown(region_key)} is not a region of this round"
        )
    if not organisation:
        errors.append(f"row {number}, column 'organisation': empty")
    elif len(organisation) > ORGANISATION_MAX_LENGTH:
        errors.append(
            f"row {number}, column 'organisation': longer than {ORGANISATION_MAX_LENGTH} characters"
        )
    if sector not in SECTOR_KEYS:
        errors.append(f"row {number}, column 'sector': unknown sector {_shown(sector)}")
    answers: dict[int, int | None] = {}
    for (column, item_id), raw in zip(item_columns, cells[3:], strict=True):
        cell = raw.strip()
        if not cell:
            continue
        if cell.lower() == DONT_KNOW:
            answers[item_id] = None
        elif cell.isdigit() and version.scale_min <= int(cell) <= version.scale_max:
            answers[item_id] = int(cell)
        else:
            errors.append(
                f"row {number}, column {_shown(column.strip())}: {_shown(cell)} is not a whole number from "
                f"{version.scale_min} to {version.scale_max}, {DONT_KNOW!r} or empty"
            )
    if len(errors) > before or region is None:
        return None
    return _Row(number, region, organisation, sector, answers)


def _organisations(
    session: Session, rows: list[_Row], errors: list[str]
) -> dict[tuple[int, str], Organisation | str]:
    """Existing organisations by (region, name), or the sector of one to create."""
    found: dict[tuple[int, str], Organisation | str] = {}
    region_ids = {row.region.id for row in rows}
    for organisation in session.exec(
        select(Organisation).where(Organisation.region_id.in_(region_ids))  # type: ignore[attr-defined]
    ):
        found[(organisation.region_id, organisation.name)] = organisation
    for row in rows:
        key = (row.region.id, row.organisation)  # type: ignore[assignment]
        known = found.setdefault(key, row.sector)  # type: ignore[arg-type]
        sector = known.sector if isinstance(known, Organisation) else known
        if sector != row.sector:
            errors.append(
                f"row {row.number}, column 'sector': {row.organisation!r} in region "
                f"{row.region.key!r} has sector {sector!r}, not {row.sector!r}"
            )
    return found


def _store(
    session: Session,
    round_: Round,
    rows: list[_Row],
    organisations: dict[tuple[int, str], Organisation | str],
) -> ImportReport:
    report = ImportReport()
    for (region_id, name), known in organisations.items():
        if isinstance(known, str):
            organisation = Organisation(region_id=region_id, name=name, sector=known)
            session.add(organisation)
            organisations[(region_id, name)] = organisation
            region_key = next(r.region.key for r in rows if r.region.id == region_id)
            report.new_organisations.append((region_key, name, known))
    session.flush()
    now = utcnow()
    responses = []
    for row in rows:
        organisation = organisations[(row.region.id, row.organisation)]  # type: ignore[index]
        assert isinstance(organisation, Organisation)
        response = Response(
            round_id=round_.id,  # type: ignore[arg-type]
            region_id=row.region.id,  # type: ignore[arg-type]
            organisation_id=organisation.id,  # type: ignore[arg-type]
            sector=row.sector,
            # A paper round has no invitations: parents' rows count as parents' answers.
            perspective=default_perspective(row.sector),
            status="submitted",
            source="import",
            submitted_at=now,
        )
        session.add(response)
        responses.append((response, row))
    session.flush()
    answers = [
        {
            "response_id": response.id,
            "item_id": item_id,
            "value": value,
            "dont_know": value is None,
            "discuss": False,
        }
        for response, row in responses
        for item_id, value in row.answers.items()
    ]
    if answers:
        session.execute(insert(Answer), answers)
    session.flush()
    report.responses = len(responses)
    for row in rows:
        group = (row.region.key, row.sector)
        report.groups[group] = report.groups.get(group, 0) + 1
    return report


def preview_import(session: Session, round_: Round, text: str, *, k: int) -> ImportReport:
    """What `import_responses` would store, with the same checks, stored in a savepoint that
    is rolled back: nothing remains. Raises ImportRejected as the import does."""
    savepoint = session.begin_nested()
    try:
        return import_responses(session, round_, io.StringIO(text), k=k)
    finally:
        savepoint.rollback()


# --- any table, with its own header (the programme overview's downloads) -------------------------


def table_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A table with its own header as CSV, with the scores export's number format and
    formula protection."""
    out = io.StringIO()
    write_csv(rows, out, header=[str(neutralise(h)) for h in header])
    return out.getvalue().encode("utf-8")


def table_xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]], title: str) -> bytes:
    """A table with its own header as an Excel workbook; text never runs as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in [list(header), *rows]:
        sheet.append([neutralise(cell) for cell in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl reads text starting with "=" as a formula
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
