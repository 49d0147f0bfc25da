"""The @template page decorator: wraps a page in the shell and records it for the app."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import reflex as rx
from reflex.event import EventType

from autodevhub.ui.session_state import SessionState
from autodevhub.ui.shell import shell

PRODUCT = "AutoDevHub"
PageFunction = Callable[[], rx.Component]


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of the app, ready for App.add_page."""

    route: str
    title: str
    description: str
    component: PageFunction
    on_load: list
    source: str


_pages: dict[str, Page] = {}


def template(
    route: str,
    title: str,
    on_load: EventType[()] | None = None,
    description: str = "",
    public: bool = False,
) -> Callable[[PageFunction], PageFunction]:
    """Decorate a page function: the page gets the shell, the browser tab `title · AutoDevHub`.

    Pages need a signed-in user unless `public`; the check runs on the server before `on_load`.

    The page is recorded here and added to the app once by `add_pages(app)`; it is not given to
    `@rx.page`, whose list Reflex 0.10 re-applies in each forked backend worker ("Page / is being
    redefined with the same component").
    """

    def decorator(page: PageFunction) -> PageFunction:
        source = f"{page.__module__}.{page.__qualname__}"
        if route in _pages and _pages[route].source != source:  # re-importing a module is fine
            raise ValueError(f"{source} and {_pages[route].source} both claim the route {route!r}")

        @functools.wraps(page)
        def framed() -> rx.Component:
            return shell(page(), route)

        _pages[route] = Page(
            route=route,
            title=f"{title} · {PRODUCT}",
            description=description or f"{title} — {PRODUCT}, the self-hosted AI DevOps tracker.",
            component=framed,
            on_load=[SessionState.load_session if public else SessionState.require_login, *_as_list(on_load)],
            source=source,
        )
        return framed

    return decorator


def _as_list(on_load: EventType[()] | None) -> list:
    if on_load is None:
        return []
    return list(on_load) if isinstance(on_load, list | tuple) else [on_load]


def registered_pages() -> list[Page]:
    """Every page decorated so far, in the order their modules were imported."""
    return list(_pages.values())


def add_pages(app: rx.App) -> None:
    """Add every recorded page to the app, each exactly once."""
    for page in _pages.values():
        app.add_page(
            page.component,
            route=page.route,
            title=page.title,
            description=page.description,
            on_load=page.on_load,
        )
