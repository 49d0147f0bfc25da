"""Column building blocks shared by every table: UUID keys, UTC timestamps, portable enums, JSON."""

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Named constraints keep later migrations (SQLite batch mode included) able to drop and alter them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ENUM_LENGTH = 32


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, SQLite included."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass a timezone-aware value such as utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def uuid_pk() -> Any:
    """A UUID primary key generated on the client."""
    return Field(default_factory=uuid.uuid4, primary_key=True)


def timestamp(*, onupdate: bool = False) -> Any:
    """A required point in time defaulting to now; onupdate also refreshes it on every ORM update."""
    return Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow} if onupdate else {},
    )


def optional_timestamp() -> Any:
    """A point in time that may not have happened yet."""
    return Field(default=None, sa_type=UTCDateTime, nullable=True)


def enum_field(default: enum.Enum) -> Any:
    """An enum stored as its value in a VARCHAR, the same on SQLite and PostgreSQL."""
    column_type = sa.Enum(
        type(default),
        native_enum=False,
        length=ENUM_LENGTH,
        values_callable=lambda members: [member.value for member in members],
    )
    return Field(default=default, sa_type=column_type, nullable=False)


def json_field(column_name: str | None = None) -> Any:
    """A JSON object defaulting to {}; column_name maps an attribute onto a differently named column."""
    if column_name:
        return Field(
            default_factory=dict, sa_column=sa.Column(column_name, sa.JSON, nullable=False, default=dict)
        )
    return Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
