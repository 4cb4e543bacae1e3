"""Questionnaire versions the programme team manages in the app: an uploaded file is checked
by the loader (its messages name file, item and field), kept as a draft to preview in every
language and perspective, then published; a published or shipped version never changes."""

from __future__ import annotations

import io
import re

import pytest
from respondent_support import enter
from sqlalchemy import func
from sqlmodel import select

from conftest import login
from selfscan.infra.config import PROJECT_ROOT
from selfscan.models import Item, QuestionnaireVersion

PAGE = "/programma/vragenlijsten"
SECOND = (PROJECT_ROOT / "questionnaires" / "zelfscan-mao-v2.toml").read_text(encoding="utf-8")
THIRD = SECOND.replace("version = 2\n", "version = 3\n", 1).replace(
    "De hulp die ik krijg, past bij wat ik nodig heb.", "Ik krijg de hulp die ik nodig heb."
)


def _upload(client, content: str | bytes, name: str = "zelfscan-mao-v3.toml"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        PAGE, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def _third(db) -> QuestionnaireVersion | None:
    return db.exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == "zelfscan-mao", QuestionnaireVersion.version == 3
        )
    ).first()


@pytest.fixture
def programme(client, world):
    login(client, world["programme"])
    return client


def test_only_the_programme_team_uploads_and_publishes(client, world, db):
    login(client, world["coordinator_a"])
    assert _upload(client, THIRD).status_code == 403
    assert client.post(f"{PAGE}/zelfscan-mao/1/publiceren").status_code == 403
    assert _third(db) is None


def test_a_good_file_becomes_a_draft_previewed_in_every_language_and_perspective(
    programme, db, world
):
    assert _upload(programme, THIRD).status_code == 302
    page = programme.get(PAGE).get_data(as_text=True)
    assert "is gecontroleerd en bewaard als concept" in page
    row = _third(db)
    assert row is not None and row.published_at is None and row.content == THIRD
    assert db.exec(select(func.count()).where(Item.questionnaire_version_id == row.id)).one() == 30
    # Not offered to a new round before it is published.
    assert f'value="{row.id}"' not in programme.get("/programma/rondes/nieuw").get_data(
        as_text=True
    )
    base = f"{PAGE}/zelfscan-mao/3/kind-centraal"
    young = programme.get(base + "?perspectief=young").get_data(as_text=True)
    assert "Ik krijg de hulp die ik nodig heb." in young
    programme.post("/taal", data={"lang": "en", "next": base})
    english = programme.get(base + "?perspectief=parent").get_data(as_text=True)
    assert "The help my child gets fits what my child needs" in english
    assert programme.get(f"{PAGE}/zelfscan-mao/3/samen-beter").status_code == 200


def test_publishing_makes_it_usable_and_frozen(programme, db, make, world):
    _upload(programme, THIRD)
    assert programme.post(f"{PAGE}/zelfscan-mao/3/publiceren").status_code == 302
    row = _third(db)
    db.refresh(row)
    assert row.published_at is not None
    assert f'value="{row.id}"' in programme.get("/programma/rondes/nieuw").get_data(as_text=True)
    again = _upload(programme, THIRD.replace("Ik krijg de hulp", "Ik krijg alle hulp"))
    assert again.status_code == 400
    assert "is gepubliceerd en verandert nooit meer" in again.get_data(as_text=True)
    assert "zelfscan-mao-v4.toml" in again.get_data(as_text=True)
    db.refresh(row)
    assert row.content == THIRD
    # A round on the uploaded version: its respondents read the uploaded file's texts.
    round_ = make.round("ronde-3", (world["region_a"],), version=3)
    parents = make.organisation(world["region_a"], "Ouders A", "ouders")
    _, token = make.invitation(round_, parents, perspective="young")
    respondent = programme.application.test_client()
    enter(respondent, token)
    page = respondent.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert "Ik krijg de hulp die ik nodig heb." in page


def test_a_draft_may_be_replaced_before_it_is_published(programme, db):
    _upload(programme, THIRD)
    changed = THIRD.replace("Ik krijg de hulp", "Ik krijg snel de hulp")
    assert _upload(programme, changed).status_code == 302
    assert _third(db).content == changed  # type: ignore[union-attr]
    assert db.exec(select(func.count()).select_from(QuestionnaireVersion)).one() == 3


BAD = [
    (
        "an item without English",
        re.sub(
            r'(key = "kc-2"\nprinciple = .*\ntext = \{ nl = "[^"]*"), en = "[^"]*" \}',
            r"\1 }",
            THIRD,
        ),
        "zelfscan-mao-v3.toml",
        "zelfscan-mao-v3.toml: item &#39;kc-2&#39;, veld &#39;text.en&#39;: ontbreekt of is leeg",
    ),
    (
        "a name that does not match the version",
        THIRD,
        "zelfscan-mao-v4.toml",
        "het bestand moet zelfscan-mao-v3.toml heten",
    ),
    (
        "a young variant in an unknown language",
        THIRD.replace('young = { nl = "Ik krijg', 'young = { de = "x", nl = "Ik krijg', 1),
        "zelfscan-mao-v3.toml",
        "veld &#39;young.de&#39;: is geen bekende taal",
    ),
    (
        "not UTF-8",
        THIRD.encode("utf-16"),
        "zelfscan-mao-v3.toml",
        "het bestand is geen UTF-8-tekst",
    ),
    (
        "a shipped version",
        SECOND.replace("De hulp die ik krijg", "Hulp"),
        "zelfscan-mao-v2.toml",
        "zelfscan-mao v2 is gepubliceerd en verandert nooit meer",
    ),
]


@pytest.mark.parametrize(
    ("content", "name", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_a_bad_file_is_refused_with_the_loaders_message_and_nothing_is_kept(
    programme, db, content, name, message
):
    before = db.exec(select(func.count()).select_from(QuestionnaireVersion)).one()
    answer = _upload(programme, content, name)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert db.exec(select(func.count()).select_from(QuestionnaireVersion)).one() == before


def test_the_loaders_message_is_english_in_the_english_interface(programme, db):
    programme.post("/taal", data={"lang": "en", "next": PAGE})
    content, name, _dutch = BAD[0][1:]
    answer = _upload(programme, content, name)
    assert answer.status_code == 400
    assert (
        "zelfscan-mao-v3.toml: item &#39;kc-2&#39;, field &#39;text.en&#39;: is missing or empty"
        in answer.get_data(as_text=True)
    )


def test_no_file_is_a_clear_400(programme, db):
    answer = programme.post(PAGE, data={})
    assert answer.status_code == 400
    assert "Kies een bestand om te uploaden." in answer.get_data(as_text=True)
