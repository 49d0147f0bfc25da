"""Workflow REST routes over the fake GitHub: lists, metrics, sync, dispatch, re-run and cancel, audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.models import AuditLog
from autodevhub.workflows.github.sync import sync_project
from tests.support import github_history as history
from tests.support.helpers import api_client, bearer
from tests.support.workflow_helpers import github_project_fixture, stored_runs  # noqa: F401 (fixture)


def synced(github_project, runs):
    fake = github_project.fake
    fake.runs = {run.id: run for run in runs}
    assert sync_project(github_project.project_id).state == "ok"
    return fake, api_client(), bearer(github_project.token)


def recent_runs():
    now = datetime.now(UTC)
    return [
        history.make_run(501, 101, now - timedelta(hours=5)),
        history.make_run(502, 101, now - timedelta(hours=4), conclusion="failure"),
        history.make_run(503, 102, now - timedelta(hours=3)),
        history.make_run(504, 101, now - timedelta(hours=1), conclusion=None),
    ]


def audit_actions() -> list[str]:
    with Session(get_engine()) as session:
        return [row.action for row in session.exec(select(AuditLog).order_by(AuditLog.id))]


def audit_trail() -> list[tuple[str, str | None]]:
    """The workflow.* actions other than syncs, oldest first, with their recorded outcome."""
    with Session(get_engine()) as session:
        rows = session.exec(
            select(AuditLog).where(AuditLog.action.startswith("workflow.")).order_by(AuditLog.id)
        )
        return [(r.action, r.audit_metadata.get("outcome")) for r in rows if r.action != "workflow.sync"]


def test_lists_and_metrics(github_project):
    _, client, headers = synced(github_project, recent_runs())
    pid = github_project.project_id

    workflows = client.get(f"/api/projects/{pid}/workflows", headers=headers).json()
    assert [(w["name"], w["dispatch"]) for w in workflows["items"]] == [
        ("CI", True),
        ("Deploy", True),
        ("Nightly", False),
    ]
    assert workflows["total"] == 3

    page = client.get(f"/api/projects/{pid}/executions", params={"limit": 2}, headers=headers).json()
    assert page["total"] == 4 and [r["github_run_id"] for r in page["items"]] == [504, 503]
    rest = client.get(
        f"/api/projects/{pid}/executions", params={"limit": 2, "offset": 2}, headers=headers
    ).json()
    assert [r["github_run_id"] for r in rest["items"]] == [502, 501]
    failed = client.get(f"/api/projects/{pid}/executions", params={"conclusion": "failure"}, headers=headers)
    assert [(r["github_run_id"], r["workflow"]) for r in failed.json()["items"]] == [(502, "CI")]
    assert failed.json()["items"][0]["jobs"][-1]["failed_steps"] == ["Run build"]
    ci_id = workflows["items"][0]["id"]
    ci = client.get(
        f"/api/projects/{pid}/executions", params={"workflow_id": ci_id, "days": 7}, headers=headers
    )
    assert ci.json()["total"] == 3
    bad = client.get(f"/api/projects/{pid}/executions", params={"status": "exploded"}, headers=headers)
    assert bad.status_code == 422

    result = client.get(f"/api/projects/{pid}/metrics", params={"days": 7}, headers=headers).json()
    assert result["summary"]["runs"] == 4 and result["summary"]["success_rate"] == 2 / 3
    assert result["dora"]["deployments"] == 1 and result["dora"]["branch"] == "main"
    assert [w["name"] for w in result["failing_workflows"]] == ["CI"]
    assert client.get(f"/api/projects/{pid}/metrics", params={"days": 14}, headers=headers).status_code == 422
    only_ci = client.get(f"/api/projects/{pid}/metrics", params={"workflow": ci_id}, headers=headers).json()
    assert only_ci["summary"]["runs"] == 3

    status = client.get(f"/api/projects/{pid}/sync", headers=headers).json()
    assert (status["state"], status["default_branch"], status["history_complete"]) == ("ok", "main", True)


def test_sync_request_runs_a_job(github_project):
    fake, client, headers = synced(github_project, [])
    fake.runs = {run.id: run for run in recent_runs()}

    response = client.post(f"/api/projects/{github_project.project_id}/sync", headers=headers)

    assert response.status_code == 202
    assert response.json()["job_id"] == f"sync:{github_project.project_id}"
    assert jobs.local_runner().wait_idle(30)
    assert set(stored_runs(github_project.project_id)) == {501, 502, 503, 504}
    assert audit_actions()[-1] == "workflow.sync"


def test_dispatch_rerun_and_cancel_reach_github_once_and_are_audited(github_project):
    fake, client, headers = synced(github_project, recent_runs())
    ids = {
        w["name"]: w["id"]
        for w in client.get(f"/api/projects/{github_project.project_id}/workflows", headers=headers).json()[
            "items"
        ]
    }
    runs = stored_runs(github_project.project_id)

    body = {"ref": "main", "inputs": {"environment": "staging"}}
    assert (
        client.post(f"/api/workflows/{ids['Deploy']}/dispatch", json=body, headers=headers).status_code == 202
    )
    assert fake.dispatches == [{"workflow_id": 102, "ref": "main", "inputs": {"environment": "staging"}}]
    missing = client.post(f"/api/workflows/{ids['Deploy']}/dispatch", json={"ref": "main"}, headers=headers)
    assert missing.status_code == 422 and "environment" in missing.json()["detail"]
    nightly = client.post(f"/api/workflows/{ids['Nightly']}/dispatch", json={"ref": "main"}, headers=headers)
    assert (nightly.status_code, nightly.json()["detail"]) == (
        422,
        "This workflow has no workflow_dispatch trigger.",
    )
    assert (
        client.post(f"/api/workflows/{ids['CI']}/dispatch", json={"ref": "../x"}, headers=headers).status_code
        == 422
    )

    assert client.post(f"/api/executions/{runs[502].id}/rerun-failed", headers=headers).status_code == 202
    assert (fake.runs[502].attempt, fake.runs[502].status) == (2, "queued")
    assert client.post(f"/api/executions/{runs[504].id}/cancel", headers=headers).status_code == 202
    assert fake.runs[504].conclusion == "cancelled"
    refused = client.post(f"/api/executions/{runs[501].id}/cancel", headers=headers)
    assert refused.json() == {
        "detail": "GitHub answered 409: Cannot cancel a workflow run that is completed."
    }

    fake.fail("POST", "/actions/workflows", 502)
    fake.requests.clear()
    down = client.post(f"/api/workflows/{ids['CI']}/dispatch", json={"ref": "main"}, headers=headers)
    assert down.status_code == 502
    assert fake.count("POST") == 1  # a POST is never retried
    # Each call is audited before it is made, its outcome after: refusals included, invalid input not.
    assert audit_trail() == [
        ("workflow.dispatch", None),
        ("workflow.dispatch.result", "accepted"),
        ("workflow.rerun_failed", None),
        ("workflow.rerun_failed.result", "accepted"),
        ("workflow.cancel", None),
        ("workflow.cancel.result", "accepted"),
        ("workflow.cancel", None),
        (
            "workflow.cancel.result",
            "failed: GitHub answered 409: Cannot cancel a workflow run that is completed.",
        ),
        ("workflow.dispatch", None),
        ("workflow.dispatch.result", "failed: GitHub answered 502: Server Error"),
    ]
