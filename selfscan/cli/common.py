"""What the `selfscan` commands share: messages from services, moments, rounds by key."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import click
from sqlmodel import Session, select

from selfscan.core.questionnaire import QuestionnaireError
from selfscan.models import Round
from selfscan.services import accounts, regions, rounds

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Every service error is a ValueError subclass whose message is meant for the person.
SERVICE_ERRORS = (accounts.AccountError, regions.RegionError, rounds.RoundError, QuestionnaireError)


def fail(error: Exception) -> click.ClickException:
    return click.ClickException(str(error))


def parse_moment(value: str) -> datetime:
    """An ISO date or date-time; without a zone it is read as Dutch local time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date or date-time like 2026-03-01 or 2026-03-01T09:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=AMSTERDAM)


def round_by_key(session: Session, key: str) -> Round:
    round_ = session.exec(select(Round).where(Round.key == key)).first()
    if round_ is None:
        raise click.ClickException(f"unknown round {key!r}")
    return round_
