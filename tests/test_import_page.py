"""The responses import as a page for the programme team: upload, a preview per region and
sector (or every problem by row and column), confirm; all or nothing, and DESIGN rule 8 for a
round with released figures, as the CLI."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func
from sqlmodel import select
from test_exchange import ROWS, responses_csv, row

from conftest import close_round, login
from selfscan.models import Organisation, PendingUpload, Response

PAGE = "/programma/import"


def _count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


def _upload(client, content: str | bytes, round_key: str = "ronde-1", name: str = "ronde.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        PAGE,
        data={"round": round_key, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def programme(client, world):
    login(client, world["programme"])
    return client


def test_only_the_programme_team_reaches_the_import(client, world):
    login(client, world["coordinator_a"])
    assert client.get(PAGE).status_code == 403
    assert _upload(client, responses_csv(ROWS)).status_code == 403
    assert client.post(f"{PAGE}/bevestigen").status_code == 403


def test_a_good_file_is_previewed_per_region_and_sector_then_stored_on_confirm(
    programme, db, world
):
    page = programme.get(PAGE).get_data(as_text=True)
    assert "Bestand controleren" in page
    preview = _upload(programme, responses_csv(ROWS))
    assert preview.status_code == 200
    text = preview.get_data(as_text=True)
    table = text[text.index('id="import-preview"') :].split("</table>")[0]
    # Region a: po 3, gemeente 3, vo 1; region b: po 2.
    for cells in (
        ("regio-a", "primair onderwijs", "3"),
        ("regio-a", "gemeente", "3"),
        ("regio-a", "voortgezet onderwijs", "1"),
        ("regio-b", "primair onderwijs", "2"),
    ):
        assert all(cell in table for cell in cells)
    assert "9 antwoorden" in text and "Nieuwe organisaties" in text
    assert _count(db, Response) == 0  # nothing stored by the preview
    assert _count(db, PendingUpload) == 1
    stored = programme.post(f"{PAGE}/bevestigen")
    assert stored.status_code == 302
    assert "9 antwoorden zijn geïmporteerd" in programme.get(PAGE).get_data(as_text=True)
    assert _count(db, Response) == 9
    assert _count(db, PendingUpload) == 0
    # The same confirmation again finds nothing to store: no second copy.
    again = programme.post(f"{PAGE}/bevestigen")
    assert again.status_code == 400
    assert _count(db, Response) == 9


def test_a_bad_file_names_every_problem_and_stores_nothing(programme, db, world):
    rows = [
        row("regio-a", "School A", "po", "4"),
        row("regio-x", "School A", "po", "4"),
        row("regio-a", "School A", "po", "9"),
    ]
    organisations = _count(db, Organisation)
    answer = _upload(programme, responses_csv(rows))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "Het bestand is niet geïmporteerd" in text
    # The service's messages, in the page's language and escaped.
    assert "rij 3, kolom &#39;region&#39;: &#39;regio-x&#39; is geen regio van deze ronde" in text
    assert "rij 4, kolom &#39;kc-1&#39;: &#39;9&#39; kan niet: vul een heel getal" in text
    assert "row " not in text
    assert _count(db, Response) == 0 and _count(db, PendingUpload) == 0
    assert _count(db, Organisation) == organisations
    assert programme.post(f"{PAGE}/bevestigen").status_code == 400
    assert _count(db, Response) == 0


def test_the_problems_are_named_in_english_in_the_english_interface(programme, db):
    programme.post("/taal", data={"lang": "en", "next": PAGE})
    answer = _upload(programme, responses_csv([row("regio-x", "School A", "po", "4")]))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "row 2, column &#39;region&#39;: &#39;regio-x&#39; is not a region of this round" in text
    assert "rij " not in text
    assert _count(db, Response) == 0


def test_a_file_that_is_not_utf8_is_refused_by_row(programme, db):
    answer = _upload(programme, responses_csv(ROWS).encode("utf-16"))
    assert answer.status_code == 400
    assert "rij 1: het bestand is UTF-16; sla het bestand op als UTF-8" in answer.get_data(
        as_text=True
    )
    assert _count(db, Response) == 0


def test_no_file_or_an_unknown_round_is_a_clear_400(programme, db):
    empty = programme.post(PAGE, data={"round": "ronde-1"})
    assert empty.status_code == 400
    assert "Kies een bestand om te uploaden." in empty.get_data(as_text=True)
    unknown = _upload(programme, responses_csv(ROWS), round_key="ronde-9")
    assert unknown.status_code == 400
    assert _count(db, PendingUpload) == 0


def test_markup_in_a_file_is_shown_as_text(programme, db):
    answer = _upload(programme, responses_csv([row("<b>x</b>", "School A", "po", "4")]))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "<b>x</b>" not in text and "&lt;b&gt;x&lt;/b&gt;" in text


def test_rule_8_refuses_a_small_import_into_released_figures(programme, db, world):
    from test_exchange import import_rows

    import_rows(db, world["round"], ROWS)
    close_round(db, world["round"])
    answer = _upload(programme, responses_csv([row("regio-a", "School A", "po", "1")]))
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "zijn vrijgegeven toen de ronde sloot" in text
    assert (
        "regio &#39;regio-a&#39;, groep &#39;all&#39;, principe &#39;kind-centraal&#39;: zou "
        "veranderen met 1 nieuwe score(s)" in text
    )
    assert _count(db, Response) == 9


def test_a_preview_is_confirmed_only_from_the_session_that_made_it(programme, app, db, world):
    assert _upload(programme, responses_csv(ROWS)).status_code == 200
    other = app.test_client()
    login(other, world["programme"])  # the same account in another browser
    assert other.post(f"{PAGE}/bevestigen").status_code == 400
    assert _count(db, Response) == 0
    assert programme.post(f"{PAGE}/bevestigen").status_code == 302
    assert _count(db, Response) == 9
