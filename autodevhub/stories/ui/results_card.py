"""The story page's CI results card: each scenario's last result on the default branch, with its run."""

from __future__ import annotations

import dataclasses

import reflex as rx

from autodevhub.stories.results import service as results
from autodevhub.ui.forms import card_section
from autodevhub.ui.session_state import SessionState, signed_in

SHOWN = 50
LABELS = {"passed": "Passed", "failed": "Failed", "undefined": "Undefined", "not_run": "Not run"}
TONES = {"passed": "green", "failed": "red", "undefined": "amber", "not_run": "gray"}


@dataclasses.dataclass(frozen=True)
class ResultRow:
    scenario: str = ""
    result: str = ""
    label: str = ""
    tone: str = "gray"
    run_url: str = ""  # GitHub's https address only
    run_label: str = ""


def result_row(item: dict) -> ResultRow:
    url = item["run_url"] if str(item["run_url"]).startswith("https://") else ""
    return ResultRow(
        scenario=item["scenario"],
        result=item["result"],
        label=LABELS.get(item["result"], item["result"]),
        tone=TONES.get(item["result"], "gray"),
        run_url=url,
        run_label=f"run {item['run_id']} · {item['head_sha'][:7]}" if item["run_id"] else "",
    )


class StoryResultsState(SessionState):
    """The results of the story named by the URL's [story_id]; the service checks the caller may read it."""

    rows: list[ResultRow] = []
    total: int = 0
    problem: str = ""

    @rx.event
    def load_results(self):
        """on_load of the story page: its scenarios' results (the first SHOWN, failing first)."""
        ref = getattr(self, "story_id", "")
        ref = ref if isinstance(ref, str) else ""
        found, error = self._service(
            lambda session, identity: results.story_results(session, signed_in(identity), ref, limit=SHOWN)
        )
        items, total = found or ([], 0)
        self.rows, self.total, self.problem = [result_row(item) for item in items], total, error


def _row(row: ResultRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.scenario, size="2")),
        rx.table.cell(
            rx.badge(row.label, color_scheme=rx.match(row.tone, *[(t, t) for t in TONES.values()], "gray"))
        ),
        rx.table.cell(
            rx.cond(
                row.run_url != "",
                rx.link(row.run_label, href=row.run_url, is_external=True, size="2"),
                rx.text(row.run_label, size="2"),
            )
        ),
    )


def results_card() -> rx.Component:
    """Scenario, result badge, link to the run; an empty state until a CI run reported the story."""
    return card_section(
        "CI results",
        rx.cond(
            StoryResultsState.total > 0,
            rx.vstack(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Scenario"),
                            rx.table.column_header_cell("Result"),
                            rx.table.column_header_cell("Run"),
                        )
                    ),
                    rx.table.body(rx.foreach(StoryResultsState.rows, _row)),
                    size="1",
                    width="100%",
                ),
                rx.cond(
                    StoryResultsState.total > SHOWN,
                    rx.text(f"The first {SHOWN} of ", StoryResultsState.total, " scenarios.", size="1"),
                ),
                width="100%",
            ),
            rx.text(
                rx.cond(
                    StoryResultsState.problem != "",
                    StoryResultsState.problem,
                    "No CI results yet: a run on the default branch that uploads a Cucumber JSON or JUnit "
                    "report naming this story (its @story tag or its Feature) shows here.",
                ),
                size="2",
                color_scheme="gray",
            ),
        ),
    )
