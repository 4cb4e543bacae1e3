"""Comparisons across questionnaire versions say so: principle scores compare, statements only
by the same key, and a statement whose wording changed is marked (dashboard, compare page,
programme overview); rounds of one version carry no such note."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlmodel import select
from test_exchange import import_rows, row

from conftest import close_round, login
from selfscan.core.questionnaire import parse, version_change
from selfscan.infra.config import PROJECT_ROOT
from selfscan.models import QuestionnaireVersion
from selfscan.models.types import utcnow
from selfscan.questionnaire_registry import all_questionnaires, change_between
from selfscan.services import questionnaires, rounds

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


# A questionnaire the programme team keeps in the app only: every version uploaded, v2 and v3
# each changing the wording of one statement.
KC1_V1 = "In onze regio bepaalt wat een kind nodig heeft welke hulp er komt"
KC1_V3 = "In onze regio bepaalt de behoefte van het kind welke hulp er komt"
KC2_V1 = "Ouders denken mee over de afspraken"
KC2_UPLOADED = "Ouders praten mee over de afspraken"
PROEF_V1 = (
    (FOLDER / "zelfscan-mao-v1.toml")
    .read_text(encoding="utf-8")
    .replace('key = "zelfscan-mao"', 'key = "zelfscan-proef"', 1)
)
PROEF_V2 = PROEF_V1.replace(
    "version = 1\n", 'version = 2\nchanged_wording = ["kc-2"]\n', 1
).replace(KC2_V1, KC2_UPLOADED, 1)
PROEF_V3 = PROEF_V2.replace(
    'version = 2\nchanged_wording = ["kc-2"]', 'version = 3\nchanged_wording = ["kc-1"]', 1
).replace(KC1_V1, KC1_V3, 1)


def _upload_and_publish(client, db, content: str, version: int) -> QuestionnaireVersion:
    data = {"file": (io.BytesIO(content.encode("utf-8")), f"zelfscan-proef-v{version}.toml")}
    page = "/programma/vragenlijsten"
    answer = client.post(page, data=data, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)
    assert client.post(f"{page}/zelfscan-proef/{version}/publiceren").status_code == 302
    return db.exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == "zelfscan-proef", QuestionnaireVersion.version == version
        )
    ).one()


def test_the_changed_wording_of_every_uploaded_version_in_between_is_marked(client, db, world):
    login(client, world["programme"])
    first, _, third = (
        _upload_and_publish(client, db, text, n)
        for n, text in ((1, PROEF_V1), (2, PROEF_V2), (3, PROEF_V3))
    )
    client.post("/uitloggen")
    now = utcnow()
    made = []
    for key, version, opens, closes in (
        ("proef-1", first, now - timedelta(days=3), now + timedelta(days=7)),
        ("proef-3", third, now - timedelta(minutes=1), now + timedelta(days=7)),
    ):
        round_ = rounds.add_round(
            db,
            key=key,
            title=key.title(),
            questionnaire=version,
            opens_at=opens,
            closes_at=closes,
            regions=(world["region_a"],),
        )
        db.commit()
        import_rows(db, round_, [row("regio-a", "School A", "po", v) for v in "234"])
        close_round(db, round_)
        made.append(round_)

    login(client, world["coordinator_a"])
    page = client.get("/regio/regio-a/resultaten/proef-3").get_data(as_text=True)
    assert "Proef-1 gebruikte versie 1 van de vragenlijst, Proef-3 versie 3." in page
    note = page[page.index("Proef-1 gebruikte versie 1") :].split("</div>")[0]
    # kc-2 changed in v2, kc-1 in v3: both marked, in v3's wording; nothing else is.
    assert KC1_V3 in note and KC2_UPLOADED in note
    assert note.count(CHANGED) == 2
    statements = page[page.index('id="statements-heading"') :]
    for text in (KC1_V3, KC2_UPLOADED):
        assert CHANGED in statements[statements.index(text) :].split("</th>")[0], text


def test_shipped_and_uploaded_versions_in_between_add_up(app, db, make, world):
    second = (FOLDER / "zelfscan-mao-v2.toml").read_text(encoding="utf-8")
    third = second.replace("version = 2\n", "version = 3\n", 1).replace(
        'changed_wording = ["kc-2", "ga-2"]', 'changed_wording = ["sb-1"]', 1
    )
    with app.test_request_context():
        row = questionnaires.store_upload(
            db, parse(third.encode("utf-8"), "zelfscan-mao-v3.toml"), third, all_questionnaires()
        )
        questionnaires.publish(db, row)
        db.commit()
        later = make.round("ronde-3", (world["region_a"],), version=3, title="Ronde 3")
        change = change_between(world["round"], later)
    assert change is not None
    # v2 (a shipped file) marked kc-2 and ga-2, v3 (uploaded) sb-1.
    assert [item.key for item in change.changed_wording] == ["kc-2", "ga-2", "sb-1"]
