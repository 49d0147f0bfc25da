"""Live pages: whether a browser tab is still connected, and a mixin for pages that keep themselves fresh."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import reflex as rx
from reflex_base.registry import RegistrationContext
from sqlmodel import Session

from autodevhub.core.identity import Identity
from autodevhub.ui.session_state import signed_in

T = TypeVar("T")


async def tab_connected(token: str) -> bool:
    """Whether the browser tab with this client token still has its websocket open (on any worker).

    Reflex 0.10 has no public way to ask this, so this is the one place that reads its private
    `EventNamespace._token_manager` and calls its `is_token_connected` (what Reflex's own shared states
    use: with Redis it also sees, and re-checks, the sockets of the other workers; the public
    `token_to_sid` mapping does not re-check them). If a Reflex upgrade renames these it answers False,
    so the live-refresh and sync-follow loops stop instead of failing; the page still loads.
    """
    try:
        namespace = RegistrationContext.get().app.event_namespace
    except (LookupError, RuntimeError):  # no running app (an in-process test)
        return False
    try:
        is_token_connected = namespace._token_manager.is_token_connected  # None namespace: AttributeError
    except AttributeError:
        return False
    return await is_token_connected(token)


WATCH_SECONDS = 5.0
WATCH_LIMIT_SECONDS = 4 * 3600.0
WATCH_MISSES = 3  # checks in a row without the tab's websocket before the loop stops


class LivePage(rx.State, mixin=True):
    """A page that refreshes itself while its tab is open, when a marker (such as a project's sync
    `changed_at`, moved by webhooks and syncs) changes. One bounded loop per tab.

    The page state implements `_live_target` (under the state lock: what to watch now, "" to skip a beat,
    None to stop), `_live_marker` (the marker's value, None when the caller may no longer see it) and
    `_live_refresh` (a quiet reload, which stores the new marker in `_marker`); its own background handler
    calls `_watch_changes(route)`.
    """

    live: bool = False
    _marker: str = ""
    _watch_id: str = ""
    _watch_beat: float = 0.0

    async def _read(self, action: Callable[[Session, Identity], T]) -> tuple[T | None, str]:
        """`SessionState._service(action)` for a signed-in user, in a worker thread (large queries never
        block the event loop); a signed-out caller hears "sign in" before any id is looked up."""

        def as_user(session: Session, identity: Identity | None) -> T:
            return action(session, signed_in(identity))

        return await asyncio.to_thread(self._service, as_user)  # type: ignore[attr-defined]

    def _live_target(self) -> str | None:
        raise NotImplementedError

    async def _live_marker(self, target: str) -> str | None:
        raise NotImplementedError

    async def _live_refresh(self) -> None:
        raise NotImplementedError

    async def _watch_changes(self, route_prefix: str) -> None:
        token = self.router.session.client_token
        if not await tab_connected(token):
            return
        async with self:
            if time.time() - self._watch_beat < 3 * WATCH_SECONDS:
                return  # this tab's loop is alive
            watch_id = self._watch_id = uuid.uuid4().hex
            self._watch_beat, self.live = time.time(), True
        ends, misses = time.monotonic() + WATCH_LIMIT_SECONDS, 0
        while time.monotonic() < ends and misses < WATCH_MISSES:
            await asyncio.sleep(WATCH_SECONDS)
            connected = await tab_connected(token)
            misses = 0 if connected else misses + 1  # a reload reconnects the same tab within seconds
            async with self:  # backend vars only: nothing is sent to a tab that may be gone
                if self._watch_id != watch_id:
                    return
                if not (self.router.url.path or "").startswith(route_prefix):
                    break  # the tab moved on to another page
                self._watch_beat = time.time()
                target, seen = self._live_target(), self._marker
            if target is None:
                break
            if not connected or not target:
                continue
            marker = await self._live_marker(target)
            if marker is None:
                break  # signed out, or no longer allowed to see it
            if marker != seen:
                await self._live_refresh()
        async with self:
            if self._watch_id == watch_id:
                self._watch_beat = 0.0
                if misses < WATCH_MISSES:  # still open: say that updates paused
                    self.live = False
