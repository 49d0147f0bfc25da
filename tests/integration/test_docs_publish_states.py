"""The Docs page's pull request bar, driven in-process as a browser tab would: a member publishes and sees
the link and state, a viewer is refused on the server, GitHub's refusal is shown (the fake GitHub)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.documentation.service import generate_from_directory
from autodevhub.documentation.ui.docs_pr import DocsPullState
from autodevhub.documentation.ui.docs_state import DocsState
from autodevhub.features import register
from autodevhub.models import User
from tests.support.state_harness import SECRETS, Tab, World, build_world
from tests.support.workflow_helpers import github_world_fixture, link_world  # noqa: F401 (fixture)

ROUTE = "/docs"


@pytest.fixture
def world(app_db, github_world, tmp_path: Path) -> tuple[World, dict]:
    """The harness's project on the fake GitHub's repository, with docs of a one-module directory."""
    register()
    world = build_world()
    link_world(uuid.UUID(world.project_id), github_world)
    (tmp_path / "cart.py").write_text('def total(n: int) -> int:\n    """Total."""\n    return n\n')
    with Session(get_engine()) as session:
        admin = identity_of(session.exec(select(User).where(User.email == SECRETS["admin"])).one())
        generate_from_directory(session, Actor.of(admin), world.project_id, str(tmp_path))
        session.commit()
    return world, github_world


def test_a_member_publishes_and_sees_the_pull_request_and_its_state(world) -> None:
    world, github_world = world
    git = github_world["fake"].git
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        assert tab.state(DocsState).can_write
        tab.send(DocsPullState.load_pull)
        bar = tab.state(DocsPullState)
        assert (bar.pr_number, bar.pr_url, bar.pr_state, bar.pr_message) == (0, "", "", "")
        tab.send(DocsPullState.publish_docs)
        bar = tab.state(DocsPullState)
        assert (bar.pr_number, bar.pr_state, bar.publishing) == (1, "open", False)
        assert bar.pr_url == git.pulls[1]["html_url"]
        assert bar.pr_message == "Pull request #1 is open on autodevhub/docs: 3 file(s) committed."
        git.pulls[1]["state"] = "closed"
        tab.send(DocsPullState.publish_docs)  # closed by a person: a new one
        bar = tab.state(DocsPullState)
        assert (bar.pr_number, bar.pr_state) == (2, "open")
        assert bar.pr_message == "Pull request #2 is open on autodevhub/docs: nothing new to commit."


def test_a_viewer_sees_the_pull_request_but_publishing_is_refused(world) -> None:
    world, github_world = world
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        tab.send(DocsPullState.publish_docs)
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(ROUTE)
        assert not tab.state(DocsState).can_write
        tab.send(DocsPullState.load_pull)
        assert tab.state(DocsPullState).pr_state == "open"
        writes = list(github_world["fake"].git.writes)
        tab.send(DocsPullState.publish_docs)
        bar = tab.state(DocsPullState)
        assert bar.pr_message == "Your role in this project does not allow this." and not bar.publishing
        assert github_world["fake"].git.writes == writes


def test_a_github_refusal_is_shown_and_nothing_is_written(world) -> None:
    world, github_world = world
    fake = github_world["fake"]
    fake.fail("POST", "/git/blobs", 500, times=5)
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        tab.send(DocsPullState.publish_docs)
        bar = tab.state(DocsPullState)
        assert bar.pr_message.startswith("GitHub answered 500") and bar.pr_number == 0
        assert bar.pr_note == bar.pr_message and not fake.git.pulls
