"""Password reset by e-mail: the same answer for every address, single-use expiring links,
and a new password ends every other session of the account."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from itsdangerous.timed import TimestampSigner
from smtp_mailbox import text_of

from conftest import PASSWORD, login
from selfscan.models import User

NEW_PASSWORD = "a brand new long password"


@pytest.fixture
def app(mail_app):
    return mail_app


def _reset_path(message) -> str:
    for word in text_of(message).split():
        if "/wachtwoord/" in word:
            return urlsplit(word).path
    raise AssertionError(text_of(message))


def _ask(client, email: str):
    return client.post("/wachtwoord-vergeten", data={"email": email})


def test_known_and_unknown_addresses_get_the_same_answer(client, world, mailbox):
    known = _ask(client, "coordinator-a@example.org")
    unknown = _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    page_known = client.get(known.headers["Location"]).get_data(as_text=True)
    _ask(client, "nobody@example.org")
    page_unknown = client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert "Als er een account" in page_known and "Als er een account" in page_unknown
    [message] = mailbox.wait_for(1)
    assert message["To"] == "coordinator-a@example.org"
    time.sleep(0.3)
    assert len(mailbox.messages) == 1


def test_a_deactivated_account_gets_no_mail(client, world, mailbox, db):
    user = world["coordinator_a"]
    user.is_active = False
    db.add(user)
    db.commit()
    assert _ask(client, user.email).status_code == 302
    time.sleep(0.3)
    assert mailbox.messages == []


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(app, client, world, mailbox, db):
    user = world["coordinator_a"]
    other_device = app.test_client()
    login(other_device, user)
    assert other_device.get("/").status_code == 200

    _ask(client, user.email)
    path = _reset_path(mailbox.wait_for(1)[0])
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302

    assert other_device.get("/").status_code == 302  # the other session has ended
    assert login(client, user, PASSWORD).status_code == 400
    assert login(client, user, NEW_PASSWORD).status_code == 302
    # Single use: the same link no longer works, also not for a second change.
    assert client.get(path).status_code == 404
    again = client.post(
        path, data={"password": "yet another password!", "confirm": "yet another password!"}
    )
    assert again.status_code == 404


def test_an_expired_link_does_not_work(client, world, mailbox, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 3 * 3600)
    _ask(client, world["coordinator_a"].email)
    path = _reset_path(mailbox.wait_for(1)[0])
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    assert client.get(path).status_code == 404
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 404
    assert login(client, world["coordinator_a"], NEW_PASSWORD).status_code == 400


def test_a_tampered_link_does_not_work(client, world, mailbox):
    _ask(client, world["coordinator_a"].email)
    path = _reset_path(mailbox.wait_for(1)[0])
    assert client.get(path[:-2] + "xx").status_code == 404


@pytest.mark.parametrize(
    "form",
    [
        {"password": "short", "confirm": "short"},
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"},
        {"password": "", "confirm": ""},
    ],
)
def test_bad_new_passwords_are_refused_and_nothing_changes(client, world, mailbox, db, form):
    user = world["coordinator_a"]
    before = db.get(User, user.id).password_hash
    _ask(client, user.email)
    path = _reset_path(mailbox.wait_for(1)[0])
    assert client.post(path, data=form).status_code == 400
    db.refresh(user)
    assert user.password_hash == before
    assert client.get(path).status_code == 200  # the link still works after a mistake


def test_asking_needs_a_valid_address_and_a_csrf_token(client, world):
    assert client.post("/wachtwoord-vergeten", data={"email": "not an address"}).status_code == 400
    response = client.post("/wachtwoord-vergeten", data={"email": "a@example.org"}, csrf=False)
    assert response.status_code == 400
