"""The app as `make run` serves it: one port for UI, API and health; CORS only for the app's own origin."""

from __future__ import annotations

import httpx
import pytest
import simple_websocket

from tests.support.live_app import SCRAPE_TOKEN

pytestmark = pytest.mark.browser

FOREIGN = "https://evil.example"


def test_one_port_serves_ui_api_health_and_metrics(live_app_url):
    with httpx.Client(base_url=live_app_url, timeout=10) as client:
        assert client.get("/health").json()["database"] == "ok"
        assert client.get("/api/openapi.json").json()["info"]["title"] == "AutoDevHub API"
        assert client.get("/metrics").status_code == 401
        scraped = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
        assert "autodevhub_http_requests_total" in scraped.text
        page = client.get("/")
        assert page.status_code == 200
        assert "<html" in page.text.lower()
        assert page.headers["x-content-type-options"] == "nosniff"


def test_the_start_up_log_says_which_address_to_open(live_app):
    assert f"AutoDevHub is ready: open {live_app.url} " in live_app.log.read_text(errors="replace")


def test_cors_preflight_from_a_foreign_origin_is_refused(live_app_url):
    headers = {"Origin": FOREIGN, "Access-Control-Request-Method": "POST"}
    response = httpx.options(f"{live_app_url}/api/projects", headers=headers, timeout=10)
    assert response.status_code == 400
    assert response.headers.get("access-control-allow-origin") != FOREIGN


def test_cross_origin_read_gets_no_cors_grant(live_app_url):
    response = httpx.get(f"{live_app_url}/health", headers={"Origin": FOREIGN}, timeout=10)
    assert "access-control-allow-origin" not in response.headers


def test_own_origin_is_allowed(live_app_url):
    own = live_app_url.replace("127.0.0.1", "localhost")
    headers = {"Origin": own, "Access-Control-Request-Method": "POST"}
    response = httpx.options(f"{live_app_url}/api/projects", headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == own


def open_event_socket(live_app_url: str, origin: str) -> str:
    """Open Reflex's event websocket with this Origin; returns the Engine.IO greeting or raises."""
    url = live_app_url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    socket = simple_websocket.Client.connect(url, headers={"Origin": origin})
    try:
        return socket.receive(timeout=10)
    finally:
        socket.close()


def test_websocket_from_the_own_origin_opens(live_app_url):
    assert open_event_socket(live_app_url, live_app_url).startswith("0{")


def test_websocket_from_a_foreign_origin_is_refused(live_app_url):
    with pytest.raises((simple_websocket.ConnectionError, simple_websocket.ConnectionClosed)):
        open_event_socket(live_app_url, FOREIGN)
