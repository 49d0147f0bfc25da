"""Deliberately flawed copies of a generated story, made by editing the lines the official Gherkin parser
locates: a requirement's scenarios dropped, Then steps removed, vague Then steps, no negative scenario, a
near-duplicate scenario."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gherkin import Parser

from autodevhub.stories.engine.rules.analysis import analyse

VAGUE_THENS = ("it works as expected", "the result is correct", "everything is handled properly")


@dataclass
class Block:
    """One scenario of the text: its lines (0-based, end exclusive), name, tags and steps."""

    start: int
    end: int
    name: str
    tags: list[str]
    steps: list[dict[str, Any]]

    def text(self, lines: list[str]) -> str:
        return "\n".join(lines[self.start : self.end])


def blocks(gherkin: str) -> list[Block]:
    """The scenarios of a story as the official parser locates them."""
    children = Parser().parse(gherkin)["feature"]["children"]
    found = []
    for child in children:
        if "scenario" in child:
            scenario = child["scenario"]
            lines = [tag["location"]["line"] for tag in scenario["tags"]] + [scenario["location"]["line"]]
            found.append(
                Block(
                    min(lines) - 1,
                    0,
                    scenario["name"],
                    [t["name"] for t in scenario["tags"]],
                    scenario["steps"],
                )
            )
    total = len(gherkin.splitlines())
    for block, following in itertools.zip_longest(found, found[1:]):
        block.end = following.start if following else total
    return found


def _join(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def drop(gherkin: str, unwanted: Callable[[Block, str], bool]) -> str:
    """The story without the scenarios `unwanted(block, its text)` picks."""
    lines = gherkin.splitlines()
    gone = {i for b in blocks(gherkin) if unwanted(b, b.text(lines)) for i in range(b.start, b.end)}
    return _join([line for i, line in enumerate(lines) if i not in gone])


def _then_lines(gherkin: str) -> list[int]:
    """0-based lines of every Then step and of the And/But steps that continue it."""
    found = []
    for block in blocks(gherkin):
        kind = ""
        for step in block.steps:
            kind = kind if step["keywordType"] == "Conjunction" else step["keywordType"]
            if kind == "Outcome":
                found.append(step["location"]["line"] - 1)
    return found


def without_then(gherkin: str) -> str:
    gone = set(_then_lines(gherkin))
    return _join([line for i, line in enumerate(gherkin.splitlines()) if i not in gone])


def vague_thens(gherkin: str) -> str:
    """Every Then step (and its And/But steps) says something vague instead of its outcome."""
    lines = gherkin.splitlines()
    for number, text in zip(_then_lines(gherkin), itertools.cycle(VAGUE_THENS), strict=False):
        keyword = re.match(r"^\s*\S+ ", lines[number])
        lines[number] = (keyword.group(0) if keyword else "    Then ") + text
    return _join(lines)


def without_negative(gherkin: str) -> str:
    return drop(gherkin, lambda block, _text: "@negative" in block.tags)


def near_duplicate(gherkin: str) -> str:
    """The first scenario again under another name, with one word added to its last step."""
    lines = gherkin.splitlines()
    first = blocks(gherkin)[0]
    copy = lines[first.start : first.end]
    copy = [re.sub(r"(Scenario(?: Outline)?: )(.*)", r"\1\2 once more", line, count=1) for line in copy]
    last = max(i for i, line in enumerate(copy) if line.strip())
    copy[last] += " too"
    return _join([*lines, "", *copy])


def _marker(values: list[str], least: int = 1, besides: str = "") -> Callable[[str], bool]:
    """True for a text that names `least` of the values (whole words, '1' is not in '10,001') outside the
    phrase `besides` (a limit the goal restates in every When)."""
    patterns = [re.compile(rf"(?<![\w,.:]){re.escape(v)}(?![\w:]|[,.]\d)", re.I) for v in values if v]
    skip = re.compile(re.escape(besides), re.I) if besides else None

    def named(text: str) -> bool:
        text = skip.sub(" ", text) if skip else text
        return sum(bool(p.search(text)) for p in patterns) >= min(least, len(patterns))

    return named


def requirement_markers(description: str) -> dict[str, Callable[[str], bool]]:
    """For each limit, value list, condition and rule the analysis finds: a test of the scenario texts that
    only its own scenarios pass (a boundary value; two of the listed values, as the goal names one of them
    everywhere; the condition's clause; the rule's sentence)."""
    analysis = analyse(description)
    found = {}
    for bound in analysis.bounds:
        values = ["again"] if bound.kind == "once" else [*bound.values, *bound.inside, *bound.outside]
        found[f"limit {bound.span}"] = _marker(values, besides=bound.span)
    for values in analysis.lists:
        found[f"values {', '.join(values.items)}"] = _marker(values.items, least=2)
    for condition in analysis.conditions:
        found[f"condition {condition.clause}"] = _marker([condition.clause])
    for rule in analysis.rules:
        found[f"rule {rule.sentence}"] = _marker([rule.sentence])
    return found


def variants(description: str, gherkin: str) -> dict[str, str]:
    """Every flawed variant of a good story, by the flaw's name."""
    found = {
        "no Then steps": without_then(gherkin),
        "vague Then steps": vague_thens(gherkin),
        "no negative scenario": without_negative(gherkin),
        "near-duplicate scenario": near_duplicate(gherkin),
    }
    for name, marker in requirement_markers(description).items():
        found[f"dropped {name}"] = drop(gherkin, lambda _block, text, m=marker: m(text))
    return found
