"""Display rows and formatting the pages of several features share: plain data, no reflex here."""

from __future__ import annotations

import dataclasses
from datetime import datetime


@dataclasses.dataclass(frozen=True)
class ProjectOption:
    """A project in a page's project picker; `can_write` is set by the pickers that offer writes (stories)."""

    id: str
    name: str
    can_write: bool = False


def when(moment: datetime | str | None, never: str = "Never") -> str:
    """A stored UTC time as the pages print it (an ISO string is parsed first); `never` when there is none."""
    if moment is None:
        return never
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.strftime("%Y-%m-%d %H:%M UTC")
