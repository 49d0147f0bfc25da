"""Every CI and DORA metric against numbers worked out by hand (support/workflow_fixture.py), on both DBs."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from autodevhub.core.db import get_engine
from autodevhub.workflows.metrics import ci as metrics
from autodevhub.workflows.metrics import dora
from tests.support.workflow_fixture import NOW, load

APPROX = pytest.approx


@pytest.fixture(params=["app_db", "app_postgres"], ids=["sqlite", "postgres"])
def loaded(request):
    """The fixture's project in a migrated database of each kind; yields (session, project, workflows)."""
    request.getfixturevalue(request.param)
    with Session(get_engine()) as session:
        project, workflows = load(session)
        yield session, project, workflows


def scope(project, days=7, **filters):
    return metrics.scope_for(project.id, days, now=NOW, **filters)


def names(session, project):
    return metrics.workflow_names(session, project.id)


def test_summary_for_seven_days(loaded):
    session, project, _ = loaded
    # 15 runs from 03-24 12:00 on (c1-c5, c8, d1-d9); c5 still runs; c4 and d9 were cancelled.
    # Durations: 50 60 100 150 200 300 300 300 300 600 600 600 900 1200 -> p50 = 300, p95 = 900 + .35 * 300.
    # Queue times: 5 5 5 10 15 20 30 -> mean 90 / 7, p50 = 10, p95 = 20 + .7 * 10.
    assert metrics.summary(session, scope(project)) == {
        "runs": 15,
        "completed": 14,
        "successes": 8,
        "failures": 4,
        "success_rate": APPROX(8 / 12),
        "p50_duration": APPROX(300),
        "p95_duration": APPROX(1005),
        "mean_queue": APPROX(90 / 7),
        "p50_queue": APPROX(10),
        "p95_queue": APPROX(27),
    }


def test_longer_windows_and_filters(loaded):
    session, project, workflows = loaded
    month = metrics.summary(session, scope(project, 30))  # adds c6 (03-20, success)
    assert (month["runs"], month["successes"], month["failures"]) == (16, 9, 4)
    quarter = metrics.summary(session, scope(project, 90))  # adds c7 (01-15, timed out)
    assert (quarter["runs"], quarter["failures"], quarter["success_rate"]) == (17, 5, APPROX(9 / 14))
    ci = metrics.summary(session, scope(project, workflow_id=workflows["CI"].id))
    assert (ci["runs"], ci["successes"], ci["failures"], ci["p50_duration"]) == (6, 3, 1, APPROX(150))
    assert metrics.summary(session, scope(project, branch="feat"))["runs"] == 2
    pulls = metrics.summary(session, scope(project, event="pull_request"))
    assert (pulls["runs"], pulls["successes"], pulls["success_rate"]) == (2, 1, APPROX(1.0))
    with pytest.raises(Exception, match="7, 30 or 90"):
        metrics.scope_for(project.id, 14)


def test_runs_per_day_by_outcome(loaded):
    session, project, _ = loaded
    assert metrics.runs_per_day(session, scope(project)) == [
        {"day": "2025-03-25", "outcome": "success", "count": 1},
        {"day": "2025-03-26", "outcome": "failure", "count": 2},
        {"day": "2025-03-26", "outcome": "success", "count": 1},
        {"day": "2025-03-28", "outcome": "success", "count": 1},
        {"day": "2025-03-29", "outcome": "cancelled", "count": 1},
        {"day": "2025-03-29", "outcome": "success", "count": 2},
        {"day": "2025-03-30", "outcome": "failure", "count": 2},
        {"day": "2025-03-30", "outcome": "success", "count": 3},
        {"day": "2025-03-31", "outcome": "cancelled", "count": 1},
        {"day": "2025-03-31", "outcome": "in_progress", "count": 1},
    ]


def test_duration_trend_per_day(loaded):
    session, project, _ = loaded
    trend = metrics.duration_trend(session, scope(project))
    assert [(t["day"], t["runs"], t["p50"], t["p95"]) for t in trend] == [
        ("2025-03-25", 1, 600, 600),
        ("2025-03-26", 3, 300, APPROX(300 + 0.9 * 900)),  # 300 300 1200
        ("2025-03-28", 1, 600, 600),
        ("2025-03-29", 3, 300, 300),  # 50 300 300
        ("2025-03-30", 5, 200, APPROX(600 + 0.8 * 300)),  # 100 150 200 600 900
        ("2025-03-31", 1, 60, 60),
    ]


def test_success_rate_and_durations_per_workflow(loaded):
    session, project, workflows = loaded
    rows = metrics.per_workflow(session, scope(project), names(session, project))
    assert rows == [
        {
            "workflow_id": str(workflows["CI"].id),
            "name": "CI",
            "runs": 6,
            "successes": 3,
            "failures": 1,
            "success_rate": APPROX(0.75),
            "p50_duration": APPROX(150),  # 50 100 150 200 300
            "p95_duration": APPROX(200 + 0.8 * 100),
        },
        {
            "workflow_id": str(workflows["Deploy"].id),
            "name": "Deploy production",
            "runs": 9,
            "successes": 5,
            "failures": 3,
            "success_rate": APPROX(5 / 8),
            "p50_duration": APPROX(600),  # 60 300 300 300 600 600 600 900 1200
            "p95_duration": APPROX(900 + 0.6 * 300),
        },
    ]


def test_most_failing_and_flaky_jobs(loaded):
    session, project, _ = loaded
    workflow_names = names(session, project)
    assert metrics.failing_jobs(session, scope(project), workflow_names) == [
        {"workflow": "Deploy production", "job": "deploy", "failures": 3},
        {"workflow": "CI", "job": "tests", "failures": 3},
        {"workflow": "CI", "job": "lint", "failures": 1},
    ]
    assert metrics.failing_jobs(session, scope(project, 90), workflow_names)[0] == {
        "workflow": "CI",
        "job": "tests",
        "failures": 4,
    }
    # tests failed, then passed on a1 (re-run) and a2 (c2, then c8); lint on a2; on a3 it passed, then failed.
    assert metrics.flaky_jobs(session, scope(project), workflow_names) == [
        {"workflow": "CI", "job": "tests", "commits": 2, "last_seen": "2025-03-30T12:05:00+00:00"},
        {"workflow": "CI", "job": "lint", "commits": 1, "last_seen": "2025-03-30T12:04:00+00:00"},
    ]


def test_dora_metrics_and_bands(loaded):
    session, project, _ = loaded
    # Deploys on main: d1 d4 d5 d7 succeeded, d2 d3 d6 failed; d8 ran on hotfix, d9 was cancelled.
    # Lead times 7800 4800 86400 1500 -> median 6300 s. Incidents: d2, restored by d4 (12:20 - 09:05 =
    # 11700 s), and d6, restored by d7 (16:45 - 16:10 = 2100 s); d3 follows a failure -> median 6900 s.
    assert dora.dora(session, project, scope(project)) == {
        "deploy_workflows": 1,
        "branch": "main",
        "deployments": 4,
        "failed_deployments": 3,
        "incidents": 2,
        "deployment_frequency": {"per_day": APPROX(4 / 7), "band": "high"},
        "lead_time": {"seconds": APPROX(6300), "band": "elite"},
        "change_failure_rate": {"rate": APPROX(3 / 7), "band": "low"},
        "time_to_restore": {"seconds": APPROX(6900), "band": "high"},
        "story_lead_time": {"seconds": None, "band": None, "stories": 0},
    }
    month = dora.dora(session, project, scope(project, 30))
    assert month["deployment_frequency"] == {"per_day": APPROX(4 / 30), "band": "medium"}


def test_deploy_workflows_and_branch_come_from_project_settings(loaded):
    session, project, _ = loaded
    project.settings = {"deploy_workflows": ["ci"], "default_branch": "feat"}
    result = dora.dora(session, project, scope(project))
    assert (result["branch"], result["deployments"], result["failed_deployments"]) == ("feat", 1, 0)
    assert result["lead_time"] == {"seconds": None, "band": None}  # c3 has no head commit time
    project.settings = {"deploy_workflows": ["nothing"]}
    assert dora.dora(session, project, scope(project))["deployment_frequency"] == {
        "per_day": 0.0,
        "band": None,
    }


@pytest.mark.parametrize(
    ("metric", "value", "expected"),
    [
        ("deployment_frequency", 1.0, "elite"),
        ("deployment_frequency", 0.99, "high"),
        ("deployment_frequency", 1 / 7, "high"),
        ("deployment_frequency", 1 / 30, "medium"),
        ("deployment_frequency", 0.01, "low"),
        ("lead_time", 86_399, "elite"),
        ("lead_time", 86_400, "high"),
        ("lead_time", 7 * 86_400, "medium"),
        ("lead_time", 30 * 86_400, "low"),
        ("change_failure_rate", 0.05, "elite"),
        ("change_failure_rate", 0.10, "high"),
        ("change_failure_rate", 0.15, "medium"),
        ("change_failure_rate", 0.151, "low"),
        ("time_to_restore", 3599, "elite"),
        ("time_to_restore", 3600, "high"),
        ("time_to_restore", 86_400, "medium"),
        ("time_to_restore", 7 * 86_400, "low"),
        ("lead_time", None, None),
    ],
)
def test_band_thresholds(metric, value, expected):
    assert dora.band(metric, value) == expected


def test_window_percentiles_equal_postgresql_percentile_cont(app_postgres):
    """The portable ROW_NUMBER/COUNT query gives what percentile_cont gives, per workflow."""
    import sqlalchemy as sa
    from sqlmodel import col, select

    from autodevhub.models import WorkflowExecution as E

    with Session(get_engine()) as session:
        project, _ = load(session)
        ours = {
            row["workflow_id"]: (row["p50_duration"], row["p95_duration"])
            for row in metrics.per_workflow(session, scope(project, 90), names(session, project))
        }
        theirs = session.exec(
            select(
                E.workflow_id,
                sa.func.percentile_cont(0.5).within_group(col(E.duration_seconds)),
                sa.func.percentile_cont(0.95).within_group(col(E.duration_seconds)),
            )
            .where(*scope(project, 90).where(), col(E.duration_seconds).is_not(None))
            .group_by(E.workflow_id)
        ).all()
    assert {str(w): (APPROX(p50), APPROX(p95)) for w, p50, p95 in theirs} == ours
