"""The programme's fixed vocabulary: principles, sectors, tags, sharing settings.

Keys are stored in the database and files; labels are what people read. Dutch labels come from
DESIGN.md; the English ones are the translation catalogue's source strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Term:
    key: str
    label: object  # a lazy string: str(label) gives the label in the current language


PRINCIPLES: tuple[Term, ...] = (
    Term("kind-centraal", _l("The child at the centre")),
    Term("geintegreerd-aanbod", _l("Working together on an integrated offer")),
    Term("inclusief-nabij", _l("Inclusive, fitting and as close to home as possible")),
    Term("partnerschap-regie", _l("Partnership and direction")),
    Term("samen-beter", _l("Getting better together, continuously")),
)
PRINCIPLE_KEYS: tuple[str, ...] = tuple(p.key for p in PRINCIPLES)

# The order is meaningful: rule 5 breaks ties between sector groups by this order.
SECTORS: tuple[Term, ...] = (
    Term("po", _l("primary education")),
    Term("vo", _l("secondary education")),
    Term("so", _l("special education")),
    Term("mbo", _l("vocational education (mbo)")),
    Term("swv", _l("partnership for inclusive education (swv)")),
    Term("kinderopvang", _l("childcare")),
    Term("jeugdhulp", _l("youth care")),
    Term("jgz", _l("youth health care (GGD)")),
    Term("ggz", _l("mental health care")),
    Term("gehandicaptenzorg", _l("disability care")),
    Term("gemeente", _l("municipality")),
    Term("sociaal-werk", _l("social work")),
    Term("ouders", _l("parents and young people")),
    Term("overig", _l("other")),
)
SECTOR_KEYS: tuple[str, ...] = tuple(s.key for s in SECTORS)

# The two spearheads and six supporting conditions; items may carry them as tags.
TAGS: tuple[Term, ...] = (
    Term(
        "speerpunt-interprofessionele-teams",
        _l("Spearhead: interprofessional teams at or around schools"),
    ),
    Term(
        "speerpunt-lokale-afspraken",
        _l("Spearhead: broad local agreements under the municipality's direction"),
    ),
    Term("samenwerking-lokaal-regionaal", _l("Better local and regional collaboration")),
    Term("visie-resultaatafspraken", _l("A shared broad vision with monitored result agreements")),
    Term(
        "perspectief-ouders-kinderen", _l("Starting from the perspective of parents and children")
    ),
    Term("interprofessionele-teams", _l("Interprofessional teams on or around schools")),
    Term("lerende-netwerken", _l("Well-equipped learning networks")),
    Term("flexibele-budgetten", _l("Flexible budgets and policy")),
)
TAG_KEYS: tuple[str, ...] = tuple(t.key for t in TAGS)

SHARING: tuple[Term, ...] = (
    Term("private", _l("Only our region and the programme team")),
    Term("named", _l("All participating regions, by name")),
)
SHARING_KEYS: tuple[str, ...] = tuple(s.key for s in SHARING)

ACTION_STATUSES: tuple[Term, ...] = (
    Term("open", _l("open")),
    Term("in_progress", _l("in progress")),
    Term("done", _l("done")),
)
ACTION_STATUS_KEYS: tuple[str, ...] = tuple(s.key for s in ACTION_STATUSES)


def label(terms: tuple[Term, ...], key: str) -> str:
    """The label of a key in the current language, or the key itself when it is unknown."""
    for term in terms:
        if term.key == key:
            return str(term.label)
    return key


def principle_label(key: str) -> str:
    return label(PRINCIPLES, key)


def sector_label(key: str) -> str:
    return label(SECTORS, key)


ROUND_STATES: tuple[Term, ...] = (
    Term("planned", _l("planned")),
    Term("open", _l("open")),
    Term("closed", _l("closed")),
)


def sharing_label(key: str) -> str:
    return label(SHARING, key)


def round_state_label(state: object) -> str:
    return label(ROUND_STATES, str(state))
