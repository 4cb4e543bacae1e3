"""The programme's fixed vocabulary: principles, sectors, tags, sharing settings, statuses.

Keys are stored in the database and files; labels are what people read. The labels here are the
English source texts of the translation catalogue (Dutch labels come from DESIGN.md), marked with
`N_` so that the catalogue holds them; `selfscan.labels` shows them in the reader's language and
`selfscan.core.texts.Reader` does the same outside a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def N_(text: str) -> str:
    """Marks a text for the translation catalogue; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Term:
    key: str
    label: str  # the English source text; translated where it is shown
    short: str = ""  # a few short words, where the label does not fit (a radar on a phone)


PRINCIPLES: tuple[Term, ...] = (
    Term("kind-centraal", N_("The child at the centre"), N_("Child central")),
    Term(
        "geintegreerd-aanbod",
        N_("Working together on an integrated offer"),
        N_("Integrated offer"),
    ),
    Term(
        "inclusief-nabij",
        N_("Inclusive, fitting and as close to home as possible"),
        N_("Inclusive, nearby"),
    ),
    Term("partnerschap-regie", N_("Partnership and direction"), N_("Partnership, direction")),
    Term("samen-beter", N_("Getting better together, continuously"), N_("Better together")),
)
PRINCIPLE_KEYS: tuple[str, ...] = tuple(p.key for p in PRINCIPLES)

# The order is meaningful: rule 5 breaks ties between sector groups by this order.
SECTORS: tuple[Term, ...] = (
    Term("po", N_("primary education")),
    Term("vo", N_("secondary education")),
    Term("so", N_("special education")),
    Term("mbo", N_("vocational education (mbo)")),
    Term("swv", N_("partnership for inclusive education (swv)")),
    Term("kinderopvang", N_("childcare")),
    Term("jeugdhulp", N_("youth care")),
    Term("jgz", N_("youth health care (GGD)")),
    Term("ggz", N_("mental health care")),
    Term("gehandicaptenzorg", N_("disability care")),
    Term("gemeente", N_("municipality")),
    Term("sociaal-werk", N_("social work")),
    Term("ouders", N_("parents and young people")),
    Term("overig", N_("other")),
)
SECTOR_KEYS: tuple[str, ...] = tuple(s.key for s in SECTORS)

# The two spearheads and six supporting conditions; items may carry them as tags.
TAGS: tuple[Term, ...] = (
    Term(
        "speerpunt-interprofessionele-teams",
        N_("Spearhead: interprofessional teams at or around schools"),
    ),
    Term(
        "speerpunt-lokale-afspraken",
        N_("Spearhead: broad local agreements under the municipality's direction"),
    ),
    Term("samenwerking-lokaal-regionaal", N_("Better local and regional collaboration")),
    Term("visie-resultaatafspraken", N_("A shared broad vision with monitored result agreements")),
    Term(
        "perspectief-ouders-kinderen", N_("Starting from the perspective of parents and children")
    ),
    Term("interprofessionele-teams", N_("Interprofessional teams on or around schools")),
    Term("lerende-netwerken", N_("Well-equipped learning networks")),
    Term("flexibele-budgetten", N_("Flexible budgets and policy")),
)
TAG_KEYS: tuple[str, ...] = tuple(t.key for t in TAGS)

SHARING: tuple[Term, ...] = (
    Term("private", N_("Only our region and the programme team")),
    Term("named", N_("All participating regions, by name")),
)
SHARING_KEYS: tuple[str, ...] = tuple(s.key for s in SHARING)

ACTION_STATUSES: tuple[Term, ...] = (
    Term("open", N_("open")),
    Term("in_progress", N_("in progress")),
    Term("done", N_("done")),
)
ACTION_STATUS_KEYS: tuple[str, ...] = tuple(s.key for s in ACTION_STATUSES)

# How a result agreement stands in a round, as the coordinator records it.
AGREEMENT_STATUSES: tuple[Term, ...] = (
    Term("not_started", N_("not started")),
    Term("on_track", N_("on track")),
    Term("behind", N_("behind")),
    Term("achieved", N_("achieved")),
    Term("stopped", N_("stopped")),
)
AGREEMENT_STATUS_KEYS: tuple[str, ...] = tuple(s.key for s in AGREEMENT_STATUSES)

# How a learning partnership between two regions stands.
PARTNERSHIP_STATES: tuple[Term, ...] = (
    Term("asked", N_("asked")),
    Term("partners", N_("partners")),
    Term("declined", N_("declined")),
    Term("ended", N_("ended")),
)
PARTNERSHIP_STATE_KEYS: tuple[str, ...] = tuple(s.key for s in PARTNERSHIP_STATES)


# The voice a respondent answers in; every perspective answers the same items (same keys and
# principles), worded for them where the questionnaire has a variant.
PERSPECTIVES: tuple[Term, ...] = (
    Term("professional", N_("professional")),
    Term("parent", N_("parent")),
    Term("young", N_("young person")),
)
PERSPECTIVE_KEYS: tuple[str, ...] = tuple(p.key for p in PERSPECTIVES)
PROFESSIONAL = "professional"


def default_perspective(sector: str) -> str:
    """The perspective an invitation gets unless the coordinator chooses: parents and young
    people (`ouders`) answer as parents, every other sector as professionals."""
    return "parent" if sector == "ouders" else PROFESSIONAL


ROUND_STATES: tuple[Term, ...] = (
    Term("planned", N_("planned")),
    Term("open", N_("open")),
    Term("closed", N_("closed")),
)


def find(terms: Sequence[Term], key: str) -> Term | None:
    """The term with this key, if any."""
    return next((term for term in terms if term.key == key), None)
