"""Anonymous quotations in the programme's annual report: only comments the coordinator marked,
only of regions that allowed quotations, only where the region report shows comments (the
region's total on the principle shown, at least k, rules 5, 5b and 8), without region,
organisation or sector."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from test_overview import make_rounds

from conftest import login
from selfscan.models import PrincipleComment, QuotableComment, Response
from selfscan.services import network, quotations

ANNUAL = "/programma/jaarverslag"
MARKS_A = "/regio/regio-a/rondes/ronde-1/citaten"


def _comment(db, round_, region, principle: str, text: str) -> None:
    """A comment on the principle by the next of the region's responses without one."""
    taken = {
        c.response_id
        for c in db.exec(select(PrincipleComment).where(PrincipleComment.principle == principle))
    }
    response = next(
        r
        for r in db.exec(
            select(Response)
            .where(Response.round_id == round_.id, Response.region_id == region.id)
            .order_by(Response.id)
        )
        if r.id not in taken
    )
    db.add(PrincipleComment(response_id=response.id, principle=principle, text=text))
    db.commit()


@pytest.fixture
def said(make, db, world):
    """make_rounds (round 1: region a shown, b hidden with two responses) with comments: region
    a's on kind-centraal, one long one, and region b's (hidden: never quoted)."""
    _, round_1 = make_rounds(make, db, world)
    _comment(db, round_1, world["region_a"], "kind-centraal", "Ouders zitten nu echt aan tafel")
    _comment(
        db, round_1, world["region_a"], "kind-centraal", "Juf Marieke van groep 3 regelt alles"
    )
    _comment(db, round_1, world["region_a"], "samen-beter", "x" * (quotations.QUOTE_MAX_LENGTH + 1))
    _comment(db, round_1, world["region_b"], "kind-centraal", "Regio B zegt dit verborgen")
    for region in (world["region_a"], world["region_b"]):
        network.save_choices(db, region, take_part=False, share_agenda=False, allow_quotes=True)
    db.commit()
    return world


def _quotes(client) -> str:
    page = client.get(ANNUAL)
    assert page.status_code == 200
    text = page.text
    return (
        text.split('id="annual-quotations"', 1)[1].split("</div>", 1)[0]
        if 'id="annual-quotations"' in text
        else ""
    )


def test_only_marked_comments_of_allowing_regions_are_quoted(app, client, db, said):
    login(client, said["coordinator_a"])
    page = client.get(MARKS_A)
    assert page.status_code == 200
    assert "Ouders zitten nu echt aan tafel" in page.text
    assert "Regio B zegt dit verborgen" not in page.text
    mark = quotations.mark_of("kind-centraal", "Ouders zitten nu echt aan tafel")
    assert re.search(rf'value="{mark}"', page.text)
    # Unmarked, nothing is quoted.
    team = app.test_client()
    login(team, said["programme"])
    assert "Ouders zitten" not in _quotes(team)

    saved = client.post(MARKS_A, data={"marks": [mark]})
    assert saved.status_code == 302
    assert len(db.exec(select(QuotableComment)).all()) == 1
    quoted = _quotes(team)
    assert "Ouders zitten nu echt aan tafel" in quoted
    assert "Juf Marieke" not in quoted  # not marked: names stay out
    assert "Regio A" not in quoted and "School" not in quoted and "Gemeente" not in quoted
    assert "Het kind centraal" in quoted

    # The region takes its permission back: nothing is quoted, the mark stays for later.
    network.save_choices(
        db, said["region_a"], take_part=False, share_agenda=False, allow_quotes=False
    )
    db.commit()
    assert "Ouders zitten" not in _quotes(team)


def test_the_pdf_quotes_the_same(app, db, said):
    from io import BytesIO

    from pypdf import PdfReader

    mark = quotations.mark_of("kind-centraal", "Ouders zitten nu echt aan tafel")
    client = app.test_client()
    login(client, said["coordinator_a"])
    client.post(MARKS_A, data={"marks": [mark]})
    team = app.test_client()
    login(team, said["programme"])
    pdf = team.get(ANNUAL + ".pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    assert "Ouders zitten nu echt aan tafel" in re.sub(r"\s+", " ", text)


def test_hidden_regions_long_comments_and_foreign_marks_are_never_quoted(db, said):
    round_1 = said["round"]
    # Marks for b's comment (b is hidden in round 1) and for the long one are ignored.
    hidden = quotations.mark_of("kind-centraal", "Regio B zegt dit verborgen")
    assert quotations.save_marks(db, said["region_b"], round_1, {hidden}, 3) == 0
    long_mark = quotations.mark_of("samen-beter", "x" * (quotations.QUOTE_MAX_LENGTH + 1))
    assert quotations.save_marks(db, said["region_a"], round_1, {long_mark}, 3) == 1
    db.commit()
    assert quotations.quotations(db, [round_1], 3) == {}
    # A row marked behind the page's back (b's hidden comment) is still not quoted.
    b_comment = db.exec(
        select(PrincipleComment).where(PrincipleComment.text == "Regio B zegt dit verborgen")
    ).one()
    db.add(QuotableComment(response_id=b_comment.response_id, principle="kind-centraal"))
    db.commit()
    assert quotations.quotations(db, [round_1], 3) == {}


def test_marking_is_the_regions_own_and_needs_a_closed_round(app, client, db, said, make):
    other = app.test_client()
    login(other, said["coordinator_b"])
    assert other.get(MARKS_A).status_code == 403
    login(client, said["coordinator_a"])
    assert client.get("/regio/regio-a/rondes/ronde-9/citaten").status_code == 404
    page = client.get("/regio/regio-a/rondes/ronde-2/citaten")  # planned: nothing to mark
    assert page.status_code == 200 and "Ouders zitten" not in page.text
    bad = client.post(MARKS_A, data={"marks": ["not-a-mark"]})
    assert bad.status_code == 400
    assert db.exec(select(QuotableComment)).all() == []
