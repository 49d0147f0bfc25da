"""Notification channels (sealed Apprise URLs), the delivery log, and each user's in-app notices."""

import enum
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from autodevhub.models.base import enum_field, json_field, optional_timestamp, timestamp, uuid_pk


class DeliveryStatus(enum.StrEnum):
    """Where one message to one channel stands."""

    pending = "pending"  # queued, or waiting for a retry
    sent = "sent"
    failed = "failed"  # every attempt failed


class NotificationChannel(SQLModel, table=True):
    """A target of messages: an Apprise URL (sealed by core.crypto), the events it wants, its filters.

    project_id None: an instance-wide channel (admins only), told of every project's events.
    """

    __tablename__ = "notification_channels"

    id: uuid.UUID = uuid_pk()
    project_id: uuid.UUID | None = Field(
        default=None, foreign_key="projects.id", ondelete="CASCADE", index=True
    )
    name: str = Field(max_length=100)
    kind: str = Field(max_length=32)  # the URL's scheme: mailto, json, slack...
    url_sealed: str = Field(sa_type=sa.Text, repr=False)  # never returned by the API or the UI
    url_masked: str = Field(max_length=300)  # scheme + host + "…"
    events: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    filters: dict[str, Any] = json_field()  # {"workflow": ..., "branch": ...}, both optional
    healthy: bool = True
    consecutive_failures: int = 0
    created_by: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp(onupdate=True)


class NotificationDelivery(SQLModel, table=True):
    """One event's message to one channel, every attempt counted; a dedupe key sends it once."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("channel_id", "dedupe_key"),
        sa.Index("ix_notification_deliveries_channel_id_created_at", "channel_id", "created_at"),
    )

    id: uuid.UUID = uuid_pk()
    channel_id: uuid.UUID = Field(foreign_key="notification_channels.id", ondelete="CASCADE")
    project_id: uuid.UUID | None = Field(
        default=None, foreign_key="projects.id", ondelete="CASCADE", index=True
    )
    event: str = Field(max_length=50)
    dedupe_key: str = Field(max_length=200)
    title: str = Field(max_length=300)
    body: str = Field(default="", sa_type=sa.Text)
    status: DeliveryStatus = enum_field(DeliveryStatus.pending)
    error: str = Field(default="", max_length=500)
    attempts: int = 0
    created_at: datetime = timestamp()
    sent_at: datetime | None = optional_timestamp()


class Notice(SQLModel, table=True):
    """An in-app notice in one user's inbox (the bell); read_at None while unread."""

    __tablename__ = "notices"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key"),
        sa.Index("ix_notices_user_id_created_at", "user_id", "created_at"),
    )

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    project_id: uuid.UUID | None = Field(
        default=None, foreign_key="projects.id", ondelete="CASCADE", index=True
    )
    event: str = Field(max_length=50)
    dedupe_key: str = Field(max_length=200)
    title: str = Field(max_length=300)
    body: str = Field(default="", sa_type=sa.Text)
    link: str = Field(default="", max_length=500)
    created_at: datetime = timestamp()
    read_at: datetime | None = optional_timestamp()
