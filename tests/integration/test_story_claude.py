"""The Claude engine through the real SDK and the fake Messages API: success, repair, retries, fallbacks."""

from __future__ import annotations

import json
import time

import pytest
from sqlmodel import Session

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.stories import service
from tests.support.fake_anthropic import Reply, fake_anthropic_fixture  # noqa: F401 (fixture)
from tests.support.story_fixtures import EXPORTS, StoryWorld, story_world_fixture  # noqa: F401 (fixture)

UNEVEN = {
    "feature": "Exports",
    "as_a": "finance manager",
    "i_want": "to export monthly reports",
    "scenarios": [
        {
            "name": "Each format",
            "kind": "happy",
            "steps": [
                {"keyword": "When", "text": "I export as <format>"},
                {"keyword": "Then", "text": "done"},
            ],
            "examples": {"header": ["format"], "rows": [["CSV", "PDF"]]},
        },
        {"name": "Too big", "kind": "negative", "steps": [{"keyword": "Then", "text": "it is refused"}]},
    ],
}
OVERLOADED = Reply.error(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "5"})


def generate(world: StoryWorld, text: str = EXPORTS, progress=None) -> dict:
    with Session(get_engine()) as session:
        request = service.StoryGenerate.of(world.project_id, text)
        story = service.generate_story(
            session, Actor.of(identity_of(world.admin)), request, progress=progress
        )
        session.commit()
        return service.story_public(story)


def configure(monkeypatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_claude_story_records_model_tokens_cost_and_duration(story_world, fake_anthropic):
    story = generate(story_world)
    meta = story["metadata"]
    assert meta["engine"] == "claude" and meta["engine_reason"] == "api_key" and "fallback" not in meta
    claude = meta["claude"]
    assert claude["model"] == "claude-sonnet-5-5"
    assert claude["input_tokens"] > 0 and claude["output_tokens"] > 0
    assert claude["cost_usd"] == pytest.approx(
        (claude["input_tokens"] * 2 + claude["output_tokens"] * 10) / 1e6
    )
    assert claude["duration_ms"] > 0 and claude["attempts"] == 1 and claude["repaired"] is False
    assert meta["parse"]["ok"] and story["gherkin_output"].startswith("Feature: Export monthly reports")
    body = fake_anthropic.requests[0]["body"]
    assert body["model"] == "claude-sonnet-5-5" and body["tools"][0]["name"] == "write_gherkin"
    assert EXPORTS in body["messages"][0]["content"]


def test_the_model_is_a_setting(story_world, fake_anthropic, monkeypatch):
    configure(monkeypatch, ANTHROPIC_MODEL="claude-haiku-4-5")
    claude = generate(story_world)["metadata"]["claude"]
    assert fake_anthropic.requests[0]["body"]["model"] == "claude-haiku-4-5" == claude["model"]
    assert claude["cost_usd"] == pytest.approx(
        (claude["input_tokens"] * 1 + claude["output_tokens"] * 5) / 1e6
    )


def test_unparseable_answer_gets_one_repair_round_with_the_parser_error(story_world, fake_anthropic):
    fake_anthropic.queue(Reply(tool_input=UNEVEN))
    story = generate(story_world)
    assert story["metadata"]["engine"] == "claude" and story["metadata"]["claude"]["repaired"] is True
    assert story["metadata"]["claude"]["calls"] == 2
    repair = fake_anthropic.requests[1]["body"]["messages"]
    assert [m["role"] for m in repair] == ["user", "assistant", "user"]
    assert repair[1]["content"][0]["type"] == "tool_use"
    result = repair[2]["content"][0]
    assert (
        result["type"] == "tool_result"
        and result["is_error"] is True
        and result["tool_use_id"] == "toolu_fake"
    )
    assert "line 12, column 7: inconsistent cell count" in result["content"]
    assert " 12 |       | CSV    | PDF |" in result["content"]


def test_an_answer_off_the_schema_is_repaired_too(story_world, fake_anthropic):
    fake_anthropic.queue(
        Reply(tool_input={"feature": "Exports", "scenarios": [{"name": "x", "steps": "none"}]})
    )
    story = generate(story_world)
    assert story["metadata"]["claude"]["repaired"] is True
    note = fake_anthropic.requests[1]["body"]["messages"][2]["content"][0]["content"]
    assert "scenarios[0].kind" in note or "scenarios[0].steps" in note


def test_a_second_bad_answer_falls_back_to_rules(story_world, fake_anthropic):
    fake_anthropic.queue(Reply(tool_input=UNEVEN), Reply(tool_input=UNEVEN))
    meta = generate(story_world)["metadata"]
    assert meta["engine"] == "rules" and meta["engine_reason"] == "fallback"
    assert meta["fallback"]["reason"] == "invalid_output"
    assert meta["claude"]["calls"] == 2 and meta["claude"]["input_tokens"] > 0
    assert len(fake_anthropic.requests) == 2 and meta["parse"]["ok"]


def test_overloaded_is_retried_by_the_sdk_then_falls_back(story_world, fake_anthropic):
    fake_anthropic.queue(OVERLOADED, OVERLOADED, OVERLOADED)
    story = generate(story_world)
    meta = story["metadata"]
    assert meta["engine"] == "rules" and meta["fallback"]["reason"] == "overloaded"
    assert meta["fallback"]["status"] == 529 and "overloaded" in meta["fallback"]["message"]
    retries = [r["headers"]["x-stainless-retry-count"] for r in fake_anthropic.requests]
    assert retries == ["0", "1", "2"] and meta["claude"]["attempts"] == 3
    assert story["feature_description"] == EXPORTS and story["gherkin_output"].startswith("Feature:")


def test_one_overload_then_success_stays_with_claude(story_world, fake_anthropic):
    fake_anthropic.queue(OVERLOADED)
    meta = generate(story_world)["metadata"]
    assert meta["engine"] == "claude" and meta["claude"]["attempts"] == 2


def test_slow_answer_times_out_and_falls_back(story_world, fake_anthropic, monkeypatch):
    configure(monkeypatch, ANTHROPIC_TIMEOUT="0.3", ANTHROPIC_MAX_RETRIES="1")
    fake_anthropic.delay = 2.0
    started = time.monotonic()
    meta = generate(story_world)["metadata"]
    assert time.monotonic() - started < 2.0
    assert meta["engine"] == "rules" and meta["fallback"]["reason"] == "timeout"
    assert meta["claude"]["attempts"] >= 1


def test_a_refused_key_falls_back_without_retrying(story_world, fake_anthropic, monkeypatch):
    configure(monkeypatch, ANTHROPIC_API_KEY="sk-ant-wrong")
    meta = generate(story_world)["metadata"]
    assert meta["fallback"]["reason"] == "auth" and meta["fallback"]["status"] == 401
    assert len(fake_anthropic.requests) == 1 and "ANTHROPIC_API_KEY" in meta["fallback"]["message"]


def test_a_spend_limit_429_is_not_retried(story_world, fake_anthropic):
    details = {"error_code": "enforced_spend_limit_reached"}
    fake_anthropic.queue(Reply.error(429, "rate_limit_error", "Monthly usage cap reached.", details=details))
    meta = generate(story_world)["metadata"]
    assert meta["fallback"]["reason"] == "spend_limit" and len(fake_anthropic.requests) == 1


def test_an_ordinary_429_is_retried_but_not_a_long_wait(story_world, fake_anthropic):
    fake_anthropic.queue(
        Reply.error(429, "rate_limit_error", "Rate limited", headers={"retry-after-ms": "5"})
    )
    assert generate(story_world)["metadata"]["claude"]["attempts"] == 2
    fake_anthropic.queue(
        Reply.error(429, "rate_limit_error", "Rate limited", headers={"retry-after": "3600"})
    )
    started = time.monotonic()
    meta = generate(story_world, "Users can import contacts from a CSV file.")["metadata"]
    assert meta["fallback"]["reason"] == "rate_limited" and time.monotonic() - started < 5


def test_a_refusal_falls_back(story_world, fake_anthropic):
    fake_anthropic.queue(Reply(refusal="I can't help with that."))
    meta = generate(story_world)["metadata"]
    assert meta["fallback"]["reason"] == "refused" and meta["parse"]["ok"]


def test_progress_reports_stages_and_streams_claude_json(story_world, fake_anthropic):
    events: list[tuple[str, str]] = []
    generate(story_world, progress=lambda event, detail: events.append((event, detail)))
    stages = [detail for event, detail in events if event == "stage"]
    assert stages == ["cache", "claude", "score", "save"]
    streamed = "".join(detail for event, detail in events if event == "delta")
    assert json.loads(streamed)["feature"] == "Export monthly reports"
    assert sum(event == "delta" for event, _ in events) > 1


def test_a_fallback_is_not_cached(story_world, fake_anthropic):
    fake_anthropic.queue(OVERLOADED, OVERLOADED, OVERLOADED)
    assert generate(story_world)["metadata"]["engine"] == "rules"
    again = generate(story_world)["metadata"]
    assert again["engine"] == "claude" and again["cache"]["hit"] is False
    assert generate(story_world)["metadata"]["cache"]["hit"] is True
    assert len(fake_anthropic.requests) == 4
