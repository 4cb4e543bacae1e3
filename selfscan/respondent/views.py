"""The respondent's pages: introduction, a page per principle, review, submit, own profile."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from selfscan.core import charts, scoring
from selfscan.core.questionnaire import PrincipleSpec, Questionnaire
from selfscan.infra.db import get_session, start_writing
from selfscan.labels import principle_label
from selfscan.respondent import pages
from selfscan.respondent.context import Respondent, load_respondent, principle_or_404
from selfscan.respondent.forms import PrincipleForm, StartForm, SubmitForm, principle_form
from selfscan.services import responses, scores
from selfscan.texts import number

Page = str | tuple[str, int] | WerkzeugResponse


def intro() -> Page:
    """What the scan is, for whom, how long it takes and what happens with the answers."""
    r = load_respondent()
    if r.submitted:
        return redirect(url_for("respondent.profile"))
    return render_template(
        "respondent/intro.html",
        r=r,
        q=r.questionnaire,
        preview=False,
        perspective=r.perspective,
        form=StartForm(),
        min_group_size=current_app.config["MIN_GROUP_SIZE"],
        closes=format_datetime(r.round.closes_at, "d MMMM y, HH:mm"),
    )


def begin() -> Page:
    """Start, or continue where the person left off (on this or another device)."""
    r = load_respondent()
    if not StartForm().validate_on_submit():
        abort(400)
    if r.submitted:  # also after the round closed: their answers can only be read
        return redirect(url_for("respondent.profile"))
    db = get_session()
    response = responses.start(db, r.invitation, known=r.response)
    db.commit()
    if response.status == "submitted":
        return redirect(url_for("respondent.profile"))
    stored = responses.stored_answers(db, response)
    first_open = next(
        (
            p.key
            for p in r.questionnaire.principles
            if any(not _answered(stored, i.key) for i in r.questionnaire.items_of(p.key))
        ),
        None,
    )
    if first_open is None:
        return redirect(url_for("respondent.review"))
    return redirect(url_for("respondent.principle", key=first_open))


def principle(key: str) -> Page:
    """One principle's statements; saving moves on as the chosen button asks."""
    db = get_session(writes=False)  # a save reads and checks first (see autosave)
    r = load_respondent()
    spec = principle_or_404(r.questionnaire, key)
    if r.submitted and request.method == "POST":
        return _already_received()
    if r.submitted:
        stored, comments = responses.stored_answers_and_comments(db, r.response)
        form = principle_form(
            r.questionnaire, key, r.language, stored, comments.get(key, ""), meta={"csrf": False}
        )
        answered = sum(a.answered for a in stored.values())
        return _render_principle(r, spec, form, mode="readonly", answered=answered)
    if request.method == "POST":
        form = principle_form(r.questionnaire, key, r.language)
        if not form.validate():
            return _render_principle(r, spec, form), 400
        refused = _save(r, key, form)
        if refused is not None:
            return refused
        db.commit()
        return redirect(_after_save(r.questionnaire, key, form.action.data or "next"))
    stored, comments = responses.stored_answers_and_comments(db, r.response)
    form = principle_form(r.questionnaire, key, r.language, stored, comments.get(key, ""))
    return _render_principle(r, spec, form, answered=sum(a.answered for a in stored.values()))


def autosave(key: str) -> tuple[dict[str, object], int]:
    """Save one principle page as the person goes (JavaScript); answers in JSON."""
    # Read and check first, then write: save_page's claim checks again what was read.
    db = get_session(writes=False)
    r = load_respondent()
    principle_or_404(r.questionnaire, key)
    if r.submitted:
        return {"saved": False, "message": _("Your answers were already received.")}, 409
    form = principle_form(r.questionnaire, key, r.language)
    if not form.validate():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return {"saved": False, "message": " ".join(str(e) for e in errors)}, 400
    start_writing(db)
    try:
        # Counted with the save, before the commit: afterwards it would need a transaction.
        answered = responses.save_and_count(
            db, r.invitation, key, form.answers(), known=r.response
        )[1]
    except responses.AlreadySubmitted:
        db.rollback()
        return {"saved": False, "message": _("Your answers were already received.")}, 409
    except responses.RoundNotOpen:
        db.rollback()
        return {"saved": False, "message": _("This round is not open.")}, 403
    total = len(r.questionnaire.items)
    db.commit()
    return {
        "saved": True,
        "answered": answered,
        "total": total,
        "progress_text": pages.progress_text(answered, total),
        "message": _("Your answers have been saved."),
    }, 200


def review() -> Page:
    """Every principle's answered share and the unanswered statements, then submit."""
    r = load_respondent()
    if r.submitted:
        return redirect(url_for("respondent.profile"))
    if r.response is None:
        return redirect(url_for("respondent.intro"))
    return _render_review(r, SubmitForm(data={"revision": r.response.revision}))


def submit() -> Page:
    """Submit the reviewed answers once; every repeat lands on the same confirmation."""
    r = load_respondent()
    if r.submitted:
        return redirect(url_for("respondent.profile"))
    if r.response is None:
        return redirect(url_for("respondent.intro"))
    form = SubmitForm()
    if not form.validate_on_submit():
        return _render_review(r, form), 400
    db = get_session()
    try:
        outcome = responses.submit(db, r.invitation, r.response, form.revision.data or 0)
    except responses.RoundNotOpen:
        db.rollback()
        return redirect(url_for("respondent.intro"))
    db.commit()
    if outcome is responses.SubmitOutcome.STALE:
        flash(
            _(
                "Your answers were changed in another window after you opened this page. "
                "Nothing has been submitted yet: please check them once more and submit again."
            ),
            "error",
        )
        return redirect(url_for("respondent.review"))
    return redirect(url_for("respondent.profile"))


def saved() -> Page:
    """The answers are kept; how to come back to them."""
    r = load_respondent()
    return render_template(
        "respondent/saved.html",
        r=r,
        closes=format_datetime(r.round.closes_at, "d MMMM y, HH:mm"),
    )


def profile() -> Page:
    """After submitting: the person's own scores, and beside them the region's figures once the
    round has closed (where shown)."""
    r = load_respondent()
    if not r.submitted or r.response is None:
        return redirect(url_for("respondent.intro"))
    db = get_session()
    q = r.questionnaire
    stored = responses.stored_answers(db, r.response)
    own = scoring.principle_scores(
        {key: answer.value for key, answer in stored.items()},
        {item.key: item.principle for item in q.items},
        (q.scale.min, q.scale.max),
    )
    k = current_app.config["MIN_GROUP_SIZE"]
    # Nothing of the others before the round closes (rule 8), and then only where their
    # figures stay theirs with this person's own score taken out.
    total = scores.region_figures(db, r.round, r.invitation.region_id, k).get(scoring.ALL)
    region = scoring.beside_own(total, own, k)
    keys = [p.key for p in q.principles]
    series = [charts.Series(_("Your scores"), [own.get(key) for key in keys])]
    if region is not None:
        series.append(charts.Series(_("Average of your region"), region.means(keys)))
    chart = charts.radar_drawing(
        series, [principle_label(key) for key in keys], scale=(q.scale.min, q.scale.max)
    )
    return render_template(
        "respondent/profile.html",
        r=r,
        own=own,
        region=region,
        keys=keys,
        chart=chart,
        decimal=number,
        min_group_size=k,
        released=r.round.figures_released(),
        submitted_on=format_datetime(r.response.submitted_at, "d MMMM y, HH:mm"),
        closes=format_datetime(r.round.closes_at, "d MMMM y, HH:mm"),
    )


# --- helpers ---------------------------------------------------------------------------------


def _answered(stored: dict[str, responses.StoredAnswer], key: str) -> bool:
    answer = stored.get(key)
    return answer is not None and answer.answered


def _save(r: Respondent, key: str, form: PrincipleForm) -> Page | None:
    """Store the page; a refusal (submitted meanwhile, round closed) becomes its page."""
    db = get_session()
    start_writing(db)
    try:
        responses.save_page(db, r.invitation, key, form.answers(), known=r.response)
    except responses.AlreadySubmitted:
        db.rollback()
        return _already_received()
    except responses.RoundNotOpen:
        db.rollback()
        return redirect(url_for("respondent.intro"))
    return None


def _already_received() -> WerkzeugResponse:
    flash(_("Your answers were already received; they can no longer be changed."), "info")
    return redirect(url_for("respondent.profile"))


def _after_save(q: Questionnaire, key: str, action: str) -> str:
    keys = [p.key for p in q.principles]
    index = keys.index(key)
    if action == "later":
        return url_for("respondent.saved")
    if action == "review" or (action == "next" and index == len(keys) - 1):
        return url_for("respondent.review")
    if action == "previous":
        return (
            url_for("respondent.principle", key=keys[index - 1])
            if index > 0
            else url_for("respondent.intro")
        )
    return url_for("respondent.principle", key=keys[index + 1])


def _render_principle(
    r: Respondent,
    spec: PrincipleSpec,
    form: PrincipleForm,
    mode: str = "answer",
    answered: int | None = None,
) -> str:
    if answered is None:
        answered = responses.answered_count(get_session(), r.response)
    return pages.render_principle(
        r.questionnaire,
        spec,
        form,
        mode=mode,
        answered=answered,
        context=r,
        perspective=r.perspective,
    )


def _render_review(r: Respondent, form: SubmitForm) -> str:
    stored = responses.stored_answers(get_session(), r.response)
    q = r.questionnaire
    unanswered = [
        (p, [i for i in q.items_of(p.key) if not _answered(stored, i.key)]) for p in q.principles
    ]
    answered = sum(1 for i in q.items if _answered(stored, i.key))
    return render_template(
        "respondent/review.html",
        r=r,
        form=form,
        unanswered=unanswered,
        answered=answered,
        total=len(q.items),
        progress_text=pages.progress_text(answered, len(q.items)),
        step=len(q.principles) + 1,
        steps=len(q.principles) + 1,
        lang=r.language,
        perspective=r.perspective,
    )
