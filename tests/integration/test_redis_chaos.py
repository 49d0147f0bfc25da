"""Chaos: Redis stops mid-session and starts again; the session goes on and nothing is lost.

The app runs in-process against a redis-server of the test's own: the FastAPI app (sign-in and sign-out
forms, the REST API, /health) and browser tabs whose events go through Reflex's event processor (the
state harness keeps Reflex's own tab state in memory: what Reflex's Redis state manager does when Redis
dies is in the README). Redis saves its data when it stops, so the session entry cached before the
outage comes back with it: a logout made meanwhile must still hold.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from autodevhub.admin.ui.users_state import UsersState
from autodevhub.auth.tokens import token_hash
from autodevhub.auth.web_session import WEB_COOKIE
from autodevhub.core import breaker
from autodevhub.core.cache import KEY_PREFIX
from autodevhub.core.db import get_engine
from autodevhub.core.security_headers import with_security_headers
from autodevhub.core.settings import get_settings
from autodevhub.models import User, UserStory
from autodevhub.stories.ui.generator_state import StoryGeneratorState
from autodevhub.ui.session_state import SessionState
from autodevhub.web.api import create_api
from tests.support.helpers import PASSWORD, bearer
from tests.support.redis_server import RedisServer, redis_server_fixture  # noqa: F401 (fixture)
from tests.support.state_harness import ORIGIN, SECRETS, Tab, World, build_world, cookie_for

COOLDOWN = 0.5
RECOVERY_TIMEOUT = 10.0
FEATURE = "As a flight director I want a go/no-go poll of every console so that the landing can proceed."


@pytest.fixture
def world(monkeypatch, app_db, redis_server: RedisServer) -> World:
    """The harness's users, projects and stories, with the app's cache and rate limits on our Redis."""
    monkeypatch.setattr(breaker, "COOLDOWN_SECONDS", COOLDOWN)
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    get_settings.cache_clear()
    return build_world()


@pytest.fixture
def client() -> TestClient:
    return TestClient(with_security_headers(create_api()), base_url=ORIGIN)


def sign_in(client: TestClient, email: str) -> str:
    """The login form's POST, as the browser sends it: the new session cookie."""
    form = {"email": email, "password": PASSWORD, "next": "/stories"}
    response = client.post("/auth/web/login", data=form, headers={"Origin": ORIGIN}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/stories")
    client.cookies.clear()
    return response.cookies[WEB_COOKIE]


def sign_out(client: TestClient, raw: str) -> None:
    """The sign-out form's POST from the page."""
    client.cookies.set(WEB_COOKIE, raw)
    response = client.post("/auth/web/logout", headers={"Origin": ORIGIN}, follow_redirects=False)
    client.cookies.clear()
    assert (response.status_code, response.headers["location"]) == (303, "/login")


def signed_in_as(tab: Tab, route: str = "/") -> str:
    """Whom the page at `route` shows as signed in ("" for nobody), after the tab opens it."""
    return tab.open(route).state(SessionState).user_email


def shown(tab: Tab) -> str:
    return json.dumps(tab.deltas, ensure_ascii=False, default=str)


def cached_session(redis_server: RedisServer, raw: str) -> bool:
    return redis_server.client().exists(f"{KEY_PREFIX}session:{token_hash(raw)}") == 1


def wait_for_redis(client: TestClient) -> dict:
    """/health once it sees Redis again (the breaker lets a trial call through after its cooldown)."""
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    while (body := client.get("/health").json())["redis"] != "ok":
        assert time.monotonic() < deadline, f"Redis not seen again within {RECOVERY_TIMEOUT:.0f} s: {body}"
        time.sleep(0.1)
    return body


def test_a_session_survives_redis_stopping_and_starting_again(world, client, redis_server):
    member = sign_in(client, SECRETS["member"])
    api = client.post("/auth/login", json={"email": SECRETS["member"], "password": PASSWORD}).json()
    with Tab(cookie=cookie_for(member)) as tab, Tab(cookie=world.cookies["admin"]) as admin:
        assert signed_in_as(tab) == SECRETS["member"]
        assert cached_session(redis_server, member)

        redis_server.stop()
        health = client.get("/health")
        assert (health.status_code, health.json()["status"], health.json()["redis"]) == (
            200,
            "degraded",
            "unavailable",
        )

        # browse
        assert signed_in_as(tab, "/stories") == SECRETS["member"]
        assert SECRETS["story"] in shown(tab)
        tab.open("/stories/[story_id]", story_id=world.story_id)
        assert not tab.errors
        assert (
            client.get(f"/api/stories/{world.story_id}", headers=bearer(api["access_token"])).status_code
            == 200
        )

        # generate a story in the page, and one through the API
        form = {"feature_description": FEATURE, "project_id": world.project_id}
        result = tab.open("/stories/new").send(StoryGeneratorState.generate, form_data=form)
        made = result.state(StoryGeneratorState).result
        assert made.story_id and made.status == "draft", result.state(StoryGeneratorState).error
        body = {"project_id": world.project_id, "feature_description": FEATURE.replace("director", "surgeon")}
        created = client.post("/api/stories/generate", json=body, headers=bearer(api["access_token"]))
        assert created.status_code == 201, created.text

        # an admin deactivates the viewer; the member signs out
        admin.open("/admin/users").send(UsersState.deactivate, user_id=world.viewer_id)
        assert admin.state(UsersState).notice.startswith("Account deactivated"), admin.state(UsersState).error
        sign_out(client, member)
        assert client.post("/auth/logout", headers=bearer(api["access_token"])).status_code == 204
        assert signed_in_as(tab) == ""
        assert not tab.errors and not admin.errors

    redis_server.start()
    assert cached_session(redis_server, member)  # back from Redis's snapshot, stale
    assert wait_for_redis(client)["status"] == "ok"
    with Tab(cookie=cookie_for(member)) as tab, Tab(cookie=world.cookies["viewer"]) as viewer:
        assert signed_in_as(tab) == "" and signed_in_as(viewer) == ""
    assert not cached_session(redis_server, member)
    assert client.get("/api/me", headers=bearer(api["access_token"])).status_code == 401
    with Session(get_engine()) as session:
        assert session.get(UserStory, uuid.UUID(made.story_id)).feature_description == FEATURE
        assert session.get(UserStory, uuid.UUID(created.json()["id"])) is not None
        assert session.get(User, uuid.UUID(world.viewer_id)).is_active is False
