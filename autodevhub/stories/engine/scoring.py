"""Confidence 0..1 from named parts, stored in the story's metadata so the UI can explain the score.

Parts and weights: parses (0.05); coverage: every requirement of the description is covered by a scenario
(0.20); structure: every scenario has Given, When and an observable Then (0.20); a negative scenario (0.20);
distinct: no scenario repeats another (0.20); INVEST hints (0.05); clarity: no vague words (0.05);
uniqueness against the project's stories (0.05). A defect costs most of its part: each uncovered
requirement and each repeated scenario takes 90 % of it, so one costs 18 points of the total.
"""

from __future__ import annotations

import re
from typing import Any

from autodevhub.stories.engine import requirements, scenario_checks
from autodevhub.stories.engine.gherkin import ParseResult
from autodevhub.stories.engine.similarity import DUPLICATE, Similar

VERSION = 3  # part of the story cache key: a draft scored by an older rubric is not served
WEIGHTS = {
    "parses": 0.05,
    "coverage": 0.20,
    "structure": 0.20,
    "negative": 0.20,
    "distinct": 0.20,
    "invest": 0.05,
    "clarity": 0.05,
    "uniqueness": 0.05,
}
DEFECT = 0.9  # the share of its part one uncovered requirement or one repeated scenario costs
DEPENDS = re.compile(
    r"\b(depends on|blocked by|after (?:story|ticket)|requires (?:story|ticket)|once .{1,40} is done)\b", re.I
)
TECHNOLOGY = re.compile(
    r"\b(?:using|use|with|in)\s+(react|angular|vue|jquery|postgres(?:ql)?|mysql|mongodb|redis|kafka|aws|java|"
    r"python|django|flask|graphql|microservices?|kubernetes)\b",
    re.IGNORECASE,
)
UNKNOWN = re.compile(r"\b(tbd|todo|to be decided|unclear|\?\?+)|\?\s*$", re.IGNORECASE | re.MULTILINE)
BENEFIT = re.compile(r"\b(so that|in order to)\b", re.IGNORECASE)
MAX_SMALL_SCENARIOS = 12
MAX_SMALL_DESCRIPTION = 2000


def _part(score: float, detail: str) -> dict[str, Any]:
    return {"score": round(max(0.0, min(1.0, score)), 3), "detail": detail}


def _invest(description: str, gherkin: str, result: ParseResult) -> tuple[float, list[str]]:
    checks = {
        "independent": (not DEPENDS.search(description), "It names another story it depends on."),
        "negotiable": (not TECHNOLOGY.search(description), "It prescribes a technology; say what, not how."),
        "valuable": (
            bool(BENEFIT.search(description) or BENEFIT.search(gherkin)),
            "No benefit ('so that ...').",
        ),
        "estimable": (not UNKNOWN.search(description), "It leaves open questions (TBD, '?')."),
        "small": (
            len(result.scenarios) <= MAX_SMALL_SCENARIOS and len(description) <= MAX_SMALL_DESCRIPTION,
            "It is large; consider splitting it into smaller stories.",
        ),
        "testable": (
            bool(result.scenarios) and all(scenario_checks.observable(s) for s in result.scenarios),
            "Some scenario has no observable outcome (Then).",
        ),
    }
    hints = [f"{name.capitalize()}: {hint}" for name, (ok, hint) in checks.items() if not ok]
    return sum(ok for ok, _ in checks.values()) / len(checks), hints


def _vague(description: str, gherkin: str, result: ParseResult) -> list[str]:
    steps = [text for shape in result.scenarios for _, text in shape.steps]
    found = scenario_checks.vague_words(f"{description}\n{gherkin}")
    return sorted(found.union(*(scenario_checks.vague_step(text) for text in steps)))


def _coverage(description: str, result: ParseResult) -> tuple[dict[str, Any], list[str]]:
    """The coverage part: the requirements no scenario covers cost DEFECT each, and are named."""
    wanted = requirements.requirements(description)
    missing = requirements.uncovered(wanted, result.scenarios) if result.ok else [r.label for r in wanted]
    found = len(wanted) - len(missing)
    if not wanted:
        detail = "No stated limit, list, condition, rule or role found in the description."
    else:
        detail = f"{found} of {len(wanted)} requirements covered" + (
            f"; not covered: {'; '.join(missing)}." if missing else "."
        )
    part = {**_part(1 - DEFECT * len(missing) if result.ok else 0.0, detail), "uncovered": missing}
    hints = [f"Coverage: add a scenario for {label}." for label in missing if result.ok]
    return part, hints


def static_parts(description: str, gherkin: str, result: ParseResult) -> tuple[dict[str, Any], list[str]]:
    """Every part except uniqueness (which depends on the project's other stories), and the hints."""
    scenarios = result.scenarios
    complete = [s for s in scenarios if scenario_checks.complete(s)]
    negatives = [s for s in scenarios if scenario_checks.negative(s)]
    repeats = scenario_checks.near_duplicates(scenarios)
    vague = _vague(description, gherkin, result)
    coverage, hints = _coverage(description, result)
    invest, invest_hints = _invest(description, gherkin, result)
    hints += invest_hints
    parts = {
        "parses": _part(1.0 if result.ok else 0.0, "Valid Gherkin." if result.ok else result.first_error()),
        "coverage": coverage,
        "structure": _part(
            len(complete) / len(scenarios) if scenarios else 0.0,
            f"{len(complete)} of {len(scenarios)} scenarios have Given, When and an observable Then.",
        ),
        "negative": _part(1.0 if negatives else 0.0, f"{len(negatives)} negative or validation scenarios."),
        "distinct": _part(
            1 - DEFECT * len(repeats) if scenarios else 0.0,
            "; ".join(f"'{later}' repeats '{earlier}'" for later, earlier in repeats) + "."
            if repeats
            else "No scenario repeats another.",
        ),
        "invest": _part(
            invest, "INVEST: " + ("all hints met." if not invest_hints else f"{len(invest_hints)} hints.")
        ),
        "clarity": _part(1 - 0.25 * len(vague), "Vague words: " + (", ".join(vague) if vague else "none.")),
    }
    if len(scenarios) < 2 and result.ok:
        hints.append("Structure: write at least two scenarios, a happy path and a negative one.")
    if len(complete) < len(scenarios):
        hints.append("Structure: give every scenario a Given, a When and a Then that can be checked.")
    if not negatives and result.ok:
        hints.append("Negative: add a scenario for invalid input or a refused action.")
    if repeats:
        hints.append("Distinct: merge or remove scenarios that repeat another with other words.")
    if vague:
        hints.append(f"Clarity: replace vague words with measurable terms ({', '.join(vague)}).")
    return parts, hints


def combine(parts: dict[str, Any], hints: list[str], similar: list[Similar]) -> dict[str, Any]:
    """The full score: static parts plus uniqueness against `similar`, the weighted total and hints."""
    closest = similar[0] if similar else None
    highest = closest.similarity if closest else 0.0
    uniqueness = 1.0 if highest < 0.5 else (0.9 - highest) / 0.4
    detail = (
        f"Closest existing story: {highest:.0%} similar." if closest else "No similar story in this project."
    )
    all_parts = {**parts, "uniqueness": _part(uniqueness, detail)}
    all_hints = list(hints)
    duplicate = closest if closest and highest >= DUPLICATE else None
    if duplicate:
        all_hints.append(f"Duplicate: {highest:.0%} similar to an existing story of this project.")
    for name, part in all_parts.items():
        part["weight"] = WEIGHTS[name]
    total = sum(part["score"] * part["weight"] for part in all_parts.values())
    return {
        "total": round(total, 3),
        "parts": all_parts,
        "uncovered": list(all_parts.get("coverage", {}).get("uncovered", [])),
        "hints": all_hints,
        "duplicate_of": str(duplicate.id) if duplicate else None,
    }
