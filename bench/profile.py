"""Profile one of the benchmark's pages in-process with pyinstrument, on the benchmark's data.

    .venv/bin/python -m bench.profile questionnaire|autosave|dashboard|compare|compare-default|compare-wide|overview|overview-open|path|api-figures [N]
        [--server postgresql+psycopg://...] [--regions 40] [--tenyear] [--sql] [--nothing-kept|--cold]

With --tenyear, on bench.tenyear's kept data set (400 regions x 20 rounds unless --regions says
otherwise; built first if there is none) instead of a throwaway copy of bench.data's.

Prints where the time of N requests goes (pyinstrument's text report), the CPU time per request
(on PostgreSQL with its backends'), and the number of SQL statements per request (with --sql,
also the statements of one request). On PostgreSQL, SELFSCAN_PROFILE_PLANS=1 also lists the
prepared statements with how often each was planned for all values (generic) and anew (custom).
pyinstrument is in the `dev` extra.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pyinstrument import Profiler
from sqlalchemy import event

from bench import compare, data, tenyear, tenyear_data
from bench.run import FIRST_PRINCIPLE, autosave_lines, cpu_seconds, database_pids
from selfscan import create_app
from selfscan.infra import pagecache
from selfscan.services import scores

# The API client's Accept-Encoding (SELFSCAN_PROFILE_ENCODING): "gzip" as requests and curl
# --compressed send it, or "identity".
ENCODING = os.environ.get("SELFSCAN_PROFILE_ENCODING", "identity")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "page",
        choices=[
            "questionnaire",
            "autosave",
            "dashboard",
            "compare",
            "compare-default",
            "compare-wide",
            "overview",
            "overview-open",
            "path",
            "api-figures",
        ],
    )
    parser.add_argument("n", nargs="?", type=int, default=50)
    parser.add_argument("--server")
    parser.add_argument("--regions", type=int)
    parser.add_argument(
        "--tenyear", action="store_true", help="on bench.tenyear's data set (kept between runs)"
    )
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument(
        "--nothing-kept",
        action="store_true",
        help="drop the kept pages before each request: the cost of rendering from the database",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="drop the kept pages and every kept figure before each request: the work of the "
        "first request after a restart (bench.tenyear's first-request measure), imports aside",
    )
    args = parser.parse_args()
    with _database(args) as dataset:
        url = dataset.url
        links = data.respondent_links(url, dataset.open_round, 1)
        app = create_app(
            {
                "SECRET_KEY": secrets.token_hex(32),
                "DATABASE_URL": url,
                "SESSION_COOKIE_SECURE": False,
            }
        )
        statements: list[str] = []
        event.listen(
            app.extensions["selfscan.engine"],
            "before_cursor_execute",
            lambda connection, cursor, sql, *a: statements.append(sql),
        )
        client = app.test_client()
        request = prepare(client, args.page, dataset, links[0], args.n)
        if args.nothing_kept or args.cold:
            engine = app.extensions["selfscan.engine"]
            kept_request = request
            kept = [pagecache._caches]
            if args.cold:
                kept += [scores._caches, scores._pooled_caches, scores._region_caches]

            def request() -> None:  # type: ignore[no-redef]
                for caches in kept:
                    caches.pop(engine, None)
                kept_request()

        for _ in range(10):
            request()  # warm up
        if args.sql:
            statements.clear()
            request()
            print("\n\n".join(statements), end="\n\n")
        backends = database_pids(url)
        cpu, database_cpu = time.process_time(), cpu_seconds(backends)
        for _ in range(args.n):
            request()
        database_ms = (cpu_seconds(backends) - database_cpu) / args.n * 1000
        cpu_ms = (time.process_time() - cpu) / args.n * 1000 + database_ms
        statements.clear()
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            for _ in range(args.n):
                request()
        elapsed = time.perf_counter() - started
        print(
            profiler.output_text(
                unicode=True, color=False, show_all=bool(os.environ.get("SHOW_ALL"))
            )
        )
        of_it = f" ({database_ms:.2f} of it PostgreSQL's backends)" if backends else ""
        print(
            f"{args.page}: {cpu_ms:.2f} ms CPU per request unprofiled{of_it}, "
            f"{elapsed / args.n * 1000:.1f} ms per request profiled, "
            f"{len(statements) / args.n:.1f} SQL statements per request"
        )
        if os.environ.get("SELFSCAN_PROFILE_PLANS") and not url.startswith("sqlite"):
            _print_custom_plans(app.extensions["selfscan.engine"])
        app.extensions["selfscan.engine"].dispose()


def _print_custom_plans(engine) -> None:  # type: ignore[no-untyped-def]
    """The prepared statements PostgreSQL planned anew at each execution (custom plans), on one
    of the pool's connections: each such execution pays the statement's planning again."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT generic_plans, custom_plans, statement FROM pg_prepared_statements"
            " ORDER BY custom_plans DESC"
        )
        for generic, custom, statement in rows:
            print(f"generic {generic:5d} custom {custom:5d}  {' '.join(statement.split())[:300]}")


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[data.Dataset]:
    """bench.tenyear's kept set, or a throwaway copy of bench.data's."""
    if args.tenyear:
        url, _ = tenyear_data.kept_database(args.server, args.regions or tenyear_data.REGIONS)
        keys = tenyear.round_keys()
        yield data.Dataset(url, keys[-1], keys)
        return
    with data.throwaway_database(args.server) as url:
        yield data.create(url, args.regions or 40)


def prepare(client, page: str, dataset: data.Dataset, link: str, n: int):  # type: ignore[no-untyped-def]
    """Sign in as the page's user and return a function that makes one request and checks it."""

    def sign_in(email: str) -> None:
        token = CSRF.search(client.get("/inloggen").text).group(1)
        client.post(
            "/inloggen", data={"email": email, "password": data.PASSWORD, "csrf_token": token}
        )

    def get(path: str):  # type: ignore[no-untyped-def]
        def call() -> None:
            assert client.get(path).status_code == 200

        return call

    if page in ("questionnaire", "autosave"):
        token = CSRF.search(client.get(f"/i/{link}", follow_redirects=True).text).group(1)
        client.post("/vragenlijst/starten", data={"csrf_token": token})
        if page == "questionnaire":
            return get(f"/vragenlijst/{FIRST_PRINCIPLE}")
        html = client.get(f"/vragenlijst/{FIRST_PRINCIPLE}").text
        items = sorted(set(re.findall(r'name="(item-[^"]+)"', html)))
        # Two saves with different answers, taken in turn, so that every save writes rows (as
        # in bench.run) rather than finding nothing changed.
        lines = itertools.cycle(autosave_lines([("", token, items)]))

        def save() -> None:
            line = next(lines)
            answer = client.post(
                line[1],
                data=line[4],
                headers={
                    "X-CSRFToken": token,
                    "Accept": "application/json",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            assert answer.status_code == 200, answer.text

        return save
    if page == "overview":
        sign_in(data.PROGRAMME_EMAIL)
        return get(f"/programma/overzicht/{dataset.closed_round}")
    if page == "api-figures":
        # As many tokens as keep each under its limit of 120 requests a minute.
        tokens = itertools.cycle(tenyear_data.api_tokens(dataset.url, 2 * n // 100 + 1))
        figures = f"/api/v1/rounds/{dataset.closed_round}/figures"

        def api() -> None:
            headers = {"Authorization": f"Bearer {next(tokens)}", "Accept-Encoding": ENCODING}
            assert client.get(figures, headers=headers).status_code == 200

        return api
    if page == "overview-open":  # the round being answered (bench.closeday: the day's costliest)
        sign_in(data.PROGRAMME_EMAIL)
        return get(f"/programma/overzicht/{dataset.open_round}")
    sign_in(data.COORDINATOR_EMAIL)
    if page == "path":
        return get(f"/regio/{data.BENCH_REGION}/pad")
    if page == "dashboard":
        return get(f"/regio/{data.BENCH_REGION}/resultaten/{dataset.closed_round}")
    chosen = compare.selections(dataset)
    name = {
        "compare": "compare page",
        "compare-default": "compare page, default",
        "compare-wide": "compare page, 3x5x sectors",
    }[page]
    return get(compare.path(chosen[name]))


if __name__ == "__main__":
    main()
