"""WTForms' own messages follow the person's language, from a catalogue read once per language."""

from __future__ import annotations

from flask import session
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import DataRequired

from selfscan.infra import i18n


class NumberForm(FlaskForm):
    class Meta:
        csrf = False

    number = IntegerField(validators=[DataRequired()])


def _errors(app, language: str) -> list[str]:
    with app.test_request_context("/", method="POST", data={"number": ""}):
        app.preprocess_request()
        session["lang"] = language
        form = NumberForm()
        assert not form.validate()
        return form.errors["number"]


def test_wtforms_messages_in_dutch_and_english(app):
    assert _errors(app, "nl") == ["Dit veld is vereist."]
    assert _errors(app, "en") == ["This field is required."]


def test_the_catalogue_is_read_once_per_language(app):
    i18n._wtforms_catalogue.cache_clear()
    for _ in range(3):
        _errors(app, "nl")
    assert i18n._wtforms_catalogue.cache_info().misses == 1
