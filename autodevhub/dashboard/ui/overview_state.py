"""A project's overview page state: the dashboard service's overview for the URL's [project_id], kept live.

Loads run in background events (the queries in a worker thread); only the newest load is shown. Every load
goes through the service, which checks the signed-in user may read the project; a refused load keeps what
was shown and says why.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from autodevhub.dashboard import service
from autodevhub.dashboard.ui.rows import (
    ActivityLine,
    Band,
    RunLine,
    SpendLine,
    StoryLine,
    Tile,
    activity_line,
    docs_tiles,
    dora_bands,
    kpi_tiles,
    link,
    run_line,
    spend_lines,
    status_tiles,
    story_line,
    sync_text,
)
from autodevhub.ui.live import LivePage
from autodevhub.ui.session_state import SessionState
from autodevhub.workflows import service as workflows

ROUTE = "/projects/[project_id]"
ROUTE_PREFIX = "/projects/"
WINDOWS = ("7", "30", "90")
ACTIVITY_PAGE = 10


class OverviewState(LivePage, SessionState):
    """KPIs, DORA, stories, docs, last runs and stories, activity and AI spend of one project."""

    loaded: bool = False
    loading: bool = False
    error: str = ""
    window: str = "30"
    name: str = ""
    repo: str = ""
    repo_url: str = ""
    sync_line: str = ""
    sync_message: str = ""
    kpis: list[Tile] = []
    dora: list[Band] = []
    statuses: list[Tile] = []
    stories_total: int = 0
    docs: list[Tile] = []
    docs_href: str = ""
    alerts: list[str] = []
    runs: list[RunLine] = []
    runs_total: int = 0
    stories: list[StoryLine] = []
    activity: list[ActivityLine] = []
    activity_page: int = 0
    activity_more: bool = False
    spend: list[SpendLine] = []
    runs_href: str = ""
    stories_href: str = ""
    settings_href: str = ""
    _shown: tuple[str, str, int] = ("", "30", 0)  # project, window, activity page on screen
    _pending: tuple[str, str, int] = ("", "30", 0)  # the newest load asked for: only its answer is shown

    def _project_ref(self) -> str:
        """The [project_id] route argument: untrusted text, checked by the service."""
        value = getattr(self, "project_id", "")
        return value if isinstance(value, str) else ""

    def _show(self, overview: dict[str, Any], asked: tuple[str, str, int]) -> None:
        project, sync = overview["project"], overview["sync"]
        pid = project["id"]
        self.name, self.repo, self.repo_url = (
            project["name"],
            project["repo"] or "",
            project["repo_url"] or "",
        )
        self.sync_line = sync_text(sync["state"], sync["last_success_at"])
        self.sync_message = sync["message"] or ""
        self.kpis, self.dora = kpi_tiles(overview), dora_bands(overview)
        self.statuses = status_tiles(pid, overview["stories"]["by_status"])
        self.stories_total = overview["stories"]["total"]
        self.docs, self.docs_href = docs_tiles(overview["docs"]), overview["docs"]["href"]
        self.alerts = [alert["message"] for alert in overview["alerts"]]
        self.runs, self.runs_total = (
            [run_line(r) for r in overview["last_runs"]["items"]],
            overview["last_runs"]["total"],
        )
        self.stories = [story_line(s) for s in overview["last_stories"]["items"]]
        self.activity = [activity_line(item) for item in overview["activity"]["items"]]
        self.activity_more = overview["activity"]["has_more"]
        self.spend = spend_lines(overview["ai_spend"])
        self.runs_href, self.stories_href = link("/workflows", project=pid), link("/stories", project=pid)
        self.settings_href = f"/settings/projects/{pid}"
        self._marker = overview["changed_at"] or ""
        self._shown = (asked[0], asked[1], asked[2])
        self.loaded = True

    async def _load(self, quiet: bool = False, **choices: Any) -> None:
        """Show the overview for the URL's project and the current choices changed by `choices`."""
        async with self:
            for name, value in choices.items():
                setattr(self, name, value)  # the controls show the choice at once
            asked = self._pending = (self._project_ref(), self.window, self.activity_page)
            self.loading = self.loading or not quiet
        pid, window, page = asked
        result, error = await self._read(
            lambda session, identity: service.project_overview(
                session,
                identity,
                pid,
                days=int(window),
                activity_limit=ACTIVITY_PAGE,
                activity_offset=page * ACTIVITY_PAGE,
            )
        )
        async with self:
            if asked != self._pending:
                return
            self.loading = False
            if result is None:
                _, self.window, self.activity_page = self._shown
                self.error = error
                return
            self.error = ""
            self._show(result, asked)

    @rx.event(background=True)
    async def load_overview(self):
        """on_load: the URL's project, from the first page of its activity."""
        async with self:
            if self._project_ref() != self._shown[0]:
                self.loaded = False  # another project: never show the last one's numbers under its URL
        await self._load(activity_page=0)

    @rx.event(background=True)
    async def choose_window(self, window: str | list[str]):
        """7, 30 or 90 days for the KPI and DORA tiles."""
        if isinstance(window, str) and window in WINDOWS:
            await self._load(window=window)

    @rx.event(background=True)
    async def next_activity(self):
        async with self:
            more, page = self.activity_more and self.loaded, self.activity_page
        if more:
            await self._load(activity_page=page + 1)

    @rx.event(background=True)
    async def previous_activity(self):
        async with self:
            page = self.activity_page
        if page > 0:
            await self._load(activity_page=page - 1)

    @rx.event(background=True)
    async def refresh(self):
        """Read everything again."""
        await self._load()

    def _live_target(self) -> str | None:
        return self._shown[0] if self.loaded and not self.loading else ""

    async def _live_marker(self, target: str) -> str | None:
        status, _ = await self._read(
            lambda session, identity: workflows.sync_status(session, identity, target)
        )
        return None if status is None else status["changed_at"] or ""

    async def _live_refresh(self) -> None:
        await self._load(quiet=True)

    @rx.event(background=True)
    async def watch(self):
        """While the tab is open: refresh when webhooks or syncs change the project's runs."""
        await self._watch_changes(ROUTE_PREFIX)
