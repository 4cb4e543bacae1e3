"""The app's questionnaires, read from their files once per process."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app
from sqlmodel import col, select

from selfscan.core.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    VersionChange,
    parse,
    read_directory,
    version_change,
)
from selfscan.infra.config import shipped
from selfscan.infra.db import get_session
from selfscan.models import QuestionnaireVersion, Round


def questionnaire_dirs(app: Flask) -> list[Path]:
    """The questionnaires Selfscan ships, then an installation's own (SELFSCAN_QUESTIONNAIRE_DIR)."""
    folders = [shipped("questionnaires")]
    configured = app.config.get("QUESTIONNAIRE_DIR")
    if configured and Path(configured).resolve() != folders[0].resolve():
        folders.append(Path(configured))
    return folders


def read_files(app: Flask) -> dict[tuple[str, int], Questionnaire]:
    """Parse every questionnaire file; an installation's own file may not replace a shipped one."""
    found: dict[tuple[str, int], Questionnaire] = {}
    for folder in questionnaire_dirs(app):
        for (key, version), questionnaire in read_directory(folder).items():
            earlier = found.get((key, version))
            if earlier is not None and earlier.checksum != questionnaire.checksum:
                raise QuestionnaireError(
                    f"{folder.name}/{key}-v{version}.toml: {key} v{version} is shipped with "
                    "Selfscan and differs from this file; give your own questionnaire a new "
                    "version number or key"
                )
            found[(key, version)] = questionnaire
    return found


def init_app(app: Flask) -> None:
    app.extensions["selfscan.questionnaires"] = None  # read on first use


def all_questionnaires() -> dict[tuple[str, int], Questionnaire]:
    found = current_app.extensions.get("selfscan.questionnaires")
    if found is None:
        found = read_files(current_app)
        current_app.extensions["selfscan.questionnaires"] = found
    return found


def questionnaire_for(row: QuestionnaireVersion) -> Questionnaire:
    """The texts of a recorded version; its file must still be the one that was loaded (an
    uploaded version's file is in the database)."""
    if row.content is not None:
        return _uploaded(row.content, f"{row.key}-v{row.version}.toml")
    questionnaire = all_questionnaires().get((row.key, row.version))
    if questionnaire is None or questionnaire.checksum != row.checksum:
        raise QuestionnaireError(
            f"{row.key}-v{row.version}.toml is missing or changed since it was loaded; "
            "restore it and add a new version instead"
        )
    return questionnaire


def questionnaire_of(round_: Round) -> Questionnaire:
    """The questionnaire a round uses."""
    row = get_session().get(QuestionnaireVersion, round_.questionnaire_version_id)
    assert row is not None
    return questionnaire_for(row)


def change_between(earlier: Round, later: Round) -> VersionChange | None:
    """What a comparison of two rounds must say about their questionnaire versions (None when
    both used the same version)."""
    if earlier.questionnaire_version_id == later.questionnaire_version_id:
        return None
    first, second = questionnaire_of(earlier), questionnaire_of(later)
    return version_change(first, second, _versions_between(first, second))


def _versions_between(
    first: Questionnaire, second: Questionnaire
) -> dict[tuple[str, int], Questionnaire]:
    """Every version of the key up to the higher of the two: the files, and those uploaded in
    the app (kept in the database), so that the changed wording of each one on the way counts."""
    found = dict(all_questionnaires())
    if first.key != second.key:
        return found
    low, high = sorted((first.version, second.version))
    rows = get_session().exec(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == second.key,
            col(QuestionnaireVersion.version) > low,
            col(QuestionnaireVersion.version) <= high,
            col(QuestionnaireVersion.content).is_not(None),
        )
    )
    for row in rows:
        found[(row.key, row.version)] = questionnaire_for(row)
    return found


@lru_cache(maxsize=32)
def _uploaded(content: str, filename: str) -> Questionnaire:
    """An uploaded version, parsed once per process (its content never changes once used)."""
    return parse(content.encode("utf-8"), filename)
