"""The project overview's numbers against hand-counted fixtures (support/workflow_fixture.py and the stories
and audit entries below), on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core import audit
from autodevhub.core.db import get_engine
from autodevhub.core.errors import InvalidInput
from autodevhub.core.identity import Actor
from autodevhub.dashboard import service
from autodevhub.dashboard import spend as spend_module
from autodevhub.dashboard.ui.rows import spend_lines
from autodevhub.documentation.service import Generation, generate_from_directory
from autodevhub.models import (
    AuditLog,
    Documentation,
    RunStatus,
    StoryStatus,
    User,
    UserStory,
    Workflow,
    WorkflowExecution,
    utcnow,
)
from autodevhub.workflows import service as workflows
from autodevhub.workflows.github import store
from autodevhub.workflows.metrics import ci as metrics
from tests.support.fake_anthropic import fake_anthropic_fixture  # noqa: F401 (fixture)
from tests.support.workflow_fixture import NOW, at, finished_run, load

APPROX = pytest.approx
CLAUDE = {"model": "claude-x", "input_tokens": 1000, "output_tokens": 500, "cost_usd": 0.02}
# key: (created, status, metadata); NOW is 2025-03-31 12:00, so March is this month and February the last.
STORIES = {
    "s1": (
        "03-10 09:00",
        StoryStatus.approved,
        {"engine": "claude", "claude": CLAUDE, "cache": {"hit": False}},
    ),
    "s2": ("03-20 09:00", StoryStatus.draft, {"engine": "claude", "claude": CLAUDE, "cache": {"hit": True}}),
    "s3": (
        "02-15 09:00",
        StoryStatus.done,
        {"engine": "rules", "claude": {**CLAUDE, "input_tokens": 200, "output_tokens": 0, "cost_usd": 0.001}},
    ),
    "s4": ("02-20 09:00", StoryStatus.draft, {"engine": "rules", "rules": {"version": "1"}}),
    "s5": ("01-31 09:00", StoryStatus.archived, {"engine": "rules"}),
}


@pytest.fixture(params=["app_db", "app_postgres"], ids=["sqlite", "postgres"])
def world(request):
    """The metrics fixture's project with the stories above and audit entries of every kind."""
    request.getfixturevalue(request.param)
    with Session(get_engine(), expire_on_commit=False) as session:
        project, workflows_ = load(session)
        other, _ = load(session, "Elsewhere")
        owner = session.get(User, project.owner_id)
        stories = {}
        for key, (created, status, metadata) in STORIES.items():
            moment = at(created)
            stories[key] = UserStory(
                project_id=project.id,
                feature_description=f"Story {key}",
                status=status,
                story_metadata=metadata,
                created_at=moment,
                updated_at=moment,
            )
        foreign = UserStory(
            project_id=other.id, feature_description="Not ours", story_metadata={"engine": "claude"}
        )
        session.add_all([*stories.values(), foreign])
        session.flush()
        running = session.exec(
            select(WorkflowExecution).where(
                WorkflowExecution.project_id == project.id, WorkflowExecution.status == RunStatus.in_progress
            )
        )
        actor = Actor.of(identity_of(owner))
        entries = [
            ("project.create", "project", project.id, {}),
            ("story.update", "story", stories["s1"].id, {"status_from": "draft", "status_to": "approved"}),
            ("workflow.dispatch", "workflow", workflows_["CI"].id, {"ref": "main"}),
            ("workflow.cancel", "execution", running.one().id, {}),
            ("story.delete", "story", uuid.uuid4(), {"project_id": str(project.id)}),
            ("story.generate", "story", foreign.id, {"project_id": str(other.id)}),  # another project's
            ("settings.update", "setting", "signup_mode", {}),  # not a uuid: never cast
            ("project.update", "project", other.id, {}),
        ]
        for minute, (action, kind, resource, details) in enumerate(entries):
            entry = audit.record(session, actor, action, kind, resource, **details)
            entry.created_at = NOW - timedelta(hours=1) + timedelta(minutes=minute)
        session.commit()
        yield session, project, identity_of(owner), stories


def overview(world, **options):
    session, project, identity, _ = world
    return service.project_overview(session, identity, project.id, now=NOW, **options)


def test_kpis_and_dora_are_the_workflows_pages_numbers(world):
    found = overview(world, days=7)
    # The hand count of test_workflow_metrics: 15 runs, 8 successes, 4 failures, p50 300 s, p50 queue 10 s.
    ci = found["ci"]
    assert (ci["runs"], ci["successes"], ci["failures"]) == (15, 8, 4)
    assert (ci["success_rate"], ci["p50_duration"], ci["p50_queue"]) == (
        APPROX(8 / 12),
        APPROX(300),
        APPROX(10),
    )
    dora = found["dora"]
    assert (dora["deployments"], dora["failed_deployments"], dora["incidents"]) == (4, 3, 2)
    assert {k: dora[k]["band"] for k in ("deployment_frequency", "lead_time", "change_failure_rate")} == {
        "deployment_frequency": "high",
        "lead_time": "elite",
        "change_failure_rate": "low",
    }
    assert dora["time_to_restore"] == {"seconds": APPROX(6900), "band": "high"}
    assert found["window"]["days"] == 7 and found["alerts"] == []
    month = overview(world)
    assert month["ci"]["runs"] == 16 and month["dora"]["deployment_frequency"]["band"] == "medium"


@pytest.mark.parametrize("days", [7, 30, 90])
def test_every_tile_equals_the_workflows_page(world, monkeypatch, days):
    session, project, identity, _ = world
    for module in (metrics, service):  # "now" of both pages' windows
        monkeypatch.setattr(module, "utcnow", lambda: NOW)
    page = workflows.project_metrics(session, identity, project.id, days=days)
    found = service.project_overview(session, identity, project.id, days=days)
    assert found["window"] == page["window"]
    assert (found["ci"], found["dora"]) == (page["summary"], page["dora"])


def generate_docs(world, directory, engine: str = "rules") -> Generation:
    """The owner generates the project's docs from a local directory through the docs service."""
    _, project, identity, _ = world
    with Session(get_engine()) as session:
        done = generate_from_directory(session, Actor.of(identity), project.id, str(directory), engine=engine)
        session.commit()
    return done


def test_docs_pages_and_freshness_without_github(world, tmp_path):
    session, project, _, _ = world
    assert overview(world)["docs"] == {
        "pages": 0,
        "fresh": 0,
        "stale": 0,
        "unknown": 0,
        "percent": None,
        "href": f"/docs?project={project.id}",
    }
    (tmp_path / "mod.py").write_text('def f(x: int) -> int:\n    """Twice x."""\n')
    pages = len(generate_docs(world, tmp_path).pages)
    session.expire_all()
    found = overview(world)["docs"]
    assert pages >= 1 and (found["pages"], found["fresh"], found["stale"], found["percent"]) == (
        pages,
        pages,
        0,
        100.0,
    )
    (tmp_path / "mod.py").write_text('def f(x: int) -> int:\n    """Thrice x."""\n')
    found = overview(world)["docs"]
    assert (found["fresh"], found["stale"], found["percent"]) == (0, pages, 0.0)
    # A page from GitHub would need the compare API: the overview counts it unknown and asks nothing.
    github = {"ref": "main", "commit": "a" * 40, "repository": "octo/metrics", "sources": {"mod.py": "x"}}
    session.add(
        Documentation(project_id=project.id, doc_type="api", title="<b>Remote</b>", version_info=github)
    )
    session.commit()
    found = overview(world)["docs"]
    assert (found["pages"], found["stale"], found["unknown"], found["percent"]) == (pages + 1, pages, 1, 0.0)


def test_docs_claude_spend_is_an_engine_beside_the_stories(world, tmp_path, fake_anthropic):
    session, project, identity, _ = world
    (tmp_path / "mod.py").write_text('def f(x: int) -> int:\n    """Twice x."""\n')
    done = generate_docs(world, tmp_path, engine="claude")
    assert done.claude["summarized"] >= 1 and done.stats["tokens"] > 0
    session.expire_all()
    now = utcnow()
    spend = service.project_overview(session, identity, project.id, now=now)["ai_spend"]
    month = spend["this_month"]
    (docs,) = month["engines"]  # the stories are from 2025: only the docs engine spent this month
    assert (docs["engine"], docs["model"], docs["stories"], docs["pages"]) == (
        "docs",
        done.claude["model"],
        0,
        done.claude["summarized"],
    )
    assert docs["input_tokens"] + docs["output_tokens"] == done.stats["tokens"]
    assert docs["output_tokens"] > 0 and docs["cost_usd"] == APPROX(done.stats["cost_usd"])
    assert (month["pages"], month["stories"], month["cost_usd"]) == (docs["pages"], 0, docs["cost_usd"])
    assert spend["last_month"]["engines"] == []
    (line, _) = spend_lines(spend)  # the page's words
    spent = f"{done.stats['tokens']:,} tokens, ${docs['cost_usd']:.4f}"
    assert line.engines == [f"docs · {docs['model']}: {docs['pages']} pages, {spent}"]
    # A page generated last month counts there, by its generated_at.
    row = session.exec(select(Documentation).where(Documentation.project_id == project.id)).first()
    moved = spend_module.month_starts(now)[1] + timedelta(days=2)
    row.version_info = {**row.version_info, "generated_at": moved.isoformat()}
    session.add(row)
    session.commit()
    spend = service.project_overview(session, identity, project.id, now=now)["ai_spend"]
    (last,) = spend["last_month"]["engines"]
    assert (last["engine"], last["pages"], spend["last_month"]["pages"]) == ("docs", 1, 1)
    assert spend["this_month"]["pages"] + 1 == docs["pages"]
    assert spend["this_month"]["cost_usd"] + spend["last_month"]["cost_usd"] == APPROX(docs["cost_usd"])


def test_last_runs_and_stories_newest_first(world):
    found = overview(world)
    runs = found["last_runs"]
    assert runs["total"] == 17 and len(runs["items"]) == 10
    assert runs["items"][0]["created_at"] == at("03-31 11:00").isoformat()  # c5, still running
    assert [s["feature_description"] for s in found["last_stories"]["items"]] == [
        "Story s2",
        "Story s1",
        "Story s4",
        "Story s3",
        "Story s5",
    ]
    assert found["stories"] == {
        "total": 5,
        "by_status": {"draft": 2, "approved": 1, "in_progress": 0, "done": 1, "archived": 1},
    }


def test_ai_spend_this_month_and_last_month(world):
    spend = overview(world)["ai_spend"]
    # March: s1 spent 1000 + 500 tokens, $0.02; s2 was a cache hit (no cost). February: s3's Claude attempt
    # fell back to the rules (200 tokens, $0.001), s4 used the rules only. s5 (January) is out.
    assert spend["this_month"]["since"] == at("03-01 00:00").isoformat()
    assert (spend["this_month"]["stories"], spend["this_month"]["input_tokens"]) == (2, 1000)
    assert spend["this_month"]["output_tokens"] == 500
    assert spend["this_month"]["cost_usd"] == APPROX(0.02)
    assert spend["this_month"]["engines"] == [
        {
            "engine": "claude",
            "model": "claude-x",
            "stories": 2,
            "cached": 1,
            "pages": 0,
            "input_tokens": 1000,
            "output_tokens": 500,
            "cost_usd": APPROX(0.02),
        }
    ]
    last = spend["last_month"]
    assert (last["since"], last["until"]) == (at("02-01 00:00").isoformat(), at("03-01 00:00").isoformat())
    assert (last["stories"], last["input_tokens"], last["cost_usd"]) == (2, 200, APPROX(0.001))
    assert [(e["engine"], e["model"], e["stories"]) for e in last["engines"]] == [
        ("rules", None, 1),
        ("rules", "claude-x", 1),
    ]


def test_activity_is_the_projects_audit_entries_newest_first(world):
    items = overview(world)["activity"]["items"]
    assert [item["action"] for item in items] == [
        "story.delete",
        "workflow.cancel",
        "workflow.dispatch",
        "story.update",
        "project.create",
    ]
    assert items[3]["summary"] == "moved a story to approved"
    assert items[0]["user"] == "metrics@example.com"
    first = overview(world, activity_limit=2)["activity"]
    assert ([i["action"] for i in first["items"]], first["has_more"]) == (
        ["story.delete", "workflow.cancel"],
        True,
    )
    session, project, identity, _ = world
    rest = service.project_activity(session, identity, project.id, limit=2, offset=4)
    assert ([i["action"] for i in rest["items"]], rest["has_more"]) == (["project.create"], False)


def test_a_failing_default_branch_is_an_alert(world):
    session, project, _, _ = world
    ci = session.exec(  # c1
        select(WorkflowExecution).where(
            WorkflowExecution.project_id == project.id, WorkflowExecution.github_run_id == 1
        )
    ).one()
    session.add(finished_run(session.get(Workflow, ci.workflow_id), 99, "failure", at("03-31 10:00")))
    session.commit()
    assert overview(world)["alerts"] == [
        {"kind": "failing_branch", "message": "main is failing: CI", "workflows": ["CI"]}
    ]


def test_run_metrics_are_shared_until_the_runs_change(world):
    session, project, _, _ = world
    assert overview(world)["ci"]["runs"] == 16
    ci = session.exec(select(Workflow).where(Workflow.project_id == project.id, Workflow.name == "CI")).one()
    session.add(finished_run(ci, 98, "success", at("03-31 11:00")))
    session.commit()  # stored without marking the project changed: the cached numbers stand
    assert overview(world)["ci"]["runs"] == 16
    store.touch(session, project.id)  # what webhooks and syncs do after storing runs
    session.commit()
    assert overview(world)["ci"]["runs"] == 17
    found = service.project_overview(session, world[2], project.id, now=NOW + timedelta(days=400))
    assert found["ci"]["runs"] == 0  # another moment is another window, never a cached one


@pytest.mark.parametrize(
    "options",
    [
        {"days": 14},
        {"activity_limit": 0},
        {"activity_limit": 51},
        {"activity_offset": -1},
        {"activity_limit": "5"},
    ],
)
def test_arguments_are_checked(world, options):
    with pytest.raises(InvalidInput):
        overview(world, **options)


def test_the_audit_entries_are_untouched(world):
    assert len(world[0].exec(select(AuditLog)).all()) == 8


def test_stories_without_engine_metadata_count_apart(world):
    session, project, _, _ = world
    session.add(UserStory(project_id=project.id, feature_description="Seeded", created_at=at("03-15 09:00")))
    session.commit()
    engines = overview(world)["ai_spend"]["this_month"]["engines"]
    assert [(e["engine"], e["model"], e["stories"], e["input_tokens"]) for e in engines] == [
        (None, None, 1, 0),
        ("claude", "claude-x", 2, 1000),
    ]
