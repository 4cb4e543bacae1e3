"""Believable demo data: regions, partners, three rounds, sectors that see things differently."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session, col, select

from selfscan.core.questionnaire import Questionnaire
from selfscan.core.vocabulary import PRINCIPLE_KEYS, default_perspective
from selfscan.models import (
    Answer,
    Invitation,
    Item,
    Organisation,
    Partnership,
    PrincipleComment,
    QuestionnaireVersion,
    QuotableComment,
    Region,
    Response,
    Round,
)
from selfscan.models.types import utcnow
from selfscan.services import (
    accounts,
    agenda,
    ambitions,
    api_tokens,
    conversation,
    network,
    region_sums,
    regions,
    rounds,
)
from selfscan.services.agenda import ReflectionInput
from selfscan.services.ambitions import AgreementInput, ProgressInput
from selfscan.services.conversation import PositionInput
from selfscan.services.invitations import create_invitation, invitation_path, new_link


class DemoError(ValueError):
    """The demo cannot be filled; the message says why."""


PROGRAMME_LOGIN = ("programma@demo.selfscan.nl", "demo-programma-2026")
COORDINATOR_PASSWORD = "demo-coordinator-2026"  # noqa: S105  (printed demo sign-in)  # nosec B105

# key, name, sharing, starting level, improvement per round
REGIONS = (
    ("twente", "Regio Twente", "named", 2.9, 0.25),
    ("utrecht-west", "Utrecht-West", "named", 3.2, 0.10),
    ("zuid-limburg", "Zuid-Limburg", "private", 2.3, 0.35),
    ("groningen-stad", "Groningen Stad", "named", 3.4, 0.00),
    ("drechtsteden", "Drechtsteden", "private", 3.0, 0.15),
)

PARTNERS = (
    ("po", "Basisschool De Regenboog"),
    ("po", "OBS Het Kompas"),
    ("vo", "Scholengemeenschap Het Baken"),
    ("so", "SO De Zonnebloem"),
    ("swv", "Samenwerkingsverband Passend Onderwijs"),
    ("kinderopvang", "Kinderopvang Kleine Reuzen"),
    ("jeugdhulp", "Jeugdhulp Op Maat"),
    ("jgz", "GGD Jeugdgezondheidszorg"),
    ("gemeente", "Gemeente, team Jeugd en Onderwijs"),
    ("sociaal-werk", "Wijkteam Sociaal Werk"),
    ("ouders", "Ouderplatform"),
)

# How each sector's view differs from the region's level, per principle ("met andere ogen").
SECTOR_BIAS: Mapping[str, Mapping[str, float]] = {
    "ouders": {"kind-centraal": -1.1, "inclusief-nabij": -0.7, "geintegreerd-aanbod": -0.4},
    "gemeente": {"partnerschap-regie": 0.7, "samen-beter": 0.3},
    "jeugdhulp": {"geintegreerd-aanbod": 0.5, "kind-centraal": 0.3, "inclusief-nabij": -0.3},
    "po": {"inclusief-nabij": -0.5, "partnerschap-regie": -0.4},
    "vo": {"geintegreerd-aanbod": -0.6, "kind-centraal": -0.2},
    "so": {"inclusief-nabij": -0.8},
    "swv": {"partnerschap-regie": 0.4, "inclusief-nabij": 0.3},
    "kinderopvang": {"geintegreerd-aanbod": -0.5, "samen-beter": -0.3},
    "jgz": {"kind-centraal": 0.4},
    "sociaal-werk": {"samen-beter": 0.2},
}

FIRST_NAMES = (
    "Anouk",
    "Bram",
    "Chantal",
    "Daan",
    "Esra",
    "Fleur",
    "Gijs",
    "Hanna",
    "Ilse",
    "Jeroen",
    "Kim",
    "Lars",
    "Mila",
    "Noah",
    "Olga",
    "Pieter",
    "Roos",
    "Sander",
    "Tess",
    "Yusuf",
)
LAST_NAMES = (
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "de Boer",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Dijk",
    "Yilmaz",
    "El Amrani",
    "Kramer",
)
COMMENTS = {
    "kind-centraal": (
        "Ouders moeten hun verhaal nog te vaak opnieuw vertellen.",
        "Het groeidocument helpt, maar niet iedereen gebruikt het.",
    ),
    "geintegreerd-aanbod": (
        "Het onderwijszorgarrangement op de Regenboog werkt goed; kunnen we dat breder doen?",
        "De wachttijd bij de jeugdhulp blijft een knelpunt.",
    ),
    "inclusief-nabij": (
        "Er zitten nog steeds kinderen thuis zonder passend aanbod.",
        "Leerlingen reizen ver naar het speciaal onderwijs.",
    ),
    "partnerschap-regie": (
        "De gemeente neemt de regie, maar de afspraken zijn niet voor iedereen helder.",
        "Het flexibele budget maakt maatwerk mogelijk.",
    ),
    "samen-beter": (
        "Het lerend netwerk levert veel op.",
        "We evalueren te weinig samen met ouders.",
    ),
}


@dataclass(frozen=True)
class Demo:
    logins: list[tuple[str, str, str]]  # (role, e-mail, password) of every demo account
    respondent_path: str  # a personal link into the open round, to try the respondent's side
    # A personal API token of the first region's coordinator, to try the API: new on every run
    # (random, as every token is), like the demo's secret key.
    api_token: tuple[str, str]  # (whose, token)


def fill(
    session: Session,
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    *,
    secret: str | bytes,
    seed: int = 2026,
    k: int | None = None,
) -> Demo:
    """Create the demo: accounts, regions, partners, three rounds and their answers."""
    if session.exec(select(Region)).first() is not None:
        raise DemoError("the database already holds regions; run `selfscan demo --reset`")
    for number in (1, 2):
        if ("zelfscan-mao", number) not in questionnaires:
            raise DemoError(f"questionnaire zelfscan-mao v{number} is missing from questionnaires/")
    rng = random.Random(seed)  # synthetic demo answers, not secrets  # nosec B311
    # The earlier rounds used version 1, the newest uses version 2: a newcomer sees a version
    # change (and its "changed wording" marks) in every comparison.
    versions = {n: rounds.questionnaire_version(session, "zelfscan-mao", n) for n in (1, 2)}

    logins = [("programme team", *PROGRAMME_LOGIN)]
    accounts.create_user(
        session,
        email=PROGRAMME_LOGIN[0],
        name="Programmateam Met Andere Ogen",
        password=PROGRAMME_LOGIN[1],
        is_programme=True,
    )
    created_regions = []
    for key, name, sharing, _, _ in REGIONS:
        region = regions.add_region(session, key=key, name=name, sharing=sharing)
        for sector, partner in PARTNERS:
            regions.add_organisation(session, region=region, name=partner, sector=sector)
        email = f"coordinator@{key}.demo.selfscan.nl"
        user = accounts.create_user(
            session,
            email=email,
            name=f"Coördinator {name}",
            password=COORDINATOR_PASSWORD,
            region_keys=[key],
        )
        logins.append((f"coordinator {name}", email, COORDINATOR_PASSWORD))
        created_regions.append(region)
        if len(created_regions) == 1:
            _, token = api_tokens.create(session, user, "Demo: de API proberen")
            api_token = (f"coordinator {name}", token)

    now = utcnow().replace(minute=0, second=0, microsecond=0)
    windows = (
        (
            "demo-voorjaar",
            "Meetronde voorjaar",
            now - timedelta(days=560),
            now - timedelta(days=520),
            1,
        ),
        (
            "demo-najaar",
            "Meetronde najaar",
            now - timedelta(days=380),
            now - timedelta(days=340),
            1,
        ),
        ("demo-nu", "Meetronde nu", now - timedelta(days=21), now + timedelta(days=21), 2),
    )
    created_rounds = []
    for index, (key, title, opens_at, closes_at, number) in enumerate(windows):
        version = versions[number]
        items = list(
            session.exec(select(Item).where(Item.questionnaire_version_id == version.id)).all()
        )
        round_ = rounds.add_round(
            session,
            key=key,
            title=title,
            questionnaire=version,
            opens_at=opens_at,
            closes_at=closes_at,
            regions=created_regions,
        )
        created_rounds.append(round_)
        is_open = closes_at > now
        for region, (_, _, _, level, growth) in zip(created_regions, REGIONS, strict=True):
            _fill_region_round(
                session,
                rng,
                version,
                items,
                region,
                round_.id,
                level + growth * index,  # type: ignore[arg-type]
                opens_at,
                is_open,
                secret,
            )
        if not is_open:
            for region, (_, _, _, level, growth) in list(
                zip(created_regions, REGIONS, strict=True)
            )[:AGREED_REGIONS]:
                _agree(session, region, round_, level + growth * index, now)
        if is_open:
            _, token = create_invitation(
                session,
                round_=round_,
                organisation=session.exec(
                    select(Organisation).where(Organisation.region_id == created_regions[0].id)
                ).first(),  # type: ignore[arg-type]
                name="Demo Respondent",
                email="respondent@demo.selfscan.nl",
                secret=secret,
            )
    _ambitions(session, created_regions[0], created_rounds, REGIONS[0][3])
    _learning_partners(session, created_regions[2], created_regions[0], created_rounds[1])
    # As the worker would within a minute: the closed rounds' sums kept in the database.
    region_sums.store_released(session, k=k, now=now)
    return Demo(logins, invitation_path(token), api_token)


# title, direction (sector, name), indicator, how it is checked, status in each round
AGREEMENTS = (
    (
        "Elk kind met een ondersteuningsvraag heeft binnen vier weken een passende plek",
        ("gemeente", "Gemeente, wethouder jeugd en onderwijs"),
        "Aantal thuiszitters en wachttijd jeugdhulp in weken",
        "Monitor van het samenwerkingsverband, elk voorjaar",
        ("not_started", "on_track", "behind"),
        ("", "Eerste casusoverleg op drie scholen.", "Wachtlijst jeugdhulp loopt weer op."),
    ),
    (
        "Op elke basisschool een vast interprofessioneel team",
        ("swv", ""),
        "Aandeel scholen met een team dat elke maand samenkomt",
        "Telling door de coördinator bij elke meetronde",
        ("on_track", "on_track", "achieved"),
        ("Vier scholen begonnen.", "Twaalf van de twintig scholen.", "Alle scholen doen mee."),
    ),
)


def _ambitions(session: Session, region: Region, rounds_: list[Round], level: float) -> None:
    """The first region's ambitions for its later rounds, its result agreements with how they
    stood in every round, and an action of the learning agenda that serves one of them."""
    for principle, target_round, lift in (
        ("kind-centraal", rounds_[1], 0.4),
        ("partnerschap-regie", rounds_[2], 0.6),
        ("samen-beter", rounds_[2], 0.8),
    ):
        ambitions.add_ambition(
            session,
            region=region,
            round_=target_round,
            principle=principle,
            target=round(min(5.0, level + lift), 1),
            why="Afgesproken in het regionale gesprek na de eerste meetronde.",
        )
    made = []
    for title, (sector, name), indicator, check, statuses, notes in AGREEMENTS:
        agreement = ambitions.add_agreement(
            session,
            region=region,
            entry=AgreementInput(title, sector, name, indicator, check),
        )
        for round_, status, note in zip(rounds_, statuses, notes, strict=True):
            ambitions.save_progress(
                session,
                region=region,
                round_=round_,
                entries={agreement.id: ProgressInput(status, note)},  # type: ignore[dict-item]
            )
        made.append(agreement)
    agenda.add_action(
        session,
        region=region,
        round_=rounds_[1],
        principle="partnerschap-regie",
        title="Gemeente en samenwerkingsverband bespreken de wachtlijst elk kwartaal",
        owner="Gemeente",
        status="in_progress",
        agreement_id=made[0].id,
    )


def _learning_partners(session: Session, learner: Region, partner: Region, round_: Round) -> None:
    """Two regions in the learning network: both take part and share their agendas; after the
    closed round `learner` focuses on kind-centraal, where `partner` scores clearly higher and
    rose, asked it to be its learning partner and `partner` agreed. `partner` allows
    quotations, and its coordinator marked its comments on two principles as fit to quote."""
    for region in (learner, partner):
        network.save_choices(
            session, region, take_part=True, share_agenda=True, allow_quotes=region is partner
        )
    for region, text in (
        (learner, "Ouders moeten hun verhaal te vaak opnieuw vertellen; daar willen we van leren."),
        (partner, "Het groeidocument werkt sinds scholen en jeugdhulp het samen bijhouden."),
    ):
        agenda.save_reflections(
            session,
            region=region,
            round_=round_,
            entries={"kind-centraal": ReflectionInput(text, True)},
        )
    session.add(
        Partnership(
            asker_id=learner.id,  # type: ignore[arg-type]
            asked_id=partner.id,  # type: ignore[arg-type]
            principle="kind-centraal",
            state="partners",
        )
    )
    for response_id, principle in session.exec(
        select(PrincipleComment.response_id, PrincipleComment.principle)
        .join(Response, col(Response.id) == PrincipleComment.response_id)
        .where(
            Response.round_id == round_.id,
            Response.region_id == partner.id,
            col(PrincipleComment.principle).in_(QUOTED),
        )
    ).all():
        session.add(QuotableComment(response_id=response_id, principle=principle))
    session.flush()


# The demo comments (COMMENTS) name nobody; these principles' are marked as fit to quote.
QUOTED = ("kind-centraal", "samen-beter")

AGREED_REGIONS = 2  # the first regions record an agreed position after each closed round
RATIONALES = (
    "Scholen zien het positiever dan de jeugdhulp; we houden het midden aan.",
    "Hier zijn we het snel over eens geworden.",
    "Ouders waren kritischer dan de professionals; dat weegt zwaar.",
)


def _agree(session: Session, region: Region, round_: Round, level: float, now: datetime) -> None:
    """The region's agreed position after a closed round: near its level, with a reason."""
    conversation.save_agreed(
        session,
        region=region,
        round_=round_,
        held_on=(round_.closes_at + timedelta(days=14)).date(),
        sectors=["po", "jeugdhulp", "gemeente", "ouders"],
        positions={
            principle: PositionInput(
                score=round(min(5.0, max(1.0, level + 0.1 * (index - 2))), 1),
                rationale=RATIONALES[index % len(RATIONALES)],
            )
            for index, principle in enumerate(PRINCIPLE_KEYS)
        },
        now=now,
    )


def _fill_region_round(
    session: Session,
    rng: random.Random,
    version: QuestionnaireVersion,
    items: list[Item],
    region: Region,
    round_id: int,
    level: float,
    opened: object,
    is_open: bool,
    secret: str | bytes,
) -> None:

    organisations = session.exec(
        select(Organisation).where(Organisation.region_id == region.id)
    ).all()
    answers: list[dict[str, object]] = []
    comments: list[dict[str, object]] = []
    for organisation in organisations:
        # Parents' and childcare voices are scarcer, so some sector groups fall below k.
        people = (
            rng.choice((1, 2))
            if organisation.sector in ("ouders", "kinderopvang")
            else rng.randint(2, 4)
        )
        for _ in range(people):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            invitation = Invitation(
                round_id=round_id,
                region_id=region.id,
                organisation_id=organisation.id,  # type: ignore[arg-type]
                name=name,
                email=f"partner{rng.randrange(10**9)}@{region.key}.demo.selfscan.nl",
                perspective=default_perspective(organisation.sector),
                **new_link(secret)[0],
                sent_at=opened,  # type: ignore[arg-type]
            )
            session.add(invitation)
            session.flush()
            state = rng.random()
            if is_open and state < 0.15:
                continue  # not opened yet
            invitation.opened_at = invitation.sent_at
            submitted = not is_open or state > 0.4
            response = Response(
                invitation_id=invitation.id,
                round_id=round_id,
                region_id=region.id,  # type: ignore[arg-type]
                organisation_id=organisation.id,
                sector=organisation.sector,  # type: ignore[arg-type]
                perspective=invitation.perspective,
                status="submitted" if submitted else "draft",
                submitted_at=invitation.sent_at if submitted else None,
            )
            session.add(response)
            session.flush()
            person = rng.gauss(0, 0.35)
            for item in items:
                if not submitted and item.position > len(items) // 2:
                    break
                if rng.random() < 0.06:
                    answers.append(_answer(response.id, item.id, None, True, False))  # type: ignore[arg-type]
                    continue
                bias = SECTOR_BIAS.get(organisation.sector, {}).get(item.principle, 0.0)
                value = round(level + bias + person + rng.gauss(0, 0.6))
                value = min(version.scale_max, max(version.scale_min, value))
                answers.append(_answer(response.id, item.id, value, False, rng.random() < 0.05))  # type: ignore[arg-type]
            for principle in PRINCIPLE_KEYS:
                if submitted and rng.random() < 0.12:
                    comments.append(
                        {
                            "response_id": response.id,
                            "principle": principle,
                            "text": rng.choice(COMMENTS[principle]),
                        }
                    )
    if answers:
        session.execute(insert(Answer), answers)
    if comments:
        session.execute(insert(PrincipleComment), comments)


def _answer(
    response_id: int, item_id: int, value: int | None, dont_know: bool, discuss: bool
) -> dict[str, object]:
    return {
        "response_id": response_id,
        "item_id": item_id,
        "value": value,
        "dont_know": dont_know,
        "discuss": discuss,
    }
