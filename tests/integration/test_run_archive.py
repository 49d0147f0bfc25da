"""Old finished runs move to the archive on PostgreSQL; metrics, lists and lookups still find them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from autodevhub.core.db import engine_for
from autodevhub.core.identity import Identity
from autodevhub.core.settings import get_settings
from autodevhub.models import Project, User, WorkflowExecution
from autodevhub.storage import run_archive, tasks
from autodevhub.workflows import service
from autodevhub.workflows.metrics import alerts, dora
from autodevhub.workflows.metrics import ci as metrics
from tests.support import workflow_fixture as fixture

COUNT = "SELECT count(*) FROM {only} {table}"


def counts(url: str, table: str = "workflow_executions") -> tuple[int, int, int]:
    """Rows in the hot table, in the archive, and read through the hot table (both)."""
    with engine_for(url).connect() as connection:
        return tuple(
            connection.execute(sa.text(COUNT.format(only=only, table=name))).scalar_one()
            for only, name in (("ONLY", table), ("", f"{run_archive.SCHEMA}.{table}"), ("", table))
        )


def figures(session: Session, project: Project) -> dict:
    """Every metric the Workflows page, the overview and the portfolio show, for each window."""
    names = metrics.workflow_names(session, project.id)
    result = {}
    for days in metrics.WINDOWS:
        scope = metrics.scope_for(project.id, days, now=fixture.NOW)
        result[days] = {
            "summary": metrics.summary(session, scope),
            "per_day": metrics.runs_per_day(session, scope),
            "durations": metrics.duration_trend(session, scope),
            "workflows": metrics.per_workflow(session, scope, names),
            "failing_jobs": metrics.failing_jobs(session, scope, names),
            "flaky_jobs": metrics.flaky_jobs(session, scope, names),
            "dora": dora.dora(session, project, scope),
            "rates": metrics.rates_many(session, [project.id], scope.since, scope.until),
            "alerts": alerts.failing_on_branch(session, {project.id: "main"}, scope.since, scope.until),
        }
    return result


@pytest.fixture
def loaded(app_postgres: str) -> tuple[str, Project, dict]:
    with Session(engine_for(app_postgres)) as session:
        project, _ = fixture.load(session)
        return app_postgres, project, figures(session, project)


def test_the_job_moves_finished_old_runs_and_their_jobs(loaded) -> None:
    url = loaded[0]
    assert counts(url) == (17, 0, 17)

    moved = tasks.archive_runs()  # the fixture's runs are from 2025: all older than 180 days

    assert moved == 16  # every run but c5, still in progress
    assert counts(url) == (1, 16, 17)
    assert counts(url, "workflow_jobs") == (0, len(fixture.JOBS), len(fixture.JOBS))
    with engine_for(url).connect() as connection:
        hot = connection.execute(sa.text("SELECT status FROM ONLY workflow_executions")).scalars().all()
    assert hot == ["in_progress"]
    assert tasks.archive_runs() == 0


def test_metric_windows_reaching_back_count_archived_runs(loaded) -> None:
    url, project, before = loaded
    assert before[90]["summary"]["runs"] == 17 and before[90]["failing_jobs"]  # the fixture has data

    cutoff = fixture.NOW - timedelta(days=2)  # half of the runs, deploy incidents included
    assert run_archive.archive_finished(engine_for(url), cutoff, batch=4) == 9
    assert counts(url) == (8, 9, 17)

    with Session(engine_for(url)) as session:
        assert figures(session, project) == before


def test_lists_and_lookups_find_archived_runs(loaded) -> None:
    url, project, _ = loaded
    with Session(engine_for(url)) as session:
        owner = session.get(User, project.owner_id)
        admin = Identity(owner.id, owner.email, owner.role, "Owner")
        before, total = service.list_executions(session, admin, project.id, limit=200)
    tasks.archive_runs()
    with Session(engine_for(url)) as session:
        after = service.list_executions(session, admin, project.id, limit=200)
        assert after == (before, total) and total == 17
        failed = service.list_executions(session, admin, project.id, conclusion="timed_out")[0]
        assert [run["title"] for run in failed] == [""] and failed[0]["created_at"].startswith("2025-01-15")
        archived = session.execute(
            sa.text(f"SELECT id FROM {run_archive.SCHEMA}.workflow_executions ORDER BY created_at LIMIT 1")
        ).scalar_one()
        run = session.get(WorkflowExecution, archived)
        assert run is not None and run.created_at == fixture.at("01-15 10:00")


def test_archive_age_keeps_the_sync_window_hot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTODEVHUB_ARCHIVE_DAYS", "30")
    get_settings.cache_clear()
    assert run_archive.archive_age(get_settings()) == timedelta(days=90)  # GITHUB_SYNC_DAYS by default
    monkeypatch.setenv("AUTODEVHUB_ARCHIVE_DAYS", "365")
    get_settings.cache_clear()
    assert run_archive.archive_age(get_settings()) == timedelta(days=365)


def test_deleting_a_project_deletes_its_archived_runs(loaded) -> None:
    url, project, _ = loaded
    tasks.archive_runs()
    with engine_for(url).begin() as connection:
        connection.execute(sa.text("DELETE FROM projects WHERE id = :id"), {"id": project.id})
    assert counts(url) == (0, 0, 0)
    assert counts(url, "workflow_jobs") == (0, 0, 0)


def test_the_archive_has_the_hot_tables_columns(app_postgres: str) -> None:
    inspector = sa.inspect(engine_for(app_postgres))
    for table in ("workflow_executions", "workflow_jobs"):
        hot = [(c["name"], str(c["type"])) for c in inspector.get_columns(table)]
        cold = [(c["name"], str(c["type"])) for c in inspector.get_columns(table, schema=run_archive.SCHEMA)]
        assert cold == hot


def test_sqlite_keeps_every_run_in_place(app_db: str) -> None:
    with Session(engine_for(app_db)) as session:
        fixture.load(session)
    assert tasks.archive_runs() == 0
    with engine_for(app_db).connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM workflow_executions")).scalar_one() == 17
