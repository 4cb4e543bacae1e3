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


def on_starting(server):  # type: ignore[no-untyped-def]
    """Refuse, before any worker starts, a weak secret key (with how to make one), and
    rate-limit counters in each worker's memory when there are several workers: each would
    count on its own, and every limit would be multiplied by their number."""
    from selfscan.infra.config import secret_key_problem

    key = os.environ.get("SELFSCAN_SECRET_KEY")
    if key and (problem := secret_key_problem(key)):
        raise RuntimeError(problem)
    storage = os.environ.get("SELFSCAN_RATELIMIT_STORAGE_URI", "database")
    if storage.startswith("memory") and server.cfg.workers > 1:
        raise RuntimeError(
            f"SELFSCAN_RATELIMIT_STORAGE_URI={storage} keeps rate-limit counters in each worker's "
            f"memory, so {server.cfg.workers} workers would each count apart and allow "
            f"{server.cfg.workers} times every limit. Leave it unset (counters in the database, "
            "shared by every worker), use redis://…, or run one worker (SELFSCAN_WORKERS=1)."
        )


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Once a worker has loaded the app: move everything made so far (the modules, the app, its
    routes and models) out of the garbage collector's sight (`gc.freeze`). A results page built
    from nothing makes some hundred thousand objects, which set off full collections that would
    otherwise walk all of those again; the frozen ones are never freed, which they would not be
    anyway."""
    import gc

    gc.freeze()
