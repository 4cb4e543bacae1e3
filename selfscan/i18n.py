"""Languages: Dutch first, English second, chosen by the person and kept in the session."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import Flask, current_app, request, session
from flask_babel import Babel, get_locale
from wtforms.i18n import messages_path

from selfscan import domain

babel = Babel()


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "nl")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_share_wtforms_translations)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        current_language=current_language,
        principle_label=domain.principle_label,
        sector_label=domain.sector_label,
        sharing_label=domain.sharing_label,
        round_state_label=domain.round_state_label,
        PRINCIPLES=domain.PRINCIPLES,
        SECTORS=domain.SECTORS,
    )


class _WTFormsTranslations:
    """WTForms' own messages in the request's language. Flask-WTF reads their catalogue from
    disk on every request that makes a form (about 1 ms); this reads it once per language."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(current_language()).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(current_language()).ungettext(singular, plural, n)


@lru_cache(maxsize=8)
def _wtforms_catalogue(language: str) -> support.Translations:
    return support.Translations.load(messages_path(), [language], domain="wtforms")


_WTFORMS_TRANSLATIONS = _WTFormsTranslations()


def _share_wtforms_translations() -> None:
    # Flask-WTF looks for this request attribute before it loads the catalogue itself.
    request.wtforms_translations = _WTFORMS_TRANSLATIONS  # type: ignore[attr-defined]
