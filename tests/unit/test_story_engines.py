"""Both engines on the corpus, the rule engine's shape and speed, normalization, parsing and scoring."""

from __future__ import annotations

import json
import statistics
import time

import pytest

from autodevhub.core.errors import InvalidInput
from autodevhub.core.settings import get_settings
from autodevhub.stories.engine import claude as claude_engine
from autodevhub.stories.engine import scoring
from autodevhub.stories.engine.gherkin import check, render
from autodevhub.stories.engine.normalize import normalize_description
from autodevhub.stories.engine.rules.engine import generate
from autodevhub.stories.engine.similarity import Similar, similarity
from tests.support.fake_anthropic import fake_anthropic_fixture  # noqa: F401 (fixture)
from tests.support.story_corpus import CORPUS

IDS = [text[:30] for text, _ in CORPUS]


def assert_good_story(gherkin: str, terms: list[str]) -> None:
    result = check(gherkin)
    assert result.ok, result.first_error() + "\n" + gherkin
    assert len(result.scenarios) >= 2
    assert all({"Given", "When", "Then"} <= s.types for s in result.scenarios), gherkin
    assert any("@negative" in s.tags for s in result.scenarios), gherkin
    steps = " ".join(
        line.strip()
        for line in gherkin.splitlines()
        if not line.strip().startswith(("Feature", "As ", "I want", "So that"))
    ).lower()
    missing = [term for term in terms if term.lower() not in steps]
    assert not missing, f"{missing} not in the steps of\n{gherkin}"


def test_the_corpus_is_varied():
    assert len(CORPUS) >= 20
    assert sum("As a" in text or "As an" in text for text, _ in CORPUS) >= 8
    assert sum(not text.startswith("As a") for text, _ in CORPUS) >= 8


@pytest.mark.parametrize(("text", "terms"), CORPUS, ids=IDS)
def test_rule_engine_writes_a_real_story(text, terms):
    assert_good_story(render(generate(normalize_description(text))), terms)


@pytest.mark.parametrize(("text", "terms"), CORPUS, ids=IDS)
def test_claude_engine_through_the_sdk(fake_anthropic, text, terms):
    gherkin, _, meta = claude_engine.write_story(normalize_description(text), get_settings())
    assert_good_story(gherkin, terms)
    assert meta["calls"] == 1 and meta["attempts"] == 1 and not meta["repaired"]
    sent = fake_anthropic.requests[-1]["body"]
    assert normalize_description(text) in sent["messages"][0]["content"]
    assert sent["tool_choice"] == {"type": "tool", "name": "write_gherkin"}
    assert sent["stream"] is True


def test_rule_engine_reads_narrative_lists_and_limits():
    gherkin = render(generate(CORPUS[1][0]))
    assert "  As a finance manager\n  I want to export monthly reports as CSV, PDF or XLSX\n" in gherkin
    assert "  So that I can share them with the auditors\n" in gherkin
    assert "Background:\n    Given I am signed in as a finance manager" in gherkin
    assert "Scenario Outline:" in gherkin and "When I export monthly reports as <format>" in gherkin
    assert "| XLSX   |" in gherkin
    assert "Given the export has 10,001 rows" in gherkin and "exports are limited to 10,000 rows" in gherkin


def test_rule_engine_turns_conditions_and_ranges_into_scenarios():
    password = render(generate(CORPUS[0][0]))
    assert "Given the email is not registered" in password and "Then a generic message is shown" in password
    assert "Given the reset link was issued 31 minutes ago" in password
    grades = render(generate(CORPUS[8][0]))
    assert "When I grade assignments with a score of <score> and leave written feedback" in grades
    for row in ("| 0     | accepted |", "| 101   | refused  |", "| -1    | refused  |"):
        assert row in grades


def test_rule_engine_is_deterministic_and_fast():
    texts = [normalize_description(text) for text, _ in CORPUS]
    assert [render(generate(t)) for t in texts] == [render(generate(t)) for t in texts]
    timings = []
    for text in texts * 3:
        started = time.perf_counter()
        check(render(generate(text)))
        timings.append((time.perf_counter() - started) * 1000)
    assert statistics.median(timings) <= 50


@pytest.mark.parametrize(
    "text",
    [
        "a " * 4999,
        "word, " * 1600 + "and end",
        "If " + "a, " * 3000 + "then b",
        'Users can 🚀 | <x> "y" # @z \\ w',
    ],
)
def test_hostile_descriptions_stay_fast_and_valid(text):
    started = time.perf_counter()
    gherkin = render(generate(normalize_description(text[:10_000])))
    assert time.perf_counter() - started < 1.0
    result = check(gherkin)
    assert result.ok and len(result.scenarios) >= 2, gherkin


def test_normalize_limits_and_form():
    assert normalize_description("  Users\r\n\r\n\r\n\tcan   export  ") == "Users\n\ncan export"
    assert len(normalize_description("x" * 10)) == 10
    assert len(normalize_description("x" * 10_000)) == 10_000
    for bad in ("x" * 9, "x" * 10_001, "   short   ", None, 42):
        with pytest.raises(InvalidInput, match="between 10 and 10,000 characters"):
            normalize_description(bad)


def test_parser_errors_carry_line_numbers():
    result = check("Feature: Exports\n  Scenario: ok\n    Given a report\n  this is not gherkin\n")
    assert not result.ok
    assert (result.errors[0].line, result.errors[0].column) == (4, 3)
    assert "got 'this is not gherkin'" in result.errors[0].message
    assert check("").errors[0].message == "no 'Feature:' line found"
    table = check(
        "Feature: F\n  Scenario Outline: o\n    Given <a>\n\n    Examples:\n      | a |\n      | 1 | 2 |\n"
    )
    assert table.errors[0].line == 7 and "inconsistent cell count" in table.errors[0].message


def test_scoring_explains_its_parts():
    text = "Users can export reports fast and easily, etc."
    gherkin = render(generate(text))
    parts, hints = scoring.static_parts(text, gherkin, check(gherkin))
    assert parts["parses"]["score"] == 1.0 and parts["negative"]["score"] == 1.0
    assert parts["clarity"]["score"] < 1.0 and "fast" in parts["clarity"]["detail"]
    assert any(h.startswith("Valuable") for h in hints) and any(h.startswith("Clarity") for h in hints)
    twin = Similar(id=__import__("uuid").uuid4(), similarity=0.95, excerpt=text, status="draft")
    score = scoring.combine(parts, hints, [twin])
    assert score["duplicate_of"] == str(twin.id) and score["parts"]["uniqueness"]["score"] == 0.0
    assert any(h.startswith("Duplicate") for h in score["hints"])
    assert abs(sum(p["weight"] for p in score["parts"].values()) - 1.0) < 1e-9
    broken = scoring.static_parts(
        text, "Feature: x\n  nonsense\n Scenario: y\n", check("Feature: x\n  Scenario: y\n  | a |\n")
    )
    assert json.dumps(broken)


def test_similarity_prefers_the_same_meaning():
    exports = "Users can export monthly reports as CSV"
    assert similarity(exports, "users export their monthly reports in CSV") > 0.5
    assert similarity(exports, "Patients book vaccination appointments online") < 0.1
    assert similarity(exports, exports) == 1.0 and similarity(exports, "the and of") == 0.0
