"""Mail: templates in Dutch and English with escaped HTML, SMTP delivery, the offline folder."""

from __future__ import annotations

import logging

import pytest
from smtp_mailbox import free_port, html_of, text_of

from conftest import make_app
from selfscan.infra import mail

EVIL = '<script>alert("x")</script> & Co'


def _invitation_context() -> dict[str, str]:
    return {
        "name": EVIL,
        "region_name": "Regio <A>",
        "organisation_name": "School & Zo",
        "round_title": "Ronde 1",
        "closes": "1 maart 2026",
        "link": "https://selfscan.example.org/i/abc",
        "final": "",
    }


@pytest.mark.parametrize("language", ["nl", "en"])
def test_html_part_is_escaped_and_text_part_is_plain(app, language):
    with app.app_context():
        rendered = mail.render("invitation", language, to="a@example.org", **_invitation_context())
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert EVIL in rendered.text
    assert "https://selfscan.example.org/i/abc" in rendered.text
    assert "https://selfscan.example.org/i/abc" in rendered.html
    assert "Regio <A>" in rendered.subject


def test_dutch_and_english_templates_differ(app):
    with app.app_context():
        nl = mail.render("password_reset", "nl", to="a@example.org", name="A", link="L", hours=2)
        en = mail.render("password_reset", "en", to="a@example.org", name="A", link="L", hours=2)
        fallback = mail.render(
            "password_reset", "de", to="a@example.org", name="A", link="L", hours=2
        )
    assert nl.subject == "Een nieuw wachtwoord voor Selfscan"
    assert en.subject == "A new password for Selfscan"
    assert fallback.subject == nl.subject


def test_smtp_delivers_plain_text_and_html(mail_app, mailbox):
    with mail_app.app_context():
        mail.send(mail.render("invitation", "nl", to="p@example.org", **_invitation_context()))
    [message] = mailbox.wait_for(1)
    assert message["To"] == "p@example.org"
    assert message["From"] == "Selfscan <selfscan@example.org>"
    assert "https://selfscan.example.org/i/abc" in text_of(message)
    assert "&lt;script&gt;" in html_of(message)


def test_without_a_mail_host_mails_are_written_to_the_folder_and_logged(
    engine, database_url, tmp_path, caplog
):
    app = make_app(database_url, MAIL_HOST=None, MAIL_FOLDER=str(tmp_path / "outbox"))
    caplog.set_level(logging.INFO, logger="selfscan.infra.mail")
    with app.app_context():
        mail.send(mail.render("invitation", "en", to="p@example.org", **_invitation_context()))
    [written] = list((tmp_path / "outbox").glob("*.eml"))
    content = written.read_bytes()
    assert b"To: p@example.org" in content
    assert "p@example.org" in caplog.text and str(written) in caplog.text
    app.extensions["selfscan.engine"].dispose()


def test_an_unreachable_server_is_reported_for_every_mail(engine, database_url):
    app = make_app(database_url, MAIL_HOST="127.0.0.1", MAIL_PORT=free_port(), MAIL_STARTTLS=False)
    with app.app_context():
        mails = [
            mail.render("invitation", "nl", to=f"p{i}@example.org", **_invitation_context())
            for i in range(2)
        ]
        failed = mail.send_all(mails)
        with pytest.raises(mail.MailError):
            mail.send(mails[0])
    assert [m.to for m, _ in failed] == ["p0@example.org", "p1@example.org"]
    app.extensions["selfscan.engine"].dispose()
