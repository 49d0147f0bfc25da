"""The notifications page and the header bell, driven in-process as a browser tab would."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.models import utcnow
from autodevhub.models.notifications import Notice
from autodevhub.notifications.ui.notices_state import NoticesState
from tests.support.sign_out_race import sign_out_during_read
from tests.support.state_harness import Tab, World, build_world

TAB_LOOP = "tab-loop"  # the harness's thread running the tab's event loop, as a worker's would
XSS = '<img src=x onerror="alert(1)">'


@pytest.fixture
def world(app_db) -> World:
    return build_world()


def notice(user_id: str, project_id: str | None, title: str, minutes_ago: int, **fields) -> str:
    row = Notice(
        user_id=uuid.UUID(user_id),
        project_id=uuid.UUID(project_id) if project_id else None,
        event=fields.pop("event", "run.failed"),
        dedupe_key=str(uuid.uuid4()),
        title=title,
        created_at=utcnow() - timedelta(minutes=minutes_ago),
        **fields,
    )
    with Session(get_engine()) as session:
        session.add(row)
        session.commit()
        return str(row.id)


def unread_of(user_id: str) -> int:
    with Session(get_engine()) as session:
        rows = session.exec(select(Notice).where(Notice.user_id == uuid.UUID(user_id)))
        return sum(row.read_at is None for row in rows)


def test_the_page_lists_my_notices_newest_first_and_marks_them_read(world: World) -> None:
    failed = notice(
        world.member_id, world.project_id, "CI failed on main", 5, link=f"/projects/{world.project_id}"
    )
    notice(world.member_id, world.project_id, "CI recovered", 1, event="run.recovered", body=XSS)
    notice(world.member_id, world.hidden_project_id, "Hidden project news", 0)  # no longer readable
    notice(world.owner_id, world.project_id, "Someone else's", 0)
    others = notice(world.owner_id, world.project_id, "Owner only", 2)
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open("/notifications")
        page = tab.state(NoticesState)
        assert [n.title for n in page.notices] == ["CI recovered", "CI failed on main"]
        assert (page.unread, page.total, page.notices[0].label) == (2, 2, "Recovered")
        assert page.notices[0].body == XSS and page.notices[0].href == ""  # text, never HTML
        assert page.notices[1].href == f"/projects/{world.project_id}"
        tab.send(NoticesState.mark_read, notice_id=failed)
        assert tab.state(NoticesState).unread == 1 and not tab.state(NoticesState).notices[1].unread
        tab.send(NoticesState.mark_read, notice_id=others)  # another user's notice: nothing changes
        for garbage in ("not-a-uuid", None, {"$ne": None}, ["x"]):
            tab.send(NoticesState.mark_read, notice_id=garbage)
        assert unread_of(world.owner_id) == 2 and not tab.errors
        tab.send(NoticesState.mark_all_read)
        assert tab.state(NoticesState).unread == 0
    assert unread_of(world.owner_id) == 2


def test_the_bell_counts_unread_notices_and_nothing_for_a_signed_out_tab(world: World) -> None:
    notice(world.member_id, world.project_id, "CI failed", 1)
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open("/stories").send(NoticesState.count_unread)
        assert tab.state(NoticesState).unread == 1
    with Tab() as tab:
        tab.open("/login").send(NoticesState.count_unread)
        assert tab.state(NoticesState).unread == 0 and not tab.errors
        tab.send(NoticesState.mark_all_read)
        assert tab.state(NoticesState).error == "Sign in to continue."


def test_the_bell_and_the_list_query_off_the_event_loop(world: World) -> None:
    """They load on every page: a query on the tab's event loop would hold every tab of its worker."""
    notice(world.member_id, world.project_id, "CI failed", 1)
    threads: list[str] = []

    def seen(_connection, _cursor, statement: str, *_args) -> None:
        if "notices" in statement:  # the notices' queries (the page's sign-in check is not the bell's)
            threads.append(threading.current_thread().name)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        with Tab(cookie=world.cookies["member"]) as tab:
            tab.open("/stories").send(NoticesState.count_unread)
            tab.open("/notifications")
            assert tab.state(NoticesState).unread == 1 and tab.state(NoticesState).total == 1
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert threads and TAB_LOOP not in threads


def test_a_count_read_before_a_sign_in_change_is_not_shown_after_it(app_postgres) -> None:
    """The bell's read runs outside the state lock: if the tab signs in as someone else meanwhile (its
    states reset), the first user's answer is dropped, not shown to the next one (PostgreSQL: its table lock
    holds the read until the tab has signed out)."""
    world = build_world()
    notice(world.member_id, world.project_id, "CI failed", 1)
    with Tab(cookie=world.cookies["member"]) as tab:
        sign_out_during_read(tab, "/stories", NoticesState.count_unread, "notices")
        assert tab.state(NoticesState).unread == 0 and not tab.errors
