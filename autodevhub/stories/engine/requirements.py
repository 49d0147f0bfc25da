"""What a description asks for, read by the rule engine's analysis, and which of it the scenarios cover.

A requirement is a stated limit (a range, a maximum, an expiry), a list of values (formats, roles,
statuses), a condition ('if ..., ...'), a rule ('X cannot be Y', 'X is required') or the acting role. A
scenario covers it when its name, steps, Examples and Background mention it: a limit by one of its
boundary values, or an amount in its unit near it (half to twice), next to what it limits (restating the
limit tests nothing); a list by every value; a condition or a rule by most of its words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from autodevhub.stories.engine.gherkin import ScenarioShape
from autodevhub.stories.engine.rules.analysis import Analysis, analyse
from autodevhub.stories.engine.rules.bounds import WORD_NUMBERS, Bound
from autodevhub.stories.engine.rules.clauses import ValueList
from autodevhub.stories.engine.rules.nlp import content_tokens, number_value, singular

NUMBER = re.compile(r"\b\d{1,2}:\d{2}\b|\d[\d,]*(?:\.\d+)?")
AMOUNT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*([a-z%€$]+)")
NEAR = (0.5, 2.0)  # an amount in the limit's unit from half to twice a boundary value tests it
REPEAT_WORDS = frozenset({"once", "twice", "again", "already"})
WORD_SHARE = 0.6  # a condition or a rule is covered when one scenario holds this share of its words
ANONYMOUS_ACTORS = frozenset({"", "user", "users"})
PRONOUNS = frozenset({"i", "we", "you", "he", "she", "it", "they"})


@dataclass(frozen=True)
class Evidence:
    """What one scenario mentions: its text (lower-case) and word stems."""

    text: str
    tokens: frozenset[str]

    def numbers(self, besides: str = "") -> set[str]:
        """The numbers it names, in one spelling, outside every occurrence of `besides`."""
        text = self.text.replace(besides.lower(), " ") if besides else self.text
        found = {_number(value) for value in NUMBER.findall(text)}
        return found | {str(WORD_NUMBERS[w]) for w in re.findall(r"[a-z]+", text) if w in WORD_NUMBERS}

    def amounts(self, unit: str, besides: str = "") -> set[float]:
        """The numbers it names in `unit` ('6.5 MB', '10 mb' for 'MB'), outside every `besides`."""
        text = self.text.replace(besides.lower(), " ") if besides else self.text
        found = (
            number_value(n) for n, word in AMOUNT.findall(text) if singular(word) == singular(unit.lower())
        )
        return {value for value in found if value is not None}


@dataclass(frozen=True)
class Requirement:
    """One thing the description asks for, with the test of whether the scenarios cover it."""

    kind: str  # limit, values, role, condition, rule
    text: str
    covered_by: Callable[[list[Evidence]], bool]

    @property
    def label(self) -> str:
        """How the score card names it: 'limit: up to 5 MB'."""
        return f"{self.kind}: {self.text}"


def _number(text: str) -> str:
    """A number in one spelling: '10,000' -> '10000', '8:00' stays, 'five' -> '5'."""
    if ":" in text:
        return text
    value = number_value(text)
    return f"{value:g}" if value is not None else text


def evidence(shape: ScenarioShape) -> Evidence:
    """The words and numbers of a scenario, its Examples and its Background."""
    text = " ".join([shape.name, *(t for _, t in shape.steps), *shape.cells, *shape.context])
    return Evidence(" ".join(text.lower().split()), frozenset(content_tokens(text)))


def _near(bound: Bound) -> Callable[[float], bool]:
    """Whether an amount tests the limit: between half and twice a boundary value, outside a range."""
    values = sorted(
        v for v in (number_value(text) for text in bound.values if ":" not in text) if v is not None
    )
    if not values:
        return lambda _amount: False
    low, high = values[0], values[-1]
    if bound.kind == "range":
        return lambda amount: NEAR[0] * low <= amount < low or high < amount <= NEAR[1] * high
    return lambda amount: any(NEAR[0] * value <= amount <= NEAR[1] * value for value in values)


def _limit(bound: Bound) -> Requirement:
    values = {_number(v) for v in [*bound.values, *bound.inside, *bound.outside] if NUMBER.fullmatch(v)}
    anchor = frozenset(content_tokens(f"{bound.subject} {bound.unit}")) - set(values)
    repeat = frozenset(content_tokens(" ".join(REPEAT_WORDS))) if bound.kind == "once" else frozenset()
    unit = (bound.unit.split() or [""])[0]
    near = _near(bound)

    def tests(s: Evidence) -> bool:
        return any(near(amount) for amount in (s.amounts(unit, bound.span) if unit else ()))

    def covered(scenarios: list[Evidence]) -> bool:
        return any(
            (s.numbers(bound.span) & values or s.tokens & repeat or tests(s))
            and (not anchor or s.tokens & anchor)
            for s in scenarios
        )

    named = bound.subject.lower() not in PRONOUNS and bound.subject.lower() not in bound.span.lower()
    subject = f"{bound.subject} " if bound.subject and named else ""
    return Requirement("limit", f"{subject}{bound.span}", covered)


def _values(found: ValueList) -> Requirement:
    items = [frozenset(content_tokens(item)) or frozenset({item.lower()}) for item in found.items]

    def covered(scenarios: list[Evidence]) -> bool:
        return all(any(item <= s.tokens for s in scenarios) for item in items)

    kind = "role" if found.label == "role" else "values"
    return Requirement(kind, f"{found.label} {', '.join(found.items)}", covered)


def _words(kind: str, text: str) -> Requirement:
    words = frozenset(content_tokens(text))

    def covered(scenarios: list[Evidence]) -> bool:
        return any(len(words & s.tokens) >= WORD_SHARE * len(words) for s in scenarios)

    return Requirement(kind, " ".join(text.split()), covered)


def _actor(analysis: Analysis) -> list[Requirement]:
    words = frozenset(content_tokens(analysis.actor))
    if analysis.actor.lower() in ANONYMOUS_ACTORS or not words:
        return []
    return [
        Requirement("role", f"acts as {analysis.actor}", lambda found: any(words <= s.tokens for s in found))
    ]


def requirements(description: str) -> list[Requirement]:
    """Every requirement the rule engine's analysis finds in a normalized description, once each."""
    analysis = analyse(description)
    found = [
        *_actor(analysis),
        *(_limit(bound) for bound in analysis.bounds),
        *(_values(values) for values in analysis.lists),
        *(_words("condition", f"{c.keyword} {c.clause}, {c.outcome}") for c in analysis.conditions),
        *(_words("rule", rule.sentence) for rule in analysis.rules),
    ]
    unique: dict[str, Requirement] = {}
    for requirement in found:
        unique.setdefault(requirement.label.lower(), requirement)
    return list(unique.values())


def uncovered(found: list[Requirement], shapes: list[ScenarioShape]) -> list[str]:
    """The labels of the requirements no scenario covers."""
    scenarios = [evidence(shape) for shape in shapes]
    return [requirement.label for requirement in found if not requirement.covered_by(scenarios)]
