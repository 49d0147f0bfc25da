"""Time a project's overview (GET /api/projects/{id}/overview's service call) and the home page's cards on
1k executions / 100 stories against 100k executions / 10k stories, on SQLite and PostgreSQL.

The executions are bench/workflows.py's "history" shape: one project, about 11 runs a day (1k: 90 days,
100k: 25 years). Stories come at a tenth of that rate over the same span, each with its story.generate
audit entry, a third written by Claude (tokens and cost in their metadata). The overview reads a 7, 30 or
90-day window, this month's and last month's stories, the last 10 runs and stories and one page of
activity, so its cost should follow the window, not the history (goal: <= 3x). Prints the median and the
best of 7 timings in milliseconds; no assertions.

    .venv/bin/python bench/dashboard.py [--sizes 1000 100000] [--backends sqlite postgresql]

PostgreSQL: TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) names a server where
temporary databases are created and dropped.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import timedelta

import workflows as bench  # bench/workflows.py: the executions, timing and report helpers
from sqlalchemy import insert
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import engine_for
from autodevhub.dashboard import service
from autodevhub.models import AuditLog, Project, StoryStatus, User, UserStory

STORY_SHARE = 10  # one story per ten executions
STATUSES = list(StoryStatus)
GHERKIN = "Feature: Bench\n  Scenario: One\n    Given a\n    When b\n    Then c\n"


def stories(url: str, size: int) -> None:
    """size / STORY_SHARE stories spread over the executions' span, each with its audit entry."""
    rnd, count = random.Random(size), size // STORY_SHARE
    spacing = bench.SPACING_SECONDS * STORY_SHARE
    with Session(engine_for(url)) as session:
        user = session.exec(select(User)).one()
        project = session.exec(select(Project)).one()
        rows, entries = [], []
        for position in range(count):
            created = bench.NOW - timedelta(seconds=position * spacing + rnd.uniform(0, 60))
            story_id, claude = uuid.uuid4(), rnd.random() < 1 / 3
            tokens_in, tokens_out = rnd.randint(800, 3000), rnd.randint(300, 1500)
            metadata = {"engine": "claude" if claude else "rules", "cache": {"hit": rnd.random() < 0.1}}
            if claude:
                cost = (tokens_in * 3 + tokens_out * 15) / 1e6
                metadata["claude"] = {
                    "model": "claude-bench",
                    "input_tokens": tokens_in,
                    "output_tokens": tokens_out,
                    "cost_usd": cost,
                }
            rows.append(
                {
                    "id": story_id,
                    "project_id": project.id,
                    "created_by": user.id,
                    "feature_description": f"Bench story {position}",
                    "gherkin_output": GHERKIN,
                    "status": rnd.choice(STATUSES),
                    "metadata": metadata,
                    "confidence_score": rnd.random(),
                    "created_at": created,
                    "updated_at": created,
                }
            )
            entries.append(
                {
                    "user_id": user.id,
                    "action": "story.generate",
                    "resource_type": "story",
                    "resource_id": str(story_id),
                    "metadata": {"project_id": str(project.id), "engine": metadata["engine"]},
                    "ip_address": "127.0.0.1",
                    "created_at": created,
                }
            )
            if len(rows) >= bench.BATCH or position == count - 1:
                session.execute(insert(UserStory.__table__), rows)
                session.execute(insert(AuditLog.__table__), entries)
                session.commit()
                rows, entries = [], []
    bench.settle(url)


def measure(url: str) -> dict[str, tuple[float, float]]:
    with Session(engine_for(url)) as session:
        identity = identity_of(session.exec(select(User)).one())
        pid = session.exec(select(Project.id)).one()
        figures = {
            f"overview {days}d": bench.timed(
                lambda days=days: service.project_overview(session, identity, pid, days=days)
            )
            for days in (7, 30, 90)
        }
        figures["overview act. p5"] = bench.timed(
            lambda: service.project_overview(session, identity, pid, activity_offset=100)
        )
        figures["home cards"] = bench.timed(lambda: service.project_cards(session, identity))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    for backend in args.backends:
        results: dict[int, dict[str, tuple[float, float]]] = {}
        with tempfile.TemporaryDirectory() as folder:
            for size in args.sizes:
                url, name = bench.database(backend, folder, f"dashboard_{size}")
                try:
                    start = time.perf_counter()
                    bench.fill(url, size, "history")
                    stories(url, size)
                    seconds = time.perf_counter() - start
                    loaded = f"{size} executions, {size // STORY_SHARE} stories"
                    print(f"{backend}: {loaded} loaded in {seconds:.1f} s", flush=True)
                    results[size] = measure(url)
                finally:
                    bench.drop(url, name)
        bench.report(f"{backend}, one project", results)


if __name__ == "__main__":
    main()
