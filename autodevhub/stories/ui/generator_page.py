"""/stories/new: the story generator (form, progress, result); the state re-checks all on the server.

The three panels of one page, a little over 300 lines; what other story pages share is in components.
"""

from __future__ import annotations

import reflex as rx

from autodevhub.stories.engine.normalize import MAX_LENGTH, MIN_LENGTH
from autodevhub.stories.ui.components import (
    duplicate_callout,
    engine_callout,
    gherkin_block,
    loading,
    mono,
    score_badge,
    score_card,
    similar_list,
    status_badge,
)
from autodevhub.stories.ui.generator_state import MAX_DRAFT, StoryGeneratorState
from autodevhub.ui import empty_state, link_button, page_header, template
from autodevhub.ui.forms import card_section, field_label, message_callout

DESCRIPTION_INPUT = "feature-description"
PLACEHOLDER = (
    "As a shop manager I want to export last month's orders as a CSV file so that I can reconcile them "
    "in the accounting tool. Only managers may export; an export holds at most 10,000 orders."
)


def notice() -> rx.Component:
    """The last confirmation, with a link to the story it is about."""
    return rx.cond(
        StoryGeneratorState.notice != "",
        rx.callout(
            rx.hstack(
                rx.text(StoryGeneratorState.notice),
                rx.cond(
                    StoryGeneratorState.notice_href != "",
                    rx.link("Open the story", href=StoryGeneratorState.notice_href),
                ),
                spacing="2",
                wrap="wrap",
            ),
            icon="circle-check",
            color_scheme="green",
            role="status",
            width="100%",
        ),
    )


def project_picker() -> rx.Component:
    return rx.vstack(
        field_label("Project", "story-project"),
        rx.select.root(
            rx.select.trigger(id="story-project", width="100%"),
            rx.select.content(
                rx.foreach(StoryGeneratorState.projects, lambda p: rx.select.item(p.name, value=p.id)),
            ),
            name="project_id",
            value=StoryGeneratorState.project_id,
            on_change=StoryGeneratorState.choose_project,
        ),
        spacing="1",
        width="100%",
        max_width="24rem",
    )


def counter() -> rx.Component:
    return rx.hstack(
        rx.text(
            f"Between {MIN_LENGTH} and {MAX_LENGTH:,} characters.",
            id="feature-description-hint",
            size="1",
            color_scheme="gray",
        ),
        rx.text(
            StoryGeneratorState.counter,
            size="1",
            weight="medium",
            color_scheme=rx.cond(
                StoryGeneratorState.length_ok | (StoryGeneratorState.length == 0), "gray", "red"
            ),
            aria_live="polite",
            id="feature-description-counter",
        ),
        justify="between",
        width="100%",
    )


def generate_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            project_picker(),
            rx.vstack(
                field_label("Feature description", DESCRIPTION_INPUT),
                rx.text_area(
                    id=DESCRIPTION_INPUT,
                    name="feature_description",
                    default_value=StoryGeneratorState.description,
                    key=StoryGeneratorState.editor_key,
                    on_change=StoryGeneratorState.edit_description.debounce(300),
                    placeholder=PLACEHOLDER,
                    max_length=MAX_DRAFT,
                    rows="7",
                    resize="vertical",
                    aria_describedby="feature-description-hint feature-description-counter",
                    width="100%",
                ),
                counter(),
                spacing="1",
                width="100%",
            ),
            rx.hstack(
                rx.button(
                    rx.icon("sparkles", size=16, aria_hidden="true"),
                    "Generate",
                    type="submit",
                    loading=StoryGeneratorState.generating,
                    disabled=~StoryGeneratorState.length_ok | ~StoryGeneratorState.can_write,
                    size="3",
                ),
                rx.text(
                    "Saved as a draft of the chosen project; you review it before approving.",
                    size="2",
                    color_scheme="gray",
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=StoryGeneratorState.generate,
        width="100%",
    )


def read_only_notice() -> rx.Component:
    return rx.cond(
        StoryGeneratorState.loaded & (StoryGeneratorState.project_id != "") & ~StoryGeneratorState.can_write,
        rx.callout(
            "Your role in this project is read-only: you can browse its stories but not generate new ones.",
            icon="lock",
            color_scheme="gray",
            width="100%",
        ),
    )


def progress_panel() -> rx.Component:
    """Stages as they happen; Claude's streamed answer while it writes."""
    return rx.cond(
        StoryGeneratorState.generating,
        rx.card(
            rx.vstack(
                rx.hstack(rx.spinner(size="2"), rx.heading("Generating…", as_="h2", size="4"), spacing="2"),
                rx.el.ol(
                    rx.foreach(
                        StoryGeneratorState.stages,
                        lambda stage: rx.el.li(rx.text(stage, size="2"), list_style="none"),
                    ),
                    aria_live="polite",
                    padding="0",
                    margin="0",
                ),
                rx.cond(
                    StoryGeneratorState.fallback != "",
                    rx.callout(StoryGeneratorState.fallback, icon="bot", color_scheme="amber"),
                ),
                rx.cond(
                    StoryGeneratorState.streamed != "",
                    rx.box(
                        mono(StoryGeneratorState.streamed), max_height="14rem", overflow="auto", width="100%"
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            role="status",
            width="100%",
        ),
    )


def result_actions() -> rx.Component:
    result = StoryGeneratorState.result
    return rx.flex(
        rx.button(
            rx.icon("check", size=16, aria_hidden="true"), "Save", on_click=StoryGeneratorState.save_result
        ),
        link_button("Edit", "/stories/" + result.story_id, icon="pencil"),
        rx.button(
            rx.icon("refresh-cw", size=16, aria_hidden="true"),
            "Regenerate",
            on_click=StoryGeneratorState.regenerate(result.story_id),
            loading=StoryGeneratorState.generating,
            variant="soft",
            title="Write this story again from the description above; it replaces this draft.",
        ),
        rx.button(
            rx.icon("archive", size=16, aria_hidden="true"),
            "Discard",
            on_click=StoryGeneratorState.discard(result.story_id),
            variant="soft",
            color_scheme="gray",
        ),
        spacing="2",
        wrap="wrap",
    )


def result_panel() -> rx.Component:
    result = StoryGeneratorState.result
    story = card_section(
        "Generated story",
        rx.flex(
            rx.heading(result.title, as_="h3", size="5"),
            rx.hstack(
                status_badge(result.status, result.status_label),
                score_badge(result.score, result.tone),
                rx.badge(result.engine, variant="outline", radius="full", size="2"),
                spacing="2",
                wrap="wrap",
            ),
            direction="column",
            spacing="2",
        ),
        engine_callout(result.engine_text, result.engine_failed),
        duplicate_callout(result.duplicate_href),
        gherkin_block(result.gherkin),
        result_actions(),
    )
    side = rx.vstack(
        score_card(result.score, result.tone, result.parts, result.hints, result.uncovered),
        card_section(
            "Similar stories",
            similar_list(result.similar, "No similar story in this project: this one is new."),
        ),
        spacing="4",
        width="100%",
    )
    return rx.cond(
        result.story_id != "",
        rx.grid(
            rx.box(story, grid_column=rx.breakpoints(initial="auto", md="span 2")),
            side,
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="4",
            width="100%",
        ),
    )


def typing_similar() -> rx.Component:
    return rx.cond(
        (StoryGeneratorState.similar.length() > 0) & (StoryGeneratorState.result.story_id == ""),
        card_section(
            "Similar stories in " + StoryGeneratorState.project_name,
            rx.text("Check these before generating a duplicate.", size="2", color_scheme="gray"),
            similar_list(StoryGeneratorState.similar, ""),
        ),
    )


def no_projects() -> rx.Component:
    return empty_state(
        "folder-git-2",
        "Create a project first",
        "Stories belong to a project: its members can read them, and members and up can generate them.",
        steps=("Open Settings and create a project.", "Come back here and describe a feature."),
        action=link_button("Go to Settings", "/settings"),
    )


def form_and_result() -> rx.Component:
    return rx.vstack(
        read_only_notice(),
        card_section("Describe the feature", generate_form()),
        typing_similar(),
        progress_panel(),
        result_panel(),
        spacing="4",
        width="100%",
    )


@template(route="/stories/new", title="New story", on_load=StoryGeneratorState.load_generator)
def new_story() -> rx.Component:
    """Describe a feature, generate Gherkin, then save, edit, regenerate or discard it."""
    return rx.vstack(
        page_header(
            "New story",
            "Describe a feature in plain words; get Gherkin scenarios, checked and scored.",
            link_button("All stories", "/stories", icon="list"),
        ),
        message_callout(StoryGeneratorState.error),
        notice(),
        rx.cond(
            StoryGeneratorState.loaded,
            rx.cond(StoryGeneratorState.projects.length() == 0, no_projects(), form_and_result()),
            loading(StoryGeneratorState.error),
        ),
        spacing="4",
        width="100%",
    )
