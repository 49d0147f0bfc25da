"""Time the workflow page's queries on 1k and 100k executions, on SQLite and PostgreSQL, and what a GitHub
sync costs (bench/workflow_sync.py: requests per 1,000 runs of a first sync, goal <= 30, and its time
against the fake GitHub with the default politeness interval).

Every project runs about 11 workflow runs a day (3 jobs each), so 1k executions are 90 days of one project.
The 100k database is shaped two ways:
  history   one project with 25 years of runs (the same rate, going back further);
  projects  100 projects with 90 days each.
The page reads one project's 7, 30 or 90-day window, so its cost should follow the window, not the table.
Prints the median and the best of 7 timings per query set, in milliseconds; no assertions.

    .venv/bin/python bench/workflows.py [--parts sync queries] [--histories 88 300]
                                        [--sizes 1000 100000] [--backends sqlite postgresql]
                                        [--shapes history projects]

PostgreSQL: TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) names a server where
temporary databases are created and dropped.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import workflow_sync
from alembic import command
from sqlalchemy import insert, text
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.cli import alembic_config
from autodevhub.core.db import engine_for
from autodevhub.models import Project, RunStatus, User, UserRole, Workflow, WorkflowExecution
from autodevhub.models.workflows import WorkflowJob
from autodevhub.workflows import service

PER_PROJECT = 1_000
SPACING_SECONDS = 90 * 86_400 / PER_PROJECT  # 1k runs fill 90 days
REPEAT = 7
BATCH = 5_000
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
NOW = datetime.now(UTC).replace(microsecond=0)
WORKFLOWS = (
    ("CI", 0.7, ("lint", "tests", "build")),
    ("Deploy production", 0.2, ("build", "deploy", "verify")),
    ("Nightly", 0.1, ("e2e", "scan", "report")),
)


def _run(rnd: random.Random, project: Project, workflows: list[Workflow], position: int):
    """One execution (newest at position 0) and its three jobs, as rows for a bulk insert."""
    number = rnd.choices(range(3), [share for _, share, _ in WORKFLOWS])[0]
    created = NOW - timedelta(seconds=position * SPACING_SECONDS + rnd.uniform(0, 60))
    conclusion = rnd.choices(["success", "failure", "cancelled"], [85, 12, 3])[0]
    duration, execution_id = rnd.lognormvariate(6, 0.4), uuid.uuid4()
    execution = {
        "id": execution_id,
        "project_id": project.id,
        "workflow_id": workflows[number].id,
        "github_run_id": position,
        "run_attempt": 1,
        "status": RunStatus.completed,
        "conclusion": conclusion,
        "event": "push",
        "branch": "main" if rnd.random() < 0.5 else f"feature-{rnd.randint(1, 50)}",
        "head_sha": f"{rnd.getrandbits(64):016x}",
        "head_commit_time": created - timedelta(hours=3),
        "title": "",
        "actor": "bench",
        "html_url": "",
        "logs": {},
        "artifacts": {},
        "created_at": created,
        "started_at": created,
        "completed_at": created + timedelta(seconds=duration),
        "duration_seconds": duration,
        "queue_seconds": rnd.uniform(1, 60),
    }
    jobs = [
        {
            "execution_id": execution_id,
            "project_id": project.id,
            "run_created_at": created,
            "github_job_id": position * 10 + job_index,
            "run_attempt": 1,
            "name": name,
            "status": "completed",
            "conclusion": "failure" if conclusion == "failure" and job_index == 1 else "success",
            "started_at": created,
            "completed_at": created + timedelta(seconds=duration / 3),
            "duration_seconds": duration / 3,
        }
        for job_index, name in enumerate(WORKFLOWS[number][2])
    ]
    return execution, jobs


def fill(url: str, size: int, shape: str) -> None:
    """A migrated database with `size` executions: one project's long history, or many 90-day projects."""
    config = alembic_config()
    config.attributes.update(url=url, configure_logger=False)
    command.upgrade(config, "head")
    rnd = random.Random(size)
    user = User(email="bench@example.com", role=UserRole.admin)
    count = 1 if shape == "history" else max(1, size // PER_PROJECT)
    projects = [Project(name=f"Bench {n:03d}", owner_id=user.id, repo="octo/bench") for n in range(count)]
    with Session(engine_for(url), expire_on_commit=False) as session:
        session.add_all([user, *projects])
        executions, jobs = [], []
        for project in projects:
            workflows = [
                Workflow(project_id=project.id, github_id=n, name=w[0]) for n, w in enumerate(WORKFLOWS)
            ]
            session.add_all(workflows)
            session.commit()
            share = size // count
            for position in range(share):
                execution, run_jobs = _run(rnd, project, workflows, position)
                executions.append(execution)
                jobs += run_jobs
                if len(executions) >= BATCH or position == share - 1:
                    session.execute(insert(WorkflowExecution.__table__), executions)
                    session.execute(insert(WorkflowJob.__table__), jobs)
                    session.commit()
                    executions, jobs = [], []
    settle(url)


def settle(url: str) -> None:
    """Statistics (and on PostgreSQL the visibility map) as a database in use has them."""
    with engine_for(url).connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE" if url.startswith("sqlite") else "VACUUM ANALYZE"))


def timed(action) -> tuple[float, float]:
    """Median and best milliseconds of REPEAT runs after one warm-up."""
    action()
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def measure(url: str) -> dict[str, tuple[float, float]]:
    """The page's queries for one project: the metrics bundle per window, the runs table, the filters."""
    with Session(engine_for(url)) as session:
        identity = identity_of(session.exec(select(User)).one())
        pid = session.exec(select(Project.id).order_by(Project.name)).first()
        figures = {
            f"metrics {days}d": timed(
                lambda days=days: service.project_metrics(session, identity, pid, days=days)
            )
            for days in (7, 30, 90)
        }
        figures["runs table 30d"] = timed(lambda: service.list_executions(session, identity, pid, days=30))
        figures["filter options"] = timed(lambda: service.filter_options(session, identity, pid))
    return figures


def database(backend: str, folder: str, label: str) -> tuple[str, str]:
    """A URL for an empty database, and the PostgreSQL database's name to drop afterwards."""
    if backend == "sqlite":
        return f"sqlite:///{folder}/bench-{label}.db", ""
    name = f"autodevhub_bench_{label}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}", name


def drop(url: str, name: str) -> None:
    engine_for(url).dispose()
    if name:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(title: str, results: dict[int, dict[str, tuple[float, float]]]) -> None:
    """Median (best) of REPEAT runs per size, and the ratios largest / smallest of both."""
    sizes = sorted(results)
    print(f"\n{title}: milliseconds, median (best) of {REPEAT} runs")
    print(f"  {'query':<16}" + "".join(f"{size:>16}" for size in sizes) + f"{'ratio':>16}")
    for query in results[sizes[0]]:
        cells = "".join(f"{'{:.1f} ({:.1f})'.format(*results[size][query]):>16}" for size in sizes)
        (median_small, best_small), (median_large, best_large) = (
            results[sizes[0]][query],
            results[sizes[-1]][query],
        )
        print(f"  {query:<16}{cells}{median_large / median_small:>9.2f}x ({best_large / best_small:.2f}x)")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--shapes", nargs="+", default=["history", "projects"])
    parser.add_argument("--parts", nargs="+", choices=["sync", "queries"], default=["sync", "queries"])
    parser.add_argument("--histories", type=int, nargs="+", default=workflow_sync.DEFAULT_HISTORIES)
    args = parser.parse_args()
    if "sync" in args.parts:
        workflow_sync.main(args.histories)
    if "queries" not in args.parts:
        return
    for backend in args.backends:
        for shape in args.shapes:
            results: dict[int, dict[str, tuple[float, float]]] = {}
            with tempfile.TemporaryDirectory() as folder:
                for size in args.sizes:
                    url, name = database(backend, folder, f"{shape}_{size}")
                    try:
                        start = time.perf_counter()
                        fill(url, size, shape)
                        seconds = time.perf_counter() - start
                        print(f"{backend} {shape}: {size} executions loaded in {seconds:.1f} s", flush=True)
                        results[size] = measure(url)
                    finally:
                        drop(url, name)
            report(f"{backend}, {shape}", results)


if __name__ == "__main__":
    main()
