"""/settings/projects/[project_id]/notifications: channels, the events each hears, a test button, the
delivery log."""

from __future__ import annotations

import reflex as rx

from autodevhub.notifications.events import EVENTS
from autodevhub.notifications.ui.settings_state import (
    CHANNEL_URL_INPUT,
    EVENT_FIELD,
    ChannelRow,
    DeliveryRow,
    NotificationSettingsState,
    event_label,
)
from autodevhub.ui import confirm_dialog, data_table, page_header, template
from autodevhub.ui.forms import card_section, feedback, gated, text_field
from autodevhub.ui.navigation import FOCUS_RING
from autodevhub.ui.pagination import pagination

State = NotificationSettingsState
DEFAULT_EVENTS = ("run.failed", "run.recovered", "deploy.failed")
URL_HINT = (
    "An Apprise URL, e.g. mailto://user:password@smtp.example.com?to=team@example.com, "
    "json://hooks.example.com/ci, a Slack, Microsoft Teams or Discord webhook URL. "
    "It is stored encrypted and only shown masked."
)


def back_link() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("arrow-left", size=16, aria_hidden="true"),
            "Project settings",
            align="center",
            spacing="1",
        ),
        href="/settings/projects/" + State.project_key,
        size="2",
        _focus_visible=FOCUS_RING,
    )


def labelled(checkbox: rx.Component, event: str) -> rx.Component:
    """A checkbox inside the label naming its event (a click on the name toggles it)."""
    return rx.text(rx.flex(checkbox, event_label(event), spacing="2", align="center"), as_="label", size="2")


def event_boxes() -> rx.Component:
    """One checkbox per event, submitted as event:<name> when checked."""
    return rx.el.fieldset(
        rx.el.legend("Events", font_size="var(--font-size-2)", font_weight="500"),
        rx.flex(
            *[
                labelled(
                    rx.el.input(
                        type="checkbox", name=EVENT_FIELD + name, default_checked=name in DEFAULT_EVENTS
                    ),
                    name,
                )
                for name in EVENTS
            ],
            spacing="4",
            wrap="wrap",
        ),
        border="none",
        padding="0",
        margin="0",
    )


def add_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.grid(
                text_field("Name", "name", field_id="channel-name", required=True, max_length=100),
                text_field(
                    "Apprise URL",
                    "url",
                    field_id=CHANNEL_URL_INPUT,
                    type="password",
                    auto_complete="off",
                    required=True,
                    max_length=2000,
                    hint=URL_HINT,
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            event_boxes(),
            rx.grid(
                text_field(
                    "Only the workflow (optional)", "workflow", field_id="channel-workflow", max_length=200
                ),
                text_field("Only the branch (optional)", "branch", field_id="channel-branch", max_length=255),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            rx.button(
                rx.icon("plus", size=16, aria_hidden="true"),
                "Add channel",
                type="submit",
                loading=State.adding,
            ),
            spacing="4",
            width="100%",
        ),
        key=State.form_key,
        on_submit=State.add_channel,
        width="100%",
    )


def event_toggles(channel: ChannelRow) -> rx.Component:
    return rx.flex(
        *[
            labelled(
                rx.checkbox(
                    checked=channel.events.contains(name),
                    on_change=lambda on, name=name: State.set_event(channel.id, name, on),
                    aria_label=f"{event_label(name)} for " + channel.name,
                ),
                name,
            )
            for name in EVENTS
        ],
        spacing="3",
        wrap="wrap",
    )


def channel_card(channel: ChannelRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.hstack(
                        rx.text(channel.name, weight="bold"),
                        rx.badge(channel.kind, variant="soft"),
                        rx.badge(
                            channel.health,
                            color_scheme=rx.cond(channel.healthy, "green", "red"),
                            variant="soft",
                        ),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(channel.url_masked, " · ", channel.filters, size="1", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("send", size=14, aria_hidden="true"),
                        "Send test",
                        on_click=State.test_channel(channel.id),
                        loading=State.testing == channel.id,
                        disabled=State.testing != "",
                        variant="soft",
                        size="1",
                        aria_label="Send a test message to " + channel.name,
                    ),
                    confirm_dialog(
                        rx.button(
                            "Delete",
                            color_scheme="red",
                            variant="soft",
                            size="1",
                            aria_label="Delete " + channel.name,
                        ),
                        "Delete " + channel.name + "?",
                        "The channel and its delivery log are deleted; nothing more is sent to it.",
                        "Delete channel",
                        State.delete_channel(channel.id),
                    ),
                    spacing="2",
                ),
                justify="between",
                align="start",
                width="100%",
                wrap="wrap",
            ),
            event_toggles(channel),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def channels_card() -> rx.Component:
    return card_section(
        "Channels",
        feedback(State.error, State.notice),
        rx.cond(
            State.channel_total > 0,
            rx.vstack(rx.foreach(State.channels, channel_card), spacing="2", width="100%"),
            rx.callout(
                "No channels yet: add one below to hear about failed runs, recoveries and deploys.",
                icon="bell-off",
            ),
        ),
        rx.cond(
            State.channel_total > State.channels.length(),
            rx.text("Showing the first ", State.channels.length(), " channels.", size="1"),
        ),
        rx.heading("Add a channel", as_="h3", size="3"),
        add_form(),
    )


def delivery_row(delivery: DeliveryRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(delivery.time),
        rx.table.cell(delivery.channel),
        rx.table.cell(rx.badge(delivery.event, variant="soft")),
        rx.table.row_header_cell(delivery.title),
        rx.table.cell(
            rx.badge(
                delivery.status,
                color_scheme=rx.match(delivery.status, ("sent", "green"), ("failed", "red"), "gray"),
            )
        ),
        rx.table.cell(delivery.attempts),
        rx.table.cell(rx.text(delivery.error, size="1", color_scheme="red")),
    )


def deliveries_card() -> rx.Component:
    return card_section(
        "Delivery log",
        rx.hstack(
            rx.text("Every message sent or tried, newest first.", size="2", color_scheme="gray"),
            rx.button(
                rx.icon("refresh-cw", size=14, aria_hidden="true"),
                "Refresh",
                on_click=State.refresh_log,
                variant="soft",
                size="1",
            ),
            justify="between",
            align="center",
            width="100%",
        ),
        rx.cond(
            State.total > 0,
            data_table(
                ("When", "Channel", "Event", "Message", "Status", "Attempts", "Error"),
                State.deliveries,
                delivery_row,
            ),
            rx.text("Nothing sent yet.", size="2"),
        ),
        rx.cond(State.total > State.PAGE_SIZE, pagination(State, "the delivery log")),
    )


@template(
    route="/settings/projects/[project_id]/notifications",
    title="Notifications settings",
    on_load=State.load_settings,
)
def notification_settings() -> rx.Component:
    """Maintainers and up; anyone else sees why not, and nothing of the channels."""
    return rx.vstack(
        rx.cond(State.project_key != "", back_link()),
        gated(
            State.found,
            State.problem,
            rx.vstack(
                page_header(
                    "Notifications: " + State.project_name,
                    "Where this project's failures, recoveries, deploys and story changes are sent.",
                ),
                channels_card(),
                deliveries_card(),
                spacing="5",
                width="100%",
            ),
            "Notifications unavailable",
            icon="bell-off",
            level="h1",
        ),
        spacing="4",
        width="100%",
    )
