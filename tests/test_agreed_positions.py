"""The region's agreed position after the conversation about a round's results: recorded per
principle with why and who was at the table, only once the figures are released; shown on the
dashboard beside the measured figures, over the rounds, and on the programme overview."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from test_exchange import import_rows
from test_overview import ROUND_0, ROUND_1, row

from conftest import close_round, login
from selfscan.models import AgreedPosition, Meeting
from selfscan.models.types import utcnow
from selfscan.services import conversation
from selfscan.services.conversation import ConversationError, PositionInput, to_tenths

URL = "/regio/regio-a/rondes/ronde-1/afgesproken-positie"
GOOD = {
    "held_on": "2026-12-03",
    "sectors": ["po", "gemeente"],
    "score_kind_centraal": "3,5",
    "why_kind_centraal": "Scholen zien het beter dan de gemeente; samen zeggen we 3,5.",
    "score_samen_beter": "4",
    "why_samen_beter": "Eens",
}


# Round 1 with three sectors of region a at k = 3: po, gemeente and vo (two more vo rows).
THREE_SECTORS = [
    *ROUND_1,
    row("regio-a", "VO school", "vo", "2"),
    row("regio-a", "VO school", "vo", "2"),
]


@pytest.fixture
def closed(db, world):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    return world["round"]


def positions(db):
    db.expire_all()
    return {
        (p.region_id, p.principle): (p.score_tenths, p.rationale)
        for p in db.exec(select(AgreedPosition))
    }


def test_positions_wait_for_the_results(client, db, world):
    login(client, world["coordinator_a"])
    page = client.get(URL)
    assert page.status_code == 200
    assert "De partners spreken een positie af nadat ze de resultaten hebben gezien" in page.text
    assert 'name="score_kind_centraal"' not in page.text
    client.post(URL, data=GOOD)
    assert positions(db) == {}
    with pytest.raises(ConversationError) as refused:
        conversation.save_agreed(
            db,
            region=world["region_a"],
            round_=world["round"],
            held_on=None,
            sectors=[],
            positions={"kind-centraal": PositionInput(3.0, "x")},
        )
    assert refused.value.reason == "not_released"


def test_recorded_positions_show_on_the_dashboard_beside_the_measured_figures(
    client, db, world, closed
):
    login(client, world["coordinator_a"])
    dashboard = "/regio/regio-a/resultaten/ronde-1"
    before = client.get(dashboard).text  # kept: the stamp must notice the new positions
    assert "Voor deze ronde is nog geen gezamenlijke positie vastgelegd." in before

    form = client.get(URL)
    # Measured beside the fields: region a's kind-centraal mean and its sectors' range
    # (po 4, 5, 3 -> 4,00; gemeente 2, 4, 5 -> 3,67; vo 1, 2, 2 -> 1,67).
    assert "Sectoren van 1,67 tot 4,00." in form.text
    saved = client.post(URL, data=GOOD)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#agreed")
    region_id = world["region_a"].id
    assert positions(db) == {
        (region_id, "kind-centraal"): (35, GOOD["why_kind_centraal"]),
        (region_id, "samen-beter"): (40, "Eens"),
    }
    meeting = db.get(Meeting, (world["round"].id, region_id))
    assert meeting.sector_keys == ["po", "gemeente"] and str(meeting.held_on) == "2026-12-03"

    after = client.get(dashboard).text
    assert "Afgesproken in het gesprek van 3 december 2026." in after
    assert "Aan tafel: primair onderwijs, gemeente." in after
    assert '<td class="num">3,5</td>' in after and GOOD["why_kind_centraal"] in after

    # The form shows what was stored, as people write it.
    again = client.get(URL).text
    assert 'value="3,5"' in again and 'value="4,0"' in again


def test_an_emptied_score_removes_the_position(client, db, world, closed):
    login(client, world["coordinator_a"])
    client.post(URL, data=GOOD)
    client.post(URL, data={**GOOD, "score_samen_beter": "", "why_samen_beter": ""})
    assert set(positions(db)) == {(world["region_a"].id, "kind-centraal")}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score_kind_centraal": "6"}, "De afgesproken score ligt tussen 1 en 5."),
        ({"score_kind_centraal": "0,5"}, "De afgesproken score ligt tussen 1 en 5."),
        ({"score_kind_centraal": "3,55"}, "Geef de afgesproken score met hoogstens één decimaal"),
        ({"score_kind_centraal": "veel"}, "Vul een score van 1 tot en met 5 in"),
        ({"score_kind_centraal": "nan"}, "Vul een score van 1 tot en met 5 in"),
        ({"score_kind_centraal": ""}, "Vul ook de afgesproken score in, of laat de toelichting"),
        ({"why_kind_centraal": "x" * 1001}, "Maximaal 1000 tekens."),
        ({"sectors": ["po", "kapper"]}, "ongeldige keuze"),
        ({"held_on": "3 december"}, "datum"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(client, db, world, closed, change, message):
    login(client, world["coordinator_a"])
    page = client.post(URL, data={**GOOD, **change})
    assert page.status_code == 400
    assert message.lower() in page.text.lower()
    assert "Corrigeer het volgende" in page.text or "error-summary" in page.text
    assert positions(db) == {}
    assert db.exec(select(Meeting)).all() == []


def test_other_regions_coordinator_is_refused_and_the_programme_team_may(client, db, world, closed):
    login(client, world["coordinator_b"])
    assert client.get(URL).status_code == 403
    assert client.post(URL, data=GOOD).status_code == 403
    assert positions(db) == {}
    client.post("/uitloggen")
    login(client, world["programme"])
    assert client.post(URL, data=GOOD).status_code == 302
    assert len(positions(db)) == 2


def test_agreed_scores_over_the_rounds_and_on_the_programme_overview(client, make, db, world):
    now = utcnow()
    round_0 = make.round(
        "ronde-0",
        (world["region_a"], world["region_b"]),
        title="Ronde 0",
        opens_at=now - timedelta(days=200),
        closes_at=now - timedelta(days=150),
    )
    import_rows(db, round_0, ROUND_0)
    import_rows(db, world["round"], ROUND_1)
    close_round(db, world["round"])
    for round_, score in ((round_0, 2.5), (world["round"], 3.5)):
        conversation.save_agreed(
            db,
            region=world["region_a"],
            round_=round_,
            held_on=None,
            sectors=["po"],
            positions={"kind-centraal": PositionInput(score, "Zo zien we het")},
        )
    db.commit()

    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/resultaten/ronde-1").text
    history = page[page.index("Afgesproken scores over de rondes") :]
    assert history.index("Ronde 0") < history.index("Ronde 1")
    assert '<td class="num">2,5</td><td class="num">3,5</td>' in history

    client.post("/uitloggen")
    login(client, world["programme"])
    overview = client.get("/programma/overzicht/ronde-1").text
    section = overview[overview.index('id="agreed-heading"') :]
    # Region a measured 4,00 on kind-centraal... per its all-sectors mean; agreed 3,5.
    assert "3,5 afgesproken" in section and "Regio A" in section
    assert "Regio B" not in section[: section.index("</section>")]


def test_to_tenths_takes_the_scale_in_tenths_only():
    assert to_tenths(3.5) == 35 and to_tenths(1) == 10 and to_tenths(5.0) == 50
    for bad, reason in ((0.9, "score_range"), (5.1, "score_range"), (3.25, "score_precision")):
        with pytest.raises(ConversationError) as refused:
            to_tenths(bad)
        assert refused.value.reason == reason
