"""The tag that ties a scenario in a .feature file (and in the CI reports it produces) to its story."""

from __future__ import annotations

import re
import uuid

PREFIX = "story-"
SHORT_ID = 8
TAG = re.compile(rf"^@?{PREFIX}([0-9a-f]{{{SHORT_ID}}})$")


def short_id(story_id: uuid.UUID | str) -> str:
    """The story id's first eight hex digits."""
    return uuid.UUID(str(story_id)).hex[:SHORT_ID]


def story_tag(story_id: uuid.UUID | str) -> str:
    """ "story-xxxxxxxx" (written "@story-xxxxxxxx" on a Feature or Scenario line)."""
    return f"{PREFIX}{short_id(story_id)}"


def tagged_short_id(tag: str) -> str | None:
    """The short id a tag names ("@story-1a2b3c4d" or "story-1a2b3c4d", any case), else None."""
    found = TAG.match(tag.strip().lower())
    return found.group(1) if found else None
