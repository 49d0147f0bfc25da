"""A sync reads GitHub outside any transaction: while GitHub answers, other writers are never locked out."""

from __future__ import annotations

import sqlite3

from autodevhub.core.settings import get_settings
from autodevhub.workflows.github.sync import sync_project
from tests.support import github_history as history
from tests.support.workflow_helpers import github_project_fixture, stored_runs  # noqa: F401 (fixture)


def writer_gets_in(database: str):
    """A probe that takes SQLite's write lock from another connection, waiting at most 0.2 s for it."""

    def probe(path: str) -> tuple[str, bool]:
        connection = sqlite3.connect(database, timeout=0.2)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.rollback()
            return path, True
        except sqlite3.OperationalError:  # database is locked
            return path, False
        finally:
            connection.close()

    return probe


def test_first_sync_never_holds_the_write_lock_while_github_answers(github_project):
    fake, project_id = github_project.fake, github_project.project_id
    fake.runs = {run.id: run for run in history.generate(days=3)}
    fake.observe = writer_gets_in(get_settings().sqlalchemy_url.removeprefix("sqlite:///"))
    result = sync_project(project_id)
    assert result.state == "ok", result.message
    assert set(stored_runs(project_id)) == set(fake.runs)
    locked_out = [path for path, got_in in fake.observations if not got_in]
    read_jobs = [path for path, _ in fake.observations if path.endswith("/jobs")]
    assert len(read_jobs) == result.jobs_fetched > 0 and locked_out == []
