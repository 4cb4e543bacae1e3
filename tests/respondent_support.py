"""Helpers for the respondent tests: invited people and the forms their pages send."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, select

from selfscan.models import Answer, Item, PrincipleComment, Response

PRINCIPLES = (
    "kind-centraal",
    "geintegreerd-aanbod",
    "inclusief-nabij",
    "partnerschap-regie",
    "samen-beter",
)
PREFIX = {
    "kind-centraal": "kc",
    "geintegreerd-aanbod": "ga",
    "inclusief-nabij": "in",
    "partnerschap-regie": "pr",
    "samen-beter": "sb",
}


def item_keys(spec: Any, principle: str) -> list[str]:
    return [item.key for item in spec.items_of(principle)]


def page_form(
    values: Mapping[str, int | str] = (),  # type: ignore[assignment]
    *,
    discuss: Iterable[str] = (),
    comment: str = "",
    action: str = "next",
) -> dict[str, str]:
    """The fields a principle page sends: item-<key>, discuss-<key>, comment, action."""
    form = {f"item-{key}": str(value) for key, value in dict(values).items()}
    form.update({f"discuss-{key}": "y" for key in discuss})
    form["comment"] = comment
    form["action"] = action
    return form


def enter(client: Any, token: str) -> Any:
    """Open a personal link and start answering, as the intro page's button does."""
    client.get(f"/i/{token}")
    return client.post("/vragenlijst/starten")


def answer_all(client: Any, spec: Any, value: int = 4) -> None:
    for principle in PRINCIPLES:
        keys = item_keys(spec, principle)
        response = client.post(
            f"/vragenlijst/{principle}", data=page_form(dict.fromkeys(keys, value))
        )
        assert response.status_code == 302, response.get_data(as_text=True)


def current_revision(db: Session, invitation_id: int) -> int:
    return db.exec(select(Response.revision).where(Response.invitation_id == invitation_id)).one()


def response_of(db: Session, invitation_id: int) -> Response | None:
    return db.exec(select(Response).where(Response.invitation_id == invitation_id)).first()


def stored(db: Session, invitation_id: int) -> dict[str, tuple[int | None, bool, bool]]:
    """item key -> (value, dont_know, discuss) as stored."""
    rows = db.exec(
        select(Item.key, Answer.value, Answer.dont_know, Answer.discuss)
        .join(Item, Item.id == Answer.item_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.invitation_id == invitation_id)
    ).all()
    return {key: (value, dont_know, discuss) for key, value, dont_know, discuss in rows}


def comments(db: Session, invitation_id: int) -> dict[str, str]:
    rows = db.exec(
        select(PrincipleComment.principle, PrincipleComment.text)
        .join(Response, Response.id == PrincipleComment.response_id)
        .where(Response.invitation_id == invitation_id)
    ).all()
    return dict(rows)
