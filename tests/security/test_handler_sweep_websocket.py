"""The sweep's last word: a hand-crafted Socket.IO event sent by a script to the running app.

No browser is involved: the script speaks Engine.IO v4 / Socket.IO v5 to /_event itself, anonymously and
then with a signed-in global viewer's cookie, and calls the protected create-project handler directly. The
app answers with the refusal and the database (in the live app's data directory) stays without the project.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
import simple_websocket
from reflex_base.utils.format import format_event_handler

from autodevhub.auth.web_session import WEB_COOKIE
from autodevhub.projects.ui.list_state import ProjectsState
from tests.support.browser_accounts import create_account
from tests.support.live_app import LiveApp

pytestmark = pytest.mark.browser

NAMESPACE = "/_event"
TIMEOUT = 60.0  # a loaded 2-core machine can take seconds to answer the handshake
INTRUDER = "Websocket intruder"


class SocketIO:
    """The least of Engine.IO v4 and Socket.IO v5 a script needs to talk to Reflex's event endpoint."""

    def __init__(self, base_url: str, token: str, cookie: str = "") -> None:
        url = base_url.replace("http://", "ws://") + f"{NAMESPACE}/?EIO=4&transport=websocket&token={token}"
        self.ws = simple_websocket.Client.connect(url, headers={"Cookie": cookie} if cookie else None)
        assert self.ws.receive(timeout=TIMEOUT).startswith(
            "0"
        )  # Engine.IO open: {"sid": ..., "pingInterval": ...}
        self.ws.send(f"40{NAMESPACE},{{}}")  # Socket.IO CONNECT to the namespace, no boot event
        assert next(self.packets(f"40{NAMESPACE},")), "the namespace did not accept the connection"

    def emit(self, name: str, data: dict) -> None:
        self.ws.send(f"42{NAMESPACE},{json.dumps([name, data])}")

    def packets(self, prefix: str) -> Iterator[str]:
        """Packets starting with `prefix` (without it), answering Engine.IO pings on the way."""
        while True:
            packet = self.ws.receive(timeout=TIMEOUT)
            if packet is None:
                raise TimeoutError(f"no {prefix!r} packet within {TIMEOUT} s")
            if packet == "2":
                self.ws.send("3")
            elif packet.startswith(prefix):
                yield packet[len(prefix) :]

    def close(self) -> None:
        self.ws.close()


def project_names(app: LiveApp) -> list[str]:
    with closing(sqlite3.connect(app.data_dir / "autodevhub.core.db")) as connection:
        return [name for (name,) in connection.execute("SELECT name FROM projects")]


def create_project_by_hand(app: LiveApp, cookie: str = "") -> list[str]:
    """Send ProjectsState.create_project over a raw socket; returns the error(s) the handler set."""
    client = SocketIO(app.url, token=str(uuid.uuid4()), cookie=cookie)
    try:
        client.emit(
            "event",
            {
                "name": format_event_handler(ProjectsState.event_handlers["create_project"]),
                "payload": {"form_data": {"name": INTRUDER, "description": "", "repo": ""}},
                # From a page whose on_load does not touch ProjectsState: only the handler can set its error.
                "router_data": {"pathname": "/", "asPath": "/", "query": {}},
            },
        )
        for packet in client.packets(f"42{NAMESPACE},"):
            _, update = json.loads(packet)
            delta = update.get("delta", {}).get(ProjectsState.get_full_name(), {})
            if "error_rx_state_" in delta:
                return [delta["error_rx_state_"]]
    finally:
        client.close()
    return []


def viewer_cookie(app: LiveApp) -> str:
    """Sign a fresh global viewer in through the real login form; returns its Cookie header."""
    create_account(app, "Root", "Admin", role="admin")  # the very first account would become an admin
    viewer = create_account(app, "Vera", "Viewer", role="viewer")
    form = {"email": viewer.email, "password": viewer.password, "next": "/"}
    response = httpx.post(f"{app.url}/auth/web/login", data=form, headers={"Origin": app.url}, timeout=20)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    return f"{WEB_COOKIE}={response.cookies[WEB_COOKIE]}"


def test_a_handcrafted_anonymous_event_creates_nothing(live_app: LiveApp) -> None:
    before = project_names(live_app)
    assert create_project_by_hand(live_app) == ["Sign in to continue."]
    assert project_names(live_app) == before


def test_a_handcrafted_event_from_a_signed_in_viewer_creates_nothing(live_app: LiveApp) -> None:
    before = project_names(live_app)
    assert create_project_by_hand(live_app, viewer_cookie(live_app)) == ["Your role does not allow this."]
    assert project_names(live_app) == before
