"""Issue 16: the coordinator's and the programme team's pages, as a new user meets them."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from sqlmodel import select
from test_dashboard import B_SHOWN, chart_data
from test_exchange import ROWS, import_rows, row

from conftest import close_round, login
from selfscan.models import RoundRegion
from selfscan.models.types import utcnow


def checkbox(page: str, name: str, value: str) -> str:
    """The <input> tag of one checkbox of the page."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"[^>]*>', page)
    assert found, (name, value)
    return found.group(0)


# --- the compare page --------------------------------------------------------------------------


def test_compare_round_checkboxes_are_not_each_required(client, db, world, make):
    earlier = make.round(
        "ronde-0",
        (world["region_a"],),
        opens_at=utcnow() - timedelta(days=200),
        closes_at=utcnow() - timedelta(days=150),
    )
    import_rows(db, earlier, [r for r in ROWS if r[0] == "regio-a"])
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get("/vergelijken").get_data(as_text=True)
    # A browser refuses a form until every `required` checkbox is ticked.
    assert "required" not in checkbox(page, "round", "ronde-0")
    assert "required" not in checkbox(page, "round", "ronde-1")
    # One round is enough; none is refused with a message in Dutch, on the server.
    assert client.get("/vergelijken?round=ronde-0&region=regio-a").status_code == 200
    refused = client.get("/vergelijken?region=regio-a")
    assert refused.status_code == 400
    assert "Kies ten minste één ronde." in refused.get_data(as_text=True)


def test_compare_from_the_dashboard_ticks_what_its_chart_shows(client, db, world, make):
    region_c = make.region("regio-c", "Regio C")
    make.organisation(region_c, "School C", "po")
    round_ = world["round"]
    db.add(RoundRegion(round_id=round_.id, region_id=region_c.id))
    db.commit()
    c_rows = [row("regio-c", "School C", "po", "4")] * 3
    import_rows(db, round_, ROWS + B_SHOWN + c_rows)
    close_round(db, round_)
    login(client, world["coordinator_a"])
    dashboard = client.get("/regio/regio-a/resultaten/ronde-1").get_data(as_text=True)
    link = re.search(r'href="(/vergelijken\?[^"]*)"', dashboard)
    assert link
    page = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    names = [t["name"] for t in chart_data(page)]
    assert names == ["Regio A · Ronde 1", "Alle regio's · Ronde 1"]
    # The form says the same: all sectors, and all regions together, are ticked.
    assert "checked" in checkbox(page, "sector", "all")
    assert "checked" in re.search(r'<input[^>]*name="pooled"[^>]*>', page).group(0)


def test_compare_opens_for_the_programme_on_regions_with_figures(client, db, world, make):
    import_rows(db, world["round"], ROWS + B_SHOWN)
    close_round(db, world["round"])
    # A planned round with new regions, whose names come first in the alphabet.
    new = [make.region(f"aa-{i}", f"Aa {i}") for i in range(5)]
    make.round(
        "later",
        tuple(new),
        opens_at=utcnow() + timedelta(days=30),
        closes_at=utcnow() + timedelta(days=60),
        title="Later",
    )
    login(client, world["programme"])
    page = client.get("/vergelijken").get_data(as_text=True)
    assert "Voor deze keuze is er niets te tonen" not in page
    names = [t["name"] for t in chart_data(page)]
    assert names == ["Regio A · Ronde 1", "Regio B · Ronde 1"]
    assert "checked" not in checkbox(page, "region", "aa-0")


# --- "What stands out" -------------------------------------------------------------------------


def test_differences_and_changes_read_well_in_english_and_dutch():
    from babel import Locale

    from selfscan.core.scoring import Change, Difference
    from selfscan.core.texts import Reader

    english = Reader(Locale("en"))
    found = Difference("kind-centraal", "so", 3.0, "gemeente", 3.5)
    assert english.difference(found) == (
        "The child at the centre: the mean score of special education is 0.50 lower than that"
        " of municipality."
    )
    assert english.change(Change("samen-beter", 3.0, 3.5), "Spring") == (
        "Getting better together, continuously: the mean score rose by 0.50 since Spring."
    )


def test_dutch_differences_have_two_decimals_and_a_verb_that_agrees(client, db, world):
    rows = [row("regio-a", "School A", "po", "4")] * 3 + [
        row("regio-a", "Ouderplatform", "ouders", "4", kc=["3", "4", "3", "4", "3", "4"])
    ] * 3
    import_rows(db, world["round"], rows)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/resultaten/ronde-1").get_data(as_text=True)
    assert (
        "Het kind centraal: de gemiddelde score van ouders en jongeren ligt 0,50 lager dan die"
        " van primair onderwijs." in page
    )


# --- the smaller ones --------------------------------------------------------------------------


def test_a_coordinator_is_not_told_to_contact_their_coordinator(client, world):
    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-b/organisaties")
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "regiocoördinator" not in text
    assert "Neem dan contact op met het programmateam." in text


def test_moments_have_no_seconds(client, world):
    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/rondes/ronde-1/uitnodigingen").get_data(as_text=True)
    sentence = re.search(r"Open van (.*?) tot (.*?)\.", page)
    assert sentence, "the invitations page says when the round is open"
    for moment in sentence.groups():
        assert re.fullmatch(r"\d{1,2} \w+ \d{4}, \d{2}:\d{2}", moment), moment


def test_the_invitation_mail_writes_the_closing_moment_as_people_do(app):
    from datetime import UTC, datetime

    from selfscan.services.outreach import format_moment

    moment = datetime(2026, 3, 1, 16, 0, tzinfo=UTC)
    with app.app_context():
        assert format_moment(moment, "nl") == "1 maart 2026 om 17:00"
        assert format_moment(moment, "en") == "1 March 2026 at 17:00"


class _MainText(HTMLParser):
    """The text a reader meets in <main>: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <main>
        self.hidden = 0  # inside <script> or <style>
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth += 1
        elif tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main" and self.depth:
            self.depth -= 1
        elif tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.hidden:
            self.parts.append(data)


def main_text(page: str) -> str:
    parser = _MainText()
    parser.feed(page)
    text = " ".join(" ".join(parser.parts).split())
    assert text, "the page has a <main> with text"
    return text


# Any sentence that says how long the scan takes names minutes: "10 tot 15 minuten", "10–15
# minuten", "ongeveer 10 minuten", "It takes 10 to 15 minutes" (or a quarter of an hour).
DURATION = re.compile(r"\bminu(?:ten|tes|ut)\b|\bkwartier\b|\bquarter of an hour\b", re.I)


def test_the_duration_counter_sees_a_repeated_sentence():
    once = "<main><p>Het invullen duurt 10 tot 15 minuten.</p><ul><li>Eén pagina</li></ul></main>"
    twice = once.replace("<li>Eén", "<li>Het invullen duurt 10–15 minuten.</li><li>Eén")
    assert len(DURATION.findall(main_text(once))) == 1
    assert len(DURATION.findall(main_text(twice))) == 2


def _intro_pages(app, world, make):  # type: ignore[no-untyped-def]
    """Every intro a reader can meet, in both languages: the respondent's own, and the
    programme team's preview of each questionnaire version in each perspective."""
    programme = app.test_client()
    for perspective in ("professional", "parent", "young"):
        _, token = make.invitation(world["round"], world["org_a"], perspective=perspective)
        reader = app.test_client()
        reader.get(f"/i/{token}")
        yield from _in_both_languages(reader, ["/vragenlijst"], f"respondent, {perspective}")
    login(programme, world["programme"])
    listing = programme.get("/programma/vragenlijsten").get_data(as_text=True)
    versions = sorted(set(re.findall(r'href="(/programma/vragenlijsten/[\w-]+/\d+)"', listing)))
    assert len(versions) >= 2, versions
    previews = [
        f"{version}?perspectief={perspective}"
        for version in versions
        for perspective in ("professional", "parent", "young")
    ]
    yield from _in_both_languages(programme, previews, "preview")


def _in_both_languages(client, urls, who):  # type: ignore[no-untyped-def]
    for lang in ("nl", "en"):
        client.post("/taal", data={"lang": lang, "next": "/"})
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url)
            yield f"{who}: {url} ({lang})", response.get_data(as_text=True)


def test_the_intro_names_the_time_it_takes_once(app, world, make):
    seen = 0
    for where, page in _intro_pages(app, world, make):
        text = main_text(page)
        assert len(DURATION.findall(text)) == 1, (where, DURATION.findall(text), text)
        seen += 1
    assert seen >= 18  # 3 respondents' intros, 2 versions x 3 perspectives; in 2 languages


def test_the_privacy_lookup_names_the_questionnaire_status_column(client, world, make):
    make.invitation(world["round"], world["org_a"], email="ria@example.org", name="Ria")
    login(client, world["programme"])
    page = client.post("/programma/privacy", data={"email": "ria@example.org"})
    text = page.get_data(as_text=True)
    assert '<th scope="col">Status vragenlijst</th>' in text
    assert "<td>niet begonnen</td>" in text


# --- the coordinator's start page ----------------------------------------------------------------


def test_the_start_page_says_where_each_region_stands(client, db, world, make):
    earlier = make.round(
        "ronde-0",
        (world["region_a"],),
        opens_at=utcnow() - timedelta(days=200),
        closes_at=utcnow() - timedelta(days=150),
        title="Ronde 0",
    )
    import_rows(db, earlier, [r for r in ROWS if r[0] == "regio-a"])
    make.organisation(world["region_a"], "Gemeente A", "gemeente")
    make.invitation(world["round"], world["org_a"])
    make.invitation(world["round"], world["org_a"])
    login(client, world["coordinator_a"])
    page = client.get("/").get_data(as_text=True)
    assert "Nu open: Ronde 1" in page
    assert "0 van 2 uitgenodigde mensen hebben gereageerd (0%)" in page
    # The import brought the vo school; the gemeente is a partner without an invitation yet.
    assert "Nog niet gehoord: primair onderwijs, voortgezet onderwijs, gemeente." in page
    assert 'action="/regio/regio-a/rondes/ronde-1/herinneren"' in page
    assert "Laatst gesloten ronde: Ronde 0" in page
    assert 'href="/regio/regio-a/resultaten/ronde-0"' in page
    assert "Regio B" not in page


def test_the_programme_teams_start_page_leads_to_its_work(client, world):
    """Issue 16: the programme team's start page listed regions and rounds only; compare was
    reachable only through a region's dashboard."""
    login(client, world["programme"])
    page = client.get("/").get_data(as_text=True)
    work = page[page.index('id="work-heading"') : page.index('id="regions-heading"')]
    for href in (
        "/programma/overzicht",
        "/vergelijken",
        "/programma/rondes/nieuw",
        "/programma/import",
    ):
        assert f'href="{href}"' in work, href
    assert "Aan de slag" in work


# --- how the figures are made, and the dashboard's summary --------------------------------------

EXPLAINED = "/zo-komen-de-cijfers-tot-stand"


def test_how_the_figures_are_made_in_dutch_and_english(client):
    page = client.get(EXPLAINED)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Zo komen deze cijfers tot stand" in text
    assert "Een groep met minder dan 3 verstuurde vragenlijsten wordt nooit getoond." in text
    client.post("/taal", data={"lang": "en", "next": EXPLAINED})
    english = client.get(EXPLAINED).get_data(as_text=True)
    assert "A group with fewer than 3 submitted questionnaires is never shown." in english


def test_every_results_page_links_to_how_the_figures_are_made(app, client, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    for path in ("/regio/regio-a/resultaten/ronde-1", "/vergelijken"):
        assert f'href="{EXPLAINED}"' in client.get(path).get_data(as_text=True), path
    programme = app.test_client()
    login(programme, world["programme"])
    page = programme.get("/programma/overzicht/ronde-1").get_data(as_text=True)
    assert f'href="{EXPLAINED}"' in page


def test_the_dashboard_opens_with_a_summary_and_its_contents(client, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/resultaten/ronde-1").get_data(as_text=True)
    summary = page.index("In het kort")
    assert "7 mensen uit de regio hebben gereageerd." in page
    # ROWS: kc 3.83 is the highest, the four others 3.14.
    assert "Hoogst: Het kind centraal (3,83)." in page
    contents = page.index('aria-label="Op deze pagina"')
    assert summary < contents < page.index('id="radar-heading"')
    # Downloads and compare are reachable from the top.
    assert page.index('href="#downloads-heading"') < page.index('id="radar-heading"')
    assert page.index('href="/vergelijken?') < page.index('id="radar-heading"')


# --- the region chooses how openly it is compared; a round without a key up front ---------------


def test_a_coordinator_chooses_how_openly_their_region_is_compared(app, client, db, world):
    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/delen").get_data(as_text=True)
    assert "Alleen de coördinatoren van je regio en het programmateam" in page
    assert "met naam op de vergelijkpagina" in page
    assert client.post("/regio/regio-a/delen", data={"sharing": "named"}).status_code == 302
    db.refresh(world["region_a"])
    assert world["region_a"].sharing == "named"
    refused = client.post("/regio/regio-a/delen", data={"sharing": "everyone"})
    assert refused.status_code == 400
    db.refresh(world["region_a"])
    assert world["region_a"].sharing == "named"
    assert client.post("/regio/regio-b/delen", data={"sharing": "named"}).status_code == 403
    # The programme team sees the choice.
    programme = app.test_client()
    login(programme, world["programme"])
    regions = programme.get("/programma/regios").get_data(as_text=True)
    assert "Alle deelnemende regio&#39;s, met naam" in regions


def test_a_new_round_takes_its_key_from_its_title(client, db, world, make):
    from selfscan.models import Round

    login(client, world["programme"])
    page = client.get("/programma/rondes/nieuw").get_data(as_text=True)
    assert page.index('name="title"') < page.index('name="key"')  # the key under "more"
    now = utcnow()
    form = {
        "title": "Meetronde voorjaar 2027",
        "questionnaire": world["round"].questionnaire_version_id,
        "regions": [world["region_a"].id],
        "opens_at": (now + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=70)).strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post("/programma/rondes/nieuw", data=form).status_code == 302
    assert client.post("/programma/rondes/nieuw", data=form).status_code == 302
    keys = {r.key for r in db.exec(select(Round))}
    assert {"meetronde-voorjaar-2027", "meetronde-voorjaar-2027-2"} <= keys


def test_the_dashboard_shows_the_sectors_of_each_principle_as_dots(client, db, world):
    rows = [row("regio-a", "School A", "po", "4")] * 3 + [
        row("regio-a", "Ouderplatform", "ouders", "2")
    ] * 3
    import_rows(db, world["round"], rows)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/resultaten/ronde-1").get_data(as_text=True)
    assert "Sectoren naast elkaar" in page
    assert page.count('class="dot-strip"') == 5  # one strip per principle
    strip = page[
        page.index('class="dot-strip"') : page.index("</svg>", page.index('class="dot-strip"'))
    ]
    assert strip.count("<circle") == 2  # po and ouders
    assert "regio 3,00" in strip
    # Its table holds the same numbers.
    table = page[page.index("Gemiddelde score per sector: Het kind centraal") :]
    assert "4,00" in table[:800] and "2,00" in table[:800] and "3,00" in table[:800]


def test_the_compare_downloads_name_the_round_by_its_title(client, db, world):
    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    login(client, world["programme"])
    page = client.get("/vergelijken?round=ronde-1&region=regio-a").get_data(as_text=True)
    downloads = page[page.index('id="downloads-heading"') :]
    assert "<li>Ronde 1: <a" in downloads
