"""Static files: content-hashed URLs, a year's caching for the current hash, revalidation else."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from flask import Flask, url_for

from selfscan.infra import assets
from selfscan.infra.assets import LONG_CACHE


def _digest(app: Flask, filename: str) -> str:
    content = (Path(app.static_folder or "") / filename).read_bytes()
    return hashlib.sha256(content).hexdigest()[: assets.HASH_LENGTH]


def test_static_urls_carry_the_hash_of_the_files_content(app: Flask):
    with app.test_request_context():
        url = url_for("static", filename="css/selfscan.css")
    assert url == f"/static/css/selfscan.css?v={_digest(app, 'css/selfscan.css')}"


def test_pages_link_their_assets_by_hash(client, app: Flask):
    page = client.get("/inloggen")
    assert page.status_code == 200
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
    assert links, "the page links no static files"
    for link in links:
        path, _, query = link.partition("?v=")
        assert query == _digest(app, path.removeprefix("/static/")), link


def test_the_current_hash_is_cached_for_a_year(client, app: Flask):
    digest = _digest(app, "js/respondent.js")
    answer = client.get(f"/static/js/respondent.js?v={digest}")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == LONG_CACHE
    answer.close()


def test_an_old_or_missing_hash_is_revalidated_not_cached(client):
    for path in ("/static/js/respondent.js?v=0123456789ab", "/static/js/respondent.js"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert "immutable" not in answer.headers["Cache-Control"]
        assert "no-cache" in answer.headers["Cache-Control"]
        answer.close()


def test_a_missing_file_is_404_without_long_caching(client):
    answer = client.get("/static/js/no-such-file.js?v=0123456789ab")
    assert answer.status_code == 404
    assert answer.headers.get("Cache-Control") != LONG_CACHE


def test_a_changed_file_gets_a_new_url(app: Flask, tmp_path: Path):
    folder = tmp_path / "static"
    shutil.copytree(app.static_folder or "", folder)
    app.static_folder = str(folder)
    app.debug = True  # outside debug the hash is computed once per process
    with app.test_request_context():
        before = url_for("static", filename="css/selfscan.css")
        with (folder / "css" / "selfscan.css").open("a") as css:
            css.write("\n/* changed */\n")
        after = url_for("static", filename="css/selfscan.css")
    assert before != after
    assert after.endswith(_digest(app, "css/selfscan.css"))
