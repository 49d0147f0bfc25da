"""Stories as the pages show them: plain, typed rows built from the services' answers (no reflex here)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from autodevhub.models import UserStory
from autodevhub.stories.engine.gherkin import ParseResult
from autodevhub.ui.rows import when

STATUS_LABELS = {
    "draft": "Draft",
    "approved": "Approved",
    "in_progress": "In progress",
    "done": "Done",
    "archived": "Archived",
}
# Sort choices of the list: label shown -> the service's sort key.
SORTS = {"newest": "-created_at", "oldest": "created_at", "score": "-confidence", "status": "status"}
PARTS = {
    "parses": ("Valid Gherkin", "The official Gherkin parser accepts the text."),
    "coverage": (
        "Coverage",
        "Every limit, list of values, condition, rule and role the description states has a scenario.",
    ),
    "structure": (
        "Given / When / Then",
        "Every scenario sets the scene, acts, and checks a concrete outcome.",
    ),
    "negative": ("Negative path", "At least one scenario covers invalid input or a refused action."),
    "distinct": ("Distinct scenarios", "No scenario repeats another in other words."),
    "invest": ("INVEST", "Independent, negotiable, valuable, estimable, small and testable."),
    "clarity": ("Clarity", "No vague words such as fast, easy or user-friendly."),
    "uniqueness": ("Uniqueness", "Not a near-duplicate of another story in this project."),
}
FEATURE_LINE = re.compile(r"^\s*Feature:\s*(.+?)\s*$", re.MULTILINE)
EXPECTED = re.compile(r"^expected: (?P<tokens>.*), got '(?P<got>.*)'$", re.S)
TOKENS = {
    "#StepLine": "a step (Given, When, Then, And, But)",
    "#ScenarioLine": "a Scenario",
    "#TagLine": "a tag",
    "#TableRow": "a table row",
    "#ExamplesLine": "Examples",
    "#RuleLine": "a Rule",
    "#BackgroundLine": "a Background",
    "#FeatureLine": "the Feature line",
    "#DocStringSeparator": "a doc string",
}
TITLE_LIMIT = 120
EXCERPT_LIMIT = 120


@dataclasses.dataclass(frozen=True)
class StoryRow:
    """One line of the stories list."""

    id: str
    title: str
    excerpt: str
    project: str
    status: str
    status_label: str
    score: str
    tone: str
    created: str
    href: str


@dataclasses.dataclass(frozen=True)
class ScorePart:
    name: str
    label: str
    explanation: str
    detail: str
    percent: int
    weight: str


@dataclasses.dataclass(frozen=True)
class SimilarRow:
    id: str
    excerpt: str
    similarity: str
    status_label: str
    href: str


@dataclasses.dataclass(frozen=True)
class ParseProblem:
    line: int
    label: str


@dataclasses.dataclass(frozen=True)
class GutterLine:
    number: int
    error: bool


def percent(score: float | None) -> int:
    return round((score or 0.0) * 100)


def tone(score: float | None) -> str:
    """The badge colour of a confidence score."""
    value = percent(score)
    return "green" if value >= 80 else "amber" if value >= 60 else "red"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_of(gherkin: str, description: str) -> str:
    """The Feature line's name, or the start of the description when the text has none."""
    found = FEATURE_LINE.search(gherkin or "")
    return clip(found.group(1) if found else " ".join(description.split()), TITLE_LIMIT)


def story_row(story: UserStory, project: str) -> StoryRow:
    status = story.status.value
    return StoryRow(
        id=str(story.id),
        title=title_of(story.gherkin_output, story.feature_description),
        excerpt=clip(" ".join(story.feature_description.split()), EXCERPT_LIMIT),
        project=project,
        status=status,
        status_label=STATUS_LABELS[status],
        score=f"{percent(story.confidence_score)}%",
        tone=tone(story.confidence_score),
        created=when(story.created_at),
        href=f"/stories/{story.id}",
    )


def score_parts(metadata: dict[str, Any]) -> list[ScorePart]:
    parts = (metadata.get("score") or {}).get("parts") or {}
    return [
        ScorePart(
            name=name,
            label=label,
            explanation=explanation,
            detail=str(parts[name].get("detail", "")),
            percent=percent(parts[name].get("score")),
            weight=f"{percent(parts[name].get('weight'))}%",
        )
        for name, (label, explanation) in PARTS.items()
        if isinstance(parts.get(name), dict)
    ]


def similar_rows(similar: list[dict[str, Any]]) -> list[SimilarRow]:
    return [
        SimilarRow(
            id=item["id"],
            excerpt=item.get("excerpt", ""),
            similarity=f"{percent(item.get('similarity'))}% similar",
            status_label=STATUS_LABELS.get(item.get("status", ""), ""),
            href=f"/stories/{item['id']}",
        )
        for item in similar
    ]


def engine_notice(metadata: dict[str, Any]) -> tuple[str, str, bool]:
    """(engine label, a sentence on how the story was written, whether Claude failed)."""
    fallback = metadata.get("fallback") or {}
    cached = " Served from the cache: this description was generated within the last hour." * bool(
        (metadata.get("cache") or {}).get("hit")
    )
    if fallback:
        return "Rule engine (fallback)", f"{fallback.get('message', 'Claude failed.')}{cached}", True
    if metadata.get("engine") == "claude":
        claude = metadata.get("claude") or {}
        seconds = (claude.get("duration_ms") or 0) / 1000
        model = claude.get("model", "Claude")
        return f"Claude · {model}", f"Written by Claude ({model}) in {seconds:.1f} s.{cached}", False
    reason = "no Anthropic API key is configured" if metadata.get("engine_reason") == "no_api_key" else ""
    because = f": {reason}" if reason else ""
    return "Rule engine", f"Written by the built-in rule engine{because}.{cached}", False


def readable(message: str) -> str:
    """The parser's message in words: "unexpected 'Gven b'; expected a step, a Scenario, ..."."""
    found = EXPECTED.match(message)
    if not found:
        return message
    tokens = set(found.group("tokens").split(", "))
    wanted = [label for token, label in TOKENS.items() if token in tokens]
    expected = f"; expected {', '.join(wanted[:4])} or similar" if wanted else ""
    return f"unexpected “{found.group('got').strip()}”{expected}"


def parse_problems(result: ParseResult) -> list[ParseProblem]:
    return [ParseProblem(e.line, f"line {e.line}: {readable(e.message)}") for e in result.errors]


def gutter(text: str, problems: list[ParseProblem]) -> list[GutterLine]:
    """Line numbers of the editor, the ones with a parse error marked."""
    bad = {problem.line for problem in problems}
    return [GutterLine(number, number in bad) for number in range(1, text.count("\n") + 2)]


@dataclasses.dataclass(frozen=True)
class StorySummary:
    """A story with everything the generator's result panel and the detail page explain about it."""

    story_id: str = ""
    title: str = ""
    project: str = ""
    description: str = ""
    gherkin: str = ""
    status: str = "draft"
    status_label: str = "Draft"
    score: int = 0
    tone: str = "gray"
    parts: list[ScorePart] = dataclasses.field(default_factory=list)
    hints: list[str] = dataclasses.field(default_factory=list)
    uncovered: list[str] = dataclasses.field(default_factory=list)
    engine: str = ""
    engine_text: str = ""
    engine_failed: bool = False
    duplicate_href: str = ""
    similar: list[SimilarRow] = dataclasses.field(default_factory=list)
    parses: bool = False
    created: str = ""
    updated: str = ""


def summary(story: UserStory, project: str) -> StorySummary:
    metadata = story.story_metadata or {}
    engine, engine_text, failed = engine_notice(metadata)
    duplicate = metadata.get("duplicate_of")
    return StorySummary(
        story_id=str(story.id),
        title=title_of(story.gherkin_output, story.feature_description),
        project=project,
        description=story.feature_description,
        gherkin=story.gherkin_output,
        status=story.status.value,
        status_label=STATUS_LABELS[story.status.value],
        score=percent(story.confidence_score),
        tone=tone(story.confidence_score),
        parts=score_parts(metadata),
        hints=[str(hint) for hint in (metadata.get("score") or {}).get("hints") or []],
        uncovered=[str(label) for label in (metadata.get("score") or {}).get("uncovered") or []],
        engine=engine,
        engine_text=engine_text,
        engine_failed=failed,
        duplicate_href=f"/stories/{duplicate}" if duplicate else "",
        similar=similar_rows(metadata.get("similar") or []),
        parses=bool((metadata.get("parse") or {}).get("ok")),
        created=when(story.created_at),
        updated=when(story.updated_at),
    )
