"""The region dashboard recalls the previous round's learning agenda: its actions with their
status and the change on exactly that round's focus principles (rule 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_exchange import import_rows
from test_overview import HIDDEN, ROUND_0, ROUND_1

from conftest import close_round, login
from selfscan.models.types import utcnow
from selfscan.services import agenda
from selfscan.services.agenda import ReflectionInput
from selfscan.services.previous_agenda import FocusChange, previous_agenda
from selfscan.services.scores import region_figures


@pytest.fixture
def history(make, db, world):
    """Round 0 with both regions' agendas, then round 1, closed (see test_overview)."""
    now = utcnow()
    region_a, region_b = world["region_a"], world["region_b"]
    round_0 = make.round(
        "ronde-0",
        (region_a, region_b),
        title="Ronde 0",
        opens_at=now - timedelta(days=200),
        closes_at=now - timedelta(days=150),
    )
    import_rows(db, round_0, ROUND_0)
    import_rows(db, world["round"], ROUND_1)
    close_round(db, world["round"])
    agenda.save_reflections(
        db,
        region=region_a,
        round_=round_0,
        entries={
            "kind-centraal": ReflectionInput("Ouders komen te laat in beeld", True),
            "partnerschap-regie": ReflectionInput("", True),
            "samen-beter": ReflectionInput("Goed op weg", False),
        },
    )
    agenda.add_action(
        db, region=region_a, round_=round_0, principle="kind-centraal", title="Ouders aan tafel"
    )
    agenda.add_action(
        db,
        region=region_a,
        round_=round_0,
        principle="partnerschap-regie",
        title="Gezamenlijke intake",
        status="done",
    )
    agenda.save_reflections(
        db,
        region=region_b,
        round_=round_0,
        entries={"kind-centraal": ReflectionInput("", True)},
    )
    agenda.add_action(
        db,
        region=region_b,
        round_=round_0,
        principle="kind-centraal",
        title="Actie van regio B",
        status="in_progress",
    )
    db.commit()
    return round_0, world["round"]


def test_focus_changes_follow_exactly_the_previous_focus_principles(app, db, world, history):
    _, round_1 = history
    region_a = world["region_a"]
    with app.app_context():
        found = previous_agenda(
            db, region_a, round_1, region_figures(db, round_1, region_a.id, 3), 3
        )
    assert found is not None and found.round.key == "ronde-0"
    assert [a.title for a in found.actions] == ["Ouders aan tafel", "Gezamenlijke intake"]
    assert [a.status for a in found.actions] == ["open", "done"]
    # Focus: kind-centraal and partnerschap-regie, not samen-beter (a reflection, no focus).
    # Round 0: 3.00 everywhere; round 1: kc 23/6, the others 22/7.
    assert [f.principle for f in found.focus] == ["kind-centraal", "partnerschap-regie"]
    assert found.focus[0].before == pytest.approx(3.0)
    assert found.focus[0].now == pytest.approx(23 / 6)
    assert found.focus[0].change == pytest.approx(23 / 6 - 3)
    assert found.focus[1].change == pytest.approx(22 / 7 - 3)


def test_no_change_where_this_round_is_hidden(app, db, world, history):
    _, round_1 = history
    region_b = world["region_b"]
    with app.app_context():
        shown = region_figures(db, round_1, region_b.id, 3)
        found = previous_agenda(db, region_b, round_1, shown, 3)
    assert shown == {}  # two responses: hidden
    assert found is not None
    assert found.focus == [FocusChange("kind-centraal", pytest.approx(4.0), None, None)]
    assert [a.title for a in found.actions] == ["Actie van regio B"]


def test_the_first_round_has_no_previous_agenda(app, db, world, history):
    round_0, _ = history
    with app.app_context():
        assert previous_agenda(db, world["region_a"], round_0, {}, 3) is None


def test_dashboard_shows_the_previous_agenda(client, world, history):
    login(client, world["coordinator_a"])
    response = client.get("/regio/regio-a/resultaten/ronde-1")
    assert response.status_code == 200
    page = response.text
    assert "previous-agenda-heading" in page
    assert "Ouders aan tafel" in page and "Gezamenlijke intake" in page
    assert "+0,83" in page and "+0,14" in page  # 3.83 - 3.00 and 3.14 - 3.00
    assert "Actie van regio B" not in page  # another region's agenda never shows


def test_dashboard_of_a_hidden_round_shows_actions_but_no_change(client, world, history):
    login(client, world["coordinator_b"])
    response = client.get("/regio/regio-b/resultaten/ronde-1")
    assert response.status_code == 200
    page = response.text
    assert "Actie van regio B" in page
    assert "4,00" in page  # round 0's focus mean was shown then
    assert HIDDEN not in page
    assert "Ouders aan tafel" not in page


def test_dashboard_of_the_first_round_has_no_previous_agenda(client, world, history):
    login(client, world["coordinator_a"])
    response = client.get("/regio/regio-a/resultaten/ronde-0")
    assert response.status_code == 200
    assert "previous-agenda-heading" not in response.text
