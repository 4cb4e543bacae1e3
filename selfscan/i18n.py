"""Languages: Dutch first, English second, chosen by the person and kept in the session."""

from __future__ import annotations

from flask import Flask, current_app, session
from flask_babel import Babel, get_locale

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
