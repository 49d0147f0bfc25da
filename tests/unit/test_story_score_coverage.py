"""The score as a labelled set: for each description, the rule engine's story must score high and every
deliberately flawed variant of it (tests/support/flawed_stories.py) at least 15 points lower."""

from __future__ import annotations

import uuid

import pytest

from autodevhub.models import UserStory, utcnow
from autodevhub.stories.engine import requirements, scoring
from autodevhub.stories.engine.gherkin import check, render
from autodevhub.stories.engine.normalize import normalize_description
from autodevhub.stories.engine.rules.engine import generate
from autodevhub.stories.ui.rows import summary
from tests.support.flawed_stories import drop, requirement_markers, variants
from tests.support.story_corpus import CORPUS

GOOD = 80
GAP = 15
LABELLED = [
    normalize_description(text) for text, _ in CORPUS if requirement_markers(normalize_description(text))
]


def score(description: str, gherkin: str) -> dict:
    """The score a story gets in a project with no other story."""
    parts, hints = scoring.static_parts(description, gherkin, check(gherkin))
    return scoring.combine(parts, hints, [])


def one_scenario(when: str) -> str:
    """A story of one scenario around the When step `when`."""
    return f"Feature: F\n  Scenario: S\n    Given I am signed in\n    {when}\n    Then it is recorded\n"


def points(result: dict) -> float:
    return round(result["total"] * 100, 1)


def test_the_labelled_set_is_large_and_varied():
    assert len(LABELLED) >= 10
    flaws = [name for text in LABELLED for name in variants(text, render(generate(text)))]
    assert sum(name.startswith("dropped limit") for name in flaws) >= 10
    assert (
        sum(name.startswith(("dropped values", "dropped condition", "dropped rule")) for name in flaws) >= 10
    )


@pytest.mark.parametrize("description", LABELLED, ids=[text[:30] for text in LABELLED])
def test_every_flaw_costs_at_least_15_points(description):
    gherkin = render(generate(description))
    good = score(description, gherkin)
    assert points(good) >= GOOD and good["uncovered"] == [], (good, gherkin)
    assert all(
        good["parts"][name]["score"] == 1.0 for name in ("coverage", "structure", "negative", "distinct")
    )
    for flaw, text in variants(description, gherkin).items():
        assert text != gherkin and check(text).ok and check(text).scenarios, (flaw, text)
        flawed = score(description, text)
        assert points(good) - points(flawed) >= GAP, (flaw, points(good), points(flawed), flawed, text)
        if flaw.startswith("dropped"):
            assert flawed["uncovered"] and all(
                u in flawed["parts"]["coverage"]["detail"] for u in flawed["uncovered"]
            )


@pytest.mark.parametrize(("text", "_terms"), CORPUS, ids=[text[:30] for text, _ in CORPUS])
def test_every_rule_engine_story_scores_high(text, _terms):
    description = normalize_description(text)
    result = score(description, render(generate(description)))
    assert points(result) >= GOOD and result["uncovered"] == [], result


def test_the_card_names_what_is_not_covered():
    description = normalize_description(CORPUS[1][0])  # exports: CSV, PDF or XLSX, at most 10,000 rows
    gherkin = render(generate(description))
    result = score(description, drop(gherkin, lambda _block, text: "10,00" in text))
    assert result["uncovered"] == ["limit: Exports limited to 10,000 rows"]
    assert "1 of 3 requirements" not in result["parts"]["coverage"]["detail"]
    assert "2 of 3 requirements covered" in result["parts"]["coverage"]["detail"]
    assert "Coverage: add a scenario for limit: Exports limited to 10,000 rows." in result["hints"]
    unparsed = score(description, "Feature: x\n  this is not gherkin\n")
    assert unparsed["parts"]["coverage"]["score"] == 0.0 and len(unparsed["uncovered"]) == 3


def test_a_description_without_requirements_is_fully_covered():
    description = "Let the team archive old boards."
    result = score(description, render(generate(description)))
    assert result["uncovered"] == [] and result["parts"]["coverage"]["score"] == 1.0
    assert result["parts"]["coverage"]["detail"].startswith("No stated limit")


def test_a_refusal_in_a_then_step_counts_as_negative_without_tags():
    description = normalize_description(CORPUS[1][0])
    gherkin = render(generate(description))
    untagged = "\n".join(line for line in gherkin.splitlines() if not line.strip().startswith("@")) + "\n"
    assert score(description, untagged)["parts"]["negative"]["score"] == 1.0
    refusals = drop(untagged, lambda _block, text: " not exported" in text or "supported" in text)
    assert score(description, refusals)["parts"]["negative"]["score"] == 0.0


def test_the_story_page_shows_the_uncovered_requirements_as_text():
    description = normalize_description(CORPUS[1][0])
    gherkin = drop(render(generate(description)), lambda _block, text: "10,00" in text)
    result = score(description, gherkin)
    story = UserStory(
        project_id=uuid.uuid4(),
        feature_description=description,
        gherkin_output=gherkin,
        story_metadata={"score": result},
        confidence_score=result["total"],
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    shown = summary(story, "Finance")
    assert shown.uncovered == ["limit: Exports limited to 10,000 rows"] == result["uncovered"]
    coverage = next(part for part in shown.parts if part.name == "coverage")
    assert coverage.percent == 10 and "not covered: limit: Exports limited to 10,000 rows" in coverage.detail
    assert shown.score == round(result["total"] * 100) < GOOD


@pytest.mark.parametrize(
    ("step", "covers"),
    [
        ("When I upload a photo of 5 MB", True),
        ("When I upload a photo of 6.5 MB", True),  # another author's value near the limit, in its unit
        ("When I upload a photo of 50 MB", False),  # far from the limit: it does not test the boundary
        ("When I upload a photo of 5 photos", False),  # the number, but not the limit's unit
        ("When I upload a photo up to 5 MB", False),  # restating the limit tests nothing
    ],
)
def test_a_limit_is_covered_by_a_value_at_or_near_it(step, covers):
    description = "Users can upload a profile photo. Files up to 5 MB are accepted."
    (requirement,) = requirements.requirements(description)
    found = requirements.uncovered([requirement], check(one_scenario(step)).scenarios)
    assert found == ([] if covers else [requirement.label])


@pytest.mark.parametrize(("hours", "covers"), [("24 hours", True), ("30 hours", True), ("12 hours", False)])
def test_a_value_inside_a_range_does_not_test_its_ends(hours, covers):
    description = "As a traveller I want to check in online between 24 hours and 1 hour before departure."
    gherkin = one_scenario(f"When I check in online {hours} before departure")
    limits = [r for r in requirements.requirements(description) if r.kind == "limit"]
    assert len(limits) == 1
    assert requirements.uncovered(limits, check(gherkin).scenarios) == ([] if covers else [limits[0].label])
