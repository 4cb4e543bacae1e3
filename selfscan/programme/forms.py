"""Forms of the programme team: rounds, regions, coordinators."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from selfscan.core.vocabulary import SHARING
from selfscan.forms import LOCAL_MOMENT_FORMAT, CheckboxesField, PersonFields, within_years
from selfscan.labels import choices

KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _key_field(label: object, hint_example: str) -> StringField:
    """An optional key: the view makes one from the title or name when it is left empty."""
    return StringField(
        label,
        validators=[
            Optional(),
            Length(min=2, max=40, message=_l("A key is 2 to 40 characters long.")),
            Regexp(
                KEY_PATTERN,
                message=_l(
                    "Use lowercase letters, digits and single hyphens, for example %(example)s.",
                    example=hint_example,
                ),
            ),
        ],
    )


class RoundDatesForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Enter a title.")), Length(max=160)],
    )
    opens_at = DateTimeLocalField(
        _l("Opens at"),
        format=LOCAL_MOMENT_FORMAT,
        validators=[DataRequired(_l("Enter the opening date and time.")), within_years],
    )
    closes_at = DateTimeLocalField(
        _l("Closes at"),
        format=LOCAL_MOMENT_FORMAT,
        validators=[DataRequired(_l("Enter the closing date and time.")), within_years],
    )

    def validate_closes_at(self, field: DateTimeLocalField) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The round must close after it opens."))


class CloseRoundForm(FlaskForm):
    """Closing a round early: the confirmation carries only the CSRF token."""


def key_from(title: str) -> str:
    """A key made from a title or name: "Meetronde voorjaar 2027" -> "meetronde-voorjaar-2027"."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40].strip("-")


class RoundForm(RoundDatesForm):
    key = _key_field(_l("Key"), "voorjaar-2026")  # made from the title when left empty
    questionnaire = SelectField(
        _l("Questionnaire version"),
        coerce=int,
        validators=[DataRequired(_l("Choose a questionnaire version."))],
    )
    regions = CheckboxesField(_l("Participating regions"), coerce=int)

    def validate_regions(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one region."))


class RegionForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=120)])
    sharing = RadioField(
        _l("Who may compare our results by name"),
        choices=choices(SHARING),
        default="private",
        validators=[DataRequired(_l("Choose who may see the results."))],
    )


class NewRegionForm(RegionForm):
    key = _key_field(_l("Key"), "twente")  # made from the name when left empty


class CoordinatorRegionsForm(FlaskForm):
    regions = CheckboxesField(_l("Regions"), coerce=int)


class CoordinatorForm(PersonFields, CoordinatorRegionsForm):
    def validate_regions(self, field: CheckboxesField) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one region."))


class PeriodForm(FlaskForm):
    """The period of the annual report: rounds that closed from the first day up to and with
    the last. Read from the query string (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    start = DateField(
        _l("From"),
        validators=[DataRequired(_l("Enter the first day of the period.")), within_years],
    )
    end = DateField(
        _l("Up to and including"),
        validators=[DataRequired(_l("Enter the last day of the period.")), within_years],
    )

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The period must end on or after its first day."))
