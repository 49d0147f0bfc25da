"""The home page and project overview states, driven in-process as a browser tab would."""

from __future__ import annotations

import itertools
import uuid
from urllib.parse import urlencode

import pytest
from sqlmodel import Session

from autodevhub.auth.sessions import identity_of, start_session
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.dashboard.ui import overview_state
from autodevhub.dashboard.ui.home_state import HomeState
from autodevhub.dashboard.ui.overview_state import OverviewState
from autodevhub.documentation.service import generate_from_directory
from autodevhub.documentation.ui.docs_state import DocsState
from autodevhub.models import SessionKind, User
from autodevhub.stories.ui.list_state import StoriesState
from autodevhub.ui import live
from autodevhub.workflows.demo import seed as demo
from autodevhub.workflows.github import store
from autodevhub.workflows.ui.workflows_state import WorkflowsState
from tests.support.helpers import make_user
from tests.support.sign_out_race import sign_out_during_read
from tests.support.state_harness import HYDRATE, SECRETS, Tab, World, build_world, cookie_for

OVERVIEW = "/projects/[project_id]"


@pytest.fixture
def world(app_db) -> World:
    return build_world()


@pytest.fixture
def demo_id(world: World) -> str:
    with Session(get_engine(), expire_on_commit=False) as session:
        result = demo.load(session)
        session.commit()
    return result.project_id


def open_link(tab: Tab, route: str, **query: str) -> Tab:
    """Follow a link with a query string (Tab.open's params fill route segments, not the URL's query)."""
    tab.route, tab.query, tab.path = route, dict(query), f"{route}?{urlencode(query)}"
    tab._dispatch(HYDRATE, {})
    return tab


def newcomer_cookie() -> str:
    user = make_user("newcomer@example.test")
    with Session(get_engine()) as session:
        _, raw = start_session(session, Actor.of(None, None, "harness"), user, SessionKind.web)
        session.commit()
    return cookie_for(raw)


def test_home_shows_a_card_per_readable_project(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open("/")
        home = tab.state(HomeState)
        assert home.loaded and home.error == "" and [c.name for c in home.cards] == [SECRETS["project"]]
        card = home.cards[0]
        assert card.href == f"/projects/{world.project_id}" and card.ci_rate == "\u2013"
        assert [t.label for t in card.stories] == ["Draft", "Approved", "In progress", "Done"]
        assert card.stories[0].value == "1"  # the member's generated story
        assert card.stories[0].href == f"/stories?project={world.project_id}&status=draft"
        assert SECRETS["hidden_project"] not in str(tab.snapshot())
    with Tab(cookie=world.cookies["admin"]) as tab:
        tab.open("/")
        assert [c.name for c in tab.state(HomeState).cards] == [SECRETS["project"], SECRETS["hidden_project"]]


def test_cards_read_before_a_sign_in_change_are_not_shown_after_it(app_postgres) -> None:
    """The cards are read outside the state lock: if the tab signs out meanwhile (its states reset), the
    first user's cards are dropped, not shown (PostgreSQL: a table lock holds the read until then)."""
    world = build_world()
    with Tab(cookie=world.cookies["member"]) as tab:
        sign_out_during_read(tab, "/stories", HomeState.load_home, "user_stories")
        assert tab.state(HomeState).cards == [] and not tab.errors


def test_a_user_without_projects_sees_getting_started(world: World) -> None:
    with Tab(cookie=newcomer_cookie()) as tab:
        tab.open("/")
        home = tab.state(HomeState)
        assert home.loaded and home.total == 0 and home.cards == []


def test_anonymous_visitors_go_to_sign_in(world: World) -> None:
    with Tab() as tab:
        tab.open("/")
        assert [e.payload.get("path") for e in tab.frontend_events if "path" in e.payload] == [
            "/login?next=/"
        ]
        assert not tab.state(HomeState).loaded and tab.state(HomeState).cards == []


def test_the_overview_shows_the_workflows_pages_numbers(world: World, demo_id: str) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        tab.open(OVERVIEW, project_id=demo_id)
        page = tab.state(OverviewState)
        assert page.loaded and not page.loading and page.error == "" and page.name == demo.PROJECT_NAME
        assert [t.label for t in page.kpis] == ["Runs", "Success rate", "Median duration", "Queue time"]
        assert len(page.dora) == 5 and len(page.runs) == 10 and page.runs_total > 10
        hrefs = {t.label: t.href for t in page.kpis}
        assert hrefs.pop("Success rate") == f"/workflows?project={demo_id}&status=failure"
        assert set(hrefs.values()) == {f"/workflows?project={demo_id}"}
        tiles = {t.label: t.value for t in page.kpis}
        open_link(
            tab, "/workflows", project=demo_id
        )  # the tile's link: the Workflows page opens on this project
        workflows = tab.state(WorkflowsState)
        assert workflows.project_id == demo_id
        shown = {k.label: k.value for k in workflows.kpis}
        assert {label: shown[label] for label in tiles} == tiles
        assert [d.value for d in workflows.dora] == [d.value for d in page.dora]


def test_the_success_rate_tile_opens_the_failed_runs(world: World, demo_id: str) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        open_link(tab, "/workflows", project=demo_id, status="failure")
        workflows = tab.state(WorkflowsState)
        assert (workflows.project_id, workflows.outcome_filter) == (demo_id, "failure")
        assert workflows.filtered and workflows.runs and {run.label for run in workflows.runs} == {"Failure"}
        failed = workflows.total
        tab.send(WorkflowsState.filter_outcome, outcome="all")
        assert tab.state(WorkflowsState).total > failed
        tab.send(WorkflowsState.filter_outcome, outcome={"$ne": None})  # any JSON may arrive
        assert tab.state(WorkflowsState).outcome_filter == "" and not tab.errors
        open_link(tab, "/workflows", project=demo_id, status="pwned")
        assert tab.state(WorkflowsState).outcome_filter == ""


def test_a_tile_opens_the_stories_list_filtered(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        open_link(tab, "/stories", project=world.project_id, status="draft")
        stories = tab.state(StoriesState)
        assert (stories.project_filter, stories.status_filter, stories.total) == (
            world.project_id,
            "draft",
            1,
        )
        open_link(tab, "/stories", project=world.project_id, status="pwned")
        assert tab.state(StoriesState).status_filter == "all"


@pytest.mark.parametrize("project", ["hidden", "missing", "garbage"])
def test_a_project_the_member_cannot_see_is_refused(world: World, project: str) -> None:
    target = {"hidden": world.hidden_project_id, "missing": str(uuid.uuid4()), "garbage": "x' OR 1=1"}[
        project
    ]
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(OVERVIEW, project_id=target)
        page = tab.state(OverviewState)
        assert not page.loaded and page.error in (
            "Your role in this project does not allow this.",
            "Project not found.",
        )
        assert SECRETS["hidden_project"] not in str(tab.snapshot())


def test_anonymous_overview_is_refused(world: World) -> None:
    with Tab() as tab:
        tab.open(OVERVIEW, project_id=world.project_id)
        tab.send(OverviewState.refresh)
        page = tab.state(OverviewState)
        assert not page.loaded and page.error == "Sign in to continue." and page.name == ""


def test_window_choice_and_activity_pages(world: World, monkeypatch) -> None:
    monkeypatch.setattr(overview_state, "ACTIVITY_PAGE", 2)
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(OVERVIEW, project_id=world.project_id)
        page = tab.state(OverviewState)
        # project.create, two member.add, story.generate: newest first.
        assert [a.what for a in page.activity] == ["generated a story", "added a member"]
        assert page.activity_more and page.activity_page == 0
        tab.send(OverviewState.next_activity)
        page = tab.state(OverviewState)
        assert [a.what for a in page.activity] == ["added a member", "created the project"]
        assert not page.activity_more
        tab.send(OverviewState.next_activity)  # nothing older: stays
        assert tab.state(OverviewState).activity_page == 1
        tab.send(OverviewState.previous_activity)
        assert tab.state(OverviewState).activity_page == 0
        for refused in ("14", {"$ne": None}, ["7"], None):
            tab.send(OverviewState.choose_window, window=refused)
            assert tab.state(OverviewState).window == "30"
        tab.send(OverviewState.choose_window, window="7")
        page = tab.state(OverviewState)
        assert page.window == "7" and page.kpis[0].detail == "0 completed in 7 days"
        assert [line.month for line in page.spend] == ["This month", "Last month"]
        assert not tab.errors


def test_the_docs_tiles_show_pages_and_freshness_and_open_the_docs(world: World, tmp_path) -> None:
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(OVERVIEW, project_id=world.project_id)
        assert [(t.label, t.value) for t in tab.state(OverviewState).docs] == [
            ("Docs pages", "0"),
            ("Docs freshness", "unknown"),
        ]
    (tmp_path / "mod.py").write_text('def f(x: int) -> int:\n    """Twice x."""\n')
    with Session(get_engine()) as session:
        owner = session.get(User, uuid.UUID(world.owner_id))
        pages = generate_from_directory(
            session, Actor.of(identity_of(owner)), world.project_id, str(tmp_path)
        )
        session.commit()
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(OVERVIEW, project_id=world.project_id)
        page = tab.state(OverviewState)
        count = len(pages.pages)
        assert [(t.label, t.value, t.detail) for t in page.docs] == [
            ("Docs pages", f"{count}", "generated pages"),
            ("Docs freshness", "100.0 %", f"{count} fresh of {count}"),
        ]
        assert page.docs_href == f"/docs?project={world.project_id}"
        assert {t.href for t in page.docs} == {page.docs_href}
        open_link(tab, "/docs", project=world.project_id)  # the tiles' link opens this project's docs
        assert tab.state(DocsState).project_id == world.project_id and not tab.errors


def test_tiles_refresh_when_a_sync_changes_the_project(world: World, monkeypatch) -> None:
    counter = itertools.count()

    async def connected(_token: str) -> bool:
        tick = next(counter)
        if tick == 2:  # a webhook stores something and marks the project changed
            with Session(get_engine()) as session:
                store.touch(session, uuid.UUID(world.project_id))
                session.commit()
        return tick < 5

    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(OVERVIEW, project_id=world.project_id)
        before = tab.state(OverviewState)._marker
        monkeypatch.setattr(live, "tab_connected", connected)
        monkeypatch.setattr(live, "WATCH_SECONDS", 0.05)
        tab.send(OverviewState.watch)  # returns once the (fake) tab has gone
        page = tab.state(OverviewState)
        assert before == "" and page._marker != "" and page._watch_beat == 0.0 and page.loaded
