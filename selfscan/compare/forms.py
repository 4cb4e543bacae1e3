"""The compare page's choice: rounds, regions, sector groups, and the all-regions pool."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def at_least_one_round(_form: object, field: Field) -> None:
    """One ticked round is enough. (DataRequired would also mark every checkbox `required`,
    and a browser then refuses the form until all rounds are ticked.)"""
    if not field.data:
        raise ValidationError(_l("Choose at least one round."))


class CompareForm(FlaskForm):
    """Read from the query string: choosing what to look at changes nothing."""

    class Meta:
        csrf = False

    round = Checkboxes(_l("Rounds"), validators=[at_least_one_round])
    region = Checkboxes(_l("Regions"))
    sector = Checkboxes(_l("Sectors"), default=["all"])
    pooled = BooleanField(_l("Also show all regions together"), default=True)
