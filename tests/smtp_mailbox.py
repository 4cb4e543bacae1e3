"""A real SMTP server on 127.0.0.1 that keeps every message it receives, for mail tests."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import Engine

from conftest import make_app

LINK_RE = re.compile(r"https?://\S+/i/[A-Za-z0-9_-]+")


class Mailbox:
    """aiosmtpd handler: collects messages; `wait_for(n)` waits until n have arrived."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mails, got {len(self.messages)}")

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]


def link_in(message: EmailMessage) -> str:
    """The personal link in a mail's plain-text part."""
    match = LINK_RE.search(text_of(message))
    assert match, text_of(message)
    return match.group(0)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        controller.stop()


def mail_config(mailbox_port: int) -> dict[str, Any]:
    return {
        "MAIL_HOST": "127.0.0.1",
        "MAIL_PORT": mailbox_port,
        "MAIL_STARTTLS": False,
        "MAIL_SSL": False,
        "MAIL_SENDER": "Selfscan <selfscan@example.org>",
        "BASE_URL": "https://selfscan.example.org",
    }


@pytest.fixture
def mail_app(engine: Engine, database_url: str, mailbox: Mailbox) -> Iterator[Flask]:
    """The app, sending its mail to the test SMTP server."""
    app = make_app(database_url, **mail_config(mailbox.port))
    yield app
    app.extensions["selfscan.engine"].dispose()
