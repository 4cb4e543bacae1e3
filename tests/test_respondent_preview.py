"""The programme team's preview of a questionnaire: the respondent's pages, nothing saved."""

from __future__ import annotations

from sqlmodel import select

from conftest import login
from selfscan.models import Answer, Response


def test_the_programme_team_previews_every_page_as_a_respondent_sees_it(client, world, db):
    login(client, world["programme"])
    listing = client.get("/programma/vragenlijsten").get_data(as_text=True)
    assert 'href="/programma/vragenlijsten/zelfscan-mao/1"' in listing
    intro = client.get("/programma/vragenlijsten/zelfscan-mao/1")
    assert intro.status_code == 200
    html = intro.get_data(as_text=True)
    assert "Zelfscan Met Andere Ogen" in html and "10 tot 15 minuten" in html
    assert "Voorbeeld" in html
    page = client.get("/programma/vragenlijsten/zelfscan-mao/1/kind-centraal")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<fieldset") == 6
    assert "Hier wil ik over praten" in html
    assert '<form method="post" action="/vragenlijst' not in html  # nothing can be sent
    assert 'href="/programma/vragenlijsten/zelfscan-mao/1/geintegreerd-aanbod"' in html
    assert db.exec(select(Response)).all() == [] and db.exec(select(Answer)).all() == []


def test_the_preview_is_for_the_programme_team_only(client, world):
    assert client.get("/programma/vragenlijsten/zelfscan-mao/1").status_code == 302
    login(client, world["coordinator_a"])
    assert client.get("/programma/vragenlijsten/zelfscan-mao/1").status_code == 403
    assert client.get("/programma/vragenlijsten/zelfscan-mao/1/kind-centraal").status_code == 403


def test_unknown_versions_and_principles_are_404(client, world):
    login(client, world["programme"])
    assert client.get("/programma/vragenlijsten/zelfscan-mao/9").status_code == 404
    assert client.get("/programma/vragenlijsten/onbekend/1").status_code == 404
    assert client.get("/programma/vragenlijsten/zelfscan-mao/1/onbekend").status_code == 404
