"""/stories: the stories of the caller's projects, filtered, sorted and paged; a way to the generator."""

from __future__ import annotations

import reflex as rx

from autodevhub.stories.ui.components import loading, score_badge, status_badge
from autodevhub.stories.ui.list_state import ALL, FAILING, StoriesState
from autodevhub.stories.ui.rows import SORTS, STATUS_LABELS, StoryRow
from autodevhub.ui import empty_state, link_button, page_header, template
from autodevhub.ui.forms import field_label, message_callout
from autodevhub.ui.navigation import FOCUS_RING
from autodevhub.ui.pagination import pagination
from autodevhub.ui.rows import ProjectOption

SORT_LABELS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "score": "Highest score",
    "status": "Status",
}
COLUMNS = ("Story", "Project", "Status", "Score", "Created")


def story_row(story: StoryRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(story.title, href=story.href, weight="medium", _focus_visible=FOCUS_RING),
            rx.text(story.excerpt, size="1", color_scheme="gray", margin_top="0.125rem"),
            min_width="16rem",
        ),
        rx.table.cell(rx.text(story.project, size="2", white_space="nowrap")),
        rx.table.cell(status_badge(story.status, story.status_label)),
        rx.table.cell(score_badge(story.score, story.tone, suffix="")),
        rx.table.cell(rx.text(story.created, size="2", color_scheme="gray", white_space="nowrap")),
    )


def choice(
    label: str, field_id: str, value: rx.Var[str], on_change, items: list[rx.Component]
) -> rx.Component:
    return rx.vstack(
        field_label(label, field_id),
        rx.select.root(
            rx.select.trigger(id=field_id, width="100%"),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
        min_width="10rem",
        flex="1",
    )


def project_item(project: ProjectOption) -> rx.Component:
    return rx.select.item(project.name, value=project.id)


def filters() -> rx.Component:
    return rx.flex(
        rx.form(
            rx.vstack(
                field_label("Search", "story-search"),
                rx.hstack(
                    rx.input(
                        id="story-search",
                        name="q",
                        type="search",
                        default_value=StoriesState.query,
                        placeholder="Words in the description or the Gherkin",
                        max_length=200,
                        width="100%",
                    ),
                    rx.button(rx.icon("search", size=16, aria_hidden="true"), "Search", type="submit"),
                    spacing="2",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            on_submit=StoriesState.search,
            flex="2",
            min_width="16rem",
        ),
        choice(
            "Project",
            "story-project-filter",
            StoriesState.project_filter,
            StoriesState.filter_project,
            [rx.select.item("All projects", value=ALL), rx.foreach(StoriesState.projects, project_item)],
        ),
        choice(
            "Status",
            "story-status-filter",
            StoriesState.status_filter,
            StoriesState.filter_status,
            [
                rx.select.item("Any status", value=ALL),
                *(rx.select.item(label, value=key) for key, label in STATUS_LABELS.items()),
            ],
        ),
        choice(
            "CI results",
            "story-results-filter",
            StoriesState.results_filter,
            StoriesState.filter_results,
            [rx.select.item("Any result", value=ALL), rx.select.item("Failing", value=FAILING)],
        ),
        choice(
            "Sort",
            "story-sort",
            StoriesState.sort,
            StoriesState.sort_by,
            [rx.select.item(SORT_LABELS[key], value=key) for key in SORTS],
        ),
        rx.cond(
            StoriesState.filtered,
            rx.button(
                "Clear filters", on_click=StoriesState.clear_filters, variant="soft", color_scheme="gray"
            ),
        ),
        spacing="3",
        wrap="wrap",
        align="end",
        width="100%",
    )


def story_table() -> rx.Component:
    return rx.vstack(
        rx.box(
            rx.table.root(
                rx.table.header(rx.table.row(*(rx.table.column_header_cell(c) for c in COLUMNS))),
                rx.table.body(rx.foreach(StoriesState.stories, story_row)),
                variant="surface",
                width="100%",
            ),
            width="100%",
            overflow_x="auto",
        ),
        pagination(StoriesState, "stories"),
        spacing="3",
        width="100%",
    )


def no_stories() -> rx.Component:
    return empty_state(
        "book-open-text",
        "No stories yet",
        "Generate Gherkin user stories from a feature description. Each story is checked with the official "
        "Gherkin parser, scored for quality, and moves from draft to approved, in progress and done. "
        "You can edit it and export it as a .feature file.",
        steps=(
            "Create a project in Settings, if you have none.",
            "Choose New story and describe the feature you want to build in a few sentences.",
            "Review the generated scenarios, edit them and approve the ones you keep.",
        ),
        action=link_button("New story", "/stories/new", icon="sparkles", variant="solid"),
    )


def no_match() -> rx.Component:
    return rx.vstack(
        rx.icon("search-x", size=24, color=rx.color("gray", 10), aria_hidden="true"),
        rx.text("No story matches these filters.", size="3", weight="medium"),
        rx.button("Show all stories", on_click=StoriesState.clear_filters, variant="soft"),
        align="center",
        spacing="3",
        padding="2.5rem 1rem",
        width="100%",
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="var(--radius-4)",
    )


@template(route="/stories", title="Stories", on_load=StoriesState.load_stories)
def stories() -> rx.Component:
    """User stories of the caller's projects, newest first unless sorted otherwise."""
    return rx.vstack(
        page_header(
            "Stories",
            "Gherkin user stories, from first draft to done.",
            link_button("New story", "/stories/new", icon="sparkles", variant="solid"),
        ),
        message_callout(StoriesState.error),
        rx.cond(
            StoriesState.total > 0,
            rx.vstack(filters(), story_table(), spacing="4", width="100%"),
            rx.cond(
                StoriesState.filtered,
                rx.vstack(filters(), no_match(), spacing="4", width="100%"),
                rx.cond(StoriesState.loaded, no_stories(), loading(StoriesState.error)),
            ),
        ),
        spacing="4",
        width="100%",
    )
