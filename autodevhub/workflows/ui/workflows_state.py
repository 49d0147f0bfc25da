"""The Workflows page state: project, window and filters; KPIs, charts, runs; sync and live refresh.

Loads run in background events: the metric queries run in a worker thread, and only the newest load is
shown (a quick second filter change wins). Every load goes through the services, which check the
signed-in user's access; a refused load keeps what was shown and says why.
One state for one page, a little over 300 lines: the writes already live in the RunActions mixin.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any, ClassVar

import reflex as rx

from autodevhub.models import utcnow
from autodevhub.ui.live import LivePage, tab_connected
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.rows import ProjectOption
from autodevhub.ui.session_state import SessionState
from autodevhub.workflows import actions, service
from autodevhub.workflows.ui import snapshot as view
from autodevhub.workflows.ui.rows import DoraTile, Kpi, Option, Ranked, RunRow, sync_summary, utc_iso
from autodevhub.workflows.ui.run_actions import RunActions

ROUTE = "/workflows"
WINDOWS = ("7", "30", "90")
ALL = "all"  # the filter pickers' "any" choice (a select item cannot have an empty value)
MAX_FILTER = 255
NO_FILTERS = {"workflow_filter": "", "branch_filter": "", "event_filter": "", "outcome_filter": ""}
OUTCOMES = ("success", "failure", "cancelled", "timed_out", "skipped", "action_required", "startup_failure")
SYNC_POLL_SECONDS = 1.0
SYNC_LIMIT_SECONDS = 600.0
# Charts are held as plotly JSON (what Reflex would send for a figure): a dict pickles to and from Redis on
# every event for a fraction of a Figure's cost, and rx.plotly takes either.
EMPTY_FIGURE: dict[str, Any] = {"data": [], "layout": {}}


def sync_finished(status: dict[str, Any], asked: datetime) -> bool:
    """The sync asked for at `asked` has ended, or cannot start before the rate limit resets."""
    if status["state"] == "delayed":
        return True
    finished = status["finished_at"]
    return status["state"] != "running" and bool(finished) and datetime.fromisoformat(finished) >= asked


class WorkflowsState(LivePage, RunActions, PagedState, SessionState):
    """One project's CI health for a window and filters, and one page of its runs."""

    PAGE_SIZE: ClassVar[int] = 20

    loaded: bool = False
    loading: bool = False
    error: str = ""
    notice: str = ""
    projects: list[ProjectOption] = []
    project_id: str = ""
    project_name: str = ""
    repo: str = ""
    window: str = "30"
    workflow_filter: str = ""
    branch_filter: str = ""
    event_filter: str = ""
    outcome_filter: str = ""
    workflow_options: list[Option] = []
    branch_options: list[str] = []
    event_options: list[str] = []
    kpis: list[Kpi] = []
    dora: list[DoraTile] = []
    runs_chart: dict[str, Any] = EMPTY_FIGURE
    duration_chart: dict[str, Any] = EMPTY_FIGURE
    success_chart: dict[str, Any] = EMPTY_FIGURE
    failing_workflows: list[Ranked] = []
    failing_jobs: list[Ranked] = []
    flaky_jobs: list[Ranked] = []
    runs: list[RunRow] = []
    has_runs: bool = False
    has_history: bool = False
    can_run: bool = False
    sync_state: str = ""
    sync_message: str = ""
    sync_summary: str = ""
    unreadable: list[str] = []
    last_synced_at: str = ""
    syncing: bool = False
    _pending: view.Query = view.Query()  # the newest load asked for: only its answer is shown
    _shown: view.Query = view.Query()

    @rx.var
    def filtered(self) -> bool:
        return bool(self.workflow_filter or self.branch_filter or self.event_filter or self.outcome_filter)

    def _query(self, page: int) -> view.Query:
        return view.Query(
            project_id=self.project_id,
            days=int(self.window),
            workflow_id=self.workflow_filter,
            branch=self.branch_filter,
            event=self.event_filter,
            conclusion=self.outcome_filter,
            page=page,
            page_size=self.PAGE_SIZE,
        )

    def _choices(self, query: view.Query) -> None:
        self.project_id, self.window = query.project_id, str(query.days)
        self.workflow_filter, self.branch_filter, self.event_filter = (
            query.workflow_id,
            query.branch,
            query.event,
        )
        self.outcome_filter = query.conclusion

    def _show_sync(self, sync: dict[str, Any]) -> None:
        self.sync_state, self.sync_message = sync.get("state") or "", sync.get("message") or ""
        self.last_synced_at = utc_iso(sync.get("last_success_at"))
        self.sync_summary = sync_summary(sync)
        self._default_branch = sync.get("default_branch") or ""

    def _apply(self, shot: view.Snapshot) -> None:
        self._shown = self._pending = shot.query
        self._choices(shot.query)
        self.projects, self.repo = shot.projects, shot.repo
        self.project_name = shot.project.name if shot.project else ""
        self.workflow_options, self.branch_options, self.event_options = (
            shot.workflows,
            shot.branches,
            shot.events,
        )
        self.kpis, self.dora, self.has_runs, self.has_history = (
            shot.kpis,
            shot.dora,
            shot.has_runs,
            shot.has_history,
        )
        self.runs_chart, self.duration_chart, self.success_chart = shot.charts or (EMPTY_FIGURE,) * 3
        self.failing_workflows, self.failing_jobs, self.flaky_jobs = shot.ranked
        self.runs, self.total, self.page = shot.runs, shot.total, shot.query.page
        self.can_run = shot.can_run
        self._dispatch_inputs = shot.dispatch_inputs
        self.dispatchable = [w for w in shot.workflows if w.value in shot.dispatch_inputs]
        self._show_sync(shot.sync)
        self.unreadable = shot.unreadable
        self._marker = shot.sync.get("changed_at") or ""
        self.loaded = True

    async def _load(self, page: int | None = 0, quiet: bool = False, **choices: str) -> None:
        """Show the page for the current choices changed by `choices`; a refusal restores the last shown."""
        async with self:
            for name, value in choices.items():
                setattr(self, name, value)  # the pickers show the choice at once
            query = self._pending = self._query(self.page if page is None else page)
            self.loading = self.loading or not quiet
        shot, error = await self._call(lambda session, identity: view.collect(session, identity, query))
        async with self:
            if query != self._pending:
                return
            self.loading = False
            if shot is None:
                self._choices(self._shown)
                self.error = error
                return
            if not quiet:
                self.error = ""
            self._apply(shot)

    async def _sync_status(self, project_id: str) -> tuple[dict[str, Any] | None, str]:
        return await self._call(lambda session, identity: service.sync_status(session, identity, project_id))

    def _load_page(self, page: int) -> bool:
        if not self.project_id:
            return False
        query = self._query(page)
        result, error = self._service(
            lambda session, identity: view.runs_page(session, identity, query, page)
        )
        if result is None:
            self.runs, self.total, self.page, self.error = [], 0, 0, error
            return False
        self.runs, self.total = result
        self.page = max(page, 0)
        return True

    @rx.event(background=True)
    async def load_workflows(self):
        """on_load: the project of a ?project= link (with its runs of one ?status= outcome), else the one
        shown before, else the first readable one (the service checks the user may read it)."""
        wanted = self.router.url.query_parameters.get("project", "")
        outcome = self.router.url.query_parameters.get("status", "")
        async with self:
            self.error = self.notice = ""
        if isinstance(wanted, str) and wanted and len(wanted) <= MAX_FILTER:
            shown = {**NO_FILTERS, "outcome_filter": outcome if outcome in OUTCOMES else ""}
            await self._load(project_id=wanted, **shown)
        else:
            await self._load()

    @rx.event(background=True)
    async def select_project(self, project_id: str):
        """Another project (the service checks the user may read it); its filters start empty."""
        if isinstance(project_id, str) and project_id:
            await self._load(project_id=project_id, **NO_FILTERS)

    @rx.event(background=True)
    async def choose_window(self, window: str | list[str]):
        """7, 30 or 90 days."""
        if window in WINDOWS:
            await self._load(window=window)

    async def _filter(self, name: str, value: object) -> None:
        if isinstance(value, str) and len(value) <= MAX_FILTER:
            await self._load(**{name: "" if value == ALL else value})

    @rx.event(background=True)
    async def filter_workflow(self, workflow_id: str):
        await self._filter("workflow_filter", workflow_id)

    @rx.event(background=True)
    async def filter_branch(self, branch: str):
        await self._filter("branch_filter", branch)

    @rx.event(background=True)
    async def filter_outcome(self, outcome: str):
        """The runs table: only runs of one outcome (failure, success, ...)."""
        if outcome == ALL or outcome in OUTCOMES:
            await self._filter("outcome_filter", outcome)

    @rx.event(background=True)
    async def filter_event(self, event: str):
        await self._filter("event_filter", event)

    @rx.event(background=True)
    async def clear_filters(self):
        await self._load(**NO_FILTERS)

    @rx.event(background=True)
    async def refresh(self):
        """Read everything again, on the same page of runs."""
        await self._load(page=None)

    @rx.event(background=True)
    async def sync_now(self):
        """Maintainers and up: queue a sync of the project, then follow its progress until it ends."""
        async with self:
            if self.syncing:
                return
            self.syncing, project = True, self.project_id
        token, asked = self.router.session.client_token, utcnow()
        _, error = await self._call_write(
            lambda session, actor: actions.request_sync(session, actor, project)
        )
        async with self:
            self.syncing, self.error = not error, error
            if error:
                return
            self.sync_state, self.sync_message = "running", "Sync queued; it starts in a moment."
        ends = time.monotonic() + SYNC_LIMIT_SECONDS
        while time.monotonic() < ends and await tab_connected(token):
            await asyncio.sleep(SYNC_POLL_SECONDS)
            status, _ = await self._sync_status(project)
            if status is None or sync_finished(status, asked):
                break
            if status["state"] == "running":
                async with self:
                    self._show_sync(status)
        async with self:
            self.syncing = False
            same_project = self.project_id == project
        if same_project:
            await self._load(page=None, quiet=True)

    def _live_target(self) -> str | None:
        return "" if self.loading or self.syncing else self.project_id

    async def _live_marker(self, target: str) -> str | None:
        status, _ = await self._sync_status(target)
        return None if status is None else status["changed_at"] or ""

    async def _live_refresh(self) -> None:
        await self._load(page=None, quiet=True)

    @rx.event(background=True)
    async def watch(self):
        """While the tab is open: refresh when runs change (webhooks, syncs). One loop per tab, bounded."""
        await self._watch_changes(ROUTE)
