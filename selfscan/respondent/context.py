"""The one loader of the respondent's pages: who this is, and whether they may still answer.

Every respondent request goes through `load_respondent`, so a link revoked or a round closed
while someone is answering takes effect on their very next click.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, make_response, render_template, session
from flask_babel import format_datetime
from sqlmodel import select

from selfscan.db import get_session
from selfscan.i18n import current_language
from selfscan.models import (
    Invitation,
    Organisation,
    QuestionnaireVersion,
    Region,
    Response,
    Round,
    RoundState,
)
from selfscan.questionnaire_registry import questionnaire_for
from selfscan.questionnaires import PrincipleSpec, Questionnaire
from selfscan.services import responses


@dataclass(frozen=True)
class Respondent:
    """Everything a respondent page needs to know about the person and their round."""

    invitation: Invitation
    round: Round
    version: QuestionnaireVersion
    questionnaire: Questionnaire
    organisation_name: str
    region_name: str
    response: Response | None

    @property
    def submitted(self) -> bool:
        return self.response is not None and self.response.status == "submitted"

    @property
    def language(self) -> str:
        return current_language()


def forget_respondent() -> None:
    """End the respondent's session but keep their language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def link_invalid_page(status: int = 404) -> object:
    """The one page for unknown, revoked and expired links; it does not say which."""
    return make_response(render_template("respondent/link_invalid.html"), status)


def load_respondent() -> Respondent:
    """The respondent of this session while their round is open; otherwise a clear page."""
    if "respondent" in g:
        return g.respondent
    db = get_session()
    invitation = db.get(Invitation, session.get("invitation_id"))
    if invitation is None or invitation.revoked_at is not None:
        forget_respondent()
        abort(link_invalid_page(403))
    round_ = db.get(Round, invitation.round_id)
    assert round_ is not None
    state = round_.state()
    if state is not RoundState.OPEN:
        abort(_unavailable(round_, state))
    version = db.get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert version is not None
    organisation_name, region_name = db.exec(
        select(Organisation.name, Region.name)
        .join(Region, Region.id == Organisation.region_id)  # type: ignore[arg-type]
        .where(Organisation.id == invitation.organisation_id)
    ).one()
    g.respondent = Respondent(
        invitation=invitation,
        round=round_,
        version=version,
        questionnaire=questionnaire_for(version),
        organisation_name=organisation_name,
        region_name=region_name,
        response=responses.response_of(db, invitation),
    )
    return g.respondent


def _unavailable(round_: Round, state: RoundState) -> object:
    moment = round_.opens_at if state is RoundState.PLANNED else round_.closes_at
    page = render_template(
        "respondent/unavailable.html",
        round=round_,
        planned=state is RoundState.PLANNED,
        moment=format_datetime(moment, "d MMMM y, HH:mm"),
    )
    return make_response(page, 403)


def principle_or_404(questionnaire: Questionnaire, key: str) -> PrincipleSpec:
    """The questionnaire's principle with this key, or 404."""
    for spec in questionnaire.principles:
        if spec.key == key:
            return spec
    abort(404)
