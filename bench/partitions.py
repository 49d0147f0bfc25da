"""Metric queries on 1M workflow runs (and 1M audit rows) on PostgreSQL, with the storage tiers of migration
0011 (old finished runs in the archive, audit_logs partitioned by month) against the schema before it.

Both databases get the same rows, made by generate_series (deterministic: ids and outcomes are hashes of
the row number): PROJECTS projects with runs evenly spread over the last two years, one job each, and audit
rows over the same two years. The tiered database then runs the archive job as the app does (default age:
max(AUTODEVHUB_ARCHIVE_DAYS 180, GITHUB_SYNC_DAYS 90) days). Timed: one project's Workflows page metrics
per window, its runs table, the portfolio's week over every project, the CI/DORA gauges (30 days, every
project) and the audit log's last 30 days; the figures are checked equal on both. Prints the median and
best of REPEAT runs in milliseconds; no assertions. Databases are dropped at the end.

    .venv/bin/python bench/partitions.py [--runs 1000000] [--audit 1000000] [--archive-days 180]

PostgreSQL: TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) names a server where
temporary databases are created and dropped.
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import Session, select
from workflows import REPEAT, database, drop, settle, timed

from autodevhub.auth.sessions import identity_of
from autodevhub.cli import alembic_config
from autodevhub.core import audit
from autodevhub.core.db import engine_for
from autodevhub.models import Project, User, UserRole, Workflow, utcnow
from autodevhub.storage import audit_partitions, run_archive
from autodevhub.workflows import service
from autodevhub.workflows.metrics import ci as metrics
from autodevhub.workflows.metrics import dora

REVISION = "0011"  # the storage tiers
NOW = utcnow().replace(microsecond=0)  # both databases' rows end here
PROJECTS = 20
SPAN_DAYS = 730
WORKFLOWS = ("CI", "Deploy production", "Nightly")
RUNS_SQL = """
INSERT INTO workflow_executions (id, project_id, workflow_id, github_run_id, run_number, run_attempt,
    status, conclusion, event, branch, head_sha, head_commit_time, title, actor, html_url, logs, artifacts,
    created_at, started_at, completed_at, duration_seconds, queue_seconds)
SELECT md5(:pid || '-' || g)::uuid, :project, (:workflows)[1 + g % 3], g, g, 1,
    CASE WHEN g % 997 = 0 THEN 'in_progress' ELSE 'completed' END,
    CASE WHEN g % 997 = 0 THEN NULL WHEN h % 100 < 85 THEN 'success' WHEN h % 100 < 97 THEN 'failure'
        ELSE 'cancelled' END,
    'push', CASE WHEN g % 2 = 0 THEN 'main' ELSE 'feature-' || g % 50 END, left(md5(g::text), 40),
    t - interval '3 hours', '', 'bench', '', '{}', '{}',
    t, t, t + (60 + h % 900) * interval '1 second', 60 + h % 900, 1 + h % 60
FROM (SELECT g, abs(hashtext(:pid || '/' || g)) AS h,
             :now - (g * :spacing) * interval '1 second' AS t
      FROM generate_series(1, :count) AS g) AS rows
"""
JOBS_SQL = """
INSERT INTO workflow_jobs (execution_id, project_id, run_created_at, github_job_id, run_attempt, name, status,
    conclusion, started_at, completed_at, duration_seconds)
SELECT id, project_id, created_at, github_run_id, 1, 'tests', 'completed', conclusion, started_at,
    completed_at, duration_seconds
FROM workflow_executions WHERE conclusion IS NOT NULL
"""
AUDIT_SQL = """
INSERT INTO audit_logs (action, resource_type, resource_id, metadata, created_at)
SELECT (ARRAY['story.generate', 'story.update', 'workflow.sync', 'auth.login'])[1 + g % 4], 'story',
    md5(g::text)::uuid::text, '{}', :now - (g * :spacing) * interval '1 second'
FROM generate_series(1, :count) AS g
"""


def previous_revision() -> str:
    """The revision before the storage tiers: the schema without them."""
    down = ScriptDirectory.from_config(alembic_config()).get_revision(REVISION).down_revision
    assert isinstance(down, str)
    return down


def fill(url: str, runs: int, audit_rows: int, tiered: bool) -> None:
    """Migrated, filled with the same rows as its twin; `tiered` at head (partitions for the audit rows'
    months made first), otherwise at the revision before the tiers."""
    config = alembic_config()
    config.attributes.update(url=url, configure_logger=False)
    command.upgrade(config, "head" if tiered else previous_revision())
    now, engine = NOW, engine_for(url)
    with Session(engine, expire_on_commit=False) as session:
        user = User(email="bench@example.com", role=UserRole.admin)
        projects = [  # fixed ids: the twin databases hold the same rows
            Project(id=uuid.UUID(int=n + 1), name=f"Bench {n:03d}", owner_id=user.id, repo="octo/bench")
            for n in range(PROJECTS)
        ]
        session.add_all([user, *projects])
        flows = {
            p.id: [
                Workflow(id=uuid.UUID(int=p.id.int * 10 + n), project_id=p.id, github_id=n, name=w)
                for n, w in enumerate(WORKFLOWS)
            ]
            for p in projects
        }
        session.add_all([w for items in flows.values() for w in items])
        session.commit()
    per_project = runs // PROJECTS
    with engine.begin() as connection:
        if tiered:
            audit_partitions.ensure_months(connection, now - timedelta(days=SPAN_DAYS + 1), now)
        for number, project in enumerate(projects):
            connection.execute(
                text(RUNS_SQL),
                {
                    "pid": str(number),
                    "project": project.id,
                    "workflows": [w.id for w in flows[project.id]],
                    "now": now,
                    "spacing": SPAN_DAYS * 86_400 / per_project,
                    "count": per_project,
                },
            )
        connection.execute(text(JOBS_SQL))
        connection.execute(
            text(AUDIT_SQL),
            {"now": now, "spacing": SPAN_DAYS * 86_400 / max(1, audit_rows), "count": audit_rows},
        )


def archive(url: str, days: int) -> None:
    start = time.perf_counter()
    moved = run_archive.archive_finished(engine_for(url), NOW - timedelta(days=days))
    seconds = time.perf_counter() - start
    print(f"  archive job: {moved} runs (and their jobs) moved in {seconds:.1f} s ({moved / seconds:.0f}/s)")


def measure(url: str) -> dict[str, tuple[float, float]]:
    """Median and best milliseconds of what the pages, the portfolio, the gauges and the audit log ask."""
    with Session(engine_for(url)) as session:
        identity = identity_of(session.exec(select(User)).one())
        projects = list(session.exec(select(Project).order_by(Project.name)))
        first, ids = projects[0].id, [p.id for p in projects]
        week = metrics.bounds(7)
        actions = {
            **{
                f"page metrics {days}d": lambda days=days: service.project_metrics(
                    session, identity, first, days=days
                )
                for days in metrics.WINDOWS
            },
            "runs table": lambda: service.list_executions(session, identity, first),
            "runs table 90d": lambda: service.list_executions(session, identity, first, days=90),
            "portfolio week": lambda: (
                metrics.rates_many(session, ids, *week),
                metrics.runs_per_day_many(session, ids, *week),
            ),
            "gauges 30d": lambda: [
                (metrics.summary(session, scope), dora.dora(session, project, scope))
                for project in projects
                for scope in [metrics.scope_for(project.id, 30)]
            ],
            "audit last 30d": lambda: audit.search(session, since=utcnow() - timedelta(days=30)),
        }
        return {name: timed(action) for name, action in actions.items()}


def figures(url: str) -> dict:
    """What the metrics say at NOW, windows up to a year (the same rows on both: the same figures)."""
    with Session(engine_for(url)) as session:
        projects = list(session.exec(select(Project).order_by(Project.name)))
        names = metrics.workflow_names(session, projects[0].id)
        result: dict = {}
        for days in (*metrics.WINDOWS, 365):
            since, until = NOW - timedelta(days=days), NOW
            scope = metrics.Scope(projects[0].id, days, since, until)
            result[days] = (
                metrics.summary(session, scope),
                metrics.per_workflow(session, scope, names),
                sorted(metrics.failing_jobs(session, scope, names), key=str),  # ties in any order
                dora.dora(session, projects[0], scope),
                metrics.rates_many(session, [p.id for p in projects], since, until),
            )
        result["audit"] = audit.search(session, since=NOW - timedelta(days=30))[1]
        return result


def sizes(url: str) -> str:
    query = "SELECT pg_size_pretty(pg_total_relation_size(:name))"
    with engine_for(url).connect() as connection:
        hot = connection.execute(text(query), {"name": "workflow_executions"}).scalar_one()
        count = connection.execute(text("SELECT count(*) FROM ONLY workflow_executions")).scalar_one()
    return f"hot workflow_executions: {count} rows, {hot} with indexes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--audit", type=int, default=1_000_000)
    parser.add_argument("--archive-days", type=int, default=180)
    args = parser.parse_args()
    results, seen = {}, {}
    for label in ("plain", "tiered"):
        url, name = database("postgresql", "", f"partitions_{label}")
        try:
            start = time.perf_counter()
            fill(url, args.runs, args.audit, tiered=label == "tiered")
            seconds = time.perf_counter() - start
            print(f"{label}: {args.runs} runs, {args.audit} audit rows loaded in {seconds:.1f} s")
            if label == "tiered":
                archive(url, args.archive_days)
            settle(url)
            print(f"  {sizes(url)}", flush=True)
            results[label], seen[label] = measure(url), figures(url)
        finally:
            drop(url, name)
    same = seen["plain"] == seen["tiered"]
    print(f"\nmilliseconds, median (best) of {REPEAT} runs; the same figures on both: {same}")
    print(f"  {'query':<22}{'plain':>18}{'tiered':>18}{'ratio':>9}")
    for query, (median, best) in results["plain"].items():
        tiered = results["tiered"][query]
        print(
            f"  {query:<22}{f'{median:.1f} ({best:.1f})':>18}{f'{tiered[0]:.1f} ({tiered[1]:.1f})':>18}"
            f"{tiered[0] / median:>8.2f}x"
        )


if __name__ == "__main__":
    main()
