"""Signing in and out: argon2id, sessions that end everywhere, no open redirects."""

from __future__ import annotations

import subprocess
import sys

import pytest
from argon2 import PasswordHasher, profiles
from sqlmodel import select

from conftest import PASSWORD, login
from selfscan.account.views import safe_next
from selfscan.infra import passwords
from selfscan.models import User


def test_sign_in_with_the_right_password_only(client, world):
    assert login(client, world["coordinator_a"], "wrong password!").status_code == 400
    assert client.get("/").status_code == 302
    assert login(client, world["coordinator_a"]).status_code == 302
    assert client.get("/").status_code == 200


def test_unknown_address_and_wrong_password_look_the_same(client, world):
    unknown = login(client, "nobody@example.org", "whatever password")
    wrong = login(client, world["coordinator_a"], "whatever password")
    assert unknown.status_code == wrong.status_code == 400
    message = "horen niet bij een actief account"
    assert message in unknown.get_data(as_text=True)
    assert message in wrong.get_data(as_text=True)


def test_sign_in_needs_csrf(client, world):
    response = client.post(
        "/inloggen", data={"email": world["coordinator_a"].email, "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_deactivated_account_cannot_sign_in_and_its_sessions_end(client, world, db):
    user = world["coordinator_a"]
    login(client, user)
    assert client.get("/").status_code == 200
    user.is_active = False
    db.add(user)
    db.commit()
    assert client.get("/").status_code == 302
    assert login(client, user).status_code == 400


def test_sign_out_ends_every_session_of_the_account(app, world):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, world["coordinator_a"])
    login(phone, world["coordinator_a"])
    assert phone.get("/").status_code == 200
    laptop.post("/uitloggen")
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302


def test_sign_in_starts_a_new_session(client, world):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, world["coordinator_a"])
    with client.session_transaction() as session:
        assert "planted" not in session


def test_old_password_hashes_are_upgraded_on_sign_in(client, world, db, production_hashing):
    user = world["coordinator_a"]
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    user.password_hash = weak
    db.add(user)
    db.commit()
    assert login(client, user).status_code == 302
    upgraded = db.exec(select(User).where(User.id == user.id)).one()
    assert upgraded.password_hash != weak
    assert PasswordHasher().check_needs_rehash(upgraded.password_hash) is False


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "/\n/evil.example",
        "https:evil.example",
        "//",
        "\t//evil.example",
    ],
)
def test_no_open_redirect_after_sign_in(app, client, world, target):
    with app.test_request_context():
        assert safe_next(target) == "/"
    response = client.post(
        "/inloggen",
        data={"email": world["coordinator_a"].email, "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_within_the_site_is_kept(client, world):
    response = client.post(
        "/inloggen",
        data={
            "email": world["coordinator_a"].email,
            "password": PASSWORD,
            "next": "/regio/regio-a/",
        },
    )
    assert response.headers["Location"] == "/regio/regio-a/"


def test_sign_in_is_rate_limited(engine, database_url, world):
    from conftest import make_app

    app = make_app(database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [
        login(client, world["coordinator_a"], f"wrong password {i}").status_code for i in range(7)
    ]
    assert codes[:5] == [400] * 5
    assert codes[-1] == 429
    assert "Te veel pogingen" in login(client, world["coordinator_a"]).get_data(as_text=True)


def test_the_app_hashes_with_rfc_9106_parameters_unless_told_otherwise():
    # The suite itself hashes cheaply (conftest); a fresh process hashes as the app does.
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "from selfscan.infra.passwords import hash_password as h; print(h('a long enough password'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(made, "a long enough password")
    assert not passwords.verify_password(made, "another password")


def test_a_cheap_hash_is_upgraded_to_the_apps_parameters(production_hashing):
    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST).hash(PASSWORD)
    assert passwords.needs_rehash(cheap)
    assert not passwords.needs_rehash(passwords.hash_password(PASSWORD))
