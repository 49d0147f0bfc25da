"""Channels: create, list, change, delete and test them (maintainers and up on the project; admins for
instance-wide channels), each write audited; the delivery log. The URL is written sealed and never read
back: callers get `public(channel)`, which holds its masked form only.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session, col, func, select

from autodevhub.auth.guard import parse_id, require, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.db import end_transaction
from autodevhub.core.errors import InvalidInput, NotAuthenticated, NotFound
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import NotificationChannel, NotificationDelivery
from autodevhub.notifications import channels, deliveries
from autodevhub.notifications.events import EVENTS

EventName = Literal[EVENTS]  # type: ignore[valid-type]
RESOURCE = "notification_channel"


class ChannelFilters(BaseModel):
    """Only events of this workflow (by name) and this branch, when set."""

    model_config = ConfigDict(extra="forbid")
    workflow: str | None = Field(default=None, max_length=200)
    branch: str | None = Field(default=None, max_length=255)


class ChannelCreate(BaseModel):
    """A new channel: the API's body, and what the CLI and the settings page build."""

    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=1, max_length=channels.MAX_URL)
    events: list[EventName] = Field(min_length=1, max_length=len(EVENTS))
    filters: ChannelFilters = Field(default_factory=ChannelFilters)


class ChannelUpdate(BaseModel):
    """What a change may set; fields left out keep their value."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    url: str | None = Field(default=None, min_length=1, max_length=channels.MAX_URL)
    events: list[EventName] | None = Field(default=None, min_length=1, max_length=len(EVENTS))
    filters: ChannelFilters | None = None


def parse(model: type[BaseModel], data: object) -> BaseModel:
    """Validate untrusted input (a form, the command line): InvalidInput naming the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}") from None


def public(channel: NotificationChannel) -> dict:
    """What the API and the UI show of a channel: never its URL."""
    return {
        "id": str(channel.id),
        "project_id": str(channel.project_id) if channel.project_id else None,
        "name": channel.name,
        "kind": channel.kind,
        "url_masked": channel.url_masked,
        "events": list(channel.events),
        "filters": dict(channel.filters),
        "healthy": channel.healthy,
        "consecutive_failures": channel.consecutive_failures,
        "created_at": channel.created_at.isoformat(),
    }


def create_channel(
    session: Session, actor: Actor, project_id: uuid.UUID | str | None, data: ChannelCreate
) -> dict:
    """A channel of the project (maintainer+), or instance-wide when project_id is None (admins)."""
    if project_id is None:
        require(actor.identity, Permission.INSTANCE_SETTINGS)
    else:
        project_id = require_project(session, actor.identity, Permission.NOTIFY_MANAGE, project_id).id
    checked = channels.check_url(data.url)
    channel = NotificationChannel(
        project_id=project_id,
        name=data.name.strip(),
        kind=checked.kind,
        url_sealed="",
        url_masked=checked.masked,
        events=list(dict.fromkeys(data.events)),
        filters=data.filters.model_dump(exclude_none=True),
        created_by=actor.user_id,
    )
    channel.url_sealed = channels.seal_url(data.url, channel.id)
    session.add(channel)
    audit.record(session, actor, "notify.channel.create", RESOURCE, channel.id, **_summary(channel))
    session.flush()
    return public(channel)


def list_channels(
    session: Session,
    identity: Identity | None,
    project_id: uuid.UUID | str | None,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """The project's channels (maintainer+), or the instance-wide ones when project_id is None (admins),
    oldest first."""
    if project_id is None:
        require(identity, Permission.INSTANCE_SETTINGS)
        query = select(NotificationChannel).where(col(NotificationChannel.project_id).is_(None))
    else:
        project = require_project(session, identity, Permission.NOTIFY_MANAGE, project_id)
        query = select(NotificationChannel).where(NotificationChannel.project_id == project.id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(NotificationChannel.created_at)).limit(limit).offset(offset))
    return [public(row) for row in rows], total


def update_channel(session: Session, actor: Actor, channel_id: object, data: ChannelUpdate) -> dict:
    """Change a channel's name, URL (checked and sealed again), events or filters."""
    channel = _managed(session, actor.identity, channel_id)
    if data.url is not None:
        checked = channels.check_url(data.url)
        channel.kind, channel.url_masked = checked.kind, checked.masked
        channel.url_sealed = channels.seal_url(data.url, channel.id)
        channel.healthy, channel.consecutive_failures = True, 0
    if data.name is not None:
        channel.name = data.name.strip()
    if data.events is not None:
        channel.events = list(dict.fromkeys(data.events))
    if data.filters is not None:
        channel.filters = data.filters.model_dump(exclude_none=True)
    session.add(channel)
    changed = sorted(data.model_dump(exclude_none=True))
    audit.record(session, actor, "notify.channel.update", RESOURCE, channel.id, changed=changed)
    session.flush()
    return public(channel)


def set_channel_event(
    session: Session, actor: Actor, channel_id: object, event: object, enabled: bool
) -> dict:
    """Turn one event on or off for a channel; a channel keeps at least one."""
    channel = _managed(session, actor.identity, channel_id)
    if event not in EVENTS:
        raise InvalidInput("Unknown event.")
    events = [name for name in channel.events if name != event] + ([event] if enabled else [])
    if not events:
        raise InvalidInput("A channel listens to at least one event: turn another one on first.")
    return update_channel(session, actor, channel.id, ChannelUpdate(events=events))


def delete_channel(session: Session, actor: Actor, channel_id: object) -> None:
    """Delete a channel and its delivery log."""
    channel = _managed(session, actor.identity, channel_id)
    audit.record(session, actor, "notify.channel.delete", RESOURCE, channel.id, **_summary(channel))
    session.delete(channel)
    session.flush()


def test_channel(session: Session, actor: Actor, channel_id: object) -> dict:
    """Send a test message now (one attempt, in the delivery log); its delivery as the outcome."""
    channel = _managed(session, actor.identity, channel_id)
    delivery = NotificationDelivery(
        channel_id=channel.id,
        project_id=channel.project_id,
        event="test",
        dedupe_key=f"test:{uuid.uuid4()}",
        title=f"AutoDevHub test message for {channel.name}",
        body="If you can read this, the channel works.",
    )
    session.add(delivery)
    audit.record(session, actor, "notify.channel.test", RESOURCE, channel.id, delivery=str(delivery.id))
    delivery_id = str(delivery.id)
    end_transaction(session)  # the audit row and the delivery are written before the outside call
    sent = deliveries.attempt(delivery_id, last=True)
    return public_delivery(sent) if sent is not None else {"id": delivery_id, "status": "failed"}


def list_deliveries(
    session: Session,
    identity: Identity | None,
    project_id: uuid.UUID | str,
    *,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict], int]:
    """The project's delivery log, newest first (maintainer+)."""
    project = require_project(session, identity, Permission.NOTIFY_MANAGE, project_id)
    query = select(NotificationDelivery).where(NotificationDelivery.project_id == project.id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(NotificationDelivery.created_at).desc()).limit(limit).offset(offset)
    )
    return [public_delivery(row) for row in rows], total


def public_delivery(delivery: NotificationDelivery) -> dict:
    return {
        "id": str(delivery.id),
        "channel_id": str(delivery.channel_id),
        "event": delivery.event,
        "title": delivery.title,
        "status": delivery.status.value,
        "error": delivery.error,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at.isoformat(),
        "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
    }


def _managed(session: Session, identity: Identity | None, channel_id: object) -> NotificationChannel:
    if identity is None:  # before the id is looked at: an anonymous caller learns nothing
        raise NotAuthenticated("Sign in to continue.")
    channel = session.get(NotificationChannel, parse_id(channel_id, "Channel"))
    if channel is None:
        raise NotFound("Channel not found.")
    if channel.project_id is None:
        require(identity, Permission.INSTANCE_SETTINGS)
    else:
        require_project(session, identity, Permission.NOTIFY_MANAGE, channel.project_id)
    return channel


def _summary(channel: NotificationChannel) -> dict:
    return {"name": channel.name, "kind": channel.kind, "project_id": str(channel.project_id or "") or None}
