"""The `selfscan invitations` commands: a link shown once at creation, a list without links,
a new link on renewal (the old one stops working), and revocation."""

from __future__ import annotations

import re

from sqlmodel import select

from selfscan.models import Invitation
from selfscan.services.invitations import hash_token

LINK = re.compile(r"http://127\.0\.0\.1:8000/i/([A-Za-z0-9_-]+)")


def _add(runner, email="ria@example.org", organisation="School A"):
    return runner.invoke(
        args=[
            "invitations",
            "add",
            "--round",
            "ronde-1",
            "--region",
            "regio-a",
            "--organisation",
            organisation,
            "--name",
            "Ria",
            "--email",
            email,
        ]
    )


def test_add_prints_the_link_once_and_stores_only_its_hash(runner, db, world, client):
    result = _add(runner, email="Ria@Example.org")
    assert result.exit_code == 0, result.output
    token = LINK.search(result.output).group(1)
    assert len(token) >= 22  # at least 128 bits in URL-safe base64
    invitation = db.exec(select(Invitation)).one()
    assert invitation.email == "ria@example.org"
    assert invitation.token_hash == hash_token(token)
    assert client.get(f"/i/{token}").status_code == 302
    listing = runner.invoke(args=["invitations", "list", "--round", "ronde-1"])
    assert listing.exit_code == 0
    assert "ria@example.org" in listing.output and "not opened" in listing.output
    assert token not in listing.output


def test_add_refuses_unknown_organisations_and_duplicates(runner, db, world):
    assert _add(runner).exit_code == 0
    duplicate = _add(runner)
    assert duplicate.exit_code != 0 and "already invited" in duplicate.output
    other_region = _add(runner, email="bob@example.org", organisation="School B")
    assert other_region.exit_code != 0 and "no organisation" in other_region.output
    assert len(db.exec(select(Invitation)).all()) == 1


def test_renew_gives_a_new_link_and_the_old_one_stops_working(runner, db, world, app):
    old = LINK.search(_add(runner).output).group(1)
    invitation = db.exec(select(Invitation)).one()
    result = runner.invoke(args=["invitations", "renew", str(invitation.id)])
    assert result.exit_code == 0
    new = LINK.search(result.output).group(1)
    assert new != old
    assert app.test_client().get(f"/i/{old}").status_code == 404
    assert app.test_client().get(f"/i/{new}").status_code == 302


def test_revoke_stops_the_link_and_shows_in_the_list(runner, db, world, app):
    token = LINK.search(_add(runner).output).group(1)
    invitation = db.exec(select(Invitation)).one()
    assert runner.invoke(args=["invitations", "revoke", str(invitation.id)]).exit_code == 0
    assert app.test_client().get(f"/i/{token}").status_code == 404
    listing = runner.invoke(
        args=["invitations", "list", "--round", "ronde-1", "--region", "regio-a"]
    )
    assert "revoked" in listing.output
    assert runner.invoke(args=["invitations", "renew", str(invitation.id)]).exit_code != 0
    assert runner.invoke(args=["invitations", "renew", "999"]).exit_code != 0
