"""The structured form of a story that both engines produce and our renderer turns into Gherkin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KEYWORDS = ("Given", "When", "Then", "And", "But")
KINDS = ("happy", "negative", "edge")
MAX_TEXT = 400
MAX_SCENARIOS = 20
MAX_STEPS = 15


class SpecError(ValueError):
    """The structured answer does not have the expected shape; the message names the field."""


@dataclass
class Step:
    keyword: str
    text: str


@dataclass
class Examples:
    header: list[str]
    rows: list[list[str]]


@dataclass
class Scenario:
    name: str
    steps: list[Step]
    kind: str = "happy"
    examples: Examples | None = None


@dataclass
class StorySpec:
    feature: str
    as_a: str = ""
    i_want: str = ""
    so_that: str = ""
    background: list[Step] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)


STEP_SCHEMA = {
    "type": "object",
    "properties": {"keyword": {"type": "string", "enum": list(KEYWORDS)}, "text": {"type": "string"}},
    "required": ["keyword", "text"],
}
TOOL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "feature": {"type": "string", "description": "Short feature name, a few words."},
        "as_a": {"type": "string", "description": "The actor, e.g. 'finance manager'."},
        "i_want": {"type": "string", "description": "The goal, e.g. 'to export monthly reports'."},
        "so_that": {"type": "string", "description": "The benefit; empty when the text gives none."},
        "background": {"type": "array", "items": STEP_SCHEMA, "description": "Shared preconditions."},
        "scenarios": {
            "type": "array",
            "minItems": 2,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "kind": {"type": "string", "enum": list(KINDS)},
                    "steps": {"type": "array", "items": STEP_SCHEMA, "minItems": 2},
                    "examples": {
                        "type": "object",
                        "description": "Only for a Scenario Outline: steps use <column> placeholders.",
                        "properties": {
                            "header": {"type": "array", "items": {"type": "string"}},
                            "rows": {
                                "type": "array",
                                "items": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                        "required": ["header", "rows"],
                    },
                },
                "required": ["name", "kind", "steps"],
            },
        },
    },
    "required": ["feature", "as_a", "i_want", "scenarios"],
}


def _text(value: Any, where: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise SpecError(f"{where}: expected non-empty text")
    if len(value) > MAX_TEXT:
        raise SpecError(f"{where}: longer than {MAX_TEXT} characters")
    return value.strip()


def _list(value: Any, where: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise SpecError(f"{where}: expected a list")
    if len(value) > limit:
        raise SpecError(f"{where}: more than {limit} entries")
    return value


def _steps(value: Any, where: str) -> list[Step]:
    steps = []
    for index, item in enumerate(_list(value, where, MAX_STEPS)):
        if not isinstance(item, dict):
            raise SpecError(f"{where}[{index}]: expected an object with keyword and text")
        keyword = item.get("keyword")
        if keyword not in KEYWORDS:
            raise SpecError(f"{where}[{index}].keyword: must be one of {', '.join(KEYWORDS)}")
        steps.append(Step(keyword, _text(item.get("text"), f"{where}[{index}].text")))
    return steps


def _examples(value: Any, where: str) -> Examples | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SpecError(f"{where}: expected an object with header and rows")
    header = [_text(cell, f"{where}.header") for cell in _list(value.get("header"), f"{where}.header", 10)]
    rows = []
    for index, row in enumerate(_list(value.get("rows"), f"{where}.rows", 50)):
        cells = _list(row, f"{where}.rows[{index}]", 10)
        rows.append([_text(str(cell), f"{where}.rows[{index}]", required=False) for cell in cells])
    return Examples(header, rows)


def spec_from_dict(data: Any) -> StorySpec:
    """Validate an untrusted structured answer (the model's tool input) into a StorySpec."""
    if not isinstance(data, dict):
        raise SpecError("answer: expected an object")
    scenarios = []
    for index, item in enumerate(_list(data.get("scenarios"), "scenarios", MAX_SCENARIOS)):
        where = f"scenarios[{index}]"
        if not isinstance(item, dict):
            raise SpecError(f"{where}: expected an object")
        kind = item.get("kind", "happy")
        if kind not in KINDS:
            raise SpecError(f"{where}.kind: must be one of {', '.join(KINDS)}")
        scenarios.append(
            Scenario(
                name=_text(item.get("name"), f"{where}.name"),
                steps=_steps(item.get("steps"), f"{where}.steps"),
                kind=kind,
                examples=_examples(item.get("examples"), f"{where}.examples"),
            )
        )
    if len(scenarios) < 2:
        raise SpecError("scenarios: at least two scenarios are needed (a happy path and a negative one)")
    return StorySpec(
        feature=_text(data.get("feature"), "feature"),
        as_a=_text(data.get("as_a"), "as_a", required=False),
        i_want=_text(data.get("i_want"), "i_want", required=False),
        so_that=_text(data.get("so_that"), "so_that", required=False),
        background=_steps(data.get("background") or [], "background"),
        scenarios=scenarios,
    )


def spec_to_dict(spec: StorySpec) -> dict[str, Any]:
    """The StorySpec in the tool's JSON shape."""

    def steps(items: list[Step]) -> list[dict[str, str]]:
        return [{"keyword": step.keyword, "text": step.text} for step in items]

    scenarios = []
    for scenario in spec.scenarios:
        item: dict[str, Any] = {"name": scenario.name, "kind": scenario.kind, "steps": steps(scenario.steps)}
        if scenario.examples is not None:
            item["examples"] = {"header": scenario.examples.header, "rows": scenario.examples.rows}
        scenarios.append(item)
    return {
        "feature": spec.feature,
        "as_a": spec.as_a,
        "i_want": spec.i_want,
        "so_that": spec.so_that,
        "background": steps(spec.background),
        "scenarios": scenarios,
    }
