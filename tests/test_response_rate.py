"""Who was asked and who answered: one count for the dashboard, the invitations page and the
overview, and a response rate that never passes 100 %, whatever happened to an invitation after
its person answered."""

from __future__ import annotations

import re

import pytest
from test_exchange import import_rows, row

from conftest import login
from selfscan.models import Response
from selfscan.models.types import utcnow
from selfscan.services import privacy, regions
from selfscan.services.invitations import revoke
from selfscan.services.participation import asked_and_submitted


def answered(db, invitation) -> Response:
    """The invitation's person submitted (the sector is fixed when they start)."""
    response = Response(
        invitation_id=invitation.id,
        round_id=invitation.round_id,
        region_id=invitation.region_id,
        organisation_id=invitation.organisation_id,
        sector="po",
        status="submitted",
        submitted_at=utcnow(),
    )
    db.add(response)
    db.commit()
    return response


def counts(db, world):
    region = world["region_a"].id
    return asked_and_submitted(db, world["round"], region).of(region)


def test_open_invitations_and_answers_are_counted_once(db, make, world):
    first, _ = make.invitation(world["round"], world["org_a"])
    make.invitation(world["round"], world["org_a"])
    answered(db, first)
    assert counts(db, world) == ({"po": 2}, {"po": 1})


def test_an_invitation_revoked_after_its_person_answered_still_counts_as_asked(db, make, world):
    invitation, _ = make.invitation(world["round"], world["org_a"])
    answered(db, invitation)
    revoke(db, invitation)
    db.commit()
    # Before: invited 0 (revoked), submitted 1: no rate, or an infinite one.
    assert counts(db, world) == ({"po": 1}, {"po": 1})


def test_a_revoked_invitation_without_an_answer_is_not_asked(db, make, world):
    invitation, _ = make.invitation(world["round"], world["org_a"])
    revoke(db, invitation)
    db.commit()
    assert counts(db, world) == ({}, {})


def test_an_erased_person_who_answered_keeps_counting(db, make, world):
    invitation, _ = make.invitation(world["round"], world["org_a"], email="weg@example.org")
    answered(db, invitation)
    privacy.erase_person(db, "weg@example.org")
    db.commit()
    assert counts(db, world) == ({"po": 1}, {"po": 1})


def test_imported_answers_may_be_from_open_invitations(db, make, world):
    for _ in range(3):
        make.invitation(world["round"], world["org_a"])
    import_rows(db, world["round"], [row("regio-a", "School A", "po", "4")] * 2)
    # 2 imported responses, perhaps from 2 of the 3 invited: 3 asked, not 5.
    assert counts(db, world) == ({"po": 3}, {"po": 2})
    import_rows(db, world["round"], [row("regio-a", "School A", "po", "4")] * 2)
    # 4 imported responses: at least one came from someone asked outside Selfscan.
    assert counts(db, world) == ({"po": 4}, {"po": 4})


def test_answers_count_in_their_sector_when_the_organisation_changes_sector(db, make, world):
    first, _ = make.invitation(world["round"], world["org_a"])
    make.invitation(world["round"], world["org_a"])
    answered(db, first)  # as po
    regions.update_organisation(db, world["org_a"], name="School A", sector="vo")
    db.commit()
    # The answer stays po; the open invitation follows its organisation to vo.
    assert counts(db, world) == ({"po": 1, "vo": 1}, {"po": 1})


@pytest.fixture
def revoked_after_answering(db, make, world, client):
    """Region a: two people asked in po, both answered; then one invitation was revoked."""
    people = [make.invitation(world["round"], world["org_a"])[0] for _ in range(2)]
    for invitation in people:
        answered(db, invitation)
    revoke(db, people[0])
    db.commit()
    login(client, world["programme"])


HINT = "Als uitgenodigd geteld: mensen met een openstaande uitnodiging en iedereen die"


def test_the_dashboard_shows_at_most_100_percent(client, revoked_after_answering):
    page = client.get("/regio/regio-a/resultaten/ronde-1").text
    assert HINT in page  # what "invited" counts, said on the page
    row_ = re.search(r"primair onderwijs</th>(.*?)</tr>", page, re.S)
    assert row_ is not None
    assert re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row_.group(1)) == ["2", "2", "100%"]


def test_the_invitations_page_counts_the_same(client, revoked_after_answering):
    page = client.get("/regio/regio-a/rondes/ronde-1/uitnodigingen").text
    assert HINT in page
    row_ = re.search(r"primair onderwijs</th>(.*?)</tr>", page, re.S)
    assert row_ is not None
    assert re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row_.group(1)) == ["2", "2"]


def test_the_overview_counts_the_same(client, revoked_after_answering):
    assert HINT in client.get("/programma/overzicht/ronde-1").text
    rows = client.get("/programma/overzicht/ronde-1/participation.csv").text.splitlines()
    region_a = next(line for line in rows if ",regio-a," in line)
    assert ",2,2,100.00," in region_a
