"""The Workflows page's empty charts carry no plotly template: Reflex copies them on every state reset and
unpickles them on every load of the state from Redis, and the default template made both cost ~25 ms."""

from __future__ import annotations

import copy
import pickle

from autodevhub.workflows.ui.workflows_state import EMPTY_FIGURE, WorkflowsState

DEFAULT_TEMPLATE_PART = "histogram2dcontour"  # one of the trace styles of plotly's default template


def test_the_empty_charts_have_no_baked_in_template() -> None:
    assert EMPTY_FIGURE.layout.template.to_plotly_json() == {}
    defaults = [WorkflowsState.get_fields()[name].default_value() for name in ("runs_chart", "success_chart")]
    for figure in [*defaults, copy.deepcopy(EMPTY_FIGURE), pickle.loads(pickle.dumps(EMPTY_FIGURE))]:
        assert DEFAULT_TEMPLATE_PART not in figure.to_json()
        assert list(figure.data) == []
