"""What a story looks like on GitHub: the issue (title, body with the Gherkin in a fence, labels) and the
pull request (the tagged `.feature` file on its own branch, title, body), each with a hidden marker that
names the story, and a digest of what was sent (so an unchanged story sends nothing)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from autodevhub.core.settings import get_settings
from autodevhub.models import UserStory
from autodevhub.stories.feature_tags import feature_name, feature_path, story_tag, tagged_feature

LABEL = "user-story"
NARRATIVE_ENDS = ("Background:", "Scenario", "Rule:", "@", "Example")


@dataclass(frozen=True)
class PullContent:
    branch: str
    path: str
    text: str  # the .feature file
    title: str
    body: str
    message: str  # the commit's


def marker(story_id: uuid.UUID) -> str:
    """Hidden in the issue's body: how a retried push finds the issue an earlier attempt created."""
    return f"<!-- autodevhub:story:{story_id} -->"


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def issue_content(story: UserStory) -> tuple[str, str, list[str]]:
    """The issue's title (the feature's name), body (narrative, the Gherkin in a fence, a link back, the
    marker) and labels (`user-story` and the story's status)."""
    fence = "~~~~" if "```" in story.gherkin_output else "```"
    parts = [
        _narrative(story),
        f"{fence}gherkin\n{story.gherkin_output.rstrip()}\n{fence}",
        _link_back(story),
        marker(story.id),
    ]
    body = "\n\n".join(part for part in parts if part)
    return _title(story), body, [LABEL, story.status.value]


def pull_content(story: UserStory) -> PullContent:
    """The pull request adding `features/<slug>.feature`, tagged `@story-<short id>`, from its own branch."""
    tag = story_tag(story.id)
    path = feature_path(story.gherkin_output, story.id)
    why = f"Adds `{path}`, tagged `@{tag}` so the CI results of its scenarios map back to the story."
    parts = [_narrative(story), why, _link_back(story), marker(story.id)]
    return PullContent(
        branch=f"autodevhub/{tag}",
        path=path,
        text=tagged_feature(story.gherkin_output, story.id),
        title=f"Story: {_title(story)}"[:256],
        body="\n\n".join(part for part in parts if part),
        message=f"Add {path} ({tag})",
    )


def _title(story: UserStory) -> str:
    return (feature_name(story.gherkin_output) or story.feature_description[:80])[:256]


def _narrative(story: UserStory) -> str:
    """The lines between the Feature line and the first scenario (the description when there are none)."""
    lines = [line.strip() for line in story.gherkin_output.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.startswith("Feature:")), None)
    narrative = []
    for line in lines[start + 1 :] if start is not None else []:
        if line.startswith(NARRATIVE_ENDS):
            break
        narrative.append(line)
    return "\n".join(narrative).strip() or story.feature_description


def _link_back(story: UserStory) -> str:
    base = get_settings().base_url.rstrip("/")
    return f"[The story in AutoDevHub]({base}/stories/{story.id})" if base else ""
