"""Hot and cold workflow runs on PostgreSQL; SQLite keeps every run in workflow_executions.

Finished runs created more than AUTODEVHUB_ARCHIVE_DAYS ago move with their jobs to
archive.workflow_executions and archive.workflow_jobs, tables that inherit from the hot ones (migration
0011). A query on workflow_executions reads the hot table and its archive alike, so the metrics, the run
lists and a run looked up by id count and find archived runs with no change; `ONLY workflow_executions`
is the hot part alone. Columns added to the hot tables reach the archive through inheritance; an index
added to them is to be added to the archive as well where its reads need it.

Kept hot: runs inside the GitHub sync window (GITHUB_SYNC_DAYS), which a sync may still update and give
jobs (a job row must point at a hot run), and runs another table still points at (a story's scenario
result), whose link a move would clear.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import SQLModel, select

from autodevhub.core.settings import Settings
from autodevhub.models import Project, RunStatus, WorkflowExecution
from autodevhub.models.workflows import WorkflowJob

SCHEMA = "archive"
BATCH = 5000
RUNS: sa.Table = WorkflowExecution.__table__  # type: ignore[attr-defined]
JOBS: sa.Table = WorkflowJob.__table__  # type: ignore[attr-defined]


def archive_age(settings: Settings) -> timedelta:
    """How old a finished run is when it moves: AUTODEVHUB_ARCHIVE_DAYS, never inside the sync window."""
    return timedelta(days=max(settings.archive_days, settings.github_sync_days))


def _cold(table: sa.Table) -> sa.TableClause:
    return sa.table(table.name, *(sa.column(c.name) for c in table.columns), schema=SCHEMA)


def _pointed_at() -> list[sa.ColumnElement[bool]]:
    """For each column outside workflow_jobs with a foreign key to a run: no row of it points at the run."""
    return [
        ~sa.exists().where(fk.parent == RUNS.c.id)
        for table in SQLModel.metadata.sorted_tables
        if table is not JOBS
        for fk in table.foreign_keys
        if fk.column.table is RUNS
    ]


def _due(project_id: uuid.UUID, cutoff: datetime, batch: int) -> sa.Select:
    """One project's next runs to move, found through its (project_id, created_at) index."""
    return (
        sa.select(RUNS.c.id)
        .with_hint(RUNS, "ONLY", "postgresql")
        .where(
            RUNS.c.project_id == project_id, RUNS.c.created_at < cutoff, RUNS.c.status == RunStatus.completed
        )
        .where(*_pointed_at())
        .limit(batch)
        .with_for_update(skip_locked=True)
    )


def _copy(connection: sa.Connection, table: sa.Table, key: sa.Column, ids: list[uuid.UUID]) -> None:
    hot = sa.select(*table.columns).with_hint(table, "ONLY", "postgresql").where(key.in_(ids))
    connection.execute(_cold(table).insert().from_select([c.name for c in table.columns], hot))


def _delete(connection: sa.Connection, table: sa.Table, key: sa.Column, ids: list[uuid.UUID]) -> None:
    connection.execute(table.delete().with_hint("ONLY", dialect_name="postgresql").where(key.in_(ids)))


def _move_batch(engine: sa.Engine, project_id: uuid.UUID, cutoff: datetime, batch: int) -> int:
    """Move up to `batch` of one project's due runs with their jobs, in one transaction; how many moved."""
    with engine.begin() as connection:
        ids = list(connection.execute(_due(project_id, cutoff, batch)).scalars())
        if ids:  # archived jobs point at archived runs; a hot run's delete would cascade to its hot jobs
            _copy(connection, RUNS, RUNS.c.id, ids)
            _copy(connection, JOBS, JOBS.c.execution_id, ids)
            _delete(connection, JOBS, JOBS.c.execution_id, ids)
            _delete(connection, RUNS, RUNS.c.id, ids)
    return len(ids)


def archive_finished(engine: sa.Engine, cutoff: datetime, batch: int = BATCH) -> int:
    """Move finished runs created before `cutoff` (and their jobs) to the archive, project by project,
    `batch` runs per transaction; the number moved. Nothing to do on SQLite."""
    if engine.dialect.name != "postgresql":
        return 0
    with engine.connect() as connection:
        projects = list(connection.execute(select(Project.id)).scalars())
    moved = 0
    for project_id in projects:
        while (count := _move_batch(engine, project_id, cutoff, batch)) == batch:
            moved += count
        moved += count
    return moved
