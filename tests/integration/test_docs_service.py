"""Docs generation through the service and the API: versions, freshness, permissions, audit, transactions."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.errors import Forbidden, InvalidInput
from autodevhub.core.identity import Actor
from autodevhub.documentation import service
from autodevhub.models import AuditLog, ProjectMember, ProjectRole, UserRole
from autodevhub.projects import service as projects
from tests.support.helpers import api_client, bearer, make_token, make_user


@pytest.fixture
def world(app_db, tmp_path):
    """A project owned by an admin, a viewer member, an outsider, and a small source tree."""
    admin, viewer, outsider = (make_user(f"{n}@example.com", r) for n, r in (("admin", UserRole.admin),
                               ("viewer", UserRole.member), ("outsider", UserRole.member)))  # fmt: skip
    with Session(get_engine(), expire_on_commit=False) as session:
        project = projects.create_project(
            session, Actor.of(identity_of(admin)), projects.ProjectCreate(name="Docs")
        )
        session.add(ProjectMember(project_id=project.id, user_id=viewer.id, role=ProjectRole.viewer))
        session.commit()
    source = tmp_path / "src"
    (source / "pkg").mkdir(parents=True)
    (source / "README.md").write_text("# Pkg\n\nA package.\n")
    (source / "pkg" / "__init__.py").write_text('"""The package."""\n')
    (source / "pkg" / "calc.py").write_text('def add(a: int, b: int = 1) -> int:\n    """Sum."""\n')
    users = {"admin": admin, "viewer": viewer, "outsider": outsider}
    return {"project": project, "source": source, "users": users}


def run(world, who: str = "admin"):
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world["users"][who]))
        generation = service.generate_from_directory(
            session, actor, world["project"].id, str(world["source"])
        )
        pages = {page["title"]: page["id"] for page in generation.pages}
        session.commit()
    return pages, generation


def test_generate_saves_pages_audits_and_parses_outside_a_transaction(world, monkeypatch):
    seen = []
    real = service.generate

    def spy(tree):
        seen.append(session.in_transaction())
        return real(tree)

    monkeypatch.setattr(service, "generate", spy)
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world["users"]["admin"]))
        generation = service.generate_from_directory(
            session, actor, world["project"].id, str(world["source"])
        )
        session.commit()
        entry = session.exec(select(AuditLog).where(AuditLog.action == "docs.generate")).one()
    assert seen == [False]
    assert [page["title"] for page in generation.pages] == ["Overview", "pkg", "pkg.calc"]
    assert generation.stats["files_read"] == 3 and generation.stats["tokens"] == 0
    assert entry.audit_metadata["pages"] == 3 and entry.audit_metadata["engine"] == "rules"


def test_regeneration_keeps_the_previous_version_and_freshness_follows_hashes(world):
    pages, _ = run(world)
    client, token = api_client(), make_token(world["users"]["viewer"])
    listed = client.get(f"/api/projects/{world['project'].id}/docs", headers=bearer(token)).json()
    assert listed["total"] == 3 and listed["freshness"] == {
        "pages": 3,
        "fresh": 3,
        "stale": 0,
        "unknown": 0,
        "percent": 100.0,
        "error": None,
    }

    (world["source"] / "pkg" / "calc.py").write_text('def add(a: int, b: int = 2) -> int:\n    """Sum."""\n')
    listed = client.get(f"/api/projects/{world['project'].id}/docs", headers=bearer(token)).json()
    stale = {item["title"]: item["stale_sources"] for item in listed["items"] if item["stale_sources"]}
    assert stale == {"Overview": ["pkg/calc.py"], "pkg.calc": ["pkg/calc.py"]}
    assert listed["freshness"]["percent"] == 33.3

    again, _ = run(world)
    assert again == pages  # same ids: a page is updated in place
    page = client.get(f"/api/docs/{pages['pkg.calc']}", headers=bearer(token)).json()
    assert "b: int = 2" in page["content"] and page["version_info"]["version"] == 2
    assert page["version_info"]["sources"]["pkg/calc.py"] and page["version_info"]["engine"] == "rules"
    assert "root" not in page["version_info"]  # the server's own path stays on the server
    versions = client.get(f"/api/docs/{pages['pkg.calc']}/versions", headers=bearer(token)).json()
    assert "root" not in versions["items"][0]["version_info"]
    assert versions["total"] == 1 and "b: int = 1" in versions["items"][0]["content"]
    unchanged = client.get(f"/api/docs/{pages['pkg']}/versions", headers=bearer(token)).json()
    assert unchanged["total"] == 0  # same sources, same text: no new version


def test_viewers_read_but_do_not_generate_and_outsiders_see_nothing(world):
    pages, _ = run(world)
    with pytest.raises(Forbidden):
        run(world, "viewer")
    token = make_token(world["users"]["outsider"])
    client = api_client()
    assert client.get(f"/api/projects/{world['project'].id}/docs", headers=bearer(token)).status_code == 403
    assert client.get(f"/api/docs/{pages['pkg']}", headers=bearer(token)).status_code == 403
    assert client.get(f"/api/docs/{pages['pkg']}/versions").status_code == 401


def test_a_missing_directory_is_refused_and_nothing_is_written(world, tmp_path):
    world["source"] = tmp_path / "nowhere"
    with pytest.raises(InvalidInput):
        run(world)
    token = make_token(world["users"]["admin"])
    listed = api_client().get(f"/api/projects/{world['project'].id}/docs", headers=bearer(token)).json()
    assert listed == {
        "items": [],
        "total": 0,
        "freshness": {"pages": 0, "fresh": 0, "stale": 0, "unknown": 0, "percent": None, "error": None},
    }
