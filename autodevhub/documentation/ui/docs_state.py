"""The Docs page state: project, one page of its docs tree, the open page, and generation with progress.

Loads run in background events (the services in a worker thread: freshness hashes files); only the newest
load is shown. Every load and write goes through the services, which check the signed-in user's project
role; a refused load keeps what was shown and says why. Page contents are untrusted Markdown.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any, ClassVar

import reflex as rx

from autodevhub.documentation import runs, service
from autodevhub.documentation.ui import view
from autodevhub.ui.forms import form_text
from autodevhub.ui.live import LivePage, tab_connected
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.rows import ProjectOption
from autodevhub.ui.session_state import SessionState, signed_in

ROUTE = "/docs"
MAX_ID = 64
POLL_SECONDS = 1.0
FOLLOW_LIMIT_SECONDS = 900.0
UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _an_id(value: object) -> str:
    """An id argument as the services take it; "" for anything that is not short text."""
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else ""


def progress_text(run: dict[str, Any]) -> str:
    """'Running: Read 120 files; parsing them. (120 files read, 0 pages written)', or ''."""
    if run.get("state") in (None, "idle"):
        return ""
    counts = f"{run.get('files_read', 0)} files read, {run.get('pages_written', 0)} pages written"
    if run.get("tokens"):
        counts += f", {run['tokens']} Claude tokens"
    return f"{str(run['state']).capitalize()}: {run.get('message', '')} ({counts})"


class DocsState(LivePage, PagedState, SessionState):
    """A project's docs: the tree (overview first), one page rendered, its history; Generate for members."""

    PAGE_SIZE: ClassVar[int] = 50

    loaded: bool = False
    loading: bool = False
    error: str = ""
    notice: str = ""
    projects: list[ProjectOption] = []
    project_id: str = ""
    project_name: str = ""
    can_write: bool = False
    tree: list[view.PageRow] = []
    fresh_pages: int = 0
    freshness: str = ""
    doc_id: str = ""
    doc_title: str = ""
    doc_path: str = ""
    doc_content: str = ""
    doc_version: int = 0
    doc_generated: str = ""
    doc_engine: str = ""
    doc_stale: list[str] = []
    versions: list[view.VersionRow] = []
    versions_total: int = 0
    diff_version: int = 0
    diff: str = ""
    doc_freshness: str = ""
    generating: bool = False
    progress: str = ""
    _pending: tuple[str, int] = ("", 0)  # the newest load asked for (project, tree page): only it is shown

    def _apply(self, shot: view.Snapshot) -> None:
        self.projects, self.can_write = shot.projects, shot.can_write
        self.project_id = shot.project.id if shot.project else ""
        self.project_name = shot.project.name if shot.project else ""
        self.tree, self.total = shot.pages, shot.total
        self._show_freshness(shot.freshness)
        self.progress = progress_text(shot.run)
        if self.doc_id and self.doc_id not in {row.id for row in shot.pages}:
            self._close_page()
        self.loaded = True

    def _show_freshness(self, summary: dict[str, Any]) -> None:
        percent = summary.get("percent")
        self.fresh_pages = int(summary.get("fresh") or 0)
        self.freshness = (
            "" if percent is None else f"{percent:g}% fresh ({summary['fresh']} of {summary['pages']} pages)"
        )

    def _close_page(self) -> None:
        self.doc_id = self.doc_title = self.doc_path = self.doc_content = self.doc_generated = ""
        self.doc_engine = self.doc_freshness = ""
        self.doc_version, self.doc_stale, self.versions, self.versions_total = 0, [], [], 0
        self.diff_version, self.diff = 0, ""

    async def _load(self, page: int = 0, quiet: bool = False, project_id: str | None = None) -> None:
        """Show the tree for `project_id` (or the shown project); a refusal keeps what was shown."""
        async with self:
            wanted = self.project_id if project_id is None else project_id
            asked = self._pending = (wanted, page)
            self.loading = self.loading or not quiet
        shot, error = await self._read(
            lambda session, identity: view.collect(session, identity, wanted, page, self.PAGE_SIZE)
        )
        async with self:
            if asked != self._pending:
                return
            self.loading = False
            if shot is None:
                self.error = error
                return
            if not quiet:
                self.error = ""
            if shot.project and shot.project.id != self.project_id:
                self._close_page()
            self.page = page if shot.pages or not page else 0
            self._apply(shot)
            self._pending = (self.project_id, self.page)  # what is shown, as a reload would ask for it

    def _load_page(self, page: int) -> bool:
        wanted = self.project_id
        found, error = self._service(
            lambda session, identity: view.tree_page(
                session, signed_in(identity), wanted, page, self.PAGE_SIZE
            )
        )
        if found is None:
            self.error = error
            return False
        self.tree, self.total, summary = found
        self._show_freshness(summary)
        self.page = max(page, 0)
        return True

    @rx.event(background=True)
    async def load_docs(self):
        """on_load: the project of a ?project= link, else the one shown before, else the first readable."""
        wanted = _an_id(self.router.url.query_parameters.get("project", ""))
        async with self:
            self.notice = ""
        await self._load(project_id=wanted or None)

    @rx.event(background=True)
    async def select_project(self, project_id: str):
        """Another project (the service checks the caller may read it)."""
        if _an_id(project_id):
            await self._load(project_id=project_id)

    async def _open(self, doc_id: str) -> None:
        async with self:
            project = self.project_id
        page, error = await self._read(
            lambda session, identity: view.page_view(session, identity, doc_id, project)
        )
        async with self:
            if page is None:
                self.error = error
                return
            if page.project_id != self.project_id:
                return  # another project was chosen meanwhile
            self.error, self.diff_version, self.diff = "", 0, ""
            self.doc_id, self.doc_title, self.doc_path = page.id, page.title, page.path
            self.doc_content, self.doc_version, self.doc_generated = (
                page.content,
                page.version,
                page.generated,
            )
            self.doc_engine, self.doc_freshness = page.engine_note, page.freshness
            self.doc_stale, self.versions, self.versions_total = (
                page.stale,
                page.versions,
                page.versions_total,
            )

    @rx.event(background=True)
    async def open_page(self, doc_id: str):
        """Show one page of the shown project with its freshness and history."""
        if _an_id(doc_id):
            await self._open(doc_id)

    @rx.event(background=True)
    async def show_diff(self, version: int):
        """The open page's changes since one of its listed earlier versions (0 closes the diff)."""
        async with self:
            listed = {row.version for row in self.versions}
            doc_id = self.doc_id
            if type(version) is not int or version not in listed:  # 0 (never listed) closes it
                self.diff_version, self.diff = 0, ""
                return
        diff, error = await self._read(
            lambda session, identity: view.version_diff(session, identity, doc_id, version)
        )
        async with self:
            if self.doc_id != doc_id:
                return
            self.error = error
            self.diff_version, self.diff = (version, diff) if diff is not None else (0, "")

    @rx.event(background=True)
    async def generate(self, form_data: dict):
        """Members and up: queue a generation of the shown project's docs with the form's engine (auto by
        default) and at its ref when one is given (the service checks both), then follow it until it ends."""
        engine = form_text(form_data, "engine") or "auto"
        ref = form_text(form_data, "ref").strip() or None
        async with self:
            if self.generating or not self.project_id:
                return
            self.generating, project = True, self.project_id
        token = self.router.session.client_token
        _, error = await asyncio.to_thread(
            self._act,
            lambda session, actor: runs.request_generation(session, actor, project, ref=ref, engine=engine),
        )
        async with self:
            self.generating, self.error = not error, error
            if error:
                return
            self.progress, self.notice = "Queued: waiting for a worker.", ""
        ends = time.monotonic() + FOLLOW_LIMIT_SECONDS
        while time.monotonic() < ends and await tab_connected(token):
            await asyncio.sleep(POLL_SECONDS)
            run, _ = await self._read(lambda session, identity: runs.run_status(session, identity, project))
            if run is None:
                break
            async with self:
                self.progress = progress_text(run)
            if run["state"] not in runs.ACTIVE:
                break
        async with self:
            self.generating = False
            same, shown = self.project_id == project, self.doc_id
        if same:
            await self._load(page=0, quiet=True, project_id=project)
        if same and shown:
            await self._open(shown)

    @rx.event
    def download(self):
        """The shown project's docs tree as a zip file."""
        project, name = self.project_id, self.project_name
        archive, error = self._service(
            lambda session, identity: service.export_zip(session, signed_in(identity), project)
        )
        if archive is None:
            self.error = error
            return None
        filename = (UNSAFE_FILENAME.sub("-", name).strip("-.") or "project") + "-docs.zip"
        return rx.download(data=archive, filename=filename, mime_type="application/zip")
