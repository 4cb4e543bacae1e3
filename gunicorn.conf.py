"""Gunicorn settings for a checkout (`gunicorn --config gunicorn.conf.py wsgi:app`): the package's own."""

from selfscan.infra.gunicorn_config import *  # noqa: F403
