"""The stories REST API: generate with its limits and errors, lists, edits, the status workflow, export."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import ProjectRole, UserRole
from autodevhub.stories import queries
from tests.support.helpers import make_token, make_user
from tests.support.story_fixtures import EXPORTS, StoryWorld, make_world, story_world_fixture  # noqa: F401 (fixture)

STORY_KEYS = {
    "id", "project_id", "created_by", "feature_description", "gherkin_output", "status",
    "confidence_score", "metadata", "created_at", "updated_at", "approved_at", "shipped_at",
    "shipped_run_url", "lead_time_seconds",
}  # fmt: skip
BROKEN = "Feature: Exports\n  Scenario: Export\n    Given a report\n  this line is not Gherkin\n"


def member_token(world: StoryWorld, email: str, role: ProjectRole | None, global_role=UserRole.member) -> str:
    user = make_user(email, global_role)
    if role is not None:
        body = {"email": email, "role": role.value}
        added = world.client.post(
            f"/api/projects/{world.project_id}/members", json=body, headers=world.headers()
        )
        assert added.status_code == 201, added.text
    return make_token(user)


@pytest.fixture(params=["app_db", "app_postgres"], ids=["sqlite", "postgres"])
def any_world(request) -> StoryWorld:
    request.getfixturevalue(request.param)
    return make_world()


def test_generate_answers_201_with_the_story(any_world):
    response = any_world.generate()
    assert response.status_code == 201, response.text
    story = response.json()
    assert set(story) == STORY_KEYS
    assert story["status"] == "draft" and story["created_by"] == str(any_world.admin.id)
    assert story["feature_description"] == EXPORTS and story["gherkin_output"].startswith("Feature: ")
    assert 0.0 <= story["confidence_score"] <= 1.0
    meta = story["metadata"]
    assert (
        meta["engine"] == "rules" and meta["engine_reason"] == "no_api_key" and meta["rules"]["version"] == 1
    )
    assert set(meta["score"]["parts"]) == {
        "parses",
        "coverage",
        "structure",
        "negative",
        "distinct",
        "invest",
        "clarity",
        "uniqueness",
    }
    assert meta["score"]["uncovered"] == [] and meta["score"]["parts"]["coverage"]["score"] == 1.0


@pytest.mark.parametrize(("length", "status"), [(9, 422), (10, 201), (10_000, 201), (10_001, 422)])
def test_description_length_limits(story_world, length, status):
    response = story_world.generate("x" * length)
    assert response.status_code == status, response.text
    if status == 422:
        detail = response.json()["detail"]
        assert (
            detail == f"The feature description must be between 10 and 10,000 characters; it has {length:,}."
        )


def test_error_bodies_are_one_sentence(story_world):
    client, headers = story_world.client, story_world.headers()
    missing = client.post(
        "/api/stories/generate", json={"project_id": story_world.project_id}, headers=headers
    )
    assert missing.status_code == 422 and missing.json() == {"detail": "feature_description: Field required"}
    unknown = story_world.generate(project_id="00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404 and unknown.json() == {"detail": "Project not found."}
    assert client.get("/api/stories/00000000-0000-0000-0000-000000000000", headers=headers).json() == {
        "detail": "Story not found."
    }
    anonymous = client.post("/api/stories/generate", json={"project_id": story_world.project_id})
    assert anonymous.status_code == 401 and "detail" in anonymous.json()


def test_story_rate_limit_answers_429_with_retry_after(app_db, monkeypatch):
    monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_STORIES", "2/hour")
    get_settings.cache_clear()
    world = make_world()
    assert [world.generate().status_code for _ in range(2)] == [201, 201]
    limited = world.generate()
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["detail"].startswith("Too many attempts. Try again in")
    other = member_token(world, "other@example.com", ProjectRole.member)
    assert world.generate(token=other).status_code == 201  # per user


def test_who_may_generate_read_and_delete(story_world):
    story = story_world.generate().json()
    viewer = member_token(story_world, "viewer@example.com", ProjectRole.viewer)
    outsider = member_token(story_world, "outsider@example.com", None)
    member = member_token(story_world, "member@example.com", ProjectRole.member)
    client = story_world.client
    assert story_world.generate(token=viewer).status_code == 403
    assert story_world.generate(token=outsider).json() == {
        "detail": "Your role in this project does not allow this."
    }
    assert client.get(f"/api/stories/{story['id']}", headers=story_world.headers(viewer)).status_code == 200
    assert client.get(f"/api/stories/{story['id']}", headers=story_world.headers(outsider)).status_code == 403
    assert client.get("/api/stories", headers=story_world.headers(outsider)).json() == {
        "items": [],
        "total": 0,
    }
    assert (
        client.delete(f"/api/stories/{story['id']}", headers=story_world.headers(member)).status_code == 403
    )
    assert client.delete(f"/api/stories/{story['id']}", headers=story_world.headers()).status_code == 204
    assert client.get(f"/api/stories/{story['id']}", headers=story_world.headers()).status_code == 404


def test_list_filters_sorts_and_pages(any_world):
    client, headers = any_world.client, any_world.headers()
    texts = [
        "Users can upload a profile photo up to 5 MB.",
        "Patients can book a vaccination appointment.",
        EXPORTS,
    ]
    ids = [any_world.generate(text).json()["id"] for text in texts]
    client.patch(f"/api/stories/{ids[0]}", json={"status": "approved"}, headers=headers)
    everything = client.get("/api/stories", headers=headers).json()
    assert everything["total"] == 3 and [s["id"] for s in everything["items"]] == ids[::-1]
    page = client.get(
        f"/api/stories?project_id={any_world.project_id}&limit=1&offset=1&sort=created_at", headers=headers
    )
    assert page.json()["total"] == 3 and [s["id"] for s in page.json()["items"]] == [ids[1]]
    approved = client.get("/api/stories?status=approved", headers=headers).json()
    assert [s["id"] for s in approved["items"]] == [ids[0]]
    found = client.get("/api/stories?q=VACCINATION", headers=headers).json()
    assert [s["id"] for s in found["items"]] == [ids[1]]
    assert client.get("/api/stories?q=100%25", headers=headers).json()["total"] == 0
    assert client.get("/api/stories?status=lost", headers=headers).status_code == 422
    assert client.get("/api/stories?sort=random", headers=headers).json() == {
        "detail": "Sort must be one of created_at, -created_at, updated_at, -updated_at, confidence, "
        "-confidence, status."
    }


def test_status_workflow_and_unparseable_stories(any_world):
    client, headers = any_world.client, any_world.headers()
    story_id = any_world.generate().json()["id"]
    url = f"/api/stories/{story_id}"
    for status in ("approved", "in_progress", "done", "archived", "draft"):
        response = client.patch(url, json={"status": status}, headers=headers)
        assert response.status_code == 200 and response.json()["status"] == status
    jump = client.patch(url, json={"status": "done"}, headers=headers)
    assert jump.status_code == 409 and jump.json() == {"detail": "A story cannot move from draft to done."}
    broken = client.patch(url, json={"gherkin_output": BROKEN}, headers=headers).json()
    assert broken["metadata"]["parse"]["ok"] is False and broken["metadata"]["edited"] is True
    assert broken["metadata"]["parse"]["errors"][0]["line"] == 4
    assert broken["confidence_score"] < 0.7
    refused = client.patch(url, json={"status": "approved"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("An unparseable story cannot be approved: line 4:")
    fixed = BROKEN.replace(
        "  this line is not Gherkin\n", "    When I export it\n    Then I get a CSV file\n"
    )
    approved = client.patch(url, json={"gherkin_output": fixed, "status": "approved"}, headers=headers)
    assert approved.status_code == 200
    assert approved.json()["metadata"]["score"]["uncovered"] == [
        "role: acts as finance manager",
        "values: format CSV, PDF, XLSX",
    ]
    still_valid = client.patch(url, json={"gherkin_output": BROKEN}, headers=headers)
    assert (
        still_valid.status_code == 422 and client.get(url, headers=headers).json()["gherkin_output"] == fixed
    )
    assert client.patch(url, json={"status": "archived"}, headers=headers).json()["status"] == "archived"
    assert client.patch(url, json={"status": "shipped"}, headers=headers).status_code == 422


def test_feature_export_is_plain_text(story_world):
    story = story_world.generate().json()
    response = story_world.client.get(f"/api/stories/{story['id']}/feature", headers=story_world.headers())
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="export-monthly-reports.feature"'
    assert response.text == story["gherkin_output"]


def test_history_and_similar_stories(story_world):
    first = story_world.generate().json()
    story_world.client.patch(
        f"/api/stories/{first['id']}", json={"status": "approved"}, headers=story_world.headers()
    )
    second = story_world.generate(EXPORTS + " Exports are limited to 10,000 rows.").json()
    assert second["metadata"]["similar"][0]["id"] == first["id"]
    assert second["metadata"]["score"]["parts"]["uniqueness"]["score"] < 1.0
    with Session(get_engine()) as session:
        identity = identity_of(story_world.admin)
        history = queries.story_history(session, identity, first["id"])
        assert [entry["action"] for entry in history] == ["story.generate", "story.update"]
        assert history[1]["user"] == "admin@example.com"
        assert (
            history[1]["details"]["status_from"] == "draft"
            and history[1]["details"]["status_to"] == "approved"
        )
        typed = queries.similar_for(
            session, identity, story_world.project_id, "export monthly reports as CSV"
        )
        assert {s["id"] for s in typed} == {first["id"], second["id"]}
        assert queries.similar_for(session, identity, story_world.project_id, "export") == []
