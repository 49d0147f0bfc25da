"""Story pieces the generator, the list and the detail page share: badges, Gherkin, score, engine, similar."""

from __future__ import annotations

import reflex as rx

from autodevhub.stories.ui.rows import ScorePart, SimilarRow
from autodevhub.ui.forms import card_section
from autodevhub.ui.navigation import FOCUS_RING

STATUS_COLORS = {
    "draft": "gray",
    "approved": "blue",
    "in_progress": "amber",
    "done": "green",
    "archived": "brown",
}
CODE_FONT = "var(--code-font-family)"


def status_badge(status: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    color = rx.match(status, *STATUS_COLORS.items(), "gray")
    return rx.badge(label, color_scheme=color, variant="soft", radius="full", size="2")


def score_badge(score: rx.Var[int] | rx.Var[str], tone: rx.Var[str], suffix: str = "%") -> rx.Component:
    return rx.badge(
        rx.icon("gauge", size=14, aria_hidden="true"),
        score.to_string() + suffix if suffix else score,
        color_scheme=tone,
        variant="surface",
        radius="full",
        size="2",
        title="Confidence score",
    )


def gherkin_block(code: rx.Var[str]) -> rx.Component:
    """Read-only Gherkin with syntax highlighting and line numbers (Prism's gherkin grammar)."""
    return rx.box(
        rx.code_block(
            code,
            language="gherkin",
            show_line_numbers=True,
            wrap_long_lines=True,
            custom_style={
                "margin": "0",
                "fontSize": "13px",
                "lineHeight": "1.6",
                "background": "transparent",
            },
        ),
        width="100%",
        max_height="40rem",
        overflow="auto",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="var(--radius-3)",
        background=rx.color("gray", 2),
    )


def engine_callout(engine_text: rx.Var[str], failed: rx.Var[bool]) -> rx.Component:
    """Which engine wrote the story; amber with Claude's failure when the rule engine stood in."""
    return rx.callout(
        engine_text,
        icon="bot",
        color_scheme=rx.cond(failed, "amber", "gray"),
        role=rx.cond(failed, "alert", "note"),
        variant="surface",
        size="1",
        width="100%",
    )


def _part(part: ScorePart) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(part.label, size="2", weight="medium"),
            rx.text(part.percent.to_string() + "%", size="2", weight="bold", white_space="nowrap"),
            justify="between",
            align="baseline",
            width="100%",
            spacing="2",
        ),
        rx.progress(value=part.percent, max=100, size="1", aria_label=part.label),
        rx.text(part.detail, size="1"),
        rx.text(part.explanation + " Weight " + part.weight + ".", size="1", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def _listed(title: str, items: rx.Var[list]) -> rx.Component:
    """A titled bullet list of plain texts, shown only when there is something to list."""
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.text(title, size="2", weight="bold"),
            rx.el.ul(
                rx.foreach(items, lambda item: rx.el.li(rx.text(item, size="2"))),
                padding_left="1.25rem",
                margin="0",
            ),
            spacing="2",
            width="100%",
        ),
    )


def score_card(
    score: rx.Var[int], tone: rx.Var[str], parts: rx.Var[list], hints: rx.Var[list], uncovered: rx.Var[list]
) -> rx.Component:
    """The total as a percentage, each named part with what it checks and what it found, the description's
    requirements no scenario covers, then the hints."""
    return card_section(
        "Quality score",
        rx.hstack(
            rx.heading(score.to_string() + "%", as_="p", size="8", color=rx.color(tone, 11)),
            rx.text("confidence, from the weighted parts below", size="2", color_scheme="gray"),
            align="baseline",
            spacing="3",
            wrap="wrap",
        ),
        rx.vstack(rx.foreach(parts, _part), spacing="4", width="100%"),
        _listed("Not covered by any scenario", uncovered),
        _listed("How to improve it", hints),
    )


def _similar(row: SimilarRow) -> rx.Component:
    return rx.el.li(
        rx.link(
            rx.vstack(
                rx.text(row.excerpt, size="2", weight="medium", class_name="line-clamp-2"),
                rx.hstack(
                    rx.text(row.similarity, size="1", color_scheme="gray"),
                    rx.text("·", size="1", color_scheme="gray"),
                    rx.text(row.status_label, size="1", color_scheme="gray"),
                    spacing="1",
                ),
                spacing="1",
                align="start",
            ),
            href=row.href,
            underline="none",
            display="block",
            padding="0.5rem 0.75rem",
            border_radius="var(--radius-2)",
            _hover={"background": rx.color("gray", 3)},
            _focus_visible=FOCUS_RING,
        ),
        list_style="none",
    )


def similar_list(rows: rx.Var[list], empty: str) -> rx.Component:
    """Links to similar stories of the project, most similar first."""
    return rx.cond(
        rows.length() > 0,
        rx.el.ul(rx.foreach(rows, _similar), padding="0", margin="0", width="100%"),
        rx.text(empty, size="2", color_scheme="gray"),
    )


def duplicate_callout(href: rx.Var[str]) -> rx.Component:
    return rx.cond(
        href != "",
        rx.callout(
            rx.text(
                "This story looks like a duplicate of an existing one. ",
                rx.link("Compare them", href=href, weight="medium"),
                ".",
            ),
            icon="copy",
            color_scheme="amber",
            size="1",
            width="100%",
        ),
    )


def mono(text: rx.Var[str] | str, **props) -> rx.Component:
    return rx.text(text, font_family=CODE_FONT, size="1", white_space="pre-wrap", **props)


def loading(error: rx.Var[str]) -> rx.Component:
    """A spinner until the page's data arrives (nothing once a refusal is shown instead)."""
    return rx.cond(
        error == "",
        rx.center(rx.spinner(size="3"), width="100%", min_height="12rem", aria_busy="true"),
    )
