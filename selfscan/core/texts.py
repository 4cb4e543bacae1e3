"""Numbers and sentences in the reader's language, as pure functions of a `Reader`: who reads
(a Babel locale) and the translations of that language. The web layer makes the request's reader
(selfscan.texts); a report made outside a request makes its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from babel import Locale

from selfscan.core.charts import RadarDrawing, Series, radar, radar_drawing, wrap
from selfscan.core.scoring import ALL, OTHER, Change, Difference
from selfscan.core.vocabulary import (
    ACTION_STATUS_KEYS,
    ACTION_STATUSES,
    N_,
    PERSPECTIVES,
    PRINCIPLE_KEYS,
    PRINCIPLES,
    SECTORS,
    TAGS,
    Term,
    find,
)

NONE = "–"

# gettext(message, **variables) and ngettext(singular, plural, n, **variables) of one language,
# with Python's %-formatting of the variables, as Flask-Babel's.
Gettext = Callable[..., str]
Ngettext = Callable[..., str]


def _untranslated(message: str, **variables: object) -> str:
    return message % variables if variables else message


def _untranslated_plural(singular: str, plural: str, n: int, **variables: object) -> str:
    return (singular if n == 1 else plural) % {"num": n, **variables}


@dataclass(frozen=True)
class Reader:
    """Who reads: their locale and the translation functions of their language."""

    locale: Locale
    gettext: Gettext = _untranslated
    ngettext: Ngettext = _untranslated_plural
    symbols: dict[str, str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        found = self.locale.number_symbols["latn"]
        symbols = {".": found["decimal"], "-": found["minusSign"], "+": found["plusSign"]}
        object.__setattr__(self, "symbols", symbols)

    @property
    def language(self) -> str:
        return str(self.locale.language)

    # --- numbers -------------------------------------------------------------------------------

    def _fixed(self, value: float, form: str) -> str:
        """`value` in a fixed format ("" or "+", two decimals) with the reader's symbols.

        The same text as Babel's format_decimal with "0.00" (and "+0.00;-0.00"), for the numbers
        without grouping that every score table shows by the hundred: Babel parses its pattern
        and the locale on every call, which took a quarter of the programme overview's time.
        """
        text = format(round(value, 2) + 0.0, form + ".2f")  # + 0.0: no "-0,00"
        return "".join(self.symbols.get(char, char) for char in text)

    def number(self, value: float | None) -> str:
        """Two decimals in the reader's notation (3,25 in Dutch), a dash for nothing shown."""
        return NONE if value is None else self._fixed(value, "")

    def agreed(self, value: float | None) -> str:
        """An agreed score, typed in tenths: one decimal (3,5 in Dutch), a dash for none."""
        if value is None:
            return NONE
        text = format(round(value, 1) + 0.0, ".1f")
        return "".join(self.symbols.get(char, char) for char in text)

    def signed(self, value: float | None) -> str:
        """A change with its sign (+0,25 or -0,10), a dash where none may be shown."""
        return NONE if value is None else self._fixed(value, "+")

    def size(self, value: float) -> str:
        """A difference without its sign, with two decimals like every other score (0,50)."""
        return self.number(abs(value))

    # --- words ---------------------------------------------------------------------------------

    def label(self, terms: Sequence[Term], key: str) -> str:
        term = find(terms, key)
        return self.gettext(term.label) if term else key

    def principle(self, key: str) -> str:
        return self.label(PRINCIPLES, key)

    def principle_short(self, key: str) -> str:
        """A principle in a few short words, where its name does not fit (a radar on a phone)."""
        term = find(PRINCIPLES, key)
        return self.gettext(term.short or term.label) if term else key

    def group(self, key: str) -> str:
        """A group's name: a sector, "all sectors" or "other sectors together"."""
        if key == ALL:
            return self.gettext("all sectors")
        if key == OTHER:
            return self.gettext("other sectors together")
        return self.label(SECTORS, key)

    def difference(self, difference: Difference) -> str:
        # The sector is not the sentence's subject: "ouders en jongeren" is plural,
        # "gemeente" singular, and one verb cannot agree with both.
        return self.gettext(
            "%(principle)s: the mean score of %(low)s is %(size)s lower than that of %(high)s.",
            low=self.group(difference.low),
            principle=self.principle(difference.principle),
            size=self.size(difference.size),
            high=self.group(difference.high),
        )

    def change(self, found: Change, since: str) -> str:
        values = {
            "principle": self.principle(found.principle),
            "size": self.size(found.size),
            "round": since,
        }
        if found.size > 0:
            return self.gettext(
                "%(principle)s: the mean score rose by %(size)s since %(round)s.", **values
            )
        return self.gettext(
            "%(principle)s: the mean score fell by %(size)s since %(round)s.", **values
        )


# The headers of the download tables (selfscan.core.overview, the scores export), in words.
HEADERS = {
    "round": N_("Round"),
    "previous_round": N_("Previous round"),
    "region": N_("Region"),
    "sector": N_("Sector"),
    "principle": N_("Principle"),
    "n": "n",
    "mean": N_("Mean"),
    "sd": N_("Standard deviation"),
    "min": N_("Lowest"),
    "max": N_("Highest"),
    "invited": N_("Invited"),
    "submitted": N_("Responses"),
    "response_rate_percent": N_("Response rate (%)"),
    "missing_sectors": N_("Sectors without responses"),
    "focus_principles": N_("Focus principles"),
    "agreed": N_("Agreed"),
    "ambition": N_("Ambition"),
    "sectors_asked": N_("Sectors asked"),
    "sectors_heard": N_("Sectors that responded"),
    "tag": N_("Spearhead or condition"),
    "perspective": N_("Perspective"),
    "statement": N_("Statement"),
}
DROPPED = ("region_name", "round_title")  # the key's column says it in words already


def table_for_people(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    reader: Reader,
    *,
    rounds: dict[str, str],
    regions: dict[str, str],
) -> tuple[list[str], list[list[object]]]:
    """A download table with keys (DESIGN's machine-readable files) as people read it in a
    spreadsheet: headers, principles, sectors, statuses, rounds and regions in words, in the
    reader's language. `rounds` and `regions` map keys to titles and names; numbers stay."""
    kept = [i for i, name in enumerate(header) if name not in DROPPED]

    def heading(name: str) -> str:
        if name in HEADERS:
            return reader.gettext(HEADERS[name]) if name != "n" else "n"
        if name in PRINCIPLE_KEYS:
            return reader.principle(name)
        if name in ACTION_STATUS_KEYS:
            return reader.label(ACTION_STATUSES, name)
        return name

    def cell(name: str, value: object) -> object:
        if not isinstance(value, str) or not value:
            return value
        if name in ("round", "previous_round"):
            return rounds.get(value, value)
        if name == "region":
            return reader.gettext("All regions") if value == ALL else regions.get(value, value)
        if name == "sector":
            return reader.group(value)
        if name == "principle":
            return reader.principle(value)
        if name == "tag":
            return reader.label(TAGS, value)
        if name == "perspective":
            return reader.label(PERSPECTIVES, value)
        if name == "missing_sectors":
            return ", ".join(reader.group(key) for key in value.split())
        if name == "focus_principles":
            return ", ".join(reader.principle(key) for key in value.split())
        return value

    return (
        [heading(header[i]) for i in kept],
        [[cell(header[i], row[i]) for i in kept] for row in rows],
    )


# Lines on a radar drawn on the server: a few can be told apart, more are a tangle.
STATIC_LINES = 4
# The line length of a radar's short axis labels on a phone (static/js/charts.js uses them).
NARROW_WRAP = 10


@dataclass(frozen=True)
class Chart:
    """A radar's specification, the same radar drawn on the server (for pages without
    JavaScript, and print) and the table that carries the same numbers."""

    id: str
    title: str
    spec: dict[str, object]
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    drawing: RadarDrawing | None = None
    # The same drawing with the principles' short names, for a phone: around their full names
    # the radar itself was some hundred pixels wide.
    narrow: RadarDrawing | None = None


def radar_chart(chart_id: str, title: str, series: Sequence[Series], reader: Reader) -> Chart:
    """The radar of principle means for the series, and its table (principles x series).

    The server's drawing holds the lines switched on at first (at most STATIC_LINES)."""
    labels = [reader.principle(p) for p in PRINCIPLE_KEYS]
    spec = radar(
        series,
        [wrap(label) for label in labels],
        title=title,
        locale=reader.language,
        narrow_axes=[wrap(reader.principle_short(p), NARROW_WRAP) for p in PRINCIPLE_KEYS],
    )
    rows = [(label, [reader.number(s.values[i]) for s in series]) for i, label in enumerate(labels)]
    shown = [s for s in series if s.visible][:STATIC_LINES]
    drawing = radar_drawing(shown, labels, from_lowest=True) if shown else None
    shorts = [reader.principle_short(p) for p in PRINCIPLE_KEYS]
    narrow = (
        radar_drawing(shown, shorts, from_lowest=True, label_width=NARROW_WRAP) if shown else None
    )
    return Chart(chart_id, title, spec, [s.name for s in series], rows, drawing, narrow)
