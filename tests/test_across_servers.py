"""Two app servers on one database: what one keeps stays right when the other changes the data.

Each gunicorn worker keeps results pages (selfscan.infra.pagecache) and round and region figures
(selfscan.services.scores) in its own memory, under stamps read from the database on every
request. Here two real gunicorn masters (servers A and B, one worker each, so that B's next
request reaches the process that kept the page) run on the test database with one secret key,
as two app servers behind a load balancer would. A page is loaded on B, so B keeps it; a person
changes something through A, with the app's own forms; B's next page shows the change, and
equals what A renders. The rate-limit counters are shared too: failures counted on A count on B.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from respondent_support import PRINCIPLES, item_keys
from sqlalchemy import func, text, update
from sqlmodel import select
from test_exchange import import_rows, responses_csv, row
from test_overview import ROUND_1, ROUND_1_CD
from test_page_cache import rendered_afresh, view

from conftest import PASSWORD, SECRET_KEY, close_round, login
from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.throttle import fingerprint
from selfscan.models import Organisation, Response, RoundRegion
from selfscan.models.types import utcnow
from selfscan.services import regions

REDIS_URL = "redis://127.0.0.1:6379"
DASHBOARD = "/regio/regio-a/resultaten/ronde-1"
REPORT = "/regio/regio-a/rapport/ronde-1"
OVERVIEW = "/programma/overzicht/ronde-1"
AGREED = "/regio/regio-a/rondes/ronde-1/afgesproken-positie"
COMPARE = "/vergelijken"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(database_url: str, folder: Path, name: str, **settings: str) -> Server:
    port = _free_port()
    env = {
        **os.environ,
        "SELFSCAN_DATABASE_URL": database_url,
        # One secret key on every server: sessions are signed cookies, and links and CSRF
        # tokens are signed with it too.
        "SELFSCAN_SECRET_KEY": SECRET_KEY,
        "SELFSCAN_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "SELFSCAN_BIND": f"127.0.0.1:{port}",
        "SELFSCAN_WORKERS": "1",
        "SELFSCAN_THREADS": "1",
        "SELFSCAN_MAIL_FOLDER": str(folder / f"mail-{name}"),
        **settings,
    }
    log = folder / f"gunicorn-{name}.log"
    process = subprocess.Popen(
        [Path(sys.executable).parent / "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    return Server(f"http://127.0.0.1:{port}", process, log)


def _wait(server: Server) -> None:
    for _ in range(300):
        try:
            if requests.get(server.base + "/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        if server.process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not start:\n{server.log.read_text()}")


@contextmanager
def two_servers(database_url: str, folder: Path, **settings: str) -> Iterator[tuple[Server, ...]]:
    servers = (
        _start(database_url, folder, "a", **settings),
        _start(database_url, folder, "b", **settings),
    )
    try:
        for server in servers:
            _wait(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()


@pytest.fixture
def servers(engine, database_url, tmp_path) -> Iterator[tuple[Server, Server]]:
    """Servers A and B on the test database (emptied after the test, as `engine` does)."""
    with two_servers(database_url, tmp_path) as found:
        yield found  # type: ignore[misc]


# --- people and pages ----------------------------------------------------------------------------


class Person:
    """A browser: one cookie jar, sent to either server (cookies do not depend on the port)."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.token = ""

    def sign_in(self, server: Server, email: str) -> Person:
        self.token = CSRF.search(self.http.get(server.base + "/inloggen").text).group(1)  # type: ignore[union-attr]
        answer = self.post(server, "/inloggen", {"email": email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text
        return self

    def get(self, server: Server, path: str) -> requests.Response:
        answer = self.http.get(server.base + path, allow_redirects=False, timeout=60)
        assert answer.status_code == 200, (path, answer.status_code)
        found = CSRF.search(answer.text)
        if found:
            self.token = found.group(1)
        return answer

    def post(self, server: Server, path: str, data: dict, **kwargs) -> requests.Response:
        return self.http.post(
            server.base + path,
            data={"csrf_token": self.token, **data},
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )

    def main(self, server: Server, path: str) -> str:
        """The page's content (what is kept), without the messages of the last form sent and the
        CSRF tokens, which are fresh on every request."""
        found = re.search(r"<main.*?</main>", self.get(server, path).text, re.S)
        assert found is not None
        content = re.sub(r'<div class="flashes">.*?</div>', "", found.group(0), flags=re.S)
        content = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", content)
        return re.sub(r"\s+", " ", content)


def changed(person: Person, a: Server, b: Server, path: str, before: str) -> str:
    """B's next page after a change made through A: not what B had kept, and what A renders."""
    after = person.main(b, path)
    assert after != before, f"server B still shows what it kept of {path}"
    assert after == person.main(a, path), f"server B shows {path} otherwise than server A"
    return after


def b_keeps(person: Person, a: Server, b: Server, path: str, db, region_id: int) -> str:
    """Load the page on B twice, and show that B really keeps it: a region name written into the
    database behind the app's back (its `updated_at` unchanged, so no stamp sees it) is not on
    B's page, while A renders it. Then the name is put back, also unseen."""
    first = person.main(b, path)
    assert person.main(b, path) == first
    rename = text("UPDATE region SET name = :name, updated_at = updated_at WHERE id = :id")
    db.execute(rename, {"name": "Regio Stil", "id": region_id})
    db.commit()
    try:
        assert "Regio Stil" not in person.main(b, path)
        assert "Regio Stil" in person.main(a, path)
    finally:
        db.execute(rename, {"name": "Regio A", "id": region_id})
        db.commit()
    return first


def submit_through(server: Server, token: str, spec) -> None:
    """A respondent opens their link, answers every page and submits, as a browser does."""
    person = Person()
    intro = person.http.get(f"{server.base}/i/{token}", timeout=60)
    assert intro.status_code == 200, intro.status_code
    person.token = CSRF.search(intro.text).group(1)  # type: ignore[union-attr]
    assert person.post(server, "/vragenlijst/starten", {}).status_code == 302
    for principle in PRINCIPLES:
        fields = {f"item-{key}": "5" for key in item_keys(spec, principle)}
        answer = person.post(
            server, f"/vragenlijst/{principle}", {**fields, "comment": "", "action": "next"}
        )
        assert answer.status_code == 302, answer.text
    review = person.get(server, "/vragenlijst/controleren").text
    revision = re.search(r'name="revision"[^>]*value="(\d+)"', review) or re.search(
        r'value="(\d+)"[^>]*name="revision"', review
    )
    assert revision is not None
    sent = person.post(server, "/vragenlijst/versturen", {"revision": revision.group(1)})
    assert sent.status_code == 302, sent.text


def responded(page: str) -> int:
    """How many have responded, as the participation page says."""
    found = re.search(r"(\d+) van de \d+ uitgenodigde mensen hebben gereageerd", page)
    assert found is not None
    return int(found.group(1))


# --- the data ------------------------------------------------------------------------------------


def four_regions(db, make, world) -> None:
    """Regions c and d in round 1 too, so that all regions pool at least three (rule 6)."""
    more = (make.region("regio-c", "Regio C"), make.region("regio-d", "Regio D"))
    db.add_all(RoundRegion(round_id=world["round"].id, region_id=r.id) for r in more)
    db.commit()


# --- before and when the round closes ------------------------------------------------------------


def test_a_submission_and_a_closing_round_through_a_show_on_b(servers, db, make, world):
    a, b = servers
    four_regions(db, make, world)
    import_rows(db, world["round"], ROUND_1 + ROUND_1_CD)
    _, token = make.invitation(world["round"], world["org_a"])
    coordinator = Person().sign_in(a, world["coordinator_a"].email)
    programme = Person().sign_in(a, world["programme"].email)  # signed in on A, used on B too

    # The participation page (kept) and the overview (kept) on B.
    participation = b_keeps(coordinator, a, b, DASHBOARD, db, world["region_a"].id)
    assert responded(participation) == 7
    # (k was missing from this sentence: "minstens  verstuurde reacties".)
    assert "zodra hij minstens 3 verstuurde reacties heeft" in participation
    assert "data-chart" not in participation  # no figures while the round is open (rule 8)
    overview = programme.main(b, OVERVIEW)
    assert programme.main(b, OVERVIEW) == overview

    # A respondent submits through A: one response more on B's pages.
    submit_through(a, token, make.questionnaire_spec())
    participation = changed(coordinator, a, b, DASHBOARD, participation)
    assert responded(participation) == 8
    overview = changed(programme, a, b, OVERVIEW, overview)

    # The programme team closes the round through A: B shows the released figures at once.
    programme.get(a, "/programma/rondes/ronde-1/sluiten")
    assert programme.post(a, "/programma/rondes/ronde-1/sluiten", {}).status_code == 302
    results = changed(coordinator, a, b, DASHBOARD, participation)
    assert "data-chart" in results
    assert "data-chart" in changed(programme, a, b, OVERVIEW, overview)


# --- after the round closed ----------------------------------------------------------------------


# Region a: po 4 5 3 and gemeente 2 4 5, every statement answered (kind-centraal: 23 / 6 = 3,83);
# region b: three po responses; c and d as in tests/test_overview.py.
CLOSED = [
    *(row("regio-a", "School A", "po", value) for value in "453"),
    *(row("regio-a", "Gemeente X", "gemeente", value) for value in "245"),
    *(row("regio-b", "School B", "po", "3") for _ in range(3)),
    *ROUND_1_CD,
]


@pytest.fixture
def closed(db, make, world):
    """Round 1 closed with every region shown; more people
    invited at school A than responded (so that its sector shows in the participation)."""
    four_regions(db, make, world)
    import_rows(db, world["round"], CLOSED)
    for _ in range(4):
        make.invitation(world["round"], world["org_a"])
    close_round(db, world["round"])
    return world


def test_an_agreed_position_through_a_shows_on_b(servers, db, closed):
    a, b = servers
    coordinator = Person().sign_in(a, closed["coordinator_a"].email)
    before = b_keeps(coordinator, a, b, DASHBOARD, db, closed["region_a"].id)
    assert "Voor deze ronde is nog geen gezamenlijke positie vastgelegd." in before
    report = coordinator.main(b, REPORT)

    coordinator.get(a, AGREED)
    saved = coordinator.post(
        a,
        AGREED,
        {
            "held_on": "2026-12-03",
            "sectors": ["po", "gemeente"],
            "score_kind_centraal": "3,5",
            "why_kind_centraal": "Samen zeggen we 3,5.",
        },
    )
    assert saved.status_code == 302, saved.text
    after = changed(coordinator, a, b, DASHBOARD, before)
    assert "Afgesproken in het gesprek van 3 december 2026." in after
    assert "Samen zeggen we 3,5." in changed(coordinator, a, b, REPORT, report)


def test_renames_and_a_changed_sector_through_a_show_on_b(servers, db, closed):
    a, b = servers
    coordinator = Person().sign_in(a, closed["coordinator_a"].email)
    programme = Person().sign_in(a, closed["programme"].email)
    dashboard = b_keeps(coordinator, a, b, DASHBOARD, db, closed["region_a"].id)
    overview = programme.main(b, OVERVIEW)

    # The coordinator renames their organisation and moves it to another sector.
    path = f"/regio/regio-a/organisaties/{closed['org_a'].id}"
    coordinator.get(a, path)
    saved = coordinator.post(a, path, {"name": "Kindcentrum A", "sector": "kinderopvang"})
    assert saved.status_code == 302, saved.text
    dashboard = changed(coordinator, a, b, DASHBOARD, dashboard)

    # The programme team renames the region.
    path = "/programma/regios/regio-a/bewerken"
    programme.get(a, path)
    saved = programme.post(a, path, {"name": "Regio Noord", "sharing": "private"})
    assert saved.status_code == 302, saved.text
    assert "Regio Noord" in changed(coordinator, a, b, DASHBOARD, dashboard)
    assert "Regio Noord" in changed(programme, a, b, OVERVIEW, overview)


def test_sharing_by_name_through_a_shows_on_b(servers, db, closed):
    """The compare page is not kept, but the round's figures it reads are (scores cache)."""
    a, b = servers
    coordinator_a = Person().sign_in(a, closed["coordinator_a"].email)
    coordinator_b = Person().sign_in(a, closed["coordinator_b"].email)
    page = f"{COMPARE}?round=ronde-1"
    before = coordinator_a.main(b, page)
    assert "Regio B" not in before  # region b is private

    coordinator_b.get(a, "/regio/regio-b/delen")
    saved = coordinator_b.post(a, "/regio/regio-b/delen", {"sharing": "named"})
    assert saved.status_code == 302, saved.text
    assert "Regio B" in changed(coordinator_a, a, b, page, before)


def test_figures_imported_through_a_show_on_b(servers, db, closed, tmp_path):
    """New responses in a closed round (an import): every page and kept figure on B follows."""
    a, b = servers
    coordinator = Person().sign_in(a, closed["coordinator_a"].email)
    programme = Person().sign_in(a, closed["programme"].email)
    compare = f"{COMPARE}?round=ronde-1&region=regio-a"
    pages = {
        # Kept pages (pagecache) with the region's and the round's kept figures (scores).
        DASHBOARD: b_keeps(coordinator, a, b, DASHBOARD, db, closed["region_a"].id),
        REPORT: coordinator.main(b, REPORT),
        # Not kept, but reading kept figures: the region's (region_figures) and the round's.
        AGREED: coordinator.main(b, AGREED),
        compare: coordinator.main(b, compare),
    }
    overview = programme.main(b, OVERVIEW)
    for path, page in pages.items():
        assert coordinator.main(b, path) == page, path
    # Region a's kind-centraal mean is 3,83.
    assert "3,83" in pages[DASHBOARD] and "3,83" in pages[AGREED]

    # Three more responses of region a's municipality (a released group may change by k = 3,
    # rule 8).
    upload = responses_csv([row("regio-a", "Gemeente X", "gemeente", "1")] * 3)
    programme.get(a, "/programma/import")
    preview = programme.post(
        a,
        "/programma/import",
        {"round": "ronde-1"},
        files={"file": ("antwoorden.csv", upload.encode(), "text/csv")},
    )
    errors = re.findall(r"<li>([^<]*)</li>", preview.text)
    assert preview.status_code == 200, errors
    programme.token = CSRF.search(preview.text).group(1)  # type: ignore[union-attr]
    assert programme.post(a, "/programma/import/bevestigen", {}).status_code == 302

    for path, page in pages.items():
        after = changed(coordinator, a, b, path, page)
        assert "3,83" not in after, path
    # Now (23 + 3) / 9 = 2,89.
    assert "2,89" in coordinator.main(b, DASHBOARD)
    changed(programme, a, b, OVERVIEW, overview)


# --- rate limits ---------------------------------------------------------------------------------


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


STORAGES = [
    pytest.param("database", id="database"),
    pytest.param(
        REDIS_URL,
        id="redis",
        marks=pytest.mark.skipif(
            not _redis_reachable(),
            reason="no Redis server on 127.0.0.1:6379 (start one to test the Redis counters)",
        ),
    ),
]


@pytest.mark.parametrize("storage", STORAGES)
def test_failures_counted_on_a_count_on_b(storage, engine, database_url, tmp_path, make):
    """Behind a load balancer (one proxy: SELFSCAN_PROXY_COUNT=1) each server counts the
    client's address and account where the other sees it: guesses spread over both servers
    are limited as if they went to one."""
    # An address of this test's own, so that no other counter on a shared Redis is touched.
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    headers = {"X-Forwarded-For": address}
    settings = {"SELFSCAN_RATELIMIT_STORAGE_URI": storage, "SELFSCAN_PROXY_COUNT": "1"}
    # And an account of its own.
    email = make.user(f"{uuid.uuid4().hex[:12]}@example.org").email
    try:
        with two_servers(database_url, tmp_path, **settings) as (a, b):
            person = Person()
            person.http.headers.update(headers)
            person.get(a, "/inloggen")
            # Sign-in: 5 failures per account a minute, spread over A and B.
            for server in (a, b, a, b, a):
                wrong = person.post(server, "/inloggen", {"email": email, "password": "wrong"})
                assert wrong.status_code == 400, wrong.status_code
            right = {"email": email, "password": PASSWORD}
            assert person.post(b, "/inloggen", right).status_code == 429
            assert person.post(a, "/inloggen", right).status_code == 429
            # Links that do not work: 30 per address a minute, all on A; the next on B is refused.
            guesses = [
                requests.get(f"{a.base}/i/guess-{n:03d}", headers=headers, timeout=30).status_code
                for n in range(30)
            ]
            assert guesses == [404] * 30
            refused = requests.get(f"{b.base}/i/one-more", headers=headers, timeout=30)
            assert refused.status_code == 429
            assert int(refused.headers["Retry-After"]) > 0
    finally:
        if storage.startswith("redis"):
            import redis

            connection = redis.Redis.from_url(REDIS_URL)
            keys = list(connection.scan_iter(f"*{address}*"))
            keys += list(connection.scan_iter(f"*{fingerprint(email)}*"))
            if keys:
                connection.delete(*keys)
            connection.close()


# --- clocks that differ between servers ----------------------------------------------------------


def test_an_edit_stamped_by_a_clock_behind_the_other_servers_still_shows(
    app, client, db, make, closed
):
    """Each server stamps `updated_at` with its own clock. Server B, a minute ahead, edits one
    organisation; server A then edits another, at an earlier moment by its clock: the latest
    change the stamps see stays B's, yet the page kept since must not stay."""
    login(client, closed["coordinator_a"])
    other = make.organisation(closed["region_a"], "School 2", "po")
    db.execute(
        update(Organisation)
        .where(Organisation.id == other.id)
        .values(name="School Twee", updated_at=utcnow() + timedelta(minutes=1))
    )
    db.commit()
    before = view(client, DASHBOARD)
    assert view(client, DASHBOARD) == before  # kept
    regions.update_organisation(db, closed["org_a"], name="School A", sector="kinderopvang")
    db.commit()
    after = view(client, DASHBOARD)
    assert after != before, "the kept page missed a change stamped by a slower clock"
    assert after == rendered_afresh(client, app, DASHBOARD)


def test_a_response_stamped_by_a_clock_behind_the_other_servers_still_shows(
    app, client, db, closed
):
    """The overview follows the round's responses: one submitted through server B, a minute
    ahead, then one through server A, earlier by its clock than B's."""
    login(client, closed["programme"])
    import_rows(db, closed["round"], [row("regio-a", "School A", "po", "2")], k=1)
    db.execute(
        update(Response)
        .where(Response.id == db.exec(select(func.max(Response.id))).one())
        .values(submitted_at=utcnow() + timedelta(minutes=1))
    )
    db.commit()
    before = view(client, OVERVIEW)
    assert view(client, OVERVIEW) == before  # kept
    import_rows(db, closed["round"], [row("regio-a", "School A", "po", "1")], k=1)
    after = view(client, OVERVIEW)
    assert after != before, "the kept overview missed a response stamped by a slower clock"
    assert after == rendered_afresh(client, app, OVERVIEW)
