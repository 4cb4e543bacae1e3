"""Forms of a region's coordinator: organisations, invitations, the learning agenda."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from selfscan.core.vocabulary import ACTION_STATUSES, PERSPECTIVES, PRINCIPLES, SECTORS, SHARING
from selfscan.forms import CheckboxesField, PersonFields, within_years
from selfscan.labels import choices
from selfscan.models.agenda import REFLECTION_MAX_LENGTH
from selfscan.models.conversation import RATIONALE_MAX_LENGTH
from selfscan.services.agenda import MAX_FOCUS, MIN_FOCUS


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Name of the organisation"),
        validators=[DataRequired(_l("Enter the organisation's name.")), Length(max=160)],
    )
    sector = SelectField(
        _l("Sector"),
        choices=[
            SelectChoice("", _l("Choose a sector")),
            *choices(SECTORS),
        ],
        validators=[DataRequired(_l("Choose a sector."))],
    )


class InvitationForm(PersonFields, FlaskForm):
    organisation = SelectField(
        _l("Organisation"),
        coerce=int,
        validators=[DataRequired(_l("Choose an organisation."))],
    )
    perspective = SelectField(
        _l("Questionnaire version"),
        choices=[
            SelectChoice(
                "", _l("As the sector says (parents and young people: the parents' version)")
            ),
            *choices(PERSPECTIVES),
        ],
        validators=[Optional()],
    )


class RemindForm(FlaskForm):
    """Remind everyone of the region and round who has not submitted (only the CSRF token)."""


class SharingForm(FlaskForm):
    """How openly the region is compared (DESIGN: the region chooses)."""

    sharing = RadioField(
        _l("Who may compare our results by name"),
        choices=choices(SHARING),
        validators=[DataRequired(_l("Choose who may see the results."))],
    )


class ConfirmForm(FlaskForm):
    """A confirmation page's button: only the CSRF token."""


class InvitationListForm(FlaskForm):
    people = TextAreaField(_l("Paste a list"), validators=[Length(max=200_000)])
    file = FileField(_l("Or upload a file (.csv or .txt)"))

    def list_text(self) -> str | None:
        """The pasted text or the uploaded file's text; None (with an error) when unusable."""
        upload = self.file.data
        pasted = (self.people.data or "").strip()
        if upload and getattr(upload, "filename", ""):
            if pasted:
                self.people.errors = [_l("Paste a list or upload a file, not both.")]
                return None
            try:
                return upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.file.errors = [_l("The file is not UTF-8 text; save it as CSV (UTF-8).")]
                return None
        if not pasted:
            self.people.errors = [_l("Paste a list or upload a file.")]
            return None
        return pasted


def principle_field(kind: str, key: str) -> str:
    return f"{kind}_{key.replace('-', '_')}"


class _ReflectionsBase(FlaskForm):
    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        focus = sum(1 for p in PRINCIPLES if self[principle_field("focus", p.key)].data)
        if not MIN_FOCUS <= focus <= MAX_FOCUS:
            self.form_errors.append(
                str(_l("Choose one to three focus principles for the next round."))
            )
            return False
        return valid


def reflections_form(**kwargs: Any) -> FlaskForm:
    """A form with a reflection and a focus checkbox for every principle."""
    fields: dict[str, Any] = {}
    for principle in PRINCIPLES:
        fields[principle_field("text", principle.key)] = TextAreaField(
            _l("Reflection"),
            validators=[
                Length(
                    max=REFLECTION_MAX_LENGTH,
                    message=_l("At most %(n)s characters.", n=REFLECTION_MAX_LENGTH),
                )
            ],
        )
        fields[principle_field("focus", principle.key)] = BooleanField(
            _l("Focus principle for the next round")
        )
    form_class = type("ReflectionsForm", (_ReflectionsBase,), fields)
    return form_class(**kwargs)


def optional_id(value: object) -> str:
    """A choice of an id or none, as text: "" for none; a ValueError for anything but digits."""
    if value is None or value == "":
        return ""
    return str(int(str(value)))


class ActionForm(FlaskForm):
    principle = SelectField(
        _l("Principle"),
        choices=choices(PRINCIPLES),
        validators=[DataRequired(_l("Choose a principle."))],
    )
    title = StringField(
        _l("What will be done"),
        validators=[DataRequired(_l("Describe the action.")), Length(max=300)],
    )
    owner = StringField(_l("Owner"), validators=[Optional(), Length(max=120)])
    due_date = DateField(
        _l("Due date"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    status = SelectField(
        _l("Status"),
        choices=choices(ACTION_STATUSES),
        default="open",
        validators=[DataRequired(_l("Choose a status."))],
    )
    # The region's result agreements are the choices, set by the view (optional_id keeps "").
    agreement_id = SelectField(
        _l("Serves the result agreement"), choices=[], default="", coerce=optional_id
    )

    def set_agreements(self, agreements: Iterable[tuple[int, str]]) -> ActionForm:
        """Offer the region's result agreements, and none."""
        self.agreement_id.choices = [
            SelectChoice("", _l("None")),
            *(SelectChoice(str(i), title) for i, title in agreements),
        ]
        return self

    @property
    def agreement(self) -> int | None:
        return int(self.agreement_id.data) if self.agreement_id.data else None


def parse_score(text: str) -> float | None:
    """A score as people type it: "3", "3,5" or "3.5"; None when empty; ValueError otherwise."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def agreed_score_valid(field: Any) -> None:
    """The agreed score: empty, or on the 1-5 scale in steps of 0,1."""
    try:
        value = parse_score(field.data or "")
    except ValueError:
        raise ValidationError(_l("Enter a score from 1 to 5, such as 3 or 3,5.")) from None
    if value is None:
        return
    if not 1 <= value <= 5:
        raise ValidationError(_l("The agreed score lies between 1 and 5."))
    if abs(value * 10 - round(value * 10)) > 1e-6:
        raise ValidationError(_l("Give the agreed score with at most one decimal, such as 3,5."))


class _AgreedBase(FlaskForm):
    held_on = DateField(
        _l("Date of the conversation"), validators=[Optional(), within_years], format="%Y-%m-%d"
    )
    sectors = CheckboxesField(_l("Sectors at the table"), choices=choices(SECTORS))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for principle in PRINCIPLES:
            score = self[principle_field("score", principle.key)]
            rationale = self[principle_field("why", principle.key)]
            if not score.errors:
                try:
                    agreed_score_valid(score)
                except ValidationError as error:
                    score.errors = [*score.errors, str(error)]
                    valid = False
            if (rationale.data or "").strip() and not (score.data or "").strip():
                rationale.errors = [
                    *rationale.errors,
                    str(_l("Enter the agreed score too, or leave the explanation empty.")),
                ]
                valid = False
        return valid


def agreed_form(**kwargs: Any) -> FlaskForm:
    """The meeting and, per principle, the agreed score and why."""
    fields: dict[str, Any] = {}
    for principle in PRINCIPLES:
        fields[principle_field("score", principle.key)] = StringField(
            _l("Agreed score (1 to 5)"), validators=[Optional(), Length(max=10)]
        )
        fields[principle_field("why", principle.key)] = TextAreaField(
            _l("Why the partners agree on this score"),
            validators=[
                Length(
                    max=RATIONALE_MAX_LENGTH,
                    message=_l("At most %(n)s characters.", n=RATIONALE_MAX_LENGTH),
                )
            ],
        )
    form_class = type("AgreedForm", (_AgreedBase,), fields)
    return form_class(**kwargs)


class NetworkChoicesForm(FlaskForm):
    """The region's three separate choices in the learning network, all off by default."""

    take_part = BooleanField(_l("Take part in learning partners"))
    share_agenda = BooleanField(_l("Share our learning agenda with our learning partners"))
    allow_quotes = BooleanField(_l("Allow short anonymous quotations in the annual report"))


class AskPartnerForm(FlaskForm):
    """Ask a suggested region to be learning partners on a principle (hidden fields: the
    suggestion's region and principle; the service checks they were suggested)."""

    partner = StringField(validators=[DataRequired(), Length(max=40)])
    principle = StringField(validators=[DataRequired(), Length(max=30)])


class AnswerPartnerForm(FlaskForm):
    """Accept or decline a request (the button pressed)."""

    decision = RadioField(
        _l("Your answer"),
        choices=[SelectChoice("accept", _l("Accept")), SelectChoice("decline", _l("Decline"))],
        validators=[DataRequired(_l("Choose to accept or decline."))],
    )


class QuotationsForm(FlaskForm):
    """The comments the coordinator marks as fit to quote (choices set per page)."""

    marks = CheckboxesField(_l("Comments that may be quoted"), choices=[])
