"""/stories/[story_id]: edit the Gherkin with live parse errors, move it along the workflow, export it."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler

from autodevhub.stories.ui.components import (
    duplicate_callout,
    engine_callout,
    gherkin_block,
    score_badge,
    score_card,
    similar_list,
    status_badge,
)
from autodevhub.stories.ui.detail_state import StoryDetailState
from autodevhub.stories.ui.editor import editor, parse_status
from autodevhub.stories.ui.lifecycle import HistoryRow, StatusMove
from autodevhub.stories.ui.results_card import StoryResultsState, results_card
from autodevhub.ui import confirm_dialog, page_header, template
from autodevhub.ui.forms import card_section, feedback, gated
from autodevhub.ui.navigation import FOCUS_RING


def back_link() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("arrow-left", size=16, aria_hidden="true"), "All stories", align="center", spacing="1"
        ),
        href="/stories",
        size="2",
        _focus_visible=FOCUS_RING,
    )


def editor_card() -> rx.Component:
    actions = rx.flex(
        rx.cond(
            StoryDetailState.can_write,
            rx.fragment(
                rx.button(rx.icon("save", size=16, aria_hidden="true"), "Save", type="submit"),
                rx.button(
                    "Revert edits",
                    type="button",
                    on_click=StoryDetailState.revert_edits,
                    disabled=~StoryDetailState.dirty,
                    variant="soft",
                    color_scheme="gray",
                ),
            ),
        ),
        rx.spacer(),
        rx.button(
            rx.icon("copy", size=16, aria_hidden="true"),
            "Copy",
            type="button",
            on_click=[
                rx.set_clipboard(StoryDetailState.editor_text),
                rx.toast.success("Gherkin copied to the clipboard."),
            ],
            variant="soft",
        ),
        rx.button(
            rx.icon("download", size=16, aria_hidden="true"),
            "Download .feature",
            type="button",
            on_click=StoryDetailState.download_feature,
            variant="soft",
        ),
        spacing="2",
        wrap="wrap",
        width="100%",
    )
    return card_section(
        rx.cond(StoryDetailState.can_write, "Gherkin editor", "Gherkin"),
        rx.cond(
            StoryDetailState.dirty,
            rx.text("Unsaved edits.", size="2", color_scheme="amber", weight="medium"),
        ),
        rx.form(
            rx.vstack(
                rx.cond(StoryDetailState.can_write, editor(), gherkin_block(StoryDetailState.editor_text)),
                parse_status(),
                actions,
                spacing="3",
                width="100%",
            ),
            on_submit=StoryDetailState.save_gherkin,
            width="100%",
        ),
    )


def move_button(move: StatusMove) -> rx.Component:
    return rx.button(
        move.label,
        on_click=StoryDetailState.change_status(move.status),
        disabled=~move.allowed | StoryDetailState.dirty,
        title=move.reason,
        variant=rx.cond(move.primary, "solid", "soft"),
        color_scheme=rx.cond(move.status == "archived", "gray", "indigo"),
        size="2",
    )


def workflow_card() -> rx.Component:
    steps = ("draft", "approved", "in_progress", "done")
    labels = ("Draft", "Approved", "In progress", "Done")
    stepper = rx.flex(
        *(
            rx.badge(
                label,
                variant=rx.cond(StoryDetailState.story.status == step, "solid", "soft"),
                color_scheme=rx.cond(StoryDetailState.story.status == step, "indigo", "gray"),
                radius="full",
            )
            for step, label in zip(steps, labels, strict=True)
        ),
        spacing="1",
        wrap="wrap",
    )
    return card_section(
        "Status",
        stepper,
        rx.cond(StoryDetailState.story.status == "archived", rx.text("This story is archived.", size="2")),
        rx.cond(
            StoryDetailState.can_write,
            rx.vstack(
                rx.flex(rx.foreach(StoryDetailState.moves, move_button), spacing="2", wrap="wrap"),
                rx.foreach(
                    StoryDetailState.moves,
                    lambda move: rx.cond(~move.allowed, rx.text(move.reason, size="1", color_scheme="red")),
                ),
                rx.cond(
                    StoryDetailState.dirty,
                    rx.text("Save or revert your edits to change the status.", size="1", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            rx.text("Your role in this project is read-only.", size="2", color_scheme="gray"),
        ),
    )


def history_row(entry: HistoryRow) -> rx.Component:
    return rx.el.li(
        rx.text(entry.what, size="2", weight="medium"),
        rx.text(entry.who + " · " + entry.when, size="1", color_scheme="gray"),
        list_style="none",
        padding_y="0.375rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def link_row(link: rx.Var, label: str) -> rx.Component:
    """`Issue #12` / `Pull request #13` (a link when its address is GitHub's) and its state."""
    states = {"closed": "purple", "merged": "violet", "pending": "gray"}
    return rx.hstack(
        rx.cond(
            link.url != "",
            rx.link(label, " #", link.number, href=link.url, is_external=True),
            rx.text(label, " #", link.number),
        ),
        rx.badge(link.state, color_scheme=rx.match(link.state, *states.items(), "green")),
        spacing="2",
        align="center",
    )


def push_button(
    link: rx.Var, update: str, create: str, handler: EventHandler, merged: str = ""
) -> rx.Component:
    """`create` the first time, `update` after (`merged`, when given, once the link's state is merged)."""
    label = rx.cond(link.number > 0, update, create)
    return rx.button(
        rx.icon("github", size=16, aria_hidden="true"),
        rx.cond(link.state == "merged", merged, label) if merged else label,
        on_click=handler,
        loading=StoryDetailState.pushing,
        variant="soft",
    )


def github_card() -> rx.Component:
    """The story's GitHub issue and pull request, and (maintainers and up) the pushes that create or
    update them."""
    issue, pull = StoryDetailState.issue, StoryDetailState.pull
    return card_section(
        "GitHub",
        rx.cond(issue.number > 0, link_row(issue, "Issue")),
        rx.cond(pull.number > 0, link_row(pull, "Pull request")),
        rx.cond(
            (issue.number == 0) & (pull.number == 0),
            rx.text("Not on GitHub yet.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            StoryDetailState.lead_time != "",
            rx.hstack(
                rx.text(StoryDetailState.lead_time, size="2"),
                rx.cond(
                    StoryDetailState.shipped_run_url != "",
                    rx.link(
                        "the deploy run", href=StoryDetailState.shipped_run_url, is_external=True, size="2"
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
        ),
        rx.cond(
            StoryDetailState.can_push,
            rx.hstack(
                push_button(
                    issue, "Update the GitHub issue", "Push as an issue", StoryDetailState.push_issue
                ),
                push_button(
                    pull,
                    "Update the pull request",
                    "Push as a pull request (.feature file)",
                    StoryDetailState.push_pull_request,
                    merged="Push edits as a new pull request",
                ),
                spacing="2",
                wrap="wrap",
            ),
        ),
        rx.text(
            "Closing the issue on GitHub marks the story done; reopening it moves it back to in progress. "
            "The pull request adds the story's .feature file, tagged so CI results map back to it. "
            "Lead time runs from approval to the first successful deploy after the merge (or the close).",
            size="1",
            color_scheme="gray",
        ),
    )


def delete_card() -> rx.Component:
    return card_section(
        "Delete story",
        rx.text("Deleting removes the story for everyone; its audit entries stay.", size="2"),
        confirm_dialog(
            rx.button("Delete story…", color_scheme="red", variant="soft"),
            "Delete “" + StoryDetailState.story.title + "”?",
            "The story is deleted for everyone. This cannot be undone.",
            "Delete story",
            StoryDetailState.delete_story,
        ),
    )


def story_view() -> rx.Component:
    story = StoryDetailState.story
    main = rx.vstack(
        feedback(StoryDetailState.error, StoryDetailState.notice),
        engine_callout(story.engine_text, story.engine_failed),
        duplicate_callout(story.duplicate_href),
        editor_card(),
        card_section("Feature description", rx.text(story.description, size="2", white_space="pre-wrap")),
        spacing="4",
        width="100%",
    )
    side = rx.vstack(
        workflow_card(),
        score_card(story.score, story.tone, story.parts, story.hints, story.uncovered),
        github_card(),
        results_card(),
        card_section("Similar stories", similar_list(story.similar, "No similar story in this project.")),
        card_section(
            "History",
            rx.el.ul(
                rx.foreach(StoryDetailState.history, history_row), padding="0", margin="0", width="100%"
            ),
        ),
        rx.cond(StoryDetailState.can_delete, delete_card()),
        spacing="4",
        width="100%",
    )
    return rx.vstack(
        page_header(
            story.title,
            story.project + " · created " + story.created + " · updated " + story.updated,
            status_badge(story.status, story.status_label),
            score_badge(story.score, story.tone),
        ),
        rx.grid(
            rx.box(main, grid_column=rx.breakpoints(initial="auto", lg="span 2"), min_width="0"),
            side,
            columns=rx.breakpoints(initial="1", lg="3"),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


@template(
    route="/stories/[story_id]",
    title="Story",
    on_load=[StoryDetailState.load_story, StoryResultsState.load_results],
)
def story_page() -> rx.Component:
    """A story the caller may read; otherwise why not (no crash for bad or foreign ids)."""
    return rx.vstack(
        back_link(),
        gated(
            StoryDetailState.found,
            StoryDetailState.problem,
            story_view(),
            "Story unavailable",
            icon="file-x",
            level="h1",
        ),
        spacing="4",
        width="100%",
    )
