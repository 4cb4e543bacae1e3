"""Gunicorn with several workers under a bounded load of mixed reads and writes from
127.0.0.1: zero errors, no "database is locked", every last answer stored, one submission per
person; on PostgreSQL the workers also recover when the server drops their connections.

The load is a thread pool of real HTTP clients (requests), bounded both in time (LOAD_SECONDS)
and in requests per client (MAX_REQUESTS), so the test ends whatever the machine's speed.
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from respondent_support import PRINCIPLES, item_keys, stored
from sqlalchemy import text
from sqlmodel import func, select

from conftest import PASSWORD
from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.db import make_engine
from selfscan.models import Response

WORKERS = 4
RESPONDENTS = 12
COORDINATORS = 2
LOAD_SECONDS = 8.0
MAX_REQUESTS = 120  # per client
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
REVISION = re.compile(r'<input[^>]*name="revision"[^>]*value="(\d+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def server(engine, database_url: str, tmp_path: Path) -> Iterator[Server]:
    """gunicorn.conf.py (the production settings) with WORKERS workers on a free port."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "SELFSCAN_DATABASE_URL": database_url,
        "SELFSCAN_SECRET_KEY": "load-test-secret-key-0123456789abcdef",
        "SELFSCAN_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "SELFSCAN_BIND": f"127.0.0.1:{port}",
        "SELFSCAN_WORKERS": str(WORKERS),
        "SELFSCAN_MAIL_FOLDER": str(tmp_path / "mail"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if requests.get(f"{url}/health", timeout=10).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Server(url, log, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _csrf(page: requests.Response) -> str:
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on {page.url} ({page.status_code})"
    return match.group(1)


@dataclass
class Respondent:
    invitation_id: int
    token: str
    http: requests.Session = field(default_factory=requests.Session)
    last: dict[str, int] = field(default_factory=dict)  # principle -> last value saved
    codes: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def check(self, reply: requests.Response, *expected: int) -> requests.Response:
        self.codes[reply.status_code] += 1
        if reply.status_code not in expected:
            self.failures.append(f"{reply.request.method} {reply.url}: {reply.status_code}")
        return reply


def _start(base: str, person: Respondent) -> None:
    intro = person.check(person.http.get(f"{base}/i/{person.token}", timeout=30), 200)
    person.check(
        person.http.post(
            f"{base}/vragenlijst/starten",
            data={"csrf_token": _csrf(intro)},
            allow_redirects=False,
            timeout=30,
        ),
        302,
        303,
    )


def _answer(base: str, person: Respondent, spec: Any, deadline: float, seed: int) -> None:
    """Mixed reads and writes, one request at a time, as one person's browser would."""
    chance = random.Random(seed)
    for _ in range(MAX_REQUESTS):
        if time.monotonic() > deadline:
            return
        principle = chance.choice(PRINCIPLES)
        what = chance.random()
        if what < 0.2:
            person.check(person.http.get(f"{base}/vragenlijst/controleren", timeout=30), 200)
            continue
        page = person.check(person.http.get(f"{base}/vragenlijst/{principle}", timeout=30), 200)
        if what < 0.4:
            continue
        value = chance.randint(1, 5)
        form = {f"item-{key}": str(value) for key in item_keys(spec, principle)}
        form.update(csrf_token=_csrf(page), comment="", action="next")
        reply = person.check(
            person.http.post(
                f"{base}/vragenlijst/{principle}/automatisch-opslaan",
                data=form,
                headers={"Accept": "application/json"},
                timeout=30,
            ),
            200,
        )
        if reply.status_code == 200:
            person.last[principle] = value


def _submit(base: str, person: Respondent) -> None:
    review = person.check(person.http.get(f"{base}/vragenlijst/controleren", timeout=30), 200)
    match = REVISION.search(review.text)
    assert match, "no revision on the review page"
    person.check(
        person.http.post(
            f"{base}/vragenlijst/versturen",
            data={"csrf_token": _csrf(review), "revision": match.group(1)},
            allow_redirects=False,
            timeout=30,
        ),
        302,
        303,
    )


def _read_results(
    base: str, person: Respondent, email: str, region: str, round_key: str, deadline: float
) -> None:
    """A coordinator signs in and reads the region's pages while the respondents write."""
    login = person.check(person.http.get(f"{base}/inloggen", timeout=30), 200)
    person.check(
        person.http.post(
            f"{base}/inloggen",
            data={"csrf_token": _csrf(login), "email": email, "password": PASSWORD},
            allow_redirects=False,
            timeout=30,
        ),
        302,
        303,
    )
    pages = [
        f"/regio/{region}/",
        f"/regio/{region}/resultaten/{round_key}",
        f"/regio/{region}/rondes/{round_key}/uitnodigingen",
        "/",
    ]
    for n in range(MAX_REQUESTS):
        if time.monotonic() > deadline:
            return
        person.check(person.http.get(base + pages[n % len(pages)], timeout=30), 200)


@pytest.fixture
def cast(world, make):
    people = []
    for n in range(RESPONDENTS):
        org = world["org_a"] if n % 2 else world["org_b"]
        invitation, token = make.invitation(world["round"], org)
        people.append(Respondent(invitation.id, token))
    return {**world, "people": people, "spec": make.questionnaire_spec()}


def test_mixed_load_on_several_workers_gives_no_errors_and_loses_nothing(server, cast, db):
    base, people, spec = server.url, cast["people"], cast["spec"]
    for person in people:
        _start(base, person)
    readers = [
        (
            Respondent(0, ""),
            cast[f"coordinator_{side}"].email,
            cast[f"region_{side}"].key,
            cast["round"].key,
        )
        for side in ("a", "b")
    ][:COORDINATORS]
    deadline = time.monotonic() + LOAD_SECONDS
    with ThreadPoolExecutor(max_workers=RESPONDENTS + COORDINATORS) as pool:
        futures = [
            pool.submit(_answer, base, person, spec, deadline, seed)
            for seed, person in enumerate(people)
        ] + [pool.submit(_read_results, base, *reader, deadline) for reader in readers]
        for future in futures:
            future.result(timeout=LOAD_SECONDS + 120)
    with ThreadPoolExecutor(max_workers=RESPONDENTS) as pool:
        for future in [pool.submit(_submit, base, person) for person in people]:
            future.result(timeout=120)

    everyone = people + [reader for reader, *_ in readers]
    failures = [failure for person in everyone for failure in person.failures]
    assert failures == []
    total = sum(sum(person.codes.values()) for person in everyone)
    assert total > 100, f"only {total} requests: the load did not run"
    log = server.log_text()
    assert "database is locked" not in log
    assert "Traceback" not in log
    assert '" 500 ' not in log

    # Every person's last saved page is what the database holds, and each submitted once.
    for person in people:
        answers = stored(db, person.invitation_id)
        for principle, value in person.last.items():
            for key in item_keys(spec, principle):
                assert answers[key] == (value, False, False), (person.invitation_id, key)
    statuses = db.exec(select(Response.status, func.count()).group_by(Response.status)).all()
    assert statuses == [("submitted", RESPONDENTS)]


def test_workers_recover_when_postgresql_drops_their_connections(server, cast, database_url: str):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server connections to drop")
    base = server.url
    # Warm every worker's pool, so that each holds connections the server will kill.
    for _ in range(4 * WORKERS):
        assert requests.get(f"{base}/health", timeout=10).status_code == 200
    killer = make_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as connection:
            killed = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        killer.dispose()
    assert killed >= 1
    person = cast["people"][0]
    _start(base, person)  # reads and writes after the drop
    for _ in range(4 * WORKERS):
        assert requests.get(f"{base}/health", timeout=10).status_code == 200
    assert person.failures == []
    assert "Traceback" not in server.log_text()
