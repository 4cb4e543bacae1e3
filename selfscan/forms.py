"""Form fields and helpers shared by the programme team's and the coordinators' forms."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

# Moments are entered and shown in Dutch local time and stored in UTC.
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")
LOCAL_MOMENT_FORMAT = "%Y-%m-%dT%H:%M"
# Rounds are held within these years; a moment outside them is a typing error (and year 1 or
# 9999 in Dutch time has no UTC equivalent that Python can hold).
FIRST_YEAR, LAST_YEAR = 2000, 2199


class CheckboxesField(SelectMultipleField):
    """A choice of several options, rendered as checkboxes inside a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: object) -> None:
        # An empty choice is valid here; a DataRequired-style check says so when it is not.
        if self.data:
            super().pre_validate(form)  # type: ignore[arg-type]


def to_utc(local: datetime) -> datetime:
    """A moment typed in Dutch local time, as UTC."""
    return local.replace(tzinfo=LOCAL_ZONE).astimezone(UTC)


def within_years(_form: object, field: Field) -> None:
    """A moment between FIRST_YEAR and LAST_YEAR."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )


def to_local(moment: datetime) -> datetime:
    """A stored moment as a naive Dutch local time, for a datetime-local input."""
    return moment.astimezone(LOCAL_ZONE).replace(tzinfo=None)


class PersonFields:
    """A person's name and e-mail address, as every form that invites someone asks them."""

    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)]
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
    )
