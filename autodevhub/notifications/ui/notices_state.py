"""/notifications and the header bell: the signed-in user's notices (of projects they can read), newest
first, and how many are unread. Every handler reads the caller from the session (notifications.inbox)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from sqlmodel import Session

from autodevhub.core.identity import Identity
from autodevhub.notifications import inbox
from autodevhub.ui.live import LivePage
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.rows import when
from autodevhub.ui.session_state import SessionState

EVENT_LABELS = {
    "run.failed": "Run failed",
    "run.recovered": "Recovered",
    "deploy.succeeded": "Deployed",
    "deploy.failed": "Deploy failed",
    "story.status": "Story",
    "sync.delayed": "Sync delayed",
    "docs.pr": "Docs",
}


@dataclasses.dataclass(frozen=True)
class NoticeRow:
    """One notice as text; `href` only for a link inside the app (a notice's text is never HTML)."""

    id: str
    label: str
    title: str
    body: str
    href: str
    time: str
    unread: bool

    @classmethod
    def of(cls, notice: dict) -> NoticeRow:
        link = notice.get("link") or ""
        inside = link.startswith("/") and not link.startswith("//") and "\\" not in link
        return cls(
            id=notice["id"],
            label=EVENT_LABELS.get(notice["event"], notice["event"]),
            title=notice["title"],
            body=notice.get("body") or "",
            href=link if inside else "",
            time=when(notice["created_at"]),
            unread=notice["read_at"] is None,
        )


ROUTE = "/notifications"
T = TypeVar("T")
Marker = tuple[int, str]  # the unread count, and unread_marker's marker


def unread_marker(session: Session, identity: Identity | None) -> Marker:
    """How many of the caller's notices are unread, and a marker that moves with every new or read one."""
    newest, count = inbox.list_notices(session, identity, unread=True, limit=1)
    return count, f"{count}:{newest[0]['id'] if newest else ''}"


def unread_or_none(session: Session, identity: Identity | None) -> Marker:
    """`unread_marker`, or (0, "") for a signed-out tab (the bell shows on public pages too)."""
    return unread_marker(session, identity) if identity else (0, "")


class NoticesState(LivePage, PagedState, SessionState):
    """The notices list and the unread count the bell shows, both kept fresh while the tab is open."""

    notices: list[NoticeRow] = []
    unread: int = 0
    loaded: bool = False
    error: str = ""

    def _page_of(self, page: int) -> Callable[[Session, Identity | None], tuple[list[dict], int, Marker]]:
        size, offset = self.PAGE_SIZE, self._offset(page)

        def read(session, identity):
            found, total = inbox.list_notices(session, identity, limit=size, offset=offset)
            return found, total, unread_marker(session, identity)

        return read

    def _show_page(self, result: tuple[list[dict], int, Marker] | None, error: str, page: int) -> bool:
        self.error, self.loaded = error, True
        if result is None:
            self.notices, self.total, self.page = [], 0, 0
            return False
        found, self.total, (self.unread, self._marker) = result
        self.notices, self.page = [NoticeRow.of(notice) for notice in found], max(page, 0)
        return True

    def _load_page(self, page: int) -> bool:
        return self._show_page(*self._service(self._page_of(page)), page)

    async def _in_thread(self, read: Callable[[Session, Identity | None], T]) -> tuple[T | None, str, str]:
        """`_service(read)` in a worker thread (a query on this worker's event loop holds all its tabs),
        with the tab's sign-in key it started under: an answer that outlived a sign-in change is dropped."""
        key = self._signed_in_key
        return *(await asyncio.to_thread(self._service, read)), key

    async def _refresh_page(self, page: int) -> None:
        result, error, key = await self._in_thread(self._page_of(page))
        async with self:
            if key == self._signed_in_key:
                self._show_page(result, error, page)

    async def _refresh_count(self) -> None:
        found, _, key = await self._in_thread(unread_or_none)
        async with self:
            if key == self._signed_in_key:
                self.unread, self._marker = found or (0, "")

    @rx.event(background=True)
    async def load_notices(self):
        """on_load of /notifications: the newest notices."""
        await self._refresh_page(0)

    @rx.event(background=True)
    async def count_unread(self):
        """The bell, on every page: how many notices are unread (0 for a signed-out tab)."""
        await self._refresh_count()

    def _live_target(self) -> str | None:
        return "me"

    async def _live_marker(self, target: str) -> str | None:
        found, _ = await self._read(unread_marker)
        return None if found is None else found[1]

    async def _live_refresh(self) -> None:
        async with self:
            on_list, page = (self.router.url.path or "").startswith(ROUTE), self.page
        await (self._refresh_page(page) if on_list else self._refresh_count())

    @rx.event(background=True)
    async def watch(self):
        """While the tab is open, on any page: new notices show on the bell (and on the list) at once."""
        await self._watch_changes("/")

    def _mark(self, **which) -> None:
        _, error = self._service(lambda session, identity: inbox.mark_read(session, identity, **which))
        if error:
            self.error = error
            return
        self._load_page(self.page)

    @rx.event
    def mark_read(self, notice_id: str):
        """Mark one of the caller's notices read (another user's id changes nothing)."""
        try:
            ids = [uuid.UUID(notice_id)] if isinstance(notice_id, str) else None
        except ValueError:
            ids = None
        if ids:
            self._mark(ids=ids)

    @rx.event
    def mark_all_read(self):
        self._mark(everything=True)
