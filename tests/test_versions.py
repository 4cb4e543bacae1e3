"""Comparisons across questionnaire versions say so: principle scores compare, statements only
by the same key, and a statement whose wording changed is marked (dashboard, compare page,
programme overview); rounds of one version carry no such note."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_exchange import import_rows, row

from conftest import close_round, login
from selfscan.core.questionnaire import parse, version_change
from selfscan.infra.config import PROJECT_ROOT
from selfscan.models.types import utcnow

FOLDER = PROJECT_ROOT / "questionnaires"
NOTE = "Andere versie van de vragenlijst."
CHANGED = "gewijzigde formulering"
KC2_V2 = "Ouders beslissen mee over de afspraken die over hun kind worden gemaakt."


def _spec(version: int):
    name = f"zelfscan-mao-v{version}.toml"
    return parse((FOLDER / name).read_bytes(), f"questionnaires/{name}")


def test_version_change_names_the_changed_wording_and_the_keys_only_one_version_has():
    first, second = _spec(1), _spec(2)
    versions = {(q.key, q.version): q for q in (first, second)}
    change = version_change(first, second, versions)
    assert change is not None
    assert [i.key for i in change.changed_wording] == ["kc-2", "ga-2"]
    assert change.changed_wording[0].text.nl == KC2_V2  # the later version's wording
    assert change.changed("ga-2") and not change.changed("kc-1")
    assert change.only_earlier == () and change.only_later == ()
    assert version_change(second, second, versions) is None
    # A statement that is new in the later version is only in it, never "changed".
    fewer = parse(
        (FOLDER / "zelfscan-mao-v1.toml").read_bytes().replace(b'key = "sb-6"', b'key = "sb-9"'),
        "questionnaires/zelfscan-mao-v1.toml",
    )
    other = version_change(fewer, second, versions)
    assert other is not None and other.only_earlier == ("sb-9",) and other.only_later == ("sb-6",)


@pytest.fixture
def two_versions(make, db, world):
    """Region A answered round 1 (version 1) and round 2 (version 2); both have closed."""
    first = world["round"]
    import_rows(db, first, [row("regio-a", "School A", "po", v) for v in "234"])
    close_round(db, first)
    now = utcnow()
    second = make.round(
        "ronde-2",
        (world["region_a"], world["region_b"]),
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=7),
        title="Ronde 2",
        version=2,
    )
    import_rows(db, second, [row("regio-a", "School A", "po", v) for v in "345"])
    close_round(db, second)
    return first, second


def test_the_dashboard_says_the_versions_differ_and_marks_changed_wording(
    client, world, two_versions
):
    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/resultaten/ronde-2").get_data(as_text=True)
    assert NOTE in page
    assert "Ronde 1 gebruikte versie 1 van de vragenlijst, Ronde 2 versie 2." in page
    note = page[page.index(NOTE) :].split("</div>")[0]
    assert KC2_V2 in note and CHANGED in note
    statements = page[page.index('id="statements-heading"') :]
    kc2 = statements[statements.index(KC2_V2) :].split("</th>")[0]
    assert CHANGED in kc2
    kc1 = statements[statements.index("In onze regio bepaalt") :].split("</th>")[0]
    assert CHANGED not in kc1
    # The change between the rounds is still shown per principle.
    assert "Ronde 1" in page[page.index("Grootste veranderingen") :]
    first = client.get("/regio/regio-a/resultaten/ronde-1").get_data(as_text=True)
    assert NOTE not in first and CHANGED not in first


def test_the_compare_page_says_the_versions_differ(client, world, two_versions):
    login(client, world["coordinator_a"])
    both = client.get("/vergelijken?round=ronde-1&round=ronde-2&region=regio-a&sector=all")
    assert both.status_code == 200
    page = both.get_data(as_text=True)
    assert NOTE in page and KC2_V2 in page
    one = client.get("/vergelijken?round=ronde-2&region=regio-a&sector=all")
    assert NOTE not in one.get_data(as_text=True)


def test_the_overview_says_the_versions_differ(client, world, two_versions):
    login(client, world["programme"])
    page = client.get("/programma/overzicht/ronde-2").get_data(as_text=True)
    changes = page[page.index('id="changes-heading"') :].split("</section>")[0]
    assert NOTE in changes and KC2_V2 in changes
    trend = page[page.index('id="trend-heading"') :].split("</section>")[0]
    assert NOTE in trend
    first = client.get("/programma/overzicht/ronde-1").get_data(as_text=True)
    assert NOTE not in first
