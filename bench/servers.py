"""Several app servers on one database: two gunicorn masters against one, with the load over both.

    .venv/bin/python -m bench.servers postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.servers                 SQLite (one machine only; for comparison)

It generates the benchmark's programme (bench/data.py: 40 regions x 8 rounds), then starts, on
one database with one secret key and shared rate-limit counters (Redis at 127.0.0.1:6379 when
it answers, else the database's own table):

    one server with W workers            (the same workers per server)
    one server with 2W workers           (the same workers in total)
    servers A and B with W workers each  (the load spread: half the connections on each)

and measures, with bench/run.py's wrk runs, /ping (the machine's ceiling) and each page on each
setup, one after the other: req/s, p50 and p99, errors, the share of /ping's req/s on the same
setup, and the CPU time of the workers and database backends per request, with the load average
before and after. Signed in once, on one server: the session cookies work on every server.

On a machine with 2 CPUs, two servers cannot add CPU: both masters' workers share the same two.
What this measures is that two servers share the work without contention between them (locks,
counters, each process's kept pages and figures), not that they scale; that needs machines.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench import data
from bench.run import (
    CONNECTIONS,
    Line,
    Result,
    Server,
    cpu_seconds,
    load_average,
    sign_in,
    start_gunicorn,
    warm_up,
    wrk_run,
)

REDIS = ("127.0.0.1", 6379)


@dataclass
class Measured:
    setup: str
    page: str
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    cpu_ms: float
    load_before: str
    load_after: str

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


def cpu(servers: list[Server]) -> float:
    """CPU seconds so far of every worker of the servers and of the database's backends (each
    counted once: the servers share them)."""
    pids = {pid for s in servers for pid in s.worker_pids()}
    pids |= set(servers[0].database_pids())
    return cpu_seconds(sorted(pids))


def measure(
    setup: str, servers: list[Server], page: str, lines: list[Line], folder: Path, seconds: int
) -> Measured:
    """wrk on every server at once, the connections split evenly, for `seconds`."""
    share = CONNECTIONS // len(servers)
    for server in servers:  # every worker has rendered the page once
        warm_up(server.base, lines[0])
    folders = []
    for n in range(len(servers)):
        own = folder / f"wrk-{n}"
        own.mkdir(exist_ok=True)
        folders.append(own)
    load_before = load_average()
    before = cpu(servers)
    with ThreadPoolExecutor(len(servers)) as pool:
        runs: list[Result] = list(
            pool.map(
                lambda n: wrk_run(servers[n], lines, folders[n], 1, share, seconds, page),
                range(len(servers)),
            )
        )
    used = cpu(servers) - before
    requests = sum(r.requests for r in runs)
    return Measured(
        setup=setup,
        page=page,
        requests=requests,
        seconds=max(r.seconds for r in runs),
        errors=sum(r.errors for r in runs),
        p50_ms=max(r.p50_ms for r in runs),  # the slower server's
        p99_ms=max(r.p99_ms for r in runs),
        cpu_ms=used / max(requests, 1) * 1000,
        load_before=load_before,
        load_after=load_average(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("server", nargs="?", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--regions", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2, help="W: workers per server")
    parser.add_argument("--seconds", type=int, default=10, help="per page and setup")
    parser.add_argument("--repeat", type=int, default=1, help="measure every setup this often")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian) and run again.")
    database = "PostgreSQL" if args.server else "SQLite"
    counters = "redis://{}:{}".format(*REDIS) if redis_answers() else "database"
    print(
        f"Selfscan with several app servers on {database}, {os.cpu_count()} CPUs, rate-limit "
        f"counters in {counters}, load average {load_average()} (/proc/loadavg)",
        flush=True,
    )
    settings = {
        "SELFSCAN_SECRET_KEY": secrets.token_hex(32),  # one key: sessions are signed cookies
        "SELFSCAN_RATELIMIT_STORAGE_URI": counters,
    }
    w = args.workers
    with data.throwaway_database(args.server) as url, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        dataset = data.create(url, args.regions)
        print(f"generated {data.counts(url)} in {time.perf_counter() - started:.0f} s", flush=True)
        setups: dict[str, list[Server]] = {}
        try:
            setups[f"1 server x {w} workers"] = [start_gunicorn(url, Path(folder), w, settings)]
            setups[f"1 server x {2 * w} workers"] = [
                start_gunicorn(url, Path(folder), 2 * w, settings)
            ]
            setups[f"2 servers x {w} workers"] = [
                start_gunicorn(url, Path(folder), w, settings) for _ in range(2)
            ]
            results = run(setups, dataset, args, Path(folder))
        finally:
            for servers in setups.values():
                for server in servers:
                    server.stop()
    report = print_report(results, args, database, counters)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


def run(setups: dict[str, list[Server]], dataset: data.Dataset, args, folder: Path) -> list:  # type: ignore[no-untyped-def, type-arg]
    first = next(iter(setups.values()))[0]
    sessions = sign_in(first.base, [])  # signed in on one server, sent to every server
    closed = dataset.closed_round
    compare = urlencode(
        [("round", key) for key in dataset.round_keys[-4:-1]]
        + [("region", data.BENCH_REGION), ("region", data.region_key(4)), ("pooled", "y")]
    )
    pages: dict[str, list[Line]] = {
        "/ping": [("GET", "/ping", "", "", "")],
        "region dashboard": [
            ("GET", f"/regio/{data.BENCH_REGION}/resultaten/{closed}", sessions.coordinator, "", "")
        ],
        "compare page": [("GET", f"/vergelijken?{compare}", sessions.coordinator, "", "")],
        "programme overview": [
            ("GET", f"/programma/overzicht/{closed}", sessions.programme, "", "")
        ],
    }
    results = []
    for _ in range(args.repeat):
        for page, lines in pages.items():
            for setup, servers in setups.items():  # interleaved: the load changes as one goes
                found = measure(setup, servers, page, lines, folder, args.seconds)
                print(f"  {setup:<24} {page:<20} {found.rate:>6.0f}/s", flush=True)
                results.append(found)
    return results


def print_report(results: list[Measured], args, database: str, counters: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    print()
    print(
        f"{database}, {CONNECTIONS} connections in all (split evenly over the servers), "
        f"{args.seconds} s each; share = req/s / /ping's req/s on the same setup; CPU ms = CPU\n"
        "time of the workers and database backends per request; medians over the repeats"
    )
    setups = list(dict.fromkeys(r.setup for r in results))
    pages = list(dict.fromkeys(r.page for r in results))

    def median(setup: str, page: str) -> Measured:
        runs = sorted(
            (r for r in results if r.setup == setup and r.page == page), key=lambda r: r.rate
        )
        return runs[len(runs) // 2]

    print(
        f"{'setup':<24}{'page':<20}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}"
        f"{'share':>7}{'CPU ms':>8}  load before -> after"
    )
    table = {}
    for page in pages:
        for setup in setups:
            r, ping = median(setup, page), median(setup, "/ping")
            share = r.rate / ping.rate if ping.rate else 0.0
            table.setdefault(setup, {})[page] = r.__dict__ | {"rate": r.rate, "share": share}
            print(
                f"{setup:<24}{page:<20}{r.rate:>7.0f}{r.p50_ms:>8.1f}{r.p99_ms:>8.1f}"
                f"{r.errors:>7}{share:>7.1%}{r.cpu_ms:>8.2f}  {r.load_before} -> {r.load_after}"
            )
    print()
    two = setups[-1]
    for page in pages[1:]:
        ratios = ", ".join(
            f"{median(two, page).rate / median(one, page).rate:.2f}x {one}" for one in setups[:-1]
        )
        print(f"{page}: {two} gives the req/s of {ratios}")
    print(f"load average at the end: {load_average()}")
    return {"database": database, "counters": counters, "setups": table}


if __name__ == "__main__":
    main()
