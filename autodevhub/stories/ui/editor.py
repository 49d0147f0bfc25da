"""The Gherkin editor: a textarea over red bands at the lines with parse errors, and a line-number gutter."""

from __future__ import annotations

import reflex as rx

from autodevhub.stories.ui.detail_state import EDITOR_ID, StoryDetailState
from autodevhub.stories.ui.rows import GutterLine, ParseProblem

LINE = 20  # px: one editor line; the gutter and the error bands use the same height
PAD = 12  # px: the editor's top and bottom padding
EDITOR_FONT = {"font_family": "var(--code-font-family)", "font_size": "13px", "line_height": f"{LINE}px"}
ERRORS_ID = "gherkin-errors"


def gutter_line(line: GutterLine) -> rx.Component:
    return rx.box(
        line.number,
        color=rx.cond(line.error, rx.color("red", 11), rx.color("gray", 9)),
        font_weight=rx.cond(line.error, "700", "400"),
        height=f"{LINE}px",
    )


def error_band(problem: ParseProblem) -> rx.Component:
    return rx.box(
        position="absolute",
        left="0",
        right="0",
        top=(problem.line - 1) * LINE + PAD,
        height=f"{LINE}px",
        background=rx.color("red", 4),
        border_left=f"3px solid {rx.color('red', 9)}",
        display=rx.cond(problem.line > 0, "block", "none"),
    )


def editor() -> rx.Component:
    """A plain textarea over a layer of red bands at the error lines, with a line-number gutter."""
    invalid = StoryDetailState.problems.length() > 0
    return rx.flex(
        rx.box(
            rx.foreach(StoryDetailState.lines, gutter_line),
            aria_hidden="true",
            padding=f"{PAD}px 0.5rem",
            text_align="right",
            min_width="2.75rem",
            user_select="none",
            background=rx.color("gray", 3),
            border_right=f"1px solid {rx.color('gray', 5)}",
            **EDITOR_FONT,
        ),
        rx.box(
            rx.foreach(StoryDetailState.problems, error_band),
            rx.el.textarea(
                id=EDITOR_ID,
                name="gherkin",
                default_value=StoryDetailState.editor_text,
                key=StoryDetailState.editor_key,
                on_change=StoryDetailState.check_gherkin.debounce(400),
                read_only=~StoryDetailState.can_write,
                spell_check=False,
                wrap="off",
                aria_label="Gherkin",
                aria_invalid=rx.cond(invalid, "true", "false"),
                aria_describedby=ERRORS_ID,
                rows=StoryDetailState.lines.length(),
                style={
                    "position": "relative",
                    "display": "block",
                    "width": "100%",
                    "min_height": "16rem",
                    "padding": f"{PAD}px 0.75rem",
                    "border": "none",
                    "outline": "none",
                    "resize": "none",
                    "overflow_x": "auto",
                    "overflow_y": "hidden",
                    "white_space": "pre",
                    "field_sizing": "content",
                    "background": "transparent",
                    "color": "var(--gray-12)",
                    **EDITOR_FONT,
                },
            ),
            position="relative",
            flex="1",
            min_width="0",
        ),
        width="100%",
        border=rx.cond(invalid, f"1px solid {rx.color('red', 8)}", f"1px solid {rx.color('gray', 6)}"),
        border_radius="var(--radius-3)",
        overflow="hidden",
        background=rx.color("gray", 1),
        _focus_within={"outline": "2px solid var(--accent-8)", "outline_offset": "1px"},
    )


def parse_status() -> rx.Component:
    problem = lambda p: rx.el.li(rx.text(p.label, size="2"))  # noqa: E731
    return rx.box(
        rx.cond(
            StoryDetailState.problems.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-x")),
                rx.el.ul(rx.foreach(StoryDetailState.problems, problem), margin="0", padding_left="1rem"),
                color_scheme="red",
                size="1",
                width="100%",
            ),
            rx.hstack(
                rx.icon("circle-check", size=16, color=rx.color("green", 10), aria_hidden="true"),
                rx.text("Valid Gherkin.", size="2", color_scheme="green"),
                spacing="1",
                align="center",
            ),
        ),
        id=ERRORS_ID,
        aria_live="polite",
        width="100%",
    )
