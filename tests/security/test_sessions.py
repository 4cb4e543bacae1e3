"""Tokens and sessions: separate rate-limit buckets, no account enumeration, sessions that end
when they should, and rate limits that hold across app instances when stored in Redis."""

from __future__ import annotations

import importlib
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from conftest import login, make_app
from security.conftest import reset_token, sign_in_as

REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture(autouse=True)
def frozen_clocks(monkeypatch) -> int:
    """The sessions' clock and the rate limits' counters stand still during each test, so a
    test that ages a session by 59 seconds, or counts 30 guesses, means exactly that however
    slow the machine is (a second passing mid-test made the idle clock tick over)."""
    from selfscan.infra import sessions, throttle

    now = int(time.time())
    monkeypatch.setattr(sessions, "_now", lambda: now)
    monkeypatch.setattr(throttle, "now", lambda: float(now))
    return now


@pytest.fixture
def limited_app(engine, database_url, tmp_path) -> Iterator[Flask]:
    """The app with rate limits on (counters in the database, emptied after each test)."""
    app = make_app(database_url, RATELIMIT_ENABLED=True, MAIL_FOLDER=str(tmp_path))
    yield app
    app.extensions["selfscan.engine"].dispose()


def test_guessing_links_does_not_use_up_sign_in_attempts(limited_app, scene):
    client = limited_app.test_client()
    codes = [client.get(f"/i/guess-{n:04d}").status_code for n in range(31)]
    assert codes[-1] == 429, codes
    assert login(client, scene["coordinator_a"]).status_code == 302


def test_failed_sign_ins_do_not_use_up_link_attempts(limited_app, scene):
    client = limited_app.test_client()
    codes = [
        login(client, f"nobody{n}@example.org", "wrong password").status_code for n in range(21)
    ]
    assert codes[-1] == 429, codes  # per address: 20 failures a minute
    assert client.get("/i/a-guess").status_code == 404


def test_sign_in_is_throttled_per_account_across_addresses(limited_app, scene):
    """Five wrong passwords a minute for one account, whichever address they come from."""
    codes = []
    for n in range(6):
        client = limited_app.test_client()
        environ = {"REMOTE_ADDR": f"10.0.0.{n + 1}"}
        token = client.csrf_token()
        codes.append(
            client.post(
                "/inloggen",
                data={
                    "email": scene["coordinator_a"].email,
                    "password": "wrong",
                    "csrf_token": token,
                },
                environ_base=environ,
                csrf=False,
            ).status_code
        )
    assert codes == [400] * 5 + [429]


# --- no account enumeration --------------------------------------------------------------------

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"[^>]*name="csrf_token"')


def _page_without_tokens(response: Any) -> str:
    return CSRF_INPUT.sub("", response.get_data(as_text=True))


def _timed(call, *args: Any, **kwargs: Any) -> tuple[Any, float]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call(*args, **kwargs)
    return result, time.perf_counter() - start


def test_sign_in_answers_the_same_for_unknown_and_known_addresses(app, scene):
    known, unknown = scene["coordinator_a"].email, "nobody@example.org"
    answers: dict[str, list[Any]] = {known: [], unknown: []}
    times: dict[str, list[float]] = {known: [], unknown: []}
    for _ in range(5):
        for email in (known, unknown):
            client = app.test_client()
            response, seconds = _timed(login, client, email, "not the password")
            answers[email].append(response)
            times[email].append(seconds)
    a, b = answers[known][0], answers[unknown][0]
    assert a.status_code == b.status_code == 400
    assert _page_without_tokens(a).replace(known, "") == _page_without_tokens(b).replace(
        unknown, ""
    )
    # The fastest of five, interleaved: other work on the machine only ever adds time, so the
    # minimum is what the code costs (a median of three moved with the load).
    ratio = min(times[known]) / min(times[unknown])
    assert 0.2 < ratio < 5, f"sign-in takes {ratio:.1f}× as long for a known address"


def test_password_reset_answers_the_same_for_unknown_and_known_addresses(app, scene):
    known, unknown = scene["coordinator_a"].email, "nobody@example.org"
    times: dict[str, list[float]] = {known: [], unknown: []}
    pages: dict[str, str] = {}
    for _ in range(5):
        for email in (known, unknown):
            client = app.test_client()
            response, seconds = _timed(client.post, "/wachtwoord-vergeten", data={"email": email})
            assert response.status_code == 302
            assert response.headers["Location"] == "/inloggen"
            times[email].append(seconds)
            pages[email] = _page_without_tokens(client.get("/inloggen"))
    assert pages[known] == pages[unknown]
    ratio = min(times[known]) / min(times[unknown])
    assert 0.1 < ratio < 10, f"a reset request takes {ratio:.1f}× as long for a known address"


# --- sessions end when they should -------------------------------------------------------------


def test_sign_in_replaces_a_respondent_session(client, scene):
    assert client.get(f"/i/{scene['token_a']}").status_code == 302
    with client.session_transaction() as session:
        assert session["invitation_id"] == scene["invitation_a"].id
    login(client, scene["coordinator_a"])
    with client.session_transaction() as session:
        assert "invitation_id" not in session
    assert client.get("/vragenlijst").status_code == 403


def test_a_password_change_ends_every_other_session(app, scene):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, scene["coordinator_a"])
    login(phone, scene["coordinator_a"])
    token = reset_token(app, scene)
    new = "a completely new password"
    response = laptop.post(f"/wachtwoord/{token}", data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert login(phone, scene["coordinator_a"], new).status_code == 302


def test_deactivation_by_the_programme_team_ends_every_session_at_once(app, scene, db):
    coordinator, programme = app.test_client(), app.test_client()
    login(coordinator, scene["coordinator_a"])
    assert coordinator.get("/regio/regio-a/").status_code == 200
    sign_in_as(programme, "programme", scene, db)
    user_id = scene["coordinator_a"].id
    assert programme.post(f"/programma/coordinatoren/{user_id}/deactiveren").status_code == 302
    assert coordinator.get("/regio/regio-a/").status_code == 302
    assert login(coordinator, scene["coordinator_a"]).status_code == 400


def _age_session(client: Any, *, started: int = 0, seen: int = 0) -> None:
    """Move the session's clocks back by the given number of seconds (from the frozen now)."""
    from selfscan.infra import sessions

    with client.session_transaction() as session:
        now = sessions._now()
        session["_started"] = now - started
        session["_seen"] = now - seen


def test_a_session_ends_after_an_hour_without_requests(client, scene):
    login(client, scene["coordinator_a"])
    _age_session(client, started=59 * 60, seen=59 * 60)
    assert client.get("/").status_code == 200  # within the hour: and the clock restarts
    _age_session(client, started=30 * 60, seen=61 * 60)
    response = client.get("/regio/regio-a/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Je sessie is verlopen" in page
    assert client.get("/").status_code == 302  # the old session does not come back


def test_use_restarts_the_idle_clock_to_the_minute(client, scene, frozen_clocks):
    login(client, scene["coordinator_a"])
    client.get("/")
    _age_session(client, started=50 * 60, seen=50 * 60)
    assert "Set-Cookie" in client.get("/").headers  # the clock restarts ...
    with client.session_transaction() as session:
        assert session["_seen"] == frozen_clocks
    # ... and a page opened within the same minute leaves the cookie as it is.
    assert "Set-Cookie" not in client.get("/").headers
    _age_session(client, started=50 * 60, seen=59)
    assert "Set-Cookie" not in client.get("/").headers
    _age_session(client, started=50 * 60, seen=61)
    assert "Set-Cookie" in client.get("/").headers


def test_a_busy_session_still_ends_after_eight_hours(client, scene):
    login(client, scene["coordinator_a"])
    _age_session(client, started=8 * 3600 - 60, seen=10)
    assert client.get("/").status_code == 200
    _age_session(client, started=8 * 3600 + 60, seen=10)
    assert client.get("/").status_code == 302


def test_lifetimes_are_configurable(engine, database_url, scene):
    app = make_app(database_url, SESSION_IDLE_MINUTES=5)
    try:
        client = app.test_client()
        login(client, scene["coordinator_a"])
        _age_session(client, seen=6 * 60)
        assert client.get("/").status_code == 302
    finally:
        app.extensions["selfscan.engine"].dispose()


def test_the_language_survives_an_expired_session(client, scene):
    login(client, scene["coordinator_a"])
    assert client.post("/taal", data={"lang": "en", "next": "/"}).status_code == 302
    _age_session(client, seen=2 * 3600)
    client.get("/")
    with client.session_transaction() as session:
        assert session.get("lang") == "en" and "_user_id" not in session


def test_an_expired_respondent_session_comes_back_through_the_link(client, scene):
    assert client.get(f"/i/{scene['token_a']}").status_code == 302
    assert client.get("/vragenlijst").status_code == 200
    _age_session(client, seen=2 * 3600)
    assert client.get("/vragenlijst").status_code == 403
    assert client.get(f"/i/{scene['token_a']}").status_code == 302
    assert client.get("/vragenlijst").status_code == 200


def test_a_session_from_the_future_is_not_trusted(client, scene):
    login(client, scene["coordinator_a"])
    _age_session(client, seen=-3600)
    assert client.get("/").status_code == 302


def test_idle_minutes_come_from_the_environment(monkeypatch):
    import selfscan.infra.config

    monkeypatch.setenv("SELFSCAN_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("SELFSCAN_RATELIMIT_STORAGE_URI", REDIS_URL)
    try:
        config = importlib.reload(selfscan.infra.config).Config
        assert config.SESSION_IDLE_MINUTES == 15
        assert config.RATELIMIT_STORAGE_URI == REDIS_URL
    finally:
        monkeypatch.undo()
        importlib.reload(selfscan.infra.config)


# --- rate limits shared between workers --------------------------------------------------------


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


GUESS_IN_ANOTHER_PROCESS = """
import sys
from selfscan import create_app
app = create_app({
    "TESTING": True, "SECRET_KEY": "another worker's secret key, 32 bytes or more",
    "DATABASE_URL": sys.argv[1],
    "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": sys.argv[2],
    "RATELIMIT_KEY_PREFIX": sys.argv[3],
})
client = app.test_client()
print(",".join(str(client.get(f"/i/other-{n}").status_code) for n in range(int(sys.argv[4]))))
"""


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis server on 127.0.0.1:6379")
def test_two_workers_share_their_counts_in_redis(engine, database_url, scene):
    """A worker in another process and this one see one count, as gunicorn workers must."""
    prefix = f"selfscan-test-{uuid.uuid4().hex[:8]}"
    other = subprocess.run(
        [sys.executable, "-c", GUESS_IN_ANOTHER_PROCESS, database_url, REDIS_URL, prefix, "30"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert other.stdout.strip().split(",") == ["404"] * 30, other.stderr
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
    )
    try:
        client = app.test_client()
        assert client.get("/i/one-more-guess").status_code == 429
        # Sign-in keeps its own bucket, also in Redis.
        assert login(client, scene["coordinator_a"]).status_code == 302
    finally:
        app.extensions["selfscan.engine"].dispose()
        import redis

        connection = redis.Redis.from_url(REDIS_URL)
        keys = list(connection.scan_iter(f"*{prefix}*"))
        if keys:
            connection.delete(*keys)
        connection.close()


def test_with_memory_storage_another_process_counts_apart(engine, database_url):
    """Why memory:// is refused with several workers: each process counts on its own."""
    other = subprocess.run(
        [sys.executable, "-c", GUESS_IN_ANOTHER_PROCESS, database_url, "memory://", "x", "30"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert other.stdout.strip().split(",") == ["404"] * 30, other.stderr
    app = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    try:
        assert app.test_client().get("/i/one-more-guess").status_code == 404
    finally:
        app.extensions["selfscan.engine"].dispose()
