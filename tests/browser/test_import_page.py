"""The programme team's responses import in Chromium: a bad file's problems by row and column,
then a good file's preview and its confirmation; axe-core on each page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import func
from sqlmodel import select
from test_exchange import ROWS, responses_csv, row

from browser.conftest import assert_accessible
from browser.test_dashboard import sign_in
from selfscan.models import Response


def test_bad_then_good_file_through_the_page(page: Page, live_server, world, db, tmp_path: Path):
    bad = tmp_path / "fout.csv"
    bad.write_text(responses_csv([row("regio-x", "School A", "po", "4")]), encoding="utf-8")
    good = tmp_path / "ronde.csv"
    good.write_text(responses_csv(ROWS), encoding="utf-8")
    sign_in(page, live_server, "programme@example.org")
    page.goto(live_server.url + "/programma/rondes")
    page.get_by_role("link", name="Antwoorden van papier of uit een spreadsheet importeren").click()
    assert_accessible(page)

    page.get_by_label("Bestand met antwoorden (CSV, UTF-8)").set_input_files(str(bad))
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", name="Het bestand is niet geïmporteerd")).to_be_visible()
    expect(page.locator("#import-errors")).to_contain_text("rij 2, kolom 'region'")
    assert_accessible(page)

    page.get_by_label("Bestand met antwoorden (CSV, UTF-8)").set_input_files(str(good))
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("heading", name="Wat het bestand opslaat")).to_be_visible()
    expect(page.locator("#import-preview")).to_contain_text("regio-b")
    assert_accessible(page)
    assert db.exec(select(func.count()).select_from(Response)).one() == 0
    page.get_by_role("button", name="Deze 9 antwoorden opslaan").click()
    expect(page.get_by_text("9 antwoorden zijn geïmporteerd in Ronde 1.")).to_be_visible()
    assert db.exec(select(func.count()).select_from(Response)).one() == 9


def test_upload_preview_and_publish_a_questionnaire_version(
    page: Page, live_server, world, tmp_path: Path
):
    from selfscan.infra.config import PROJECT_ROOT

    second = (PROJECT_ROOT / "questionnaires" / "zelfscan-mao-v2.toml").read_text(encoding="utf-8")
    bad = tmp_path / "zelfscan-mao-v3.toml"
    bad.write_text(second, encoding="utf-8")  # still says version = 2
    sign_in(page, live_server, "programme@example.org")
    page.goto(live_server.url + "/programma/vragenlijsten")
    field = page.get_by_label(
        "Bestand met de vragenlijst (TOML, bijvoorbeeld zelfscan-mao-v3.toml)"
    )
    field.set_input_files(str(bad))
    page.get_by_role("button", name="Controleren en als concept bewaren").click()
    expect(page.locator("#upload-errors")).to_contain_text(
        "het bestand moet zelfscan-mao-v2.toml heten"
    )
    assert_accessible(page)

    bad.write_text(second.replace("version = 2\n", "version = 3\n", 1), encoding="utf-8")
    page.get_by_label(
        "Bestand met de vragenlijst (TOML, bijvoorbeeld zelfscan-mao-v3.toml)"
    ).set_input_files(str(bad))
    page.get_by_role("button", name="Controleren en als concept bewaren").click()
    expect(page.get_by_text("is gecontroleerd en bewaard als concept")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/programma/vragenlijsten/zelfscan-mao/3?perspectief=young")
    expect(page.get_by_role("link", name="ouder")).to_be_visible()
    assert_accessible(page)
    page.goto(live_server.url + "/programma/vragenlijsten")
    page.get_by_role("button", name="Publiceren Zelfscan Met Andere Ogen 3").click()
    expect(page.get_by_text("Versie 3 van zelfscan-mao is gepubliceerd.")).to_be_visible()
