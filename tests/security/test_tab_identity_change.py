"""One browser tab, two people: after a sign-out and another sign-in, nothing of the first user's reaches
the second. Reflex keys state by the tab, not the login, so the app resets every page state when the
session cookie behind the tab changes; the first snapshot (hydrate) is the one that would leak."""

from __future__ import annotations

import json

import pytest

from autodevhub.account.ui.account_state import AccountState
from tests.support.state_harness import SECRETS, Tab, World, build_world

ADMIN_PAGES = ["/admin/users", "/admin/audit", "/", "/stories", "/settings"]


@pytest.fixture
def world(app_db) -> World:
    return build_world()


@pytest.fixture(params=["memory", "redis"])
def store(request: pytest.FixtureRequest) -> str:
    """Where the tab's states live: "" for memory, or a Redis URL (each event fetches only its states)."""
    return request.getfixturevalue("redis_url") if request.param == "redis" else ""


def admin_leaves_a_trail(tab: Tab) -> str:
    """The admin browses everything and leaves a fresh API token on screen; returns the raw token."""
    for page in ADMIN_PAGES:
        tab.open(page)
    tab.open("/account").send(AccountState.create_token, form_data={"token_name": "laptop", "token_days": ""})
    raw = tab.state(AccountState).new_token
    assert raw, tab.state(AccountState).token_error
    seen = json.dumps(tab.snapshot(), default=str)
    assert SECRETS["hidden_project"] in seen and SECRETS["admin"] in seen  # the trail is there to leak
    return raw


def leaked(delta: dict, secrets: list[str]) -> list[str]:
    text = json.dumps(delta, default=str)
    return [secret for secret in secrets if secret in text]


def test_the_next_user_of_a_tab_is_sent_nothing_of_the_last(world: World, store: str) -> None:
    with Tab(cookie=world.cookies["admin"], redis_url=store) as tab:
        raw = admin_leaves_a_trail(tab)
        admins = [raw, SECRETS["hidden_project"], SECRETS["hidden_description"], SECRETS["hidden_story"]]

        tab.cookie = ""  # signed out: the logout route cleared the cookie, the page reloads
        tab.deltas.clear()
        tab.open("/login")
        assert leaked(tab.deltas[0], [*admins, SECRETS["admin"], SECRETS["owner"]]) == []

        tab.cookie = world.cookies["viewer"]  # another person signs in in the same tab
        tab.deltas.clear()
        tab.open("/account")
        assert leaked(tab.deltas[0], [*admins, SECRETS["admin"], SECRETS["owner"]]) == []
        assert tab.state(AccountState).new_token == ""
        assert SECRETS["viewer"] in json.dumps(tab.snapshot(), default=str)  # their own session is shown


def test_the_same_user_keeps_their_page_state(world: World, store: str) -> None:
    with Tab(cookie=world.cookies["admin"], redis_url=store) as tab:
        raw = admin_leaves_a_trail(tab)
        tab.deltas.clear()
        tab.open("/admin/users")  # a navigation (or reconnect) by the same session resets nothing
        assert tab.state(AccountState).new_token == raw
