"""The request's reader: numbers and sentences in the language of the person on the page (the
web layer of selfscan.core.texts, which holds the words themselves)."""

from __future__ import annotations

from collections.abc import Sequence

from babel import Locale
from flask import g, has_request_context
from flask_babel import get_locale, gettext, ngettext

from selfscan.core.charts import Series
from selfscan.core.scoring import Change, Difference
from selfscan.core.texts import NONE, Chart, Reader
from selfscan.core.texts import radar_chart as _radar_chart

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
