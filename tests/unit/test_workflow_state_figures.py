"""The Workflows page holds its charts as plotly JSON without a baked-in template: Reflex copies them on every
state reset and unpickles them on every load of the state from Redis, which cost ~25 ms a Figure with
plotly's default template and still ~1 ms a Figure without one."""

from __future__ import annotations

import json
import pickle

from autodevhub.workflows.ui.workflows_state import EMPTY_FIGURE, WorkflowsState

DEFAULT_TEMPLATE_PART = "histogram2dcontour"  # one of the trace styles of plotly's default template


def test_the_empty_charts_are_plain_json_without_a_template() -> None:
    defaults = [WorkflowsState.get_fields()[name].default_value() for name in ("runs_chart", "success_chart")]
    for figure in [*defaults, pickle.loads(pickle.dumps(EMPTY_FIGURE))]:
        assert type(figure) is dict and figure == {"data": [], "layout": {}}
        assert DEFAULT_TEMPLATE_PART not in json.dumps(figure)
