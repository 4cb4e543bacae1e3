"""Languages: Dutch first, English second, chosen by the person and kept in the session."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations
from wtforms.i18n import messages_path

from selfscan.infra.config import API_PATH_PREFIX

babel = Babel()


def select_locale() -> str:
    """The person's chosen language; outside a request (the CLI, the worker) the default. The
    API, which has no session, answers in the language of Accept-Language, else English."""
    if has_request_context() and request.path.startswith(API_PATH_PREFIX):
        return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "nl")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # as Flask-Babel's, with the catalogue looked up once
        gettext=lambda s: _request_translations().ugettext(s),
        ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: _request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.before_request(_share_wtforms_translations)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        current_language=current_language,
    )


def _request_translations() -> support.NullTranslations:
    """The request's catalogue, found once per request. Flask-Babel finds it again for every
    string (context, locale, domain: about 10 µs), and a principle page has some 30 strings.
    The locale is fixed for a request: it comes from the session, read once by Flask-Babel."""
    if not has_request_context():
        return get_translations()
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


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
