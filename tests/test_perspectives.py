"""Perspectives: the invitation decides which wording a person reads (parents' and young
people's variants of the same statements), and every perspective's answers count alike."""

from __future__ import annotations

import pytest
from respondent_support import PRINCIPLES, answer_all, enter, response_of, stored
from sqlmodel import select

from conftest import login
from selfscan.core import scoring
from selfscan.core.vocabulary import default_perspective
from selfscan.models import Invitation, Response
from selfscan.services import scores
from selfscan.services.invitations import create_invitation

SECRET = "test"


@pytest.fixture
def app(mail_app):
    return mail_app


@pytest.fixture
def second(make):
    """An open round on version 2 (worded per perspective) in one region with a school and
    a parents' organisation."""
    region = make.region("regio-p", "Regio P")
    school = make.organisation(region, "School P", "po")
    parents = make.organisation(region, "Ouderraad P", "ouders")
    round_ = make.round("ronde-v2", (region,), version=2)
    return {"region": region, "school": school, "parents": parents, "round": round_}


def _invite(db, world, organisation, perspective=None, email=None):
    invitation, _token = create_invitation(
        db,
        round_=world["round"],
        organisation=organisation,
        name="Iemand",
        email=email or f"{organisation.sector}-{perspective}@example.org",
        secret=SECRET,
        perspective=perspective,
    )
    db.commit()
    return invitation


# --- the invitation's perspective ----------------------------------------------------------------


def test_the_sector_gives_the_default_perspective(db, second):
    assert default_perspective("ouders") == "parent"
    assert default_perspective("po") == "professional"
    assert _invite(db, second, second["parents"]).perspective == "parent"
    assert _invite(db, second, second["school"]).perspective == "professional"
    chosen = _invite(db, second, second["parents"], "young", email="jongere@example.org")
    assert chosen.perspective == "young"


INVITATIONS = "/regio/regio-a/rondes/ronde-1/uitnodigingen"


def _one(client, world, **extra):
    data = {"name": "Sam", "email": "sam@example.org", "organisation": str(world["org_a"].id)}
    return client.post(f"{INVITATIONS}/een", data={**data, **extra})


def test_the_coordinator_chooses_the_perspective_in_the_invite_form(client, world, db, mailbox):
    login(client, world["coordinator_a"])
    page = client.get(INVITATIONS).get_data(as_text=True)
    assert "Zoals de sector bepaalt" in page and '<option value="young">jongere</option>' in page
    assert _one(client, world, perspective="young").status_code == 302
    invitation = db.exec(select(Invitation).where(Invitation.email == "sam@example.org")).one()
    assert invitation.perspective == "young"
    assert "versie voor: jongere" in client.get(INVITATIONS).get_data(as_text=True)


def test_an_unknown_perspective_in_the_form_is_refused_and_nothing_is_stored(
    client, world, db, mailbox
):
    login(client, world["coordinator_a"])
    response = _one(client, world, perspective="kind")
    assert response.status_code == 400
    assert db.exec(select(Invitation)).all() == []
    assert mailbox.messages == []


def test_the_sector_decides_when_the_form_leaves_the_perspective_open(client, make, world, db):
    parents = make.organisation(world["region_a"], "Ouders A", "ouders")
    login(client, world["coordinator_a"])
    response = client.post(
        f"{INVITATIONS}/een",
        data={"name": "Mo", "email": "mo@example.org", "organisation": str(parents.id)},
    )
    assert response.status_code == 302
    assert db.exec(select(Invitation.perspective)).one() == "parent"


def test_a_pasted_list_may_name_the_perspective(client, make, world, db, mailbox):
    make.organisation(world["region_a"], "Ouders A", "ouders")
    login(client, world["coordinator_a"])
    text = (
        "Anna;anna@example.org;School A\n"
        "Bas;bas@example.org;Ouders A\n"
        "Cem;cem@example.org;Ouders A;jongere\n"
        "Dirk;dirk@example.org;School A;Ouder\n"
    )
    assert client.post(f"{INVITATIONS}/lijst", data={"people": text}).status_code == 302
    perspectives = dict(db.exec(select(Invitation.email, Invitation.perspective)).all())
    assert perspectives == {
        "anna@example.org": "professional",
        "bas@example.org": "parent",
        "cem@example.org": "young",
        "dirk@example.org": "parent",
    }


def test_a_list_line_with_an_unknown_perspective_is_named_and_nothing_is_stored(
    client, world, db, mailbox
):
    login(client, world["coordinator_a"])
    text = "Anna;anna@example.org;School A\nBob;bob@example.org;School A;kind\n"
    response = client.post(f"{INVITATIONS}/lijst", data={"people": text})
    assert response.status_code == 400
    assert "Regel 2: “kind” is geen versie van de vragenlijst" in response.get_data(as_text=True)
    assert db.exec(select(Invitation)).all() == []


# --- what the respondent reads ----------------------------------------------------------------


PROFESSIONAL_KC1 = "In onze regio bepaalt wat een kind nodig heeft welke hulp er komt"
PARENT_KC1 = "De hulp die mijn kind krijgt, past bij wat mijn kind nodig heeft."
YOUNG_KC1 = "De hulp die ik krijg, past bij wat ik nodig heb."


@pytest.mark.parametrize(
    ("perspective", "shown", "hidden"),
    [
        ("professional", PROFESSIONAL_KC1, (PARENT_KC1, YOUNG_KC1)),
        ("parent", PARENT_KC1, (PROFESSIONAL_KC1, YOUNG_KC1)),
        ("young", YOUNG_KC1, (PROFESSIONAL_KC1, PARENT_KC1)),
    ],
)
def test_each_perspective_reads_its_own_wording(client, make, second, perspective, shown, hidden):
    _, token = make.invitation(second["round"], second["parents"], perspective=perspective)
    client.get(f"/i/{token}")
    intro = client.get("/vragenlijst").get_data(as_text=True)
    spec = make.questionnaire_spec(2)
    assert spec.introduction_for(perspective).nl[:60] in intro
    enter(client, token)
    page = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert shown in page
    for text in hidden:
        assert text not in page
    explanation = spec.principles[0].explanation_for(perspective).nl
    assert explanation[:50] in page
    assert "Lees deze pagina voor" in page and "read_aloud.js" in page
    review = client.get("/vragenlijst/controleren").get_data(as_text=True)
    assert shown in review  # the unanswered statements, in the person's wording


def test_without_a_variant_a_parent_reads_the_professional_text(client, make, world):
    parents = make.organisation(world["region_a"], "Ouders A", "ouders")
    _, token = make.invitation(world["round"], parents, perspective="parent")  # version 1
    enter(client, token)
    page = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert PROFESSIONAL_KC1 in page and PARENT_KC1 not in page


def test_the_preview_shows_every_perspective(client, make, second, world):
    login(client, world["programme"])
    base = "/programma/vragenlijsten/zelfscan-mao/2/kind-centraal"
    page = client.get(base).get_data(as_text=True)
    assert PROFESSIONAL_KC1 in page and "?perspectief=young" in page
    assert YOUNG_KC1 in client.get(base + "?perspectief=young").get_data(as_text=True)
    assert PARENT_KC1 in client.get(base + "?perspectief=parent").get_data(as_text=True)
    assert client.get(base + "?perspectief=kind").status_code == 404
    intro = client.get("/programma/vragenlijsten/zelfscan-mao/2?perspectief=young")
    assert make.questionnaire_spec(2).young_introduction.nl[:40] in intro.get_data(as_text=True)


# --- scores: every perspective counts alike ---------------------------------------------------


def test_a_parents_answer_on_kc1_counts_for_kc1(client, make, db, second, app):
    """A professional, a parent and a young person answer the same items in their own words;
    the region's figures pool them as any three responses (rules 1-5 unchanged)."""
    spec = make.questionnaire_spec(2)
    people = {"professional": 2, "parent": 4, "young": 5}
    for perspective, value in people.items():
        invitation, token = make.invitation(
            second["round"], second["parents"], perspective=perspective
        )
        enter(client, token)  # a personal link starts that person's session
        answer_all(client, spec, value)
        revision = response_of(db, invitation.id).revision  # type: ignore[union-attr]
        assert client.post("/vragenlijst/versturen", data={"revision": revision}).status_code == 302
        db.expire_all()
        assert response_of(db, invitation.id).perspective == perspective  # type: ignore[union-attr]
        assert stored(db, invitation.id)["kc-1"] == (value, False, False)
    make.close(second["round"])
    figures = scores.region_figures(db, second["round"], second["region"].id, 3)
    total = figures[scoring.ALL]
    for principle in PRINCIPLES:
        assert total.figures(principle).n == 3
        assert total.figures(principle).mean == pytest.approx((2 + 4 + 5) / 3)
    assert db.exec(select(Response.perspective).order_by(Response.id)).all() == list(people)


# --- results: professionals beside parents and young people (rule 5 applies) ------------------


def _dashboard(client, world):
    login(client, world["coordinator_a"])
    return client.get("/regio/regio-a/resultaten/ronde-1").get_data(as_text=True)


def test_the_dashboard_shows_professionals_beside_parents(client, db, world):
    from test_exchange import import_rows, row

    rows = [row("regio-a", "School A", "po", "2")] * 3 + [
        row("regio-a", "Ouderraad A", "ouders", "5")
    ] * 3
    import_rows(db, world["round"], rows)
    assert (
        sorted(db.exec(select(Response.perspective)).all()) == ["parent"] * 3 + ["professional"] * 3
    )  # an imported parents' row counts as a parent's answers
    make_closed(db, world)
    page = _dashboard(client, world)
    table = page[page.index('id="perspectives-table"') :].split("</table>")[0]
    assert "Professional (n)" in table and "Ouder (n)" in table
    assert table.count("2,00 (3)") == 5 and table.count("5,00 (3)") == 5


def test_too_few_parents_are_not_shown_beside_the_professionals(client, db, world):
    from test_exchange import import_rows, row

    rows = [row("regio-a", "School A", "po", "2")] * 4 + [
        row("regio-a", "Ouderraad A", "ouders", "5")
    ] * 2
    import_rows(db, world["round"], rows)
    make_closed(db, world)
    page = _dashboard(client, world)
    assert 'id="perspectives-table"' not in page
    assert "te weinig" in page
    assert "5,00" not in page.split("perspectives-heading")[1].split("</section>")[0]


def make_closed(db, world):
    from conftest import close_round

    close_round(db, world["round"])
