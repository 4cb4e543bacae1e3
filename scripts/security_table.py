"""Print SECURITY.md's table of who may reach what, from the policy table in selfscan/access.py.

    .venv/bin/python scripts/security_table.py

tests/test_security_doc.py fails when SECURITY.md and POLICY differ; paste this output between
the table markers in SECURITY.md to bring them in step.
"""

from __future__ import annotations

from selfscan import create_app
from selfscan.access import POLICY


def rows() -> list[str]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})
    urls: dict[str, list[str]] = {}
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        urls.setdefault(rule.endpoint, []).append(f"`{rule.rule}`")
        methods.setdefault(rule.endpoint, set()).update(
            (rule.methods or set()) - {"HEAD", "OPTIONS"}
        )
    lines = [
        "| endpoint | access | methods | URL | what it is |",
        "|---|---|---|---|---|",
    ]
    for endpoint in sorted(POLICY, key=lambda e: (e.split(".")[0], e)):
        view = app.view_functions.get(endpoint)
        doc = (view.__doc__ or "").strip().splitlines()[0] if view and view.__doc__ else ""
        if endpoint == "static":
            doc = "The app's own CSS, JavaScript and images (no third-party requests)."
        lines.append(
            f"| `{endpoint}` | {POLICY[endpoint].value} | {', '.join(sorted(methods.get(endpoint, [])))}"
            f" | {'<br>'.join(sorted(urls.get(endpoint, [])))} | {doc.replace('|', '/')} |"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(rows()))
