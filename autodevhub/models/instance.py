"""Instance-wide settings an admin changes at runtime."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from autodevhub.models.base import json_field, timestamp


class InstanceSetting(SQLModel, table=True):
    """One named setting, such as the sign-up mode; its value is JSON."""

    __tablename__ = "instance_settings"

    key: str = Field(max_length=100, primary_key=True)
    value: dict[str, Any] = json_field()
    updated_at: datetime = timestamp(onupdate=True)
