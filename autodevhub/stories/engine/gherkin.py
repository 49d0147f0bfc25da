"""Gherkin in and out: render a StorySpec as text, parse text with the official parser, read its shape."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gherkin import Parser
from gherkin.errors import CompositeParserException, ParserError, ParserException

from autodevhub.stories.engine.rules.nlp import with_article
from autodevhub.stories.engine.spec import Scenario, Step, StorySpec

KIND_TAGS = {"happy": "@happy-path", "negative": "@negative", "edge": "@edge-case"}
STEP_TYPES = {"Context": "Given", "Action": "When", "Outcome": "Then"}
LOCATION_PREFIX = re.compile(r"^\(\d+:\d+\):\s*")


@dataclass
class ParseError:
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass
class ScenarioShape:
    """What scoring needs to know about one scenario."""

    name: str
    tags: list[str]
    types: set[str]
    steps: list[tuple[str, str]] = field(default_factory=list)  # (Given/When/Then, text), And resolved
    cells: list[str] = field(default_factory=list)  # the Examples' header and values
    context: list[str] = field(default_factory=list)  # the Background's step texts


@dataclass
class ParseResult:
    ok: bool
    errors: list[ParseError] = field(default_factory=list)
    feature: str = ""
    scenarios: list[ScenarioShape] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": [{"line": e.line, "column": e.column, "message": e.message} for e in self.errors],
        }

    def first_error(self) -> str:
        return str(self.errors[0]) if self.errors else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "\\n")


def _steps(steps: list[Step], indent: str) -> list[str]:
    return [f"{indent}{step.keyword} {_one_line(step.text)}" for step in steps]


def _scenario(scenario: Scenario) -> list[str]:
    lines = [f"  {KIND_TAGS.get(scenario.kind, '@' + scenario.kind)}"]
    keyword = "Scenario Outline" if scenario.examples is not None else "Scenario"
    lines.append(f"  {keyword}: {_one_line(scenario.name)}")
    lines += _steps(scenario.steps, "    ")
    if scenario.examples is not None:
        table = [scenario.examples.header, *scenario.examples.rows]
        widths = [max(len(_cell(row[i])) for row in table if i < len(row)) for i in range(len(table[0]))]
        lines += ["", "    Examples:"]
        for row in table:
            cells = [
                _cell(value).ljust(widths[i]) if i < len(widths) else _cell(value)
                for i, value in enumerate(row)
            ]
            lines.append("      | " + " | ".join(cells) + " |")
    return lines


def render(spec: StorySpec) -> str:
    """The story as Gherkin text: Feature with its narrative, Background, then each scenario."""
    lines = [f"Feature: {_one_line(spec.feature)}"]
    if spec.as_a:
        lines.append(f"  As {with_article(_one_line(spec.as_a))}")
    if spec.i_want:
        lines.append(f"  I want {_one_line(spec.i_want)}")
    if spec.so_that:
        lines.append(f"  So that {_one_line(spec.so_that)}")
    if spec.background:
        lines += ["", "  Background:", *_steps(spec.background, "    ")]
    for scenario in spec.scenarios:
        lines += ["", *_scenario(scenario)]
    return "\n".join(lines) + "\n"


def _error(error: ParserException) -> ParseError:
    location = error.location or {}
    message = LOCATION_PREFIX.sub("", str(error))
    return ParseError(int(location.get("line") or 1), int(location.get("column") or 1), message)


def check(text: str) -> ParseResult:
    """Parse with the official Gherkin parser; errors carry their line and column."""
    try:
        document = Parser().parse(text)
    except CompositeParserException as composite:
        return ParseResult(False, [_error(error) for error in composite.errors])
    except ParserException as error:
        return ParseResult(False, [_error(error)])
    except ParserError as error:  # pragma: no cover - the parser raises the two above
        return ParseResult(False, [ParseError(1, 1, str(error))])
    feature = document.get("feature")
    if not feature:
        return ParseResult(False, [ParseError(1, 1, "no 'Feature:' line found")])
    return ParseResult(True, feature=feature.get("name", ""), scenarios=_shapes(feature.get("children", [])))


def _typed(steps: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Each step as (Given/When/Then, text); And and But take the type of the step before them."""
    found: list[tuple[str, str]] = []
    previous = None
    for step in steps:
        kind = STEP_TYPES.get(step.get("keywordType", ""), previous if step.get("keywordType") else None)
        if kind:
            found.append((kind, step.get("text", "")))
            previous = kind
    return found


def _cells(examples: list[dict[str, Any]]) -> list[str]:
    rows = [row for e in examples for row in [e.get("tableHeader") or {}, *e.get("tableBody", [])]]
    return [cell.get("value", "") for row in rows for cell in row.get("cells", [])]


def _shapes(
    children: list[dict[str, Any]], inherited: list[tuple[str, str]] | None = None
) -> list[ScenarioShape]:
    shapes: list[ScenarioShape] = []
    background: list[tuple[str, str]] = list(inherited or ())
    for child in children:
        if "background" in child:
            background += _typed(child["background"].get("steps", []))
        elif "rule" in child:
            shapes += _shapes(child["rule"].get("children", []), background)
        elif "scenario" in child:
            scenario = child["scenario"]
            steps = _typed(scenario.get("steps", []))
            examples = scenario.get("examples", [])
            shapes.append(
                ScenarioShape(
                    name=scenario.get("name", ""),
                    tags=[tag["name"] for tag in scenario.get("tags", [])],
                    types={kind for kind, _ in background + steps},
                    steps=steps,
                    cells=_cells(examples),
                    context=[text for _, text in background],
                )
            )
    return shapes
