"""The app shell: header, sidebar, mobile menu and the main content area."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from autodevhub import __version__
from autodevhub.ui.components import link_button
from autodevhub.ui.native_forms import sign_out_form
from autodevhub.ui.navigation import FOCUS_RING, nav_links
from autodevhub.ui.service_banner import service_banner
from autodevhub.ui.session_state import SessionState

HEADER_HEIGHT = "3.5rem"
SIDEBAR_WIDTH = "15rem"
# Below this width the sidebar is hidden and the header's menu button opens the drawer.
DESKTOP = rx.breakpoints(initial="none", md="flex")
MOBILE = rx.breakpoints(initial="flex", md="none")
MAIN_ID = "main-content"
# Read by screen readers, not shown.
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "margin": "-1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "white_space": "nowrap",
}


def brand() -> rx.Component:
    """Logo and product name, linking home."""
    return rx.link(
        rx.hstack(
            rx.image(src="/logo.svg", alt="", width="28px", height="28px"),
            rx.text("AutoDevHub", size="4", weight="bold", color=rx.color("gray", 12)),
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
        aria_label="AutoDevHub home",
        border_radius="var(--radius-2)",
        _focus_visible=FOCUS_RING,
    )


def skip_link() -> rx.Component:
    """First stop for keyboard users: jumps past the navigation; visible only when focused."""
    return rx.el.a(
        "Skip to content",
        href=f"#{MAIN_ID}",
        position="absolute",
        left="0.75rem",
        top="-4rem",
        z_index="100",
        padding="0.5rem 0.75rem",
        border_radius="var(--radius-3)",
        background=rx.color("accent", 9),
        color=rx.color("accent", 1),
        font_weight="500",
        _focus={"top": "0.5rem", **FOCUS_RING},
    )


def mobile_menu(route: str) -> rx.Component:
    """On narrow screens: a menu button in the header opening the navigation as a side sheet."""
    return rx.box(
        rx.dialog.root(
            rx.dialog.trigger(
                rx.icon_button(
                    rx.icon("menu", size=20),
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    aria_label="Open navigation menu",
                ),
            ),
            rx.dialog.content(
                rx.vstack(
                    rx.hstack(
                        rx.dialog.title(brand(), margin="0"),
                        rx.dialog.close(
                            rx.icon_button(
                                rx.icon("x", size=20),
                                variant="ghost",
                                color_scheme="gray",
                                size="2",
                                aria_label="Close navigation menu",
                            ),
                        ),
                        justify="between",
                        align="center",
                        width="100%",
                    ),
                    rx.dialog.description("Go to a section of AutoDevHub.", style=VISUALLY_HIDDEN),
                    nav_links(route, "Mobile navigation"),
                    spacing="5",
                    width="100%",
                ),
                position="fixed",
                top="0",
                left="0",
                bottom="0",
                width="min(18rem, 85vw)",
                max_width="none",
                max_height="none",
                height="100%",
                margin="0",
                padding="1rem",
                border_radius="0",
                background=rx.color("gray", 1),
                border_right=f"1px solid {rx.color('gray', 5)}",
            ),
        ),
        display=MOBILE,
    )


def account_link() -> rx.Component:
    """The signed-in user's name and role (display only), linking to their account page."""
    return rx.link(
        rx.hstack(
            rx.avatar(fallback=SessionState.user_name[:1].upper(), size="2", radius="full"),
            rx.vstack(
                rx.text(SessionState.user_name, size="2", weight="medium", color=rx.color("gray", 12)),
                rx.text(SessionState.user_role, size="1", color_scheme="gray", text_transform="capitalize"),
                spacing="0",
                display=DESKTOP,
                max_width="12rem",
                white_space="nowrap",
                overflow="hidden",
                text_overflow="ellipsis",
            ),
            align="center",
            spacing="2",
        ),
        href="/account",
        aria_label=SessionState.user_name + ", your account",
        underline="none",
        padding="0.25rem",
        border_radius="var(--radius-3)",
        _hover={"background": rx.color("gray", 3)},
        _focus_visible=FOCUS_RING,
    )


def user_menu() -> rx.Component:
    """Signed in: account link and sign-out; anonymous: a sign-in link, once the session has been read."""
    return rx.cond(
        SessionState.user_name != "",
        rx.hstack(
            account_link(),
            sign_out_form(
                label_display=rx.breakpoints(initial="none", sm="inline"),
                variant="soft",
                color_scheme="gray",
                size="2",
            ),
            align="center",
            spacing="2",
        ),
        rx.cond(rx.State.is_hydrated, link_button("Sign in", "/login", icon="log-in")),
    )


HEADER_ITEMS: list[Callable[[], rx.Component]] = []  # features add theirs (the notifications bell)


def add_header_item(item: Callable[[], rx.Component]) -> None:
    """Show `item()` in the top bar, before the user menu, on every page built after this call."""
    HEADER_ITEMS.append(item)


def header(route: str) -> rx.Component:
    """The top bar: menu (narrow screens), brand, the features' items, the user menu and the colour-mode
    toggle."""
    return rx.el.header(
        rx.hstack(
            rx.hstack(mobile_menu(route), brand(), align="center", spacing="3"),
            rx.hstack(
                *[item() for item in HEADER_ITEMS],
                user_menu(),
                rx.color_mode.button(
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    aria_label="Toggle dark mode",
                    title="Toggle dark mode",
                ),
                align="center",
                spacing="3",
            ),
            justify="between",
            align="center",
            height="100%",
            padding_x=rx.breakpoints(initial="1rem", sm="1.5rem"),
        ),
        position="sticky",
        top="0",
        z_index="30",
        height=HEADER_HEIGHT,
        background=rx.color("gray", 1),
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    )


def sidebar(route: str) -> rx.Component:
    """Wide screens: the section links in a column beside the content, staying put on scroll."""
    return rx.el.aside(
        rx.vstack(
            nav_links(route, "Main navigation"),
            rx.text(f"v{__version__} · self-hosted", size="1", color_scheme="gray", padding_x="0.75rem"),
            justify="between",
            position="sticky",
            top=HEADER_HEIGHT,
            height=f"calc(100vh - {HEADER_HEIGHT})",
            overflow_y="auto",
            padding="1rem",
        ),
        display=DESKTOP,
        flex_direction="column",
        flex_shrink="0",
        width=SIDEBAR_WIDTH,
        background=rx.color("gray", 2),
        border_right=f"1px solid {rx.color('gray', 5)}",
    )


def shell(content: rx.Component, route: str) -> rx.Component:
    """The whole page: header on top (and the service banner while degraded), sidebar and content below."""
    return rx.box(
        skip_link(),
        header(route),
        service_banner(),
        rx.flex(
            sidebar(route),
            rx.el.main(
                rx.box(content, width="100%", max_width="72rem", margin_x="auto"),
                id=MAIN_ID,
                tab_index=-1,
                flex="1",
                min_width="0",
                padding=rx.breakpoints(initial="1.25rem 1rem 2.5rem", sm="2rem 1.5rem 3rem", lg="2.5rem"),
                outline="none",
                overflow_wrap="anywhere",
            ),
            width="100%",
            min_height=f"calc(100vh - {HEADER_HEIGHT})",
        ),
        min_height="100vh",
        background=rx.color("gray", 1),
    )
