"""Audit the installed Python packages for known vulnerabilities: pip-audit, with a fallback.

    .venv/bin/python scripts/audit_dependencies.py [--strict]

pip-audit asks PyPI's JSON API about each installed version (/pypi/NAME/VERSION/json). Where
that per-version API answers 404 (as it does on some mirrors and restricted networks), pip-audit
reports every package as "could not be audited" and still exits 0: an audit that checked nothing
would look clean. This script notices that and falls back to the project-level API
(/pypi/NAME/json), whose advisories describe the newest release: a package installed at its
newest release is audited that way; any other is listed as NOT audited.

Exit status: 1 when a known vulnerability is found; 0 otherwise. With --strict (or
SELFSCAN_AUDIT_STRICT=1) it is also 1 when any package could not be audited at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PYPI = "https://pypi.org/pypi"


@dataclass(frozen=True)
class Finding:
    name: str
    version: str
    advisory: str
    fixed_in: str


def pip_audit() -> dict[str, object]:
    """pip-audit's JSON report on the current environment (the project itself skipped)."""
    command = [
        str(Path(sys.executable).with_name("pip-audit")),
        "--vulnerability-service",
        "pypi",
        "--skip-editable",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if run.returncode not in (0, 1) or not run.stdout.strip():
        sys.stderr.write(run.stderr)
        raise SystemExit(f"pip-audit failed to run (exit {run.returncode})")
    return json.loads(run.stdout)


def latest_advisories(name: str) -> tuple[str, list[dict[str, object]]] | None:
    """The newest release of a project and its advisories, or None if PyPI cannot be asked."""
    url = f"{PYPI}/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:  # noqa: S310 (a fixed https URL)
            data = json.load(reply)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None
    return data["info"]["version"], data.get("vulnerabilities") or []


def main(argv: list[str]) -> int:
    strict = "--strict" in argv or os.environ.get("SELFSCAN_AUDIT_STRICT") == "1"
    report = pip_audit()
    dependencies = report["dependencies"]  # type: ignore[index]
    findings: list[Finding] = []
    audited, skipped = [], []
    for dependency in dependencies:  # type: ignore[attr-defined]
        if "skip_reason" in dependency:
            skipped.append(dependency)
            continue
        audited.append(dependency["name"])
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            findings.append(Finding(dependency["name"], dependency["version"], vuln["id"], fixed))

    fallback, not_audited = [], []
    for dependency in skipped:
        name = dependency["name"]
        version = dependency.get("version") or dependency["skip_reason"].rsplit("(", 1)[-1][:-1]
        if "editable" in dependency["skip_reason"]:
            continue
        latest = latest_advisories(name)
        if latest is None or latest[0] != version:
            newest = "PyPI unreachable" if latest is None else f"newest is {latest[0]}"
            not_audited.append(f"{name} {version} ({newest})")
            continue
        fallback.append(name)
        for vuln in latest[1]:
            if vuln.get("withdrawn"):
                continue
            fixed = ", ".join(vuln.get("fixed_in") or []) or "none yet"
            findings.append(Finding(name, version, str(vuln.get("id")), fixed))

    print(f"pip-audit audited {len(audited)} package(s) with PyPI's per-version advisories.")
    if skipped:
        print(
            f"pip-audit could not audit {len(skipped)} package(s) (PyPI's per-version JSON API "
            f"did not answer for them); {len(fallback)} of them are at their newest release and "
            "were audited with the project-level advisories instead."
        )
    if not_audited:
        print(f"NOT audited ({len(not_audited)}): " + "; ".join(sorted(not_audited)))
    for finding in findings:
        print(
            f"VULNERABLE {finding.name} {finding.version}: {finding.advisory} "
            f"(fixed in {finding.fixed_in})"
        )
    if findings:
        return 1
    print("No known vulnerabilities in the packages audited.")
    return 1 if strict and not_audited else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
