"""What the API answers, as marshmallow schemas: they shape the answers and, through
flask-smorest and apispec, the OpenAPI description (nothing of it is written by hand)."""

from __future__ import annotations

from marshmallow import Schema, fields

from selfscan.core.vocabulary import ACTION_STATUS_KEYS, PERSPECTIVE_KEYS, SHARING_KEYS


class ErrorSchema(Schema):
    code = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    status = fields.String(required=True, metadata={"description": "Its name."})
    message = fields.String(
        required=True,
        metadata={"description": "What went wrong, in English (Dutch with Accept-Language: nl)."},
    )


class RoundSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    opens_at = fields.DateTime(required=True)
    closes_at = fields.DateTime(required=True)
    state = fields.String(required=True, metadata={"enum": ["planned", "open", "closed"]})
    figures_released = fields.Boolean(
        required=True, metadata={"description": "Whether the round has closed (DESIGN rule 8)."}
    )
    regions = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Keys of the regions taking part that the caller sees by name."},
    )


class RegionSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    sharing = fields.String(required=True, metadata={"enum": list(SHARING_KEYS)})
    coordinated = fields.Boolean(
        required=True,
        metadata={"description": "Whether the token's person coordinates this region."},
    )


class _FigureFields(Schema):
    round = fields.String(required=True)
    region = fields.String(
        required=True, metadata={"description": "A region's key, or `all` for all regions."}
    )
    principle = fields.String(required=True)
    n = fields.Integer(required=True, metadata={"description": "Responses with a score."})
    mean = fields.Float(required=True)
    sd = fields.Float(
        required=True, allow_none=True, metadata={"description": "None when n is below 2."}
    )
    min = fields.Float(required=True)
    max = fields.Float(required=True)


class FigureSchema(_FigureFields):
    sector = fields.String(
        required=True,
        metadata={"description": "A sector's key, `other` for the pooled small sectors, or `all`."},
    )


class PerspectiveFigureSchema(_FigureFields):
    perspective = fields.String(required=True, metadata={"enum": list(PERSPECTIVE_KEYS)})


_NOT_SHOWN = (
    "Groups and principles that the privacy rules hide (fewer than `min_group_size` responses, "
    "or what subtraction would reveal) have no row, as in the CSV download."
)


class _Released(Schema):
    round = fields.String(required=True)
    released = fields.Boolean(
        required=True,
        metadata={"description": "False while the round is open or planned: then no figures."},
    )
    closes_at = fields.DateTime(required=True)
    min_group_size = fields.Integer(required=True)


class FiguresSchema(_Released):
    figures = fields.List(
        fields.Nested(FigureSchema), required=True, metadata={"description": _NOT_SHOWN}
    )


class PerspectivesSchema(_Released):
    figures = fields.List(
        fields.Nested(PerspectiveFigureSchema),
        required=True,
        metadata={"description": _NOT_SHOWN},
    )


class SectorParticipationSchema(Schema):
    sector = fields.String(required=True)
    invited = fields.Integer(required=True)
    responded = fields.Integer(required=True)


class ParticipationSchema(Schema):
    round = fields.String(required=True)
    region = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": ["planned", "open", "closed"]})
    invited = fields.Integer(required=True)
    responded = fields.Integer(required=True)
    sectors = fields.List(fields.Nested(SectorParticipationSchema), required=True)


class ReflectionSchema(Schema):
    principle = fields.String(required=True)
    text = fields.String(required=True)
    focus = fields.Boolean(required=True)


class ActionSchema(Schema):
    principle = fields.String(required=True)
    title = fields.String(required=True)
    owner = fields.String(required=True)
    due_date = fields.Date(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"enum": list(ACTION_STATUS_KEYS)})


class AgendaSchema(Schema):
    round = fields.String(required=True)
    region = fields.String(required=True)
    reflections = fields.List(fields.Nested(ReflectionSchema), required=True)
    actions = fields.List(fields.Nested(ActionSchema), required=True)
