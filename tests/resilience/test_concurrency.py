"""Concurrency through the app itself: requests started together by a barrier lose no answer
and submit once, on SQLite and on PostgreSQL.

(tests/test_respondent_submit.py covers double submits and a save racing a submit; these
tests add many saves of different pages of one response, many people at once, and saves and
submits of several people mixed.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from respondent_support import PRINCIPLES, comments, current_revision, enter, item_keys, stored
from sqlmodel import func, select

from selfscan.models import Response

TIMEOUT = 90
REVISION_FIELD = re.compile(r'name="revision"[^>]*value="(\d+)"')


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads released at once by a barrier; their results, or raise."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            results[index] = job()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    if errors:
        raise errors[0]
    return results


def page_values(
    spec: Any, principle: str, value: int, *, skip_first: bool = False
) -> dict[str, str]:
    """A principle page's form: every statement `value` (the first left open if `skip_first`),
    the first flagged for discussion, and a comment naming the value."""
    keys = item_keys(spec, principle)
    form = {f"item-{key}": str(value) for key in keys[1 if skip_first else 0 :]}
    form[f"discuss-{keys[0]}"] = "y"
    form["comment"] = f"over {principle}: {value}"
    form["action"] = "next"
    return form


def page_state(spec: Any, principle: str, value: int, *, skip_first: bool = False) -> dict:
    """What the database holds after saving `page_values` with the same arguments."""
    keys = item_keys(spec, principle)
    state = {key: (value, False, key == keys[0]) for key in keys}
    if skip_first:
        state[keys[0]] = (None, False, True)  # only the discussion flag
    return state


def autosave(client: Any, principle: str, form: dict[str, str]) -> int:
    return client.post(
        f"/vragenlijst/{principle}/automatisch-opslaan",
        data=form,
        headers={"Accept": "application/json"},
    ).status_code


def expected_answers(spec: Any, values: dict[str, int]) -> dict[str, tuple[int, bool, bool]]:
    found = {}
    for principle, value in values.items():
        found.update(page_state(spec, principle, value))
    return found


def test_autosaves_of_every_page_of_one_response_at_once_keep_every_answer(app, world, make, db):
    """Five tabs or devices saving the five DIFFERENT pages of one response at the same moment."""
    spec = make.questionnaire_spec()
    invitation, token = make.invitation(world["round"], world["org_a"])
    values = {principle: 1 + n for n, principle in enumerate(PRINCIPLES)}
    jobs = []
    for principle, value in values.items():
        client = app.test_client()
        enter(client, token)
        form = page_values(spec, principle, value)
        jobs.append(lambda c=client, p=principle, f=form: autosave(c, p, f))
    assert run_together(jobs) == [200] * len(jobs)
    assert stored(db, invitation.id) == expected_answers(spec, values)
    assert comments(db, invitation.id) == {p: f"over {p}: {v}" for p, v in values.items()}
    # Every save raised the revision once: none was lost or merged into another.
    assert current_revision(db, invitation.id) == len(jobs)
    assert db.exec(select(func.count()).select_from(Response)).one() == 1


def test_different_versions_of_the_same_pages_at_once_leave_one_whole_version_each(
    app, world, make, db
):
    """Three devices save different versions of every page at once (one of them clears a
    statement): each page ends up as exactly one device's version, never a mix, and no save
    fails."""
    spec = make.questionnaire_spec()
    invitation, token = make.invitation(world["round"], world["org_a"])
    versions = [(2, False), (4, False), (5, True)]  # (value, first statement left open)
    jobs = []
    for principle in PRINCIPLES:
        for value, skip_first in versions:
            client = app.test_client()
            enter(client, token)
            form = page_values(spec, principle, value, skip_first=skip_first)
            jobs.append(lambda c=client, p=principle, f=form: autosave(c, p, f))
    assert run_together(jobs) == [200] * len(jobs)
    answers, texts = stored(db, invitation.id), comments(db, invitation.id)
    for principle in PRINCIPLES:
        keys = item_keys(spec, principle)
        page = {key: answers.get(key) for key in keys}
        states = {
            value: page_state(spec, principle, value, skip_first=skip) for value, skip in versions
        }
        winner = next((v for v, state in states.items() if state == page), None)
        assert winner is not None, f"{principle} mixes versions: {page}"
        assert texts[principle] == f"over {principle}: {winner}"
    # All three versions of a page differ, so each of the 15 saves changed something.
    assert current_revision(db, invitation.id) == len(jobs)
    assert db.exec(select(func.count()).select_from(Response)).one() == 1


def test_many_people_saving_and_submitting_at_once_lose_nothing(app, world, make, db):
    """Twelve people in two regions: each saves a page and submits, all at the same moment."""
    spec = make.questionnaire_spec()
    people = []
    for n in range(12):
        org = world["org_a"] if n % 2 else world["org_b"]
        invitation, token = make.invitation(world["round"], org)
        client = app.test_client()
        enter(client, token)
        # A first page saved beforehand, so that each person has something to submit.
        first = client.post("/vragenlijst/kind-centraal", data=page_values(spec, PRINCIPLES[0], 3))
        assert first.status_code == 302
        people.append((invitation, client, 1 + n % 5))

    def save_then_submit(client: Any, value: int) -> tuple[int, str]:
        code = autosave(client, PRINCIPLES[1], page_values(spec, PRINCIPLES[1], value))
        # The revision the review page shows, as a person's browser sends it. (Read through the
        # test's own session, shared by the threads, it could come from a read transaction
        # begun before this person's save, and the submit then rightly asked for a review.)
        review = client.get("/vragenlijst/controleren").get_data(as_text=True)
        revision = REVISION_FIELD.search(review).group(1)  # type: ignore[union-attr]
        submit = client.post("/vragenlijst/versturen", data={"revision": revision})
        return code, submit.headers.get("Location", "")

    results = run_together([lambda c=c, v=v: save_then_submit(c, v) for _, c, v in people])
    assert results == [(200, "/vragenlijst/profiel")] * len(people)
    for invitation, _, value in people:
        expected = expected_answers(spec, {PRINCIPLES[0]: 3, PRINCIPLES[1]: value})
        assert stored(db, invitation.id) == expected
    statuses = db.exec(select(Response.status, func.count()).group_by(Response.status)).all()
    assert statuses == [("submitted", len(people))]


def test_double_submits_of_many_people_at_once_make_one_submission_each(app, world, make, db):
    """Four people each press "send" on two devices at the same moment."""
    spec = make.questionnaire_spec()
    jobs = []
    invitations = []
    for _ in range(4):
        invitation, token = make.invitation(world["round"], world["org_a"])
        invitations.append(invitation)
        devices = [app.test_client(), app.test_client()]
        for device in devices:
            enter(device, token)
        devices[0].post("/vragenlijst/kind-centraal", data=page_values(spec, PRINCIPLES[0], 2))
        revision = current_revision(db, invitation.id)
        for device in devices:
            jobs.append(
                lambda d=device, r=revision: d.post(
                    "/vragenlijst/versturen", data={"revision": str(r)}
                ).headers.get("Location")
            )
    assert run_together(jobs) == ["/vragenlijst/profiel"] * len(jobs)
    for invitation in invitations:
        rows = db.exec(select(Response).where(Response.invitation_id == invitation.id)).all()
        assert [row.status for row in rows] == ["submitted"]
