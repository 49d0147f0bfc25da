"""What a GitHub sync costs against the fake GitHub REST server (tests/support/fake_github_rest.py) with the
default politeness interval (GITHUB_REQUEST_INTERVAL, 0.25 s between requests): the first sync of a
generated history (requests, quota spent, per 1,000 runs, seconds; goal <= 30 requests per 1,000 runs);
a second sync with nothing new on GitHub (conditional requests: a 304 is free; it reads the next few
runs' jobs); and, for the first history only, the later syncs that read the jobs features need until none
is left. Run by bench/workflows.py (--parts sync [--histories DAYS ...]).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from alembic import command

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.support

from autodevhub.cli import alembic_config
from autodevhub.core.db import engine_for
from autodevhub.core.settings import get_settings
from tests.support import github_history as history
from tests.support.fake_github_rest import FakeGitHubRest

OWN_VARIABLES = ("AUTODEVHUB_", "DATABASE_URL", "REDIS_URL", "GITHUB_")
BACKFILL_LIMIT = 200  # syncs
DEFAULT_HISTORIES = [88, 300]  # days: about 580 runs (as the 582), about 2,000


def _environment(folder: str, fake: FakeGitHubRest, days: int) -> str:
    """Settings for a fresh SQLite database in `folder`, in-process jobs, the fake GitHub; its URL."""
    for name in [n for n in os.environ if n.startswith(OWN_VARIABLES)]:
        del os.environ[name]
    url = f"sqlite:///{folder}/sync.db"
    os.environ |= {
        "DATABASE_URL": url,
        "AUTODEVHUB_DATA_DIR": folder,
        "GITHUB_API_URL": fake.api_url,
        "GITHUB_TOKEN": "ghp_bench",
        "GITHUB_SYNC_DAYS": str(max(90, days + 1)),
    }
    get_settings.cache_clear()
    config = alembic_config()
    config.attributes.update(url=url, configure_logger=False)
    command.upgrade(config, "head")
    return url


def _project() -> str:
    from sqlmodel import Session

    from autodevhub.core.db import get_engine
    from autodevhub.models import Project, User, UserRole

    user = User(email="bench@example.com", role=UserRole.admin)
    project = Project(name="Bench", owner_id=user.id, repo=history.FULL_NAME)
    with Session(get_engine(), expire_on_commit=False) as session:
        session.add_all([user, project])
        session.commit()
    return str(project.id)


def _timed(fake: FakeGitHubRest, action: Callable[[], object]) -> tuple[object, int, int, float]:
    """The action's result, the requests it sent, the quota it spent, and its seconds."""
    requests, spent, start = len(fake.requests), fake.spent(), time.perf_counter()
    result = action()
    return result, len(fake.requests) - requests, fake.spent() - spent, time.perf_counter() - start


def measure(days: int, backfill: bool) -> None:
    """Print the first sync's, an unchanged sync's and (with `backfill`) the job reads' cost."""
    from autodevhub.workflows.github.sync import sync_project

    fake = FakeGitHubRest(history.generate(days=days)).start()
    runs = len(fake.runs)
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = _environment(folder, fake, days)
            project_id = _project()
            interval = get_settings().github_request_interval
            first, sent, spent, seconds = _timed(fake, lambda: sync_project(project_id))
            print(
                f"\nfirst sync of {runs} runs ({days} days, {interval} s between requests): {first.state}, "
                f"{seconds:.1f} s"
            )
            print(f"  {sent} requests, {spent} counted: {1000 * sent / runs:.1f} per 1,000 runs (goal <= 30)")
            print(f"  jobs read for {first.jobs_fetched} runs, {first.jobs_pending} more runs need theirs")
            again, sent, spent, seconds = _timed(fake, lambda: sync_project(project_id))
            print(
                f"second sync, nothing new on GitHub: {sent} requests ({again.not_modified} answered 304), "
                f"{spent} counted (jobs of {again.jobs_fetched} runs), {seconds:.1f} s"
            )
            if backfill:
                syncs, sent_all, spent_all, seconds_all = 0, 0, 0, 0.0
                last = again
                while last.jobs_pending and syncs < BACKFILL_LIMIT:
                    last, sent, spent, seconds = _timed(fake, lambda: sync_project(project_id))
                    syncs, sent_all, spent_all = syncs + 1, sent_all + sent, spent_all + spent
                    seconds_all += seconds
                print(
                    f"then until every needed run has its jobs: {syncs} syncs, {sent_all} requests, "
                    f"{spent_all} counted, {seconds_all:.1f} s in all ({last.jobs_pending} runs left)"
                )
            engine_for(url).dispose()
    finally:
        fake.stop()


def main(histories: list[int]) -> None:
    """Each history (in days, at most 399); the job reads to the end for the first one only."""
    for index, days in enumerate(histories):
        measure(days, backfill=index == 0)
