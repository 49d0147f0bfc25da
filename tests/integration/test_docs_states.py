"""The Docs page state, driven in-process as a browser tab would: tree, page, freshness, generate, zip."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.jobs import local_runner
from autodevhub.documentation.service import generate_from_directory
from autodevhub.documentation.ui.docs_state import DocsState, progress_text
from autodevhub.features import register
from autodevhub.models import AuditLog, User
from tests.support.state_harness import SECRETS, Tab, World, build_world

ROUTE = "/docs"
XSS = '<script>alert(1)</script> <img src=x onerror="alert(2)">'


def generate(project_id: str, source: Path) -> dict[str, str]:
    with Session(get_engine()) as session:
        admin = identity_of(session.exec(select(User).where(User.email == SECRETS["admin"])).one())
        pages = generate_from_directory(session, Actor.of(admin), project_id, str(source)).pages
        session.commit()
    return {page["title"]: page["id"] for page in pages}


@pytest.fixture
def world(app_db, tmp_path) -> tuple[World, dict[str, str], Path]:
    register()
    world = build_world()
    source = tmp_path / "shop"
    source.mkdir()
    (source / "README.md").write_text("# Shop\n\nSells things.\n")
    (source / "cart.py").write_text(f'def total(n: int) -> int:\n    """{XSS}"""\n    return n\n')
    return world, generate(world.project_id, source), source


def requests() -> list[str]:
    with Session(get_engine()) as session:
        query = select(AuditLog.action).where(col(AuditLog.action).startswith("docs.generate."))
        return list(session.exec(query))


def test_a_member_reads_the_tree_and_a_page_with_its_docstring_as_text(world) -> None:
    world, pages, _ = world
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        page = tab.state(DocsState)
        assert page.loaded and page.error == "" and page.project_name == SECRETS["project"]
        assert [row.title for row in page.tree] == ["Overview", "cart"] and page.can_write
        assert page.freshness == "100% fresh (2 of 2 pages)" and all(row.fresh for row in page.tree)
        tab.send(DocsState.open_page, doc_id=pages["cart"])
        page = tab.state(DocsState)
        assert page.doc_title == "cart" and page.doc_version == 1 and page.doc_stale == []
        assert "&lt;script&gt;" in page.doc_content and "<script>" not in page.doc_content
        assert "autodevhub:begin" not in page.doc_content and page.versions_total == 0


def test_a_changed_source_shows_stale_and_refresh_keeps_the_old_version(world) -> None:
    world, pages, source = world
    (source / "cart.py").write_text('def total(n: int, tax: int = 0) -> int:\n    """Total."""\n')
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        assert tab.state(DocsState).freshness == "0% fresh (0 of 2 pages)"
        tab.send(DocsState.open_page, doc_id=pages["cart"])
        assert tab.state(DocsState).doc_stale == ["cart.py"]
        tab.send(DocsState.generate, form_data={})
        assert local_runner().wait_idle(30) and requests() == ["docs.generate.request"]
        tab.open(ROUTE)
        page = tab.state(DocsState)
        assert page.freshness == "100% fresh (2 of 2 pages)"
        assert page.progress == "Done: 2 pages written from 2 files. (2 files read, 2 pages written)"
        tab.send(DocsState.open_page, doc_id=pages["cart"])
        page = tab.state(DocsState)
        assert page.doc_version == 2 and page.versions_total == 1 and page.versions[0].version == 1
        assert "tax: int = 0" in page.doc_content
        for garbage in ("x", 99, None, True, [1]):  # ("1" is coerced to 1 by Reflex: a real choice)
            tab.send(DocsState.show_diff, version=garbage)
            assert tab.state(DocsState).diff == ""
        tab.send(DocsState.show_diff, version=1)
        page = tab.state(DocsState)
        assert page.diff_version == 1 and page.diff.startswith("--- version 1\n+++ version 2")
        assert "+### `def total(n: int, tax: int = 0) -> int`" in page.diff.splitlines()
        tab.send(DocsState.show_diff, version=0)
        assert tab.state(DocsState).diff == ""


def test_viewers_do_not_generate_and_other_projects_pages_stay_hidden(world, tmp_path) -> None:
    world, _, _ = world
    hidden_source = tmp_path / "hidden"
    hidden_source.mkdir()
    (hidden_source / "vault.py").write_text('def key() -> str:\n    """The vault key."""\n')
    hidden = generate(world.hidden_project_id, hidden_source)
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open(ROUTE)
        assert not tab.state(DocsState).can_write
        tab.send(DocsState.generate, form_data={})
        assert "does not allow" in tab.state(DocsState).error and requests() == []
        for doc_id in (hidden["vault"], str(uuid.uuid4()), "not-an-id", None, ["x"]):
            tab.send(DocsState.open_page, doc_id=doc_id)
            assert tab.state(DocsState).doc_id == ""
        tab.send(DocsState.select_project, project_id=world.hidden_project_id)
        assert "does not allow" in tab.state(DocsState).error
        assert tab.state(DocsState).project_id == world.project_id


def test_download_sends_the_zip_and_an_anonymous_tab_hears_sign_in(world) -> None:
    world, _, _ = world
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open(ROUTE)
        tab.send(DocsState.download)
        (event,) = [e for e in tab.frontend_events if "download" in e.name]
        assert "Apollo-Guidance-docs.zip" in str(event.payload)
    with Tab() as tab:
        tab.open(ROUTE)
        tab.send(DocsState.download)
        assert tab.state(DocsState).error == "Sign in to continue."


def test_progress_text_says_the_state_and_the_counts() -> None:
    assert progress_text({"state": "idle"}) == ""
    run = {"state": "running", "message": "Read 3 files; parsing them.", "files_read": 3, "pages_written": 0}
    assert progress_text(run) == "Running: Read 3 files; parsing them. (3 files read, 0 pages written)"
