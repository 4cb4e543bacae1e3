"""Flask extensions, created once and bound to the app in create_app."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    from selfscan.infra import throttle

    csrf.init_app(app)
    login_manager.init_app(app)
    throttle.init_app(app)
