"""The request's reader: numbers and sentences in the language of the person on the page (the
web layer of selfscan.core.texts, which holds the words themselves)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from babel import Locale
from flask import Response, current_app, g, has_request_context, render_template
from flask_babel import format_datetime, get_locale, gettext, ngettext
from markupsafe import Markup
from sqlmodel import select

from selfscan.core.charts import Series
from selfscan.core.scoring import Change, Difference
from selfscan.core.texts import NONE, Chart, Reader, table_for_people
from selfscan.core.texts import radar_chart as _radar_chart
from selfscan.infra.db import get_session
from selfscan.infra.pdf import html_to_pdf
from selfscan.models import Region, Round
from selfscan.services import exchange

__all__ = ["NONE", "Chart", "reader"]


def reader() -> Reader:
    """The reader of this request in its language (made once per request and language: a mail
    in another language may be written while a page is made)."""
    locale = get_locale() or Locale("nl")
    if not has_request_context():
        return Reader(locale, gettext, ngettext)
    readers: dict[Locale, Reader] = g.setdefault("readers", {})
    found = readers.get(locale)
    if found is None:
        found = readers[locale] = Reader(locale, gettext, ngettext)
    return found


def number(value: float | None) -> str:
    return reader().number(value)


def agreed_score(value: float | None) -> str:
    return reader().agreed(value)


def signed(value: float | None) -> str:
    return reader().signed(value)


def group_label(key: str) -> str:
    return reader().group(key)


def difference_sentence(difference: Difference) -> str:
    return reader().difference(difference)


def change_sentence(found: Change, since: str) -> str:
    return reader().change(found, since)


def radar_chart(chart_id: str, title: str, series: Sequence[Series]) -> Chart:
    return _radar_chart(chart_id, title, series, reader())


def moment(value: datetime, short: bool = True) -> str:
    """A moment in Dutch local time as people write it: "1 mrt 2026, 17:00" in a table (short),
    "1 maart 2026, 17:00" in a sentence; never seconds."""
    return format_datetime(value, "d MMM y, HH:mm" if short else "d MMMM y, HH:mm")


def for_people(
    header: Sequence[str], rows: Sequence[Sequence[object]]
) -> tuple[list[str], list[list[object]]]:
    """A download table with keys in the words of the request's reader (for Excel): round
    titles and region names instead of their keys (core.texts.table_for_people)."""
    db = get_session()
    rounds = dict(db.exec(select(Round.key, Round.title)).all())
    regions = dict(db.exec(select(Region.key, Region.name)).all())
    return table_for_people(header, rows, reader(), rounds=rounds, regions=regions)


DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table_download(
    header: Sequence[str], rows: Sequence[Sequence[object]], name: str, fmt: str, title: str
) -> Response:
    """A table as a CSV attachment with keys (for other systems, like DESIGN's scores export)
    or an Excel workbook in the reader's words (for people); text never runs as a formula."""
    if fmt == "csv":
        body = exchange.table_csv_bytes(header, rows)  # type: ignore[arg-type]
    else:
        words_header, words = for_people(header, rows)
        body = exchange.table_xlsx_bytes(words_header, words, title=title)  # type: ignore[arg-type]
    return Response(
        body,
        mimetype=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


PDF_STYLESHEETS = ("css/report.css", "css/charts.css")


def document_pdf(title: str, body: str) -> bytes:
    """A report's rendered body (escaped HTML) as an A4 PDF: in a complete document with the
    reports' stylesheets inline (templates/pdf_document.html); WeasyPrint fetches nothing."""
    static = Path(current_app.static_folder or "")
    styles = "\n".join((static / name).read_text(encoding="utf-8") for name in PDF_STYLESHEETS)
    document = render_template(
        "pdf_document.html",
        title=title,
        styles=styles,
        body=Markup(body),  # noqa: S704  # nosec B704 (rendered by a template, escaped)
    )
    return html_to_pdf(document)
