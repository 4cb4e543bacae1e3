"""Ten years of the programme (issue 18): 400 regions x 20 rounds x 30 respondents.

    .venv/bin/python -m bench.tenyear                  SQLite (kept in instance/bench/)
    .venv/bin/python -m bench.tenyear postgresql+psycopg://postgres@127.0.0.1:5432/postgres
                                                       a database of its own on that server

Builds the data set once (bench/tenyear_data.py; kept between runs while its VERSION is the
same) and the same shape with 40 regions, keeps the released rounds' sums in the database as
the worker would (selfscan.services.region_sums; timed), starts gunicorn on each as bench.run
does (2 sync workers) and measures with wrk, with the load average beside every figure:

- the first region dashboard and the first programme overview after a restart (a fresh
  gunicorn: nothing kept in the workers), each on a gunicorn of its own, `--restarts` times
  (3 unless told) in turn: target < 1 s for the slowest;
- the programme overview and the compare page at 50 connections: target p99 < 300 ms;
- the region dashboard, one request at a time, at 400 and at 40 regions, the two servers in
  turn: target <= 1.5x its time at 40 regions (wall time and the workers' CPU time);
- a region's path over all rounds (`/regio/<r>/pad`) and the API's figures of one round
  (`/api/v1/rounds/<round>/figures`, the programme team's token) at 50 connections: >= 10 % of
  /ping;
- the resident memory of each worker at the end: target < 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench import data
from bench import tenyear_data as tenyear
from bench.run import (
    CONNECTIONS,
    Line,
    Result,
    Server,
    check,
    load_average,
    sign_in,
    start_gunicorn,
    warm_up,
    wrk_run,
)

FIRST_MS = 1000  # the first dashboard and overview after a restart
P99_MS = 300  # overview and compare page at 50 connections
DASHBOARD_RATIO = 1.5  # the dashboard at 400 regions against 40
PATH_SHARE = 0.10  # a region's path, as a share of /ping's throughput
RSS_MB = 200
PING = "hello-world /ping"
TURNS = 3  # the dashboard at 400 and at 40 regions, measured in turn
STEADY_TIMEOUT = 600  # gunicorn's worker timeout (s) for the steady-state measurements


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("server", nargs="?", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--regions", type=int, default=tenyear.REGIONS)
    parser.add_argument("--baseline-regions", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=10, help="per page at 50 connections")
    parser.add_argument(
        "--restarts", type=int, default=3, help="first views after a restart, per page"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian) and run again.")
    database = "PostgreSQL" if args.server else "SQLite"
    print(
        f"Selfscan, ten years of the programme, on {database}, {os.cpu_count()} CPUs, "
        f"load average {load_average()}",
        flush=True,
    )
    report: dict = {"database": database, "load_start": load_average()}
    sets = {}
    for regions in (args.regions, args.baseline_regions):
        url, took = tenyear.kept_database(args.server, regions)
        found = data.counts(url)
        size = tenyear.size_mb(url)
        sets[regions] = url
        how = f"generated in {took:.0f} s" if took is not None else "kept from an earlier run"
        print(
            f"{regions} regions: {found}, {size:.0f} MB, {how} (load {load_average()})",
            flush=True,
        )
        written, summing = data.keep_sums(url)
        print(
            f"  released rounds' sums kept in the database: {written} region-rounds written "
            f"in {summing:.1f} s (load {load_average()})",
            flush=True,
        )
        report[f"set_{regions}"] = {
            "counts": found,
            "size_mb": size,
            "generated_s": took,
            "sums_written": written,
            "sums_s": summing,
        }
    API_TOKENS[:] = tenyear.api_tokens(sets[args.regions], TOKENS)
    with tempfile.TemporaryDirectory() as folder:
        report |= measure(sets[args.regions], sets[args.baseline_regions], Path(folder), args)
    report["load_end"] = load_average()
    print(f"load average at the end: {report['load_end']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


def pages(coordinator: str, programme: str, rounds: list[str]) -> dict[str, list[Line]]:
    """The requests measured, as bench.run writes them for wrk."""
    closed = rounds[-2]  # the latest closed round: its figures are released (rule 8)
    compare = urlencode(
        [("round", key) for key in rounds[-4:-1]]
        + [("region", data.BENCH_REGION), ("region", data.region_key(4)), ("pooled", "y")]
    )
    region = f"/regio/{data.BENCH_REGION}"
    return {
        PING: [("GET", "/ping", "", "", "")],
        "region dashboard": [("GET", f"{region}/resultaten/{closed}", coordinator, "", "")],
        "programme overview": [("GET", f"/programma/overzicht/{closed}", programme, "", "")],
        "compare page": [("GET", f"/vergelijken?{compare}", coordinator, "", "")],
        "region path": [("GET", f"{region}/pad", coordinator, "", "")],
        # Every region's figures of the round with the programme team's tokens, one a line
        # (bench/requests.lua sends "Bearer ..." as the Authorization header), accepting gzip
        # as API clients do (requests, curl --compressed, httr); and once more without.
        "API round figures": [
            ("GET", f"/api/v1/rounds/{closed}/figures", f"gzip Bearer {token}", "", "")
            for token in API_TOKENS
        ],
        "API figures, no gzip": [
            ("GET", f"/api/v1/rounds/{closed}/figures", f"Bearer {token}", "", "")
            for token in API_TOKENS
        ],
    }


# The API's tokens, made in main() once the data set is there: so many that none reaches its
# rate limit of 120 requests a minute while wrk runs (the limit is per token, by design).
TOKENS = 400
API_TOKENS: list[str] = ["(none)"]


def round_keys() -> list[str]:
    return [f"ronde-{n + 1}" for n in range(tenyear.ROUNDS)]


def first_request(url: str, folder: Path, name: str) -> dict:
    """A fresh gunicorn (nothing kept in its workers), sign in, and time the page's first view."""
    server = start_gunicorn(url, folder)
    try:
        sessions = sign_in(server.base, [])
        line = pages(sessions.coordinator, sessions.programme, round_keys())[name][0]
        load = load_average()
        cpu = server.cpu()
        started = time.perf_counter()
        try:
            status = requests.get(
                server.base + line[1], headers={"Cookie": line[2]}, timeout=600
            ).status_code
        except requests.ConnectionError:  # the worker was killed: gunicorn's timeout
            status = None
        seconds = time.perf_counter() - started
        cpu = server.cpu() - cpu
    finally:
        server.stop()
    outcome = f"answered {status}" if status else "no answer (worker killed by gunicorn's timeout)"
    print(
        f"  first {name} after a restart: {seconds * 1000:.0f} ms, {outcome} (load {load})",
        flush=True,
    )
    return {"ms": seconds * 1000, "cpu_ms": cpu * 1000, "load": load, "status": status}


def _slowest(runs: list[dict]) -> dict:
    """The slowest of a page's first views (an unanswered one first), with the median and every
    run's milliseconds beside it."""
    slowest = max(runs, key=lambda r: (r["status"] != 200, r["ms"]))
    return slowest | {
        "median_ms": statistics.median(r["ms"] for r in runs),
        "runs_ms": [round(r["ms"]) for r in runs],
    }


def measure(big_url: str, small_url: str, folder: Path, args) -> dict:  # type: ignore[no-untyped-def]
    names = ("region dashboard", "programme overview")
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(args.restarts):  # in turn, so that a drift in the machine's speed hits both
        for name in names:
            runs[name].append(first_request(big_url, folder, name))
    first = {name: _slowest(found) for name, found in runs.items()}
    # Each worker's first view of the overview sums every released round; with gunicorn's 30 s
    # timeout it may be killed before it has (the figures above say), and then the page is
    # never kept. The steady state is measured with time for that first view.
    os.environ["GUNICORN_CMD_ARGS"] = f"--timeout {STEADY_TIMEOUT}"
    try:
        big = start_gunicorn(big_url, folder)
        small = start_gunicorn(small_url, folder)
    finally:
        del os.environ["GUNICORN_CMD_ARGS"]
    try:
        return {"first": first} | steady(big, small, folder, args, first)
    finally:
        big.stop()
        small.stop()


def steady(big: Server, small: Server, folder: Path, args, first: dict) -> dict:  # type: ignore[no-untyped-def]
    keys = round_keys()
    on_big = sign_in(big.base, [])
    on_small = sign_in(small.base, [])
    big_pages = pages(on_big.coordinator, on_big.programme, keys)
    small_pages = pages(on_small.coordinator, on_small.programme, keys)
    for name, lines in big_pages.items():
        warm_up(big.base, lines[0])  # every worker has summed what it keeps (no time limit)
        check(big.base, lines[0], name)
    warm_up(small.base, small_pages["region dashboard"][0])
    results: dict[str, Result] = {}
    loads: dict[str, tuple[str, str]] = {}
    for name, lines in big_pages.items():
        before = load_average()
        wrk_run(big, lines, folder, 2, CONNECTIONS, 2)
        results[name] = wrk_run(big, lines, folder, 2, CONNECTIONS, args.seconds, name)
        loads[name] = (before, load_average())
        print(f"  measured {name}: {results[name].rate:.0f}/s", flush=True)
    # One connection: each request's own time and CPU. At 50 connections a slow page's CPU per
    # request is overstated, since the workers also answer what wrk left queued at its end.
    alone = {name: wrk_run(big, lines, folder, 1, 1, 5, name) for name, lines in big_pages.items()}
    # The dashboard one request at a time at both sizes, in turn, so that a change in the
    # machine's load falls on both.
    dashboards: dict[str, list[Result]] = {"big": [], "small": []}
    dashboard_load = load_average()
    for _ in range(TURNS):
        for which, server, lines in (
            ("big", big, big_pages["region dashboard"]),
            ("small", small, small_pages["region dashboard"]),
        ):
            dashboards[which].append(wrk_run(server, lines, folder, 1, 1, 5, which))
    dashboard_load = f"{dashboard_load} before, {load_average()} after"
    rss = big.worker_rss_mb()
    return print_report(results, alone, loads, dashboards, dashboard_load, rss, first, args)


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def print_report(results, alone, loads, dashboards, dashboard_load, rss, first, args) -> dict:  # type: ignore[no-untyped-def]
    ping = results[PING]
    print()
    print(
        f"{args.regions} regions x {tenyear.ROUNDS} rounds, 2 gunicorn workers, wrk at 50 connections"
    )
    print(
        f"{'page':<22}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'share':>7}"
        f"{'CPU ms':>8}{'CPU share':>10}  target; load before / after"
    )
    verdicts = {}
    for name, r in results.items():
        share, cpu_share = r.rate / ping.rate, ping.cpu_ms / r.cpu_ms
        verdict = ""
        if name in ("programme overview", "compare page"):
            verdicts[name] = r.p99_ms < P99_MS
            verdict = f"p99 < {P99_MS} ms: {_verdict(verdicts[name])}"
        if name in ("region path", "API round figures"):
            verdicts[name] = share >= PATH_SHARE
            verdict = (
                f">= {PATH_SHARE:.0%}: {_verdict(share >= PATH_SHARE)} measured, "
                f"{_verdict(cpu_share >= PATH_SHARE)} by CPU"
            )
        print(
            f"{name:<22}{r.rate:>7.0f}{r.p50_ms:>8.1f}{r.p99_ms:>8.1f}{r.errors:>7}{share:>7.1%}"
            f"{r.cpu_ms:>8.2f}{cpu_share:>10.1%}  {verdict}; {loads[name][0]} / {loads[name][1]}"
        )
    print()
    print(f"{'one connection':<22}{'ms':>7}{'CPU ms':>8}{'CPU share':>10}")
    for name, r in alone.items():
        print(f"{name:<22}{r.mean_ms:>7.1f}{r.cpu_ms:>8.2f}{alone[PING].cpu_ms / r.cpu_ms:>10.1%}")
    print()
    for name, found in first.items():
        verdicts[f"first {name}"] = found["status"] == 200 and found["ms"] < FIRST_MS
        outcome = "" if found["status"] == 200 else f" WITHOUT AN ANSWER ({found['status']})"
        print(
            f"first {name} after a restart: slowest of {len(found['runs_ms'])} "
            f"{found['ms']:.0f} ms{outcome} (workers' and database's CPU {found['cpu_ms']:.0f} "
            f"ms), median {found['median_ms']:.0f} ms, each {found['runs_ms']}, target < "
            f"{FIRST_MS} ms: {_verdict(verdicts[f'first {name}'])}; load {found['load']}"
        )
    ms = {w: statistics.median(r.mean_ms for r in found) for w, found in dashboards.items()}
    cpu = {w: statistics.median(r.cpu_ms for r in found) for w, found in dashboards.items()}
    ratio, cpu_ratio = ms["big"] / ms["small"], cpu["big"] / cpu["small"]
    verdicts["dashboard ratio"] = ratio <= DASHBOARD_RATIO
    print(
        f"region dashboard, one request at a time, {TURNS} turns of 5 s each (medians): "
        f"{ms['big']:.1f} ms at {args.regions} regions, {ms['small']:.1f} ms at "
        f"{args.baseline_regions}: {ratio:.2f}x (CPU {cpu['big']:.2f} / {cpu['small']:.2f} ms: "
        f"{cpu_ratio:.2f}x), target <= {DASHBOARD_RATIO}x: {_verdict(ratio <= DASHBOARD_RATIO)} "
        f"measured, {_verdict(cpu_ratio <= DASHBOARD_RATIO)} by CPU; load {dashboard_load}"
    )
    verdicts["rss"] = max(rss) < RSS_MB
    print(
        "RSS per worker at the end: "
        + ", ".join(f"{mb:.0f} MB" for mb in rss)
        + f" (target < {RSS_MB} MB: {_verdict(max(rss) < RSS_MB)})"
    )
    return {
        "pages": {
            n: r.__dict__
            | {
                "rate": r.rate,
                "share": r.rate / ping.rate,
                "cpu_share": ping.cpu_ms / r.cpu_ms,
                "load": loads[n],
            }
            for n, r in results.items()
        },
        "one_connection": {
            n: r.__dict__ | {"cpu_share": alone[PING].cpu_ms / r.cpu_ms} for n, r in alone.items()
        },
        "dashboard": {
            "ms": ms,
            "cpu_ms": cpu,
            "ratio": ratio,
            "cpu_ratio": cpu_ratio,
            "load": dashboard_load,
        },
        "rss_mb": rss,
        "verdicts": verdicts,
    }


if __name__ == "__main__":
    main()
