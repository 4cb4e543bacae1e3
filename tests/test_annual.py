"""The programme's annual report: a period's closed rounds with participation, all regions'
figures per principle and spearhead, the change, how the regions moved and the learning themes;
a page and an A4 PDF for the programme team, a clear 400 for a bad period."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from test_overview import HIDDEN, make_rounds

from conftest import login
from selfscan.services import agenda
from selfscan.services.agenda import ReflectionInput

PAGE = "/programma/jaarverslag"


@pytest.fixture
def rounds(make, db, world):
    found = make_rounds(make, db, world)
    agenda.save_reflections(
        db,
        region=world["region_a"],
        round_=world["round"],
        entries={"kind-centraal": ReflectionInput("Ouders eerder betrekken", True)},
    )
    agenda.add_action(
        db,
        region=world["region_a"],
        round_=world["round"],
        principle="kind-centraal",
        title="Panel",
    )
    db.commit()
    return found


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_report_of_the_last_twelve_months(client, world, rounds):
    login(client, world["programme"])
    page = client.get(PAGE)
    assert page.status_code == 200
    text = squeeze(page.text)
    rounds_table = text.split('id="annual-rounds"', 1)[1].split("</table>", 1)[0]
    assert "Ronde 0" in rounds_table and "Ronde 1" in rounds_table and "Ronde 2" not in rounds_table
    principles = text.split('id="annual-principles"', 1)[1].split("</table>", 1)[0]
    # By hand (test_overview): round 0 all regions 3,25; round 1 kind-centraal 3,67, the others
    # 3,31; changes +0,42 and +0,06.
    assert "3,25" in principles and "3,67" in principles and "+0,42" in principles
    assert "+0,06" in principles
    # Kind-centraal per region: a 3,00 -> 3,83 and d 1,00 -> 5,00 rose, c 5,00 -> 2,00 fell;
    # b is hidden in round 1 (two responses), so it is not counted.
    moved = text.split('id="annual-movements"', 1)[1].split("</tr>", 2)[1]
    assert re.findall(r'<td class="num">(\d+)</td>', moved) == ["2", "0", "1"]
    assert "Het kind centraal: 1 regio" in text
    actions = text.split('id="annual-actions"', 1)[1].split("</table>", 1)[0]
    assert '<td class="num">1</td>' in actions
    assert HIDDEN not in text
    tags = text.split('id="annual-tags"', 1)[1].split("</table>", 1)[0]
    assert "Goed toegeruste lerende netwerken" in tags and "3,25" in tags


def test_a_period_without_rounds_and_a_bad_period(client, world, rounds):
    login(client, world["programme"])
    empty = client.get(PAGE + "?start=2020-01-01&end=2020-12-31")
    assert empty.status_code == 200 and "In deze periode sloot geen ronde." in empty.text
    backwards = client.get(PAGE + "?start=2026-01-01&end=2025-01-01")
    assert backwards.status_code == 400
    assert "De periode moet op of na de eerste dag eindigen." in backwards.text
    nonsense = client.get(PAGE + ".pdf?start=gisteren&end=2025-01-01")
    assert nonsense.status_code == 400


def test_the_pdf_holds_the_figures_of_the_page(client, world, rounds):
    login(client, world["programme"])
    answer = client.get(PAGE + ".pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.data))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)
    text = squeeze(" ".join(page.extract_text() for page in reader.pages))
    for figure in ("3,25", "3,67", "+0,42", "Ronde 0", "Ronde 1"):
        assert figure in text


def test_only_the_programme_team(client, world, rounds):
    login(client, world["coordinator_a"])
    assert client.get(PAGE).status_code == 403
    assert client.get(PAGE + ".pdf").status_code == 403
