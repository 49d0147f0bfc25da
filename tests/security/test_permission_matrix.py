"""Every API route x every role: 2xx, 401 or 403 exactly as the permission table says."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from autodevhub.auth.permissions import Permission, can
from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.jobs import local_runner
from autodevhub.documentation.service import generate_from_directory
from autodevhub.models import AuditLog, ProjectMember, ProjectRole, UserRole
from autodevhub.notifications import service as notifications
from autodevhub.notifications.service import ChannelCreate
from autodevhub.projects import service
from autodevhub.stories.service import StoryGenerate, generate_story
from autodevhub.web.api import create_api
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.workflow_helpers import github_world_fixture, link_world  # noqa: F401 (fixture)

# caller -> (global role, role in the project or None)
CALLERS = {
    "admin": (UserRole.admin, None),
    "owner": (UserRole.member, ProjectRole.owner),
    "maintainer": (UserRole.member, ProjectRole.maintainer),
    "member": (UserRole.member, ProjectRole.member),
    "project-viewer": (UserRole.member, ProjectRole.viewer),
    "outsider": (UserRole.member, None),
    "global-viewer-owner": (UserRole.viewer, ProjectRole.owner),
}
ALL = set(CALLERS)
READERS = ALL - {"outsider"}
WRITERS_MAINTAIN = {"admin", "owner", "maintainer"}
OWNERS = {"admin", "owner"}
STORY = "Users can export monthly reports as CSV or PDF."

# (method, path template) -> callers that succeed; everyone else gets 403, anonymous 401.
ROUTES: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/me"): ALL,
    ("GET", "/api/tokens"): ALL,
    ("POST", "/api/tokens"): ALL,
    ("DELETE", "/api/tokens/{token_id}"): ALL,
    ("POST", "/auth/logout"): set(),  # needs a login session's access token, not an API token: 401
    ("GET", "/api/projects"): ALL,
    ("POST", "/api/projects"): ALL - {"global-viewer-owner"},
    ("GET", "/api/projects/{project_id}"): READERS,
    ("PATCH", "/api/projects/{project_id}"): WRITERS_MAINTAIN,
    ("DELETE", "/api/projects/{project_id}"): OWNERS,
    ("GET", "/api/projects/{project_id}/members"): READERS,
    ("POST", "/api/projects/{project_id}/members"): OWNERS,
    ("PATCH", "/api/projects/{project_id}/members/{user_id}"): OWNERS,
    ("DELETE", "/api/projects/{project_id}/members/{user_id}"): OWNERS,
    ("GET", "/api/projects/{project_id}/workflows"): READERS,
    ("GET", "/api/projects/{project_id}/executions"): READERS,
    ("GET", "/api/projects/{project_id}/metrics"): READERS,
    ("GET", "/api/projects/{project_id}/sync"): READERS,
    ("POST", "/api/projects/{project_id}/sync"): WRITERS_MAINTAIN,
    ("POST", "/api/workflows/{workflow_id}/dispatch"): WRITERS_MAINTAIN,
    ("POST", "/api/executions/{execution_id}/rerun-failed"): WRITERS_MAINTAIN,
    ("POST", "/api/executions/{execution_id}/cancel"): WRITERS_MAINTAIN,
    ("POST", "/api/stories/generate"): READERS - {"project-viewer", "global-viewer-owner"},
    ("GET", "/api/stories"): ALL,
    ("GET", "/api/stories/{story_id}"): READERS,
    ("PATCH", "/api/stories/{story_id}"): READERS - {"project-viewer", "global-viewer-owner"},
    ("DELETE", "/api/stories/{story_id}"): WRITERS_MAINTAIN,
    ("GET", "/api/stories/{story_id}/feature"): READERS,
    ("POST", "/api/stories/{story_id}/push"): WRITERS_MAINTAIN,
    ("GET", "/api/stories/{story_id}/results"): READERS,
    ("GET", "/api/projects/{project_id}/overview"): READERS,
    ("GET", "/api/projects/{project_id}/docs"): READERS,
    ("POST", "/api/projects/{project_id}/docs/generate"): READERS - {"project-viewer", "global-viewer-owner"},
    ("GET", "/api/projects/{project_id}/docs/generate"): READERS,
    ("GET", "/api/projects/{project_id}/docs/zip"): READERS,
    ("POST", "/api/projects/{project_id}/docs/publish"): READERS - {"project-viewer", "global-viewer-owner"},
    ("GET", "/api/projects/{project_id}/docs/pr"): READERS,
    ("GET", "/api/docs/{doc_id}"): READERS,
    ("GET", "/api/docs/{doc_id}/versions"): READERS,
    ("GET", "/api/projects/{project_id}/notifications/channels"): WRITERS_MAINTAIN,
    ("POST", "/api/projects/{project_id}/notifications/channels"): WRITERS_MAINTAIN,
    ("GET", "/api/notifications/channels"): {"admin"},
    ("POST", "/api/notifications/channels"): {"admin"},
    ("PATCH", "/api/notifications/channels/{channel_id}"): WRITERS_MAINTAIN,
    ("DELETE", "/api/notifications/channels/{channel_id}"): WRITERS_MAINTAIN,
    ("POST", "/api/notifications/channels/{channel_id}/test"): WRITERS_MAINTAIN,
    ("GET", "/api/projects/{project_id}/notifications/deliveries"): WRITERS_MAINTAIN,
    ("GET", "/api/me/notifications"): ALL,
    ("POST", "/api/me/notifications/read"): ALL,
}
CLOSED_HOOK = "json://127.0.0.1:9/hook"  # the discard port: a test message fails at once
PUBLIC = {
    ("GET", "/health"),
    ("POST", "/auth/login"),
    ("POST", "/auth/refresh"),
    ("POST", "/api/webhooks/github"),
}
GITHUB_ROUTES = ("/sync", "/api/workflows/", "/api/executions/", "/push", "/publish")  # reach the fake GitHub


def test_every_route_is_in_the_matrix():
    document = create_api().openapi()
    routes = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert routes - PUBLIC == set(ROUTES)


def test_matrix_agrees_with_the_permission_table():
    readers = {name for name, (g, p) in CALLERS.items() if can(g, Permission.PROJECT_READ, p)}
    assert readers == READERS
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.PROJECT_UPDATE, p)} == WRITERS_MAINTAIN
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.MEMBERS_MANAGE, p)} == OWNERS
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.WORKFLOW_READ, p)} == READERS
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.WORKFLOW_RUN, p)} == WRITERS_MAINTAIN
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.STORY_READ, p)} == READERS
    story_writers = {n for n, (g, p) in CALLERS.items() if can(g, Permission.STORY_WRITE, p)}
    assert (
        story_writers
        == ROUTES[("POST", "/api/stories/generate")]
        == ROUTES[("PATCH", "/api/stories/{story_id}")]
    )
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.STORY_DELETE, p)} == WRITERS_MAINTAIN
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.DOCS_READ, p)} == READERS
    docs_writers = {n for n, (g, p) in CALLERS.items() if can(g, Permission.DOCS_WRITE, p)}
    assert docs_writers == story_writers == ROUTES[("POST", "/api/projects/{project_id}/docs/generate")]
    assert docs_writers == ROUTES[("POST", "/api/projects/{project_id}/docs/publish")]
    assert {n for n, (g, p) in CALLERS.items() if can(g, Permission.NOTIFY_MANAGE, p)} == WRITERS_MAINTAIN
    pushers = {n for n, (g, p) in CALLERS.items() if can(g, Permission.STORY_PUSH, p)}
    assert pushers == WRITERS_MAINTAIN == ROUTES[("POST", "/api/stories/{story_id}/push")]


@pytest.fixture
def world(app_db):
    """One project with a member of every kind; fresh for each request so deletes do not interfere."""
    tokens, users = {}, {}
    for name, (global_role, _) in CALLERS.items():
        users[name] = make_user(f"{name}@example.com", global_role)
        tokens[name] = make_token(users[name])
    extra = make_user("extra@example.com")
    with Session(get_engine(), expire_on_commit=False) as session:
        admin = Actor.of(identity_of(users["admin"]))
        project = service.create_project(session, admin, service.ProjectCreate(name="Matrix"))
        session.exec(  # the admin created it; hand ownership to the owner caller
            ProjectMember.__table__.delete().where(ProjectMember.project_id == project.id)
        )
        for name, (_, project_role) in CALLERS.items():
            if project_role is not None:
                session.add(ProjectMember(project_id=project.id, user_id=users[name].id, role=project_role))
        session.add(ProjectMember(project_id=project.id, user_id=extra.id, role=ProjectRole.member))
        session.commit()
    return {"tokens": tokens, "users": users, "project": project, "extra": extra}


def story_for(world) -> str:
    """A draft story in the matrix project, generated by the admin through the service."""
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world["users"]["admin"]))
        story = generate_story(session, actor, StoryGenerate.of(world["project"].id, STORY))
        session.commit()
        return str(story.id)


def channel_for(world) -> str:
    """A json:// channel of the matrix project, added by the admin through the service."""
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world["users"]["admin"]))
        fields = ChannelCreate(name="matrix hook", url=CLOSED_HOOK, events=["run.failed"])
        channel = notifications.create_channel(session, actor, world["project"].id, fields)
        session.commit()
        return channel["id"]


def doc_for(world, tmp_path) -> str:
    """A generated page of the matrix project (the admin ran the rule engine over a one-file directory)."""
    (tmp_path / "mod.py").write_text('def f(x: int) -> int:\n    """Twice x."""\n')
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world["users"]["admin"]))
        generation = generate_from_directory(session, actor, world["project"].id, str(tmp_path))
        page_id = generation.pages[-1]["id"]
        session.commit()
        return page_id


def request_for(client, world, caller, method, template, tmp_path=None):
    headers = bearer(world["tokens"][caller]) if caller else {}
    own_token = None
    if "{token_id}" in template and caller:
        own_token = client.post("/api/tokens", json={"name": "x"}, headers=headers).json()["id"]
    path = template.format(
        project_id=world["project"].id,
        user_id=world["extra"].id,
        token_id=own_token or "00000000-0000-0000-0000-000000000000",
        workflow_id=world.get("workflow_id"),
        execution_id=world.get("failed_id" if template.endswith("rerun-failed") else "running_id"),
        story_id=story_for(world) if "{story_id}" in template else None,
        doc_id=doc_for(world, tmp_path) if "{doc_id}" in template else None,
        channel_id=channel_for(world) if "{channel_id}" in template else None,
    )
    bodies = {
        ("POST", "/api/tokens"): {"name": "matrix"},
        ("POST", "/api/projects"): {"name": f"New by {caller}"},
        ("PATCH", "/api/projects/{project_id}"): {"description": "changed"},
        ("POST", "/api/projects/{project_id}/members"): {"email": "newcomer@example.com", "role": "viewer"},
        ("PATCH", "/api/projects/{project_id}/members/{user_id}"): {"role": "viewer"},
        ("POST", "/api/workflows/{workflow_id}/dispatch"): {"ref": "main"},
        ("POST", "/api/stories/generate"): {
            "project_id": str(world["project"].id),
            "feature_description": STORY,
        },
        ("PATCH", "/api/stories/{story_id}"): {"status": "approved"},
        ("POST", "/api/stories/{story_id}/push"): {"target": "issue"},
        ("POST", "/api/projects/{project_id}/notifications/channels"): {
            "name": "hook",
            "url": CLOSED_HOOK,
            "events": ["run.failed"],
        },
        ("POST", "/api/notifications/channels"): {
            "name": "everywhere",
            "url": CLOSED_HOOK,
            "events": ["sync.delayed"],
        },
        ("PATCH", "/api/notifications/channels/{channel_id}"): {"name": "renamed"},
        ("POST", "/api/me/notifications/read"): {"all": True},
    }
    return client.request(method, path, json=bodies.get((method, template)), headers=headers)


@pytest.mark.parametrize(("method", "template"), sorted(ROUTES))
@pytest.mark.parametrize("caller", [None, *CALLERS])
def test_route_for_caller(request, world, method, template, caller, tmp_path):
    if (method, template) == ("POST", "/api/projects/{project_id}/members"):
        make_user("newcomer@example.com")
    if any(part in template for part in GITHUB_ROUTES):
        world.update(link_world(world["project"].id, request.getfixturevalue("github_world")))
    generates = (method, template) == ("POST", "/api/projects/{project_id}/docs/generate")
    if generates or template.endswith("/docs/publish"):
        doc_for(world, tmp_path)  # the local source a generation refreshes from, the pages published
    client = api_client()
    response = request_for(client, world, caller, method, template, tmp_path)
    if generates:
        assert local_runner().wait_idle(30)
    if caller is None or (method, template) == ("POST", "/auth/logout"):
        expected = 401
    elif caller in ROUTES[(method, template)]:
        expected = 200
    else:
        expected = 403
    got = 200 if 200 <= response.status_code < 300 else response.status_code
    assert got == expected, response.text
    # The .feature export is text/plain, the docs tree a zip; everything else (refusals too) JSON.
    kind = {"/feature": "text/plain", "/zip": "application/zip"}.get(template[template.rfind("/") :])
    expected_type = kind if kind and got == 200 else "application/json"
    assert response.headers["content-type"].startswith(expected_type) or response.status_code == 204


GITHUB_WRITES = {
    "dispatch": ("/api/workflows/{workflow_id}/dispatch", "workflow.dispatch"),
    "rerun": ("/api/executions/{execution_id}/rerun-failed", "workflow.rerun_failed"),
    "cancel": ("/api/executions/{execution_id}/cancel", "workflow.cancel"),
}


@pytest.mark.parametrize("write", sorted(GITHUB_WRITES))
@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_github_writes_reach_github_only_for_maintainers_and_are_audited_first(request, world, write, caller):
    """Members, viewers (a global viewer owning the project too) and outsiders are refused before GitHub and
    the audit log; maintainers and up are audited (the request, then GitHub's answer) around one POST."""
    github_world = request.getfixturevalue("github_world")
    world.update(link_world(world["project"].id, github_world))
    template, action = GITHUB_WRITES[write]
    fake = github_world["fake"]
    fake.requests.clear()

    response = request_for(api_client(), world, caller, "POST", template)

    allowed = caller in WRITERS_MAINTAIN
    assert response.status_code == (202 if allowed else 403), response.text
    assert fake.count("POST") == (1 if allowed else 0)
    with Session(get_engine()) as session:
        rows = session.exec(select(AuditLog).where(col(AuditLog.action).startswith(action))).all()
    assert [row.action for row in rows] == ([action, f"{action}.result"] if allowed else [])
    assert all(row.user_id == world["users"][caller].id for row in rows)
