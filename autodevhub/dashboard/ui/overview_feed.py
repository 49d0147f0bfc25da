"""The overview page's activity feed (a page at a time) and its AI spend; all of it rendered as text."""

from __future__ import annotations

import reflex as rx

from autodevhub.dashboard.ui.overview_parts import S, section
from autodevhub.dashboard.ui.rows import ActivityLine, SpendLine


def activity_item(item: ActivityLine) -> rx.Component:
    return rx.hstack(
        rx.text(rx.text.strong(item.who), " ", item.what, size="2", flex="1", min_width="0"),
        rx.text(item.at, size="1", color_scheme="gray", flex_shrink="0"),
        spacing="3",
        width="100%",
        padding_y="0.35rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def activity() -> rx.Component:
    pager = rx.hstack(
        rx.button(
            "Newer", on_click=S.previous_activity, disabled=S.activity_page == 0, variant="soft", size="1"
        ),
        rx.button("Older", on_click=S.next_activity, disabled=~S.activity_more, variant="soft", size="1"),
        spacing="2",
    )
    return rx.card(
        section(
            "Activity",
            rx.cond(
                S.activity.length() > 0,
                rx.vstack(rx.foreach(S.activity, activity_item), spacing="0", width="100%"),
                rx.text("Nothing recorded yet.", size="2", color_scheme="gray"),
            ),
            action=pager,
        ),
        min_width="0",
    )


def spend_month(line: SpendLine) -> rx.Component:
    return rx.vstack(
        rx.text(line.month, size="2", color_scheme="gray", weight="medium"),
        rx.text(line.cost, size="6", weight="bold"),
        rx.text(line.tokens, size="1", color_scheme="gray"),
        rx.foreach(line.engines, lambda engine: rx.text(engine, size="1")),
        spacing="1",
        min_width="0",
    )


def spend() -> rx.Component:
    return rx.card(
        section(
            "AI spend",
            rx.text(
                "Claude tokens and cost of this project's stories (by creation month) and docs pages (by "
                "generation month), UTC.",
                size="1",
                color_scheme="gray",
            ),
            rx.grid(rx.foreach(S.spend, spend_month), columns="2", spacing="4", width="100%"),
        ),
        min_width="0",
    )
