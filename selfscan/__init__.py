"""Selfscan: the periodic self-assessment of the Met Andere Ogen inspiration regions.

The layout (docs/architecture.md): `core/` the product's rules as pure functions, `models/` and
`services/` the data, one package of views per audience (`respondent/`, `region/`,
`programme/`, `account/`, `main/`, `compare/`, and `api/` for programs), `infra/` what every request stands on, `cli/`
the command. Importing this package imports nothing else, so that `selfscan.core` can be used
(and is tested) without Flask or a database; `create_app` brings in the rest.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

# Written once, in pyproject.toml; the installed package's metadata carries it to the footer,
# /health and `selfscan --version`.
__version__ = version("selfscan")


def create_app(test_config: Mapping[str, Any] | None = None, *, serving: bool = True) -> Flask:
    """Build the app; `serving=False` is for CLI commands, which need no secret key."""
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from selfscan.infra import redaction
    from selfscan.infra.config import INSTANCE_PATH, Config, database_url

    app = Flask(__name__, instance_path=str(INSTANCE_PATH))
    app.config.from_object(Config)
    if test_config:
        app.config.update(test_config)
    app.config["DATABASE_URL"] = app.config.get("DATABASE_URL") or database_url()
    _check_secret_key(app, serving)
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
        logging.getLogger("alembic").setLevel(logging.WARNING)
    redaction.install()
    app.jinja_env.globals["selfscan_version"] = __version__  # = infra.config.VERSION
    # `tojson` (the charts' specs in data- attributes) without spaces after separators and with
    # letters as themselves ("·", not "\\u00b7"): a fifth less JSON. It still escapes <, >, &
    # and ' (Jinja's htmlsafe_json_dumps), which is what keeps it safe in an attribute.
    app.jinja_env.policies["json.dumps_kwargs"] = {
        "sort_keys": True,
        "separators": (",", ":"),
        "ensure_ascii": False,
    }

    from selfscan import access, api, cli, errors, labels, questionnaire_registry
    from selfscan.account import bp as account_bp
    from selfscan.compare import bp as compare_bp
    from selfscan.infra import assets, db, extensions, i18n, request_checks
    from selfscan.main import bp as main_bp
    from selfscan.programme import bp as programme_bp
    from selfscan.region import bp as region_bp
    from selfscan.respondent import bp as respondent_bp

    request_checks.init_app(app)
    db.init_app(app)
    extensions.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    access.init_app(app)
    assets.init_app(app)
    questionnaire_registry.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    for blueprint in (main_bp, account_bp, respondent_bp, region_bp, programme_bp, compare_bp):
        app.register_blueprint(blueprint)
    api.init_app(app)
    return app


def _check_secret_key(app: Flask, serving: bool) -> None:
    """A key that is set must be strong (also in tests and commands); without one only tests,
    debug runs and commands that sign nothing start, with a random key of their own."""
    from selfscan.infra.config import MAKE_KEY_COMMAND, secret_key_problem

    key = app.config.get("SECRET_KEY")
    if key:
        problem = secret_key_problem(key if isinstance(key, str) else key.decode("latin-1"))
        if problem:
            raise RuntimeError(problem)
        return
    if app.debug or app.testing or not serving:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        app.config["SECRET_KEY_GENERATED"] = True
        return
    raise RuntimeError(
        "SELFSCAN_SECRET_KEY is not set. Selfscan refuses to start without a secret key: "
        f"set SELFSCAN_SECRET_KEY to a long random value, for example the output of "
        f"`{MAKE_KEY_COMMAND}`."
    )
