"""The story pages' states (generator, list, detail), driven in-process as a real browser tab drives them."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import StoryStatus, UserStory
from autodevhub.stories import service
from autodevhub.stories.ui.detail_state import StoryDetailState
from autodevhub.stories.ui.generator_state import FAILED, StoryGeneratorState
from autodevhub.stories.ui.list_state import StoriesState
from tests.support.fake_anthropic import Reply, fake_anthropic_fixture  # noqa: F401 (fixture)
from tests.support.state_harness import SECRETS, Tab, World, build_world

NEW, LIST, DETAIL = "/stories/new", "/stories", "/stories/[story_id]"
EXPORTS = "As a shop manager I want to export last month's orders as a CSV file so that I can reconcile them."
DRAFT_VAR = f"{StoryGeneratorState.get_full_name()}.draft"
BROKEN_LINE = "    Thn the shop has orders"


@pytest.fixture
def world(app_db) -> World:
    return build_world()


def stories(*where) -> list[UserStory]:
    with Session(get_engine()) as session:
        return list(session.exec(select(UserStory).where(*where)).all())


def shown(tab: Tab) -> str:
    """Everything the server sent the tab so far, as text."""
    return json.dumps(tab.deltas, ensure_ascii=False, default=str)


def generate(tab: Tab, text: str, project_id: str) -> StoryGeneratorState:
    form = {"feature_description": text, "project_id": project_id}
    return tab.send(StoryGeneratorState.generate, form_data=form).state(StoryGeneratorState)


def test_a_member_generates_saves_and_starts_afresh(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        state = tab.open(NEW).state(StoryGeneratorState)
        assert [p.name for p in state.projects] == [SECRETS["project"]]
        assert (state.project_id, state.can_write, state.length_ok) == (world.project_id, True, False)
        tab.send(StoryGeneratorState.edit_description, text=f"  {EXPORTS}  ")
        state = tab.state(StoryGeneratorState)
        assert (state.length, state.counter, state.length_ok) == (
            len(EXPORTS),
            f"{len(EXPORTS)} / 10,000",
            True,
        )
        kept = json.loads(state.draft)
        assert (kept["project"], kept["text"].strip()) == (world.project_id, EXPORTS)

        state = generate(tab, EXPORTS, world.project_id)
        result = state.result
        assert not state.error and not state.generating and state.stages == []
        assert (
            result.title.startswith("Export") and result.status == "draft" and result.engine == "Rule engine"
        )
        assert "no Anthropic API key" in result.engine_text and "Feature:" in result.gherkin
        assert [p.name for p in result.parts] == [
            "parses",
            "coverage",
            "structure",
            "negative",
            "distinct",
            "invest",
            "clarity",
            "uniqueness",
        ]
        assert result.uncovered == [] and "requirements covered" in result.parts[1].detail
        assert 0 < result.score <= 100 and result.parses
        assert "Checking cache…" in shown(tab) and "Writing with the rule engine…" in shown(tab)
        (story,) = stories(UserStory.feature_description == EXPORTS)
        assert str(story.id) == result.story_id and story.status is StoryStatus.draft

        tab.send(StoryGeneratorState.save_result)
        state = tab.state(StoryGeneratorState)
        assert state.notice == f"“{result.title}” is saved as a draft."
        assert state.notice_href == f"/stories/{story.id}"
        assert (state.result.story_id, state.description, json.loads(state.draft)["text"]) == ("", "", "")
        assert not tab.errors


def test_the_description_survives_a_reload_for_its_owner_only(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(NEW).send(StoryGeneratorState.edit_description, text=EXPORTS)
        kept = tab.state(StoryGeneratorState).draft
    with Tab(cookie=world.cookies["member"]) as tab:
        state = tab.open(NEW, storage={DRAFT_VAR: kept}).state(StoryGeneratorState)
        assert (state.description, state.project_id, state.editor_key > 0) == (
            EXPORTS,
            world.project_id,
            True,
        )
    for storage in (kept, "not json", json.dumps(["a"]), json.dumps({"owner": 1, "text": 5})):
        with Tab(cookie=world.cookies["owner"]) as tab:  # another account on the same browser
            state = tab.open(NEW, storage={DRAFT_VAR: storage}).state(StoryGeneratorState)
            assert (state.description, state.loaded) == ("", True) and not tab.errors


def test_limits_and_refusals_keep_the_description(world: World, monkeypatch) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(NEW).send(StoryGeneratorState.edit_description, text="too short")
        state = generate(tab, "too short", world.project_id)
        assert state.error == "The feature description must be between 10 and 10,000 characters; it has 9."
        assert (state.description, state.result.story_id, state.length_ok) == ("too short", "", False)
        state = generate(tab, EXPORTS, world.hidden_project_id)
        assert state.error == "Your role in this project does not allow this."
        assert state.description == EXPORTS

        monkeypatch.setenv("AUTODEVHUB_RATE_LIMIT_STORIES", "1/hour")
        get_settings.cache_clear()
        assert not generate(tab, EXPORTS, world.project_id).error
        state = generate(tab, EXPORTS + " Twice.", world.project_id)
        assert state.error.startswith("Too many attempts. Try again in ") and state.error.endswith(
            " seconds."
        )
        assert state.description == EXPORTS + " Twice."
        assert not tab.errors
    assert len(stories(UserStory.feature_description.startswith("As a shop manager"))) == 1


def test_regenerate_replaces_and_discard_archives(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(NEW).send(StoryGeneratorState.edit_description, text=EXPORTS)
        first = generate(tab, EXPORTS, world.project_id).result
        changed = EXPORTS.replace("a CSV file", "a PDF or XLSX file")
        tab.send(StoryGeneratorState.edit_description, text=changed)
        tab.send(StoryGeneratorState.regenerate, story_id=first.story_id)
        second = tab.state(StoryGeneratorState).result
        assert second.story_id == first.story_id and second.description == changed
        assert second.gherkin != first.gherkin
        tab.send(StoryGeneratorState.discard, story_id=second.story_id)
        state = tab.state(StoryGeneratorState)
        assert state.result.story_id == "" and state.description == changed
        assert not tab.errors
    (story,) = stories(UserStory.id == uuid.UUID(first.story_id))
    assert story.status is StoryStatus.archived and story.feature_description == changed


def test_the_similar_stories_show_as_the_user_types(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(NEW).send(StoryGeneratorState.edit_description, text=SECRETS["story"] + " quickly")
        (similar,) = tab.state(StoryGeneratorState).similar
        assert similar.href == f"/stories/{world.story_id}" and similar.similarity.endswith("% similar")
        tab.send(StoryGeneratorState.choose_project, project_id=world.hidden_project_id)
        state = tab.state(StoryGeneratorState)
        assert state.error == "Your role in this project does not allow this."
        assert state.project_id == world.project_id


def test_claude_streams_its_answer_and_a_failure_falls_back(world: World, fake_anthropic) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        state = tab.open(NEW).state(StoryGeneratorState)
        state = generate(tab, EXPORTS, world.project_id)
        assert state.result.engine.startswith("Claude · ") and "Writing with Claude…" in shown(tab)
        assert '\\"feature\\"' in shown(tab)  # the streamed tool input, as JSON text
        overloaded = Reply.error(529, "overloaded_error", "Overloaded")
        fake_anthropic.queue(overloaded, overloaded, overloaded)
        state = generate(tab, EXPORTS + " Also for refunds.", world.project_id)
        assert state.result.engine_failed and "overloaded" in state.result.engine_text
        assert "the rule engine wrote this story" in shown(tab)
        assert not tab.errors


def test_an_internal_error_frees_the_form_and_keeps_the_text(world: World, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(service, "generate_story", broken)
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(NEW).send(StoryGeneratorState.edit_description, text=EXPORTS)
        state = generate(tab, EXPORTS, world.project_id)
        assert (state.error, state.generating, state.description) == (FAILED, False, EXPORTS)
        assert not tab.errors


def test_a_viewer_browses_but_cannot_generate(world: World) -> None:
    with Tab(cookie=world.cookies["viewer"]) as tab:
        state = tab.open(NEW).state(StoryGeneratorState)
        assert [p.can_write for p in state.projects] == [False] and not state.can_write
        state = generate(tab, EXPORTS, world.project_id)
        assert state.error == "Your role in this project does not allow this."
        tab.send(StoryGeneratorState.discard, story_id=world.story_id)
        assert tab.state(StoryGeneratorState).error == "Your role in this project does not allow this."
        state = tab.open(LIST).state(StoriesState)
        assert [row.id for row in state.stories] == [world.story_id]
    assert stories(UserStory.feature_description == EXPORTS) == []


def test_the_list_filters_sorts_and_pages(world: World) -> None:
    with Session(get_engine()) as session:
        for number in range(25):
            gherkin = f"Feature: Report {number:02}\n  Scenario: s\n    Given a\n    When b\n    Then c\n"
            session.add(
                UserStory(
                    project_id=uuid.UUID(world.project_id),
                    feature_description=f"Monthly report number {number}",
                    gherkin_output=gherkin,
                    confidence_score=number / 100,
                    status=StoryStatus.done if number % 5 == 0 else StoryStatus.draft,
                )
            )
        session.commit()
    with Tab(cookie=world.cookies["admin"]) as tab:
        state = tab.open(LIST).state(StoriesState)
        assert (state.total, state.page_label, len(state.stories)) == (27, "1 to 20 of 27", 20)
        assert {p.name for p in state.projects} == {SECRETS["project"], SECRETS["hidden_project"]}
        assert tab.send(StoriesState.next_page).state(StoriesState).page_label == "21 to 27 of 27"
        state = tab.send(StoriesState.filter_project, project_id=world.hidden_project_id).state(StoriesState)
        assert [row.id for row in state.stories] == [world.hidden_story_id]
        assert state.stories[0].project == SECRETS["hidden_project"] and state.filtered
        tab.send(StoriesState.filter_project, project_id="all")
        state = tab.send(StoriesState.filter_status, status="done").state(StoriesState)
        assert state.total == 5 and {row.status_label for row in state.stories} == {"Done"}
        state = tab.send(StoriesState.sort_by, sort="score").state(StoriesState)
        assert [row.title for row in state.stories][:2] == ["Report 20", "Report 15"]
        assert state.stories[0].score == "20%" and state.stories[0].tone == "red"
        tab.send(StoriesState.filter_status, status="all")
        state = tab.send(StoriesState.search, form_data={"q": "REPORT NUMBER 1"}).state(StoriesState)
        assert state.total == 11 and state.query == "REPORT NUMBER 1"
        state = tab.send(StoriesState.filter_status, status="bogus").state(StoriesState)
        assert state.total == 11 and state.status_filter == "all"
        state = tab.send(StoriesState.clear_filters).state(StoriesState)
        assert (state.total, state.filtered, state.sort) == (27, False, "score")
        assert not tab.errors
    with Tab(cookie=world.cookies["member"]) as tab:
        state = tab.open(LIST).state(StoriesState)
        assert state.total == 26 and world.hidden_story_id not in {row.id for row in state.stories}
        tab.send(StoriesState.filter_project, project_id=world.hidden_project_id)
        state = tab.state(StoriesState)
        assert state.error == "Your role in this project does not allow this." and state.total == 26


def test_edit_with_a_parse_error_then_the_status_workflow(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        state = tab.open(DETAIL, story_id=world.story_id).state(StoryDetailState)
        assert state.found and state.can_write and not state.can_delete and not state.dirty
        assert [move.label for move in state.moves] == ["Approve", "Archive"]
        lines = state.editor_text.split("\n")
        at = next(i for i, line in enumerate(lines) if line.strip().startswith("Then"))
        broken = "\n".join([*lines[:at], BROKEN_LINE, *lines[at + 1 :]])
        state = tab.send(StoryDetailState.check_gherkin, text=broken).state(StoryDetailState)
        (problem,) = state.problems
        assert problem.line == at + 1 and problem.label.startswith(f"line {at + 1}: unexpected “Thn the shop")
        assert [line.number for line in state.lines if line.error] == [at + 1] and state.dirty

        state = tab.send(StoryDetailState.save_gherkin, form_data={"gherkin": broken}).state(StoryDetailState)
        assert state.notice.startswith("Saved.") and not state.story.parses and not state.dirty
        assert [(m.label, m.allowed) for m in state.moves] == [("Approve", False), ("Archive", True)]
        state = tab.send(StoryDetailState.change_status, status="approved").state(StoryDetailState)
        assert state.error.startswith(f"An unparseable story cannot be approved: line {at + 1}:")

        fixed = broken.replace(BROKEN_LINE, "    Then the shop has orders")
        tab.send(StoryDetailState.save_gherkin, form_data={"gherkin": fixed})
        state = tab.send(StoryDetailState.change_status, status="approved").state(StoryDetailState)
        assert (state.error, state.notice, state.story.status) == ("", "Moved to Approved.", "approved")
        assert [move.label for move in state.moves] == ["Start work", "Back to draft", "Archive"]
        state = tab.send(StoryDetailState.change_status, status="done").state(StoryDetailState)
        assert state.error == "A story cannot move from approved to done."

        key = tab.send(StoryDetailState.check_gherkin, text=broken).state(StoryDetailState).editor_key
        state = tab.send(StoryDetailState.save_gherkin, form_data={"gherkin": broken}).state(StoryDetailState)
        assert state.error.startswith("An unparseable story cannot be approved")  # it must keep parsing
        assert (state.editor_text, state.dirty, state.editor_key) == (broken, True, key)  # the edit stays
        state = tab.send(StoryDetailState.change_status, status="in_progress").state(StoryDetailState)
        assert state.error == "Save or revert your edits before changing the status."
        state = tab.send(StoryDetailState.revert_edits).state(StoryDetailState)
        assert (state.editor_text, state.dirty, state.problems) == (fixed, False, [])

        tab.send(StoryDetailState.download_feature)
        (download,) = [event for event in tab.frontend_events if event.name == "_download"]
        assert download.payload["filename"].endswith(".feature")
        what = [entry.what for entry in tab.state(StoryDetailState).history]
        assert what[0].startswith("Moved from Draft to Approved · score ")
        assert what[1].startswith("Edited the Gherkin · score ") and len(what) == 4
        assert what[-1].startswith("Generated by the rule engine · score ")
        assert not tab.errors


@pytest.mark.parametrize(
    ("story", "problem"),
    [
        ("not-a-uuid", "Story not found."),
        ("00000000-0000-4000-8000-000000000000", "Story not found."),
        ("hidden", "Your role in this project does not allow this."),
    ],
)
def test_bad_or_foreign_story_ids_show_a_message(world: World, story: str, problem: str) -> None:
    story_id = world.hidden_story_id if story == "hidden" else story
    with Tab(cookie=world.cookies["owner"]) as tab:
        state = tab.open(DETAIL, story_id=story_id).state(StoryDetailState)
        assert (state.found, state.problem, state.story.gherkin, state.history) == (False, problem, "", [])
        tab.send(StoryDetailState.check_gherkin, text="Feature: x")
        assert tab.state(StoryDetailState).editor_text == "" and not tab.errors


def test_a_viewer_reads_and_only_maintainers_delete(world: World) -> None:
    with Tab(cookie=world.cookies["viewer"]) as tab:
        state = tab.open(DETAIL, story_id=world.story_id).state(StoryDetailState)
        assert state.found and not (state.can_write or state.can_delete)
        tab.send(StoryDetailState.change_status, status="archived")
        assert tab.state(StoryDetailState).error == "Your role in this project does not allow this."
        tab.send(StoryDetailState.save_gherkin, form_data={"gherkin": "Feature: mine\n"})
        assert tab.state(StoryDetailState).error == "Your role in this project does not allow this."
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(DETAIL, story_id=world.story_id).send(StoryDetailState.delete_story)
        assert tab.state(StoryDetailState).error == "Your role in this project does not allow this."
    assert stories(UserStory.id == uuid.UUID(world.story_id))
    with Tab(cookie=world.cookies["owner"]) as tab:
        state = tab.open(DETAIL, story_id=world.story_id).state(StoryDetailState)
        assert state.can_delete
        tab.send(StoryDetailState.delete_story)
        assert [event.payload.get("path") for event in tab.frontend_events if event.name == "_redirect"] == [
            "/stories"
        ]
    assert stories(UserStory.id == uuid.UUID(world.story_id)) == []
