"""The region report of a closed round: a page and an A4 PDF with the summary, a page per
principle (statement-level differences under rules 5 and 5b), and the learning agenda; nothing
before the round closes (rule 8); the PDF's text holds the figures of the page."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_agreed_positions import THREE_SECTORS
from test_exchange import import_rows

from conftest import close_round, login
from selfscan.services import agenda, conversation
from selfscan.services.agenda import ReflectionInput
from selfscan.services.conversation import PositionInput

PAGE = "/regio/regio-a/rapport/ronde-1"
PDF = "/regio/regio-a/rapport/ronde-1.pdf"


@pytest.fixture
def closed(db, world):
    import_rows(db, world["round"], THREE_SECTORS)
    close_round(db, world["round"])
    agenda.save_reflections(
        db,
        region=world["region_a"],
        round_=world["round"],
        entries={"kind-centraal": ReflectionInput("Ouders <b>eerder</b> betrekken", True)},
    )
    agenda.add_action(
        db,
        region=world["region_a"],
        round_=world["round"],
        principle="kind-centraal",
        title="Ouderpanel starten",
    )
    conversation.save_agreed(
        db,
        region=world["region_a"],
        round_=world["round"],
        held_on=None,
        sectors=["po"],
        positions={"kind-centraal": PositionInput(3.5, "Samen eens")},
    )
    db.commit()
    return world["round"]


def pdf_text(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_no_report_before_the_round_closes(client, db, world):
    import_rows(db, world["round"], THREE_SECTORS)
    login(client, world["coordinator_a"])
    for url in (PAGE, PDF):
        refused = client.get(url)
        assert refused.status_code == 302 and refused.headers["Location"].endswith(
            "/regio/regio-a/resultaten/ronde-1"
        )


def test_the_report_page_has_summary_principles_and_agenda_in_order(client, world, closed):
    login(client, world["coordinator_a"])
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.text
    order = [
        ">Regio A: rapport van Ronde 1<",
        ">Wie deden mee<",
        ">De regio in één oogopslag<",
        ">Grootste verschillen tussen sectoren<",
        'id="report-kind-centraal">Het kind centraal<',
        ">Stellingen waarop de sectoren het meest verschillen<",
        'id="report-samen-beter"',
        ">Leeragenda na Ronde 1<",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)
    assert "<svg" in text and 'class="radar"' in text and 'class="dot-strip"' in text
    assert "Ouders &lt;b&gt;eerder&lt;/b&gt; betrekken" in text  # escaped
    assert "Gezamenlijke positie: 3,5." in text
    # Region a's groups on kind-centraal: po 4,00, gemeente 3,67, vo 1,67 (hand-computed).
    for figure in ("4,00", "3,67", "1,67"):
        assert figure in text


def test_the_pdf_opens_on_a4_with_a_page_per_principle_and_the_page_figures(client, world, closed):
    login(client, world["programme"])
    response = client.get(PDF)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers.get("Cache-Control", "")
    reader = PdfReader(io.BytesIO(response.data))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages = [squeeze(t) for t in pdf_text(response.data)]
    if os.environ.get("SELFSCAN_KEEP_PDF"):  # to look at the pages: pdftoppm turns them into PNGs
        Path(os.environ["SELFSCAN_KEEP_PDF"]).write_bytes(response.data)
    # Summary, at least one page per principle, the learning agenda.
    assert len(pages) >= 7
    assert "Regio A: rapport van Ronde 1" in pages[0] and "Wie deden mee" in pages[0]
    # The summary is one page: its last part is on the first page, the first principle next.
    assert "Grootste verschillen tussen sectoren" in pages[0]
    assert "Het kind centraal Per sector" in pages[1]
    # The principle pages: each holds exactly the figures its section on the page holds.
    html = client.get(PAGE).text
    for key, title in (("kind-centraal", "Het kind centraal"), ("samen-beter", "Samen steeds")):
        section = html.split(f'id="report-{key}"')[1].split("</section>")[0]
        figures = set(re.findall(r"\d,\d\d", section))
        page = next(p for p in pages[1:] if title in p and "Per sector" in p)
        assert figures and figures <= set(re.findall(r"\d,\d\d", page)), key
    kc = next(p for p in pages if "Gezamenlijke positie: 3,5." in p)
    # Hand-computed: all sectors 27 / 8 = 3,38; gemeente 11 / 3 = 3,67 (po is hidden on this
    # principle: vo has 2 scores on it, so one more group goes, rule 5b); statement kc-1 shows
    # po 4,00 and vo 1,67, each 3 answers on that statement.
    for figure in ("3,38", "3,67", "voortgezet onderwijs: 1,67", "primair onderwijs: 4,00"):
        assert figure in kc
    assert "Ouders <b>eerder</b> betrekken" in pages[-1]


def test_statement_figures_follow_rule_5_exactly_as_principle_figures(client, db, world):
    """Region a with po 3 responses and gemeente 2 in round 0: gemeente is below k, so it goes
    into 'other', which is below k too, so po is hidden as well (secondary suppression): no
    statement has two sector groups to compare and no sector figure of either appears."""
    from test_overview import row

    rows = [
        *[row("regio-a", "School A", "po", "4") for _ in range(3)],
        *[row("regio-a", "Gemeente X", "gemeente", "2") for _ in range(2)],
    ]
    import_rows(db, world["round"], rows)
    close_round(db, world["round"])
    login(client, world["coordinator_a"])
    text = client.get(PAGE).text
    assert text.count("Geen stelling heeft twee sectorgroepen die groot genoeg zijn") == 5
    for key in ("kind-centraal", "samen-beter"):
        section = text.split(f'id="report-{key}"')[1].split("</section>")[0]
        assert re.findall(r'<th scope="row">([^<]+)</th>', section) == ["alle sectoren"]
    assert "3,20" in text  # the region's mean, (3 x 4 + 2 x 2) / 5
    assert "2,00" not in text  # the gemeente's mean, never shown


def test_other_regions_coordinator_cannot_read_the_report(client, world, closed):
    login(client, world["coordinator_b"])
    assert client.get(PAGE).status_code == 403
    assert client.get(PDF).status_code == 403
