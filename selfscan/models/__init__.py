"""The data model; importing this package registers every table on the shared metadata."""

from selfscan.models.account import CoordinatorRegion, User
from selfscan.models.agenda import Action, Reflection
from selfscan.models.ambition import AgreementProgress, Ambition, ResultAgreement
from selfscan.models.api_token import ApiToken
from selfscan.models.base import metadata
from selfscan.models.changes import ChangeMark, RegionMark
from selfscan.models.conversation import AgreedPosition, ConversationTopic, Meeting
from selfscan.models.figures import RegionSums, RoundPooled
from selfscan.models.job import Job
from selfscan.models.network import NetworkChoices, Partnership, QuotableComment
from selfscan.models.questionnaire import Item, QuestionnaireVersion
from selfscan.models.ratelimit import RateLimitCounter
from selfscan.models.region import Organisation, Region
from selfscan.models.response import Answer, Invitation, PrincipleComment, Response
from selfscan.models.round import Round, RoundRegion, RoundState
from selfscan.models.upload import PendingUpload

__all__ = [
    "Action",
    "AgreedPosition",
    "AgreementProgress",
    "Ambition",
    "Answer",
    "ApiToken",
    "ChangeMark",
    "ConversationTopic",
    "CoordinatorRegion",
    "Invitation",
    "Item",
    "Job",
    "Meeting",
    "NetworkChoices",
    "Organisation",
    "Partnership",
    "PendingUpload",
    "PrincipleComment",
    "QuestionnaireVersion",
    "QuotableComment",
    "RateLimitCounter",
    "Reflection",
    "Region",
    "RegionMark",
    "RegionSums",
    "Response",
    "ResultAgreement",
    "Round",
    "RoundPooled",
    "RoundRegion",
    "RoundState",
    "User",
    "metadata",
]
