"""E-mail: rendered from Dutch and English templates, sent by SMTP or written to a folder.

Without MAIL_HOST every mail is written as an .eml file into MAIL_FOLDER (default
instance/mail) and logged, so a demo works offline. Templates live in templates/mail/ as
`<name>.<language>.txt` and `<name>.<language>.html`; each sets `subject` at the top.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

LANGUAGES = ("nl", "en")
SMTP_TIMEOUT_SECONDS = 30


class MailError(RuntimeError):
    """A mail could not be handed to the mail server or written to the folder."""


@dataclass(frozen=True)
class Mail:
    """A rendered mail, ready to send."""

    to: str
    subject: str
    text: str
    html: str

    def message(self, sender: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(self.text)
        message.add_alternative(self.html, subtype="html")
        return message


def render(template: str, language: str, /, *, to: str, **context: Any) -> Mail:
    """Render mail TEMPLATE in LANGUAGE (nl or en); HTML parts are autoescaped."""
    language = language if language in LANGUAGES else LANGUAGES[0]
    env = current_app.jinja_env
    text_module = env.get_template(f"mail/{template}.{language}.txt").make_module(context)
    html_module = env.get_template(f"mail/{template}.{language}.html").make_module(context)
    subject = " ".join(str(getattr(text_module, "subject", "Selfscan")).split())
    return Mail(to=to, subject=subject, text=str(text_module).strip() + "\n", html=str(html_module))


def absolute_url(path: str) -> str:
    """A link for a mail: the configured BASE_URL joined to a path of this site."""
    return current_app.config["BASE_URL"].rstrip("/") + "/" + path.lstrip("/")


def send(mail: Mail) -> None:
    """Send one mail; raises MailError when it cannot be delivered to the server."""
    with postbox() as post:
        post(mail)


@contextmanager
def postbox() -> Iterator[Any]:
    """A function that sends mails over one connection (or into the folder without a host)."""
    config = current_app.config
    sender = config["MAIL_SENDER"]
    if not config.get("MAIL_HOST"):
        folder = Path(config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail")
        yield lambda mail: _write(folder, mail.message(sender), mail)
        return
    try:
        connection = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"cannot reach the mail server {config['MAIL_HOST']}: {error}") from error
    try:

        def post(mail: Mail) -> None:
            try:
                connection.send_message(mail.message(sender))
            except smtplib.SMTPException as error:
                raise MailError(
                    f"the mail server refused the mail to {mail.to}: {error}"
                ) from error
            log.info("mail sent to %s: %s", mail.to, mail.subject)

        yield post
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def send_all(mails: Iterable[Mail]) -> list[tuple[Mail, MailError]]:
    """Send several mails over one connection; returns the ones that failed, with why."""
    failed: list[tuple[Mail, MailError]] = []
    mails = list(mails)
    try:
        with postbox() as post:
            for mail in mails:
                try:
                    post(mail)
                except MailError as error:
                    log.warning("%s", error)
                    failed.append((mail, error))
    except MailError as error:
        log.warning("%s", error)
        done = {id(m) for m, _ in failed}
        failed.extend((m, error) for m in mails if id(m) not in done)
    return failed


def _connect(config: Any) -> smtplib.SMTP:
    host, port = config["MAIL_HOST"], config["MAIL_PORT"]
    context = ssl.create_default_context()
    if config.get("MAIL_SSL"):
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=SMTP_TIMEOUT_SECONDS, context=context
        )
    else:
        connection = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS)
        if config.get("MAIL_STARTTLS"):
            connection.starttls(context=context)
    if config.get("MAIL_USERNAME"):
        connection.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return connection


def _write(folder: Path, message: EmailMessage, mail: Mail) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
    except OSError as error:
        raise MailError(f"cannot write the mail to {folder}: {error}") from error
    # No MAIL_HOST: the folder is the outbox. The log names the file, not the personal link.
    log.info("mail to %s (%s) written to %s", mail.to, mail.subject, path)
