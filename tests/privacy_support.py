"""Helpers for the privacy and resilience tests: submitted responses made through the service."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import Session, select

from selfscan.models import Invitation, Item, QuestionnaireVersion, Round
from selfscan.services import responses
from selfscan.services.responses import PageAnswers


def answer_and_submit(engine: Engine, invitation_id: int, value: int = 4, comment: str = "") -> int:
    """Fill in every principle for an invitation and submit it; the response's id."""
    with Session(engine, expire_on_commit=False) as session:
        invitation = session.get(Invitation, invitation_id)
        round_ = session.get(Round, invitation.round_id)
        version = session.get(QuestionnaireVersion, round_.questionnaire_version_id)
        items = session.exec(select(Item).where(Item.questionnaire_version_id == version.id)).all()
        by_principle: dict[str, dict[str, int]] = {}
        for item in items:
            by_principle.setdefault(item.principle, {})[item.key] = value
        response = None
        for principle, values in by_principle.items():
            first = next(iter(values))
            response = responses.save_page(
                session,
                invitation,
                principle,
                PageAnswers(values, discuss=frozenset({first}), comment=comment),
            )
        assert response is not None
        responses.submit(session, invitation, response, response.revision)
        session.commit()
        return response.id  # type: ignore[return-value]
