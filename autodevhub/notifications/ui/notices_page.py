"""/notifications: the signed-in user's notices with mark-read, and the bell the header shows."""

from __future__ import annotations

import reflex as rx

from autodevhub.notifications.ui.notices_state import ROUTE, NoticeRow, NoticesState
from autodevhub.ui import page_header, template
from autodevhub.ui.pagination import pagination
from autodevhub.ui.session_state import SessionState
from autodevhub.ui.shell import add_header_item


def bell() -> rx.Component:
    """A link to the notices with the unread count, kept fresh while the tab is open."""
    return rx.cond(
        SessionState.user_email != "",
        rx.link(
            rx.hstack(
                rx.icon("bell", size=18, aria_hidden="true"),
                rx.cond(NoticesState.unread > 0, rx.badge(NoticesState.unread, color_scheme="red")),
                spacing="1",
                align="center",
            ),
            href="/notifications",
            aria_label=rx.cond(
                NoticesState.unread > 0, f"Notifications, {NoticesState.unread} unread", "Notifications"
            ),
            color_scheme="gray",
            on_mount=[NoticesState.count_unread, NoticesState.watch],
        ),
    )


add_header_item(bell)


def notice_item(notice: NoticeRow) -> rx.Component:
    title = rx.text(notice.title, weight=rx.cond(notice.unread, "bold", "regular"))
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.badge(notice.label, variant=rx.cond(notice.unread, "solid", "soft")),
                    rx.text(notice.time, size="1", color_scheme="gray"),
                    spacing="2",
                    align="center",
                ),
                rx.cond(notice.href != "", rx.link(title, href=notice.href), title),
                rx.cond(notice.body != "", rx.text(notice.body, size="2", color_scheme="gray")),
                spacing="1",
                min_width="0",
            ),
            rx.cond(
                notice.unread,
                rx.button(
                    "Mark read",
                    variant="soft",
                    size="1",
                    on_click=NoticesState.mark_read(notice.id),
                    aria_label="Mark this notice read",
                ),
            ),
            justify="between",
            align="start",
            width="100%",
        ),
        width="100%",
    )


@template(
    route=ROUTE,
    title="Notifications",
    on_load=NoticesState.load_notices,
)
def notifications_page() -> rx.Component:
    return rx.vstack(
        page_header("Notifications", "Failures, recoveries, deploys and story changes of your projects."),
        rx.cond(
            NoticesState.error != "",
            rx.callout(NoticesState.error, icon="triangle-alert", color_scheme="red", role="alert"),
        ),
        rx.hstack(
            rx.text(rx.cond(NoticesState.unread > 0, f"{NoticesState.unread} unread", "All read"), size="2"),
            rx.button(
                "Mark all read",
                variant="soft",
                on_click=NoticesState.mark_all_read,
                disabled=NoticesState.unread == 0,
            ),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.cond(
            NoticesState.loaded,
            rx.cond(
                NoticesState.total > 0,
                rx.vstack(rx.foreach(NoticesState.notices, notice_item), spacing="2", width="100%"),
                rx.callout(
                    "No notifications yet. Failures, recoveries and deploys of your projects show up here.",
                    icon="bell",
                ),
            ),
            rx.skeleton(height="6rem", width="100%"),
        ),
        rx.cond(NoticesState.total > NoticesState.PAGE_SIZE, pagination(NoticesState, "notifications")),
        spacing="4",
        width="100%",
    )
