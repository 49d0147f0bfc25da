"""The home page's state: one page of project cards for the signed-in user (the service checks who)."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx

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

    def _load_page(self, page: int) -> bool:
        offset = self._offset(page)
        result, error = self._read_replica(
            lambda session, identity: service.project_cards(
                session, identity, limit=self.PAGE_SIZE, offset=offset
            )
        )
        self.error = error
        if result is None:
            return False  # what was shown stays; a refusal says why
        self.cards = [card(item) for item in result["items"]]
        self.total, self.page, self.loaded = result["total"], max(page, 0), True
        return True

    @rx.event
    def load_home(self):
        """on_load: the first page of cards."""
        self._load_page(0)
