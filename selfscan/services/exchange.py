"""Files that travel between systems (DESIGN.md): the scores export and the responses import.

Exports neutralise every text cell that a spreadsheet would run as a formula; numbers stay
numbers. The import is all-or-nothing: every problem is reported with its row and column, and
nothing is stored unless the whole file is right. The import's messages are in the language of
the one reading them (the page's; the CLI asks for English).
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

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import insert
from sqlmodel import Session, col, select

from selfscan.core.scoring import (
    ALL,
    Group,
    Refusal,
    Stats,
    import_refusals,
    principle_scores,
    subtraction_leaks,
)
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
from selfscan.services import region_sums
from selfscan.services.scores import sector_groups, statement_figures

SCORE_COLUMNS = ("round", "region", "sector", "principle", "n", "mean", "sd", "min", "max")
IMPORT_COLUMNS = ("region", "organisation", "sector")
DONT_KNOW = "nvt"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MAX_ERRORS = 50
ORGANISATION_MAX_LENGTH = 160  # the column's length

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


def _at(row: int, column: str | None = None, position: int | None = None) -> str:
    """Where a problem is: "row 3", "row 3, column 'kc-1'", "row 1, column 33 'zz-9'"."""
    if column is None:
        return _("row %(row)d", row=row)
    if position is None:
        return _("row %(row)d, column %(column)s", row=row, column=_shown(column))
    return _(
        "row %(row)d, column %(position)d %(column)s",
        row=row,
        position=position,
        column=_shown(column),
    )


def _save_as_utf8() -> str:
    return _("save the file as UTF-8 (in Excel: Save as, CSV UTF-8)")


def read_import_file(data: bytes) -> str:
    """The text of a responses file, which must be UTF-8 (a BOM is allowed); raises
    ImportRejected naming the row where it stops being readable text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problem = _("the file is UTF-16")
        raise ImportRejected([f"{_at(1)}: {problem}; {_save_as_utf8()}"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = _row_of(data[: error.start].decode("utf-8-sig"))
        problem = _("the file is not UTF-8 (byte %(byte)d)", byte=error.start + 1)
        raise ImportRejected([f"{_at(row)}: {problem}; {_save_as_utf8()}"]) from None
    if "\x00" in text:
        row = _row_of(text[: text.index("\x00")])
        raise ImportRejected([_nul_message(row)])
    return text


def _row_of(text_before: str) -> int:
    """The row (of the CSV) that the text after `text_before` is in."""
    try:
        return sum(1 for _row in csv.reader(io.StringIO(text_before + "x")))
    except csv.Error:  # an overlong cell before: count lines instead
        return text_before.count("\n") + 1


def _nul_message(row: int) -> str:
    problem = _("the file holds a NUL character, so it is not CSV text")
    return f"{_at(row)}: {problem}; {_save_as_utf8()}"


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
                message = (
                    _at(row)
                    + ": "
                    + _("a cell is longer than %(n)d characters", n=csv.field_size_limit())
                )
            elif "NUL" in str(error):
                message = _nul_message(row)
            else:
                message = _at(row) + ": " + _("not readable as CSV (%(error)s)", error=error)
            raise ImportRejected([message]) from None
        yield cells


def _shown(value: str) -> str:
    """A cell quoted in a message, shortened so that the message stays one readable line."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def import_responses(
    session: Session, round_: Round, source: IO[str], *, k: int, keep_sums: bool = True
) -> ImportReport:
    """Read a responses CSV into submitted responses of the round (flushes, never commits).

    Raises ImportRejected, with every problem by row and column, before anything is written;
    also when the round's figures are released and the import would change one of them with
    fewer than `k` new scores (DESIGN rule 8). Into a released round, the sums the database
    keeps of the regions it changed are made again (`keep_sums`, selfscan.services.region_sums).
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
        raise ImportRejected([_("the file has no rows with responses")])
    if round_.figures_released():
        errors = _release_errors(session, round_, version, rows, k)
        if errors:
            raise ImportRejected(errors)
    report = _store(session, round_, rows, organisations)
    if keep_sums:
        region_sums.store_round(session, round_, k=k)
    return report


def _release_errors(
    session: Session, round_: Round, version: QuestionnaireVersion, rows: list[_Row], k: int
) -> list[str]:
    """Why the import may not change the round's released figures, if it may not (rule 8):
    every shown figure it would change, of a principle or of a statement, needs at least k new
    scores; and a shown region, whose statements' "don't know" shares change with every
    response, at least k new responses."""
    items = {
        i.id: (i.key, i.principle)
        for i in session.exec(select(Item).where(Item.questionnaire_version_id == version.id))
    }
    principles = {key: principle for key, principle in items.values()}
    scores: dict[tuple[int, str], list[dict[str, float]]] = defaultdict(list)
    answers: dict[tuple[int, str], list[dict[str, float]]] = defaultdict(list)
    for row in rows:
        valid = {items[i][0]: v for i, v in row.answers.items() if v is not None}
        own = principle_scores(valid, principles, (version.scale_min, version.scale_max))
        scores[(row.region.id, row.sector)].append(own)  # type: ignore[index]
        answers[(row.region.id, row.sector)].append(valid)  # type: ignore[index]
    added = _groups(scores)
    added_answers = _groups(answers)
    statements = {
        region_id: statement_figures(session, round_, region_id).sectors for region_id in added
    }
    groups = sector_groups(session, round_)
    principle_refusals = import_refusals(groups, added, k)
    statement_refusals = import_refusals(statements, added_answers, k, across_regions=False)
    leaks = subtraction_leaks(groups, added, k) + subtraction_leaks(statements, added_answers, k)
    region_refusals = [
        (region_id, new)
        for region_id, sectors in added_answers.items()
        if (new := sum(g.responses for g in sectors.values())) < k
        and _total_shown(statements[region_id], sectors, k)
    ]
    if not (principle_refusals or statement_refusals or region_refusals or leaks):
        return []
    ids = {r.region for r in principle_refusals if r.region is not None} | set(statements)
    keys = dict(session.exec(select(Region.id, Region.key).where(col(Region.id).in_(ids))).all())

    def region_of(refusal: Refusal) -> str:
        return repr(ALL if refusal.region is None else keys[refusal.region])

    lines = [
        _(
            'region %(region)s: its figures (among them the share of "don\'t know" per '
            "statement) would change with %(n)d new response(s)",
            region=repr(keys[region_id]),
            n=new,
        )
        for region_id, new in region_refusals
    ]
    lines += [
        _(
            "region %(region)s, group %(group)s, %(figure)s: would change with %(n)d new score(s)",
            region=region_of(r),
            group=repr(r.key),
            figure=_figure_name(r.principle, principles),
            n=r.added,
        )
        for r in principle_refusals + statement_refusals
    ]
    lines += [
        _(
            "region %(region)s, %(figure)s: the figures before and after together would give "
            "the figures of %(n)d score(s) (%(cells)s)",
            region=repr(keys[leak.region]),
            figure=_figure_name(leak.principle, principles),
            n=leak.size,
            cells=", ".join(_cell_name(sector, fresh) for sector, fresh in leak.cells),
        )
        for leak in leaks
    ]
    reason = _(
        "the figures of round %(round)s were released when it closed; an import may change them "
        "only by adding at least %(k)d responses with a score to every group whose figures it "
        "changes, so that nobody can work out the answers of fewer than %(k)d people by "
        "comparing the figures before and after",
        round=round_.key,
        k=k,
    )
    return [reason, *lines[:MAX_ERRORS]]


def _figure_name(key: str, principles: Mapping[str, str]) -> str:
    """A principle or statement key as a refusal names it."""
    if key in principles:
        return _("statement %(statement)s", statement=repr(key))
    return _("principle %(principle)s", principle=repr(key))


def _cell_name(sector: str, fresh: bool) -> str:
    if fresh:
        return _("sector %(sector)s in the file", sector=repr(sector))
    return _("sector %(sector)s already stored", sector=repr(sector))


def _groups(found: Mapping[tuple[int, str], list[dict[str, float]]]) -> dict[int, dict[str, Group]]:
    """Region id -> sector -> Group of the import's rows, from each row's scores (per principle
    or per statement)."""
    groups: dict[int, dict[str, Group]] = defaultdict(dict)
    for (region_id, sector), values in found.items():
        groups[region_id][sector] = Group(
            len(values),
            {
                key: Stats.of(v[key] for v in values if key in v)
                for key in {k for v in values for k in v}
            },
        )
    return groups


def _total_shown(before: Mapping[str, Group], added: Mapping[str, Group], k: int) -> bool:
    """Whether the region's total is shown after the import (rule 5: it reaches k)."""
    groups = [*before.values(), *added.values()]
    return sum(g.responses for g in groups) >= k


def _check_header(header: list[str] | None, items: Mapping[str, int]) -> list[str]:
    if not header:
        problem = _("the file is empty; it needs a header row")
        return [f"{_at(1)}: {problem}"]
    names = [h.strip().lstrip("\ufeff") for h in header]
    if tuple(names[:3]) != IMPORT_COLUMNS:
        return [
            _at(1)
            + ": "
            + _("the first columns must be %(names)s", names=", ".join(IMPORT_COLUMNS))
        ]
    errors = []
    seen: set[str] = set()
    for position, name in enumerate(names[3:], start=4):
        if name not in items:
            problem = _("not a statement of this round's questionnaire")
            errors.append(f"{_at(1, name, position)}: {problem}")
        elif name in seen:
            problem = _("this statement appears twice")
            errors.append(f"{_at(1, name, position)}: {problem}")
        seen.add(name)
    missing = [key for key in items if key not in seen]
    if missing:
        problem = _("columns missing for statements %(keys)s", keys=", ".join(sorted(missing)))
        errors.append(f"{_at(1)}: {problem}")
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
        problem = _(
            "%(cells)d cells where the header has %(header)d", cells=len(cells), header=len(header)
        )
        errors.append(f"{_at(number)}: {problem}")
        return None
    region_key, organisation, sector = (c.strip() for c in cells[:3])
    region = regions.get(region_key)
    if region is None:
        problem = _("%(value)s is not a region of this round", value=_shown(region_key))
        errors.append(f"{_at(number, 'region')}: {problem}")
    if not organisation:
        problem = _("empty")
        errors.append(f"{_at(number, 'organisation')}: {problem}")
    elif len(organisation) > ORGANISATION_MAX_LENGTH:
        problem = _("longer than %(n)d characters", n=ORGANISATION_MAX_LENGTH)
        errors.append(f"{_at(number, 'organisation')}: {problem}")
    if sector not in SECTOR_KEYS:
        problem = _("unknown sector %(value)s", value=_shown(sector))
        errors.append(f"{_at(number, 'sector')}: {problem}")
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
            problem = _(
                "%(value)s is not a whole number from %(low)d to %(high)d, %(dont_know)s or empty",
                value=_shown(cell),
                low=version.scale_min,
                high=version.scale_max,
                dont_know=repr(DONT_KNOW),
            )
            errors.append(f"{_at(number, column.strip())}: {problem}")
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
            problem = _(
                "%(organisation)s in region %(region)s has sector %(known)s, not %(given)s",
                organisation=_shown(row.organisation),
                region=repr(row.region.key),
                known=repr(sector),
                given=repr(row.sector),
            )
            errors.append(f"{_at(row.number, 'sector')}: {problem}")
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
        return import_responses(session, round_, io.StringIO(text), k=k, keep_sums=False)
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
