"""The project settings page and GitHub trust: a member's link needs proof, the token is write-only.

Driven in-process as a browser tab would (state_harness), with the fake GitHub behind the real PyGithub.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import Project
from autodevhub.projects.ui.detail_state import ProjectDetailState
from autodevhub.projects.ui.list_state import NEW_PROJECT_INPUTS, ProjectsState
from tests.support import github_history as history
from tests.support.fake_github_rest import FakeGitHubRest, environment_for
from tests.support.state_harness import SECRETS, Tab, World, build_world

DETAIL = "/settings/projects/[project_id]"
PUSH = "github_pat_owner_can_push_00001"


@pytest.fixture
def world(app_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[World, FakeGitHubRest]]:
    fake = FakeGitHubRest().start()
    environment_for(fake, monkeypatch)
    monkeypatch.setenv("AUTODEVHUB_GITHUB_ALLOWED_OWNERS", "octo")
    get_settings.cache_clear()
    fake.grants = {PUSH: {"admin": False, "push": True, "pull": True}}
    yield build_world(), fake
    fake.stop()


def form(**fields: str) -> dict[str, str]:
    return {"name": SECRETS["project"], "description": "d", "repo": "nasa/apollo", **fields}


def test_the_owner_links_with_their_token_which_the_page_never_shows(world) -> None:
    world, fake = world
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open(DETAIL, project_id=world.project_id)
        assert tab.state(ProjectDetailState).link_note == "Linked by an administrator."

        tab.send(ProjectDetailState.save_project, form_data=form(repo=history.FULL_NAME))
        page = tab.state(ProjectDetailState)
        assert "GitHub token of yours" in page.error and page.repo == "nasa/apollo"
        assert fake.requests == []

        tab.send(ProjectDetailState.save_project, form_data=form(repo=history.FULL_NAME, github_token=PUSH))
        page = tab.state(ProjectDetailState)
        assert (page.error, page.notice, page.repo) == ("", "Project saved.", history.FULL_NAME)
        assert page.token_set and page.token_note.startswith("Set on ")
        assert page.link_note == "Linked with a project GitHub token that can push to it."
        assert fake.tokens == [PUSH]

        tab.send(ProjectDetailState.save_project, form_data=form(repo=history.FULL_NAME, description="e"))
        assert tab.state(ProjectDetailState).notice == "Project saved." and fake.tokens == [PUSH]

        tab.send(ProjectDetailState.remove_github_token)
        page = tab.state(ProjectDetailState)
        assert (page.notice, page.token_set, page.token_note) == ("GitHub token removed.", False, "Not set.")
        assert PUSH not in repr(tab.deltas) and PUSH not in repr(tab.snapshot())
        assert not tab.errors
    with Session(get_engine()) as session:
        assert session.get(Project, uuid.UUID(world.project_id)).github_credential is None


def test_a_member_cannot_change_the_link_or_the_token(world) -> None:
    world, fake = world
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(DETAIL, project_id=world.project_id)
        tab.send(ProjectDetailState.save_project, form_data=form(repo=history.FULL_NAME, github_token=PUSH))
        assert tab.state(ProjectDetailState).error == "Your role in this project does not allow this."
        tab.send(ProjectDetailState.remove_github_token)
        assert tab.state(ProjectDetailState).error == "Your role in this project does not allow this."
    assert fake.requests == []


def test_a_member_creates_a_linked_project_with_their_token_from_the_list(world) -> None:
    world, fake = world
    new = {"name": "Shop", "description": "", "repo": history.FULL_NAME}
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open("/settings").send(ProjectsState.create_project, form_data={**new, "github_token": ""})
        assert "GitHub token of yours" in tab.state(ProjectsState).error and fake.requests == []

        tab.send(ProjectsState.create_project, form_data={**new, "github_token": PUSH})
        state = tab.state(ProjectsState)
        assert (state.error, state.notice) == ("", "Project Shop created.")
        cleared = [event.payload["ref"] for event in tab.frontend_events if event.name == "_set_value"]
        assert cleared == [f"ref_{ref.replace('-', '_')}" for ref in NEW_PROJECT_INPUTS]  # the token's too
        assert fake.tokens == [PUSH] and PUSH not in repr(tab.deltas) and not tab.errors
