"""The responses service on its own: starting, saving, submitting, with their guards."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from respondent_support import stored
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from selfscan.models import Invitation, Response
from selfscan.models.types import utcnow
from selfscan.services import responses
from selfscan.services.invitations import find_usable, hash_token, revoke
from selfscan.services.responses import PageAnswers, SubmitOutcome


@pytest.fixture
def invited(world, make):
    return make.invitation(world["round"], world["org_a"])


def _fresh(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


def test_find_usable_accepts_only_a_working_link(invited, db, world):
    invitation, token = invited
    assert find_usable(db, token).id == invitation.id
    assert find_usable(db, token + "x") is None
    assert find_usable(db, "") is None
    assert find_usable(db, "a" * 500) is None
    assert invitation.token_hash == hash_token(token) != token


def test_find_usable_refuses_revoked_and_closed(invited, db, world):
    invitation, token = invited
    revoke(db, invitation)
    db.commit()
    assert find_usable(db, token) is None


def test_start_takes_the_sector_of_the_organisation_and_is_idempotent(engine, invited):
    invitation, _ = invited
    with _fresh(engine) as session:
        inv = session.get(Invitation, invitation.id)
        first = responses.start(session, inv)
        second = responses.start(session, inv)
        session.commit()
        assert first.id == second.id
        assert (first.sector, first.status, first.revision) == ("po", "draft", 0)
        assert inv.opened_at is not None


def test_concurrent_starts_make_one_response(engine, invited):
    invitation, _ = invited
    barrier = threading.Barrier(5)
    ids: list[int] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            # Wait before touching the database: on SQLite a session's first statement takes
            # the write lock, which would keep the others from reaching the barrier.
            barrier.wait(timeout=30)
            with _fresh(engine) as session:
                inv = session.get(Invitation, invitation.id)
                ids.append(responses.start(session, inv).id)
                session.commit()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=go) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(set(ids)) == 1
    with _fresh(engine) as session:
        assert len(session.exec(select(Response)).all()) == 1


def _save(engine, invitation_id, principle, page, **kwargs):
    with _fresh(engine) as session:
        response = responses.save_page(
            session, session.get(Invitation, invitation_id), principle, page, **kwargs
        )
        session.commit()
        return response


def test_save_page_raises_the_revision_and_writes_only_that_page(engine, invited, db):
    invitation, _ = invited
    first = _save(engine, invitation.id, "kind-centraal", PageAnswers({"kc-1": 3}))
    second = _save(engine, invitation.id, "samen-beter", PageAnswers({"sb-1": 2}))
    assert (first.revision, second.revision) == (1, 2)
    assert stored(db, invitation.id) == {"kc-1": (3, False, False), "sb-1": (2, False, False)}


def test_a_save_that_changes_nothing_writes_nothing(engine, invited):
    invitation, _ = invited
    page = PageAnswers({"kc-1": 3}, discuss=frozenset({"kc-2"}), comment="Ja")
    first = _save(engine, invitation.id, "kind-centraal", page)
    again = _save(engine, invitation.id, "kind-centraal", page)
    assert again.revision == first.revision == 1
    changed = _save(engine, invitation.id, "kind-centraal", PageAnswers({"kc-1": 3}, comment="Ja"))
    assert changed.revision == 2


def test_a_save_whose_page_changed_after_it_read_it_writes_its_own_version_whole(engine, invited):
    """Two saves of one page where the second reads the page before the first commits: the
    second, the last to write, must leave exactly its own version (here: clearing kc-2), not
    a mix built on what it read. Only PostgreSQL lets the two interleave like this; on SQLite
    the first read of a writing transaction already holds the lock."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes the write lock before the first read (selfscan.infra.db)")
    invitation, _ = invited
    _save(engine, invitation.id, "samen-beter", PageAnswers({"sb-1": 1}))  # the response exists
    reads: list[str] = []

    def other_device_saves_after_the_page_read(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "UNION ALL" in statement and not reads:
            reads.append(statement)
            _save(engine, invitation.id, "kind-centraal", PageAnswers({"kc-1": 3, "kc-2": 4}))

    with _fresh(engine) as session:
        inv = session.get(Invitation, invitation.id)
        known = responses.response_of(session, inv)
        event.listen(engine, "after_cursor_execute", other_device_saves_after_the_page_read)
        try:
            saved, answered = responses.save_and_count(
                session, inv, "kind-centraal", PageAnswers({"kc-1": 5}), known=known
            )
        finally:
            event.remove(engine, "after_cursor_execute", other_device_saves_after_the_page_read)
        session.commit()
    assert reads, "the other device's save did not run between the read and the write"
    assert saved.revision == 3  # sb, the other device's kc, this kc
    # Counted afresh: reckoned from the page as first read (nothing on it), it would be 4.
    assert answered == 2
    with _fresh(engine) as session:
        assert stored(session, invitation.id) == {
            "sb-1": (1, False, False),
            "kc-1": (5, False, False),
        }


@pytest.mark.parametrize(
    "page",
    [
        PageAnswers({"kc-1": 6}),
        PageAnswers({"kc-1": 0}),
        PageAnswers({"kc-1": True}),
        PageAnswers({"kc-1": "3"}),
        PageAnswers({"ga-1": 3}),
        PageAnswers({"nope": 3}),
        PageAnswers({}, discuss=frozenset({"nope"})),
        PageAnswers({}, comment="x" * 2001),
    ],
)
def test_save_page_refuses_what_the_form_should_have_caught(engine, invited, db, page):
    invitation, _ = invited
    with pytest.raises(responses.ResponseError), _fresh(engine) as session:
        responses.save_page(session, session.get(Invitation, invitation.id), "kind-centraal", page)
    assert stored(db, invitation.id) == {}


def test_save_page_refuses_an_unknown_principle(engine, invited):
    invitation, _ = invited
    with pytest.raises(responses.ResponseError), _fresh(engine) as session:
        responses.save_page(
            session, session.get(Invitation, invitation.id), "nope", PageAnswers({})
        )


def test_nothing_is_stored_outside_the_round_window(engine, invited, world, db):
    invitation, _ = invited
    round_ = world["round"]
    for moment in (round_.opens_at - timedelta(seconds=1), round_.closes_at):
        with pytest.raises(responses.RoundNotOpen), _fresh(engine) as session:
            responses.save_page(
                session,
                session.get(Invitation, invitation.id),
                "kind-centraal",
                PageAnswers({"kc-1": 3}),
                now=moment,
            )
    assert db.exec(select(Response)).all() == []


def test_a_revoked_invitation_stores_nothing(engine, invited, db):
    invitation, _ = invited
    revoke(db, invitation)
    db.commit()
    with pytest.raises(responses.RoundNotOpen):
        _save(engine, invitation.id, "kind-centraal", PageAnswers({"kc-1": 3}))


def test_submit_moves_exactly_one_draft_of_the_reviewed_revision(engine, invited):
    invitation, _ = invited
    saved = _save(engine, invitation.id, "kind-centraal", PageAnswers({"kc-1": 3}))
    with _fresh(engine) as session:
        inv = session.get(Invitation, invitation.id)
        response = session.get(Response, saved.id)
        assert responses.submit(session, inv, response, saved.revision - 1) is SubmitOutcome.STALE
        assert responses.submit(session, inv, response, saved.revision) is SubmitOutcome.SUBMITTED
        assert responses.submit(session, inv, response, saved.revision) is SubmitOutcome.ALREADY
        session.commit()
    with pytest.raises(responses.AlreadySubmitted):
        _save(engine, invitation.id, "kind-centraal", PageAnswers({"kc-1": 1}))


def test_concurrent_submits_in_separate_sessions_submit_once(engine, invited):
    invitation, _ = invited
    saved = _save(engine, invitation.id, "kind-centraal", PageAnswers({"kc-1": 3}))
    barrier = threading.Barrier(6)
    outcomes: list[SubmitOutcome] = []

    def go() -> None:
        barrier.wait(timeout=30)
        with _fresh(engine) as session:
            inv = session.get(Invitation, invitation.id)
            response = session.get(Response, saved.id)
            outcomes.append(responses.submit(session, inv, response, saved.revision))
            session.commit()

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == sorted([SubmitOutcome.SUBMITTED] + [SubmitOutcome.ALREADY] * 5)


# A respondent's saves one after another: (principle, page), each followed by what is answered.
SAVES = [
    ("kind-centraal", PageAnswers({"kc-1": 3})),  # a first answer
    ("kind-centraal", PageAnswers({"kc-1": 3, "kc-2": "nvt"})),  # "don't know" counts
    ("kind-centraal", PageAnswers({"kc-1": 4, "kc-2": "nvt"}, discuss=frozenset({"kc-3"}))),
    ("samen-beter", PageAnswers({"sb-1": 2}, comment="Ja")),  # another page
    ("kind-centraal", PageAnswers({"kc-2": "nvt"}, discuss=frozenset({"kc-1"}))),  # kc-1 cleared
    ("kind-centraal", PageAnswers({"kc-2": "nvt"}, discuss=frozenset({"kc-1"}))),  # no change
    ("kind-centraal", PageAnswers({})),  # the page emptied
    ("samen-beter", PageAnswers({"sb-1": 2})),  # only the comment taken out
]


def test_a_save_counts_the_answered_statements_as_the_database_does(engine, invited):
    """The autosave's count comes with the save's claim on the draft (no statement of its
    own) and must be what counting the stored answers gives, whatever the save changed."""
    invitation, _ = invited
    counts: list[str] = []

    def note(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT COUNT("):
            counts.append(statement)

    for principle, page in SAVES:
        event.listen(engine, "before_cursor_execute", note)
        try:
            with _fresh(engine) as session:
                inv = session.get(Invitation, invitation.id)
                response, answered = responses.save_and_count(session, inv, principle, page)
                session.commit()
        finally:
            event.remove(engine, "before_cursor_execute", note)
        with _fresh(engine) as session:
            assert answered == responses.answered_count(session, response), (principle, page)
    assert answered == 1  # sb-1 is all that is left
    # Counted in a statement of its own only where the save changed nothing (the sixth).
    assert len(counts) == 1, counts


def test_answered_count_counts_values_and_dont_know_but_not_flags(engine, invited):
    invitation, _ = invited
    saved = _save(
        engine,
        invitation.id,
        "kind-centraal",
        PageAnswers({"kc-1": 3, "kc-2": "nvt"}, discuss=frozenset({"kc-3"})),
    )
    with _fresh(engine) as session:
        assert responses.answered_count(session, saved) == 2
        assert responses.answered_count(session, None) == 0
        assert utcnow() >= saved.updated_at


def test_links_are_derived_from_the_nonce_and_the_secret_key_only():
    from selfscan.services.invitations import hash_token, link_token, new_link

    link, token = new_link("key one")
    assert link_token("key one", link["link_nonce"]) == token
    assert link_token("key two", link["link_nonce"]) != token
    assert link["token_hash"] == hash_token(token) and token not in link.values()
    assert len(token) == 32  # 24 bytes, 192 bits, URL-safe base64
    assert new_link("key one")[1] != token  # every link has its own random nonce
