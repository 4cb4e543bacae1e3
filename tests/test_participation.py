"""Pure rules of following a round: reading pasted lists, invitation status, reminder timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from selfscan.services.participation import (
    InvitationStatus,
    LineProblem,
    ReminderKind,
    invitation_status,
    parse_list,
    reminder_due,
)

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_parse_a_clean_list_with_header_blank_lines_and_tabs():
    people, errors = parse_list(
        "Naam;E-mail;Organisatie\r\n"
        "Anna de Vries; Anna@Example.org ;School A\n"
        "\n"
        "Bob\tbob@example.org\tGemeente\n"
        '"Cees, jr.";cees@example.org;"School; B"\n'
    )
    assert errors == []
    assert [(p.line, p.name, p.email, p.organisation) for p in people] == [
        (2, "Anna de Vries", "anna@example.org", "School A"),
        (4, "Bob", "bob@example.org", "Gemeente"),
        (5, "Cees, jr.", "cees@example.org", "School; B"),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Anna;anna@example.org", LineProblem.FIELDS),
        ("Anna;anna@example.org;School;ouder;Extra", LineProblem.FIELDS),
        ("Anna;anna@example.org;School;Extra", LineProblem.PERSPECTIVE),
        (";anna@example.org;School", LineProblem.NAME),
        ("A" * 121 + ";anna@example.org;School", LineProblem.NAME),
        ("Anna;anna-at-example.org;School", LineProblem.EMAIL),
        ("Anna;anna@;School", LineProblem.EMAIL),
    ],
)
def test_a_bad_line_is_named_by_its_number(line, problem):
    people, errors = parse_list(f"Ok;ok@example.org;School\n{line}\n")
    assert [(e.line, e.problem) for e in errors] == [(2, problem)]
    assert [p.line for p in people] == [1]


def test_duplicates_within_the_list_point_to_the_first_line():
    _, errors = parse_list("A;a@example.org;S\nB;b@example.org;S\nC;A@EXAMPLE.ORG;S\n")
    assert [(e.line, e.problem, e.detail) for e in errors] == [(3, LineProblem.DUPLICATE, "1")]


def test_empty_and_oversized_lists():
    assert parse_list(" \n\n")[1][0].problem is LineProblem.EMPTY
    big = "\n".join(f"P{i};p{i}@example.org;S" for i in range(1001))
    assert parse_list(big)[1][0].problem is LineProblem.TOO_LONG


@pytest.mark.parametrize(
    ("sent", "opened", "revoked", "response", "expected"),
    [
        (None, None, None, None, InvitationStatus.NOT_SENT),
        (NOW, None, None, None, InvitationStatus.SENT),
        (NOW, NOW, None, None, InvitationStatus.OPENED),
        (NOW, NOW, None, "draft", InvitationStatus.IN_PROGRESS),
        (NOW, NOW, None, "submitted", InvitationStatus.SUBMITTED),
        (NOW, NOW, NOW, "draft", InvitationStatus.REVOKED),
        (NOW, NOW, NOW, "submitted", InvitationStatus.SUBMITTED),
    ],
)
def test_invitation_status(sent, opened, revoked, response, expected):
    status = invitation_status(
        sent_at=sent, opened_at=opened, revoked_at=revoked, response_status=response
    )
    assert status is expected


def _due(**kwargs):
    values = {
        "now": NOW,
        "closes_at": NOW + 10 * DAY,
        "sent_at": NOW - 8 * DAY,
        "reminded_at": None,
        "final_reminder_at": None,
        "every": 7 * DAY,
        "final_within": 2 * DAY,
    }
    values.update(kwargs)
    return reminder_due(**values)


def test_a_regular_reminder_after_the_interval_and_not_before():
    assert _due() is ReminderKind.REGULAR
    assert _due(sent_at=NOW - 6 * DAY) is None
    assert _due(reminded_at=NOW - 3 * DAY) is None
    assert _due(reminded_at=NOW - 7 * DAY) is ReminderKind.REGULAR


def test_a_final_reminder_shortly_before_closing_and_then_nothing():
    assert _due(closes_at=NOW + DAY, reminded_at=NOW - 2 * DAY) is ReminderKind.FINAL
    assert _due(closes_at=NOW + DAY, final_reminder_at=NOW - DAY) is None
    # Not right after another mail: the final one waits until the next run.
    assert _due(closes_at=NOW + DAY, reminded_at=NOW - timedelta(hours=1)) is None
    assert _due(closes_at=NOW + DAY, sent_at=NOW - timedelta(hours=2)) is None
