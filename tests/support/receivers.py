"""Real local receivers for notification tests: an SMTP server (aiosmtpd) and an HTTP endpoint for json://."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from tests.support.loopback import LoopbackServer


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpReceiver:
    """An SMTP server on a spare loopback port that keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.port = spare_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or b""))
        return "250 OK"

    def url(self, to: str = "dev@example.com") -> str:
        return f"mailto://127.0.0.1:{self.port}?from=bot@example.com&to={to}&mode=insecure"

    def start(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        receiver: HttpReceiver = self.server.fake  # type: ignore[attr-defined]
        receiver.received.append((time.monotonic(), json.loads(body or b"{}")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class HttpReceiver(LoopbackServer):
    """Takes json:// notifications: every body received, with the monotonic time it arrived."""

    def __init__(self) -> None:
        super().__init__(_Hook)
        self.received: list[tuple[float, dict]] = []

    @property
    def json_url(self) -> str:
        return self.url.replace("http://", "json://", 1) + "/hook"

    @property
    def bodies(self) -> list[dict]:
        return [body for _, body in self.received]


@pytest.fixture(name="http_receiver")
def http_receiver_fixture() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture(name="smtp_receiver")
def smtp_receiver_fixture() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver().start()
    yield receiver
    receiver.stop()
