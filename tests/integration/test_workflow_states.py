"""The Workflows page state, driven in-process as a browser tab would: metrics, filters, pages, actions."""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, col, func, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.models import AuditLog, User, Workflow, WorkflowExecution
from autodevhub.ui import live
from autodevhub.workflows import service
from autodevhub.workflows.demo import seed as demo
from autodevhub.workflows.github import store
from autodevhub.workflows.ui import rows
from autodevhub.workflows.ui import workflows_state as state
from autodevhub.workflows.ui.workflows_state import WorkflowsState
from tests.support import github_history as history
from tests.support.state_harness import SECRETS, Tab, World, build_world
from tests.support.workflow_helpers import github_project_fixture, github_world_fixture, link_world, parse_run  # noqa: F401

ROUTE = "/workflows"


@pytest.fixture
def world(app_db) -> World:
    return build_world()


@pytest.fixture
def demo_id(world: World) -> str:
    with Session(get_engine(), expire_on_commit=False) as session:
        result = demo.load(session)
        session.commit()
    return result.project_id


def nightly_runs_since(workflow_id: str, days: int) -> int:
    """Counted straight from the table, as the window defines it: created in the last `days` days."""
    since = datetime.now(UTC) - timedelta(days=days)
    query = select(func.count()).select_from(WorkflowExecution)
    query = query.where(WorkflowExecution.workflow_id == uuid.UUID(workflow_id))
    with Session(get_engine()) as session:
        return session.exec(query.where(WorkflowExecution.created_at >= since)).one()


def kpi(tab: Tab, label: str) -> str:
    return {k.label: k.value for k in tab.state(WorkflowsState).kpis}[label]


def audit_actions() -> list[str]:
    with Session(get_engine()) as session:
        return list(session.exec(select(AuditLog.action).where(col(AuditLog.action).like("workflow.%"))))


def test_admin_sees_the_metrics_of_a_seeded_project(world: World, demo_id: str) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        tab.open(ROUTE)
        page = tab.state(WorkflowsState)
        assert page.loaded and not page.loading and page.error == ""
        names = [p.name for p in page.projects]
        assert names == sorted(
            [SECRETS["project"], SECRETS["hidden_project"], demo.PROJECT_NAME], key=str.lower
        )
        assert page.project_name == SECRETS["project"] and not page.has_history  # the first, without runs
        tab.send(WorkflowsState.select_project, project_id=demo_id)
        page = tab.state(WorkflowsState)
        assert (page.project_id, page.project_name, page.window) == (demo_id, demo.PROJECT_NAME, "30")
        assert page.has_history and page.has_runs and page.can_run and page.repo == ""
        assert [k.label for k in page.kpis] == [
            "Runs",
            "Success rate",
            "Median duration",
            "p95 duration",
            "Queue time",
        ]
        with Session(get_engine()) as session:
            admin = identity_of(session.get(User, uuid.UUID(world.admin_id)))
            bundle = service.project_metrics(session, admin, demo_id, days=30)
        assert kpi(tab, "Runs") == f"{bundle['summary']['runs']:,}"
        assert [t.label for t in page.dora] == [
            "Deployment frequency",
            "Lead time for changes",
            "Change failure rate",
            "Time to restore",
            "Story lead time",
        ]
        assert all(t.band in ("elite", "high", "medium", "low") for t in page.dora[:4])
        assert {trace["name"] for trace in page.runs_chart["data"]} >= {"success", "failure"}
        assert [trace["name"] for trace in page.duration_chart["data"]] == ["p50", "p95"]
        assert list(page.success_chart["data"][0]["y"]) == ["CI", "Deploy", "Nightly"]
        assert page.runs_chart["layout"].get("template", {}) == {}  # the page's light/dark template applies
        assert page.failing_workflows[0].title == "CI" and page.flaky_jobs[0].title == "integration-tests"
        assert len(page.runs) == 20 and page.total == bundle["summary"]["runs"]
        first = page.runs[0]
        assert (
            first.href.startswith("https://github.com/acme/shop/actions/runs/") and len(first.short_sha) == 7
        )
        assert first.created_at.endswith("+00:00")
        assert {o.label for o in page.workflow_options} == {"CI", "Deploy", "Nightly"}
        assert "main" in page.branch_options and set(page.event_options) == {
            "push",
            "pull_request",
            "schedule",
        }
        assert page.sync_message == "Demo data: no repository is linked." and page.dispatchable == []


def test_window_and_filters_change_the_bundle(world: World, demo_id: str) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        tab.open(ROUTE).send(WorkflowsState.select_project, project_id=demo_id)
        month = int(kpi(tab, "Runs").replace(",", ""))
        tab.send(WorkflowsState.choose_window, window="7")
        week = int(kpi(tab, "Runs").replace(",", ""))
        assert 0 < week < month and tab.state(WorkflowsState).window == "7"
        tab.send(WorkflowsState.choose_window, window="90")
        assert int(kpi(tab, "Runs").replace(",", "")) > month
        tab.send(WorkflowsState.choose_window, window="365")  # not a window: ignored
        assert tab.state(WorkflowsState).window == "90"

        nightly = next(o.value for o in tab.state(WorkflowsState).workflow_options if o.label == "Nightly")
        tab.send(WorkflowsState.filter_workflow, workflow_id=nightly)
        page = tab.state(WorkflowsState)
        # One nightly a day: 89 or 90 in the window, depending on the time of day the test runs.
        assert kpi(tab, "Runs") == str(nightly_runs_since(nightly, days=90)) in ("89", "90")
        assert page.filtered and {r.workflow for r in page.runs} == {"Nightly"}
        assert list(page.success_chart["data"][0]["y"]) == ["Nightly"]
        tab.send(WorkflowsState.filter_workflow, workflow_id="all")
        tab.send(WorkflowsState.filter_event, event="pull_request")
        page = tab.state(WorkflowsState)
        assert {r.event for r in page.runs} == {"pull_request"} and page.workflow_filter == ""
        tab.send(WorkflowsState.filter_branch, branch="no-such-branch")
        page = tab.state(WorkflowsState)
        assert kpi(tab, "Runs") == "0" and not page.has_runs and page.runs == [] and page.has_history
        tab.send(WorkflowsState.clear_filters)
        assert not tab.state(WorkflowsState).filtered and int(kpi(tab, "Runs").replace(",", "")) > month

        tab.send(WorkflowsState.filter_workflow, workflow_id="not-a-uuid")  # refused: the last view stays
        page = tab.state(WorkflowsState)
        assert page.error == "Workflow not found." and page.workflow_filter == "" and not page.loading


def test_runs_are_paginated(world: World, demo_id: str) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        tab.open(ROUTE).send(WorkflowsState.select_project, project_id=demo_id)
        first = [r.id for r in tab.state(WorkflowsState).runs]
        total = tab.state(WorkflowsState).total
        assert tab.state(WorkflowsState).page_label == f"1 to 20 of {total}"
        tab.send(WorkflowsState.next_page)
        second = [r.id for r in tab.state(WorkflowsState).runs]
        assert len(second) == 20 and not set(first) & set(second)
        assert tab.state(WorkflowsState).page_label == f"21 to 40 of {total}"
        tab.send(WorkflowsState.refresh)  # a refresh keeps the page
        assert [r.id for r in tab.state(WorkflowsState).runs] == second
        tab.send(WorkflowsState.previous_page)
        assert [r.id for r in tab.state(WorkflowsState).runs] == first
        tab.send(WorkflowsState.choose_window, window="7")  # a new window starts on the first page
        assert tab.state(WorkflowsState).page == 0


def test_anonymous_and_hidden_projects_show_nothing(world: World, demo_id: str) -> None:
    with Tab() as tab:
        tab.open(ROUTE)
        page = tab.state(WorkflowsState)
        assert page.error == "Sign in to continue." and page.projects == [] and page.kpis == []
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        assert [p.name for p in tab.state(WorkflowsState).projects] == [SECRETS["project"]]
        tab.send(WorkflowsState.select_project, project_id=demo_id)
        page = tab.state(WorkflowsState)
        assert page.error == "Your role in this project does not allow this."
        assert page.project_name == SECRETS["project"] and page.kpis[0].value == "0"


@pytest.fixture
def linked(world: World, github_world: dict) -> dict:
    """The world's project on the fake GitHub's repository: a dispatchable CI, a failed and a running run."""
    ids = link_world(uuid.UUID(world.project_id), github_world)
    with Session(get_engine()) as session:
        workflow = session.get(Workflow, ids["workflow_id"])
        workflow.configuration = {"dispatch": True, "inputs": history_inputs()}
        session.add(workflow)
        session.commit()
    return {**ids, "fake": github_world["fake"]}


def history_inputs() -> dict:
    return {
        "debug": {"type": "boolean", "description": "Verbose logs"},
        "environment": {"type": "choice", "options": ["staging", "production"], "required": True},
    }


def test_a_viewer_cannot_dispatch_rerun_cancel_or_sync(world: World, linked: dict) -> None:
    fake = linked["fake"]
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(ROUTE)
        page = tab.state(WorkflowsState)
        assert page.project_id == world.project_id and page.total == 2 and not page.can_run
        form = {"workflow_id": str(linked["workflow_id"]), "ref": "main", "input:environment": "staging"}
        tab.send(WorkflowsState.dispatch_workflow, form_data=form)
        assert tab.state(WorkflowsState).dispatch_error == "Your role in this project does not allow this."
        tab.send(WorkflowsState.rerun_failed_jobs, execution_id=str(linked["failed_id"]))
        assert tab.state(WorkflowsState).error == "Your role in this project does not allow this."
        tab.send(WorkflowsState.cancel_run, execution_id=str(linked["running_id"]))
        tab.send(WorkflowsState.sync_now)
        page = tab.state(WorkflowsState)
        assert page.error == "Your role in this project does not allow this." and not page.syncing
    assert fake.count("POST") == 0 and fake.dispatches == [] and audit_actions() == []


def test_a_maintainer_dispatches_reruns_and_cancels(world: World, linked: dict) -> None:
    fake = linked["fake"]
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open(ROUTE)
        page = tab.state(WorkflowsState)
        assert (
            page.can_run and page.repo == history.FULL_NAME and [w.label for w in page.dispatchable] == ["CI"]
        )
        tab.send(WorkflowsState.open_dispatch, open=True)
        page = tab.state(WorkflowsState)
        assert page.dispatch_open and page.dispatch_ref == "main"
        fields = {f.name: (f.kind, f.default, f.options, f.required) for f in page.dispatch_fields}
        assert fields == {
            "debug": ("boolean", "false", [], False),
            "environment": ("choice", "staging", ["staging", "production"], True),
        }
        form = {"workflow_id": str(linked["workflow_id"]), "ref": "main", "input:debug": "true"}
        tab.send(WorkflowsState.dispatch_workflow, form_data=form)  # a required input is missing
        assert "missing required inputs: ['environment']" in tab.state(WorkflowsState).dispatch_error
        tab.send(WorkflowsState.dispatch_workflow, form_data={**form, "input:environment": "production"})
        page = tab.state(WorkflowsState)
        assert (
            page.dispatch_error == ""
            and not page.dispatch_open
            and page.notice.startswith("Run requested on main")
        )
        assert fake.dispatches == [
            {"workflow_id": 101, "ref": "main", "inputs": {"debug": "true", "environment": "production"}}
        ]

        tab.send(
            WorkflowsState.cancel_run, execution_id=str(linked["failed_id"])
        )  # completed: GitHub says no
        assert tab.state(WorkflowsState).error.startswith("GitHub answered 409")
        tab.send(WorkflowsState.rerun_failed_jobs, execution_id=str(linked["failed_id"]))
        assert tab.state(WorkflowsState).notice == "Re-run of the failed jobs requested."
        tab.send(WorkflowsState.cancel_run, execution_id=str(linked["running_id"]))
        assert tab.state(WorkflowsState).notice == "Cancellation requested."
    # Each call audited before it is made and its outcome after, the cancel GitHub refused included.
    asked = ["workflow.cancel", "workflow.dispatch", "workflow.rerun_failed", "workflow.cancel"]
    assert sorted(audit_actions()) == sorted(asked + [f"{action}.result" for action in asked])


def connected_for(monkeypatch: pytest.MonkeyPatch, ticks: int, on_tick=None) -> None:
    """The tab counts as connected for `ticks` checks; `on_tick(n)` runs at each check."""
    counter = itertools.count()

    async def fake(token: str) -> bool:
        n = next(counter)
        if on_tick:
            on_tick(n)
        return n < ticks

    monkeypatch.setattr(state, "tab_connected", fake)  # the sync-follow loop
    monkeypatch.setattr(live, "tab_connected", fake)  # the live-refresh loop (ui.live.LivePage)
    monkeypatch.setattr(live, "WATCH_SECONDS", 0.05)
    monkeypatch.setattr(state, "SYNC_POLL_SECONDS", 0.05)


def test_new_runs_appear_without_a_reload(world: World, linked: dict, monkeypatch) -> None:
    def webhook(tick: int) -> None:
        if tick == 2:  # a workflow_run webhook stores a new run and marks the project changed
            with Session(get_engine()) as session:
                workflow = session.get(Workflow, linked["workflow_id"])
                run = history.make_run(603, 101, datetime.now(UTC) - timedelta(minutes=1), "success")
                store.apply_run(session, workflow, parse_run(run), None)
                store.touch(session, workflow.project_id)
                session.commit()

    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(ROUTE)
        assert tab.state(WorkflowsState).total == 2
        connected_for(monkeypatch, ticks=5, on_tick=webhook)
        tab.send(WorkflowsState.watch)  # returns once the (fake) tab has gone
        page = tab.state(WorkflowsState)
        assert page.total == 3 and "Success" in {r.label for r in page.runs} and page._watch_beat == 0.0
        connected_for(monkeypatch, ticks=0)
        tab.send(WorkflowsState.watch)  # a closed tab starts nothing
        assert tab.state(WorkflowsState)._watch_beat == 0.0


def test_live_updates_pause_after_hours_and_one_loop_runs_per_tab(world: World, monkeypatch) -> None:
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(ROUTE)
        connected_for(monkeypatch, ticks=10_000)
        monkeypatch.setattr(live, "WATCH_LIMIT_SECONDS", 0.3)
        tab.send(WorkflowsState.watch)
        assert not tab.state(WorkflowsState).live  # the pause shows a Refresh button instead of "Live"
        first = tab.state(WorkflowsState)._watch_id
        tab.state(WorkflowsState)._watch_beat = time.time()  # as if this tab's loop were alive
        tab.send(WorkflowsState.watch)
        assert tab.state(WorkflowsState)._watch_id == first  # so no second loop started


def test_sync_now_follows_the_sync_to_its_end(world: World, linked: dict, monkeypatch) -> None:
    fake = linked["fake"]
    now = datetime.now(UTC)
    fake.runs |= {
        run.id: run for run in (history.make_run(700 + n, 101, now - timedelta(hours=n)) for n in range(3))
    }
    connected_for(monkeypatch, ticks=10_000)
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open(ROUTE)
        assert tab.state(WorkflowsState).total == 2 and tab.state(WorkflowsState).last_synced_at == ""
        tab.send(WorkflowsState.sync_now)
        page = tab.state(WorkflowsState)
        assert not page.syncing and page.sync_state == "ok" and page.error == ""
        assert page.total == 5 and page.last_synced_at and "new" in page.sync_message
    assert "workflow.sync" in audit_actions()

    with Session(get_engine()) as session:  # GitHub's rate limit: the delay is said, nothing waits for it
        sync = store.sync_state(session, uuid.UUID(world.project_id))
        sync.state, sync.delayed_until = "delayed", datetime.now(UTC) + timedelta(minutes=30)
        sync.message = "Sync delayed until 14:05 UTC (GitHub rate limit)."
        session.commit()
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open(ROUTE).send(WorkflowsState.sync_now)
        page = tab.state(WorkflowsState)
        assert (page.sync_state, page.sync_message) == (
            "delayed",
            "Sync delayed until 14:05 UTC (GitHub rate limit).",
        )
        assert not page.syncing


def test_run_rows_keep_github_text_as_text() -> None:
    run = {
        "id": "x",
        "workflow": "CI",
        "title": "<img src=x onerror=alert(1)>",
        "run_number": 7,
        "run_attempt": 2,
        "status": "in_progress",
        "conclusion": None,
        "event": "push",
        "branch": "main",
        "head_sha": "a" * 40,
        "actor": "mallory",
        "created_at": "2025-01-01T10:00:00",
        "duration_seconds": None,
        "html_url": "javascript:alert(1)",
    }
    row = rows.run_row(run)
    assert row.href == "" and row.title == run["title"] and row.number == "#7 · attempt 2"
    assert (row.label, row.tone, row.can_cancel, row.can_rerun) == ("In progress", "running", True, False)
    assert row.created_at == "2025-01-01T10:00:00+00:00" and row.duration == "\u2013"
    assert rows.run_row({**run, "html_url": "https://github.com/o/r/actions/runs/1"}).href.startswith(
        "https://"
    )
    fields = rows.input_fields(
        {"n": {"type": "choice", "options": []}, "b": {"type": "boolean", "default": True}, 3: 4}
    )
    assert [(f.name, f.kind, f.default) for f in fields] == [
        ("n", "text", ""),
        ("b", "boolean", "true"),
        ("3", "text", ""),
    ]


def test_metrics_are_shared_between_readers_until_the_runs_change(
    world: World, linked: dict, demo_id: str
) -> None:
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(ROUTE)
        assert (tab.state(WorkflowsState).total, kpi(tab, "Runs")) == (2, "2")
    with Session(get_engine()) as session:  # a run stored without marking the project changed
        workflow = session.get(Workflow, linked["workflow_id"])
        run = history.make_run(604, 102, datetime.now(UTC) - timedelta(minutes=1), "success")
        store.apply_run(session, workflow, parse_run(run), None)
        session.commit()
    with Tab(cookie=world.cookies["admin"]) as tab:
        tab.open(ROUTE)
        tab.send(WorkflowsState.select_project, project_id=world.project_id)
        # Another reader gets the metrics computed for the viewer; the runs table is read for each load.
        assert (tab.state(WorkflowsState).total, kpi(tab, "Runs")) == (3, "2")
        with Session(get_engine()) as session:
            store.touch(session, uuid.UUID(world.project_id))  # what webhooks and syncs do after storing runs
            session.commit()
        tab.send(WorkflowsState.refresh)
        assert kpi(tab, "Runs") == "3"
        tab.send(WorkflowsState.select_project, project_id=demo_id)  # the demo's view is now cached
        assert int(kpi(tab, "Runs").replace(",", "")) > 3
    with Tab(cookie=world.cookies["member"]) as tab:  # not a member of the demo project
        tab.open(ROUTE)
        tab.send(WorkflowsState.select_project, project_id=demo_id)
        page = tab.state(WorkflowsState)
        assert page.error == "Your role in this project does not allow this."
        assert (page.project_name, page.kpis[0].value) == (SECRETS["project"], "3")  # their own project's
