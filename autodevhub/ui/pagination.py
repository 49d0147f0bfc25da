"""Paged lists: a state mixin holding the page position and the Previous/Next bar that drives it."""

from __future__ import annotations

from typing import ClassVar

import reflex as rx


class PagedState(rx.State, mixin=True):
    """Mix into a page state that shows one page of a long list; it implements `_load_page`."""

    PAGE_SIZE: ClassVar[int] = 20

    page: int = 0
    total: int = 0

    def _load_page(self, page: int) -> bool:
        """Load page number `page` (from 0), setting `page` and `total`; False when refused."""
        raise NotImplementedError

    def _offset(self, page: int) -> int:
        return max(page, 0) * self.PAGE_SIZE

    @rx.var
    def page_label(self) -> str:
        if self.total == 0:
            return "Nothing to show"
        first = self._offset(self.page) + 1
        last = min(self._offset(self.page + 1), self.total)
        return f"{first} to {last} of {self.total}"

    @rx.var
    def has_previous(self) -> bool:
        return self.page > 0

    @rx.var
    def has_next(self) -> bool:
        return self._offset(self.page + 1) < self.total

    @rx.event
    def next_page(self):
        """Show the following page (the service decides what the caller may see)."""
        if self._offset(self.page + 1) < self.total:
            self._load_page(self.page + 1)

    @rx.event
    def previous_page(self):
        """Show the page before."""
        self._load_page(max(self.page - 1, 0))


def pagination(state: type[PagedState], label: str) -> rx.Component:
    """'21 to 40 of 57' with Previous and Next buttons; `label` names the list for screen readers."""
    return rx.el.nav(
        rx.hstack(
            rx.text(state.page_label, size="2", color_scheme="gray", aria_live="polite"),
            rx.hstack(
                rx.button(
                    rx.icon("chevron-left", size=16, aria_hidden="true"),
                    "Previous",
                    on_click=state.previous_page,
                    disabled=~state.has_previous,
                    variant="soft",
                    size="2",
                ),
                rx.button(
                    "Next",
                    rx.icon("chevron-right", size=16, aria_hidden="true"),
                    on_click=state.next_page,
                    disabled=~state.has_next,
                    variant="soft",
                    size="2",
                ),
                spacing="2",
            ),
            justify="between",
            align="center",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        aria_label=f"Pages of {label}",
        width="100%",
    )
