"""REST routes for notification channels, their delivery log and the caller's notices: thin, over the
notification services (the same calls as the settings page and the CLI)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from autodevhub.notifications import inbox, service
from autodevhub.notifications.inbox import MAX_IDS
from autodevhub.notifications.service import ChannelCreate, ChannelUpdate
from autodevhub.web.deps import CurrentActor, CurrentIdentity, DbSession, Limit, Offset

router = APIRouter(tags=["notifications"])


class ChannelPublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID | None
    name: str
    kind: str = Field(description="the Apprise scheme: mailto, json, slack, discord, workflows (Teams)...")
    url_masked: str = Field(description="scheme + host + '…': the URL itself is never shown")
    events: list[str]
    filters: dict[str, str]
    healthy: bool
    consecutive_failures: int
    created_at: str


class DeliveryPublic(BaseModel):
    id: uuid.UUID
    channel_id: uuid.UUID
    event: str
    title: str
    status: str = Field(description="pending, sent or failed")
    error: str
    attempts: int
    created_at: str
    sent_at: str | None


class NoticePublic(BaseModel):
    id: uuid.UUID
    project_id: uuid.UUID | None
    event: str
    title: str
    body: str
    link: str
    created_at: str
    read_at: str | None


class ItemList(BaseModel):
    items: list[Any]
    total: int


class ChannelList(ItemList):
    items: list[ChannelPublic]


class DeliveryList(ItemList):
    items: list[DeliveryPublic]


class NoticeList(ItemList):
    items: list[NoticePublic]


class MarkRead(BaseModel):
    """Mark read: the listed notices, or every one with all=true (neither: nothing changes)."""

    ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_IDS)
    all: bool = False


class MarkedRead(BaseModel):
    marked: int


@router.get("/api/projects/{project_id}/notifications/channels", response_model=ChannelList)
def list_channels(
    project_id: uuid.UUID,
    identity: CurrentIdentity,
    session: DbSession,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ChannelList:
    items, total = service.list_channels(session, identity, project_id, limit=limit, offset=offset)
    return ChannelList(items=items, total=total)


@router.post(
    "/api/projects/{project_id}/notifications/channels",
    response_model=ChannelPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_channel(
    project_id: uuid.UUID, body: ChannelCreate, actor: CurrentActor, session: DbSession
) -> dict:
    return service.create_channel(session, actor, project_id, body)


@router.get("/api/notifications/channels", response_model=ChannelList)
def list_instance_channels(
    identity: CurrentIdentity, session: DbSession, limit: Limit = 50, offset: Offset = 0
) -> ChannelList:
    """Instance-wide channels (admins): they hear the events of every project."""
    items, total = service.list_channels(session, identity, None, limit=limit, offset=offset)
    return ChannelList(items=items, total=total)


@router.post("/api/notifications/channels", response_model=ChannelPublic, status_code=status.HTTP_201_CREATED)
def create_instance_channel(body: ChannelCreate, actor: CurrentActor, session: DbSession) -> dict:
    """An instance-wide channel (admins), e.g. for every project's sync.delayed."""
    return service.create_channel(session, actor, None, body)


@router.patch("/api/notifications/channels/{channel_id}", response_model=ChannelPublic)
def update_channel(
    channel_id: uuid.UUID, body: ChannelUpdate, actor: CurrentActor, session: DbSession
) -> dict:
    return service.update_channel(session, actor, channel_id, body)


@router.delete("/api/notifications/channels/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_channel(channel_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> None:
    service.delete_channel(session, actor, channel_id)


@router.post("/api/notifications/channels/{channel_id}/test", response_model=DeliveryPublic)
def test_channel(channel_id: uuid.UUID, actor: CurrentActor, session: DbSession) -> dict:
    return service.test_channel(session, actor, channel_id)


@router.get("/api/projects/{project_id}/notifications/deliveries", response_model=DeliveryList)
def list_deliveries(
    project_id: uuid.UUID,
    identity: CurrentIdentity,
    session: DbSession,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeliveryList:
    items, total = service.list_deliveries(session, identity, project_id, limit=limit, offset=offset)
    return DeliveryList(items=items, total=total)


@router.get("/api/me/notifications", response_model=NoticeList)
def my_notices(
    identity: CurrentIdentity, session: DbSession, unread: bool = False, limit: Limit = 50, offset: Offset = 0
) -> NoticeList:
    items, total = inbox.list_notices(session, identity, unread=unread, limit=limit, offset=offset)
    return NoticeList(items=items, total=total)


@router.post("/api/me/notifications/read", response_model=MarkedRead)
def mark_read(body: MarkRead, identity: CurrentIdentity, session: DbSession) -> MarkedRead:
    return MarkedRead(marked=inbox.mark_read(session, identity, ids=body.ids, everything=body.all))
