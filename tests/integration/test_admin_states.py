"""The settings and admin page states, driven in-process as a real browser tab would drive them."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from autodevhub.admin.ui.audit_state import AuditState
from autodevhub.admin.ui.instance_state import InstancePolicyState
from autodevhub.admin.ui.users_state import UsersState
from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.models import AuditLog, InstanceSetting, Project, User, UserRole, UserSession, utcnow
from autodevhub.projects import service
from autodevhub.projects.ui.detail_state import ProjectDetailState
from autodevhub.projects.ui.list_state import NEW_PROJECT_INPUTS, ProjectsState
from tests.support.helpers import PASSWORD
from tests.support.state_harness import SECRETS, Tab, World, build_world

DETAIL = "/settings/projects/[project_id]"


@pytest.fixture
def world(app_db) -> World:
    return build_world()


def rows(model, *where):
    with Session(get_engine()) as session:
        return session.exec(select(model).where(*where)).all()


def test_a_member_creates_a_project_and_manages_its_members(world: World) -> None:
    with Tab(cookie=world.cookies["member"]) as tab:
        tab.open("/settings").send(ProjectsState.create_project, form_data={"name": " Gemini ", "repo": ""})
        state = tab.state(ProjectsState)
        assert (state.error, state.notice) == ("", "Project Gemini created.")
        assert [row.name for row in state.projects] == [SECRETS["project"], "Gemini"]
        cleared = [event.payload["ref"] for event in tab.frontend_events if event.name == "_set_value"]
        assert cleared == [f"ref_{ref.replace('-', '_')}" for ref in NEW_PROJECT_INPUTS]
        gemini = state.projects[1]
        assert gemini.href == f"/settings/projects/{gemini.id}"

        tab.open(DETAIL, project_id=gemini.id)
        detail = tab.state(ProjectDetailState)
        assert (
            detail.found and (detail.can_update, detail.can_delete, detail.can_manage_members) == (True,) * 3
        )
        assert [m.email for m in detail.members] == [SECRETS["member"]]
        tab.send(
            ProjectDetailState.add_member, form_data={"email": SECRETS["viewer"].upper(), "role": "member"}
        )
        assert tab.state(ProjectDetailState).member_notice == f"{SECRETS['viewer']} added as member."
        tab.send(ProjectDetailState.change_member_role, user_id=world.viewer_id, role="maintainer")
        roles = {m.email: m.role for m in tab.state(ProjectDetailState).members}
        assert roles == {SECRETS["member"]: "owner", SECRETS["viewer"]: "maintainer"}
        tab.send(ProjectDetailState.change_member_role, user_id=world.member_id, role="viewer")
        assert tab.state(ProjectDetailState).member_error == "A project needs at least one owner."
        tab.send(ProjectDetailState.remove_member, user_id=world.viewer_id)
        assert [m.email for m in tab.state(ProjectDetailState).members] == [SECRETS["member"]]
        tab.send(
            ProjectDetailState.save_project, form_data={"name": "Gemini 2", "description": "d", "repo": ""}
        )
        detail = tab.state(ProjectDetailState)
        assert (detail.notice, detail.name, detail.repo) == ("Project saved.", "Gemini 2", "")
        assert not tab.errors
    actions = [entry.action for entry in rows(AuditLog, AuditLog.resource_id == gemini.id)]
    assert actions.count("member.add") == 1 and "member.remove" in actions and "project.update" in actions


def test_a_viewer_is_refused_and_keeps_the_typed_input(world: World) -> None:
    with Tab(cookie=world.cookies["viewer"]) as tab:
        tab.open("/settings").send(ProjectsState.create_project, form_data={"name": "Mine", "repo": "a/b"})
        state = tab.state(ProjectsState)
        assert (state.error, state.notice) == ("Your role does not allow this.", "")
        assert not [event for event in tab.frontend_events if event.name == "_set_value"]
        tab.open(DETAIL, project_id=world.project_id)
        detail = tab.state(ProjectDetailState)
        assert detail.found and not (detail.can_update or detail.can_delete or detail.can_manage_members)
        tab.send(ProjectDetailState.delete_project)
        assert tab.state(ProjectDetailState).error == "Your role in this project does not allow this."
    assert len(rows(Project)) == 2


@pytest.mark.parametrize(
    ("project", "problem"),
    [
        ("not-a-uuid", "Project not found."),
        ("00000000-0000-4000-8000-000000000000", "Project not found."),
        ("hidden", "Your role in this project does not allow this."),
    ],
)
def test_bad_or_foreign_project_ids_show_a_message(world: World, project: str, problem: str) -> None:
    project_id = world.hidden_project_id if project == "hidden" else project
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open(DETAIL, project_id=project_id)
        detail = tab.state(ProjectDetailState)
        assert (detail.found, detail.problem, detail.name, detail.members) == (False, problem, "", [])
        assert not tab.errors


def test_the_project_list_pages_by_twenty(world: World) -> None:
    with Session(get_engine()) as session:
        admin = Actor.of(identity_of(session.get(User, uuid.UUID(world.admin_id))))
        for number in range(45):
            service.create_project(session, admin, service.ProjectCreate(name=f"Project {number:02}"))
        session.commit()
    with Tab(cookie=world.cookies["admin"]) as tab:
        state = tab.open("/settings").state(ProjectsState)
        assert (state.total, state.page_label, state.has_previous, state.has_next) == (
            47,
            "1 to 20 of 47",
            False,
            True,
        )
        assert len(state.projects) == 20
        labels = [tab.send(ProjectsState.next_page).state(ProjectsState).page_label for _ in range(3)]
        assert labels == ["21 to 40 of 47", "41 to 47 of 47", "41 to 47 of 47"]
        assert [p.name for p in tab.state(ProjectsState).projects][-1] == "Project 44"
        assert tab.send(ProjectsState.previous_page).state(ProjectsState).page == 1
    with Tab(cookie=world.cookies["owner"]) as tab:
        state = tab.open("/settings").state(ProjectsState)
        assert (state.total, [p.name for p in state.projects]) == (1, [SECRETS["project"]])


def test_admin_manages_users(world: World) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        state = tab.open("/admin/users").state(UsersState)
        assert state.allowed and state.total == 4 and state.page_label == "1 to 4 of 4"
        tab.send(UsersState.search_users, form_data={"query": "OWNER"})
        assert [user.email for user in tab.state(UsersState).users] == [SECRETS["owner"]]
        tab.send(
            UsersState.add_user,
            form_data={"email": "new@example.test", "role": "viewer", "password": PASSWORD},
        )
        assert tab.state(UsersState).notice == "Account new@example.test created as viewer."
        tab.send(
            UsersState.add_user,
            form_data={"email": "new@example.test", "role": "viewer", "password": PASSWORD},
        )
        assert tab.state(UsersState).error == "An account with this email already exists."
        tab.send(UsersState.change_role, user_id=world.owner_id, role="admin")
        tab.send(UsersState.deactivate, user_id=world.member_id)
        assert not rows(UserSession, UserSession.user_id == uuid.UUID(world.member_id))
        tab.send(UsersState.reactivate, user_id=world.member_id)
        tab.send(UsersState.deactivate, user_id="nonsense")
        assert tab.state(UsersState).error == "User not found."
        assert not tab.errors
    (created,) = rows(User, User.email == "new@example.test")
    assert created.role is UserRole.viewer and created.password_hash
    (owner,) = rows(User, User.email == SECRETS["owner"])
    assert owner.role is UserRole.admin
    assert [
        e.user_id
        for e in rows(AuditLog, AuditLog.action == "user.create", AuditLog.resource_id == str(created.id))
    ]
    actions = {entry.action for entry in rows(AuditLog, AuditLog.resource_id == world.member_id)}
    assert {"user.deactivate", "user.activate"} <= actions


@pytest.mark.parametrize("state_cls", [UsersState, AuditState, InstancePolicyState])
def test_admin_pages_refuse_members(world: World, state_cls) -> None:
    route = {UsersState: "/admin/users", AuditState: "/admin/audit", InstancePolicyState: "/admin/settings"}
    with Tab(cookie=world.cookies["owner"]) as tab:
        state = tab.open(route[state_cls]).state(state_cls)
        assert (state.allowed, state.error) == (False, "Your role does not allow this.")


def test_audit_log_filters_and_pages(world: World) -> None:
    with Session(get_engine()) as session:
        for number in range(60):
            session.add(AuditLog(action="story.view", resource_type="story", resource_id=str(number)))
        session.commit()
    today = utcnow().date()
    with Tab(cookie=world.cookies["admin"]) as tab:
        state = tab.open("/admin/audit").state(AuditState)
        assert state.allowed and len(state.entries) == 50 and state.page_label.startswith("1 to 50 of ")
        assert state.entries[0].action == "story.view" and state.entries[0].email == "—"
        assert tab.send(AuditState.next_page).state(AuditState).page == 1

        def filtered(**filters: str) -> list[str]:
            tab.send(AuditState.apply_filters, form_data=filters)
            return [entry.action for entry in tab.state(AuditState).entries]

        owner_actions = ["token.create", "member.add", "member.add", "project.create", "user.create"]
        assert filtered(user_email=SECRETS["owner"].upper()) == owner_actions
        assert set(filtered(action="member.")) == {"member.add"}
        assert filtered(resource_type="setting") == ["settings.update"]
        (entry,) = tab.state(AuditState).entries
        assert (entry.email, entry.resource_id, entry.metadata) == (
            SECRETS["admin"],
            "signup_mode",
            '{"new": "invite"}',
        )
        assert filtered(user_email="nobody@example.test") == []
        assert len(filtered(since=today.isoformat(), until=today.isoformat(), resource_type="project")) == 4
        assert filtered(since=(today + timedelta(days=1)).isoformat()) == []
        assert filtered(until=(today - timedelta(days=1)).isoformat()) == []
        assert filtered(since="31/01/2025") == []
        assert tab.state(AuditState).error == "From must be a date such as 2025-01-31."
        tab.send(AuditState.clear_filters)
        state = tab.state(AuditState)
        assert (state.error, state.filtered, len(state.entries)) == ("", False, 50)
        assert not tab.errors


def test_instance_settings(world: World) -> None:
    with Tab(cookie=world.cookies["admin"]) as tab:
        state = tab.open("/admin/settings").state(InstancePolicyState)
        assert (state.allowed, state.signup_mode, state.github_orgs) == (True, "invite", "")
        tab.send(
            InstancePolicyState.save_settings,
            form_data={"signup_mode": "open", "github_orgs": "Acme, labs"},
        )
        state = tab.state(InstancePolicyState)
        assert (state.notice, state.signup_mode, state.github_orgs) == (
            "Settings saved.",
            "open",
            "acme, labs",
        )
        tab.send(
            InstancePolicyState.save_settings,
            form_data={"signup_mode": "invite", "github_orgs": "bad org!"},
        )
        state = tab.state(InstancePolicyState)
        assert state.error == "Organisations must be GitHub logins separated by commas."
        assert (state.signup_mode, state.github_orgs) == ("open", "acme, labs")
    saved = {row.key: row.value["value"] for row in rows(InstanceSetting)}
    assert saved == {"signup_mode": "open", "github_allowed_orgs": ["acme", "labs"]}
