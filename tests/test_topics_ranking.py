"""The conversation agenda's ranking (selfscan.core.topics): hand-computed cases, and the
property that no topic quotes a figure of a group that rules 5 and 5b hide."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from selfscan.core.scoring import ALL, Group, Stats, shown_groups
from selfscan.core.topics import Kind, Reason, propose, rank

PRINCIPLES = ("a", "b", "c")


def group(n: int, **means: float) -> Group:
    """n responses, each scoring the given mean on each principle or statement."""
    return Group(n, {key: Stats.of([mean] * n) for key, mean in means.items()})


def ranked(principle_groups, statement_groups=None, **kwargs):
    defaults = {
        "statement_groups": statement_groups or {},
        "statements": [("a-1", "a"), ("b-1", "b")],
        "flagged": {},
        "responses": 12,
        "previous_total": None,
        "focus_last_time": (),
        "principles": PRINCIPLES,
    }
    return rank(principle_groups=principle_groups, **{**defaults, **kwargs})


def test_a_gap_of_one_scale_point_weighs_a_quarter_on_a_1_to_5_scale():
    groups = {
        ALL: group(6, a=3.0, b=3.0),
        "po": group(3, a=2.0, b=3.0),
        "vo": group(3, a=4.0, b=3.0),
    }
    topics = ranked(groups)
    assert [(t.kind, t.key) for t in topics] == [(Kind.PRINCIPLE, "a")]
    (evidence,) = topics[0].evidence
    assert evidence.reason is Reason.DIFFERENCE
    assert evidence.low == ("po", 2.0) and evidence.high == ("vo", 4.0)
    assert topics[0].weight == 0.5  # a gap of 2 on a scale 4 wide


def test_flags_changes_and_focus_add_up_and_statements_count_half_for_their_principle():
    groups = {ALL: group(12, a=3.0, b=3.5, c=2.0)}
    before = group(10, a=3.0, b=3.0, c=2.0)
    topics = ranked(
        groups,
        flagged={"a-1": 3},
        previous_total=before,
        focus_last_time=("c",),
    )
    weights = {(t.kind, t.key): t.weight for t in topics}
    # a-1: 3 of 12 flagged -> 4 * 0.25 = 1; principle a: half of that = 0.5.
    # b: changed by 0.5 -> 2 * 0.5 = 1.  c: focus last time -> 0.75.
    assert weights == {
        (Kind.STATEMENT, "a-1"): 1.0,
        (Kind.PRINCIPLE, "b"): 1.0,
        (Kind.PRINCIPLE, "c"): 0.75,
        (Kind.PRINCIPLE, "a"): 0.5,
    }
    # Ties go by questionnaire order: principle a's statement before principle b.
    assert [t.key for t in topics] == ["a-1", "b", "c", "a"]


def test_the_proposal_takes_a_principle_or_its_statements_and_at_most_five():
    groups = {ALL: group(12, a=3.0, b=3.0, c=3.0)}
    statements = [(f"a-{i}", "a") for i in range(1, 4)] + [("b-1", "b"), ("c-1", "c")]
    topics = ranked(
        groups,
        statements=statements,
        flagged={"a-1": 6, "a-2": 5, "a-3": 4, "b-1": 3, "c-1": 2},
    )
    weights = {t.key: t.weight for t in topics}
    # 4 x flags / 12: a-1 2, a-2 1.67, a-3 1.33, b-1 1, c-1 0.67; principle a half their sum 2.5.
    assert weights["a"] == 2.5 and weights["a-1"] == 2.0
    assert [t.key for t in topics][:3] == ["a", "a-1", "a-2"]
    # Principle a covers its statements; b-1 and c-1 come in, and then b and c are covered.
    assert [t.key for t in propose(topics)] == ["a", "b-1", "c-1"]
    # Without principle a's weight from its statements, a-1 and a-2 both come in (two per
    # principle at most, so not a-3).
    only_statements = [t for t in topics if t.kind is Kind.STATEMENT]
    assert [t.key for t in propose(only_statements)] == ["a-1", "a-2", "b-1", "c-1"]


SECTORS = ("po", "vo", "gemeente", "jeugdhulp")


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 6), min_size=len(SECTORS), max_size=len(SECTORS)),
    means=st.lists(
        st.floats(1, 5, allow_nan=False), min_size=len(SECTORS) * 4, max_size=len(SECTORS) * 4
    ),
    k=st.integers(2, 4),
)
def test_no_topic_quotes_a_hidden_groups_figure(sizes, means, k):
    """Whatever the region's sector sizes, every figure a topic quotes is a shown group's figure
    on that subject (rules 5 and 5b applied by scoring.shown_groups before ranking)."""
    keys = ("a", "b", "a-1", "b-1")
    raw = {
        sector: Group(n, {key: Stats.of([means[i * 4 + j]] * n) for j, key in enumerate(keys) if n})
        for i, (sector, n) in enumerate(zip(SECTORS, sizes, strict=True))
        if n
    }
    principles = shown_groups(
        {
            s: Group(g.responses, {p: g.stats[p] for p in ("a", "b") if p in g.stats})
            for s, g in raw.items()
        },
        k,
    )
    statements = shown_groups(
        {
            s: Group(g.responses, {p: g.stats[p] for p in ("a-1", "b-1") if p in g.stats})
            for s, g in raw.items()
        },
        k,
    )
    topics = rank(
        principle_groups=principles,
        statement_groups=statements,
        statements=[("a-1", "a"), ("b-1", "b")],
        flagged={},
        responses=sum(sizes),
        previous_total=None,
        focus_last_time=(),
        principles=("a", "b"),
    )
    for topic in topics:
        shown = principles if topic.kind is Kind.PRINCIPLE else statements
        for evidence in topic.evidence:
            for quoted in (evidence.low, evidence.high):
                if quoted is None:
                    continue
                name, mean = quoted
                assert name in shown and name != ALL
                figures = shown[name].figures(topic.key)
                assert figures.n >= k and figures.mean == mean
