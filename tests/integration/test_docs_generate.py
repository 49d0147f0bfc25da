"""POST /api/projects/{id}/docs/generate: a job (the in-process runner here) that refreshes the docs from the
project's local source, its progress at GET .../docs/generate, the refusals, the zip and the gauge."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import Session, col, select

from autodevhub.core.db import get_engine
from autodevhub.core.jobs import local_runner
from autodevhub.documentation import runs
from autodevhub.documentation.gauges import DocsFreshnessCollector, measure
from autodevhub.features import register
from autodevhub.models import AuditLog, Project, ProjectMember, ProjectRole
from tests.integration.test_docs_service import run, world  # noqa: F401 (fixture)
from tests.support.helpers import api_client, bearer, make_token


@pytest.fixture
def member(world):  # noqa: F811
    """The outsider joins the project as a plain member (story-write level): their API token."""
    register()
    with Session(get_engine()) as session:
        user = world["users"]["outsider"]
        session.add(ProjectMember(project_id=world["project"].id, user_id=user.id, role=ProjectRole.member))
        session.commit()
    return make_token(world["users"]["outsider"])


def generate(project_id, token, body=None):
    return api_client().post(f"/api/projects/{project_id}/docs/generate", json=body, headers=bearer(token))


def status(project_id, token):
    return api_client().get(f"/api/projects/{project_id}/docs/generate", headers=bearer(token)).json()


def test_a_member_refreshes_from_the_local_source_and_follows_the_progress(world, member):  # noqa: F811
    run(world)  # the operator's first generation names the directory
    (world["source"] / "pkg" / "extra.py").write_text('def more() -> None:\n    """More."""\n')
    project_id = world["project"].id

    response = generate(project_id, member)
    assert response.status_code == 202, response.text
    assert response.json() == {"job_id": f"docs:{project_id}", "queued": True}
    assert local_runner().wait_idle(30)

    done = status(project_id, member)
    assert done["state"] == "done" and done["job_id"] == f"docs:{project_id}"
    assert done["files_read"] == 4 and done["pages_written"] == 4, done
    assert done["message"] == "4 pages written from 4 files."
    listed = api_client().get(f"/api/projects/{project_id}/docs", headers=bearer(member)).json()
    assert "pkg.extra" in {item["title"] for item in listed["items"]}
    with Session(get_engine()) as session:
        actions = session.exec(select(AuditLog.action).order_by(col(AuditLog.created_at))).all()
    assert actions[-2:] == ["docs.generate.request", "docs.generate"]


def test_viewers_outsiders_and_anonymous_callers_are_refused(world):  # noqa: F811
    run(world)
    project_id = world["project"].id
    assert generate(project_id, make_token(world["users"]["viewer"])).status_code == 403
    assert generate(project_id, make_token(world["users"]["outsider"])).status_code == 403
    assert api_client().post(f"/api/projects/{project_id}/docs/generate").status_code == 401
    assert api_client().get(f"/api/projects/{project_id}/docs/generate").status_code == 401
    assert status(project_id, make_token(world["users"]["viewer"]))["state"] == "idle"


def test_without_a_local_source_the_refusal_says_what_to_do(world, member):  # noqa: F811
    project_id = world["project"].id
    refused = generate(project_id, member)
    assert refused.status_code == 409
    assert "no documentation source yet" in refused.json()["detail"]
    assert 'autodevhub docs generate "Docs" --path' in refused.json()["detail"]
    with Session(get_engine()) as session:
        session.get(Project, project_id).repo = "acme/docs"
        session.commit()
    assert generate(project_id, member).status_code == 202  # from the linked repository now
    assert local_runner().wait_idle(30)
    failed = status(project_id, member)  # acme is no allowed owner: no credential may read it
    assert failed["state"] == "failed" and "may not act on acme/docs" in failed["message"], failed
    run(world)  # a local source wins over the linked repository
    assert generate(project_id, member).status_code == 202
    assert local_runner().wait_idle(30)
    assert status(project_id, member)["state"] == "done"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"engine": "claude"}, "Claude engine needs ANTHROPIC_API_KEY"),
        ({"engine": "magic"}, "engine must be auto, rules or claude"),
        ({"ref": "main"}, "ref needs the project's GitHub repository"),
        ({"ref": "bad..ref"}, "not a valid git ref name"),
        ({"ref": "x" * 256}, "at most 255"),
        ({"ref": 12}, "string"),
        ({"engine": "x" * 50}, "at most 20"),
    ],
)
def test_bad_bodies_get_a_clear_422(world, member, body, words):  # noqa: F811
    run(world)
    response = generate(world["project"].id, member, body)
    assert response.status_code == 422 and words in response.text, response.text


def test_a_running_generation_is_not_queued_twice_and_a_lost_one_reads_as_failed(world, member):  # noqa: F811
    run(world)
    project_id = world["project"].id
    runs.write_run(project_id, job_id=runs.job_id(project_id), state="running", message="Reading.")
    assert generate(project_id, member).json()["queued"] is False
    stamp = {"updated_at": "2020-01-01T00:00:00+00:00"}
    runs.get_cache().set(f"docs.run:{project_id}", {"state": "running", **stamp}, 60)
    lost = status(project_id, member)
    assert lost["state"] == "failed" and "interrupted" in lost["message"]


def test_a_source_gone_since_fails_the_run_with_its_reason(world, member):  # noqa: F811
    run(world)
    for path in sorted(world["source"].rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    world["source"].rmdir()
    assert generate(world["project"].id, member).status_code == 202
    assert local_runner().wait_idle(30)
    failed = status(world["project"].id, member)
    assert failed["state"] == "failed" and "is not a directory" in failed["message"]


def test_the_docs_tree_downloads_as_a_zip_for_readers_only(world):  # noqa: F811
    run(world)
    url = f"/api/projects/{world['project'].id}/docs/zip"
    response = api_client().get(url, headers=bearer(make_token(world["users"]["viewer"])))
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "docs/index.md" in names or any(name.endswith(".md") for name in names)
    assert len(names) == 3
    outsider = api_client().get(url, headers=bearer(make_token(world["users"]["outsider"])))
    assert outsider.status_code == 403


def test_the_freshness_gauge_follows_the_sources(world):  # noqa: F811
    run(world)
    with Session(get_engine()) as session:
        assert measure(session) == [(str(world["project"].id), "Docs", 100.0)]
    (world["source"] / "pkg" / "calc.py").write_text("X = 1\n")
    collector = DocsFreshnessCollector()
    (family,) = list(collector.collect())
    assert family.name == "autodevhub_docs_freshness_percent"
    assert [(s.labels["project"], s.value) for s in family.samples] == [("Docs", 33.3)]
