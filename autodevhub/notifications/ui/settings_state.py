"""/settings/projects/[project_id]/notifications: a project's channels (add, test, choose events, delete)
and its delivery log, for maintainers and up. Every handler re-checks the caller's role on the server
(notifications.service); a channel's URL goes in with the add form and never comes back out.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx
from sqlmodel import Session

from autodevhub.auth.guard import require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core.identity import Identity
from autodevhub.notifications import service
from autodevhub.notifications.events import EVENTS
from autodevhub.notifications.service import ChannelCreate
from autodevhub.notifications.ui.notices_state import EVENT_LABELS
from autodevhub.ui.forms import form_text
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.rows import when
from autodevhub.ui.session_state import SessionState

MAX_CHANNELS_SHOWN = 100
MAX_ID = 64
EVENT_FIELD = "event:"  # the add form's checkboxes are named event:<event name>
CHANNEL_URL_INPUT = "channel-url"


def event_label(name: str) -> str:
    return EVENT_LABELS.get(name, name)


@dataclasses.dataclass(frozen=True)
class ChannelRow:
    """One channel as its card shows it: the URL masked, never whole."""

    id: str
    name: str
    kind: str
    url_masked: str
    events: list[str]
    filters: str
    healthy: bool
    health: str

    @classmethod
    def of(cls, channel: dict) -> ChannelRow:
        filters = ", ".join(f"{key} {value}" for key, value in sorted(channel["filters"].items()))
        failures = channel["consecutive_failures"]
        health = "Healthy" if channel["healthy"] else f"Failing: {failures} failed sends in a row"
        return cls(
            id=channel["id"],
            name=channel["name"],
            kind=channel["kind"],
            url_masked=channel["url_masked"],
            events=list(channel["events"]),
            filters=filters or "every workflow and branch",
            healthy=channel["healthy"],
            health=health,
        )


@dataclasses.dataclass(frozen=True)
class DeliveryRow:
    """One attempt series of the delivery log."""

    id: str
    channel: str
    event: str
    title: str
    status: str
    error: str
    attempts: int
    time: str

    @classmethod
    def of(cls, delivery: dict, channel_names: dict[str, str]) -> DeliveryRow:
        return cls(
            id=delivery["id"],
            channel=channel_names.get(delivery["channel_id"], "instance-wide channel"),
            event="Test" if delivery["event"] == "test" else event_label(delivery["event"]),
            title=delivery["title"],
            status=delivery["status"],
            error=delivery["error"],
            attempts=delivery["attempts"],
            time=when(delivery["sent_at"] or delivery["created_at"]),
        )


def channel_fields(form_data: Any) -> dict:
    """The add form as the service's ChannelCreate fields (validated there)."""
    filters = {key: form_text(form_data, key).strip() for key in ("workflow", "branch")}
    checked = form_data if isinstance(form_data, dict) else {}
    return {
        "name": form_text(form_data, "name"),
        "url": form_text(form_data, "url").strip(),
        "events": [name for name in EVENTS if checked.get(EVENT_FIELD + name) in ("on", True, "true")],
        "filters": {key: value for key, value in filters.items() if value},
    }


def known_id(value: object) -> str | None:
    """A handler's id argument as bounded text (the service checks what it names)."""
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


class NotificationSettingsState(PagedState, SessionState):
    """The channels of the project named by [project_id] and one page of its delivery log."""

    found: bool = False
    problem: str = ""
    project_name: str = ""
    project_key: str = ""
    channels: list[ChannelRow] = []
    channel_total: int = 0
    deliveries: list[DeliveryRow] = []
    error: str = ""
    notice: str = ""
    adding: bool = False
    testing: str = ""  # the id of the channel whose test message is on its way
    form_key: int = 0  # moves after a channel is added: the add form remounts empty

    def _project_ref(self) -> object:
        return getattr(self, "project_id", "")

    def _read(self, session: Session, identity: Identity | None, page: int) -> tuple:
        project = require_project(session, identity, Permission.NOTIFY_MANAGE, self._project_ref())
        found, total = service.list_channels(session, identity, project.id, limit=MAX_CHANNELS_SHOWN)
        log, log_total = service.list_deliveries(
            session, identity, project.id, limit=self.PAGE_SIZE, offset=self._offset(page)
        )
        return (project.name, str(project.id)), found, total, log, log_total

    def _load_page(self, page: int) -> bool:
        result, problem = self._service(lambda session, identity: self._read(session, identity, page))
        if result is None:
            self.found, self.problem = False, problem
            self.channels, self.deliveries, self.channel_total, self.total, self.page = [], [], 0, 0, 0
            self.project_name = self.project_key = ""
            return False
        (self.project_name, self.project_key), found, self.channel_total, log, self.total = result
        self.found, self.problem, self.page = True, "", max(page, 0)
        self.channels = [ChannelRow.of(channel) for channel in found]
        names = {channel.id: channel.name for channel in self.channels}
        self.deliveries = [DeliveryRow.of(delivery, names) for delivery in log]
        return True

    @rx.event
    def load_settings(self):
        """on_load: the channels and the newest deliveries, or why they cannot be shown."""
        self.error = self.notice = self.testing = ""
        self.adding = False
        self._load_page(0)

    @rx.event
    def refresh_log(self):
        """Read the channels' health and the delivery log again (sending happens in the background)."""
        self._load_page(self.page)

    def _done(self, error: str, success: str) -> None:
        self.error, self.notice = error, "" if error else success
        self._load_page(self.page)

    @rx.event(background=True)
    async def add_channel(self, form_data: dict):
        """Maintainers and up: a channel from the add form; the URL is checked by Apprise, then sealed."""
        fields, ref = channel_fields(form_data), self._project_ref()
        async with self:
            if self.adding:
                return
            self.adding = True

        def create(session, actor):
            require_project(session, actor.identity, Permission.NOTIFY_MANAGE, ref)  # before the input
            return service.create_channel(session, actor, ref, service.parse(ChannelCreate, fields))

        created, error = await asyncio.to_thread(self._act, create)
        async with self:
            self.adding = False
            self._done(error, f"Channel {created['name']} added." if created else "")
            if created:
                self.form_key += 1
        return None if error else rx.set_focus(CHANNEL_URL_INPUT)

    @rx.event(background=True)
    async def test_channel(self, channel_id: str):
        """Maintainers and up: send a test message now and show the outcome."""
        channel_id = known_id(channel_id)
        if channel_id is None:
            return
        async with self:
            if self.testing:
                return
            self.testing, self.error, self.notice = channel_id, "", ""
        sent, error = await asyncio.to_thread(
            self._act, lambda session, actor: service.test_channel(session, actor, channel_id)
        )
        if sent and sent["status"] != "sent":
            error = f"The test message failed: {sent.get('error') or 'no answer'}."
        async with self:
            self.testing = ""
            self._done(error, "Test message sent.")

    @rx.event
    def set_event(self, channel_id: str, event: str, enabled: bool):
        """Maintainers and up: turn one event on or off for a channel."""
        channel_id = known_id(channel_id)
        if channel_id is None or not isinstance(enabled, bool):
            return
        _, error = self._act(
            lambda session, actor: service.set_channel_event(session, actor, channel_id, event, enabled)
        )
        self._done(error, "Events saved.")

    @rx.event
    def delete_channel(self, channel_id: str):
        """Maintainers and up: delete a channel and its delivery log (confirmed in a dialog)."""
        channel_id = known_id(channel_id)
        if channel_id is None:
            return
        _, error = self._act(lambda session, actor: service.delete_channel(session, actor, channel_id))
        self._done(error, "Channel deleted.")
