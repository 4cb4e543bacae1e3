"""The vocabulary's labels in the reader's language, for pages and forms (the web layer of
selfscan.core.vocabulary, whose labels are the English source texts)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from flask_babel import gettext, lazy_gettext
from wtforms import SelectChoice

from selfscan.core.vocabulary import (
    ACTION_STATUSES,
    AGREEMENT_STATUSES,
    PARTNERSHIP_STATES,
    PERSPECTIVES,
    PRINCIPLES,
    ROUND_STATES,
    SECTORS,
    SHARING,
    Term,
    find,
)
from selfscan.texts import moment


def label(terms: Sequence[Term], key: str) -> str:
    """The label of a key in the current language, or the key itself when it is unknown."""
    term = find(terms, key)
    return gettext(term.label) if term else key


def principle_label(key: str) -> str:
    return label(PRINCIPLES, key)


def sector_label(key: str) -> str:
    return label(SECTORS, key)


def perspective_label(key: str) -> str:
    return label(PERSPECTIVES, key)


def sharing_label(key: str) -> str:
    return label(SHARING, key)


def action_status_label(key: str) -> str:
    return label(ACTION_STATUSES, key)


def agreement_status_label(key: str) -> str:
    return label(AGREEMENT_STATUSES, key)


def pair_state_label(key: str) -> str:
    return label(PARTNERSHIP_STATES, key)


def round_state_label(state: object) -> str:
    return label(ROUND_STATES, str(state))


def choices(terms: Sequence[Term]) -> list[SelectChoice]:
    """Form choices for the terms, labelled in the language of the request that renders them."""
    return [SelectChoice(term.key, lazy_gettext(term.label)) for term in terms]


def init_app(app: Flask) -> None:
    """The labels and the vocabulary in every template."""
    app.jinja_env.globals.update(
        principle_label=principle_label,
        sector_label=sector_label,
        perspective_label=perspective_label,
        sharing_label=sharing_label,
        round_state_label=round_state_label,
        action_status_label=action_status_label,
        agreement_status_label=agreement_status_label,
        pair_state_label=pair_state_label,
        PRINCIPLES=PRINCIPLES,
        SECTORS=SECTORS,
    )
    app.jinja_env.filters["moment"] = moment
