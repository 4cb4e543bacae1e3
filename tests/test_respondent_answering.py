"""Answering: the introduction, a page per principle, autosave, the review page, and bad input
that gets a clear message and stores nothing."""

from __future__ import annotations

import pytest
from respondent_support import (
    PRINCIPLES,
    comments,
    current_revision,
    enter,
    item_keys,
    page_form,
    response_of,
    stored,
)
from sqlmodel import select

from conftest import without_csrf_tokens
from selfscan.models import Invitation, Response
from selfscan.models.response import COMMENT_MAX_LENGTH


@pytest.fixture
def invited(world, make):
    return make.invitation(world["round"], world["org_a"], name="Ria Respondent")


@pytest.fixture
def answering(client, invited):
    """A client that opened its link and started; returns the invitation."""
    invitation, token = invited
    assert enter(client, token).status_code == 302
    return invitation


def test_intro_explains_the_scan_and_starting_creates_one_response(client, invited, db):
    invitation, token = invited
    client.get(f"/i/{token}")
    page = client.get("/vragenlijst").get_data(as_text=True)
    for text in (
        "Welkom, Ria Respondent. Je bent uitgenodigd namens School A (Regio A).",
        "10 tot 15 minuten",
        "minstens 3 mensen",
        "Zelfscan Met Andere Ogen",
        "Begin met de scan",
    ):
        assert text in page
    assert response_of(db, invitation.id) is None  # looking is not starting
    response = client.post("/vragenlijst/starten")
    assert response.status_code == 302
    assert response.headers["Location"] == "/vragenlijst/kind-centraal"
    assert response_of(db, invitation.id).status == "draft"
    assert db.exec(select(Invitation.opened_at).where(Invitation.id == invitation.id)).one()
    client.post("/vragenlijst/starten")
    assert len(db.exec(select(Response)).all()) == 1
    assert "Verder waar je was gebleven" in client.get("/vragenlijst").get_data(as_text=True)


def test_every_page_shows_the_statements_as_accessible_radio_groups(client, answering, make):
    spec = make.questionnaire_spec()
    for step, principle in enumerate(PRINCIPLES, start=1):
        page = client.get(f"/vragenlijst/{principle}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f"Stap {step} van 6" in html
        assert html.count("<fieldset") == len(item_keys(spec, principle))
        assert html.count("<legend") == len(item_keys(spec, principle))
        assert "Weet ik niet / niet van toepassing" in html
        assert "Helemaal mee eens" in html
        assert "Hier wil ik over praten" in html
        assert "Opslaan en later verder" in html
    assert client.get("/vragenlijst/geen-principe").status_code == 404


def test_saving_a_page_stores_answers_flags_and_comment_and_moves_on(client, answering, db):
    response = client.post(
        "/vragenlijst/kind-centraal",
        data=page_form(
            {"kc-1": 1, "kc-2": 5, "kc-3": "nvt"}, discuss=["kc-2", "kc-4"], comment="  Goed  "
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/vragenlijst/geintegreerd-aanbod"
    assert stored(db, answering.id) == {
        "kc-1": (1, False, False),
        "kc-2": (5, False, True),
        "kc-3": (None, True, False),
        "kc-4": (None, False, True),
    }
    assert comments(db, answering.id) == {"kind-centraal": "Goed"}
    # Changing the page again replaces what was there: a cleared comment and flag disappear.
    client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 2}))
    assert stored(db, answering.id) == {"kc-1": (2, False, False)}
    assert comments(db, answering.id) == {}


@pytest.mark.parametrize(
    ("action", "location"),
    [
        ("previous", "/vragenlijst"),
        ("later", "/vragenlijst/opgeslagen"),
        ("review", "/vragenlijst/controleren"),
    ],
)
def test_the_buttons_save_and_go_where_they_say(client, answering, db, action, location):
    response = client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 3}, action=action))
    assert response.headers["Location"] == location
    assert stored(db, answering.id) == {"kc-1": (3, False, False)}


def test_the_last_principle_goes_on_to_the_review(client, answering):
    response = client.post("/vragenlijst/samen-beter", data=page_form({"sb-1": 3}))
    assert response.headers["Location"] == "/vragenlijst/controleren"
    saved = client.get("/vragenlijst/opgeslagen")
    assert saved.status_code == 200
    assert "link" in saved.get_data(as_text=True)


def test_the_page_shows_what_was_saved_and_the_progress(client, answering):
    client.post(
        "/vragenlijst/kind-centraal", data=page_form({"kc-1": 4, "kc-2": "nvt"}, discuss=["kc-1"])
    )
    html = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert 'id="item-kc-1-4" value="4" checked' in html
    assert 'id="item-kc-2-nvt" value="nvt" checked' in html
    assert 'id="discuss-kc-1" value="y" checked' in html
    assert "2 van 30 stellingen beantwoord (7%)" in html


def test_each_person_sees_their_own_answers_in_their_own_language(
    app, client, answering, world, make
):
    # Statements are rendered once for each way they can look (respondent.pages.statement_html):
    # what one person answered, or the language they read in, must never show for another.
    client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 4}, discuss=["kc-2"]))
    other = app.test_client()
    _invitation, token = make.invitation(world["round"], world["org_b"], name="Olaf Ander")
    assert enter(other, token).status_code == 302
    other.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 2}))
    mine = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    theirs = other.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert 'id="item-kc-1-4" value="4" checked' in mine
    assert 'id="item-kc-1-2" value="2">' in mine
    assert 'id="discuss-kc-2" value="y" checked' in mine
    assert 'id="item-kc-1-2" value="2" checked' in theirs
    assert 'id="item-kc-1-4" value="4">' in theirs
    assert 'id="discuss-kc-2" value="y">' in theirs
    # The same page again (but for its CSRF token, which carries the second it was made in).
    again = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert without_csrf_tokens(again) == without_csrf_tokens(mine)
    with other.session_transaction() as session:
        session["lang"] = "en"
    english = other.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert "Strongly agree" in english and "I want to discuss this" in english
    assert "Helemaal mee eens" not in english and "Hier wil ik over praten" not in english
    assert 'id="item-kc-1-2" value="2" checked' in english
    assert "Helemaal mee eens" in client.get("/vragenlijst/kind-centraal").get_data(as_text=True)


def test_a_page_sent_back_with_an_error_shows_what_was_sent_not_what_was_stored(
    client, answering, db
):
    client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 3}))
    too_long = page_form({"kc-1": 5}, comment="x" * (COMMENT_MAX_LENGTH + 1))
    html = client.post("/vragenlijst/kind-centraal", data=too_long).get_data(as_text=True)
    assert 'id="item-kc-1-5" value="5" checked' in html
    assert 'id="item-kc-1-3" value="3">' in html
    html = client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 9})).get_data(
        as_text=True
    )
    assert 'class="statement statement--error" id="item-kc-1"' in html
    assert 'id="item-kc-1-error"' in html
    # Neither of the pages sent back is what the page shows afterwards: the stored answer.
    html = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert 'id="item-kc-1-3" value="3" checked' in html
    assert "statement--error" not in html and " checked" not in html.replace(
        'id="item-kc-1-3" value="3" checked', ""
    )
    assert stored(db, answering.id) == {"kc-1": (3, False, False)}


BAD_PAGES = {
    "value off the scale": page_form({"kc-1": 9}),
    "zero is off the scale": page_form({"kc-1": 0}),
    "not a number": page_form({"kc-1": "veel"}),
    "unknown statement": {**page_form({"kc-1": 3}), "item-xx-99": "3"},
    "another page's statement": {**page_form({"kc-1": 3}), "item-ga-1": "3"},
    "unknown flag": {**page_form({"kc-1": 3}), "discuss-xx-99": "y"},
    "over-long comment": page_form({"kc-1": 3}, comment="x" * (COMMENT_MAX_LENGTH + 1)),
    "unknown button": page_form({"kc-1": 3}, action="delete-everything"),
}


@pytest.mark.parametrize("name", BAD_PAGES)
def test_bad_input_gets_a_clear_message_and_stores_nothing(client, answering, db, name):
    before = current_revision(db, answering.id)
    response = client.post("/vragenlijst/kind-centraal", data=BAD_PAGES[name])
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert stored(db, answering.id) == {}
    assert comments(db, answering.id) == {}
    assert current_revision(db, answering.id) == before


def test_bad_input_is_explained_in_english_too(client, answering, db):
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 9}))
    assert response.status_code == 400
    assert "Choose one of the answers shown for this statement." in response.get_data(as_text=True)
    response = client.post(
        "/vragenlijst/kind-centraal", data=page_form(comment="x" * (COMMENT_MAX_LENGTH + 1))
    )
    assert "at most 2000 characters" in response.get_data(as_text=True)


def test_a_form_without_csrf_token_is_refused_and_stores_nothing(client, answering, db):
    response = client.post("/vragenlijst/kind-centraal", data=page_form({"kc-1": 3}), csrf=False)
    assert response.status_code == 400
    assert "Er is niets opgeslagen" in response.get_data(as_text=True)
    assert stored(db, answering.id) == {}


def test_autosave_stores_the_page_and_answers_in_json(client, answering, db):
    response = client.post(
        "/vragenlijst/inclusief-nabij/automatisch-opslaan",
        data=page_form({"in-1": 2, "in-2": 5}, discuss=["in-3"]),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json["saved"] is True
    assert response.json["answered"] == 2
    assert response.json["progress_text"] == "2 van 30 stellingen beantwoord (7%)"
    assert stored(db, answering.id) == {
        "in-1": (2, False, False),
        "in-2": (5, False, False),
        "in-3": (None, False, True),
    }


def test_autosave_refuses_bad_input_and_a_missing_csrf_token_in_json(client, answering, db):
    response = client.post(
        "/vragenlijst/inclusief-nabij/automatisch-opslaan",
        data=page_form({"in-1": 7}),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json["saved"] is False
    assert "Kies een van de getoonde antwoorden" in response.json["message"]
    response = client.post(
        "/vragenlijst/inclusief-nabij/automatisch-opslaan",
        data=page_form({"in-1": 2}),
        headers={"Accept": "application/json"},
        csrf=False,
    )
    assert response.status_code == 400
    assert stored(db, answering.id) == {}


def test_autosave_is_post_only(client, answering):
    assert client.get("/vragenlijst/kind-centraal/automatisch-opslaan").status_code == 405


def test_review_lists_unanswered_statements_with_links_back(client, answering, make):
    spec = make.questionnaire_spec()
    answered = dict.fromkeys(item_keys(spec, "kind-centraal"), 3)
    client.post("/vragenlijst/kind-centraal", data=page_form(answered))
    client.post("/vragenlijst/samen-beter", data=page_form({"sb-1": "nvt"}))
    html = client.get("/vragenlijst/controleren").get_data(as_text=True)
    assert 'href="/vragenlijst/kind-centraal#item-kc-1"' not in html
    assert 'href="/vragenlijst/geintegreerd-aanbod#item-ga-1"' in html
    assert 'href="/vragenlijst/samen-beter#item-sb-1"' not in html  # "don't know" is an answer
    assert 'href="/vragenlijst/samen-beter#item-sb-2"' in html
    assert "7 van 30 stellingen beantwoord" in html
    assert "Opslaan en later verder" in html


def test_review_before_starting_goes_to_the_introduction(client, invited):
    _invitation, token = invited
    client.get(f"/i/{token}")
    assert client.get("/vragenlijst/controleren").headers["Location"] == "/vragenlijst"


def test_pages_work_in_english(client, answering):
    with client.session_transaction() as session:
        session["lang"] = "en"
    intro = client.get("/vragenlijst").get_data(as_text=True)
    assert "You were invited on behalf of School A (Regio A)." in intro
    html = client.get("/vragenlijst/kind-centraal").get_data(as_text=True)
    assert "The child at the centre" in html
    assert "Strongly agree" in html
    assert "Don&#39;t know / not applicable" in html or "Don't know / not applicable" in html
    assert "I want to discuss this" in html
