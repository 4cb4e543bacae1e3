"""SECURITY.md's table of who may reach what is the policy table: they cannot drift apart."""

from __future__ import annotations

import re

from selfscan.access import POLICY
from selfscan.infra.config import PROJECT_ROOT

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
