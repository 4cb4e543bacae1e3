"""The app's questionnaires, read from their files once per process."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from selfscan.config import PROJECT_ROOT
from selfscan.models import QuestionnaireVersion
from selfscan.questionnaires import Questionnaire, QuestionnaireError, read_directory


def questionnaire_dir(app: Flask) -> Path:
    configured = app.config.get("QUESTIONNAIRE_DIR")
    return Path(configured) if configured else PROJECT_ROOT / "questionnaires"


def init_app(app: Flask) -> None:
    app.extensions["selfscan.questionnaires"] = None  # read on first use


def all_questionnaires() -> dict[tuple[str, int], Questionnaire]:
    found = current_app.extensions.get("selfscan.questionnaires")
    if found is None:
        found = read_directory(questionnaire_dir(current_app))
        current_app.extensions["selfscan.questionnaires"] = found
    return found


def questionnaire_for(row: QuestionnaireVersion) -> Questionnaire:
    """The texts of a recorded version; its file must still be the one that was loaded."""
    questionnaire = all_questionnaires().get((row.key, row.version))
    if questionnaire is None or questionnaire.checksum != row.checksum:
        raise QuestionnaireError(
            f"{row.key}-v{row.version}.toml is missing or changed since it was loaded; "
            "restore it and add a new version instead"
        )
    return questionnaire
