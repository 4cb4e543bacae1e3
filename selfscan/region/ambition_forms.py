"""Forms of a region's ambitions and result agreements, and of how each agreement stands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from selfscan.core.vocabulary import AGREEMENT_STATUSES, PRINCIPLES, SECTORS
from selfscan.labels import choices
from selfscan.models.ambition import (
    CHECK_MAX_LENGTH,
    INDICATOR_MAX_LENGTH,
    LEAD_NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    WHY_MAX_LENGTH,
)
from selfscan.models.round import Round
from selfscan.region.forms import optional_id, parse_score


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("At most %(n)s characters.", n=n))


def target_valid(_form: object, field: Any) -> None:
    """The target: on the 1-5 scale in steps of 0,1."""
    try:
        value = parse_score(field.data or "")
    except ValueError:
        raise ValidationError(_l("Enter a score from 1 to 5, such as 3 or 3,5.")) from None
    if value is None:
        raise ValidationError(_l("Enter the score the region aims for, such as 3,5."))
    if not 1 <= value <= 5:
        raise ValidationError(_l("The score aimed for lies between 1 and 5."))
    if abs(value * 10 - round(value * 10)) > 1e-6:
        raise ValidationError(_l("Give the score with at most one decimal, such as 3,5."))


class AmbitionForm(FlaskForm):
    principle = SelectField(
        _l("Principle"),
        choices=[SelectChoice("", _l("Choose a principle")), *choices(PRINCIPLES)],
        validators=[DataRequired(_l("Choose a principle."))],
    )
    target = StringField(_l("Score aimed for (1 to 5)"), validators=[target_valid, Length(max=10)])
    round_id = SelectField(
        _l("By the round"),
        choices=[],
        coerce=optional_id,
        validators=[DataRequired(_l("Choose the round by which the region aims for this score."))],
    )
    why = TextAreaField(_l("Why this ambition"), validators=[_at_most(WHY_MAX_LENGTH)])

    def set_rounds(self, rounds: Iterable[Round]) -> AmbitionForm:
        """Offer the region's own rounds."""
        self.round_id.choices = [
            SelectChoice("", _l("Choose a round")),
            *(SelectChoice(str(r.id), r.title) for r in rounds),
        ]
        return self


class AgreementForm(FlaskForm):
    title = TextAreaField(
        _l("What the partners agreed to achieve"),
        validators=[
            DataRequired(_l("Describe what the partners agreed to achieve.")),
            _at_most(TITLE_MAX_LENGTH),
        ],
    )
    lead_sector = SelectField(
        _l("Under the direction of (sector)"),
        choices=[SelectChoice("", _l("No sector")), *choices(SECTORS)],
        default="gemeente",
    )
    lead_name = StringField(
        _l("Under the direction of (organisation or person, optional)"),
        validators=[_at_most(LEAD_NAME_MAX_LENGTH)],
    )
    indicator = StringField(
        _l("Indicator: what shows the result"), validators=[_at_most(INDICATOR_MAX_LENGTH)]
    )
    verification = StringField(
        _l("How and when it will be checked"), validators=[_at_most(CHECK_MAX_LENGTH)]
    )


def progress_field(kind: str, agreement_id: int) -> str:
    return f"{kind}_{agreement_id}"


class _ProgressBase(FlaskForm):
    agreement_ids: tuple[int, ...] = ()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for agreement_id in self.agreement_ids:
            status = self[progress_field("status", agreement_id)]
            note = self[progress_field("note", agreement_id)]
            if (note.data or "").strip() and not status.data:
                note.errors = [
                    *note.errors,
                    str(_l("Choose how the agreement stands too, or leave the note empty.")),
                ]
                valid = False
        return valid


def progress_form(agreement_ids: Iterable[int], **kwargs: Any) -> FlaskForm:
    """Per result agreement: its status in the round (or none recorded) and a short note."""
    ids = tuple(agreement_ids)
    fields: dict[str, Any] = {"agreement_ids": ids}
    for agreement_id in ids:
        fields[progress_field("status", agreement_id)] = SelectField(
            _l("Status"),
            choices=[SelectChoice("", _l("Not recorded")), *choices(AGREEMENT_STATUSES)],
            default="",
        )
        fields[progress_field("note", agreement_id)] = TextAreaField(
            _l("Note"), validators=[_at_most(NOTE_MAX_LENGTH)]
        )
    form_class = type("ProgressForm", (_ProgressBase,), fields)
    return form_class(**kwargs)
