"""Similar stories: the project's newest stories, and older ones sharing one of the text's rare words."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session

from autodevhub.core.db import get_engine
from autodevhub.models import UserStory, utcnow
from autodevhub.stories.similar import RECENT, find_similar
from tests.support.story_fixtures import EXPORTS, story_world_fixture  # noqa: F401 (fixture)

UNRELATED = "Patients book vaccination appointment {} online and get a reminder the day before."


@pytest.mark.parametrize("newer", [RECENT - 2, RECENT], ids=["all in the newest", "past the newest"])
def test_an_older_twin_is_found_behind_newer_unrelated_stories(story_world, newer: int) -> None:
    project_id, now = uuid.UUID(story_world.project_id), utcnow()
    twin = UserStory(project_id=project_id, feature_description=EXPORTS, created_at=now - timedelta(days=365))
    twin_id = twin.id
    with Session(get_engine()) as session:
        session.add(twin)
        for i in range(newer):
            text = UNRELATED.format(i)
            session.add(
                UserStory(project_id=project_id, feature_description=text, created_at=now - timedelta(i))
            )
        session.commit()
        found = find_similar(session, project_id, EXPORTS)
        assert [(s.id, s.similarity) for s in found] == [(twin_id, 1.0)]
        assert find_similar(session, project_id, EXPORTS, exclude=twin_id) == []
