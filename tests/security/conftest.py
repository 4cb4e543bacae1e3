"""The attacker's cast and tools: two regions with objects of every kind, a round only region B
takes part in, a valid form for every write route, and a snapshot of the whole database."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, select
from sqlmodel import Session
from sqlmodel import select as sql_select
from test_exchange import import_rows, row

from conftest import PASSWORD, api_headers, close_round, make_app
from selfscan.account.links import LinkPurpose, make_token
from selfscan.infra.config import PROJECT_ROOT
from selfscan.models import (
    ConversationTopic,
    NetworkChoices,
    Partnership,
    PrincipleComment,
    QuestionnaireVersion,
    Response,
    Round,
    metadata,
)
from selfscan.models.types import utcnow
from selfscan.services import agenda, ambitions, api_tokens, quotations, rounds
from selfscan.services.agenda import ReflectionInput
from selfscan.services.ambitions import AgreementInput

Snapshot = dict[str, list[tuple[Any, ...]]]

IMPORT_KEYS = [f"{p}-{i}" for p in ("kc", "ga", "in", "pr", "sb") for i in range(1, 7)]


# Bookkeeping that a request of the API notes beside the app's data, as the rate-limit counters
# are (a token's last use, at most once a minute): not a change the walks look for.
NOTED_ON_USE = {"api_token": {"last_used_at"}}


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every table, in a stable order (without NOTED_ON_USE)."""
    result: Snapshot = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            noted = NOTED_ON_USE.get(table.name, set())
            columns = [c for c in table.columns if c.name not in noted]
            rows = connection.execute(select(*columns)).all()
            result[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return result


def changed_tables(before: Snapshot, after: Snapshot) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def rows_as_dicts(engine: Engine, table: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(metadata.tables[table]))]


@pytest.fixture
def app(engine: Engine, database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app, writing its mails to a scratch folder."""
    app = make_app(database_url, MAIL_FOLDER=str(tmp_path / "mail"))
    yield app
    app.extensions["selfscan.engine"].dispose()


@pytest.fixture
def scene(world: dict[str, Any], make: Any, db: Session) -> dict[str, Any]:
    """`world` plus invitations, actions, ambitions and result agreements in both regions, and
    a round ("ronde-2") that only region B takes part in, with its own invitation and action."""
    region_a, region_b = world["region_a"], world["region_b"]
    round_2 = make.round("ronde-2", (region_b,), title="Ronde 2")
    invitation_a, token_a = make.invitation(world["round"], world["org_a"], name="Person A")
    invitation_b, token_b = make.invitation(world["round"], world["org_b"], name="Person B")
    invitation_b2, _ = make.invitation(round_2, world["org_b"], name="Person B2")
    actions = {}
    for name, region, round_ in (
        ("action_a", region_a, world["round"]),
        ("action_b", region_b, world["round"]),
        ("action_b2", region_b, round_2),
    ):
        actions[name] = agenda.add_action(
            db, region=region, round_=round_, principle="kind-centraal", title=f"Plan {name}"
        )
    topics = {}
    for name, region, round_, position in (
        ("topic_a", region_a, world["round"], 1),
        ("topic_a2", region_a, world["round"], 2),
        ("topic_b", region_b, world["round"], 1),
        ("topic_b2", region_b, round_2, 1),
    ):
        topics[name] = ConversationTopic(
            round_id=round_.id, region_id=region.id, position=position, kind="own", title=name
        )
        db.add(topics[name])
    owned = {}
    for side, region in (("a", region_a), ("b", region_b)):
        owned[f"ambition_{side}"] = ambitions.add_ambition(
            db, region=region, round_=world["round"], principle="kind-centraal", target=4
        )
        owned[f"agreement_{side}"] = ambitions.add_agreement(
            db, region=region, entry=AgreementInput(f"Afspraak {side}", lead_sector="gemeente")
        )
    # The learning network: A and B are partners (B shares its agenda), region E asked A, and B
    # and E are partners (a pair region A is not in).
    region_e = make.region("regio-e", "Regio E")
    for region in (region_a, region_b, region_e):
        db.add(NetworkChoices(region_id=region.id, take_part=True, share_agenda=True))
    pairs = {}
    for name, asker, asked, state in (
        ("partnership_a", region_a, region_b, "partners"),
        ("partnership_in", region_e, region_a, "asked"),
        ("partnership_b", region_b, region_e, "partners"),
    ):
        pairs[name] = Partnership(
            asker_id=asker.id, asked_id=asked.id, principle="kind-centraal", state=state
        )
        db.add(pairs[name])
    db.commit()
    token_ids = {
        name: api_tokens.find_user(db, token)[0].id  # type: ignore[index]
        for name, token in world["api_tokens"].items()
    }
    return {
        "api_token_ids": token_ids,
        **owned,
        **pairs,
        "region_e": region_e,
        **world,
        **topics,
        "round_2": round_2,
        "invitation_a": invitation_a,
        "token_a": token_a,
        "invitation_b": invitation_b,
        "token_b": token_b,
        "invitation_b2": invitation_b2,
        **actions,
    }


def sign_in_as(client: Any, identity: str, scene: dict[str, Any], db: Session) -> None:
    """Put the identity's session in place the way the app's own sign-in does."""
    with client.session_transaction() as session:
        if identity == "respondent_a":
            session["invitation_id"] = scene["invitation_a"].id
        elif identity != "anonymous":
            user = scene[identity]
            db.refresh(user)
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    api_headers(client, scene, identity)


# --- a valid form for every write route --------------------------------------------------------

Form = Callable[[Flask, dict[str, Any]], dict[str, Any]]


def _page_form(app: Flask, scene: dict[str, Any]) -> dict[str, Any]:
    return {"item-kc-1": "4", "item-kc-2": "3", "comment": "Goed", "action": "next"}


def _reflections(app: Flask, scene: dict[str, Any]) -> dict[str, Any]:
    return {"text_kind_centraal": "We leerden veel", "focus_kind_centraal": "y"}


def _action(app: Flask, scene: dict[str, Any]) -> dict[str, Any]:
    return {
        "principle": "samen-beter",
        "title": "Samen leren",
        "owner": "Els",
        "due_date": (date.today() + timedelta(days=30)).isoformat(),
        "status": "open",
    }


def _moments(days: int) -> dict[str, str]:
    now = utcnow()
    return {
        "opens_at": (now + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=days + 30)).strftime("%Y-%m-%dT%H:%M"),
    }


def reset_token(app: Flask, scene: dict[str, Any]) -> str:
    with app.test_request_context():
        return make_token(scene["coordinator_a"], LinkPurpose.RESET)


# A responses file of three rows for region A's School A (the import page's valid upload).
IMPORT_FILE = (
    "region,organisation,sector,"
    + ",".join(IMPORT_KEYS)
    + "\n"
    + "".join("regio-a,School A,po," + ",".join(["4"] * len(IMPORT_KEYS)) + "\n" for _ in range(3))
).encode("utf-8")

# A third version of the questionnaire (the questionnaire page's valid upload).
THIRD_VERSION = (
    (PROJECT_ROOT / "questionnaires" / "zelfscan-mao-v2.toml")
    .read_bytes()
    .replace(b"version = 2\n", b"version = 3\n", 1)
)


class ReusableFile(io.BytesIO):
    """An upload the walks can send again and again: the test client closes what it sent."""

    def close(self) -> None:
        self.seek(0)


# endpoint -> (identity, URL values, valid form data); every POST route of the app is here.
WRITES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]], Form]] = {
    "main.set_language": ("anonymous", lambda s: {}, lambda a, s: {"lang": "en", "next": "/"}),
    "account.login": (
        "anonymous",
        lambda s: {},
        lambda a, s: {"email": s["coordinator_a"].email, "password": PASSWORD},
    ),
    "account.logout": ("coordinator_a", lambda s: {}, lambda a, s: {}),
    "account.forgot_password": (
        "anonymous",
        lambda s: {},
        lambda a, s: {"email": s["coordinator_a"].email},
    ),
    "account.set_password": (
        "anonymous",
        lambda s: {"token": s["reset_token"]},
        lambda a, s: {"password": "a brand new password", "confirm": "a brand new password"},
    ),
    "account.tokens": ("coordinator_a", lambda s: {}, lambda a, s: {"name": "Power BI"}),
    "account.revoke_token": (
        "coordinator_a",
        lambda s: {"token_id": s["api_token_ids"]["coordinator_a"]},
        lambda a, s: {},
    ),
    "respondent.begin": ("respondent_a", lambda s: {}, lambda a, s: {}),
    "respondent.principle": ("respondent_a", lambda s: {"key": "kind-centraal"}, _page_form),
    "respondent.autosave": ("respondent_a", lambda s: {"key": "kind-centraal"}, _page_form),
    "respondent.submit": ("respondent_a", lambda s: {}, lambda a, s: {"revision": "0"}),
    "region.organisations": (
        "coordinator_a",
        lambda s: {"region": "regio-a"},
        lambda a, s: {"name": "Kinderopvang Zon", "sector": "kinderopvang"},
    ),
    "region.sharing": (
        "coordinator_a",
        lambda s: {"region": "regio-a"},
        lambda a, s: {"sharing": "named"},
    ),
    "region.edit_organisation": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "organisation_id": s["org_a"].id},
        lambda a, s: {"name": "School A2", "sector": "vo"},
    ),
    "region.invite_one": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        lambda a, s: {"name": "Nieuw", "email": "nieuw@example.org", "organisation": s["org_a"].id},
    ),
    "region.invite_list": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        lambda a, s: {"people": "Lijst Persoon;lijst@example.org;School A"},
    ),
    "region.resend_invitation": (
        "coordinator_a",
        lambda s: {
            "region": "regio-a",
            "round_key": "ronde-1",
            "invitation_id": s["invitation_a"].id,
        },
        lambda a, s: {},
    ),
    "region.renew_invitation": (
        "coordinator_a",
        lambda s: {
            "region": "regio-a",
            "round_key": "ronde-1",
            "invitation_id": s["invitation_a"].id,
        },
        lambda a, s: {},
    ),
    "region.revoke_invitation": (
        "coordinator_a",
        lambda s: {
            "region": "regio-a",
            "round_key": "ronde-1",
            "invitation_id": s["invitation_a"].id,
        },
        lambda a, s: {},
    ),
    "region.restore_invitation": (
        "coordinator_a",
        lambda s: {
            "region": "regio-a",
            "round_key": "ronde-1",
            "invitation_id": s["invitation_a"].id,
        },
        lambda a, s: {},
    ),
    "region.remind_unanswered": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        lambda a, s: {},
    ),
    "region.agenda": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        _reflections,
    ),
    "region.add_action": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        _action,
    ),
    "region.edit_action": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1", "action_id": s["action_a"].id},
        _action,
    ),
    "region.delete_action": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1", "action_id": s["action_a"].id},
        lambda a, s: {},
    ),
    "region.agreed_positions": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        lambda a, s: {
            "held_on": "2026-12-03",
            "sectors": ["po", "gemeente"],
            "score_kind_centraal": "3,5",
            "why_kind_centraal": "Scholen en gemeente zien het zo",
        },
    ),
    "region.add_ambition": (
        "coordinator_a",
        lambda s: {"region": "regio-a"},
        lambda a, s: {
            "principle": "samen-beter",
            "target": "3,8",
            "round_id": s["round"].id,
            "why": "Samen beter",
        },
    ),
    "region.edit_ambition": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "ambition_id": s["ambition_a"].id},
        lambda a, s: {"principle": "kind-centraal", "target": "4,5", "round_id": s["round"].id},
    ),
    "region.delete_ambition": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "ambition_id": s["ambition_a"].id},
        lambda a, s: {},
    ),
    "region.add_agreement": (
        "coordinator_a",
        lambda s: {"region": "regio-a"},
        lambda a, s: {
            "title": "Elk kind een passende plek",
            "lead_sector": "gemeente",
            "lead_name": "Gemeente A",
            "indicator": "Thuiszitters",
            "verification": "Monitor",
        },
    ),
    "region.edit_agreement": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "agreement_id": s["agreement_a"].id},
        lambda a, s: {"title": "Afspraak a, scherper", "lead_sector": "gemeente"},
    ),
    "region.delete_agreement": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "agreement_id": s["agreement_a"].id},
        lambda a, s: {},
    ),
    "region.agreement_progress": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        lambda a, s: {
            f"status_{s['agreement_a'].id}": "on_track",
            f"note_{s['agreement_a'].id}": "Loopt",
        },
    ),
    "region.adopt_agenda": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        lambda a, s: {},
    ),
    "region.add_topic": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1"},
        lambda a, s: {"kind": "own", "title": "Ouders aan tafel"},
    ),
    "region.move_topic": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1", "topic_id": s["topic_a"].id},
        lambda a, s: {"direction": "down"},
    ),
    "region.remove_topic": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-1", "topic_id": s["topic_a"].id},
        lambda a, s: {},
    ),
    "region.network_choices": (
        "coordinator_a",
        lambda s: {"region": "regio-a"},
        lambda a, s: {"take_part": "y", "allow_quotes": "y"},
    ),
    "region.ask_partner": (
        "coordinator_a",
        lambda s: {"region": "regio-a"},
        lambda a, s: {"partner": "regio-b", "principle": "kind-centraal"},
    ),
    "region.answer_partner": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "partnership_id": s["partnership_in"].id},
        lambda a, s: {"decision": "accept"},
    ),
    "region.end_partnership": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "partnership_id": s["partnership_a"].id},
        lambda a, s: {},
    ),
    "region.quotations_page": (
        "coordinator_a",
        lambda s: {"region": "regio-a", "round_key": "ronde-n"},  # made by `prepare`
        lambda a, s: {"marks": [quotations.mark_of("kind-centraal", "Ouders aan tafel")]},
    ),
    "programme.report_bundles": ("programme", lambda s: {"round_key": "ronde-1"}, lambda a, s: {}),
    "programme.new_round": (
        "programme",
        lambda s: {},
        lambda a, s: {
            "key": "ronde-3",
            "title": "Ronde 3",
            "questionnaire": s["round"].questionnaire_version_id,
            "regions": [s["region_a"].id],
            **_moments(40),
        },
    ),
    "programme.edit_round": (
        "programme",
        lambda s: {"round_key": "ronde-1"},
        lambda a, s: {"title": "Ronde één", **_moments(-5)},
    ),
    "programme.close_round": ("programme", lambda s: {"round_key": "ronde-1"}, lambda a, s: {}),
    "programme.new_region": (
        "programme",
        lambda s: {},
        lambda a, s: {"key": "regio-c", "name": "Regio C", "sharing": "private"},
    ),
    "programme.edit_region": (
        "programme",
        lambda s: {"region_key": "regio-a"},
        lambda a, s: {"name": "Regio A-Noord", "sharing": "named"},
    ),
    "programme.new_coordinator": (
        "programme",
        lambda s: {},
        lambda a, s: {
            "name": "Nieuwe Coördinator",
            "email": "nc@example.org",
            "regions": [s["region_a"].id],
        },
    ),
    "programme.coordinator": (
        "programme",
        lambda s: {"user_id": s["coordinator_a"].id},
        lambda a, s: {"regions": [s["region_a"].id, s["region_b"].id]},
    ),
    "programme.deactivate_coordinator": (
        "programme",
        lambda s: {"user_id": s["coordinator_a"].id},
        lambda a, s: {},
    ),
    "programme.reactivate_coordinator": (
        "programme",
        lambda s: {"user_id": s["coordinator_a"].id},
        lambda a, s: {},
    ),
    "programme.resend_account_invitation": (
        "programme",
        lambda s: {"user_id": s["coordinator_a"].id},
        lambda a, s: {},
    ),
    "programme.import_preview": (
        "programme",
        lambda s: {},
        lambda a, s: {"round": "ronde-1", "file": (ReusableFile(IMPORT_FILE), "ronde.csv")},
    ),
    "programme.import_confirm": ("programme", lambda s: {}, lambda a, s: {}),
    "programme.questionnaire_upload": (
        "programme",
        lambda s: {},
        lambda a, s: {"file": (ReusableFile(THIRD_VERSION), "zelfscan-mao-v3.toml")},
    ),
    "programme.questionnaire_publish": (
        "programme",
        lambda s: {"key": "zelfscan-mao", "version": 3},
        lambda a, s: {},
    ),
    "programme.privacy_lookup": (
        "programme",
        lambda s: {},
        lambda a, s: {"email": s["invitation_a"].email},
    ),
    "programme.privacy_export": (
        "programme",
        lambda s: {},
        lambda a, s: {"email": s["invitation_a"].email},
    ),
    "programme.privacy_erase": (
        "programme",
        lambda s: {},
        lambda a, s: {"email": s["invitation_a"].email, "confirm": "y"},
    ),
}

# Routes whose valid form changes nothing in the database (session, mail or a download only).
NO_DATABASE_WRITE = {
    "main.set_language",
    "account.forgot_password",
    "programme.resend_account_invitation",
    "programme.privacy_lookup",
    "programme.privacy_export",
    "programme.reactivate_coordinator",  # the account is active already
}


@pytest.fixture
def writes_scene(scene: dict[str, Any], app: Flask) -> dict[str, Any]:
    """The scene with what some write routes need in place: a reset link, a started response."""
    return {**scene, "reset_token": reset_token(app, scene)}


def prepare(endpoint: str, client: Any, scene: dict[str, Any], db: Session) -> None:
    """Bring the scene to where the route's form makes sense, as a person would get there."""
    sign_in_as(client, WRITES[endpoint][0], scene, db)
    if endpoint in ("respondent.submit", "respondent.principle", "respondent.autosave"):
        assert client.post("/vragenlijst/starten").status_code == 302
    conversation = (
        "region.agreed_positions",
        "region.adopt_agenda",
        "region.add_topic",
        "programme.report_bundles",
    )
    if endpoint in conversation and not scene["round"].figures_released():
        close_round(db, scene["round"])  # positions are agreed after the results
    if endpoint in ("region.ask_partner", "region.quotations_page"):
        learning_network_figures(scene, db)
    if endpoint == "region.restore_invitation":  # a revoked invitation, to restore
        scene["invitation_a"].revoked_at = utcnow()
        db.add(scene["invitation_a"])
        db.commit()
    if endpoint == "programme.import_confirm":  # a file previewed in this session
        answer = client.post(
            "/programma/import",
            data={"round": "ronde-1", "file": (io.BytesIO(IMPORT_FILE), "ronde.csv")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
    if endpoint == "programme.questionnaire_publish":  # a draft to publish
        answer = client.post(
            "/programma/vragenlijsten",
            data={"file": (io.BytesIO(THIRD_VERSION), "zelfscan-mao-v3.toml")},
            content_type="multipart/form-data",
        )
        # 400: an earlier request of the same walk published it already (and it stays so).
        assert answer.status_code in (302, 400), answer.get_data(as_text=True)
    if endpoint == "region.remind_unanswered":  # mailed two days ago: a reminder is due
        scene["invitation_a"].sent_at = utcnow() - timedelta(days=2)
        db.add(scene["invitation_a"])
        db.commit()


def learning_network_figures(scene: dict[str, Any], db: Session) -> None:
    """Two closed rounds of regions A and B of their own ("ronde-0" long ago, "ronde-n" closed
    just now, the latest for both) in which B is suggested to A (A focuses on kind-centraal, B
    rose from 2 to 5 while A scores 3), and a comment of A's that may be marked; A's partnership
    with B ended, so that A may ask again. Idempotent: one walk prepares many routes."""
    if db.exec(sql_select(Round).where(Round.key == "ronde-n")).first() is not None:
        return
    now = utcnow()
    regions = (scene["region_a"], scene["region_b"])
    version = db.get(QuestionnaireVersion, scene["round"].questionnaire_version_id)
    made = {}
    for key, opens, closes in (("ronde-0", 200, 150), ("ronde-n", 1, -1)):
        made[key] = rounds.add_round(
            db,
            key=key,
            title=key,
            questionnaire=version,
            opens_at=now - timedelta(days=opens),
            closes_at=now - timedelta(days=closes),
            regions=regions,
        )
    db.commit()
    import_rows(db, made["ronde-0"], [row("regio-b", "School B", "po", "2") for _ in range(3)])
    import_rows(
        db,
        made["ronde-n"],
        [row("regio-a", "School A", "po", "3") for _ in range(3)]
        + [row("regio-b", "School B", "po", "5") for _ in range(3)],
    )
    close_round(db, made["ronde-n"])
    agenda.save_reflections(
        db,
        region=scene["region_a"],
        round_=made["ronde-n"],
        entries={"kind-centraal": ReflectionInput("", True)},
    )
    scene["partnership_a"].state = "ended"
    db.add(scene["partnership_a"])
    response = db.exec(
        sql_select(Response).where(
            Response.round_id == made["ronde-n"].id,
            Response.region_id == scene["region_a"].id,
            Response.status == "submitted",
        )
    ).first()
    db.add(
        PrincipleComment(
            response_id=response.id, principle="kind-centraal", text="Ouders aan tafel"
        )
    )
    db.commit()
