"""The compare page's choice: rounds, regions, sector groups, and the all-regions pool."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import DataRequired
from wtforms.widgets import CheckboxInput, ListWidget


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CompareForm(FlaskForm):
    """Read from the query string: choosing what to look at changes nothing."""

    class Meta:
        csrf = False

    round = Checkboxes(
        _l("Rounds"), validators=[DataRequired(message=_l("Choose at least one round."))]
    )
    region = Checkboxes(_l("Regions"))
    sector = Checkboxes(_l("Sectors"), default=["all"])
    pooled = BooleanField(_l("Also show all regions together"), default=True)
