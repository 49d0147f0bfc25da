"""Page loads whose queries take a while run as background events, their queries in a worker thread: a
synchronous handler holds its backend worker's event loop, and so every tab that worker serves, meanwhile
(bench/load.py found the home page's cards doing that)."""

from __future__ import annotations

import inspect

import pytest

from autodevhub.dashboard.ui.home_state import HomeState
from autodevhub.notifications.ui.notices_state import NoticesState
from autodevhub.workflows.ui.workflows_state import WorkflowsState

LOADS = [
    (HomeState, "load_home"),
    (WorkflowsState, "load_workflows"),
    (NoticesState, "load_notices"),
    (NoticesState, "count_unread"),  # the header bell, on every page
]


@pytest.mark.parametrize(("state", "name"), LOADS)
def test_heavy_page_loads_are_background_events(state, name) -> None:
    handler = state.event_handlers[name]
    assert handler.is_background and inspect.iscoroutinefunction(handler.fn)
