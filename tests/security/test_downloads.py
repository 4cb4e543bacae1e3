"""Every download (scores as CSV and Excel, each overview table, compare's scores, the privacy
export) tells browsers and proxies to keep no copy, as the pages do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from security.conftest import sign_in_as
from selfscan.models.types import utcnow
from selfscan.programme.overview import TABLES
from selfscan.region.dashboard import DOWNLOADS

FORMATS = sorted(DOWNLOADS)


@pytest.fixture
def closed(make, world):
    """A round that has closed, so that every download has its figures to give."""
    now = utcnow()
    return make.round(
        "ronde-0",
        (world["region_a"], world["region_b"]),
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        title="Ronde 0",
    )


DOWNLOAD_PATHS = [
    *[("coordinator_a", f"/regio/regio-a/resultaten/ronde-0/scores.{fmt}") for fmt in FORMATS],
    *[("programme", f"/vergelijken/ronde-0/scores.{fmt}") for fmt in FORMATS],
    *[
        ("programme", f"/programma/overzicht/ronde-0/{table}.{fmt}")
        for table in sorted(TABLES)
        for fmt in FORMATS
    ],
]


@pytest.mark.parametrize(("identity", "path"), DOWNLOAD_PATHS)
def test_a_download_is_never_stored_by_a_cache(app: Flask, scene, closed, db, identity, path):
    client = app.test_client()
    sign_in_as(client, identity, scene, db)
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"


def test_the_privacy_export_is_never_stored_by_a_cache(app: Flask, scene, db):
    client = app.test_client()
    sign_in_as(client, "programme", scene, db)
    response = client.post("/programma/privacy/export", data={"email": scene["invitation_a"].email})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(app: Flask):
    response = app.test_client().get("/static/css/selfscan.css")
    assert response.headers["Cache-Control"] == "no-cache"
