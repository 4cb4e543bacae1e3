"""Every page in Chromium, as the person it is for, with demo-like data whose names, titles and
comments are XSS payloads: charts draw, no dialog opens, no CSP violation, no JavaScript error.

The `page` fixture fails the test on any CSP violation or JavaScript error; here a dialog
(alert, confirm, prompt) fails it too, and so does a payload that became an element.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from privacy_support import answer_and_submit
from sqlmodel import Session

from conftest import PASSWORD, close_round
from selfscan.account.links import LinkPurpose, make_token
from selfscan.models.types import utcnow
from selfscan.services import agenda, regions

REGION_NAME = "<img src=x onerror=alert('region')>{{7*7}}"
ROUND_TITLE = "</script><script>alert('round')</script>"
EARLIER_TITLE = '"><svg onload=alert("earlier")>'
ORGANISATION = "\"'><img src=x onerror=alert('org')>"
PERSON = "<script>alert('person')</script>"
COMMENT = "<iframe src=javascript:alert('comment')></iframe> {{7*7}} =cmd|' /C calc'!A0"
ACTION = "javascript:alert('action')"
SECTORS = ("po", "vo", "gemeente")


@pytest.fixture
def demo(db: Session, engine: Any, make: Any, world: dict[str, Any]) -> dict[str, Any]:
    """Two closed rounds with enough submitted responses in both regions that every chart
    draws, and an open round with someone answering."""
    now = utcnow()
    region_a, region_b = world["region_a"], world["region_b"]
    regions.update_region(db, region_a, name=REGION_NAME, sharing="named")
    earlier = make.round(
        "ronde-0",
        (region_a, region_b),
        title=EARLIER_TITLE,
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=1),
    )
    round_ = world["round"]
    round_.title = ROUND_TITLE
    db.add(round_)
    db.commit()
    organisations = {
        region.key: [
            make.organisation(region, f"{ORGANISATION} {region.key} {s}", s) for s in SECTORS
        ]
        for region in (region_a, region_b)
    }
    people: dict[str, Any] = {}
    for round_key, this in (("ronde-0", earlier), ("ronde-1", round_)):
        for region_key, orgs in organisations.items():
            for n, organisation in enumerate(orgs):
                invitation, token = make.invitation(this, organisation, name=f"{PERSON} {n}")
                answer_and_submit(engine, invitation.id, value=2 + n, comment=COMMENT)
                people[f"{round_key}-{region_key}-{n}"] = (invitation, token)
    earlier.closes_at = now - timedelta(days=30)
    earlier.opens_at = now - timedelta(days=60)
    db.add(earlier)
    db.commit()
    close_round(db, round_)  # both rounds show their figures (rule 8)
    # An open round, whose pages show who responded, and someone answering in it.
    answering = make.round("ronde-2", (region_a, region_b), title=ROUND_TITLE + " 2")
    _answering, answering_token = make.invitation(
        answering, organisations["regio-a"][0], name=PERSON
    )
    agenda.add_action(
        db, region=region_a, round_=round_, principle="kind-centraal", title=ACTION, owner=PERSON
    )
    agenda.save_reflections(
        db,
        region=region_a,
        round_=round_,
        entries={"kind-centraal": agenda.ReflectionInput(text=COMMENT, is_focus=True)},
    )
    db.commit()
    return {
        **world,
        "earlier": earlier,
        "submitted_token": people["ronde-1-regio-a-0"][1],
        "answering_token": answering_token,
        "action": agenda.actions(db, region=region_a, round_=round_)[0],
    }


def _visit(page: Page, url: str, dialogs: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    page.wait_for_load_state("networkidle")
    for chart in page.locator("[data-chart], [data-figure]").all():
        expect(chart.locator(".main-svg").first).to_be_attached()
    injected = page.evaluate(
        "document.querySelectorAll('script:not([src]), iframe, svg[onload], img[onerror]').length"
    )
    assert injected == 0, f"{url}: a payload became an element"
    assert dialogs == [], f"{url}: a dialog opened: {dialogs}"


def _sign_in(page: Page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(base + "/")


def test_every_page_with_hostile_data_draws_without_violations(page: Page, live_server, demo):
    base = live_server.url
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    for path in ("/inloggen", "/wachtwoord-vergeten", "/i/not-a-link"):
        page.context.clear_cookies()
        page.goto(base + path)
        assert dialogs == []
    with live_server.app.test_request_context():
        reset = make_token(demo["coordinator_a"], LinkPurpose.RESET)
    _visit(page, f"{base}/wachtwoord/{reset}", dialogs)

    action_id = demo["action"].id
    _sign_in(page, base, "coordinator-a@example.org")
    for path in (
        "/",
        "/regio/regio-a/",
        "/regio/regio-a/organisaties",
        f"/regio/regio-a/organisaties/{demo['org_a'].id}",
        "/regio/regio-a/rondes/ronde-1/uitnodigingen",
        "/regio/regio-a/rondes/ronde-1/leeragenda",
        f"/regio/regio-a/rondes/ronde-1/leeragenda/acties/{action_id}",
        "/regio/regio-a/resultaten/ronde-1",
        "/regio/regio-a/resultaten/ronde-0",
        "/regio/regio-a/resultaten/ronde-2",
        "/vergelijken",
        "/vergelijken?round=ronde-1&round=ronde-0&region=regio-a&sector=all&sector=po&pooled=y",
    ):
        _visit(page, base + path, dialogs)

    _sign_in(page, base, "programme@example.org")
    for path in (
        "/",
        "/programma/regios",
        "/programma/regios/nieuw",
        "/programma/regios/regio-a/bewerken",
        "/programma/rondes",
        "/programma/rondes/nieuw",
        "/programma/rondes/ronde-1",
        "/programma/coordinatoren",
        "/programma/coordinatoren/nieuw",
        f"/programma/coordinatoren/{demo['coordinator_a'].id}",
        "/programma/vragenlijsten",
        "/programma/vragenlijsten/zelfscan-mao/1",
        "/programma/vragenlijsten/zelfscan-mao/1/kind-centraal",
        "/programma/overzicht",
        "/programma/overzicht/ronde-0",
        "/programma/privacy",
        "/vergelijken?round=ronde-1&region=regio-a&region=regio-b&sector=all&pooled=y",
        "/regio/regio-b/resultaten/ronde-1",
    ):
        _visit(page, base + path, dialogs)

    page.context.clear_cookies()
    _visit(page, f"{base}/i/{demo['answering_token']}", dialogs)
    page.get_by_role("button", name="Begin met de scan").click()
    for path in (
        "/vragenlijst",
        "/vragenlijst/kind-centraal",
        "/vragenlijst/samen-beter",
        "/vragenlijst/controleren",
        "/vragenlijst/opgeslagen",
    ):
        _visit(page, base + path, dialogs)

    page.context.clear_cookies()
    _visit(page, f"{base}/i/{demo['submitted_token']}", dialogs)
    for path in ("/vragenlijst/profiel", "/vragenlijst/kind-centraal"):
        _visit(page, base + path, dialogs)


# --- names with markup in the charts -------------------------------------------------------------

MARKED_REGION = '<b>Vet</b> <a href="https://example.org/">klik</a>'
MARKED_ROUND = "<i>Schuin</i> &amp; <sup>hoog</sup>"


@pytest.fixture
def marked(db: Session, engine: Any, make: Any, world: dict[str, Any]) -> dict[str, Any]:
    """A closed round whose title, and a region whose name, are markup plotly would render."""
    now = utcnow()
    region_a = world["region_a"]
    regions.update_region(db, region_a, name=MARKED_REGION, sharing="named")
    closed = make.round("ronde-0", (region_a,), title=MARKED_ROUND)
    for n, sector in enumerate(SECTORS):
        organisation = make.organisation(region_a, f"Organisatie {n}", sector)
        invitation, _token = make.invitation(closed, organisation)
        answer_and_submit(engine, invitation.id, value=2 + n)
    closed.opens_at, closed.closes_at = now - timedelta(days=60), now - timedelta(days=30)
    db.add(closed)
    db.commit()
    return world


def test_markup_in_names_shows_as_text_in_charts(page: Page, live_server, marked):
    base = live_server.url
    _sign_in(page, base, "programme@example.org")
    # Two lines: the region's whole group and the pooled sectors. The radar has no legend (the
    # switches above it name the lines); the names show in the switches and in plotly's hover.
    compare = f"{base}/vergelijken?round=ronde-0&region=regio-a&sector=all&sector=other"
    page.goto(compare)
    expect(page.locator("#compare-radar .main-svg").first).to_be_attached()
    switches = page.locator('[data-chart-switches="compare-radar"] label')
    names = [text.strip() for text in switches.all_text_contents()]
    assert f"{MARKED_REGION} · {MARKED_ROUND}" in names
    page.goto(f"{base}/programma/overzicht/ronde-0")
    ticks = page.locator("#trend .xtick text")
    expect(ticks.first).to_be_attached()
    assert MARKED_ROUND in ticks.all_text_contents()
    # Nothing of it became a link, bold, italic or raised text inside the charts.
    for chart in ("#trend",):
        rendered = page.evaluate(
            """(selector) => {
                const svg = document.querySelector(selector);
                return {
                    links: svg.querySelectorAll('a').length,
                    styled: [...svg.querySelectorAll('tspan')].filter(t =>
                        /bold|italic/.test(t.getAttribute('style') || '') ||
                        t.getAttribute('dy')).length,
                };
            }""",
            chart,
        )
        assert rendered == {"links": 0, "styled": 0}, rendered
    page.goto(compare)
    expect(page.locator("#compare-radar .scatterlayer .point").first).to_be_attached()
    page.locator("#compare-radar .scatterlayer .point").first.hover(force=True)
    hover = page.locator("#compare-radar .hoverlayer .hovertext")
    expect(hover.first).to_be_attached()
    assert MARKED_REGION in " ".join(hover.all_text_contents())
    rendered = page.evaluate(
        """() => {
            const svg = document.querySelector('#compare-radar');
            return {
                links: svg.querySelectorAll('a').length,
                bold: [...svg.querySelectorAll('.hovertext tspan')].filter(t =>
                    /bold|italic/.test(t.getAttribute('style') || '')).length,
            };
        }"""
    )
    assert rendered == {"links": 0, "bold": 0}, rendered
