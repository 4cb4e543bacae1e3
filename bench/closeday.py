"""The day a round closes (issue 18): a deadline rush, the close, and the released results.

    .venv/bin/python -m bench.closeday                       SQLite (a throwaway file)
    .venv/bin/python -m bench.closeday postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.closeday --respondents 100 --minutes 2     a quick run

On bench.data's programme (40 regions x 8 rounds, the last open) with gunicorn as bench.run
starts it (2 workers), for `--minutes` (15):

- `--respondents` (1,000) people, spread over the 40 regions, each invited with a personal link
  made in bulk beforehand, open their link, read the introduction, start, answer the 5
  principle pages (6 statements each; every answer autosaved 250 ms after the click, as
  respondent.js does; a comment on some pages, saved 1.5 s after typing stops), leave each page
  with its "next" button (the page's own save), review, submit and look at their own profile.
  Each person starts at a random moment such that they finish within the window.
- 40 coordinators (one per region) refresh their region's participation page every 10 s, and
  the programme team its overview of the open round.
- Then the programme team closes the round the way it does in the app (the confirmation page
  and its POST on /programma/rondes/<round>/sluiten, followed to the overview), and the 40
  coordinators open their region's released results within the next minute.

Think times (seeded by `--seed`) are log-normal, as response times to survey statements are:
median 20 s on the introduction, 10 s reading a principle's explanation, 7 s per statement
(sigma 0.5: half of them between 5 and 10 s, one in a hundred over 22 s), 30 s typing a comment
(on 15 % of the pages), 3 s before "next", 15 s on the review. About one statement in ten is
answered "don't know", 4 % are flagged for discussion, and on 5 % of the pages one earlier answer
is changed again. A journey so takes about six minutes. With `--minutes` below 15 every think
time shrinks by minutes/15, so a quick run has the same requests, closer together.

Every person is a thread with a browser of its own (cookies, a new connection per request, as
behind a buffering nginx; see bench.run's crowd_run), one request at a time. The benchmark keeps
every answer, comment and submission the server acknowledged (an autosave answered 200 with
"saved", a page save or submit redirected where it should go) and afterwards compares the
database with exactly those: a difference is a lost (or unasked-for) answer.

Reported: per kind of request count, p50, p95, p99, max and errors; the targets (0 errors, p99 <
300 ms for saves and submits, p99 < 500 ms for pages, 0 lost answers); the CPU time of the
server (workers and PostgreSQL backends), of this load generator and of everything else on the
machine over the same time (from /proc); and the load averages seen.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy import text
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from bench import data
from bench.run import (
    CSRF,
    Server,
    check,
    cpu_seconds,
    load_average,
    sign_in_account,
    start_gunicorn,
)
from selfscan.core.questionnaire import read_directory
from selfscan.infra.config import PROJECT_ROOT
from selfscan.infra.db import make_engine
from selfscan.services import accounts

COORDINATORS = 40  # one per region of bench.data's programme
REFRESH_SECONDS = 10  # coordinators and the programme team reload their page this often
RESULTS_WITHIN_SECONDS = 60  # after the close, every coordinator opens the results in a minute
AUTOSAVE_DELAY, COMMENT_DELAY = 0.25, 1.5  # respondent.js: after a click, after typing stops
SAVE_P99_MS, PAGE_P99_MS = 300, 500  # issue 18's targets
REVISION = re.compile(r'name="revision"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="revision"')
RELEASED_MARK = 'id="radar-heading"'  # in the results; the participation page has no radar

# Kinds of request: (name, what the target counts it as).
SAVES = {"start", "autosave", "page save", "submit", "close the round"}


# --- a person's browser ----------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    body: str
    seconds: float
    failure: str = ""
    cpu: float = 0.0  # the server's CPU seconds over the request (only when metered)


class Browser:
    """One person's browser: their cookies, and a new connection per request (as behind a
    buffering reverse proxy, so that their pauses never hold a sync gunicorn worker)."""

    def __init__(
        self, base: str, cookie_header: str = "", meter: Callable[[], float] | None = None
    ) -> None:
        self.meter = meter
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}
        for pair in filter(None, cookie_header.split("; ")):
            name, _, value = pair.partition("=")
            self.cookies[name] = value

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None, **headers: str
    ) -> Answer:
        sent = {"Accept": headers.pop("accept", "text/html"), **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        cpu = self.meter() if self.meter else 0.0
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        except OSError as error:  # refused, reset or timed out
            return Answer(0, "", "", time.perf_counter() - started, repr(error))
        finally:
            connection.close()
        took = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        location = urlsplit(response.getheader("Location", "")).path
        cpu = self.meter() - cpu if self.meter else 0.0
        return Answer(response.status, location, content.decode("utf-8", "replace"), took, "", cpu)


# --- what was measured -----------------------------------------------------------------------


@dataclass
class Tally:
    """Every request's time by kind, the failures, and what the server acknowledged."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # When each of `seconds` ended (perf_counter), to place a slow request in the day.
    ended: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    started: float = 0.0  # the rush's start (perf_counter)
    cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # By respondent number: item key -> (value, dont_know, discuss); principle -> comment.
    answers: dict[int, dict[str, tuple[int | None, bool, bool] | None]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    comments: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    submitted: set[int] = field(default_factory=set)
    # Writes that got no answer at all (the client gave up waiting): the server may still have
    # made them, so their pages (respondent, principle) and submissions are not judged.
    unsure: set[tuple[int, str]] = field(default_factory=set)
    finished: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, answer: Answer, ok: bool, why: str = "") -> bool:
        with self.lock:
            if ok:
                self.seconds[kind].append(answer.seconds)
                self.ended[kind].append(time.perf_counter())
                self.cpu[kind].append(answer.cpu)
            else:
                self.errors[kind].append(
                    answer.failure or why or f"{answer.status} {answer.location}"
                )
        return ok


# --- the respondents' journeys ---------------------------------------------------------------


@dataclass
class Change:
    """A click (or a comment typed) `after` seconds after the previous one, then its save."""

    after: float
    item: str = ""
    value: str | None = None  # "1".."5", "nvt", or None to leave the answer as it is
    discuss: bool | None = None
    comment: str | None = None


@dataclass
class Journey:
    number: int
    link: str
    start: float  # seconds after the day began
    intro: float
    pages: list[tuple[str, list[Change], float]]  # principle, its changes, pause before "next"
    review: float
    delays: tuple[float, float] = (AUTOSAVE_DELAY, COMMENT_DELAY)

    @property
    def length(self) -> float:
        clicks = sum(c.after for _, changes, _ in self.pages for c in changes)
        return self.intro + clicks + sum(leave for *_, leave in self.pages) + self.review


def plan(
    links: dict[int, str], principles: dict[str, list[str]], window: float, rng: random.Random
) -> list[Journey]:
    """Every person's clicks and pauses, drawn for a 15-minute day and then scaled to `window`;
    each person starts at a moment that lets them finish within it."""
    scale = window / (15 * 60)

    def pause(median: float) -> float:
        return scale * rng.lognormvariate(math.log(median), 0.5)

    journeys = []
    for number, link in links.items():
        pages = []
        for principle, items in principles.items():
            changes = []
            reading = pause(10)  # the principle's explanation
            for item in items:
                value = (
                    "nvt"
                    if rng.random() < 0.1
                    else str(rng.choices(range(1, 6), weights=(1, 2, 4, 4, 2))[0])
                )
                changes.append(Change(reading + pause(7), item, value))
                reading = 0.0
                if rng.random() < 0.04:
                    changes.append(Change(pause(2), item, discuss=True))
            if rng.random() < 0.05:
                item = rng.choice(items)
                changes.append(Change(pause(5), item, str(rng.randint(1, 5))))
            if rng.random() < 0.15:
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
                changes.append(Change(pause(30), comment=words.capitalize() + "."))
            pages.append((principle, changes, pause(3)))
        journey = Journey(number, link, 0.0, pause(20), pages, pause(15))
        journey.start = rng.uniform(0, max(0.0, window - journey.length))
        journeys.append(journey)
    return journeys


WORDS = (
    *("samenwerking", "school", "opvang", "jeugdhulp", "ouders", "kinderen", "wijk", "team"),
    *("afspraken", "overleg", "gemeente", "zorg", "klas", "aanbod", "regie", "vertrouwen"),
)


def walk(
    base: str,
    journey: Journey,
    day_start: float,
    tally: Tally,
    first: str,
    meter: Callable[[], float] | None = None,
) -> None:
    """One person's journey, request by request, one at a time, as their browser would."""
    browser = Browser(base, meter=meter)
    n = journey.number
    clock = day_start + journey.start
    pause_until(clock)

    def get(kind: str, path: str) -> Answer | None:
        answer = browser.request("GET", path)
        return answer if tally.note(kind, answer, answer.status == 200) else None

    def post(kind: str, path: str, form: list[tuple[str, str]], goes_to: str) -> bool:
        answer = browser.request("POST", path, form)
        unsure(answer, path.rsplit("/", 1)[1])
        return tally.note(kind, answer, answer.status == 302 and answer.location == goes_to)

    def unsure(answer: Answer, page: str) -> None:
        if answer.status == 0:
            with tally.lock:
                tally.unsure.add((n, page))

    opened = browser.request("GET", f"/i/{journey.link}")
    if not tally.note("open link", opened, opened.location == "/vragenlijst"):
        return
    intro = get("introduction", "/vragenlijst")
    if intro is None:
        return
    clock += journey.intro
    pause_until(clock)
    token = csrf(intro.body)
    if not post("start", "/vragenlijst/starten", [("csrf_token", token)], f"/vragenlijst/{first}"):
        return
    keys = [principle for principle, *_ in journey.pages]
    for index, (principle, changes, leave) in enumerate(journey.pages):
        page = get("principle page", f"/vragenlijst/{principle}")
        if page is None:
            return
        clock = time.perf_counter()
        token = csrf(page.body)
        state: dict[str, list] = {}  # item -> [value, discuss]
        comment = ""
        for change in changes:
            clock += change.after
            pause_until(clock)
            if change.comment is not None:
                comment = change.comment
            else:
                held = state.setdefault(change.item, [None, False])
                if change.value is not None:
                    held[0] = change.value
                if change.discuss is not None:
                    held[1] = change.discuss
            pause_until(time.perf_counter() + journey.delays[change.comment is not None])
            form = page_form(token, state, comment)
            saved = browser.request(
                "POST",
                f"/vragenlijst/{principle}/automatisch-opslaan",
                form,
                accept="application/json",
                **{"X-CSRFToken": token},
            )
            unsure(saved, principle)
            ok = saved.status == 200 and json.loads(saved.body).get("saved") is True
            if tally.note("autosave", saved, ok, f"{saved.status} {saved.body[:120]}"):
                acknowledge(tally, n, principle, state, comment)
        clock += leave
        pause_until(clock)
        following = keys[index + 1] if index + 1 < len(keys) else "controleren"
        form = [*page_form(token, state, comment), ("action", "next")]
        if not post("page save", f"/vragenlijst/{principle}", form, f"/vragenlijst/{following}"):
            return
        acknowledge(tally, n, principle, state, comment)
    review = get("review page", "/vragenlijst/controleren")
    if review is None:
        return
    pause_until(time.perf_counter() + journey.review)
    found = REVISION.search(review.body)
    revision = (found.group(1) or found.group(2)) if found else "0"
    form = [("csrf_token", csrf(review.body)), ("revision", revision)]
    if not post("submit", "/vragenlijst/versturen", form, "/vragenlijst/profiel"):
        return
    with tally.lock:
        tally.submitted.add(n)
    if get("own profile", "/vragenlijst/profiel") is not None:
        with tally.lock:
            tally.finished += 1


def page_form(token: str, state: dict[str, list], comment: str) -> list[tuple[str, str]]:
    """What the page's form sends: the chosen answers, the ticked flags and the comment."""
    form = [("csrf_token", token)]
    for item, (value, discuss) in state.items():
        if value is not None:
            form.append((f"item-{item}", value))
        if discuss:
            form.append((f"discuss-{item}", "y"))
    form.append(("comment", comment))
    return form


def acknowledge(tally: Tally, n: int, principle: str, state: dict[str, list], comment: str) -> None:
    """The server has the page as sent: note it as what the database must hold."""
    with tally.lock:
        for item, (value, discuss) in state.items():
            dont_know = value == "nvt"
            number = None if value is None or dont_know else int(value)
            stored = (number, dont_know, bool(discuss))
            tally.answers[n][item] = None if stored == (None, False, False) else stored
        if comment.strip():
            tally.comments[n][principle] = comment.strip()
        else:
            tally.comments[n].pop(principle, None)


def csrf(page: str) -> str:
    found = CSRF.search(page)
    return found.group(1) if found else ""


def pause_until(moment: float) -> None:
    wait = moment - time.perf_counter()
    if wait > 0:
        time.sleep(wait)


# --- the coordinators and the programme team -------------------------------------------------


def refresh(
    base: str, cookie: str, path: str, kind: str, stop: threading.Event, tally: Tally
) -> None:
    """Reload one page every REFRESH_SECONDS (from a random first moment) until `stop`."""
    browser = Browser(base, cookie)
    moment = time.perf_counter() + random.Random(path + cookie).uniform(0, REFRESH_SECONDS)
    while not stop.wait(max(0.0, moment - time.perf_counter())):
        answer = browser.request("GET", path)
        tally.note(kind, answer, answer.status == 200)
        moment += REFRESH_SECONDS


def close_round(base: str, cookie: str, round_key: str, tally: Tally) -> None:
    """The programme team's close: the confirmation page, its POST, then the page it leads to."""
    browser = Browser(base, cookie)
    path = f"/programma/rondes/{round_key}/sluiten"
    page = browser.request("GET", path)
    if not tally.note("close confirmation page", page, page.status == 200):
        sys.exit(f"the close confirmation page answered {page.status}")
    closed = browser.request("POST", path, [("csrf_token", csrf(page.body))])
    if not tally.note("close the round", closed, closed.status == 302):
        sys.exit(f"closing the round answered {closed.status}")
    after = browser.request("GET", closed.location)
    tally.note("overview after closing", after, after.status == 200)


def open_results(base: str, cookie: str, path: str, delay: float, tally: Tally) -> None:
    time.sleep(delay)
    answer = Browser(base, cookie).request("GET", path)
    released = answer.status == 200 and RELEASED_MARK in answer.body
    tally.note("released results", answer, released, f"{answer.status}, figures not shown")


def calibrate(
    server: Server,
    journeys: list[Journey],
    first: str,
    pages: list[tuple[str, str, str]],
    tally: Tally,
) -> None:
    """Before the day, with nothing else from this benchmark running: a few journeys without
    pauses and a few of the other pages, one request at a time, each with the server's CPU
    time over it (workers and database backends). What a request costs does not depend on how
    busy the machine is, as its time does."""
    pids = server.worker_pids() + server.database_pids()

    def meter() -> float:
        return cpu_seconds(pids)

    for journey in journeys:
        journey.delays = (0.0, 0.0)
        walk(server.base, journey, time.perf_counter(), tally, first, meter)
    for _ in range(3):
        for cookie, path, kind in pages:
            answer = Browser(server.base, cookie, meter).request("GET", path)
            tally.note(kind, answer, answer.status == 200)


# --- setting up ------------------------------------------------------------------------------


def coordinator_email(number: int) -> str:
    return data.COORDINATOR_EMAIL if number == 0 else f"coordinator-{number:03d}@bench.example.org"


def add_coordinators(url: str, count: int) -> None:
    """One coordinator account per region (bench.data made the first's)."""
    engine = make_engine(url)
    with Session(engine) as db:
        for number in range(1, count):
            accounts.create_user(
                db,
                email=coordinator_email(number),
                name=f"Coördinator {number}",
                password=data.PASSWORD,
                region_keys=[data.region_key(number)],
            )
        db.commit()
    engine.dispose()


def statements() -> dict[str, list[str]]:
    """The item keys of each principle of the benchmark's questionnaire, in order."""
    questionnaire = read_directory(PROJECT_ROOT / "questionnaires")[data.QUESTIONNAIRE]
    return {p.key: [i.key for i in questionnaire.items_of(p.key)] for p in questionnaire.principles}


# --- what the database holds -----------------------------------------------------------------


def compare_with_database(url: str, round_key: str, tally: Tally) -> dict[str, list]:
    """Every acknowledged answer, comment and submission against the database's rows."""
    engine = make_engine(url, poolclass=NullPool)
    where = (
        "JOIN invitation ON invitation.id = response.invitation_id "
        "JOIN round ON round.id = response.round_id "
        "WHERE round.key = :round AND invitation.name LIKE 'Respondent %'"
    )
    number = lambda name: int(name.rsplit(" ", 1)[1])  # noqa: E731
    with engine.connect() as connection:
        statuses = {
            number(name): status
            for name, status in connection.execute(
                text(f"SELECT invitation.name, response.status FROM response {where}"),
                {"round": round_key},
            )
        }
        held = {
            (number(name), key): (value, bool(dont_know), bool(discuss))
            for name, key, value, dont_know, discuss in connection.execute(
                text(
                    "SELECT invitation.name, item.key, answer.value, answer.dont_know, "
                    "answer.discuss FROM answer JOIN item ON item.id = answer.item_id "
                    f"JOIN response ON response.id = answer.response_id {where}"
                ),
                {"round": round_key},
            )
        }
        comments = {
            (number(name), principle): body
            for name, principle, body in connection.execute(
                text(
                    "SELECT invitation.name, principle_comment.principle, principle_comment.text "
                    "FROM principle_comment "
                    f"JOIN response ON response.id = principle_comment.response_id {where}"
                ),
                {"round": round_key},
            )
        }
    engine.dispose()
    wanted = {
        (n, key): state
        for n, answers in tally.answers.items()
        for key, state in answers.items()
        if state is not None
    }
    wanted_comments = {(n, p): t for n, kept in tally.comments.items() for p, t in kept.items()}
    submitted = {n for n, status in statuses.items() if status == "submitted"}
    # Not judged: what a write that got no answer may have changed.
    principle_of = {item: p for p, items in statements().items() for item in items}
    judged = lambda n, principle: (n, principle) not in tally.unsure  # noqa: E731
    wanted = {k: v for k, v in wanted.items() if judged(k[0], principle_of[k[1]])}
    held = {k: v for k, v in held.items() if judged(k[0], principle_of[k[1]])}
    wanted_comments = {k: v for k, v in wanted_comments.items() if judged(*k)}
    comments = {k: v for k, v in comments.items() if judged(*k)}
    submitted = {n for n in submitted if judged(n, "versturen") or n in tally.submitted}
    return {
        "answers missing": sorted(k for k in wanted if k not in held),
        "answers different": sorted(k for k in wanted if k in held and held[k] != wanted[k]),
        "answers never acknowledged": sorted(k for k in held if k not in wanted),
        "comments missing or different": sorted(
            k for k in wanted_comments if comments.get(k) != wanted_comments[k]
        ),
        "comments never acknowledged": sorted(k for k in comments if k not in wanted_comments),
        "submissions missing": sorted(tally.submitted - submitted),
        "submissions never acknowledged": sorted(submitted - tally.submitted),
    }


# --- the machine -----------------------------------------------------------------------------


def machine_busy_seconds() -> float:
    """CPU seconds every CPU of the machine spent on anything but idling, since boot."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class LoadWatch(threading.Thread):
    """/proc/loadavg's one-minute figure every 15 s while the day runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.seen: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(15):
            self.seen.append(os.getloadavg()[0])


# --- the day ---------------------------------------------------------------------------------


def day(server: Server, dataset: data.Dataset, links: list[str], args) -> dict:  # type: ignore[no-untyped-def]
    base, round_key = server.base, dataset.open_round
    programme = sign_in_account(base, data.PROGRAMME_EMAIL)
    coordinators = [sign_in_account(base, coordinator_email(n)) for n in range(COORDINATORS)]
    results = [f"/regio/{data.region_key(n)}/resultaten/{round_key}" for n in range(COORDINATORS)]
    overview = f"/programma/overzicht/{round_key}"
    for cookie, path in [*zip(coordinators, results, strict=True), (programme, overview)]:
        check(base, ("GET", path, cookie, "", ""), path)
    principles = statements()
    first = next(iter(principles))
    window = args.minutes * 60
    rng = random.Random(args.seed)
    measured = Tally()
    numbered = dict(enumerate(links))  # bench.data names them "Respondent <number>"
    trial = plan(dict(list(numbered.items())[args.respondents :]), principles, 0, rng)
    pages = [(c, p, "participation page") for c, p in zip(coordinators, results, strict=True)]
    calibrate(
        server, trial, first, [*pages, (programme, overview, "overview (open round)")], measured
    )
    print(f"  measured the CPU time of {sum(map(len, measured.cpu.values()))} requests", flush=True)
    journeys = plan(dict(list(numbered.items())[: args.respondents]), principles, window, rng)
    tally = Tally()
    threading.stack_size(512 * 1024)  # a thousand threads that mostly sleep
    watch = LoadWatch()
    watch.start()
    load_before = load_average()
    cpu_server, cpu_own, cpu_all = server.cpu(), own_cpu_seconds(), machine_busy_seconds()
    started = tally.started = time.perf_counter()
    stop = threading.Event()
    pollers = [
        threading.Thread(
            target=refresh, args=(base, cookie, path, "participation page", stop, tally)
        )
        for cookie, path in zip(coordinators, results, strict=True)
    ]
    pollers.append(
        threading.Thread(
            target=refresh, args=(base, programme, overview, "overview (open round)", stop, tally)
        )
    )
    people = [
        threading.Thread(target=walk, args=(base, j, started, tally, first), daemon=True)
        for j in journeys
    ]
    for thread in pollers + people:
        thread.start()
    print(
        f"  {len(people)} respondents under way for {args.minutes:g} minutes, "
        f"{COORDINATORS} coordinators and the programme team refreshing every {REFRESH_SECONDS} s",
        flush=True,
    )
    for thread in people:
        thread.join()
    rush_seconds = time.perf_counter() - started
    stop.set()
    for thread in pollers:
        thread.join()
    rush = {
        "seconds": rush_seconds,
        "server_cpu_s": server.cpu() - cpu_server,
        "generator_cpu_s": own_cpu_seconds() - cpu_own,
        "machine_cpu_s": machine_busy_seconds() - cpu_all,
        "load_before": load_before,
        "load_after": load_average(),
    }
    print(f"  the respondents were done after {rush_seconds:.0f} s; closing the round", flush=True)
    close_round(base, programme, round_key, tally)
    rng = random.Random(args.seed + 1)
    openers = [
        threading.Thread(
            target=open_results,
            args=(base, cookie, path, rng.uniform(0, RESULTS_WITHIN_SECONDS), tally),
        )
        for cookie, path in zip(coordinators, results, strict=True)
    ]
    for thread in openers:
        thread.start()
    for thread in openers:
        thread.join()
    watch.stop.set()
    rush["load_1min_seen"] = watch.seen
    # The trial journeys' answers are in the database too; they were acknowledged as well.
    both = Tally(
        answers={**measured.answers, **tally.answers},
        comments={**measured.comments, **tally.comments},
        submitted=measured.submitted | tally.submitted,
        unsure=measured.unsure | tally.unsure,
    )
    differences = compare_with_database(server.url, round_key, both)
    costs = {kind: sum(cpu) / len(cpu) for kind, cpu in measured.cpu.items() if cpu}
    return report(tally, rush, differences, len(journeys), os.cpu_count() or 1, costs)


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def slowest(tally: Tally, kind: str, count: int = 3) -> list[tuple[float, float]]:
    """The kind's slowest requests: (ms, seconds from the rush's start at which it began)."""
    timed = zip(tally.seconds[kind], tally.ended[kind], strict=True)
    worst = sorted(timed, reverse=True)[:count]
    return [(took * 1000, end - took - tally.started) for took, end in worst]


def report(  # type: ignore[type-arg]
    tally: Tally,
    rush: dict,
    differences: dict[str, list],
    people: int,
    cpus: int,
    costs: dict[str, float],
) -> dict:
    kinds = sorted(set(tally.seconds) | set(tally.errors), key=_order)
    print()
    print(
        "CPU ms = the server's CPU time (workers and database) per request, measured one request\n"
        "at a time before the day (load-independent; - where not measured)"
    )
    print(
        f"{'request':<28}{'count':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}"
        f"{'errors':>7}{'CPU ms':>8}  target"
    )
    figures, met = {}, True
    for kind in kinds:
        ordered = sorted(tally.seconds[kind])
        errors = len(tally.errors[kind])
        p99 = percentile(ordered, 0.99)
        limit = SAVE_P99_MS if kind in SAVES else PAGE_P99_MS
        ok = errors == 0 and p99 < limit
        met = met and ok
        figures[kind] = {
            "count": len(ordered),
            "p50_ms": percentile(ordered, 0.50),
            "p95_ms": percentile(ordered, 0.95),
            "p99_ms": p99,
            "max_ms": ordered[-1] * 1000 if ordered else 0.0,
            "errors": errors,
            "first_errors": tally.errors[kind][:5],
            "slowest": slowest(tally, kind),
            "cpu_ms": costs[kind] * 1000 if kind in costs else None,
        }
        f = figures[kind]
        cost = f"{costs[kind] * 1000:>8.1f}" if kind in costs else f"{'-':>8}"
        print(
            f"{kind:<28}{f['count']:>7}{f['p50_ms']:>8.1f}{f['p95_ms']:>8.1f}{p99:>8.1f}"
            f"{f['max_ms']:>8.1f}{errors:>7}{cost}  0 errors, p99 < {limit} ms: "
            f"{'met' if ok else 'MISSED'}"
        )
    for kind in kinds:
        for message in tally.errors[kind][:3]:
            print(f"  {kind}: {message}")
        if not figures[kind]["p99_ms"] < (SAVE_P99_MS if kind in SAVES else PAGE_P99_MS):
            when = ", ".join(f"{ms:.0f} ms at {at:.0f} s" for ms, at in figures[kind]["slowest"])
            print(f"  {kind}, the slowest: {when} (seconds from the rush's start)")
    acknowledged = sum(1 for a in tally.answers.values() for s in a.values() if s is not None)
    comments = sum(len(c) for c in tally.comments.values())
    lost = sum(len(v) for v in differences.values())
    print()
    print(
        f"{people} respondents: {tally.finished} went the whole way; the server acknowledged "
        f"{acknowledged} answers, {comments} comments and {len(tally.submitted)} submissions"
    )
    if tally.unsure:
        pages = sum(1 for _, page in tally.unsure if page != "versturen")
        print(
            f"not judged: {pages} pages and {len(tally.unsure) - pages} submissions whose last "
            "write got no answer (the client gave up waiting; the server may have made it)"
        )
    if lost == 0:
        print("the database holds exactly those: 0 lost answers (target 0: met)")
    else:
        met = False
        print(f"the database DIFFERS in {lost} places (target 0 lost answers: MISSED):")
        for name, keys in differences.items():
            if keys:
                print(f"  {name}: {len(keys)}, e.g. {keys[:5]}")
    seconds = rush["seconds"]
    others = rush["machine_cpu_s"] - rush["server_cpu_s"] - rush["generator_cpu_s"]
    print()
    print(
        f"during the {seconds:.0f} s of the respondents, of {cpus} CPUs: the server (workers and "
        f"database) used {rush['server_cpu_s']:.0f} CPU s ({rush['server_cpu_s'] / seconds / cpus:.0%}), "
        f"this load generator {rush['generator_cpu_s']:.0f} CPU s "
        f"({rush['generator_cpu_s'] / seconds / cpus:.0%}), everything else on the machine "
        f"{max(others, 0):.0f} CPU s ({max(others, 0) / seconds / cpus:.0%})"
    )
    demand = sum(len(tally.seconds[k]) * costs.get(k, 0.0) for k in kinds if k in RUSH)
    print(
        f"the rush's requests at their one-at-a-time CPU cost: {demand:.0f} CPU s, "
        f"{demand / seconds / cpus:.0%} of {cpus} CPUs over {seconds:.0f} s (what the rush needs "
        "of an idle machine)"
    )
    rush["demand_cpu_s"] = demand
    seen = rush["load_1min_seen"]
    print(
        f"load average {rush['load_before']} before, {rush['load_after']} after the respondents; "
        f"1-minute load while they ran: "
        + (f"{min(seen):.1f} to {max(seen):.1f}" if seen else "not sampled")
    )
    print(f"all targets: {'met' if met else 'MISSED'}")
    return {
        "requests": figures,
        "respondents": people,
        "finished": tally.finished,
        "acknowledged": {
            "answers": acknowledged,
            "comments": comments,
            "submissions": len(tally.submitted),
        },
        "differences": {k: len(v) for k, v in differences.items()},
        "not_judged": len(tally.unsure),
        "rush": rush | {"other_cpu_s": others},
        "targets_met": met,
    }


ORDER = [
    "open link",
    "introduction",
    "start",
    "principle page",
    "autosave",
    "page save",
    "review page",
    "submit",
    "own profile",
    "participation page",
    "overview (open round)",
    "close confirmation page",
    "close the round",
    "overview after closing",
    "released results",
]


RUSH = ORDER[:11]  # the requests before the close


def _order(kind: str) -> int:
    return ORDER.index(kind) if kind in ORDER else len(ORDER)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("server", nargs="?", help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--respondents", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=15, help="the rush before the close")
    parser.add_argument("--seed", type=int, default=18, help="for the think times and answers")
    parser.add_argument(
        "--trial", type=int, default=10, help="journeys without pauses to measure CPU time"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    database = "PostgreSQL" if args.server else "SQLite"
    print(
        f"The day a round closes, on {database}, {os.cpu_count()} CPUs, load average "
        f"{load_average()} (anything above 0 shares the CPUs with the measurement)",
        flush=True,
    )
    with data.throwaway_database(args.server) as url, tempfile.TemporaryDirectory() as folder:
        begun = time.perf_counter()
        dataset = data.create(url, COORDINATORS)
        links = data.respondent_links(url, dataset.open_round, args.respondents + args.trial)
        add_coordinators(url, COORDINATORS)
        print(f"generated {data.counts(url)} in {time.perf_counter() - begun:.0f} s", flush=True)
        server = start_gunicorn(url, Path(folder))
        try:
            figures = day(server, dataset, links, args)
        finally:
            server.stop()
    figures["database"] = database
    print(f"load average at the end: {load_average()}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    if not figures["targets_met"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
