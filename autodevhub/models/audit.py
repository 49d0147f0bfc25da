"""The audit trail: who did what to which resource."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

import sqlalchemy as sa
from sqlmodel import Field, Relationship, SQLModel

from autodevhub.models.base import json_field, timestamp

if TYPE_CHECKING:
    from autodevhub.models.accounts import User

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY autoincrements.
BIGINT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class AuditLog(SQLModel, table=True):
    """One recorded action; append-only, so a user with an audit trail is deactivated, never deleted."""

    __tablename__ = "audit_logs"
    __table_args__ = (
        sa.Index("ix_audit_logs_created_at", "created_at"),
        sa.Index("ix_audit_logs_user_id_created_at", "user_id", "created_at"),
        sa.Index("ix_audit_logs_resource_type_resource_id", "resource_type", "resource_id"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIGINT_ID)
    user_id: uuid.UUID | None = Field(default=None, foreign_key="users.id", ondelete="RESTRICT")
    action: str = Field(max_length=100, index=True)
    resource_type: str = Field(max_length=50)
    resource_id: str | None = Field(default=None, max_length=64)
    audit_metadata: dict[str, Any] = json_field("metadata")
    ip_address: str | None = Field(default=None, max_length=45)
    created_at: datetime = timestamp()

    user: Optional["User"] = Relationship()
