"""The one loader of the respondent's pages: who this is, and whether they may still answer.

Every respondent request goes through `load_respondent`, so a link revoked or a round closed
while someone is answering takes effect on their very next click.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, make_response, render_template, session
from flask_babel import format_datetime
from sqlalchemy import bindparam
from sqlmodel import col, select

from selfscan.core.questionnaire import PrincipleSpec, Questionnaire
from selfscan.infra.db import get_session
from selfscan.infra.i18n import current_language
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

    @property
    def perspective(self) -> str:
        """Which wording of the statements this person reads (their invitation says)."""
        return self.invitation.perspective


def forget_respondent() -> None:
    """End the respondent's session but keep their language."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def link_invalid_page(status: int = 404) -> object:
    """The one page for unknown, revoked and expired links; it does not say which."""
    return make_response(render_template("respondent/link_invalid.html"), status)


_RESPONDENT = (
    select(Invitation, Round, QuestionnaireVersion, Organisation.name, Region.name, Response)
    .join(Round, col(Round.id) == Invitation.round_id)
    .join(QuestionnaireVersion, col(QuestionnaireVersion.id) == Round.questionnaire_version_id)
    .join(Organisation, col(Organisation.id) == Invitation.organisation_id)
    .join(Region, col(Region.id) == Organisation.region_id)
    .outerjoin(Response, col(Response.invitation_id) == Invitation.id)
    .where(col(Invitation.id) == bindparam("id"))
)


def load_respondent() -> Respondent:
    """The respondent of this session while their round is open (and afterwards, read-only, if
    they submitted); otherwise a clear page."""
    if "respondent" in g:
        return g.respondent
    # One query for all of it, built once: every respondent request (and each autosave) starts here.
    row = get_session().exec(_RESPONDENT, params={"id": session.get("invitation_id")}).first()
    if row is None or row[0].revoked_at is not None:
        forget_respondent()
        abort(link_invalid_page(403))
    invitation, round_, version, organisation_name, region_name, response = row
    state = round_.state()
    submitted = response is not None and response.status == "submitted"
    # After the round closes, someone who submitted comes back for their profile, which then
    # shows the region's figures beside their own (DESIGN rule 8); every page is read-only.
    if state is not RoundState.OPEN and not (state is RoundState.CLOSED and submitted):
        abort(_unavailable(round_, state))
    g.respondent = Respondent(
        invitation=invitation,
        round=round_,
        version=version,
        questionnaire=questionnaire_for(version),
        organisation_name=organisation_name,
        region_name=region_name,
        response=response,
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
