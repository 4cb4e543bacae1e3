"""Shared by the results pages: series of group means -> a radar spec plus the table with the
same numbers, numbers and sentences in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from selfscan.charts import Series, radar, wrap
from selfscan.domain import PRINCIPLE_KEYS, principle_label, sector_label
from selfscan.i18n import current_language
from selfscan.scoring import ALL, OTHER, Change, Difference

NONE = "–"


@lru_cache(maxsize=16)
def _symbols(locale: Locale) -> dict[str, str]:
    symbols = locale.number_symbols["latn"]
    return {".": symbols["decimal"], "-": symbols["minusSign"], "+": symbols["plusSign"]}


def _fixed(value: float, form: str) -> str:
    """`value` in a fixed format ("" or "+", two decimals) with the reader's symbols.

    The same text as Babel's format_decimal with "0.00" (and "+0.00;-0.00"), for the numbers
    without grouping that every score table shows by the hundred: Babel parses its pattern
    and the locale on every call, which took a quarter of the programme overview's time.
    """
    symbols = _symbols(get_locale())
    text = format(round(value, 2) + 0.0, form + ".2f")  # + 0.0: no "-0,00"
    return "".join(symbols.get(char, char) for char in text)


def number(value: float | None) -> str:
    """Two decimals in the reader's notation (3,25 in Dutch), a dash for nothing shown."""
    return NONE if value is None else _fixed(value, "")


def signed(value: float | None) -> str:
    """A change with its sign (+0,25 or -0,10), a dash where none may be shown."""
    return NONE if value is None else _fixed(value, "+")


def short(value: float) -> str:
    """A difference as people say it: at most two decimals (1,4)."""
    return format_decimal(round(abs(value), 2), format="0.0#")


def group_label(key: str) -> str:
    if key == ALL:
        return _("all sectors")
    if key == OTHER:
        return _("other sectors together")
    return sector_label(key)


@dataclass(frozen=True)
class Chart:
    """A radar's specification and the table that carries the same numbers."""

    id: str
    title: str
    spec: dict[str, object]
    columns: list[str]
    rows: list[tuple[str, list[str]]]


def radar_chart(chart_id: str, title: str, series: Sequence[Series]) -> Chart:
    """The radar of principle means for the series, and its table (principles x series)."""
    labels = [principle_label(p) for p in PRINCIPLE_KEYS]
    spec = radar(series, [wrap(label) for label in labels], title=title, locale=current_language())
    rows = [(label, [number(s.values[i]) for s in series]) for i, label in enumerate(labels)]
    return Chart(chart_id, title, spec, [s.name for s in series], rows)


def difference_sentence(difference: Difference) -> str:
    return _(
        "%(low)s score %(principle)s %(size)s lower than %(high)s.",
        low=group_label(difference.low).capitalize(),
        principle=principle_label(difference.principle),
        size=short(difference.size),
        high=group_label(difference.high),
    )


def change_sentence(found: Change, since: str) -> str:
    values = {
        "principle": principle_label(found.principle),
        "size": short(found.size),
        "round": since,
    }
    if found.size > 0:
        return _("%(principle)s rose by %(size)s since %(round)s.", **values)
    return _("%(principle)s fell by %(size)s since %(round)s.", **values)
