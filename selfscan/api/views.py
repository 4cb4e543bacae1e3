"""The API's endpoints: each reads what its pages read, through the same services.

Road: policy (a personal API token, selfscan.access) -> loader that 404s -> the services the
pages use (selfscan.services.scores, exchange.score_rows for the rows of the CSV download) ->
marshmallow schema. Rule 8 first: a round that has not closed gives no figures.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, request
from flask_login import current_user
from flask_smorest import Blueprint
from sqlmodel import col, select

from selfscan.access import coordinated_region_keys, current_viewer
from selfscan.api.schemas import (
    AgendaSchema,
    ErrorSchema,
    FiguresSchema,
    ParticipationSchema,
    PerspectivesSchema,
    RegionSchema,
    RoundSchema,
)
from selfscan.core.scoring import Group
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.infra import pagecache
from selfscan.infra.db import get_session
from selfscan.loaders import get_region_round
from selfscan.models import Region, Round, RoundRegion
from selfscan.models.types import utcnow
from selfscan.services import agenda, exchange, freshness, scores
from selfscan.services.participation import sector_participation

bp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="Read-only data, as the token's person may see it.",
)
SECURITY = [{"personalToken": []}]


def documented(*errors: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The token requirement and the error answers (401, 429 and `errors`) in the description."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        for code in sorted({401, 429, *errors}, reverse=True):
            view = bp.alt_response(code, schema=ErrorSchema, description=_ERRORS[code])(view)
        return bp.doc(security=SECURITY)(view)

    return decorate


_ERRORS = {
    401: "No working token: missing, unknown, revoked, or of a deactivated account.",
    403: "The token's person may not see this region.",
    404: "No such round or region, the region did not take part, or not the caller's to see.",
    429: "Too many requests for this token (or failed tokens from this address): see Retry-After.",
}


def _k() -> int:
    return int(current_app.config["MIN_GROUP_SIZE"])


def _regions_seen() -> list[Region]:
    """The regions the caller sees by name: own and sharing by name (all for the programme);
    as on the compare page, a coordinator of no region sees none."""
    if not current_user.is_programme and not coordinated_region_keys():
        return []
    viewer = current_viewer()
    regions = get_session().exec(select(Region).order_by(col(Region.name)))
    return [r for r in regions if viewer.sees(r.id)]  # type: ignore[arg-type]


def _rounds_seen() -> list[tuple[Round, list[str]]]:
    """Rounds in which a region the caller sees by name takes part (all for the programme),
    newest first, each with the keys of those regions."""
    seen = {r.id: r.key for r in _regions_seen()}
    db = get_session()
    taking_part: dict[int, list[str]] = {}
    for round_id, region_id in db.exec(select(RoundRegion.round_id, RoundRegion.region_id)):
        if region_id in seen:
            taking_part.setdefault(round_id, []).append(seen[region_id])
    rounds = db.exec(select(Round).order_by(col(Round.opens_at).desc()))
    return [
        (r, sorted(taking_part.get(r.id, [])))  # type: ignore[arg-type]
        for r in rounds
        if current_user.is_programme or r.id in taking_part
    ]


def _round_seen(key: str) -> Round:
    """The round `key` if `_rounds_seen` would list it, else 404: reading this round's regions
    only (at 400 regions x 20 rounds, listing every round's took 25 ms a request)."""
    db = get_session()
    round_ = db.exec(select(Round).where(Round.key == key)).first()
    if round_ is None:
        abort(404)
    if current_user.is_programme:
        return round_
    if coordinated_region_keys():
        viewer = current_viewer()
        if any(viewer.sees(r) for r in scores.region_ids_in_round(db, round_)):
            return round_
    abort(404)


@bp.route("/rounds")
@bp.response(200, RoundSchema(many=True))
@documented()
def rounds():  # type: ignore[no-untyped-def]
    """The rounds of the regions the token's person sees by name (all for the programme)."""
    now = utcnow()
    return [
        {
            "key": r.key,
            "title": r.title,
            "opens_at": r.opens_at,
            "closes_at": r.closes_at,
            "state": r.state(now).value,
            "figures_released": r.figures_released(now),
            "regions": regions,
        }
        for r, regions in _rounds_seen()
    ]


@bp.route("/regions")
@bp.response(200, RegionSchema(many=True))
@documented()
def regions():  # type: ignore[no-untyped-def]
    """The regions the token's person sees by name: their own, and those sharing by name."""
    own = coordinated_region_keys()
    return [
        {"key": r.key, "name": r.name, "sharing": r.sharing, "coordinated": r.key in own}
        for r in _regions_seen()
    ]


def _released(round_: Round, figures: list[list[exchange.Cell]], columns: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return {
        "round": round_.key,
        "released": round_.figures_released(),
        "closes_at": round_.closes_at,
        "min_group_size": _k(),
        "figures": [dict(zip(columns, row, strict=True)) for row in figures],
    }


@bp.route("/rounds/<round>/figures")
@bp.response(200, FiguresSchema)
@documented(404)
def round_figures(round: str):  # type: ignore[no-untyped-def]
    """A closed round's figures per region, group and principle, as its person may see them.

    The regions the token's person sees by name, and all regions together as rule 6 allows
    them for that person: the rows of the scores download (rules 5-8)."""
    round_ = _round_seen(round)
    db = get_session()
    viewer, k, now = current_viewer(), _k(), utcnow()
    # Every region's rows are some 25,000 at 400 regions (2.7 MB of JSON, 0.2 MB gzipped): the
    # JSON is kept gzipped per viewer's set of unseen regions while what it reads stays the same
    # (infra/pagecache), as pages are, and sent so to clients that accept it (Python's requests
    # does, as does curl --compressed).
    unseen = (
        frozenset()  # the programme team sees every region: nothing to read
        if viewer.visible is None
        else viewer.unseen(scores.region_ids_in_round(db, round_))
    )
    key = ("api-round-figures", round_.id, k, unseen)
    stamp = freshness.round_figures_stamp(db, round_, now)
    packed = pagecache.kept(db, key, stamp)
    if packed is None:
        figures = scores.round_figures(db, round_, k, viewer=viewer, now=now)
        keys = scores.regions_by_id(db, figures.regions)
        regions = {keys[r].key: groups for r, groups in figures.regions.items()}
        rows = exchange.score_rows(round_.key, regions, figures.pooled)
        packed = gzip.compress(
            _figures_json(_released(round_, rows, exchange.SCORE_COLUMNS)),
            compresslevel=GZIP_LEVEL,
            mtime=0,
        )
        pagecache.keep(db, key, stamp, packed, len(packed))
    return _json_gzipped(packed)


GZIP_LEVEL = 6  # zlib's default: 2.7 MB to 0.2 MB in 40-120 ms, once per change


def _json_gzipped(packed: bytes) -> Response:
    """JSON kept gzipped: as it is to a client that accepts gzip, unpacked to any other."""
    if request.accept_encodings["gzip"]:
        response = current_app.response_class(packed, mimetype="application/json")
        response.content_encoding = "gzip"
    else:
        response = current_app.response_class(gzip.decompress(packed), mimetype="application/json")
    response.vary.add("Accept-Encoding")  # caches between keep the two apart
    return response


def _figures_json(payload: dict[str, Any]) -> bytes:
    """FiguresSchema's dump of `payload`, its rows as they are: they hold only strings, numbers
    and nulls, which the schema's fields give back unchanged (tests/test_api.py checks the two
    agree), and dumping 25,000 of them field by field took most of a request's time."""
    rows = payload.pop("figures")
    dumped = FiguresSchema().dump({**payload, "figures": []})
    dumped["figures"] = rows
    return json.dumps(dumped, separators=(",", ":")).encode()  # kept encoded: 2.7 MB a time


@bp.route("/regions/<region>/rounds/<round>/figures")
@bp.response(200, FiguresSchema)
@documented(403, 404)
def region_figures(region: str, round: str):  # type: ignore[no-untyped-def]
    """One region's figures of a closed round per sector group and principle (rules 5-8).

    For the region's coordinators, those who see it by name and the programme team."""
    row, round_ = get_region_round(region, round)
    figures = scores.round_figures(get_session(), round_, _k(), viewer=current_viewer())
    own = {row.key: figures.regions[row.id]} if row.id in figures.regions else {}  # type: ignore[index]
    rows = exchange.score_rows(round_.key, own, None)
    return _released(round_, rows, exchange.SCORE_COLUMNS)


PERSPECTIVE_COLUMNS = ("round", "region", "perspective", *exchange.SCORE_COLUMNS[3:])


@bp.route("/rounds/<round>/perspectives")
@bp.response(200, PerspectivesSchema)
@documented(404)
def round_perspectives(round: str):  # type: ignore[no-untyped-def]
    """Professionals beside parents and young people in a closed round (rules 5-8).

    A coordinator's own regions; for the programme team every region and all regions."""
    round_ = _round_seen(round)
    db = get_session()
    groups: dict[str, dict[str, Group]]
    pooled: dict[str, Group] | None = None
    if current_user.is_programme:
        found, pooled = scores.all_perspectives(db, round_, _k())
        keys = scores.regions_by_id(db, found)
        groups = {keys[r].key: g for r, g in found.items()}
    else:
        own = [r for r in _regions_seen() if r.key in coordinated_region_keys()]
        groups = {
            r.key: shown
            for r in own
            if (shown := scores.region_perspectives(db, round_, r.id, _k()))  # type: ignore[arg-type]
        }
    rows = exchange.score_rows(round_.key, groups, pooled or None)
    return _released(round_, rows, PERSPECTIVE_COLUMNS)


@bp.route("/regions/<region>/rounds/<round>/participation")
@bp.response(200, ParticipationSchema)
@documented(403, 404)
def region_participation(region: str, round: str):  # type: ignore[no-untyped-def]
    """Who was invited and who responded per sector, also while the round is open.

    For the region's coordinators and the programme team."""
    row, round_ = get_region_round(region, round)
    sectors = sector_participation(get_session(), region=row, round_=round_, min_group_size=_k())
    return {
        "round": round_.key,
        "region": row.key,
        "state": round_.state().value,
        "invited": sum(s.invitations for s in sectors),
        "responded": sum(s.responses for s in sectors),
        "sectors": [
            {"sector": s.sector, "invited": s.invitations, "responded": s.responses}
            for s in sectors
        ],
    }


@bp.route("/regions/<region>/rounds/<round>/agenda")
@bp.response(200, AgendaSchema)
@documented(403, 404)
def region_agenda(region: str, round: str):  # type: ignore[no-untyped-def]
    """A region's learning agenda for a round: reflections, focus principles, actions.

    For the region's coordinators and the programme team."""
    row, round_ = get_region_round(region, round)
    db = get_session()
    reflections = agenda.reflections(db, region=row, round_=round_)
    return {
        "round": round_.key,
        "region": row.key,
        "reflections": [
            {"principle": p, "text": reflections[p].text, "focus": reflections[p].is_focus}
            for p in PRINCIPLE_KEYS
            if p in reflections
        ],
        "actions": [
            {
                "principle": a.principle,
                "title": a.title,
                "owner": a.owner,
                "due_date": a.due_date,
                "status": a.status,
            }
            for a in agenda.actions(db, region=row, round_=round_)
        ],
    }
