"""Rendering shared by the respondent's pages and the programme team's preview of them."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from selfscan.core.questionnaire import PrincipleSpec, Questionnaire
from selfscan.core.vocabulary import PERSPECTIVE_KEYS, PROFESSIONAL
from selfscan.infra.i18n import current_language
from selfscan.models import QuestionnaireVersion
from selfscan.questionnaire_registry import questionnaire_for
from selfscan.respondent.context import principle_or_404
from selfscan.respondent.forms import PrincipleForm, principle_form

MODES = ("answer", "readonly", "preview")


def progress_text(answered: int, total: int) -> str:
    """'12 of 30 statements answered (40%)' in the person's language."""
    percent = round(100 * answered / total) if total else 0
    return _(
        "%(answered)d of %(total)d statements answered (%(percent)d%%)",
        answered=answered,
        total=total,
        percent=percent,
    )


def render_principle(
    questionnaire: Questionnaire,
    spec: PrincipleSpec,
    form: PrincipleForm,
    *,
    mode: str,
    answered: int,
    context: Any = None,
    preview_version: QuestionnaireVersion | None = None,
    perspective: str = PROFESSIONAL,
) -> str:
    """A principle page: to answer, to read back after submitting, or as a preview; its texts
    as the perspective reads them."""
    assert mode in MODES
    keys = [p.key for p in questionnaire.principles]
    index = keys.index(spec.key)
    return render_template(
        "respondent/principle.html",
        r=context,
        q=questionnaire,
        spec=spec,
        items=questionnaire.items_of(spec.key),
        form=form,
        mode=mode,
        preview=mode == "preview",
        lang=current_language(),
        step=index + 1,
        steps=len(keys) + 1,
        answered=answered,
        total=len(questionnaire.items),
        progress_text=progress_text(answered, len(questionnaire.items)),
        previous_url=_neighbour_url(keys, index - 1, mode, preview_version, perspective),
        next_url=_neighbour_url(keys, index + 1, mode, preview_version, perspective),
        statement_html=statement_html,
        perspective=perspective,
        preview_perspectives=_preview_perspectives(questionnaire, preview_version, spec.key),
    )


# A statement's HTML by everything it shows. Rendering the statement macro was a fifth of a
# principle page's time (six radios and a checkbox, some forty escaped values per statement),
# while a statement can only be shown in a few ways: its form class stands for the
# questionnaire, the page and the language (texts, choices and field names), then its number,
# the answer, the flag and whether it can be changed.
_statements: dict[tuple[Any, ...], Markup] = {}
_MAX_STATEMENTS = 4096


def statement_html(
    render: Any,
    form: PrincipleForm,
    item: Any,
    number: int,
    lang: str,
    *,
    disabled: bool,
    perspective: str = PROFESSIONAL,
) -> Markup:
    """The statement macro's HTML (`render`), rendered once for each way it can look. A
    statement with an error message is rendered every time: what was sent is shown back."""
    text = item.text_for(perspective).get(lang)
    answer = form[f"item-{item.key}"]
    if answer.errors:
        return render(form, item, number, lang, disabled=disabled, text=text)
    discuss = form[f"discuss-{item.key}"]
    key = (type(form), item.key, number, lang, answer.data, bool(discuss.data), disabled, text)
    html = _statements.get(key)
    if html is None:
        if len(_statements) >= _MAX_STATEMENTS:  # answers sent back after another field's error
            _statements.clear()
        html = _statements[key] = render(form, item, number, lang, disabled=disabled, text=text)
    return html


def _neighbour_url(
    keys: list[str],
    index: int,
    mode: str,
    version: QuestionnaireVersion | None,
    perspective: str = PROFESSIONAL,
) -> str | None:
    """Where the preview's and the read-only pages' links lead (answering uses buttons)."""
    if mode == "preview" and version is not None:
        args = {"key": version.key, "version": version.version, **_as(perspective)}
        if 0 <= index < len(keys):
            return url_for("programme.questionnaire_preview", **args, principle=keys[index])
        return url_for("programme.questionnaire_preview", **args) if index < 0 else None
    if mode == "readonly":
        if 0 <= index < len(keys):
            return url_for("respondent.principle", key=keys[index])
        return url_for("respondent.profile")
    return None


def _as(perspective: str) -> dict[str, str]:
    """The preview's query argument for a perspective (none for the professional one)."""
    return {} if perspective == PROFESSIONAL else {"perspectief": perspective}


def _preview_perspectives(
    questionnaire: Questionnaire, version: QuestionnaireVersion | None, principle: str | None
) -> list[tuple[str, str]]:
    """(perspective, URL) of the same preview page in every perspective the version words."""
    if version is None:
        return []
    args: dict[str, Any] = {"key": version.key, "version": version.version}
    if principle is not None:
        args["principle"] = principle
    return [
        (p, url_for("programme.questionnaire_preview", **args, **_as(p)))
        for p in questionnaire.perspectives()
    ]


def render_preview(
    version: QuestionnaireVersion, principle: str | None, perspective: str = PROFESSIONAL
) -> str:
    """The programme team's preview: the respondent's pages with nothing to save, as the
    given perspective reads them."""
    assert perspective in PERSPECTIVE_KEYS
    questionnaire = questionnaire_for(version)
    if principle is None:
        first = questionnaire.principles[0].key
        return render_template(
            "respondent/intro.html",
            r=None,
            q=questionnaire,
            preview=True,
            perspective=perspective,
            preview_perspectives=_preview_perspectives(questionnaire, version, None),
            preview_first_url=url_for(
                "programme.questionnaire_preview",
                key=version.key,
                version=version.version,
                principle=first,
                **_as(perspective),
            ),
            min_group_size=None,
            closes=None,
        )
    spec = principle_or_404(questionnaire, principle)
    form = principle_form(questionnaire, principle, current_language(), meta={"csrf": False})
    return render_principle(
        questionnaire,
        spec,
        form,
        mode="preview",
        answered=0,
        preview_version=version,
        perspective=perspective,
    )
