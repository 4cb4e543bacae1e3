"""Selfscan's benchmark: programme-scale data, gunicorn with 2 workers, wrk at 50 connections.

    .venv/bin/python -m bench.run                  SQLite (a throwaway file)
    .venv/bin/python -m bench.run postgresql+psycopg://postgres@127.0.0.1:5432/postgres
                                                   a throwaway database on that server

It generates 40 regions x 30 submitted responses x 8 rounds (the last open), starts gunicorn
(gunicorn.conf.py, 2 workers) on a free 127.0.0.1 port, signs in and opens personal links with
real requests, and measures with wrk: the hello-world route /ping (the machine's ceiling), a
questionnaire page, an autosave, the region dashboard, the compare page, the programme overview
and the region report page. Then one region's report as a PDF (one request at a time: median
and p95), the ZIP of every region's report of a closed round made by `selfscan reports zip`
(its time and peak memory), page weights, 200 respondents saving for 60 s (a client of its own,
see `crowd_run`), the dashboard with 4x and 16x the regions, and the memory of each worker.
Needs Debian's `wrk` (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import requests
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from bench import compare, data
from selfscan.infra.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "requests.lua"
FIRST_PRINCIPLE = "kind-centraal"
CONNECTIONS = 50
RESPONDENTS = 200
TARGETS = {  # page -> (least share of hello-world throughput, highest p99 in ms)
    "questionnaire page": (0.15, None),
    "autosave": (0.15, None),
    "region dashboard": (0.10, None),
    # Issue 18: the compare page >= 15 % for the default selection and 3 x 5 x sectors.
    "compare page, default": (0.15, None),
    "compare page, 3x5x sectors": (0.15, None),
    "programme overview": (None, 300),
    "programme overview, 1 connection": (None, 300),
    # Issue 18: "a region report page < 100 ms when nothing changed" (a kept page), one at a time.
    "region report page, 1 connection": (None, 100),
}
PDF_SECONDS = 2.0  # one region's PDF (issue 18)
ZIP_SECONDS = 60.0  # the ZIP of 40 regions' PDFs on 2 CPUs (issue 18)


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    cpu_ms: float  # CPU time of the workers (and database backends) per request

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (/proc/loadavg): how much else ran on the CPUs."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Timings:
    """Requests made one at a time: the first (its worker's first PDF) apart, then the rest."""

    first_s: float
    seconds: list[float]
    cpu_s: float  # CPU time of the workers over the measured requests
    load_before: str
    load_after: str

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95_s(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@dataclass
class Bundle:
    """One run of `selfscan reports zip`: its wall time, CPU time and peak memory."""

    regions: int
    reports: int
    seconds: float
    cpu_s: float
    peak_mb: float
    size_mb: float
    load_before: str
    load_after: str


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def database_pids(url: str) -> list[int]:
    """PostgreSQL's backends serving this database (SQLite runs inside the workers)."""
    if url.startswith("sqlite"):
        return []
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        pids = connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalars()
        found = list(pids)
    engine.dispose()
    return found


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path
    url: str

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def database_pids(self) -> list[int]:
        return database_pids(self.url)

    def cpu(self) -> float:
        """CPU seconds used so far by the workers and the database backends serving them."""
        return cpu_seconds(self.worker_pids() + self.database_pids())

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each gunicorn worker (the master's children)."""
        out = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(line) / 1024 for line in out.split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@dataclass
class Sessions:
    programme: str
    coordinator: str
    respondents: list[tuple[str, str, list[str]]] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("server", nargs="?", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--regions", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=10, help="per page at 50 connections")
    parser.add_argument("--respondent-seconds", type=int, default=60)
    parser.add_argument(
        "--think-ms",
        type=int,
        default=5000,
        help="the respondents' time between two saves (0: save again at once)",
    )
    parser.add_argument("--scales", default="1,4,16", help="region multiples for the dashboard")
    parser.add_argument(
        "--pdf-requests", type=int, default=10, help="one region's PDF, one at a time"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian) and run again.")
    database = "PostgreSQL" if args.server else "SQLite"
    print(
        f"Selfscan benchmark on {database}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} (anything above 0 shares the CPUs with the measurement)",
        flush=True,
    )
    with data.throwaway_database(args.server) as url, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        dataset = data.create(url, args.regions)
        links = data.respondent_links(url, dataset.open_round, RESPONDENTS)
        print(f"generated {data.counts(url)} in {time.perf_counter() - started:.0f} s", flush=True)
        server = start_gunicorn(url, Path(folder))
        try:
            report = run(server, dataset, links, args, Path(folder), url)
        finally:
            server.stop()
        report["database"] = database
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (/proc/loadavg {load_average()})")
        if args.json:
            args.json.write_text(json.dumps(report, indent=2))


def run(
    server: Server, dataset: data.Dataset, links: list[str], args, folder: Path, url: str
) -> dict:  # type: ignore[no-untyped-def]
    sessions = sign_in(server.base, links)
    respondent = sessions.respondents[0]
    open_round, closed_round = dataset.open_round, dataset.closed_round
    pages = {
        "hello-world /ping": [("GET", "/ping", "", "", "")],
        "questionnaire page": [("GET", f"/vragenlijst/{FIRST_PRINCIPLE}", respondent[0], "", "")],
        "autosave": autosave_lines(sessions.respondents[:CONNECTIONS]),
        "region dashboard": [
            (
                "GET",
                f"/regio/{data.BENCH_REGION}/resultaten/{closed_round}",
                sessions.coordinator,
                "",
                "",
            )
        ],
        "participation page": [
            (
                "GET",
                f"/regio/{data.BENCH_REGION}/resultaten/{open_round}",
                sessions.coordinator,
                "",
                "",
            )
        ],
        **{
            name: [("GET", compare.path(query), sessions.coordinator, "", "")]
            for name, query in compare.selections(dataset).items()
        },
        "programme overview": [
            ("GET", f"/programma/overzicht/{closed_round}", sessions.programme, "", "")
        ],
        "region report page": [
            (
                "GET",
                f"/regio/{data.BENCH_REGION}/rapport/{closed_round}",
                sessions.coordinator,
                "",
                "",
            )
        ],
    }
    for name, lines in pages.items():
        check(server.base, lines[0], name)
    results = {}
    for name, lines in pages.items():
        wrk_run(server, lines, folder, 2, CONNECTIONS, 2)  # warm up both workers
        results[name] = wrk_run(server, lines, folder, 2, CONNECTIONS, args.seconds, name)
        print(f"  measured {name}: {results[name].rate:.0f}/s", flush=True)
    # The programme team is a handful of people: the overview also with one of them at a time.
    overview = pages["programme overview"]
    results["programme overview, 1 connection"] = wrk_run(
        server, overview, folder, 1, 1, args.seconds, "overview alone"
    )
    # A coordinator opening the report: one request at a time, the page kept since the runs above.
    results["region report page, 1 connection"] = wrk_run(
        server, pages["region report page"], folder, 1, 1, args.seconds, "report alone"
    )
    pdf = pdf_run(
        server,
        f"/regio/{data.BENCH_REGION}/rapport/{closed_round}.pdf",
        sessions.coordinator,
        args.pdf_requests,
    )
    print(f"  measured one region's PDF: median {pdf.median_s:.2f} s", flush=True)
    # Before the dashboard's scaling adds regions: the closed round has its 40 regions.
    bundle = zip_run(url, closed_round, folder)
    print(f"  measured the ZIP of {bundle.reports} reports: {bundle.seconds:.0f} s", flush=True)
    weights = {
        name: page_weight(server.base, lines[0][1], lines[0][2])
        for name, lines in pages.items()
        if lines[0][0] == "GET" and name != "hello-world /ping"
    }
    weights["respondent: intro"] = page_weight(server.base, "/vragenlijst", respondent[0])
    weights["respondent: review"] = page_weight(
        server.base, "/vragenlijst/controleren", respondent[0]
    )
    crowd = crowd_run(
        server,
        autosave_lines(sessions.respondents),
        RESPONDENTS,
        args.respondent_seconds,
        args.think_ms,
        f"{RESPONDENTS} respondents saving",
    )
    print(f"  measured {RESPONDENTS} respondents: {crowd.rate:.0f}/s", flush=True)
    weights["respondent: own profile"] = profile_weight(server.base, sessions.respondents[-1])
    rss_after_load = server.worker_rss_mb()
    scaling = dashboard_scaling(server, pages["region dashboard"], folder, url, args)
    rss_end = server.worker_rss_mb()
    report = print_report(results, weights, crowd, rss_after_load, rss_end, scaling, args.think_ms)
    return report | print_reports(pdf, bundle)


# --- the server and the sessions -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(url: str) -> dict[str, str]:
    """The environment the app (gunicorn, or the `selfscan` command) runs with."""
    return {
        **os.environ,
        "SELFSCAN_DATABASE_URL": url,
        "SELFSCAN_SECRET_KEY": secrets.token_hex(32),
        "SELFSCAN_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
    }


def start_gunicorn(
    url: str, folder: Path, workers: int = 2, settings: dict[str, str] | None = None
) -> Server:
    """gunicorn on a free port; `settings` adds to or replaces the app's environment (several
    app servers share one SELFSCAN_SECRET_KEY: bench/servers.py)."""
    port = free_port()
    env = {
        **app_env(url),
        "SELFSCAN_BIND": f"127.0.0.1:{port}",
        "SELFSCAN_WORKERS": str(workers),
        "SELFSCAN_THREADS": "1",
        **(settings or {}),
    }
    log = folder / f"gunicorn-{port}.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--error-logfile", str(log), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the access log: written as in production, not kept
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if requests.get(f"{base}/ping", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        process.kill()
        sys.exit(f"gunicorn did not start; see its log:\n{log.read_text()}")
    time.sleep(1)  # let the second worker come up too
    return Server(base, process, log, url)


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def sign_in_account(base: str, email: str) -> str:
    """A real sign-in with the benchmark's password; the session's cookie header."""
    s = requests.Session()
    token = CSRF.search(s.get(f"{base}/inloggen").text).group(1)  # type: ignore[union-attr]
    answer = s.post(
        f"{base}/inloggen",
        data={"email": email, "password": data.PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        sys.exit(f"signing in as {email} failed: {answer.status_code}")
    return cookie_header(s)


def sign_in(base: str, links: list[str]) -> Sessions:
    """Real sign-ins and link exchanges, as browsers would do them; their cookies for wrk."""
    sessions = Sessions(
        sign_in_account(base, data.PROGRAMME_EMAIL), sign_in_account(base, data.COORDINATOR_EMAIL)
    )
    for link in links:
        s = requests.Session()
        intro = s.get(f"{base}/i/{link}")
        token = CSRF.search(intro.text).group(1)  # type: ignore[union-attr]
        s.post(f"{base}/vragenlijst/starten", data={"csrf_token": token})
        page = s.get(f"{base}/vragenlijst/{FIRST_PRINCIPLE}").text
        items = sorted(set(re.findall(r'name="(item-[^"]+)"', page)))
        sessions.respondents.append((cookie_header(s), token, items))
    return sessions


Line = tuple[str, str, str, str, str]


def autosave_lines(respondents: list[tuple[str, str, list[str]]]) -> list[Line]:
    """Two autosaves per respondent with different answers, so that every save changes rows."""
    rng = random.Random(1)
    path = f"/vragenlijst/{FIRST_PRINCIPLE}/automatisch-opslaan"
    lines = []
    for round_ in range(2):
        for cookie, token, items in respondents:
            fields = [("csrf_token", token)]
            for item in items:
                fields.append((item, rng.choice(["1", "2", "3", "4", "5", "nvt"])))
            if round_:
                fields.append(("comment", "Goed dat we dit samen bespreken."))
            lines.append(("POST", path, cookie, token, urlencode(fields)))
    return lines


def check(base: str, line: Line, name: str) -> None:
    """Each measured request must succeed, or the figures would measure an error page."""
    method, path, cookie, token, body = line
    answer = requests.request(
        method,
        base + path,
        data=body or None,
        headers={
            **line_headers(cookie),
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json" if method == "POST" else "text/html",
        },
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 200:
        sys.exit(f"{name}: {method} {path} answered {answer.status_code}, not 200")


def wrk_run(
    server: Server,
    lines: list[Line],
    folder: Path,
    threads: int,
    connections: int,
    seconds: int,
    name: str = "",
) -> Result:
    base = server.base
    cpu_before = server.cpu()
    listing = folder / "requests.tsv"
    listing.write_text("".join("\t".join(line) + "\n" for line in lines))
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            base,
            "--",
            str(listing),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    drain(base)
    cpu = server.cpu() - cpu_before
    figures = json.loads(out.strip().splitlines()[-1])
    errors = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        name=name,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        errors=errors,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        mean_ms=figures["mean_us"] / 1000,
        cpu_ms=cpu / max(figures["requests"], 1) * 1000,
    )


def crowd_run(
    server: Server, lines: list[Line], people: int, seconds: int, think_ms: int, name: str
) -> Result:
    """`people` respondents for `seconds`: each saves, thinks about `think_ms` (half to one and
    a half times), and saves again, on a new connection opened when the save is sent.

    Not wrk: its think time (`delay()`) is spent on a connection already open, and a sync
    gunicorn worker that has accepted that connection waits on it, idle, until the request
    comes. In production a buffering reverse proxy (nginx, see the README) hands gunicorn only
    complete requests, so a person's pause never holds a worker; this client behaves the same.
    """
    host, port = server.base.removeprefix("http://").rsplit(":", 1)
    own_lines = [lines[i::people] for i in range(people)]  # autosave_lines: 2 per person
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def save(line: Line) -> bool:
        method, path, cookie, token, body = line
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={
                    "Cookie": cookie,
                    "X-CSRFToken": token,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
            )
            answer = connection.getresponse()
            answer.read()
            return answer.status == 200
        except OSError:  # refused, reset or timed out
            return False
        finally:
            connection.close()

    def person(mine: list[Line]) -> None:
        nonlocal errors
        rng = random.Random()
        time.sleep(rng.uniform(0, think_ms / 1000))  # people arrive spread out
        for count in itertools.count():
            begun = time.perf_counter()
            if begun >= deadline:
                return
            ok = save(mine[count % len(mine)])
            took = time.perf_counter() - begun
            with lock:
                if ok:
                    latencies.append(took)
                else:
                    errors += 1
            time.sleep(rng.uniform(think_ms / 2000, think_ms * 3 / 2000))

    cpu_before = server.cpu()
    with ThreadPoolExecutor(people) as pool:
        list(pool.map(person, own_lines))
    elapsed = time.perf_counter() - started
    drain(server.base)
    cpu = server.cpu() - cpu_before
    ordered = sorted(latencies) or [0.0]

    def percentile(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return Result(
        name=name,
        requests=len(latencies) + errors,
        seconds=elapsed,
        errors=errors,
        p50_ms=percentile(0.50),
        p99_ms=percentile(0.99),
        mean_ms=sum(ordered) / len(ordered) * 1000,
        cpu_ms=cpu / max(len(latencies) + errors, 1) * 1000,
    )


def warm_up(base: str, line: Line) -> None:
    """A few requests at once, without wrk's time limit, so that both workers have summed the
    grown round once (that first view costs the whole round; later ones only the region)."""
    _, path, cookie, _, _ = line
    headers = line_headers(cookie)
    with ThreadPoolExecutor(4) as pool:
        for answer in pool.map(
            lambda _: requests.get(base + path, headers=headers, timeout=600), range(4)
        ):
            answer.raise_for_status()


def line_headers(cookie: str) -> dict[str, str]:
    """A line's third field as headers: a session's cookie, or "Bearer <token>" for the API,
    either after "gzip " for Accept-Encoding: gzip (as bench/requests.lua sends them)."""
    headers = {}
    if cookie.startswith("gzip "):
        headers["Accept-Encoding"] = "gzip"
        cookie = cookie.removeprefix("gzip ")
    headers["Authorization" if cookie.startswith("Bearer ") else "Cookie"] = cookie
    return headers


def drain(base: str) -> None:
    """Wait until gunicorn has worked off what wrk left queued (it answers requests whose
    client has gone), so that one measurement does not eat into the next."""
    for _ in range(600):
        started = time.perf_counter()
        try:
            requests.get(f"{base}/ping", timeout=30)
        except requests.RequestException:
            continue
        if time.perf_counter() - started < 0.25:  # a queue of 50 pages takes seconds
            return
        time.sleep(0.2)


# --- the region reports ----------------------------------------------------------------------


def pdf_run(server: Server, path: str, cookie: str, count: int) -> Timings:
    """One region's report as a PDF, `count` times one after the other (after a first one)."""
    load_before = load_average()

    def fetch() -> float:
        started = time.perf_counter()
        answer = requests.get(server.base + path, headers={"Cookie": cookie}, timeout=120)
        took = time.perf_counter() - started
        if answer.status_code != 200 or not answer.content.startswith(b"%PDF"):
            sys.exit(f"region report PDF: GET {path} answered {answer.status_code}, not a PDF")
        return took

    first = fetch()
    cpu_before = server.cpu()
    seconds = [fetch() for _ in range(max(count, 1))]
    return Timings(first, seconds, server.cpu() - cpu_before, load_before, load_average())


def zip_run(url: str, round_key: str, folder: Path) -> Bundle:
    """`selfscan reports zip` for the round, as the programme team would run it: wall time, and
    CPU time and peak resident memory of that process, from the kernel (wait4's rusage)."""
    target = folder / "reports.zip"
    log = folder / "reports-zip.log"
    command = Path(sys.executable).parent / "selfscan"
    load_before = load_average()
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(command), "reports", "zip", "--round", round_key, "--output", str(target)],
            cwd=ROOT,
            env=app_env(url),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"selfscan reports zip failed ({process.returncode}):\n{log.read_text()}")
    with zipfile.ZipFile(target) as bundle:
        names = bundle.namelist()
    engine = make_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        regions = connection.execute(
            text(
                "SELECT count(*) FROM round_region JOIN round ON round.id = round_region.round_id "
                "WHERE round.key = :key"
            ),
            {"key": round_key},
        ).scalar_one()
    engine.dispose()
    return Bundle(
        regions=regions,
        reports=sum(name.endswith(".pdf") for name in names),
        seconds=seconds,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        size_mb=target.stat().st_size / 1024 / 1024,
        load_before=load_before,
        load_after=load_average(),
    )


# --- page weight -----------------------------------------------------------------------------


class Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "stylesheet" and a.get("href"):
            self.css.append(a["href"])  # type: ignore[arg-type]
        if tag == "script" and a.get("src"):
            self.js.append(a["src"])  # type: ignore[arg-type]


@dataclass
class Weight:
    html: int
    css: int
    js: int
    cached: bool  # every asset hashed and served with a year's immutable caching
    charts: bool  # loads the chart library

    @property
    def total(self) -> int:
        return self.html + self.css + self.js


def profile_weight(base: str, respondent: tuple[str, str, list[str]]) -> Weight:
    """Submit one respondent's answers and weigh the profile page they then see."""
    cookie, token, _ = respondent
    headers = {"Cookie": cookie}
    review = requests.get(f"{base}/vragenlijst/controleren", headers=headers, timeout=60).text
    revision = re.search(r'name="revision"[^>]*value="(\d+)"', review)
    if revision is None:
        revision = re.search(r'value="(\d+)"[^>]*name="revision"', review)
    answer = requests.post(
        f"{base}/vragenlijst/versturen",
        data={"csrf_token": token, "revision": revision.group(1)},  # type: ignore[union-attr]
        headers=headers,
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302:
        sys.exit(f"submitting a respondent's answers failed: {answer.status_code}")
    return page_weight(base, "/vragenlijst/profiel", cookie)


def gz(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def page_weight(base: str, path: str, cookie: str) -> Weight:
    """The page and the CSS and JS it loads, each gzipped as a reverse proxy would send it."""
    headers = {"Cookie": cookie}
    html = requests.get(base + path, headers=headers, timeout=60)
    parser = Assets()
    parser.feed(html.text)
    cached = True
    sizes = {"css": 0, "js": 0}
    for kind, urls in (("css", parser.css), ("js", parser.js)):
        for asset in urls:
            answer = requests.get(base + asset, timeout=60)
            sizes[kind] += gz(answer.content)
            control = answer.headers.get("Cache-Control", "")
            cached = cached and "immutable" in control and "v=" in asset
    charts = any("plotly" in url for url in parser.js)
    return Weight(gz(html.content), sizes["css"], sizes["js"], cached, charts)


# --- the dashboard as the database grows -----------------------------------------------------


def dashboard_scaling(
    server: Server, lines: list[Line], folder: Path, url: str, args
) -> dict[int, Result]:  # type: ignore[no-untyped-def]
    """The dashboard's time per request (one connection) and throughput at 1x, 4x, 16x regions."""
    scales = [int(s) for s in args.scales.split(",") if s]
    engine = make_engine(url)
    found = {}
    regions = args.regions
    for scale in scales:
        wanted = args.regions * scale
        if wanted > regions:
            started = time.perf_counter()
            data.add_regions(engine, regions, wanted - regions)
            print(
                f"  grew to {wanted} regions in {time.perf_counter() - started:.0f} s", flush=True
            )
            regions = wanted
        warm_up(server.base, lines[0])
        one = wrk_run(server, lines, folder, 1, 1, 5, f"{scale}x")
        many = wrk_run(server, lines, folder, 2, CONNECTIONS, 5, f"{scale}x")
        found[scale] = (one, many)
        print(
            f"  dashboard at {wanted} regions: {one.mean_ms:.1f} ms, {many.rate:.0f}/s", flush=True
        )
    engine.dispose()
    return found


# --- the report ------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_report(results, weights, crowd, rss_load, rss_end, scaling, think_ms) -> dict:  # type: ignore[no-untyped-def]
    ping = results["hello-world /ping"]
    print()
    print(
        "share = req/s as a share of /ping's req/s in this run; CPU share = /ping's CPU time per\n"
        "request (workers + database) / the page's, what the share would be on an idle machine"
    )
    print(
        f"{'page':<34}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'share':>7}"
        f"{'CPU ms':>8}{'CPU share':>10}  target"
    )
    for name, r in results.items():
        share, cpu_share = r.rate / ping.rate, ping.cpu_ms / r.cpu_ms
        least, p99 = TARGETS.get(name, (None, None))
        verdict = ""
        if least is not None:
            verdict = (
                f">= {least:.0%}: {_verdict(share >= least)} measured, "
                f"{_verdict(cpu_share >= least)} by CPU"
            )
        if p99 is not None:
            verdict = f"p99 < {p99} ms: {_verdict(r.p99_ms < p99)}"
        print(
            f"{name:<34}{r.rate:>7.0f}{r.p50_ms:>8.1f}{r.p99_ms:>8.1f}{r.errors:>7}{share:>7.1%}"
            f"{r.cpu_ms:>8.2f}{cpu_share:>10.1%}  {verdict}"
        )
    print()
    print(
        f"{'page weight (gzipped)':<28}{'HTML KB':>9}{'CSS KB':>9}{'JS KB':>9}{'total KB':>10}  hashed+cached  target"
    )
    for name, w in weights.items():
        if name.startswith(("questionnaire", "respondent")):
            target = f"<= 60 KB, no charts: {_verdict(w.total <= 60 * 1024 and not w.charts)}"
        else:
            target = f"CSS+JS <= 500 KB: {_verdict(w.css + w.js <= 500 * 1024)}"
        print(
            f"{name:<28}{w.html / 1024:>9.1f}{w.css / 1024:>9.1f}{w.js / 1024:>9.1f}"
            f"{w.total / 1024:>10.1f}  {'yes' if w.cached else 'NO':<13}  {target}"
        )
    print()
    print(
        f"{RESPONDENTS} respondents saving for {crowd.seconds:.0f} s, about {think_ms} ms "
        f"between two saves of one person: {crowd.requests} saves, "
        f"{crowd.rate:.0f}/s, p50 {crowd.p50_ms:.0f} ms, p99 {crowd.p99_ms:.0f} ms, "
        f"{crowd.errors} errors, {crowd.cpu_ms:.2f} ms CPU per save "
        f"(target: 0 errors, p99 < 500 ms: {_verdict(crowd.errors == 0 and crowd.p99_ms < 500)})"
    )
    print()
    if scaling:
        first_ms = next(iter(scaling.values()))[0].mean_ms
        first_cpu = next(iter(scaling.values()))[0].cpu_ms
        print(
            f"{'dashboard':<10}{'ms/request':>11}{'vs 1x':>7}{'CPU ms':>8}{'vs 1x':>7}"
            f"{'req/s at 50':>13}  (one connection, then 50)"
        )
        for scale, (one, many) in scaling.items():
            print(
                f"{str(scale) + 'x':<10}{one.mean_ms:>11.1f}{one.mean_ms / first_ms:>7.2f}"
                f"{one.cpu_ms:>8.2f}{one.cpu_ms / first_cpu:>7.2f}{many.rate:>13.0f}"
            )
        print()
    print(
        "RSS per worker: "
        + ", ".join(f"{mb:.0f} MB" for mb in rss_load)
        + " after the respondents' run; "
        + ", ".join(f"{mb:.0f} MB" for mb in rss_end)
        + " at the end (target < 200 MB, issue 18; the workers have made PDFs by then)"
    )
    return {
        "pages": {
            n: r.__dict__
            | {"rate": r.rate, "share": r.rate / ping.rate, "cpu_share": ping.cpu_ms / r.cpu_ms}
            for n, r in results.items()
        },
        "weights": {n: w.__dict__ for n, w in weights.items()},
        "respondents": crowd.__dict__ | {"rate": crowd.rate},
        "dashboard_scaling": {
            s: {"ms": one.mean_ms, "cpu_ms": one.cpu_ms, "rate": many.rate}
            for s, (one, many) in scaling.items()
        },
        "rss_mb": {"after_load": rss_load, "end": rss_end},
    }


def print_reports(pdf: Timings, bundle: Bundle) -> dict:  # type: ignore[type-arg]
    """The region report's PDF and the round's ZIP, with issue 18's targets."""
    print()
    print(
        f"one region's report PDF, {len(pdf.seconds)} requests one at a time: median "
        f"{pdf.median_s:.2f} s, p95 {pdf.p95_s:.2f} s, CPU {pdf.cpu_s / len(pdf.seconds):.2f} s "
        f"each (the first, before them: {pdf.first_s:.2f} s); target < {PDF_SECONDS:.0f} s: "
        f"{_verdict(pdf.p95_s < PDF_SECONDS)} at p95, {_verdict(pdf.median_s < PDF_SECONDS)} "
        f"at the median (load {pdf.load_before} before, {pdf.load_after} after)"
    )
    print(
        f"selfscan reports zip, {bundle.reports} PDFs of {bundle.regions} regions: "
        f"{bundle.seconds:.1f} s, CPU {bundle.cpu_s:.1f} s, peak memory {bundle.peak_mb:.0f} MB, "
        f"{bundle.size_mb:.1f} MB written; target < {ZIP_SECONDS:.0f} s on 2 CPUs: "
        f"{_verdict(bundle.seconds < ZIP_SECONDS and bundle.reports == bundle.regions)} "
        f"(load {bundle.load_before} before, {bundle.load_after} after)"
    )
    return {
        "report_pdf": pdf.__dict__ | {"median_s": pdf.median_s, "p95_s": pdf.p95_s},
        "reports_zip": bundle.__dict__,
    }


if __name__ == "__main__":
    main()
