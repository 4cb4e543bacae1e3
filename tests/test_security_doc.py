"""SECURITY.md's tables of who may reach what and of the rate limits are the code's: they
cannot drift apart, and every test SECURITY.md names exists."""

from __future__ import annotations

import importlib.util
import re

from selfscan.access import POLICY
from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.throttle import LIMITS

SECURITY_MD = PROJECT_ROOT / "SECURITY.md"
START, END = "<!-- policy-table:start -->", "<!-- policy-table:end -->"
ROW = re.compile(r"^\|\s*`(?P<endpoint>[^`]+)`\s*\|\s*(?P<access>[a-z-]+)\s*\|")
HINT = "run `.venv/bin/python scripts/security_table.py` and paste its table into SECURITY.md"


def documented() -> dict[str, str]:
    text = SECURITY_MD.read_text(encoding="utf-8")
    assert START in text and END in text, f"SECURITY.md lost its table markers; {HINT}"
    table = text.split(START, 1)[1].split(END, 1)[0]
    found: dict[str, str] = {}
    for line in table.splitlines():
        match = ROW.match(line)
        if match:
            endpoint = match["endpoint"]
            assert endpoint not in found, f"{endpoint} is in SECURITY.md's table twice"
            found[endpoint] = match["access"]
    return found


def test_every_endpoint_is_in_security_md_with_its_access_level():
    table = documented()
    missing = sorted(POLICY.keys() - table.keys())
    assert missing == [], f"SECURITY.md does not list {missing}; {HINT}"
    wrong = {e: (table[e], POLICY[e].value) for e in POLICY if table[e] != POLICY[e].value}
    assert wrong == {}, f"SECURITY.md says (documented, actual): {wrong}; {HINT}"


def test_security_md_lists_no_endpoint_that_does_not_exist():
    extra = sorted(documented().keys() - POLICY.keys())
    assert extra == [], f"SECURITY.md lists endpoints that POLICY does not: {extra}; {HINT}"


def test_every_access_level_is_explained():
    text = SECURITY_MD.read_text(encoding="utf-8")
    for level in {access.value for access in POLICY.values()}:
        assert f"**{level}**" in text, f"SECURITY.md does not explain the access level {level}"


def test_the_test_files_named_as_covering_threats_exist():
    text = SECURITY_MD.read_text(encoding="utf-8")
    named = set(re.findall(r"`(tests/[\w/]+\.py)`", text))
    assert named, "SECURITY.md names no tests"
    assert sorted(p for p in named if not (PROJECT_ROOT / p).is_file()) == []


def test_the_policy_table_is_the_one_the_script_prints():
    """Descriptions too: a route's docstring changed (what "resend" does, say) changes the table."""
    spec = importlib.util.spec_from_file_location(
        "security_table", PROJECT_ROOT / "scripts" / "security_table.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    text = SECURITY_MD.read_text(encoding="utf-8")
    table = text.split(START, 1)[1].split(END, 1)[0].strip().splitlines()
    assert table == script.rows(), HINT


LIMITS_START, LIMITS_END = "<!-- limits-table:start -->", "<!-- limits-table:end -->"
LIMIT_ROW = re.compile(
    r"^\|\s*`(?P<scope>[^`]+)`\s*\|(?P<counts>[^|]+)\|(?P<per>[^|]+)\|(?P<rates>[^|]+)\|(?P<tests>[^|]+)\|$"
)


def _test_exists(reference: str) -> bool:
    path, _, name = reference.partition("::")
    file = PROJECT_ROOT / path
    return file.is_file() and (not name or f"def {name}(" in file.read_text(encoding="utf-8"))


def test_security_md_lists_every_rate_limit_as_the_code_has_it_with_its_tests():
    text = SECURITY_MD.read_text(encoding="utf-8")
    table = text.split(LIMITS_START, 1)[1].split(LIMITS_END, 1)[0]
    rows = {m["scope"]: m for line in table.splitlines() if (m := LIMIT_ROW.match(line))}
    assert sorted(rows) == sorted(limit.scope for limit in LIMITS)
    for limit in LIMITS:
        row = rows[limit.scope]
        assert row["rates"].strip() == limit.rates, limit.scope
        assert row["counts"].strip() == limit.counts, limit.scope
        assert row["per"].strip() == limit.per, limit.scope
        tests = re.findall(r"`([^`]+)`", row["tests"])
        assert tests and all(_test_exists(t) for t in tests), f"{limit.scope}: {tests}"


def test_every_test_named_in_security_md_exists_down_to_the_function():
    text = SECURITY_MD.read_text(encoding="utf-8")
    named = set(re.findall(r"`(tests/[\w/]+\.py(?:::\w+)?)`", text))
    assert sorted(n for n in named if not _test_exists(n)) == []


def test_readme_states_the_limits_the_code_has():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    words = {"minute": "a minute", "hour": "an hour"}
    for limit in LIMITS:
        for item in limit.items:
            said = f"{item.amount} {words[item.GRANULARITY.name]}"
            assert said in readme, f"README does not say {said} for {limit.scope}"
