"""The home page's project cards: name, repository, sync, CI sparkline, DORA bands, stories, alerts."""

from __future__ import annotations

import reflex as rx

from autodevhub.dashboard.ui.rows import Band, Bar, Card, Tile
from autodevhub.ui.navigation import FOCUS_RING

BAND_SCHEMES = (("elite", "green"), ("high", "blue"), ("medium", "amber"), ("low", "red"))
CLIPPED = {"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"}


def band_badge(band: rx.Var[str]) -> rx.Component:
    return rx.badge(
        rx.cond(band != "", band, "no data"),
        color_scheme=rx.match(band, *BAND_SCHEMES, "gray"),
        variant="soft",
        radius="full",
        text_transform="capitalize",
    )


def sparkline(bars: rx.Var[list[Bar]]) -> rx.Component:
    return rx.hstack(
        rx.foreach(
            bars,
            lambda bar: rx.box(
                height=bar.height, background=bar.color, flex="1", border_radius="2px", title=bar.label
            ),
        ),
        align="end",
        spacing="1",
        height="2rem",
        width="100%",
        role="img",
        aria_label="Success rate per day, last 7 days",
    )


def dora_chip(band: Band) -> rx.Component:
    return rx.vstack(
        rx.text(band.label, size="1", color_scheme="gray"),
        band_badge(band.band),
        spacing="1",
        align="start",
        min_width="0",
    )


def status_link(tile: Tile) -> rx.Component:
    return rx.link(
        rx.vstack(
            rx.text(tile.value, size="3", weight="bold"),
            rx.text(tile.label, size="1", color_scheme="gray", **CLIPPED, max_width="100%"),
            spacing="0",
            align="center",
            min_width="0",
        ),
        href=tile.href,
        underline="none",
        color="inherit",
        padding="0.25rem",
        border_radius="var(--radius-2)",
        _hover={"background": rx.color("gray", 3)},
        _focus_visible=FOCUS_RING,
        min_width="0",
    )


def project_card(item: Card) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.vstack(
                rx.link(
                    rx.heading(item.name, as_="h3", size="4", **CLIPPED, max_width="100%"),
                    href=item.href,
                    underline="hover",
                    color="inherit",
                    _focus_visible=FOCUS_RING,
                    max_width="100%",
                ),
                rx.text(
                    rx.cond(item.repo != "", item.repo, "No repository linked"),
                    size="1",
                    color_scheme="gray",
                    **CLIPPED,
                    max_width="100%",
                ),
                rx.text(item.sync, size="1", color_scheme="gray"),
                spacing="1",
                width="100%",
                min_width="0",
            ),
            rx.foreach(
                item.alerts,
                lambda alert: rx.callout(
                    alert, icon="triangle-alert", color_scheme="red", size="1", width="100%"
                ),
            ),
            rx.hstack(
                rx.vstack(
                    rx.text("CI success, 7 days", size="1", color_scheme="gray"),
                    rx.text(item.ci_rate, size="6", weight="bold", class_name="dash-card-rate"),
                    spacing="0",
                    flex_shrink="0",
                ),
                sparkline(item.spark),
                align="end",
                spacing="4",
                width="100%",
            ),
            rx.text(item.ci_detail, size="1", color_scheme="gray"),
            rx.grid(rx.foreach(item.dora, dora_chip), columns="4", spacing="2", width="100%"),
            rx.grid(rx.foreach(item.stories, status_link), columns="4", spacing="1", width="100%"),
            spacing="3",
            width="100%",
        ),
        role="group",
        aria_label=item.name,
        min_width="0",
        class_name="dash-card",
    )
