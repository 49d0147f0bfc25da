"""The story read and generate routes check the bearer token inside their own work (deps.Caller): a token
revoked a moment ago, an unknown one or none is a 401, and nothing is written for it."""

from __future__ import annotations

from autodevhub.auth.tokens import API_TOKEN_PREFIX
from tests.support.helpers import bearer
from tests.support.story_fixtures import story_world_fixture  # noqa: F401 (fixture)


def test_a_revoked_or_unknown_token_reads_and_writes_nothing(story_world) -> None:
    client, story = story_world.client, story_world.generate().json()
    created = client.post("/api/tokens", json={"name": "laptop"}, headers=story_world.headers()).json()
    laptop = created["token"]
    assert client.get(f"/api/stories/{story['id']}", headers=bearer(laptop)).status_code == 200
    revoked = client.delete(f"/api/tokens/{created['id']}", headers=story_world.headers())
    assert revoked.status_code == 204
    for token in (laptop, API_TOKEN_PREFIX + "not-a-token", "not-a-jwt"):
        read = client.get(f"/api/stories/{story['id']}", headers=bearer(token))
        assert (read.status_code, read.json()) == (401, {"detail": "Invalid, expired or revoked token."})
        assert story_world.generate(token=token).status_code == 401
    assert client.get(f"/api/stories/{story['id']}").status_code == 401
    assert story_world.generate(token=" ").status_code == 401
    listed = client.get(f"/api/stories?project_id={story_world.project_id}", headers=story_world.headers())
    assert listed.json()["total"] == 1  # no story generated for a refused token
