"""The sums of released rounds kept in the database (selfscan.services.region_sums): equal to
the sums of the answers, used by the pages while the responses stay the same, never while they
do not, and written by the worker, an import, the demo and `selfscan rounds store-sums`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import delete
from sqlmodel import select
from test_exchange import ROWS, import_rows, row

from conftest import close_round
from selfscan.core.scoring import ALL, PROGRAMME, SHOWN_RULES, Viewer, fingerprint
from selfscan.models import RegionSums, Response, RoundPooled, RoundRegion
from selfscan.services import region_sums, scores


def forget(db) -> None:
    """What a restarted worker knows: nothing kept in memory."""
    scores._figures_cache(db).clear()
    scores._region_cache(db).clear()
    scores._pooled_cache(db).clear()


def kept_rows(db, round_) -> dict[int, RegionSums]:
    return {
        r.region_id: r for r in db.exec(select(RegionSums).where(RegionSums.round_id == round_.id))
    }


def closed_round_with_answers(db, world):
    round_ = world["round"]
    import_rows(db, round_, ROWS)
    close_round(db, round_)
    return round_


def test_kept_sums_are_the_sums_of_the_answers(db, world):
    round_ = closed_round_with_answers(db, world)
    stored = region_sums.store_round(db, round_)
    db.commit()
    assert (stored.written, stored.removed, stored.skipped) == (2, 0, 0)
    kept = scores.kept_sums(db, [round_.id])
    assert {region for _, region in kept} == {world["region_a"].id, world["region_b"].id}
    live = scores.sector_groups(db, round_)
    stamps = scores.region_stamps(db, round_)
    for (_, region_id), (stamp, groups) in kept.items():
        assert stamp == stamps[region_id]
        assert groups == live[region_id]  # exactly: the floats round-trip through the text
    # Stored again, nothing has changed: nothing is written.
    assert region_sums.store_round(db, round_).written == 0


def test_pages_read_the_kept_sums_while_the_responses_stay_the_same(db, world, app):
    round_ = closed_round_with_answers(db, world)
    k = app.config["MIN_GROUP_SIZE"]
    region_a = world["region_a"].id
    region_sums.store_round(db, round_)
    db.commit()
    honest = scores.round_figures(db, round_, k, viewer=PROGRAMME).regions[region_a][ALL]
    # Kept sums that differ from the answers, with the stamp of the responses as they are: a
    # worker that knows nothing shows them, so they are what it reads.
    kept = kept_rows(db, round_)[region_a]
    groups = json.loads(kept.groups)
    for sector in groups.values():
        for numbers in sector[1].values():
            numbers[1] = numbers[0] * 1.0  # every score 1.0
            numbers[2] = numbers[0] * 1.0
            numbers[3] = numbers[4] = 1.0
    kept.groups = json.dumps(groups)
    db.add(kept)
    db.commit()
    forget(db)
    read = scores.round_figures(db, round_, k, viewer=PROGRAMME).regions[region_a][ALL]
    assert read.figures("kind-centraal").mean == 1.0 != honest.figures("kind-centraal").mean
    assert scores.region_figures(db, round_, region_a, k)[ALL] == read
    # One more response in the region: its kept sums no longer describe it and are not used.
    import_rows(db, round_, [row("regio-a", "School A", "po", "5")], k=1, keep_sums=False)
    forget(db)
    now = scores.round_figures(db, round_, k, viewer=PROGRAMME).regions[region_a][ALL]
    assert now.responses == honest.responses + 1
    assert now.figures("kind-centraal").mean > 1.0
    assert scores.region_figures(db, round_, region_a, k)[ALL] == now


def test_figures_from_kept_sums_equal_figures_from_the_answers(db, world, app):
    round_ = closed_round_with_answers(db, world)
    k = app.config["MIN_GROUP_SIZE"]
    forget(db)
    from_answers = scores._released_figures(db, round_, k)
    region_sums.store_round(db, round_)
    db.commit()
    forget(db)
    from_kept = scores._released_figures(db, round_, k)
    assert from_kept == from_answers
    assert scores.round_figures(db, round_, k, viewer=PROGRAMME).regions


def test_nothing_is_kept_of_a_round_that_has_not_closed(db, world):
    round_ = world["round"]
    import_rows(db, round_, ROWS)
    assert region_sums.store_round(db, round_).written == 0
    assert region_sums.store_released(db) == []
    assert kept_rows(db, round_) == {}


def test_an_import_into_a_released_round_keeps_the_changed_regions_sums(db, world):
    round_ = closed_round_with_answers(db, world)
    region_sums.store_round(db, round_)
    db.commit()
    before = kept_rows(db, round_)
    import_rows(db, round_, [row("regio-b", "School B", "po", "1")], k=1)
    after = kept_rows(db, round_)
    region_a, region_b = world["region_a"].id, world["region_b"].id
    assert after[region_b].responses == before[region_b].responses + 1
    assert after[region_a].stored_at == before[region_a].stored_at  # not written again
    assert (
        scores.kept_sums(db, [round_.id])[(round_.id, region_b)][0]
        == (scores.region_stamps(db, round_)[region_b])
    )


def test_sums_of_a_region_whose_responses_change_meanwhile_are_not_kept(db, world, monkeypatch):
    round_ = closed_round_with_answers(db, world)
    summing = scores.sector_groups

    def while_summing(session, round_, region_ids=None):
        found = summing(session, round_, region_ids)
        # A response imported into region b after its answers were summed up.
        import_rows(db, round_, [row("regio-b", "School B", "po", "1")], k=1, keep_sums=False)
        return found

    monkeypatch.setattr(scores, "sector_groups", while_summing)
    stored = region_sums.store_round(db, round_)
    db.commit()
    assert (stored.written, stored.skipped) == (1, 1)
    assert set(kept_rows(db, round_)) == {world["region_a"].id}
    monkeypatch.undo()
    assert region_sums.store_round(db, round_).written == 1  # the next time


def test_the_sums_of_a_region_without_responses_go(db, world):
    round_ = closed_round_with_answers(db, world)
    region_sums.store_round(db, round_)
    db.commit()
    for response in db.exec(
        select(Response).where(Response.region_id == world["region_b"].id)
    ).all():
        db.delete(response)
    db.commit()
    stored = region_sums.store_round(db, round_)
    db.commit()
    assert stored.removed == 1
    assert set(kept_rows(db, round_)) == {world["region_a"].id}


def test_the_command_keeps_the_sums_and_says_what_it_did(runner, db, world):
    round_ = world["round"]
    import_rows(db, round_, ROWS)
    refused = runner.invoke(args=["rounds", "store-sums", "--round", "ronde-1"])
    assert refused.exit_code != 0
    assert "has not closed" in refused.output
    unknown = runner.invoke(args=["rounds", "store-sums", "--round", "geen-ronde"])
    assert unknown.exit_code != 0 and "no round 'geen-ronde'" in unknown.output
    assert kept_rows(db, round_) == {}
    close_round(db, round_)
    result = runner.invoke(args=["rounds", "store-sums"])
    assert result.exit_code == 0, result.output
    assert "ronde-1: 2 regions written, 0 removed." in result.output
    assert len(kept_rows(db, round_)) == 2
    again = runner.invoke(args=["rounds", "store-sums", "--round", "ronde-1"])
    assert "ronde-1: 0 regions written" in again.output


def test_the_worker_keeps_the_sums_of_a_round_that_closed(runner, db, world, app):
    round_ = closed_round_with_answers(db, world)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sums of round ronde-1: 2 regions written." in result.output
    assert len(kept_rows(db, round_)) == 2
    pooled = db.exec(select(RoundPooled).where(RoundPooled.round_id == round_.id)).one()
    assert pooled.k == app.config["MIN_GROUP_SIZE"]


def third_region(db, world, make):
    """A third region with responses, so that all-regions figures may be shown (rule 6)."""
    region_c = make.region("regio-c")
    make.organisation(region_c, "School C", "po")
    db.add(RoundRegion(round_id=world["round"].id, region_id=region_c.id))
    db.commit()
    rows = [row("regio-c", "School C", "po", str(v)) for v in (2, 3, 4)]
    import_rows(db, world["round"], [*rows, row("regio-b", "School B", "po", "3")])


def test_the_trend_reads_the_kept_all_regions_groups_while_the_round_stays_the_same(
    db, world, app, make
):
    third_region(db, world, make)
    round_ = closed_round_with_answers(db, world)
    k = app.config["MIN_GROUP_SIZE"]
    region_sums.store_round(db, round_, k=k)
    db.commit()
    kept = db.get(RoundPooled, (round_.id, k))
    forget(db)
    honest = scores.pooled_figures(db, round_, k)
    assert honest[ALL].responses == 13
    assert scores.decode_groups(kept.groups) == honest
    assert (kept.responses, kept.id_sum, kept.latest) == scores.round_stamp(db, round_)
    # Kept groups that differ from the answers, under the round's stamp as it is: read.
    groups = json.loads(kept.groups)
    groups[ALL][0] = 99
    kept.groups = json.dumps(groups)
    db.add(kept)
    db.commit()
    forget(db)
    assert scores.pooled_figures(db, round_, k)[ALL].responses == 99
    # Three more responses: the kept groups no longer describe the round and are not used.
    import_rows(db, round_, [row("regio-c", "School C", "po", "5")] * 3, keep_sums=False)
    forget(db)
    assert scores.pooled_figures(db, round_, k)[ALL].responses == 16
    # Stored again: written anew under the new stamp.
    region_sums.store_round(db, round_, k=k)
    db.commit()
    assert db.get(RoundPooled, (round_.id, k)).responses == 16


def test_the_demo_keeps_the_sums_of_its_closed_rounds(runner, db):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert db.exec(select(RegionSums)).all()
    # Every released round's regions are kept as they are: storing again writes nothing.
    released = region_sums.store_released(db)
    assert released and all(s.written == 0 for s in released)


def kept_round(db, world, make, app):
    """A released round of three regions whose figures for the app's k the database keeps."""
    third_region(db, world, make)
    round_ = closed_round_with_answers(db, world)
    import_rows(db, round_, [row("regio-c", "School C", "po", str(v)) for v in (2, 3, 4)], k=1)
    k = app.config["MIN_GROUP_SIZE"]
    region_sums.store_round(db, round_, k=k)
    db.commit()
    return round_, k


def altered_regions(kept: RoundPooled, region_id: int) -> None:
    """The kept shown groups of one region with every all-sectors score 1.0."""
    regions = json.loads(kept.regions)
    for numbers in regions[str(region_id)][ALL][1].values():
        numbers[1:] = [numbers[0] * 1.0, numbers[0] * 1.0, 1.0, 1.0]
    kept.regions = json.dumps(regions)


def test_a_worker_that_knows_nothing_reads_every_regions_kept_shown_groups(db, world, make, app):
    round_, k = kept_round(db, world, make, app)
    region_a = world["region_a"].id
    coordinator = Viewer(frozenset({region_a}))
    kept = db.get(RoundPooled, (round_.id, k))
    assert kept.rules == SHOWN_RULES
    # The figures made here from the regions' sums, while the kept row cannot be read.
    kept.rules = ""
    db.add(kept)
    db.commit()
    forget(db)
    made_here = scores._released_figures(db, round_, k)
    seen_here = scores.round_figures(db, round_, k, viewer=coordinator)
    assert scores.decode_regions(kept.regions) == made_here.regions
    # Read back, the kept groups make the same figures, for the programme team and for a
    # coordinator.
    kept.rules = SHOWN_RULES
    db.add(kept)
    db.commit()
    forget(db)
    assert scores._released_figures(db, round_, k) == made_here
    forget(db)
    assert scores.round_figures(db, round_, k, viewer=coordinator) == seen_here
    # Kept groups that differ from the answers, under the round's stamp and rules as they are:
    # a worker that knows nothing shows them, so they are what it reads.
    altered_regions(kept, region_a)
    db.add(kept)
    db.commit()
    forget(db)
    read = scores.round_figures(db, round_, k, viewer=PROGRAMME).regions[region_a][ALL]
    assert read.figures("kind-centraal").mean == 1.0
    assert made_here.regions[region_a][ALL].figures("kind-centraal").mean != 1.0


def test_kept_shown_groups_made_by_other_rules_are_not_read_and_are_made_again(
    db, world, make, app
):
    round_, k = kept_round(db, world, make, app)
    region_a = world["region_a"].id
    forget(db)
    honest = scores._released_figures(db, round_, k)
    kept = db.get(RoundPooled, (round_.id, k))
    altered_regions(kept, region_a)
    groups = json.loads(kept.groups)
    groups[ALL][0] = 99
    kept.groups = json.dumps(groups)
    kept.rules = "0123456789abcdef"  # made by a version of the rules that is not this one
    db.add(kept)
    db.commit()
    forget(db)
    assert scores._released_figures(db, round_, k) == honest
    forget(db)
    assert scores.pooled_figures(db, round_, k) == dict(honest.pooled.groups)
    # The worker makes them again under these rules.
    region_sums.store_round(db, round_, k=k)
    db.commit()
    db.refresh(kept)
    assert kept.rules == SHOWN_RULES
    assert scores.decode_regions(kept.regions) == honest.regions
    assert scores.decode_groups(kept.groups) == dict(honest.pooled.groups)


def test_kept_shown_groups_are_not_read_once_the_rounds_responses_change(db, world, make, app):
    round_, k = kept_round(db, world, make, app)
    region_a, region_b = world["region_a"].id, world["region_b"].id
    forget(db)
    before = scores._released_figures(db, round_, k)
    kept = db.get(RoundPooled, (round_.id, k))
    altered_regions(kept, region_a)
    db.add(kept)
    db.commit()
    # One more response in region b, the kept rows left as they were.
    import_rows(db, round_, [row("regio-b", "School B", "po", "5")], k=1, keep_sums=False)
    forget(db)
    now = scores._released_figures(db, round_, k)
    assert now.regions[region_a] == before.regions[region_a]  # not the altered groups
    assert now.regions[region_b][ALL].responses == before.regions[region_b][ALL].responses + 1


def test_figures_read_from_the_kept_shown_groups_follow_a_later_change(db, world, make, app):
    round_, k = kept_round(db, world, make, app)
    region_b = world["region_b"].id
    forget(db)
    before = scores._released_figures(db, round_, k)  # read from the kept row
    import_rows(db, round_, [row("regio-b", "School B", "po", "5")], k=1, keep_sums=False)
    now = scores._released_figures(db, round_, k)  # no forget: brought up to date in memory
    assert now.regions[region_b][ALL].responses == before.regions[region_b][ALL].responses + 1
    forget(db)
    db.execute(delete(RoundPooled))
    db.commit()
    assert scores._released_figures(db, round_, k) == now


def test_the_rules_fingerprint_is_the_same_in_every_process_and_follows_the_code():
    seen = {
        subprocess.run(
            [sys.executable, "-c", "from selfscan.core.scoring import SHOWN_RULES as r; print(r)"],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert seen == {SHOWN_RULES}

    def rule(sectors, k):
        return {s for s in sectors if s in {"po", "vo"} and k >= 5}

    def other_rule(sectors, k):
        return {s for s in sectors if s in {"po", "vo"} and k >= 6}

    assert fingerprint([rule], 5) == fingerprint([rule], 5)
    assert fingerprint([rule], 5) != fingerprint([other_rule], 5)
    assert fingerprint([rule], 5) != fingerprint([rule], 6)
