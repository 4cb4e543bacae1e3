"""Each rate limit as README.md and SECURITY.md state it, with the counters the app ships with
(in the database): what counts, per what, how many, and who is never locked out by it.

tests/resilience/test_rate_limits_gunicorn.py holds the same limits against a real gunicorn
with several workers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlmodel import select

from conftest import PASSWORD, login, make_app
from security.conftest import reset_token
from selfscan.infra import throttle
from selfscan.models import RateLimitCounter

START = time.time()


@pytest.fixture(autouse=True)
def frozen_counters(monkeypatch) -> None:
    """The counters' clock stands still: a test's attempts all fall in one window, however slow
    the machine (a test moves it on explicitly)."""
    monkeypatch.setattr(throttle, "now", lambda: START)


@pytest.fixture
def limited_app(engine, database_url, tmp_path) -> Iterator[Flask]:
    """The app as shipped: limits on, counters in the database (emptied after each test)."""
    app = make_app(database_url, RATELIMIT_ENABLED=True, MAIL_FOLDER=str(tmp_path))
    yield app
    app.extensions["selfscan.engine"].dispose()


def from_address(app: Flask, address: str = "192.0.2.10") -> Any:
    """A new browser behind `address` (a school's one public address, say)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_shipped_configuration_counts_in_the_database(limited_app):
    counters = limited_app.extensions["selfscan.counters"]
    assert isinstance(counters.storage, throttle.DatabaseStorage)


def test_five_wrong_passwords_limit_the_account_even_for_the_right_password(limited_app, scene):
    client = from_address(limited_app)
    codes = [login(client, scene["coordinator_a"], "wrong").status_code for _ in range(5)]
    assert codes == [400] * 5
    refused = login(client, scene["coordinator_a"], PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # From another address too: the limit is the account's.
    assert (
        login(from_address(limited_app, "198.51.100.7"), scene["coordinator_a"]).status_code == 429
    )


def test_one_limited_account_does_not_lock_out_others_behind_the_same_address(limited_app, scene):
    school = from_address(limited_app)
    for _ in range(6):
        login(school, scene["coordinator_a"], "wrong")
    assert login(school, scene["coordinator_a"]).status_code == 429
    assert login(from_address(limited_app), scene["coordinator_b"]).status_code == 302


def test_sign_ins_that_succeed_never_count(limited_app, scene):
    for _ in range(25):  # more than the address's 20 a minute
        assert login(from_address(limited_app), scene["coordinator_a"]).status_code == 302


def test_failed_sign_ins_are_limited_per_address_across_accounts(limited_app, scene):
    """Trying one password on many accounts (spraying) meets the address's limit: 20."""
    codes = [
        login(from_address(limited_app), f"person{n}@example.org", "Welkom2026!").status_code
        for n in range(20)
    ]
    assert codes == [400] * 20
    assert login(from_address(limited_app), scene["coordinator_b"]).status_code == 429
    assert (
        login(from_address(limited_app, "198.51.100.7"), scene["coordinator_b"]).status_code == 302
    )


def test_guessed_links_are_limited_per_address_but_a_working_link_always_opens(limited_app, scene):
    school = from_address(limited_app)
    codes = [school.get(f"/i/guess-{n:04d}").status_code for n in range(30)]
    assert codes == [404] * 30
    refused = school.get("/i/guess-0031")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    # A colleague behind the same address opens their own link: it is not a guess.
    assert from_address(limited_app).get(f"/i/{scene['token_a']}").status_code == 302
    assert from_address(limited_app, "198.51.100.7").get("/i/guess-x").status_code == 404


def test_password_links_that_do_not_work_count_as_link_guesses(limited_app, scene):
    school = from_address(limited_app)
    for n in range(30):
        assert school.get(f"/wachtwoord/not-a-link-{n}").status_code == 404
    assert school.get("/wachtwoord/not-a-link-x").status_code == 429
    assert school.get("/i/guess").status_code == 429
    assert school.get(f"/wachtwoord/{reset_token(limited_app, scene)}").status_code == 200


def test_choosing_a_password_is_limited_per_link(limited_app, scene):
    token = reset_token(limited_app, scene)
    client = from_address(limited_app)
    short = {"password": "short", "confirm": "short"}
    codes = [client.post(f"/wachtwoord/{token}", data=short).status_code for _ in range(10)]
    assert codes == [400] * 10
    assert client.post(f"/wachtwoord/{token}", data=short).status_code == 429
    # Another person's link, from the same address, is not affected.
    with limited_app.test_request_context():
        from selfscan.account.links import LinkPurpose, make_token

        other = make_token(scene["coordinator_b"], LinkPurpose.RESET)
    new = {"password": "a brand new password", "confirm": "a brand new password"}
    assert client.post(f"/wachtwoord/{other}", data=new).status_code == 302


def test_password_reset_requests_are_limited_per_address_asked_for(limited_app, scene):
    """Five mails an hour to one address at most, known or unknown alike (no enumeration)."""
    for email in (scene["coordinator_a"].email, "nobody@example.org"):
        codes = [
            from_address(limited_app)
            .post("/wachtwoord-vergeten", data={"email": email})
            .status_code
            for _ in range(5)
        ]
        assert codes == [302] * 5
        refused = from_address(limited_app, "198.51.100.7").post(
            "/wachtwoord-vergeten", data={"email": email}
        )
        assert refused.status_code == 429


def test_password_reset_requests_are_limited_per_client_address(limited_app, scene):
    codes = [
        from_address(limited_app)
        .post("/wachtwoord-vergeten", data={"email": f"person{n}@example.org"})
        .status_code
        for n in range(10)
    ]
    assert codes == [302] * 10
    refused = from_address(limited_app).post(
        "/wachtwoord-vergeten", data={"email": scene["coordinator_a"].email}
    )
    assert refused.status_code == 429
    other = from_address(limited_app, "198.51.100.7").post(
        "/wachtwoord-vergeten", data={"email": scene["coordinator_a"].email}
    )
    assert other.status_code == 302


def test_two_apps_on_one_database_share_their_counts(limited_app, engine, database_url, scene):
    """What two gunicorn workers (or app servers) see: one count."""
    other = make_app(database_url, RATELIMIT_ENABLED=True)
    try:
        for n in range(3):
            login(from_address(limited_app), scene["coordinator_a"], f"wrong {n}")
            login(from_address(other), scene["coordinator_a"], f"wrong {n}")
        assert login(from_address(limited_app), scene["coordinator_a"]).status_code == 429
        assert login(from_address(other), scene["coordinator_a"]).status_code == 429
    finally:
        other.extensions["selfscan.engine"].dispose()


def test_in_memory_counters_count_apart_per_process(engine, database_url, scene):
    """Why memory:// is refused with several workers: each app counts on its own."""
    apps = [make_app(database_url, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=True)]
    apps.append(make_app(database_url, RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=True))
    try:
        for n in range(5):
            login(from_address(apps[0]), scene["coordinator_a"], f"wrong {n}")
        assert login(from_address(apps[0]), scene["coordinator_a"]).status_code == 429
        assert login(from_address(apps[1]), scene["coordinator_a"]).status_code == 302
    finally:
        for app in apps:
            app.extensions["selfscan.engine"].dispose()


def test_counters_hold_no_e_mail_address_or_link(limited_app, scene, db):
    login(from_address(limited_app), scene["coordinator_a"], "wrong")
    from_address(limited_app).get("/i/guess-secret-token")
    from_address(limited_app).post("/wachtwoord-vergeten", data={"email": "nobody@example.org"})
    keys = " ".join(db.exec(select(RateLimitCounter.key)))
    assert keys and "@" not in keys and "example" not in keys and "secret" not in keys


def test_a_counter_starts_again_when_its_window_ends(limited_app, scene, db, monkeypatch):
    for _ in range(5):
        login(from_address(limited_app), scene["coordinator_a"], "wrong")
    assert login(from_address(limited_app), scene["coordinator_a"]).status_code == 429
    monkeypatch.setattr(throttle, "now", lambda: START + 61)
    assert login(from_address(limited_app), scene["coordinator_a"]).status_code == 302


def test_purge_deletes_the_counters_whose_window_ended(limited_app, scene, db, monkeypatch):
    login(from_address(limited_app), scene["coordinator_a"], "wrong")
    runner = limited_app.test_cli_runner()
    assert "0 ended rate-limit counter(s)" in runner.invoke(args=["purge"]).output
    monkeypatch.setattr(throttle, "now", lambda: START + 2 * 3600)
    assert "4 ended rate-limit counter(s)" in runner.invoke(args=["purge"]).output
    assert list(db.exec(select(RateLimitCounter))) == []


def test_a_limited_request_gets_the_page_in_the_persons_language(limited_app, scene):
    for _ in range(5):
        login(from_address(limited_app), scene["coordinator_a"], "wrong")
    page = login(from_address(limited_app), scene["coordinator_a"]).get_data(as_text=True)
    assert "Te veel pogingen" in page


# --- the API's personal tokens ------------------------------------------------------------------


def api_client(app: Flask, token: str, address: str = "192.0.2.10") -> Any:
    """A program behind `address` that sends `token` with every request."""
    client = from_address(app, address)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_api_requests_are_limited_per_token(limited_app, scene):
    allowed = throttle.API_TOKEN.items[0].amount  # per minute
    program = api_client(limited_app, scene["api_tokens"]["coordinator_a"])
    codes = [program.get("/api/v1/regions").status_code for _ in range(allowed)]
    assert codes == [200] * allowed
    refused = program.get("/api/v1/regions")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.get_json()["code"] == 429 and "Retry-After" in refused.get_json()["message"]
    # The limit is the token's: another person's token from the same address still works.
    other = api_client(limited_app, scene["api_tokens"]["coordinator_b"])
    assert other.get("/api/v1/regions").status_code == 200


def test_api_tokens_that_do_not_work_are_limited_per_address_but_a_working_one_still_works(
    limited_app, scene
):
    allowed = throttle.API_TOKEN_ADDRESS.items[0].amount  # per minute
    guesser = api_client(limited_app, "sst_" + "x" * 43)
    codes = [guesser.get("/api/v1/rounds").status_code for _ in range(allowed)]
    assert codes == [401] * allowed
    assert guesser.get("/api/v1/rounds").status_code == 429
    # Another address is not affected; a working token behind the same address is not a guess.
    assert (
        api_client(limited_app, "sst_guess", "192.0.2.99").get("/api/v1/rounds").status_code == 401
    )
    working = api_client(limited_app, scene["api_tokens"]["coordinator_a"])
    assert working.get("/api/v1/rounds").status_code == 200
