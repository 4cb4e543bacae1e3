"""Gunicorn settings; each can be overridden with an environment variable.

Installed Selfscan serves with `gunicorn --config python:selfscan.infra.gunicorn_config
'selfscan:create_app()'`; a checkout's gunicorn.conf.py reads these same settings.
"""

import os

bind = os.environ.get("SELFSCAN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SELFSCAN_WORKERS", "2"))
threads = int(os.environ.get("SELFSCAN_THREADS", "1"))
timeout = 30
accesslog = "-"
# Personal links carry a secret token in their path; this logger writes /i/[redacted] instead.
logger_class = "selfscan.infra.redaction.RedactingLogger"
forwarded_allow_ips = os.environ.get("SELFSCAN_FORWARDED_ALLOW_IPS", "127.0.0.1")
