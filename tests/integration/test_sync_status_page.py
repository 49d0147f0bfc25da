"""The Workflows page says what the last sync spent of the GitHub quota, what is left, and which workflow
files could not be read, and why."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from autodevhub.workflows.ui import rows
from autodevhub.workflows.ui.workflows_state import WorkflowsState
from tests.integration.test_workflow_states import ROUTE, connected_for
from tests.support import github_history as history
from tests.support.state_harness import Tab, World, build_world
from tests.support.workflow_helpers import github_world_fixture, link_world  # noqa: F401 (fixture)


@pytest.fixture(name="linked")
def linked_fixture(world: World, github_world: dict) -> dict:
    """The world's project on the fake GitHub's repository (its CI workflow and two runs stored)."""
    return {**link_world(uuid.UUID(world.project_id), github_world), "fake": github_world["fake"]}


@pytest.fixture(name="world")
def world_fixture(app_db) -> World:
    return build_world()


def test_the_sync_bar_says_what_the_sync_spent_what_is_left_and_which_files_are_unreadable(
    world: World, linked: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = linked["fake"]
    monkeypatch.setitem(history.FILES, 103, "on: &on\n  workflow_dispatch:\n    inputs:\n      again: *on\n")
    now = datetime.now(UTC)
    fake.runs |= {
        run.id: run for run in (history.make_run(700 + n, 101, now - timedelta(hours=n)) for n in range(3))
    }
    connected_for(monkeypatch, ticks=10_000)
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open(ROUTE)
        assert tab.state(WorkflowsState).sync_summary == ""
        tab.send(WorkflowsState.sync_now)
        page = tab.state(WorkflowsState)
        assert page.sync_state == "ok", page.sync_message
        reset = datetime.fromtimestamp(fake.reset, UTC)
        assert page.sync_summary == (
            f"Last sync: {fake.spent()} GitHub requests · {fake.remaining:,} of 5,000 left until "
            f"{reset:%H:%M} UTC · 1 workflow file unreadable"
        )
        assert [note.split(":", 1)[0] for note in page.unreadable] == ["Nightly"]
        assert "workflow file not readable" in page.unreadable[0]

        tab.send(WorkflowsState.sync_now)
        page = tab.state(WorkflowsState)
        assert page.sync_summary.startswith(
            "Last sync: 0 GitHub requests (and 3 answered “not modified”, free)"
        )


def test_the_summary_line_names_skipped_objects_and_jobs_still_to_read() -> None:
    sync = {
        "quota_used": 1,
        "stats": {
            "quota_remaining": 4321,
            "quota_limit": 5000,
            "quota_reset": "2026-01-01T14:05:00+00:00",
            "skipped": 2,
            "jobs_pending": 94,
            "not_modified": 0,
        },
    }
    assert rows.sync_summary(sync) == (
        "Last sync: 1 GitHub request · 4,321 of 5,000 left until 14:05 UTC · 2 incomplete GitHub objects "
        "skipped · jobs of 94 runs still to read"
    )
    assert rows.sync_summary({"stats": {}}) == rows.sync_summary({}) == ""
