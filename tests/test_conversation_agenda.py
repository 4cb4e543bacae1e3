"""The conversation agenda: Selfscan's proposal from the shown figures, kept, reordered, trimmed
and added to by the coordinator, printed alone or in the region report; nothing before the round
closes, another region's coordinator never, bad input named and without effect."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlmodel import select
from test_agreed_positions import THREE_SECTORS
from test_exchange import import_rows

from conftest import close_round, login
from selfscan.models import ConversationTopic

PAGE = "/regio/regio-a/rondes/ronde-1/gespreksagenda"


@pytest.fixture
def closed(db, world):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    return world["round"]


def kept(db):
    db.expire_all()
    rows = db.exec(select(ConversationTopic).order_by(ConversationTopic.position)).all()
    return [(t.kind, t.subject or t.title) for t in rows]


def test_no_agenda_before_the_round_closes(client, db, world):
    import_rows(db, world["round"], THREE_SECTORS)
    login(client, world["coordinator_a"])
    page = client.get(PAGE)
    assert page.status_code == 302 and page.headers["Location"].endswith("/resultaten/ronde-1")
    client.post(PAGE + "/vastleggen")
    client.post(PAGE + "/onderwerpen", data={"kind": "own", "title": "Te vroeg"})
    assert kept(db) == []


def test_the_proposal_is_kept_reordered_trimmed_and_added_to(client, db, world, closed):
    login(client, world["coordinator_a"])
    page = client.get(PAGE).text
    assert "Leg deze agenda vast" in page
    # The largest gap of region a: vo 1,67 against po 4,00 on the principles and statements
    # other than kind-centraal; every topic quotes shown figures only.
    assert "De sectoren verschillen: voortgezet onderwijs 1,67, primair onderwijs 4,00." in page
    assert "Om het gesprek te openen" in page

    client.post(PAGE + "/vastleggen")
    proposal = kept(db)
    assert 3 <= len(proposal) <= 5
    assert all(kind in ("principle", "statement") for kind, _ in proposal)

    topics = db.exec(select(ConversationTopic).order_by(ConversationTopic.position)).all()
    first, second = topics[0], topics[1]
    client.post(f"{PAGE}/onderwerpen/{second.id}/verplaatsen", data={"direction": "up"})
    assert kept(db)[:2] == [proposal[1], proposal[0]]
    # At the top, up changes nothing; a direction that is neither is refused.
    client.post(f"{PAGE}/onderwerpen/{second.id}/verplaatsen", data={"direction": "up"})
    refused = client.post(
        f"{PAGE}/onderwerpen/{second.id}/verplaatsen", data={"direction": "sideways"}
    )
    assert "Kies omhoog of omlaag." in client.get(refused.headers["Location"]).text
    assert kept(db)[:2] == [proposal[1], proposal[0]]

    client.post(f"{PAGE}/onderwerpen/{first.id}/verwijderen")
    assert proposal[0] not in kept(db)
    # It is back among the topics that can be added.
    assert f'name="subject" value="{proposal[0][1]}"' in client.get(PAGE).text

    client.post(PAGE + "/onderwerpen", data={"kind": "own", "title": "  Wachtlijsten   jeugdhulp "})
    client.post(PAGE + "/onderwerpen", data={"kind": proposal[0][0], "subject": proposal[0][1]})
    assert kept(db)[-2:] == [("own", "Wachtlijsten jeugdhulp"), proposal[0]]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"kind": "own", "title": "   "}, "Beschrijf het onderwerp."),
        ({"kind": "own", "title": "x" * 301}, "Een onderwerp heeft hoogstens 300 tekens."),
        ({"kind": "statement", "subject": "zz-9"}, "staat niet in de vragenlijst van de ronde"),
        ({"kind": "principle", "subject": "<script>"}, "staat niet in de vragenlijst van de ronde"),
        ({"kind": "nonsense"}, "staat niet in de vragenlijst van de ronde"),
    ],
)
def test_bad_topics_are_named_and_change_nothing(client, db, world, closed, form, message):
    login(client, world["coordinator_a"])
    client.post(PAGE + "/vastleggen")
    before = kept(db)
    answer = client.post(PAGE + "/onderwerpen", data=form)
    assert answer.status_code == 302
    assert message in client.get(answer.headers["Location"]).text
    assert kept(db) == before


def test_a_topic_already_on_the_agenda_and_a_full_agenda_are_refused(client, db, world, closed):
    login(client, world["coordinator_a"])
    client.post(PAGE + "/vastleggen")
    kind, subject = kept(db)[0]
    answer = client.post(PAGE + "/onderwerpen", data={"kind": kind, "subject": subject})
    assert "Dit onderwerp staat al op de agenda." in client.get(answer.headers["Location"]).text
    while len(kept(db)) < 8:
        client.post(PAGE + "/onderwerpen", data={"kind": "own", "title": f"Eigen {len(kept(db))}"})
    answer = client.post(PAGE + "/onderwerpen", data={"kind": "own", "title": "Nog een"})
    assert "hoogstens 8 onderwerpen" in client.get(answer.headers["Location"]).text
    assert len(kept(db)) == 8


def test_the_agenda_prints_alone_and_in_the_report(client, db, world, closed):
    login(client, world["coordinator_a"])
    client.post(PAGE + "/vastleggen")
    client.post(PAGE + "/onderwerpen", data={"kind": "own", "title": "Ouders <b>aan</b> tafel"})
    pdf = client.get(PAGE + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Regio A: gespreksagenda na Ronde 1" in text
    assert "Ouders <b>aan</b> tafel" in text
    report = client.get("/regio/regio-a/rapport/ronde-1").text
    assert "Gespreksagenda" in report and "Ouders &lt;b&gt;aan&lt;/b&gt; tafel" in report


def test_another_regions_coordinator_is_refused(client, db, world, closed):
    login(client, world["coordinator_b"])
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE + "/vastleggen").status_code == 403
    assert kept(db) == []
