"""Form fields, feedback messages and refusal panels for the pages whose forms go to event handlers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx

MAX_FORM_TEXT = 10_000


def form_text(form_data: Any, key: str) -> str:
    """The text a browser submitted as `key`; "" when missing or not text (payloads are untrusted)."""
    value = form_data.get(key) if isinstance(form_data, dict) else None
    return value[:MAX_FORM_TEXT] if isinstance(value, str) else ""


def field_label(label: str, field_id: str) -> rx.Component:
    return rx.el.label(label, html_for=field_id, font_size="var(--font-size-2)", font_weight="500")


def text_field(
    label: str, name: str, *, field_id: str | None = None, hint: str = "", **input_props: Any
) -> rx.Component:
    """A labelled input submitted as `name`; a `hint` is tied to it with aria-describedby."""
    input_id = field_id or name
    hint_id = f"{input_id}-hint"
    if hint:
        input_props["aria_describedby"] = hint_id
    return rx.vstack(
        field_label(label, input_id),
        rx.input(id=input_id, name=name, width="100%", **input_props),
        rx.text(hint, id=hint_id, size="1", color_scheme="gray") if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def select_field(
    label: str, name: str, options: Sequence[str], *, field_id: str, default_value: rx.Var | str
) -> rx.Component:
    """A labelled select submitted with its form as `name`."""
    return rx.vstack(
        field_label(label, field_id),
        rx.select(list(options), id=field_id, name=name, default_value=default_value, width="100%"),
        spacing="1",
        width="100%",
    )


def message_callout(message: rx.Var[str], success: bool = False) -> rx.Component:
    """A refusal (role=alert) or, with `success`, a confirmation (role=status); nothing while empty."""
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="circle-check" if success else "triangle-alert",
            color_scheme="green" if success else "red",
            role="status" if success else "alert",
            width="100%",
        ),
    )


def feedback(error: rx.Var[str], notice: rx.Var[str] | str = "") -> rx.Component:
    """The refusal or the confirmation of the last action, whichever is set."""
    if isinstance(notice, str) and not notice:
        return message_callout(error)
    return rx.fragment(message_callout(error), message_callout(notice, success=True))


def refusal_panel(
    title: str, message: rx.Var[str] | str, icon: str = "lock", level: str = "h2"
) -> rx.Component:
    """Shown instead of a page the caller may not see: why, and nothing of the data."""
    return rx.vstack(
        rx.icon(icon, size=28, aria_hidden="true", color=rx.color("gray", 10)),
        rx.heading(title, as_=level, size="5"),
        rx.text(message, size="3", color_scheme="gray", text_align="center"),
        align="center",
        spacing="3",
        width="100%",
        padding="2.5rem 1rem",
        border=f"1px dashed {rx.color('gray', 7)}",
        border_radius="var(--radius-4)",
        background=rx.color("gray", 2),
    )


def gated(
    shown: rx.Var[bool],
    problem: rx.Var[str],
    content: rx.Component,
    title: str,
    icon: str = "lock",
    level: str = "h2",
) -> rx.Component:
    """`content` once the server let the caller see it; the refusal once it did not; a spinner until then."""
    return rx.cond(
        shown,
        content,
        rx.cond(
            problem != "",
            refusal_panel(title, problem, icon=icon, level=level),
            rx.center(rx.spinner(size="3"), width="100%", min_height="12rem", aria_busy="true"),
        ),
    )


def card_section(title: str, *children: rx.Component) -> rx.Component:
    """A titled card holding one task of a page (a form, a table)."""
    return rx.card(
        rx.vstack(rx.heading(title, as_="h2", size="4"), *children, spacing="4", width="100%"),
        width="100%",
        size=rx.breakpoints(initial="2", sm="3"),
    )
