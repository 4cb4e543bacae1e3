"""selfscan.core, the product's rules, imports nothing of Flask, the database or the rest of the
app: every module of it imports in a Python where those are unavailable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

UNAVAILABLE = (
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "werkzeug",
    "wtforms",
    "jinja2",
    "sqlalchemy",
    "sqlmodel",
    "psycopg",
    "alembic",
)

CHECK = """
import importlib, pkgutil, sys
for name in {unavailable!r}:
    sys.modules[name] = None  # importing it raises ImportError from now on
import selfscan.core
selfscan.core.__path__.extend({extra!r})
modules = [m.name for m in pkgutil.walk_packages(selfscan.core.__path__, "selfscan.core.")]
for name in modules:
    importlib.import_module(name)
others = sorted(m for m in sys.modules if m.startswith("selfscan.") and not m.startswith("selfscan.core"))
print(len(modules), others)
"""


def run_check(extra: list[str]) -> subprocess.CompletedProcess[str]:
    code = CHECK.format(unavailable=UNAVAILABLE, extra=extra)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_the_core_imports_without_flask_or_a_database():
    result = run_check([])
    assert result.returncode == 0, result.stderr
    count, others = result.stdout.split(" ", 1)
    assert int(count) >= 6  # vocabulary, questionnaire, scoring, charts, overview, texts
    assert others.strip() == "[]", "the core imported the rest of the app"


def test_the_check_sees_a_core_module_that_imports_flask(tmp_path: Path):
    (tmp_path / "careless.py").write_text("from flask import current_app\n")
    result = run_check([str(tmp_path)])
    assert result.returncode != 0
    assert "flask" in result.stderr
