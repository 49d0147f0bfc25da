"""Shared building blocks used by every feature page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx

from autodevhub.ui.navigation import FOCUS_RING


def page_header(title: str, description: str, *actions: rx.Component) -> rx.Component:
    """The page's <h1>, a one-line description and optional actions on the right."""
    return rx.flex(
        rx.vstack(
            rx.heading(title, as_="h1", size=rx.breakpoints(initial="6", sm="7"), weight="bold"),
            rx.text(description, size="3", color_scheme="gray"),
            spacing="2",
            min_width="0",
        ),
        rx.hstack(*actions, spacing="2") if actions else rx.fragment(),
        direction=rx.breakpoints(initial="column", sm="row"),
        justify="between",
        align=rx.breakpoints(initial="start", sm="end"),
        spacing="4",
        width="100%",
        padding_bottom="1.5rem",
        margin_bottom="1.5rem",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def icon_badge(icon: str, size: int = 22) -> rx.Component:
    """An icon on a soft accent tile, used by cards and empty states."""
    return rx.center(
        rx.icon(icon, size=size, aria_hidden="true"),
        width=f"{size * 2}px",
        height=f"{size * 2}px",
        flex_shrink="0",
        border_radius="var(--radius-4)",
        background=rx.color("accent", 3),
        color=rx.color("accent", 11),
    )


def steps_list(steps: Sequence[str]) -> rx.Component:
    """A numbered list of what to do, one short sentence per step."""
    return rx.el.ol(
        *(
            rx.el.li(
                rx.hstack(
                    rx.center(
                        rx.text(str(number), size="1", weight="bold"),
                        width="1.5rem",
                        height="1.5rem",
                        flex_shrink="0",
                        border_radius="9999px",
                        background=rx.color("accent", 4),
                        color=rx.color("accent", 11),
                    ),
                    rx.text(step, size="2"),
                    align="start",
                    spacing="3",
                ),
                list_style="none",
            )
            for number, step in enumerate(steps, start=1)
        ),
        display="flex",
        flex_direction="column",
        gap="0.75rem",
        padding="0",
        margin="0",
        text_align="left",
    )


def empty_state(
    icon: str,
    title: str,
    description: str,
    steps: Sequence[str] = (),
    action: rx.Component | None = None,
) -> rx.Component:
    """An honest 'nothing here yet' panel: what will appear on the page and how to get it."""
    return rx.vstack(
        icon_badge(icon, size=26),
        rx.heading(title, as_="h2", size="5", text_align="center"),
        rx.text(description, size="3", color_scheme="gray", text_align="center", max_width="36rem"),
        rx.box(
            rx.text("How to get started", size="2", weight="bold", margin_bottom="0.75rem"),
            steps_list(steps),
            width="100%",
            max_width="30rem",
            padding="1rem",
            border_radius="var(--radius-3)",
            background=rx.color("gray", 3),
        )
        if steps
        else rx.fragment(),
        action if action is not None else rx.fragment(),
        align="center",
        spacing="4",
        width="100%",
        padding_y=rx.breakpoints(initial="2rem", sm="3rem"),
        padding_x=rx.breakpoints(initial="1rem", sm="2rem"),
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="var(--radius-4)",
        background=rx.color("gray", 2),
    )


def link_button(label: str, href: str, icon: str = "arrow-right", variant: str = "soft") -> rx.Component:
    """A real link styled as a button (no <button> inside an <a>)."""
    return rx.button(
        rx.link(
            label,
            rx.icon(icon, size=16, aria_hidden="true"),
            href=href,
            underline="none",
            _focus_visible=FOCUS_RING,
        ),
        as_child=True,
        variant=variant,
        size="2",
    )


def data_table(
    headers: Sequence[str], items: rx.Var, render_row: Callable[[rx.Var], rx.Component], **table_props
) -> rx.Component:
    """A surface table of `items`, one `render_row` each; scrolls sideways inside its box when narrow."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*(rx.table.column_header_cell(title) for title in headers))),
            rx.table.body(rx.foreach(items, render_row)),
            variant="surface",
            width="100%",
            **table_props,
        ),
        width="100%",
        overflow_x="auto",
    )


def confirm_dialog(
    trigger: rx.Component,
    title: rx.Var | str,
    description: rx.Var | str,
    confirm_label: str,
    on_confirm: rx.EventHandler | rx.event.EventSpec,
    cancel_label: str = "Cancel",
) -> rx.Component:
    """`trigger` opens a dialog that asks before a destructive action runs."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(cancel_label, variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(confirm_label, color_scheme="red", on_click=on_confirm)),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )
