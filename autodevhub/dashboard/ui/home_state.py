"""The home page's state: one page of project cards for the signed-in user (the service checks who)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from autodevhub.core.identity import Identity
from autodevhub.dashboard import service
from autodevhub.dashboard.ui.rows import Card, card
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.session_state import SessionState


class HomeState(PagedState, SessionState):
    """The cards of the projects the user can read; none: the getting-started steps."""

    PAGE_SIZE: ClassVar[int] = service.MAX_CARDS

    loaded: bool = False
    error: str = ""
    cards: list[Card] = []

    def _cards(self, page: int) -> Callable[[Session, Identity | None], dict[str, Any]]:
        offset = self._offset(page)
        return lambda session, identity: service.project_cards(
            session, identity, limit=self.PAGE_SIZE, offset=offset
        )

    def _show(self, result: dict[str, Any] | None, error: str, page: int) -> bool:
        self.error = error
        if result is None:
            return False  # what was shown stays; a refusal says why
        self.cards = [card(item) for item in result["items"]]
        self.total, self.page, self.loaded = result["total"], max(page, 0), True
        return True

    def _load_page(self, page: int) -> bool:
        return self._show(*self._read_replica(self._cards(page)), page)

    @rx.event(background=True)
    async def load_home(self):
        """on_load: the first page of cards, read in a worker thread: a synchronous handler would hold this
        backend worker's event loop, and every tab it serves, while the cards' queries run."""
        signed_in = self._signed_in_key
        result, error = await asyncio.to_thread(self._read_replica, self._cards(0))
        async with self:
            if signed_in == self._signed_in_key:  # else the tab signed in or out meanwhile: not theirs
                self._show(result, error, 0)
