"""The Docs page state with a GitHub source: the engine picker and the ref field reach the job, and the
tree's badges say how many commits behind a page is (the fake GitHub on loopback, the real PyGithub)."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.core.jobs import local_runner
from autodevhub.documentation.ui.docs_state import DocsState
from autodevhub.features import register
from autodevhub.models import Documentation, Project, RepoTrust
from tests.support import github_history as history
from tests.support.fake_github_rest import FakeGitHubRest, environment_for
from tests.support.state_harness import Tab, build_world

ROUTE = "/docs"


@pytest.fixture
def linked(app_db, monkeypatch):
    """The harness world with its project linked to the fake's octo/shop (a module on `release`)."""
    register()
    fake = FakeGitHubRest().start()
    environment_for(fake, monkeypatch)
    world = build_world()
    with Session(get_engine()) as session:
        project = session.get(Project, uuid.UUID(world.project_id))
        project.repo, project.repo_trust = history.FULL_NAME, RepoTrust.admin
        session.commit()
    fake.git.commit_files("release", {"shop/cart.py": 'def total() -> int:\n    """Total."""\n'}, "Cart")
    yield world, fake
    assert local_runner().wait_idle(30)
    fake.stop()


def refs() -> set[str]:
    with Session(get_engine()) as session:
        return {info["ref"] for info in session.exec(select(Documentation.version_info))}


def test_generate_at_a_ref_with_the_chosen_engine_then_commits_behind(linked) -> None:
    world, fake = linked
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        for garbage in ({"engine": "magic"}, {"ref": "bad..ref"}, {"ref": "x" * 300}):
            tab.send(DocsState.generate, form_data=garbage)
            assert tab.state(DocsState).error and refs() == set()
        assert "not a valid git ref name" in tab.state(DocsState).error or "255" in tab.state(DocsState).error
        tab.send(DocsState.generate, form_data={"engine": "rules", "ref": " release "})
        assert local_runner().wait_idle(30)
        assert refs() == {"release"}
        fake.git.commit_files("release", {"shop/cart.py": "def total() -> int:\n    return 1\n"}, "Cart 2")
        fake.git.commit_files("main", {"shop/cart.py": "def total() -> int:\n    return 2\n"}, "Main")
        tab.open(ROUTE)
        page = tab.state(DocsState)
        notes = {row.title: row.note for row in page.tree}
        assert notes["shop.cart"] == "1 commit behind", notes  # main moved on; release is no longer on it
        tab.send(DocsState.open_page, doc_id=next(row.id for row in page.tree if row.title == "shop.cart"))
        assert tab.state(DocsState).doc_freshness == "1 commit behind"
        with Session(get_engine()) as session:
            engines = {info["engine"] for info in session.exec(select(Documentation.version_info))}
        assert engines == {"rules"}
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(ROUTE)
        tab.send(DocsState.generate, form_data={"ref": "main"})
        assert "does not allow" in tab.state(DocsState).error
