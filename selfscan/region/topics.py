"""The conversation agenda of a region and closed round.

Selfscan proposes three to five topics, ranked by what most needs talking about (selfscan.core.
topics, from the shown figures only); the coordinator keeps the proposal, reorders, removes and
adds topics (another principle or statement, or one of the region's own), and prints the agenda
alone (page or PDF) or with the region report. REGION policy; only once the round's figures are
released (rule 8).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from selfscan.core import topics as ranking
from selfscan.core.questionnaire import Questionnaire
from selfscan.core.scoring import ALL
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
from selfscan.labels import principle_label
from selfscan.loaders import get_region_round, get_topic
from selfscan.models import Region, Round
from selfscan.models.types import utcnow
from selfscan.questionnaire_registry import questionnaire_for
from selfscan.region.dashboard import min_group_size, not_released
from selfscan.region.views import bp
from selfscan.services import topics
from selfscan.services.report import questionnaire_version
from selfscan.services.topics import TopicError
from selfscan.texts import document_pdf, group_label, number, signed

COMMENTS_PER_TOPIC = 3
CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class Row:
    group: str
    n: int
    mean: float | None


@dataclass(frozen=True)
class TopicView:
    """A topic as the agenda shows it: what, why, the figures, comments and questions."""

    id: int | None  # the kept topic's id; None in a proposal
    kind: str
    key: str
    title: str
    principle: str | None
    reasons: list[str]
    rows: list[Row]
    comments: list[str]
    questions: list[str]


def _reason(evidence: ranking.Evidence) -> str:
    if evidence.reason is ranking.Reason.DIFFERENCE and evidence.low and evidence.high:
        return _(
            "The sectors differ: %(low)s %(low_mean)s, %(high)s %(high_mean)s.",
            low=group_label(evidence.low[0]),
            low_mean=number(evidence.low[1]),
            high=group_label(evidence.high[0]),
            high_mean=number(evidence.high[1]),
        )
    if evidence.reason is ranking.Reason.FLAGGED:
        return ngettext(
            "Marked “I want to discuss this” once.",
            "Marked “I want to discuss this” %(num)s times.",
            evidence.flagged,
        )
    if evidence.reason is ranking.Reason.CHANGED:
        return _(
            "The region's mean changed by %(change)s since the previous round.",
            change=signed(evidence.change),
        )
    return _("A focus principle after the previous round.")


def _view(
    kind: str,
    key: str,
    title: str,
    found: topics.Figures,
    q: Questionnaire,
    evidence: tuple[ranking.Evidence, ...],
    topic_id: int | None = None,
) -> TopicView:
    locale = current_language()
    if kind == "own":
        return TopicView(topic_id, kind, key, title, None, [], [], [], [])
    if kind == "principle":
        principle = key
        spec = next((p for p in q.principles if p.key == key), None)
        groups = found.principle_groups
        name = principle_label(key)
        fallback = _(
            "How does each of you see this in your daily work, and where do you see it differently?"
        )
    else:
        item = q.item(key)
        principle = item.principle if item else None
        spec = item
        groups = found.statement_groups
        name = item.text.get(locale) if item else key
        fallback = _("Why do the sectors see this statement differently, and what would help?")
    questions = [t.get(locale) for t in getattr(spec, "questions", ())] or [fallback]
    rows = [
        Row(group_label(g), f.n, f.mean)
        for g, group in groups.items()
        if (f := group.figures(key)).mean is not None
    ]
    if not evidence:  # a subject the coordinator added: its reasons, where it has any
        evidence = next((t.evidence for t in found.ranked if (t.kind, t.key) == (kind, key)), ())
    return TopicView(
        topic_id,
        kind,
        key,
        name,
        principle,
        [_reason(e) for e in evidence],
        rows,
        found.comments.get(principle or "", [])[:COMMENTS_PER_TOPIC],
        questions,
    )


@dataclass(frozen=True)
class Agenda:
    kept: bool
    topics: list[TopicView]
    candidates: list[TopicView]
    has_figures: bool


def agenda_for(region: Region, round_: Round) -> Agenda:
    """The kept agenda, or Selfscan's proposal when none is kept; and what else could be added."""
    db = get_session()
    version = questionnaire_version(db, round_)
    q = questionnaire_for(version)
    found = topics.figures(db, region, round_, min_group_size(), q, utcnow())
    kept = topics.kept(db, region=region, round_=round_)
    if kept:
        shown = [_view(t.kind, t.subject, t.title, found, q, (), topic_id=t.id) for t in kept]
        present = {(t.kind, t.subject) for t in kept}
    else:
        proposal = ranking.propose(found.ranked)
        shown = [_view(t.kind.value, t.key, "", found, q, t.evidence) for t in proposal]
        present = {(t.kind.value, t.key) for t in proposal}
    candidates = [
        _view(t.kind.value, t.key, "", found, q, t.evidence)
        for t in found.ranked
        if (t.kind.value, t.key) not in present
    ][:CANDIDATES_SHOWN]
    return Agenda(bool(kept), shown, candidates, ALL in found.principle_groups)


def _released_or_redirect(region: Region, round_: Round):  # type: ignore[no-untyped-def]
    return None if round_.figures_released() else not_released(region, round_)


def _back(region: Region, round_: Round):  # type: ignore[no-untyped-def]
    return redirect(
        url_for("region.conversation_agenda", region=region.key, round_key=round_.key) + "#topics"
    )


@bp.route("/rondes/<round_key>/gespreksagenda")
def conversation_agenda(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """The conversation agenda: proposed or kept topics, with what else could be added."""
    row, round_ = get_region_round(region, round_key)
    if (refused := _released_or_redirect(row, round_)) is not None:
        return refused
    return render_template(
        "region/conversation_agenda.html",
        region=row,
        round=round_,
        agenda=agenda_for(row, round_),
        principle_label=principle_label,
        number=number,
        max_kept=topics.MAX_KEPT,
    )


@bp.route("/rondes/<round_key>/gespreksagenda.pdf")
def conversation_agenda_pdf(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """The conversation agenda alone, as an A4 PDF to hand out."""
    row, round_ = get_region_round(region, round_key)
    if (refused := _released_or_redirect(row, round_)) is not None:
        return refused
    body = render_template(
        "region/_conversation_agenda_document.html",
        region=row,
        round=round_,
        agenda=agenda_for(row, round_),
        number=number,
    )
    heading = _("Conversation agenda")
    pdf = document_pdf(f"{heading} · {round_.title} · {row.name}", body)
    word = _("agenda")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{word}-{round_.key}-{row.key}.pdf"'
        },
    )


REFUSALS = {
    "not_released": lambda: _("The agenda is made once the round's figures are released."),
    "full": lambda: _(
        "The agenda holds at most %(n)s topics; remove one first.", n=topics.MAX_KEPT
    ),
    "present": lambda: _("This topic is on the agenda already."),
    "unknown": lambda: _("This principle or statement is not in the round's questionnaire."),
    "empty": lambda: _("Describe the topic."),
    "long": lambda: _("A topic has at most 300 characters."),
}


def _adopt_proposal(region: Region, round_: Round) -> None:
    """Keep Selfscan's current proposal as the region's agenda (TopicError before the close)."""
    db = get_session()
    q = questionnaire_for(questionnaire_version(db, round_))
    found = topics.figures(db, region, round_, min_group_size(), q, utcnow())
    topics.adopt(db, region=region, round_=round_, proposal=ranking.propose(found.ranked))


def _refused(error: TopicError, region: Region, round_: Round):  # type: ignore[no-untyped-def]
    flash(REFUSALS[error.reason](), "error")
    return _back(region, round_)


@bp.route("/rondes/<round_key>/gespreksagenda/vastleggen", methods=["POST"])
def adopt_agenda(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Keep Selfscan's proposal as the region's agenda (replacing a kept one)."""
    row, round_ = get_region_round(region, round_key)
    db = get_session()
    try:
        _adopt_proposal(row, round_)
    except TopicError as error:
        return _refused(error, row, round_)
    db.commit()
    flash(_("The agenda has been kept. Reorder, remove and add topics as you like."), "success")
    return _back(row, round_)


@bp.route("/rondes/<round_key>/gespreksagenda/onderwerpen", methods=["POST"])
def add_topic(region: str, round_key: str):  # type: ignore[no-untyped-def]
    """Add a principle or statement, or a topic of the region's own, to the kept agenda."""
    row, round_ = get_region_round(region, round_key)
    db = get_session()
    kind = request.form.get("kind", "")
    try:
        if not topics.kept(db, region=row, round_=round_):
            _adopt_proposal(row, round_)
        if kind == "own":
            topics.add_own(db, region=row, round_=round_, title=request.form.get("title", ""))
        else:
            topics.add_subject(
                db,
                region=row,
                round_=round_,
                kind=kind,
                subject=request.form.get("subject", ""),
                questionnaire=questionnaire_for(questionnaire_version(db, round_)),
            )
    except TopicError as error:
        db.rollback()
        return _refused(error, row, round_)
    db.commit()
    flash(_("The topic has been added to the agenda."), "success")
    return _back(row, round_)


@bp.route(
    "/rondes/<round_key>/gespreksagenda/onderwerpen/<int:topic_id>/verplaatsen", methods=["POST"]
)
def move_topic(region: str, round_key: str, topic_id: int):  # type: ignore[no-untyped-def]
    """Move a topic one place up or down."""
    row, round_ = get_region_round(region, round_key)
    topic = get_topic(row, round_, topic_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        flash(_("Choose up or down."), "error")
        return _back(row, round_)
    db = get_session()
    topics.move(db, topic, step)
    db.commit()
    return _back(row, round_)


@bp.route(
    "/rondes/<round_key>/gespreksagenda/onderwerpen/<int:topic_id>/verwijderen", methods=["POST"]
)
def remove_topic(region: str, round_key: str, topic_id: int):  # type: ignore[no-untyped-def]
    """Take a topic off the agenda (it returns among the topics that can be added)."""
    row, round_ = get_region_round(region, round_key)
    topic = get_topic(row, round_, topic_id)
    db = get_session()
    topics.remove(db, topic)
    db.commit()
    flash(_("The topic has been removed from the agenda; you can add it again below."), "success")
    return _back(row, round_)
