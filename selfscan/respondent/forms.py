"""Forms of the respondent's journey; a principle page's form is built from the questionnaire."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from selfscan.core.questionnaire import ItemSpec, Questionnaire
from selfscan.infra.request_checks import MAX_ID
from selfscan.models.response import COMMENT_MAX_LENGTH
from selfscan.services.responses import DONT_KNOW, PageAnswers, StoredAnswer

# What the buttons of a principle page ask for after saving.
ACTIONS = ("next", "previous", "review", "later")


class ScaleField(RadioField):
    """A statement's answer: one of the scale's values or "don't know"; empty is allowed."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        # No answer is sent as nothing; an empty value (only a hand-made request sends one)
        # means the same.
        if valuelist and not str(valuelist[0]).strip():
            valuelist = []
        super().process_formdata(valuelist)

    def pre_validate(self, form: Any) -> None:
        if self.data is not None and self.data not in {choice.value for choice in self.choices}:  # type: ignore[union-attr]
            raise ValidationError(_("Choose one of the answers shown for this statement."))


class PrincipleForm(FlaskForm):
    """One principle page: built per questionnaire by `principle_form`."""

    comment = TextAreaField(
        _l("Comment on this principle (optional)"),
        validators=[
            Optional(),
            Length(
                max=COMMENT_MAX_LENGTH,
                message=_l("A comment can be at most %(max)d characters long."),
            ),
        ],
        render_kw={"maxlength": COMMENT_MAX_LENGTH, "rows": 4},
    )
    action = StringField(validators=[Optional(), AnyOf(ACTIONS)])

    item_keys: tuple[str, ...] = ()

    def process(
        self, formdata: Any = None, obj: Any = None, data: Any = None, **kwargs: Any
    ) -> None:
        formdata = self.meta.wrap_formdata(self, formdata)
        # A field the page does not have (an unknown or another page's statement) means the
        # form was tampered with; WTForms would silently ignore it.
        self._sent_keys = set(formdata.keys()) if formdata is not None else set()
        super().process(formdata, obj, data, **kwargs)

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        unknown = self._sent_keys - set(self._fields) - {"csrf_token"}
        if unknown:
            self.form_errors.append(
                _("This form held a statement that is not on this page. Nothing has been saved.")
            )
            return False
        return valid

    def answers(self) -> PageAnswers:
        """The page's answers for the service (call after validation)."""
        values: dict[str, int | str | None] = {}
        discuss = set()
        for key in self.item_keys:
            raw = self[f"item-{key}"].data
            values[key] = raw if raw in (None, DONT_KNOW) else int(raw)
            if self[f"discuss-{key}"].data:
                discuss.add(key)
        return PageAnswers(values, frozenset(discuss), (self.comment.data or "").strip())


def principle_form(
    questionnaire: Questionnaire,
    principle: str,
    language: str,
    stored: Mapping[str, StoredAnswer] | None = None,
    comment: str = "",
    **kwargs: Any,
) -> PrincipleForm:
    """The form for one principle's statements in the person's language, filled from `stored`."""
    form_class = _form_class(questionnaire, principle, language)
    data: dict[str, Any] = {"comment": comment}
    for key, answer in (stored or {}).items():
        if answer.dont_know:
            data[f"item-{key}"] = DONT_KNOW
        elif answer.value is not None:
            data[f"item-{key}"] = str(answer.value)
        data[f"discuss-{key}"] = answer.discuss
    return form_class(data=data, **kwargs)


# Form classes by (questionnaire, principle, language): a class built anew on every request
# costs WTForms its field sorting again; the questionnaires are fixed while the app runs.
_form_classes: dict[tuple[int, str, str], tuple[Questionnaire, type[PrincipleForm]]] = {}


def _form_class(questionnaire: Questionnaire, principle: str, language: str) -> type[PrincipleForm]:
    key = (id(questionnaire), principle, language)
    found = _form_classes.get(key)
    if found is not None and found[0] is questionnaire:
        return found[1]
    items = questionnaire.items_of(principle)
    choices = [
        SelectChoice(str(label.value), label.text.get(language))
        for label in questionnaire.scale.labels
    ]
    choices.append(SelectChoice(DONT_KNOW, questionnaire.scale.dont_know.get(language)))
    fields: dict[str, Field] = {}
    for item in items:
        fields[f"item-{item.key}"] = ScaleField(
            item.text.get(language), choices=choices, validators=[Optional()]
        )
        fields[f"discuss-{item.key}"] = BooleanField(_l("I want to discuss this"))
    form_class = type("PrincipleFormFor", (PrincipleForm,), {**fields, "item_keys": _keys(items)})
    if len(_form_classes) > 256:  # questionnaires reloaded many times over (tests)
        _form_classes.clear()
    _form_classes[key] = (questionnaire, form_class)
    return form_class


def _keys(items: tuple[ItemSpec, ...]) -> tuple[str, ...]:
    return tuple(item.key for item in items)


class StartForm(FlaskForm):
    """Start or continue answering (only the CSRF token)."""


class SubmitForm(FlaskForm):
    """Submit the version of the answers the person reviewed."""

    revision = IntegerField(
        widget=HiddenInput(),
        validators=[
            InputRequired(_l("This form is incomplete. Please reload the page.")),
            NumberRange(
                min=0, max=MAX_ID, message=_l("This form is incomplete. Please reload the page.")
            ),
        ],
    )
