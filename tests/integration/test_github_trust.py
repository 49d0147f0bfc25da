"""Confused deputy (issue 12, finding 1): who may link a repository, and which token acts on it.

Through the REST API and the sync job, with the real PyGithub against the fake GitHub, whose `grants` say
what each token may do on octo/shop. The instance token is the fake's GITHUB_TOKEN, "ghp_fake".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.core.settings import get_settings
from autodevhub.models import AuditLog, Project, User, UserRole, Workflow
from autodevhub.models.workflows import SyncState
from autodevhub.workflows.github import store
from autodevhub.workflows.github.sync import sync_project
from tests.support import github_history as history
from tests.support.fake_github_rest import FakeGitHubRest, environment_for
from tests.support.helpers import api_client, bearer, make_token, make_user

INSTANCE = "ghp_fake"
PUSH = "github_pat_member_can_push_0001"
READ_ONLY = "github_pat_member_reads_only_02"
BLIND = "github_pat_member_sees_nothing3"
OTHER = "github_pat_maintainer_own_00004"
READ = {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True}
WRITE = {**READ, "push": True}


@dataclass
class World:
    fake: FakeGitHubRest
    client: object
    admin: dict[str, str]
    member: dict[str, str]
    member_user: User
    monkeypatch: pytest.MonkeyPatch

    def allow(self, owners: str) -> None:
        self.monkeypatch.setenv("AUTODEVHUB_GITHUB_ALLOWED_OWNERS", owners)
        get_settings.cache_clear()

    def create(self, headers: dict[str, str], **body):
        return self.client.post("/api/projects", json={"name": "Shop", **body}, headers=headers)


@pytest.fixture
def world(app_db, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    fake = FakeGitHubRest().start()
    environment_for(fake, monkeypatch)
    fake.grants = {PUSH: WRITE, OTHER: WRITE, READ_ONLY: READ, BLIND: None}
    admin, member = make_user("admin@example.com", UserRole.admin), make_user("member@example.com")
    yield World(
        fake, api_client(), bearer(make_token(admin)), bearer(make_token(member)), member, monkeypatch
    )
    fake.stop()


def stored(project_id: str) -> Project:
    with Session(get_engine()) as session:
        return session.get(Project, uuid.UUID(project_id))


def link_legacy(project_id: str) -> None:
    """A repository linked before links were checked: no trust recorded."""
    with Session(get_engine()) as session:
        project = session.get(Project, uuid.UUID(project_id))
        project.repo, project.repo_trust = history.FULL_NAME, None
        session.add(project)
        session.commit()


def test_member_without_proof_cannot_link_any_repository(world):
    world.allow("octo")
    refused = world.create(world.member, repo=history.FULL_NAME)

    assert refused.status_code == 403
    assert "give the project a GitHub token of yours that can push" in refused.json()["detail"]
    assert world.fake.requests == []  # the instance token was never used to look


def test_member_links_with_their_own_token_that_can_push(world):
    world.allow("OCTO, other-org")  # owners are case-insensitive
    created = world.create(world.member, repo=history.FULL_NAME, github_token=PUSH)

    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["repo_trust"], body["repo_linked_by"]) == ("credential", str(world.member_user.id))
    assert body["github_token_set"] is True and body["github_token_set_at"]
    assert PUSH not in created.text
    assert world.fake.tokens == [PUSH]  # GitHub was asked with the member's token, once
    sealed = stored(body["id"]).github_credential
    assert sealed.startswith("v1.") and PUSH not in sealed


@pytest.mark.parametrize(
    ("token", "reason"),
    [(READ_ONLY, "cannot push to octo/shop"), (BLIND, "cannot open octo/shop (GitHub answered 404")],
)
def test_member_token_must_see_the_repository_with_push_rights(world, token, reason):
    world.allow("octo")
    refused = world.create(world.member, repo=history.FULL_NAME, github_token=token)

    assert refused.status_code == 403 and reason in refused.json()["detail"]
    assert world.client.get("/api/projects", headers=world.member).json()["total"] == 0


def test_member_cannot_link_an_owner_outside_the_allow_list_even_with_push_rights(world):
    world.allow("someone-else")
    refused = world.create(world.member, repo=history.FULL_NAME, github_token=PUSH)

    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Only an administrator can link octo/shop")
    assert world.fake.requests == []


def test_maintainer_cannot_repoint_a_project_with_someone_elses_token(world):
    world.allow("octo")
    project = world.create(world.admin, repo="octo/old", github_token=OTHER).json()
    world.client.post(
        f"/api/projects/{project['id']}/members",
        json={"email": "member@example.com", "role": "maintainer"},
        headers=world.admin,
    )
    path = f"/api/projects/{project['id']}"

    moved = world.client.patch(path, json={"repo": history.FULL_NAME}, headers=world.member)
    assert moved.status_code == 403 and "GitHub token of yours" in moved.json()["detail"]
    assert stored(project["id"]).repo == "octo/old"

    same = world.client.patch(path, json={"repo": "octo/old", "description": "d"}, headers=world.member)
    assert same.status_code == 200 and same.json()["repo_trust"] == "admin"  # unchanged: no proof asked

    own = world.client.patch(
        path, json={"repo": history.FULL_NAME, "github_token": PUSH}, headers=world.member
    )
    assert own.status_code == 200 and own.json()["repo_trust"] == "credential"
    assert world.fake.tokens == [PUSH]


def test_admin_links_any_repository_and_the_instance_token_serves_it(world):
    created = world.create(world.admin, repo=history.FULL_NAME)  # no owner allowed at all
    assert created.json()["repo_trust"] == "admin" and created.json()["github_token_set"] is False

    result = sync_project(created.json()["id"])

    assert result.state == "ok", result.message
    assert set(world.fake.tokens) == {INSTANCE}


def test_instance_token_is_refused_for_an_unchecked_link_outside_the_allow_list(world):
    project_id = world.create(world.admin, repo=None).json()["id"]
    link_legacy(project_id)

    result = sync_project(project_id)

    assert result.state == "failed" and "may not act on octo/shop" in result.message
    assert world.fake.requests == []
    with Session(get_engine()) as session:
        state = store.sync_state(session, uuid.UUID(project_id))
        assert state.state is SyncState.failed and "AUTODEVHUB_GITHUB_ALLOWED_OWNERS" in state.message
    refused = world.client.post(f"/api/projects/{project_id}/sync", headers=world.admin)
    assert refused.status_code == 403 and "no administrator linked it" in refused.json()["detail"]

    world.allow("octo")  # an allowed owner: the instance token may serve the old link
    assert sync_project(project_id).state == "ok"
    assert set(world.fake.tokens) == {INSTANCE}


def test_a_projects_own_token_serves_sync_dispatch_rerun_and_cancel(world):
    now = datetime.now(UTC)
    failed, running = history.make_run(701, 101, now, "failure"), history.make_run(702, 101, now, None)
    world.fake.runs = {failed.id: failed, running.id: running}
    project_id = world.create(world.admin, repo=history.FULL_NAME, github_token=OTHER).json()["id"]

    assert sync_project(project_id).state == "ok"
    with Session(get_engine()) as session:
        workflow = session.exec(select(Workflow).where(Workflow.github_id == 101)).one()
    runs = {r["github_run_id"]: r["id"] for r in executions(world, project_id)}
    calls = [
        (f"/api/workflows/{workflow.id}/dispatch", {"ref": "main"}),
        (f"/api/executions/{runs[701]}/rerun-failed", None),
        (f"/api/executions/{runs[702]}/cancel", None),
    ]
    for path, body in calls:
        assert world.client.post(path, json=body, headers=world.admin).status_code == 202

    assert set(world.fake.tokens) == {OTHER} and world.fake.count("POST") == 3


def executions(world: World, project_id: str) -> list[dict]:
    return world.client.get(f"/api/projects/{project_id}/executions", headers=world.admin).json()["items"]


def test_dispatch_with_the_instance_token_is_refused_before_github_and_the_audit(world):
    project_id = world.create(world.admin, repo=None).json()["id"]
    link_legacy(project_id)
    with Session(get_engine()) as session:
        workflow = Workflow(
            project_id=uuid.UUID(project_id), github_id=101, name="CI", configuration={"dispatch": True}
        )
        session.add(workflow)
        session.commit()
        workflow_id = workflow.id

    refused = world.client.post(
        f"/api/workflows/{workflow_id}/dispatch", json={"ref": "main"}, headers=world.admin
    )

    assert refused.status_code == 403 and "may not act on octo/shop" in refused.json()["detail"]
    assert world.fake.requests == []


def test_an_audit_row_that_cannot_be_committed_stops_the_github_call(world):
    project_id = world.create(world.admin, repo=history.FULL_NAME).json()["id"]
    with Session(get_engine()) as session:
        workflow = Workflow(
            project_id=uuid.UUID(project_id), github_id=101, name="CI", configuration={"dispatch": True}
        )
        session.add(workflow)
        session.execute(
            text(
                "CREATE TRIGGER refuse_dispatch_audit BEFORE INSERT ON audit_logs "
                "WHEN NEW.action = 'workflow.dispatch' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
        session.commit()
        workflow_id = workflow.id

    response = world.client.post(
        f"/api/workflows/{workflow_id}/dispatch", json={"ref": "main"}, headers=world.admin
    )

    assert response.status_code == 409, response.text  # the failed commit, as the API reports it
    assert world.fake.dispatches == [] and world.fake.count("POST") == 0


def test_the_token_is_write_only_and_can_be_removed(world):
    created = world.create(world.admin, github_token=PUSH).json()
    path = f"/api/projects/{created['id']}"

    for response in (
        world.client.get(path, headers=world.admin),
        world.client.get("/api/projects", headers=world.admin),
    ):
        assert response.status_code == 200 and PUSH not in response.text and "v1." not in response.text
    assert world.client.get(path, headers=world.admin).json()["github_token_set"] is True

    removed = world.client.patch(path, json={"github_token": ""}, headers=world.admin).json()
    assert (removed["github_token_set"], removed["github_token_set_at"]) == (False, None)
    assert stored(created["id"]).github_credential is None
    with Session(get_engine()) as session:
        audits = session.exec(select(AuditLog).where(AuditLog.action.startswith("project."))).all()
    assert [a.audit_metadata.get("github_token") for a in audits][-1] == "removed"
    assert all(PUSH not in str(a.audit_metadata) for a in audits)


def test_a_malformed_token_is_refused_without_being_echoed(world):
    bad = "ghp_has spaces and; quotes'"
    refused = world.create(world.admin, github_token=bad)

    assert refused.status_code == 422 and bad not in refused.text and "GitHub token" in refused.text
