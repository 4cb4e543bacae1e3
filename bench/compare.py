"""The compare page alone: its selections against `/ping`, in one short run.

    .venv/bin/python -m bench.compare [postgresql+psycopg://...] [--seconds 10] [--json FILE]

The same data set and gunicorn as `bench.run` (40 regions x 8 rounds; the coordinator of
`regio-000`, who sees their own region and the nine that share by name), then wrk at 50
connections: `/ping`, then each compare selection, then `/ping` again (the ceiling is the mean
of both, so a machine whose speed drifts during the run is seen). Issue 18's target is 15 % of
`/ping` for the default selection and for 3 rounds x 5 regions x sectors. It prints requests/s,
p50, p99, the share of `/ping`, the workers' CPU ms per request and its share, the load average
before and after, and each worker's resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import data
from selfscan.core.scoring import ALL, OTHER
from selfscan.core.vocabulary import SECTOR_KEYS

TARGET = 0.15  # share of /ping (issue 18)


def selections(dataset: data.Dataset) -> dict[str, str]:
    """The compare page's measured selections: name -> query string (after `?`)."""
    earlier = dataset.round_keys[-4:-1]  # the 3 latest closed rounds (figures released, rule 8)
    rounds = [("round", key) for key in earlier]
    named = [data.region_key(n) for n in range(0, 20, 4)]  # own + 4 that share by name
    return {
        # What a coordinator gets when they open the page: the newest closed round, own region.
        "compare page, default": "",
        # bench.run's compare page since the fourth session: 3 rounds, 2 regions, all regions.
        "compare page": urlencode(
            [
                *rounds,
                ("region", data.BENCH_REGION),
                ("region", data.region_key(4)),
                ("pooled", "y"),
            ]
        ),
        # Issue 18: 3 rounds x 5 regions x sectors (every sector ticked, and all regions).
        "compare page, 3x5x sectors": urlencode(
            [*rounds]
            + [("region", key) for key in named]
            + [("sector", key) for key in (ALL, *SECTOR_KEYS[: data.SECTORS], OTHER)]
            + [("pooled", "y")]
        ),
    }


def path(query: str) -> str:
    return f"/vergelijken?{query}" if query else "/vergelijken"


def main() -> None:
    from bench import run

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("server", nargs="?", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--regions", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=10, help="per page at 50 connections")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if run.shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install wrk` (Debian) and run again.")
    database = "PostgreSQL" if args.server else "SQLite"
    print(f"compare page on {database}, {os.cpu_count()} CPUs, load {run.load_average()}")
    with data.throwaway_database(args.server) as url, tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        dataset = data.create(url, args.regions)
        print(f"generated {data.counts(url)} in {time.perf_counter() - started:.0f} s", flush=True)
        server = run.start_gunicorn(url, Path(folder))
        try:
            sessions = run.sign_in(server.base, [])
            ping = [("GET", "/ping", "", "", "")]
            pages = {
                name: [("GET", path(query), sessions.coordinator, "", "")]
                for name, query in selections(dataset).items()
            }
            for name, lines in pages.items():
                run.check(server.base, lines[0], name)
            load_before = run.load_average()
            results: dict[str, run.Result] = {}
            for name, lines in [("/ping, first", ping), *pages.items(), ("/ping, last", ping)]:
                run.wrk_run(server, lines, Path(folder), 2, run.CONNECTIONS, 2)  # warm up
                results[name] = run.wrk_run(
                    server, lines, Path(folder), 2, run.CONNECTIONS, args.seconds, name
                )
            rss = server.worker_rss_mb()
            load_after = run.load_average()
        finally:
            server.stop()
    report = print_report(results, rss, load_before, load_after)
    report["database"] = database
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


def print_report(results, rss, load_before, load_after) -> dict:  # type: ignore[no-untyped-def]
    first, last = results["/ping, first"], results["/ping, last"]
    ping_rate = (first.rate + last.rate) / 2
    ping_cpu = (first.cpu_ms + last.cpu_ms) / 2
    print(f"\nload average before {load_before}, after {load_after}")
    print(
        f"{'page':<34}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'share':>7}"
        f"{'CPU ms':>8}{'CPU share':>10}  target >= {TARGET:.0%}"
    )
    rows = {}
    for name, r in results.items():
        share, cpu_share = r.rate / ping_rate, ping_cpu / r.cpu_ms
        verdict = ""
        if not name.startswith("/ping"):
            verdict = (
                f"{'met' if share >= TARGET else 'MISSED'} measured, "
                f"{'met' if cpu_share >= TARGET else 'MISSED'} by CPU"
            )
        print(
            f"{name:<34}{r.rate:>7.0f}{r.p50_ms:>8.1f}{r.p99_ms:>8.1f}{r.errors:>7}{share:>7.1%}"
            f"{r.cpu_ms:>8.2f}{cpu_share:>10.1%}  {verdict}"
        )
        rows[name] = r.__dict__ | {"rate": r.rate, "share": share, "cpu_share": cpu_share}
    print("RSS per worker: " + ", ".join(f"{mb:.0f} MB" for mb in rss))
    return {"pages": rows, "rss_mb": rss, "load": {"before": load_before, "after": load_after}}


if __name__ == "__main__":
    main()
