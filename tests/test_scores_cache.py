"""Round figures are kept between requests, and always agree with summing everything again."""

from __future__ import annotations

from sqlmodel import select
from test_exchange import ROWS, import_rows, row

from conftest import close_round
from selfscan.core.scoring import ALL, PROGRAMME
from selfscan.models import Response, RoundRegion
from selfscan.services import scores
from selfscan.services.scores import _figures_cache, _released_figures


def fresh(db, round_, k):
    """The figures summed from scratch, as if nothing were kept."""
    _figures_cache(db).clear()
    return _released_figures(db, round_, k)


def test_kept_figures_follow_new_responses_in_one_region(db, world, app):
    round_, k = world["round"], app.config["MIN_GROUP_SIZE"]
    import_rows(db, round_, ROWS)
    before = _released_figures(db, round_, k)
    # Region b had 2 responses (below k); a third makes it shown.
    import_rows(db, round_, [row("regio-b", "School B", "po", "1")])
    after = _released_figures(db, round_, k)
    assert after != before
    assert len(after.regions) == len(before.regions) + 1
    assert after == fresh(db, round_, k)


def test_kept_figures_follow_a_removed_response(db, world, app):
    round_, k = world["round"], app.config["MIN_GROUP_SIZE"]
    import_rows(db, round_, ROWS)
    before = _released_figures(db, round_, k)
    gone = db.exec(select(Response).where(Response.round_id == round_.id)).first()
    db.delete(gone)
    db.commit()
    after = _released_figures(db, round_, k)
    assert after != before
    assert after == fresh(db, round_, k)


def test_unchanged_data_gives_the_kept_figures(db, world, app):
    round_, k = world["round"], app.config["MIN_GROUP_SIZE"]
    import_rows(db, round_, ROWS)
    first = _released_figures(db, round_, k)
    assert _released_figures(db, round_, k) is first
    assert _released_figures(db, round_, k + 1) is not first  # k is part of the key


def test_nothing_is_given_before_the_round_closes(db, world, app):
    round_, k = world["round"], app.config["MIN_GROUP_SIZE"]
    import_rows(db, round_, ROWS)
    assert scores.round_figures(db, round_, k, viewer=PROGRAMME) == scores.NOTHING
    assert scores.region_figures(db, round_, world["region_a"].id, k) == {}
    close_round(db, round_)
    assert scores.round_figures(db, round_, k, viewer=PROGRAMME).regions
    assert scores.region_figures(db, round_, world["region_a"].id, k)[ALL].responses == 7


def test_kept_region_figures_follow_new_responses(db, world, app):
    round_, k = world["round"], app.config["MIN_GROUP_SIZE"]
    import_rows(db, round_, ROWS)
    close_round(db, round_)
    region_b = world["region_b"].id
    assert scores.region_figures(db, round_, region_b, k) == {}  # 2 responses: below k
    # An import of one response, allowed here by passing k = 1 to the import's release check:
    # what is tested is that the kept figures follow.
    import_rows(db, round_, [row("regio-b", "School B", "po", "1")], k=1)
    shown = scores.region_figures(db, round_, region_b, k)
    assert shown[ALL].responses == 3
    assert scores.region_figures(db, round_, region_b, k) is shown


def test_the_trends_all_regions_figures_are_the_rounds_and_follow_new_responses(
    db, world, app, make
):
    round_, k = world["round"], app.config["MIN_GROUP_SIZE"]
    # A third region, so that all-regions figures may be shown (rule 6).
    region_c = make.region("regio-c")
    make.organisation(region_c, "School C", "po")
    db.add(RoundRegion(round_id=round_.id, region_id=region_c.id))
    db.commit()
    third = [row("regio-c", "School C", "po", str(v)) for v in (2, 3, 4)]
    import_rows(db, round_, [*ROWS, *third, row("regio-b", "School B", "po", "3")])
    assert scores.pooled_figures(db, round_, k) == {}  # open: nothing (rule 8)
    close_round(db, round_)
    first = scores.pooled_figures(db, round_, k)
    assert first and first == scores.round_figures(db, round_, k, viewer=PROGRAMME).pooled
    import_rows(db, round_, [row("regio-c", "School C", "po", "1")] * 3)
    scores._figures_cache(db).clear()
    after = scores.pooled_figures(db, round_, k)
    assert after[ALL].responses == first[ALL].responses + 3
    assert after == scores.round_figures(db, round_, k, viewer=PROGRAMME).pooled
