"""Server-side latency of story generation: a cache hit, a rule-engine miss, and the overhead over a fake
Claude that answers in a fixed 2 s. Each figure is one service call in its transaction (permission, rate
limit, cache, engine, parse, score with similar stories, insert + audit row); the commit (an fsync on
SQLite) is reported beside it. A fresh SQLite database in a temporary directory.

    .venv/bin/python bench/stories.py [--runs 200] [--claude-runs 10] [--redis redis://127.0.0.1:6379/14]

Goals: cache hit p50 <= 5 ms, rule engine p50 <= 50 ms, overhead <= 5% of the model's 2 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MODEL_SECONDS = 2.0


def percentiles(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--claude-runs", type=int, default=10)
    parser.add_argument("--redis", default="", help="Cache in this Redis instead of in-process memory.")
    args = parser.parse_args()
    for name in [
        n for n in os.environ if n.startswith(("ANTHROPIC_", "AUTODEVHUB_", "DATABASE_URL", "REDIS_URL"))
    ]:
        del os.environ[name]
    os.environ.update(AUTODEVHUB_DATA_DIR=tempfile.mkdtemp(prefix="bench-stories-"),
                      AUTODEVHUB_RATE_LIMIT_STORIES="1000000/hour", REDIS_URL=args.redis)  # fmt: skip

    from alembic import command

    from autodevhub.auth import accounts
    from autodevhub.auth.sessions import identity_of
    from autodevhub.cli import alembic_config
    from autodevhub.core.db import session_scope
    from autodevhub.core.identity import SYSTEM, Actor
    from autodevhub.core.settings import get_settings
    from autodevhub.models import UserRole
    from autodevhub.projects import service as projects
    from autodevhub.stories import service
    from tests.support.fake_anthropic import FakeAnthropic
    from tests.support.story_corpus import CORPUS

    config = alembic_config()
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    with session_scope() as session:
        account = accounts.NewAccount(email="bench@example.com", role=UserRole.admin)
        admin = accounts.create_user(session, SYSTEM, account)
        identity = identity_of(admin)
        data = projects.ProjectCreate(name="Bench")
        project_id = projects.create_project(session, Actor.of(identity), data).id
    actor = Actor.of(identity)  # the bench admin generates every story

    commits: list[float] = []

    def generate(text: str) -> float:
        """Milliseconds of one generation up to its commit; the commit's own time goes to `commits`."""
        started = time.perf_counter()
        with session_scope() as session:
            service.generate_story(session, actor, service.StoryGenerate.of(project_id, text))
            done = time.perf_counter()
        commits.append((time.perf_counter() - done) * 1000)
        return (done - started) * 1000

    def measure(label: str, texts: Callable[[int], str], runs: int, goal: str, model_ms: float = 0.0) -> None:
        commits.clear()
        samples = [generate(texts(i)) - model_ms for i in range(runs)]
        p50, p95 = percentiles(samples)
        c50, c95 = percentiles(commits)
        print(f"{label:<17} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  (+ commit p50 {c50:5.2f} p95 {c95:5.2f})  "
              f"n={runs:<4} {goal}")  # fmt: skip
        if model_ms:
            share = f"{p50 / model_ms:.2%} (p50), {p95 / model_ms:.2%} (p95)"
            print(f"{'':<17} = {share} of the model's {model_ms / 1000:g} s")

    texts = [text for text, _ in CORPUS]
    backend = "Redis" if args.redis else "process memory"
    print(f"stories bench: SQLite, cache in {backend}, {len(texts)} descriptions, {os.cpu_count()} CPUs")
    for text in texts:  # warm up: imports, the project's first stories, a filled cache
        generate(text)
    measure("cache hit", lambda i: texts[i % len(texts)], args.runs, "goal p50 <= 5 ms")
    measure(
        "rule engine miss", lambda i: f"{texts[i % len(texts)]} Variant {i}.", args.runs, "goal p50 <= 50 ms"
    )
    fake = FakeAnthropic()
    fake.start()
    os.environ.update(fake.environment())
    get_settings.cache_clear()
    try:
        generate("Users can export monthly reports as CSV. Warm-up.")  # the SDK client's first use
        fake.delay = MODEL_SECONDS
        label, model_ms = "Claude overhead", MODEL_SECONDS * 1000
        measure(
            label, lambda i: f"{texts[i % len(texts)]} Run {i}.", args.claude_runs, "goal <= 5%", model_ms
        )
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
