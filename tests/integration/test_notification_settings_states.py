"""The project's Notifications settings page, driven in-process as a browser tab would: add channels,
send a test to a real local receiver, choose events, delete; the URL never reaches the tab."""

from __future__ import annotations

import json

import pytest

from autodevhub.notifications.ui.settings_state import NotificationSettingsState as Settings
from tests.support.receivers import http_receiver_fixture, smtp_receiver_fixture  # noqa: F401 (fixtures)
from tests.support.state_harness import Tab, World, build_world

ROUTE = "/settings/projects/[project_id]/notifications"
HOOK_SECRET = "hook-secret-token-42"


@pytest.fixture
def world(app_db) -> World:
    return build_world()


def form(name: str, url: str, *events: str, **filters: str) -> dict:
    return {"name": name, "url": url, **{f"event:{event}": "on" for event in events}, **filters}


def open_settings(world: World, who: str = "owner") -> Tab:
    return Tab(cookie=world.cookies[who]).open(ROUTE, project_id=world.project_id)


def test_an_owner_adds_a_webhook_and_an_email_channel_and_tests_both(
    world: World, http_receiver, smtp_receiver
) -> None:
    hook_url = f"{http_receiver.json_url}?token={HOOK_SECRET}"
    with open_settings(world) as tab:
        page = tab.state(Settings)
        assert page.found and page.project_name == "Apollo Guidance" and page.channels == []
        tab.send(Settings.add_channel, form_data=form("CI hook", hook_url, "run.failed", branch="main"))
        tab.send(Settings.add_channel, form_data=form("Team mail", smtp_receiver.url(), "run.recovered"))
        page = tab.state(Settings)
        assert page.error == "" and [c.name for c in page.channels] == ["CI hook", "Team mail"]
        hook, mail = page.channels
        assert (hook.kind, hook.events, hook.filters) == ("json", ["run.failed"], "branch main")
        assert hook.url_masked.startswith("json://127.0.0.1") and HOOK_SECRET not in hook.url_masked
        tab.send(Settings.test_channel, channel_id=hook.id)
        assert tab.state(Settings).notice == "Test message sent."
        tab.send(Settings.test_channel, channel_id=mail.id)
        page = tab.state(Settings)
        assert page.notice == "Test message sent." and page.total == 2
        assert [(d.channel, d.event, d.status) for d in page.deliveries] == [
            ("Team mail", "Test", "sent"),
            ("CI hook", "Test", "sent"),
        ]
        assert len(http_receiver.bodies) == 1 and "test message" in http_receiver.bodies[0]["title"]
        assert len(smtp_receiver.messages) == 1
        assert HOOK_SECRET not in json.dumps(tab.snapshot(), default=str)  # nor in any delta sent
        assert all(HOOK_SECRET not in json.dumps(delta, default=str) for delta in tab.deltas)
        assert not tab.errors


def test_events_are_switched_one_by_one_and_a_channel_keeps_one(world: World, http_receiver) -> None:
    with open_settings(world) as tab:
        tab.send(Settings.add_channel, form_data=form("Hook", http_receiver.json_url, "run.failed"))
        channel = tab.state(Settings).channels[0]
        tab.send(Settings.set_event, channel_id=channel.id, event="deploy.failed", enabled=True)
        assert tab.state(Settings).channels[0].events == ["run.failed", "deploy.failed"]
        tab.send(Settings.set_event, channel_id=channel.id, event="run.failed", enabled=False)
        tab.send(Settings.set_event, channel_id=channel.id, event="deploy.failed", enabled=False)
        page = tab.state(Settings)
        assert page.channels[0].events == ["deploy.failed"] and "at least one event" in page.error
        for event, enabled in (("pwned", True), ({"$ne": 1}, True), ("run.failed", "yes")):
            tab.send(Settings.set_event, channel_id=channel.id, event=event, enabled=enabled)
        assert tab.state(Settings).channels[0].events == ["deploy.failed"] and not tab.errors
        tab.send(Settings.delete_channel, channel_id=channel.id)
        page = tab.state(Settings)
        assert page.channels == [] and page.notice == "Channel deleted."


def test_a_bad_url_or_no_event_is_refused_with_a_reason_and_nothing_is_added(world: World) -> None:
    with open_settings(world) as tab:
        tab.send(Settings.add_channel, form_data=form("Bad", "notascheme://x", "run.failed"))
        assert "notascheme" in tab.state(Settings).error or "URL" in tab.state(Settings).error
        tab.send(Settings.add_channel, form_data=form("No events", "json://127.0.0.1/hook"))
        page = tab.state(Settings)
        assert page.error.startswith("events") and page.channels == [] and page.form_key == 0
        for garbage in (None, "not a form", {"name": ["x"], "url": {"$ne": 1}}):
            tab.send(Settings.add_channel, form_data=garbage)
        assert tab.state(Settings).channels == [] and not tab.errors


def test_a_failing_receiver_shows_the_error_and_the_failed_delivery(world: World) -> None:
    with open_settings(world) as tab:
        tab.send(Settings.add_channel, form_data=form("Closed", "json://127.0.0.1:9/hook", "run.failed"))
        channel = tab.state(Settings).channels[0]
        tab.send(Settings.test_channel, channel_id=channel.id)
        page = tab.state(Settings)
        assert page.error.startswith("The test message failed") and page.notice == ""
        assert [(d.status, d.attempts) for d in page.deliveries] == [("failed", 1)]


def test_members_below_maintainer_and_strangers_see_no_channel(world: World, http_receiver) -> None:
    with open_settings(world) as tab:
        tab.send(Settings.add_channel, form_data=form("Hook", http_receiver.json_url, "run.failed"))
        channel_id = tab.state(Settings).channels[0].id
    for who in ("member", "viewer"):
        with open_settings(world, who) as tab:
            page = tab.state(Settings)
            assert not page.found and page.problem and page.channels == []
            tab.send(Settings.delete_channel, channel_id=channel_id)
            tab.send(Settings.test_channel, channel_id=channel_id)
            assert tab.state(Settings).channels == []
    with open_settings(world) as tab:
        assert [c.id for c in tab.state(Settings).channels] == [channel_id]
        assert http_receiver.bodies == []
