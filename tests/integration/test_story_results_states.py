"""The story page's CI results card and the Stories page's "Failing" filter, driven in-process as a tab."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from autodevhub.core.db import get_engine
from autodevhub.models import ScenarioResult, StoryScenarioResult, UserStory
from autodevhub.stories.ui.list_state import StoriesState
from autodevhub.stories.ui.results_card import StoryResultsState
from tests.support.state_harness import Tab, World, build_world

LIST, DETAIL = "/stories", "/stories/[story_id]"
HIDDEN_SCENARIO = "Reconcile the classified ledger under the orbital master key"


@pytest.fixture
def world(app_db) -> World:
    built = build_world()
    when = datetime(2026, 11, 1, tzinfo=UTC)
    with Session(get_engine()) as session:
        story = session.get(UserStory, uuid.UUID(built.story_id))
        hidden = session.get(UserStory, uuid.UUID(built.hidden_story_id))
        for sid, pid, name, result, url in (
            (
                story.id,
                story.project_id,
                "Abort below sixty seconds",
                ScenarioResult.passed,
                "https://github.example/r/1",
            ),
            (story.id, story.project_id, "Abort at zero fuel", ScenarioResult.failed, "javascript:alert(1)"),
            (
                hidden.id,
                hidden.project_id,
                HIDDEN_SCENARIO,
                ScenarioResult.failed,
                "https://github.example/r/2",
            ),
        ):
            session.add(
                StoryScenarioResult(
                    story_id=sid,
                    project_id=pid,
                    scenario=name,
                    result=result,
                    github_run_id=77,
                    run_url=url,
                    branch="main",
                    head_sha="abcdef1234567",
                    run_created_at=when,
                )
            )
        session.commit()
    return built


def test_the_card_shows_each_scenario_failing_first_with_its_run(world: World) -> None:
    with Tab(cookie=world.cookies["viewer"]) as tab:
        state = tab.open(DETAIL, story_id=world.story_id).state(StoryResultsState)
        assert state.total == 2 and state.problem == ""
        first, second = state.rows
        assert (first.scenario, first.label, first.tone) == ("Abort at zero fuel", "Failed", "red")
        assert first.run_url == ""  # not an https address: shown as text, never as a link
        assert (second.label, second.run_url, second.run_label) == (
            "Passed",
            "https://github.example/r/1",
            "run 77 · abcdef1",
        )


def test_a_hidden_storys_results_are_never_shown(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        state = tab.open(DETAIL, story_id=world.hidden_story_id).state(StoryResultsState)
        assert state.total == 0 and state.rows == [] and state.problem
        assert HIDDEN_SCENARIO not in json.dumps(tab.deltas, default=str)


def test_the_empty_state_and_a_signed_out_tab(world: World) -> None:
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open(DETAIL, story_id=str(uuid.uuid4()))
        assert tab.state(StoryResultsState).total == 0
    with Tab(cookie="") as tab:
        state = tab.open(DETAIL, story_id=world.story_id).state(StoryResultsState)
        assert state.total == 0 and "Sign in" in state.problem


def test_the_failing_filter(world: World) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        everything = tab.open(LIST).state(StoriesState)
        assert {row.id for row in everything.stories} == {world.story_id, world.hidden_story_id}
        tab.send(StoriesState.filter_results, results="failing")
        state = tab.state(StoriesState)
        assert state.results_filter == "failing" and state.filtered
        assert {row.id for row in state.stories} == {world.story_id, world.hidden_story_id}
        tab.send(StoriesState.filter_results, results={"not": "a value"})  # ignored
        assert tab.state(StoriesState).results_filter == "failing"
        tab.send(StoriesState.clear_filters)
        assert tab.state(StoriesState).results_filter == "all"
    with Tab(cookie=world.cookies["member"]) as tab:
        state = tab.open(LIST).send(StoriesState.filter_results, results="failing").state(StoriesState)
        assert state.results_filter == "failing" and [row.id for row in state.stories] == [world.story_id]
