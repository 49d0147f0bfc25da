"""The story cache on real Redis and in-process: keyed by normalized text, project and engine, 1 hour."""

from __future__ import annotations

import uuid

import pytest
import redis
from sqlmodel import Session

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.stories import pipeline, service
from autodevhub.stories.engine import scoring
from tests.support.fake_anthropic import fake_anthropic_fixture  # noqa: F401 (fixture)
from tests.support.story_fixtures import EXPORTS, StoryWorld, story_world_fixture  # noqa: F401 (fixture)


@pytest.fixture(params=["memory", "redis"])
def backend(request, monkeypatch) -> str:
    """The cache backend under test: in-process, or the real Redis of the redis_url fixture."""
    if request.param == "redis":
        monkeypatch.setenv("REDIS_URL", request.getfixturevalue("redis_url"))
        get_settings.cache_clear()
    return request.param


def generate(world: StoryWorld, text: str = EXPORTS, project_id: str | None = None) -> dict:
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world.admin))
        request = service.StoryGenerate.of(project_id or world.project_id, text)
        story = service.generate_story(session, actor, request)
        session.commit()
        return service.story_public(story)


def test_second_generation_is_a_cache_hit_without_a_second_model_call(backend, story_world, fake_anthropic):
    first = generate(story_world)
    second = generate(story_world, "  " + EXPORTS.replace(" ", "   ") + "\n")
    assert len(fake_anthropic.requests) == 1
    assert first["metadata"]["cache"] == {"hit": False}
    hit = second["metadata"]["cache"]
    assert hit["hit"] is True and hit["cached_at"] and len(hit["key"]) == 16
    assert second["gherkin_output"] == first["gherkin_output"] and second["id"] != first["id"]
    assert (
        second["metadata"]["engine"] == "claude"
        and second["metadata"]["claude"] == first["metadata"]["claude"]
    )
    assert second["metadata"]["duplicate_of"] == first["id"]
    assert second["metadata"]["timing"]["total_ms"] < first["metadata"]["timing"]["total_ms"]


def test_the_key_holds_project_and_engine(backend, story_world, fake_anthropic, monkeypatch):
    generate(story_world)
    other = story_world.client.post("/api/projects", json={"name": "Other"}, headers=story_world.headers())
    assert generate(story_world, project_id=other.json()["id"])["metadata"]["cache"]["hit"] is False
    monkeypatch.setenv("ANTHROPIC_MODEL", "claude-opus-5-5")
    get_settings.cache_clear()
    assert generate(story_world)["metadata"]["cache"]["hit"] is False
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    get_settings.cache_clear()
    rules = generate(story_world)["metadata"]
    assert rules["engine"] == "rules" and rules["cache"]["hit"] is False
    assert generate(story_world)["metadata"]["cache"]["hit"] is True
    assert len(fake_anthropic.requests) == 3


def test_a_new_scoring_version_is_not_served_old_scores(story_world, monkeypatch):
    """A cached draft carries its score parts: a changed rubric must score the story afresh."""
    assert generate(story_world)["metadata"]["cache"]["hit"] is False
    assert generate(story_world)["metadata"]["cache"]["hit"] is True
    monkeypatch.setattr(scoring, "VERSION", scoring.VERSION + 1)
    fresh = generate(story_world)["metadata"]
    assert fresh["cache"]["hit"] is False and "coverage" in fresh["score"]["parts"]


def test_redis_keeps_the_entry_for_an_hour(story_world, redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    story = generate(story_world)
    key = pipeline.cache_key(pipeline.engine_id(get_settings()), uuid.UUID(story["project_id"]), EXPORTS)
    ttl = redis.Redis.from_url(redis_url).pttl("autodevhub:" + key)
    assert 3_590_000 < ttl <= 3_600_000
    assert key.endswith(generate(story_world)["metadata"]["cache"]["key"])


def test_regenerate_asks_the_engine_again_and_replaces_the_story(story_world, fake_anthropic):
    story = generate(story_world)
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(story_world.admin))
        service.update_story(session, actor, story["id"], service.StoryUpdate(status="approved"))
        fresh = service.regenerate_story(
            session, actor, story["id"], description=EXPORTS + " Exports are limited to 100 rows."
        )
        session.commit()
        assert fresh.status.value == "draft" and fresh.id == uuid.UUID(story["id"])
        assert fresh.story_metadata["cache"] == {"hit": False} and "100 rows" in fresh.gherkin_output
    assert len(fake_anthropic.requests) == 2


def test_a_cache_outage_costs_only_the_cache(story_world, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    first, second = generate(story_world), generate(story_world)
    assert first["metadata"]["parse"]["ok"] and second["metadata"]["cache"]["hit"] is False
