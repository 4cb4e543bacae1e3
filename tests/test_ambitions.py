"""A region's ambitions (the score aimed for on a principle by a round) and result agreements
(what the partners agreed, under whose direction, how it stands each round): recorded by the
coordinator, refused with a Dutch message that changes nothing, out of reach of another region,
and shown against the measured figures (rules 5-8) on the dashboard, the report and the overview.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select
from test_exchange import import_rows
from test_overview import ROUND_0, ROUND_1

from conftest import close_round, login
from selfscan.core.ambitions import Standing, region_rows, status_counts
from selfscan.core.vocabulary import AGREEMENT_STATUS_KEYS, PRINCIPLE_KEYS
from selfscan.models import Action, AgreementProgress, Ambition, ResultAgreement
from selfscan.models.types import utcnow
from selfscan.services import agenda, ambitions
from selfscan.services.ambitions import AgreementInput, AmbitionError, ProgressInput

PAGE = "/regio/regio-a/ambities"
ADD_AMBITION = "/regio/regio-a/ambities/nieuw"
ADD_AGREEMENT = "/regio/regio-a/resultaatafspraken/nieuw"
PROGRESS = "/regio/regio-a/rondes/ronde-1/resultaatafspraken"
DASHBOARD = "/regio/regio-a/resultaten/ronde-1"
AGREEMENT = {
    "title": "Elk kind binnen vier weken passende ondersteuning",
    "lead_sector": "gemeente",
    "lead_name": "Gemeente Hengelo",
    "indicator": "Wachttijd jeugdhulp in weken",
    "verification": "Monitor van de gemeente, elk voorjaar",
}


def ambition_form(world, **change):
    return {
        "principle": "kind-centraal",
        "target": "4,2",
        "round_id": str(world["round"].id),
        "why": "Ouders zeggen dat het beter kan.",
        **change,
    }


def stored(db, model):
    db.expire_all()
    return db.exec(select(model)).all()


@pytest.fixture
def agreement(db, world):
    found = ambitions.add_agreement(db, region=world["region_a"], entry=AgreementInput(**AGREEMENT))
    db.commit()
    return found


# --- the pure part ------------------------------------------------------------------------------


def test_a_standing_measures_only_what_is_shown():
    assert Standing(4.0, 3.6).gap == 0.4 and Standing(4.0, 3.6).reached is False
    assert Standing(3.5, 3.5).reached is True and Standing(3.5, 3.504).reached is True
    assert Standing(3.5, 3.494).reached is False
    assert Standing(4.2, None).gap is None and Standing(4.2, None).reached is None
    assert Standing(3.0, 3.25).gap == -0.25


def test_region_rows_count_statuses_and_leave_regions_without_anything_out():
    rows = region_rows(
        [1, 2, 3],
        PRINCIPLE_KEYS,
        {1: [("samen-beter", 4.0)]},
        {1: (None, None, None, None, 3.5)},
        {1: 2, 2: 1},
        {1: ["on_track", "behind"]},
        {2: ["not_started"]},
        AGREEMENT_STATUS_KEYS,
    )
    assert [r.region_id for r in rows] == [1, 2]
    assert rows[0].standings == [("samen-beter", Standing(4.0, 3.5))]
    assert rows[0].now == {**status_counts([], AGREEMENT_STATUS_KEYS), "on_track": 1, "behind": 1}
    assert rows[0].recorded == 2 and rows[1].recorded == 0
    assert rows[1].before is not None and rows[1].before["not_started"] == 1


# --- services -----------------------------------------------------------------------------------


def test_the_service_refuses_what_cannot_be(db, world, make):
    region_a = world["region_a"]
    ambitions.add_ambition(
        db, region=region_a, round_=world["round"], principle="kind-centraal", target=4
    )
    other = make.round("ronde-b", (world["region_b"],), title="Alleen B")
    cases = [
        (dict(round_=world["round"], principle="kind-centraal", target=3.5), "duplicate"),
        (dict(round_=other, principle="samen-beter", target=3.5), "round"),
        (dict(round_=world["round"], principle="geluk", target=3.5), "principle"),
        (dict(round_=world["round"], principle="samen-beter", target=5.5), "score_range"),
        (dict(round_=world["round"], principle="samen-beter", target=3.25), "score_precision"),
    ]
    for kwargs, reason in cases:
        with pytest.raises(AmbitionError) as refused:
            ambitions.add_ambition(db, region=region_a, **kwargs)
        assert refused.value.reason == reason
    with pytest.raises(AmbitionError):
        ambitions.add_agreement(db, region=region_a, entry=AgreementInput(title="  "))
    with pytest.raises(AmbitionError):
        ambitions.add_agreement(
            db, region=region_a, entry=AgreementInput("x", lead_sector="kapper")
        )
    db.commit()
    assert len(stored(db, Ambition)) == 1 and stored(db, ResultAgreement) == []


def test_progress_only_for_the_regions_own_agreements(db, world, agreement):
    theirs = ambitions.add_agreement(db, region=world["region_b"], entry=AgreementInput("B's"))
    with pytest.raises(AmbitionError) as refused:
        ambitions.save_progress(
            db,
            region=world["region_a"],
            round_=world["round"],
            entries={theirs.id: ProgressInput("on_track")},
        )
    assert refused.value.reason == "agreement"
    with pytest.raises(agenda.AgendaError):
        agenda.add_action(
            db,
            region=world["region_a"],
            round_=world["round"],
            principle="samen-beter",
            title="Actie",
            agreement_id=theirs.id,
        )


# --- pages: recording ---------------------------------------------------------------------------


def test_the_coordinator_records_an_ambition_and_changes_and_removes_it(client, db, world):
    login(client, world["coordinator_a"])
    page = client.get(PAGE)
    assert page.status_code == 200 and "Nog geen ambities." in page.text
    saved = client.post(ADD_AMBITION, data=ambition_form(world))
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#ambitions")
    [ambition] = stored(db, Ambition)
    assert (ambition.principle, ambition.target_tenths, ambition.round_id) == (
        "kind-centraal",
        42,
        world["round"].id,
    )
    assert ambition.why == "Ouders zeggen dat het beter kan."

    edit = f"/regio/regio-a/ambities/{ambition.id}"
    assert 'value="4,2"' in client.get(edit).text
    assert client.post(edit, data=ambition_form(world, target="3")).status_code == 302
    assert stored(db, Ambition)[0].target_tenths == 30

    confirm = client.get(f"{edit}/verwijderen")
    assert "Ambitie voor “Het kind centraal” verwijderen?" in confirm.text
    assert stored(db, Ambition)  # asking changes nothing
    assert client.post(f"{edit}/verwijderen").status_code == 302
    assert stored(db, Ambition) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target": "6"}, "De nagestreefde score ligt tussen 1 en 5."),
        ({"target": "0,5"}, "De nagestreefde score ligt tussen 1 en 5."),
        ({"target": "3,55"}, "Geef de score met hoogstens één decimaal"),
        ({"target": "veel"}, "Vul een score van 1 tot en met 5 in"),
        ({"target": ""}, "Vul de score in die de regio nastreeft"),
        ({"principle": ""}, "Kies een principe."),
        ({"principle": "geluk"}, "ongeldige keuze"),
        ({"round_id": ""}, "Kies de ronde waarin de regio deze score wil halen."),
        ({"round_id": "abc"}, "Kies de ronde waarin de regio deze score wil halen."),
        ({"why": "x" * 501}, "Maximaal 500 tekens."),
    ],
)
def test_bad_ambitions_are_named_and_change_nothing(client, db, world, change, message):
    login(client, world["coordinator_a"])
    page = client.post(ADD_AMBITION, data=ambition_form(world, **change))
    assert page.status_code == 400
    assert message.lower() in page.text.lower()
    assert "Verbeter het volgende" in page.text
    assert stored(db, Ambition) == []


def test_an_ambition_aims_at_a_round_of_the_region_only(client, db, world, make):
    only_b = make.round("ronde-b", (world["region_b"],), title="Alleen B")
    login(client, world["coordinator_a"])
    page = client.post(ADD_AMBITION, data=ambition_form(world, round_id=str(only_b.id)))
    assert page.status_code == 400 and "ongeldige keuze" in page.text.lower()
    client.post(ADD_AMBITION, data=ambition_form(world))
    twice = client.post(ADD_AMBITION, data=ambition_form(world, target="5"))
    assert twice.status_code == 400
    assert "De regio heeft al een ambitie voor dit principe in deze ronde" in twice.text
    assert [a.target_tenths for a in stored(db, Ambition)] == [42]


def test_the_coordinator_records_agreements_and_how_they_stand(client, db, world):
    login(client, world["coordinator_a"])
    assert client.post(ADD_AGREEMENT, data=AGREEMENT).status_code == 302
    [agreement] = stored(db, ResultAgreement)
    assert (agreement.lead_sector, agreement.lead_name) == ("gemeente", "Gemeente Hengelo")
    page = client.get(PAGE).text
    assert AGREEMENT["title"] in page and "Gemeente Hengelo (gemeente)" in page

    form = client.get(PROGRESS)
    assert form.status_code == 200 and AGREEMENT["title"] in form.text
    status, note = f"status_{agreement.id}", f"note_{agreement.id}"
    saved = client.post(PROGRESS, data={status: "behind", note: "Te weinig plekken"})
    assert saved.status_code == 302
    [progress] = stored(db, AgreementProgress)
    assert (progress.status, progress.note, progress.round_id) == (
        "behind",
        "Te weinig plekken",
        world["round"].id,
    )
    assert 'selected value="behind"' in client.get(PROGRESS).text.replace(
        'value="behind" selected', 'selected value="behind"'
    )
    # Not recorded again: the record goes.
    assert client.post(PROGRESS, data={status: "", note: ""}).status_code == 302
    assert stored(db, AgreementProgress) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Beschrijf wat de partners hebben afgesproken te bereiken."),
        ({"title": "x" * 301}, "Maximaal 300 tekens."),
        ({"lead_sector": "kapper"}, "ongeldige keuze"),
        ({"indicator": "x" * 301}, "Maximaal 300 tekens."),
        ({"lead_name": "x" * 161}, "Maximaal 160 tekens."),
    ],
)
def test_bad_agreements_are_named_and_change_nothing(client, db, world, change, message):
    login(client, world["coordinator_a"])
    page = client.post(ADD_AGREEMENT, data={**AGREEMENT, **change})
    assert page.status_code == 400
    assert message.lower() in page.text.lower()
    assert stored(db, ResultAgreement) == []


@pytest.mark.parametrize(
    ("status", "note", "message"),
    [
        ("", "Een notitie", "Kies ook hoe de afspraak ervoor staat, of laat de opmerking leeg."),
        ("misschien", "", "ongeldige keuze"),
        ("on_track", "x" * 501, "Maximaal 500 tekens."),
    ],
)
def test_bad_progress_is_named_and_changes_nothing(
    client, db, world, agreement, status, note, message
):
    login(client, world["coordinator_a"])
    page = client.post(
        PROGRESS, data={f"status_{agreement.id}": status, f"note_{agreement.id}": note}
    )
    assert page.status_code == 400 and message.lower() in page.text.lower()
    assert stored(db, AgreementProgress) == []


def test_an_action_serves_an_agreement_and_stays_when_it_goes(client, db, world, agreement):
    login(client, world["coordinator_a"])
    agenda_page = "/regio/regio-a/rondes/ronde-1/leeragenda"
    assert AGREEMENT["title"] in client.get(agenda_page).text  # offered in the form
    added = client.post(
        f"{agenda_page}/acties",
        data={
            "principle": "partnerschap-regie",
            "title": "Wachtlijst samen bespreken",
            "status": "open",
            "agreement_id": str(agreement.id),
        },
    )
    assert added.status_code == 302
    [action] = stored(db, Action)
    assert action.agreement_id == agreement.id
    theirs = ambitions.add_agreement(db, region=world["region_b"], entry=AgreementInput("B's"))
    db.commit()
    refused = client.post(
        f"{agenda_page}/acties/{action.id}",
        data={
            "principle": "samen-beter",
            "title": "X",
            "status": "open",
            "agreement_id": theirs.id,
        },
    )
    assert refused.status_code == 400 and "ongeldige keuze" in refused.text.lower()
    assert stored(db, Action)[0].agreement_id == agreement.id

    delete = f"/regio/regio-a/resultaatafspraken/{agreement.id}/verwijderen"
    confirm = client.get(delete).text
    assert "1 actie van de leeragenda hoort erbij" in confirm
    assert client.post(delete).status_code == 302
    assert stored(db, Action)[0].agreement_id is None
    assert [a.title for a in stored(db, ResultAgreement)] == ["B's"]


# --- access -------------------------------------------------------------------------------------


def test_another_regions_coordinator_reaches_nothing(client, db, world, agreement):
    ambition = ambitions.add_ambition(
        db, region=world["region_a"], round_=world["round"], principle="samen-beter", target=4
    )
    db.commit()
    login(client, world["coordinator_b"])
    for url in (
        PAGE,
        PROGRESS,
        f"/regio/regio-a/ambities/{ambition.id}",
        f"/regio/regio-a/resultaatafspraken/{agreement.id}",
        f"/regio/regio-a/resultaatafspraken/{agreement.id}/verwijderen",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(ADD_AMBITION, data=ambition_form(world)).status_code == 403
    assert client.post(f"/regio/regio-a/ambities/{ambition.id}/verwijderen").status_code == 403
    # Region a's object under region b's address: not found.
    assert client.get(f"/regio/regio-b/ambities/{ambition.id}").status_code == 404
    assert (
        client.post(f"/regio/regio-b/resultaatafspraken/{agreement.id}/verwijderen").status_code
        == 404
    )
    assert len(stored(db, Ambition)) == 1 and len(stored(db, ResultAgreement)) == 1


# --- the results pages --------------------------------------------------------------------------


@pytest.fixture
def two_rounds(db, make, world, agreement):
    """Round 0 (closed) and round 1 with region a's responses; ambitions and agreement states."""
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
    region_a = world["region_a"]
    ambitions.add_ambition(
        db, region=region_a, round_=world["round"], principle="kind-centraal", target=3.5
    )
    ambitions.add_ambition(
        db, region=region_a, round_=world["round"], principle="samen-beter", target=4
    )
    for round_, status, note in (
        (round_0, "not_started", ""),
        (world["round"], "on_track", "Loopt"),
    ):
        ambitions.save_progress(
            db,
            region=region_a,
            round_=round_,
            entries={agreement.id: ProgressInput(status, note)},
        )
    ambitions.add_ambition(
        db, region=world["region_b"], round_=world["round"], principle="samen-beter", target=3
    )
    db.commit()
    return {**world, "round_0": round_0}


def test_the_dashboard_shows_ambitions_against_the_measured_means_after_the_round_closes(
    client, db, two_rounds
):
    login(client, two_rounds["coordinator_a"])
    open_page = client.get(DASHBOARD).text
    assert "Gemeten scores naast de ambities" not in open_page  # rule 8: nothing yet
    close_round(db, two_rounds["round"])
    page = client.get(DASHBOARD).text
    section = page[page.index('id="ambitions"') :]
    # Region a in round 1, all sectors: kind-centraal 23/6 = 3,83, samen-beter 22/7 = 3,14.
    assert "Gemeten scores naast de ambities" in section
    assert '<td class="num">3,5</td>' in section and "3,83" in section and "behaald" in section
    assert "0,86 onder de ambitie" in section
    # The agreement over the rounds, oldest first.
    history = section[section.index("Resultaatafspraken over de rondes") :]
    assert history.index("Ronde 0") < history.index("Ronde 1")
    assert history.index("niet begonnen") < history.index("op koers") and "Loopt" in history


def test_a_hidden_region_shows_its_ambitions_but_no_measured_figure(client, db, two_rounds):
    close_round(db, two_rounds["round"])
    login(client, two_rounds["programme"])
    page = client.get("/regio/regio-b/resultaten/ronde-1").text
    section = page[page.index('id="ambitions"') :]
    # Region b has 2 responses in round 1, below k = 3: its 1,50 never shows (rule 5).
    assert "nog niet gemeten" in section and "1,50" not in section


def test_the_report_and_the_overview_show_them(client, db, two_rounds):
    close_round(db, two_rounds["round"])
    login(client, two_rounds["programme"])
    report = client.get("/regio/regio-a/rapport/ronde-1").text
    section = report[report.index('id="report-ambitions"') :]
    assert "3,83" in section and "op koers" in section and AGREEMENT["title"] in section
    pdf = client.get("/regio/regio-a/rapport/ronde-1.pdf")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )
    assert "Gemeten scores naast de ambities" in text and "op koers" in text

    overview = client.get("/programma/overzicht/ronde-1").text
    section = overview[overview.index('id="ambitions-heading"') :]
    section = section[: section.index("</section>")]
    assert "Regio A" in section and "0,86 onder de ambitie" in section
    # Region b's ambition is listed, its hidden mean is not.
    assert "Regio B" in section and "1,50" not in section and "nog niet gemeten" in section
    states = section[section.index("agreement-states-caption") :]
    assert "Niet begonnen 1" not in states  # statuses of the previous round are in words
    assert "niet begonnen 1" in states
