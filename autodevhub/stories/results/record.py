"""The database side: scenario outcomes mapped to the project's stories (by the `@story-<short id>` tag,
else by the Feature's name), kept as each scenario's latest default-branch result, and, when the project
asks for it, the stories moved: every scenario passed -> done; a scenario failing after done -> in progress,
with an audit row naming the run."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from autodevhub.core.identity import Actor
from autodevhub.models import ScenarioResult, StoryScenarioResult, StoryStatus, UserStory, utcnow
from autodevhub.stories import feature_tags
from autodevhub.stories.engine.gherkin import check
from autodevhub.stories.results.reports import ScenarioOutcome, worst
from autodevhub.stories.status import move_status

CI = Actor(None, None, "github ci results")
FORWARD = {  # FLOW allows one step at a time
    StoryStatus.approved: [StoryStatus.in_progress, StoryStatus.done],
    StoryStatus.in_progress: [StoryStatus.done],
}


@dataclass(frozen=True)
class RunFacts:
    """The run the outcomes came from."""

    execution_id: uuid.UUID
    github_run_id: int
    url: str
    branch: str
    sha: str
    created_at: datetime


def _stories(session: Session, project_id: uuid.UUID) -> list[UserStory]:
    query = select(UserStory).where(
        UserStory.project_id == project_id, UserStory.status != StoryStatus.archived
    )
    return list(session.exec(query))


def map_outcomes(
    stories: list[UserStory], outcomes: list[ScenarioOutcome]
) -> dict[uuid.UUID, dict[str, ScenarioResult]]:
    """story id -> scenario name -> result (the worst of a scenario's rows, as of outline examples).
    A Feature name that two stories share maps to neither: only their tags tell them apart."""
    by_short = {feature_tags.short_id(story.id): story.id for story in stories}
    by_feature: dict[str, list[uuid.UUID]] = defaultdict(list)
    for story in stories:
        name = feature_tags.feature_name(story.gherkin_output).lower()
        if name:
            by_feature[name].append(story.id)
    found: dict[uuid.UUID, dict[str, list[ScenarioResult]]] = defaultdict(lambda: defaultdict(list))
    for outcome in outcomes:
        story_id = _story_of(outcome, by_short, by_feature)
        if story_id is not None and outcome.scenario:
            found[story_id][outcome.scenario].append(outcome.result)
    return {sid: {name: worst(rows) for name, rows in named.items()} for sid, named in found.items()}


def _story_of(
    outcome: ScenarioOutcome, by_short: dict[str, uuid.UUID], by_feature: dict[str, list[uuid.UUID]]
) -> uuid.UUID | None:
    for tag in outcome.tags:
        short = feature_tags.tagged_short_id(tag)
        if short in by_short:
            return by_short[short]
    feature = outcome.feature.lower()
    for name, ids in by_feature.items():  # JUnit from behave names it "<file>.<Feature name>"
        if len(ids) == 1 and (feature == name or feature.endswith("." + name)):
            return ids[0]
    return None


def store(
    session: Session, project_id: uuid.UUID, run: RunFacts, outcomes: list[ScenarioOutcome]
) -> list[tuple[UserStory, dict[str, ScenarioResult]]]:
    """Keep the outcomes of a default-branch run as each scenario's latest (a run older than the stored
    one changes nothing); each story the outcomes mapped to, with its scenarios' results in this run."""
    stories = {story.id: story for story in _stories(session, project_id)}
    mapped = map_outcomes(list(stories.values()), outcomes)
    for story_id, named in mapped.items():
        rows = session.exec(select(StoryScenarioResult).where(StoryScenarioResult.story_id == story_id))
        known = {row.scenario: row for row in rows}
        for scenario, result in named.items():
            row = known.get(scenario) or StoryScenarioResult(
                story_id=story_id, project_id=project_id, scenario=scenario, run_created_at=run.created_at
            )
            if row.run_created_at > run.created_at:
                continue
            row.result, row.execution_id, row.github_run_id = result, run.execution_id, run.github_run_id
            row.run_url, row.branch, row.head_sha = run.url[:500], run.branch[:255], run.sha[:40]
            row.run_created_at, row.recorded_at = run.created_at, utcnow()
            session.add(row)
    session.flush()
    return [(stories[story_id], named) for story_id, named in mapped.items()]


def _placeholders(name: str) -> re.Pattern[str]:
    """A Gherkin scenario name as a pattern: an outline's <placeholders> match its examples' values."""
    parts = re.split(r"<[^<>]+>", name.strip().lower())
    return re.compile("^" + ".+?".join(re.escape(part) for part in parts) + "$")


def follow(session: Session, story: UserStory, run: RunFacts, failed_now: list[str]) -> str:
    """Move the story after its results changed: done when every scenario of its Gherkin has passed on the
    default branch, back to in progress when one failed (in this run) after it was done."""
    why = {"run": run.github_run_id, "run_url": run.url}
    if failed_now and story.status is StoryStatus.done:
        moved = move_status(session, CI, story, StoryStatus.in_progress, failed=failed_now[:10], **why)
        return "in_progress" if moved else "unchanged"
    rows = session.exec(select(StoryScenarioResult).where(StoryScenarioResult.story_id == story.id))
    results = [(row.scenario.lower(), row.result) for row in rows]
    scenarios = [shape.name for shape in check(story.gherkin_output).scenarios]
    covered = [
        [result for name, result in results if _placeholders(scenario).match(name)] for scenario in scenarios
    ]
    if not scenarios or not all(found and set(found) == {ScenarioResult.passed} for found in covered):
        return "unchanged"
    steps = [step for step in FORWARD.get(story.status, []) if move_status(session, CI, story, step, **why)]
    return " -> ".join(step.value for step in steps) or "unchanged"
