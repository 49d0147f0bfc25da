"""Scenario results read back from CI (issue 14, items 2 and 3): a workflow_run webhook of the default
branch -> the run's report artifacts listed and downloaded from the fake GitHub (zips of the reports a real
behave run wrote) -> each scenario's result kept on its story -> GET /api/stories/{id}/results, the story
list's `failing` filter, and with status-from-results on, the story done when all passed and back in
progress when one fails."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.models import AuditLog, ProjectRole, StoryScenarioResult, UserStory, WorkflowExecution
from autodevhub.stories.feature_tags import story_tag, tagged_feature
from tests.support import github_history as history
from tests.support.behave_reports import GHERKIN, run_behave, zipped
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.webhook_helpers import app_db_on_both, hook_fixture, run_payload  # noqa: F401 (fixtures)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

NOW = datetime.now(UTC).replace(microsecond=0)


def story_with_gherkin(github_project, status: str = "approved") -> str:
    """A story whose Gherkin is the behave suite's feature, moved to `status`."""
    client, auth = api_client(), bearer(github_project.token)
    made = client.post(
        "/api/stories/generate",
        json={"project_id": str(github_project.project_id), "feature_description": "Export invoices as CSV."},
        headers=auth,
    )
    assert made.status_code == 201, made.text
    story_id = made.json()["id"]
    edited = client.patch(f"/api/stories/{story_id}", json={"gherkin_output": GHERKIN}, headers=auth)
    assert edited.status_code == 200, edited.text
    if status != "draft":
        moved = client.patch(f"/api/stories/{story_id}", json={"status": status}, headers=auth)
        assert moved.status_code == 200, moved.text
    return story_id


def settings(github_project, **results) -> None:
    response = api_client().patch(
        f"/api/projects/{github_project.project_id}",
        json={"results": results},
        headers=bearer(github_project.token),
    )
    assert response.status_code == 200, response.text


def completed_run(github_project, hook, run_id: int, minutes: int, artifacts: dict[str, bytes], **options):
    """A CI run on main uploading `artifacts` (name -> zip), announced by a signed workflow_run webhook."""
    run = history.make_run(run_id, 101, NOW + timedelta(minutes=minutes))
    github_project.fake.runs[run.id] = run
    for name, data in artifacts.items():
        github_project.fake.artifacts.add(run, name, data, **options.get(name, {}))
    assert hook("workflow_run", run_payload(run)).status_code == 202
    return run


def results_of(story_id: str, token: str):
    return api_client().get(f"/api/stories/{story_id}/results", headers=bearer(token))


def status_of(story_id: str) -> str:
    with Session(get_engine()) as session:
        return session.get(UserStory, uuid.UUID(story_id)).status.value


def reports_noted(run_id: int) -> list[dict]:
    with Session(get_engine()) as session:
        row = session.exec(select(WorkflowExecution).where(WorkflowExecution.github_run_id == run_id)).one()
        return row.artifacts["reports"]


def test_results_come_back_and_move_the_story_when_asked(github_project, hook, tmp_path) -> None:
    story_id = story_with_gherkin(github_project)
    settings(github_project, status_from_results=True)
    feature = tagged_feature(GHERKIN, uuid.UUID(story_id))
    passing = run_behave(tmp_path / "green", feature)
    first = completed_run(
        github_project, hook, 801, 0, {"cucumber-report": zipped({"cucumber.json": passing["cucumber.json"]})}
    )
    shown = results_of(story_id, github_project.token)
    assert shown.status_code == 200, shown.text
    assert shown.json()["total"] == 3
    assert {item["result"] for item in shown.json()["items"]} == {"passed"}
    assert shown.json()["items"][0]["run_url"].endswith(f"/actions/runs/{first.id}")
    assert status_of(story_id) == "done"  # approved -> in progress -> done, one FLOW step at a time
    # The bug lands on main: the JUnit report (behave --junit) of the next run has one scenario failing.
    failing = run_behave(tmp_path / "red", feature, bug=True)
    junit = {name: data for name, data in failing.items() if name.endswith(".xml")}
    second = completed_run(github_project, hook, 802, 10, {"junit-results": zipped(junit)})
    items = {item["scenario"]: item for item in results_of(story_id, github_project.token).json()["items"]}
    assert items["Export stops at the row limit"]["result"] == "failed"
    assert items["Export stops at the row limit"]["run_id"] == second.id
    assert items["Export as CSV"]["result"] == "passed" and items["Export as CSV"]["run_id"] == second.id
    assert status_of(story_id) == "in_progress"
    with Session(get_engine()) as session:
        audit = session.exec(
            select(AuditLog).where(AuditLog.resource_id == story_id, AuditLog.action == "story.update")
        ).all()
    back = [row.audit_metadata for row in audit if row.audit_metadata.get("status_to") == "in_progress"][-1]
    assert back["status_from"] == "done" and back["run"] == second.id
    assert back["run_url"].endswith(f"/actions/runs/{second.id}")
    assert back["failed"] == ["Export stops at the row limit"]
    assert reports_noted(second.id) == [
        {
            "id": github_project.fake.artifacts.of_run(second.id)[0].id,
            "name": "junit-results",
            "outcome": "read: 3 scenarios",
        }
    ]
    # The token went to GitHub's API only, never to artifact storage.
    stored = [
        tok
        for (_, path), tok in zip(github_project.fake.requests, github_project.fake.tokens, strict=True)
        if path.startswith("/_storage/")
    ]
    assert len(stored) == 2 and stored == [None, None]
    # The story list's failing filter.
    listed = (
        api_client()
        .get("/api/stories", params={"failing": "true"}, headers=bearer(github_project.token))
        .json()
    )
    assert [item["id"] for item in listed["items"]] == [story_id]
    others = (
        api_client()
        .get("/api/stories", params={"failing": "false"}, headers=bearer(github_project.token))
        .json()
    )
    assert story_id not in [item["id"] for item in others["items"]]


def test_off_by_default_and_a_late_older_run_changes_nothing(github_project, hook, tmp_path) -> None:
    story_id = story_with_gherkin(github_project)
    feature = tagged_feature(GHERKIN, uuid.UUID(story_id))
    red = run_behave(tmp_path / "red", feature, bug=True)
    green = run_behave(tmp_path / "green", feature)
    completed_run(
        github_project, hook, 811, 10, {"cucumber": zipped({"cucumber.json": red["cucumber.json"]})}
    )
    completed_run(
        github_project, hook, 810, 0, {"cucumber": zipped({"cucumber.json": green["cucumber.json"]})}
    )
    items = {i["scenario"]: i for i in results_of(story_id, github_project.token).json()["items"]}
    assert items["Export stops at the row limit"]["result"] == "failed"  # run 811 is newer than 810
    assert {item["run_id"] for item in items.values()} == {811}
    assert status_of(story_id) == "approved"  # status from results is off by default


def test_bad_artifacts_are_skipped_with_a_reason_and_the_good_one_is_read(
    github_project, hook, tmp_path
) -> None:
    story_id = story_with_gherkin(github_project)
    junit = {n: d for n, d in run_behave(tmp_path, GHERKIN).items() if n.endswith(".xml")}  # untagged
    bomb = zipped({"cucumber.json": b"[" + b" " * (30 * 1024 * 1024) + b"]"})
    run = completed_run(
        github_project,
        hook,
        820,
        0,
        {
            "cucumber-broken": b"PK\x03\x04 this is not a zip",
            "cucumber-huge": b"PK",
            "cucumber-bomb": bomb,
            "junit-streamed": zipped(junit) + b"\0" * (21 * 1024 * 1024),
            "cucumber-garbled": zipped({"cucumber.json": b"{not json"}),
            "junit-ok": zipped(junit),
            "coverage": b"not a report",
        },
        **{
            "cucumber-huge": {"size_in_bytes": 100 * 1024 * 1024},
            "junit-streamed": {"size_in_bytes": 1024, "unsized": True},
        },
    )
    notes = {note["name"]: note["outcome"] for note in reports_noted(run.id)}
    assert notes["junit-ok"] == "read: 3 scenarios"
    assert notes["cucumber-broken"].startswith("skipped: not a zip file")
    assert (
        notes["cucumber-huge"]
        == f"skipped: artifact cucumber-huge is {100 * 1024 * 1024} bytes, over {20 * 1024 * 1024}"
    )
    assert notes["cucumber-bomb"].startswith("skipped: cucumber.json: too large once inflated")
    assert notes["junit-streamed"] == f"skipped: artifact junit-streamed is over {20 * 1024 * 1024} bytes"
    assert notes["cucumber-garbled"] == "skipped: cucumber.json: not valid JSON"
    assert "coverage" not in notes  # not a report by the default patterns, never downloaded
    artifact_paths = [
        path
        for _, path in github_project.fake.requests
        if "/artifacts/" in path or path.startswith("/_storage/")
    ]
    huge = next(a for a in github_project.fake.artifacts.of_run(run.id) if a.name == "cucumber-huge")
    assert not any(str(huge.id) in path for path in artifact_paths)  # refused by its size, not downloaded
    items = results_of(story_id, github_project.token).json()["items"]  # mapped by the Feature's name
    assert sorted((i["scenario"], i["result"]) for i in items) == [
        ("Export as CSV", "passed"),
        ("Export stops at the row limit", "passed"),
        ("Nothing to export", "passed"),
    ]


def test_patterns_are_a_project_setting(github_project, hook, tmp_path) -> None:
    story_id = story_with_gherkin(github_project)
    refused = api_client().patch(
        f"/api/projects/{github_project.project_id}",
        json={"results": {"artifact_patterns": ["../etc/*"]}},
        headers=bearer(github_project.token),
    )
    assert refused.status_code == 422
    settings(github_project, artifact_patterns=["bdd-*"])
    report = run_behave(tmp_path, tagged_feature(GHERKIN, uuid.UUID(story_id)))["cucumber.json"]
    completed_run(
        github_project,
        hook,
        830,
        0,
        {"cucumber": zipped({"c.json": report}), "bdd-report": zipped({"c.json": report})},
    )
    assert reports_noted(830) == [
        {
            "id": github_project.fake.artifacts.of_run(830)[1].id,
            "name": "bdd-report",
            "outcome": "read: 3 scenarios",
        }
    ]
    assert results_of(story_id, github_project.token).json()["total"] == 3


def test_results_are_read_by_viewers_and_refused_to_outsiders(github_project, hook, tmp_path) -> None:
    story_id = story_with_gherkin(github_project)
    report = run_behave(tmp_path, tagged_feature(GHERKIN, uuid.UUID(story_id)))["cucumber.json"]
    completed_run(github_project, hook, 840, 0, {"cucumber": zipped({"cucumber.json": report})})
    viewer, outsider = make_user("viewer@example.com"), make_user("outsider@example.com")
    added = api_client().post(
        f"/api/projects/{github_project.project_id}/members",
        json={"email": viewer.email, "role": ProjectRole.viewer.value},
        headers=bearer(github_project.token),
    )
    assert added.status_code == 201, added.text
    seen = results_of(story_id, make_token(viewer))
    assert seen.status_code == 200 and seen.json()["total"] == 3
    outsider_token = make_token(outsider)
    hidden = results_of(story_id, outsider_token)  # as the story itself: 403, like every story route
    story = api_client().get(f"/api/stories/{story_id}", headers=bearer(outsider_token))
    assert hidden.status_code == story.status_code == 403 and hidden.json()["detail"]
    assert results_of(str(uuid.uuid4()), github_project.token).status_code == 404
    assert (
        api_client()
        .get(f"/api/stories/{story_id}/results", params={"limit": 0}, headers=bearer(github_project.token))
        .status_code
        == 422
    )
    with Session(get_engine()) as session:
        assert len(session.exec(select(StoryScenarioResult)).all()) == 3
    assert story_tag(story_id) in tagged_feature(GHERKIN, uuid.UUID(story_id))
