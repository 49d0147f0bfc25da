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


def feature_name(gherkin: str) -> str:
    """The name on the Feature line ("" when there is none)."""
    for line in gherkin.splitlines():
        if line.strip().startswith("Feature:"):
            return line.strip().removeprefix("Feature:").strip()
    return ""


def tagged_feature(gherkin: str, story_id: uuid.UUID) -> str:
    """The story's Gherkin with `@story-<short id>` on the Feature's tag line (added once, kept first)."""
    tag = "@" + story_tag(story_id)
    lines = gherkin.rstrip().splitlines()
    at = next((i for i, line in enumerate(lines) if line.strip().startswith("Feature:")), None)
    if at is None:
        return gherkin
    above = lines[at - 1].strip() if at else ""
    if above.startswith("@") and tag in above.split():
        return "\n".join(lines) + "\n"
    if above.startswith("@"):
        lines[at - 1] = f"{tag} {above}"
    else:
        lines.insert(at, lines[at][: len(lines[at]) - len(lines[at].lstrip())] + tag)
    return "\n".join(lines) + "\n"


def feature_path(gherkin: str, story_id: uuid.UUID) -> str:
    """`features/<the feature's name in lower case and dashes>.feature` (the tag when it has no name)."""
    words = re.sub(r"[^a-z0-9]+", "-", feature_name(gherkin).lower()).strip("-")[:60].rstrip("-")
    return f"features/{words or story_tag(story_id)}.feature"
