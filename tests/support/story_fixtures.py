"""Shared set-up for the story tests: an admin with an API token and a project, made through the real API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from autodevhub.models import User, UserRole
from tests.support.helpers import api_client, bearer, make_token, make_user

EXPORTS = (
    "As a finance manager I want to export monthly reports as CSV, PDF or XLSX so that I can share them."
)


@dataclass
class StoryWorld:
    client: TestClient
    admin: User
    token: str
    project_id: str

    def generate(self, text: str = EXPORTS, token: str | None = None, project_id: str | None = None) -> Any:
        body = {"project_id": project_id or self.project_id, "feature_description": text}
        return self.client.post("/api/stories/generate", json=body, headers=bearer(token or self.token))

    def headers(self, token: str | None = None) -> dict[str, str]:
        return bearer(token or self.token)


def make_world(project: str = "Shop") -> StoryWorld:
    admin = make_user("admin@example.com", UserRole.admin)
    token = make_token(admin)
    client = api_client()
    response = client.post("/api/projects", json={"name": project}, headers=bearer(token))
    assert response.status_code == 201, response.text
    return StoryWorld(client, admin, token, response.json()["id"])


@pytest.fixture(name="story_world")
def story_world_fixture(app_db) -> StoryWorld:
    """An admin, their token and a project on the default SQLite database."""
    return make_world()
