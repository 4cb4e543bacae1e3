"""Questionnaire versions in the database (the service layer of selfscan.core.questionnaire,
which reads and validates the files): `sync` records them and freezes a version once a round
uses it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func
from sqlmodel import Session, select

from selfscan.core.questionnaire import Questionnaire, QuestionnaireError
from selfscan.models import Item, QuestionnaireVersion, Round
from selfscan.models.types import utcnow


@dataclass(frozen=True)
class SyncReport:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


def sync(session: Session, questionnaires: Iterable[Questionnaire]) -> SyncReport:
    """Record questionnaire versions in the database; a version a round uses may not change."""
    added, updated, unchanged = [], [], []
    for questionnaire in questionnaires:
        label = f"{questionnaire.key} v{questionnaire.version}"
        row = session.exec(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.key == questionnaire.key,
                QuestionnaireVersion.version == questionnaire.version,
            )
        ).first()
        if row is None:
            row = QuestionnaireVersion(
                key=questionnaire.key,
                version=questionnaire.version,
                title=questionnaire.title.nl,
                scale_min=questionnaire.scale.min,
                scale_max=questionnaire.scale.max,
                checksum=questionnaire.checksum,
                published_at=utcnow(),
            )
            session.add(row)
            session.flush()
            _add_items(session, row, questionnaire)
            added.append(label)
            continue
        if row.checksum == questionnaire.checksum:
            unchanged.append(label)
            continue
        if is_frozen(session, row):
            raise QuestionnaireError(
                f"{questionnaire.filename}: version {questionnaire.version} is used by a round "
                f"and may not change. Undo the change and add a new version instead "
                f"({questionnaire.key}-v{_next_version(session, questionnaire.key)}.toml "
                f"with version = {_next_version(session, questionnaire.key)})."
            )
        _replace(session, row, questionnaire)
        updated.append(label)
    session.flush()
    return SyncReport(tuple(added), tuple(updated), tuple(unchanged))


def is_frozen(session: Session, row: QuestionnaireVersion) -> bool:
    """A version is frozen once any round uses it."""
    count = session.exec(
        select(func.count()).select_from(Round).where(Round.questionnaire_version_id == row.id)
    ).one()
    return count > 0


def verify_frozen(
    session: Session, questionnaires: Mapping[tuple[str, int], Questionnaire]
) -> None:
    """Raise when a version that a round uses no longer matches its file."""
    rows = session.exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.id.in_(select(Round.questionnaire_version_id))  # type: ignore[union-attr]
        )
    ).all()
    for row in rows:
        if row.content is not None:  # uploaded in the app: the database holds its file
            continue
        questionnaire = questionnaires.get((row.key, row.version))
        if questionnaire is None:
            raise QuestionnaireError(
                f"{row.key}-v{row.version}.toml is used by a round but the file is missing"
            )
        if questionnaire.checksum != row.checksum:
            raise QuestionnaireError(
                f"{questionnaire.filename}: version {row.version} is used by a round and may "
                f"not change. Undo the change and add a new version instead."
            )


def _next_version(session: Session, key: str) -> int:
    highest = session.exec(
        select(func.max(QuestionnaireVersion.version)).where(QuestionnaireVersion.key == key)
    ).one()
    return (highest or 0) + 1


def _add_items(session: Session, row: QuestionnaireVersion, questionnaire: Questionnaire) -> None:
    for spec in questionnaire.items:
        session.add(
            Item(
                questionnaire_version_id=row.id,  # type: ignore[arg-type]
                key=spec.key,
                principle=spec.principle,
                position=spec.position,
            )
        )


def _replace(session: Session, row: QuestionnaireVersion, questionnaire: Questionnaire) -> None:
    # Only reachable for a version no round uses, so no answer refers to these items.
    for item in session.exec(select(Item).where(Item.questionnaire_version_id == row.id)).all():
        session.delete(item)
    session.flush()
    row.title = questionnaire.title.nl
    row.scale_min = questionnaire.scale.min
    row.scale_max = questionnaire.scale.max
    row.checksum = questionnaire.checksum
    _add_items(session, row, questionnaire)


class UploadRefused(ValueError):
    """An uploaded questionnaire file that cannot be kept; the message says why, in the
    reader's language (only the page uploads)."""


def store_upload(
    session: Session,
    questionnaire: Questionnaire,
    content: str,
    shipped: Mapping[tuple[str, int], Questionnaire],
) -> QuestionnaireVersion:
    """Keep an uploaded, validated file as a draft version (or replace the draft of that
    version); a published version, or one shipped as a file, never changes."""
    key, number = questionnaire.key, questionnaire.version
    row = session.exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == key, QuestionnaireVersion.version == number
        )
    ).first()
    if (key, number) in shipped or (row is not None and row.published_at is not None):
        following = _next_version(session, key)
        problem = _(
            "%(key)s v%(number)d is published and never changes; upload it as %(name)s with "
            "version = %(following)d",
            key=key,
            number=number,
            name=f"{key}-v{following}.toml",
            following=following,
        )
        raise UploadRefused(f"{questionnaire.filename}: {problem}")
    if row is None:
        row = QuestionnaireVersion(
            key=key,
            version=number,
            title=questionnaire.title.nl,
            scale_min=questionnaire.scale.min,
            scale_max=questionnaire.scale.max,
            checksum=questionnaire.checksum,
            content=content,
        )
        session.add(row)
        session.flush()
        _add_items(session, row, questionnaire)
    else:
        _replace(session, row, questionnaire)
        row.content = content
    session.flush()
    return row


def publish(session: Session, row: QuestionnaireVersion) -> None:
    """From now on rounds can use this version, and it never changes."""
    if row.published_at is None:
        row.published_at = utcnow()
        session.flush()
