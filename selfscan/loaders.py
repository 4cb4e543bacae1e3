"""Loaders that turn URL parts into objects or answer 404, so views never repeat the checks.

Access to a region itself is checked by the policy (selfscan.access) before the view runs;
these loaders make sure the other parts of the URL belong to that region.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import bindparam
from sqlmodel import col, select

from selfscan.infra.db import get_session
from selfscan.models import (
    Action,
    Ambition,
    ConversationTopic,
    Invitation,
    Organisation,
    Partnership,
    Region,
    ResultAgreement,
    Round,
    RoundRegion,
)


def get_region(key: str) -> Region:
    region = get_session().exec(select(Region).where(Region.key == key)).first()
    if region is None:
        abort(404)
    return region


def get_round(key: str) -> Round:
    round_ = get_session().exec(select(Round).where(Round.key == key)).first()
    if round_ is None:
        abort(404)
    return round_


# One query, built once: every page of a region's round starts here.
_REGION_ROUND = (
    select(Region, Round)
    .join(RoundRegion, col(RoundRegion.region_id) == Region.id)
    .join(Round, col(Round.id) == RoundRegion.round_id)
    .where(col(Region.key) == bindparam("region"), col(Round.key) == bindparam("round"))
)


def get_region_round(region_key: str, round_key: str) -> tuple[Region, Round]:
    """A region and a round it takes part in; any other combination is a 404."""
    params = {"region": region_key, "round": round_key}
    row = get_session().exec(_REGION_ROUND, params=params).first()  # type: ignore[call-overload]
    if row is None:
        abort(404)
    return row[0], row[1]


def get_organisation(region: Region, organisation_id: int) -> Organisation:
    """An organisation of this region; another region's is a 404."""
    organisation = get_session().get(Organisation, organisation_id)
    if organisation is None or organisation.region_id != region.id:
        abort(404)
    return organisation


def get_invitation(region: Region, round_: Round, invitation_id: int) -> Invitation:
    """An invitation of this region and round; anything else is a 404."""
    invitation = get_session().get(Invitation, invitation_id)
    if invitation is None or (invitation.region_id, invitation.round_id) != (region.id, round_.id):
        abort(404)
    return invitation


def get_topic(region: Region, round_: Round, topic_id: int) -> ConversationTopic:
    """A topic on this region's conversation agenda for this round; anything else is a 404."""
    topic = get_session().get(ConversationTopic, topic_id)
    if topic is None or (topic.region_id, topic.round_id) != (region.id, round_.id):
        abort(404)
    return topic


def get_action(region: Region, round_: Round, action_id: int) -> Action:
    """An action on this region's agenda for this round; anything else is a 404."""
    action = get_session().get(Action, action_id)
    if action is None or (action.region_id, action.round_id) != (region.id, round_.id):
        abort(404)
    return action


def get_ambition(region: Region, ambition_id: int) -> Ambition:
    """An ambition of this region; another region's is a 404."""
    ambition = get_session().get(Ambition, ambition_id)
    if ambition is None or ambition.region_id != region.id:
        abort(404)
    return ambition


def get_agreement(region: Region, agreement_id: int) -> ResultAgreement:
    """A result agreement of this region; another region's is a 404."""
    agreement = get_session().get(ResultAgreement, agreement_id)
    if agreement is None or agreement.region_id != region.id:
        abort(404)
    return agreement


def get_partnership(region: Region, partnership_id: int) -> Partnership:
    """A learning partnership (or request) this region is one side of; anything else is a 404."""
    pair = get_session().get(Partnership, partnership_id)
    if pair is None or pair.side_of(region.id) is None:  # type: ignore[arg-type]
        abort(404)
    return pair
