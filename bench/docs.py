"""Time docs generation of a ~10k-line package (an installed one, copied): a full first generation against a
refresh after a one-file change, on SQLite. Prints files/s and milliseconds (median and best); no assertions.

The refresh today reads and parses every file again and writes only the pages that changed, so it costs
about as much as a full run; the issue asks for <= 10 % once refreshes re-parse only what changed.
Then the same with the Claude engine against the fake Anthropic server (instant answers: our own cost, the
requests made, tokens and cost as the fake counts them), once, with --claude-budget as the token budget.
Last, push -> docs pull request latency against the fake GitHub (bench/docs_push.py).

    .venv/bin/python bench/docs.py [--package httpx] [--repeat 5] [--claude-budget 2000000]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from alembic import command
from docs_push import push_round
from sqlmodel import Session

from autodevhub.auth.sessions import identity_of
from autodevhub.cli.common import alembic_config
from autodevhub.core.db import engine_for
from autodevhub.core.identity import Actor
from autodevhub.core.settings import get_settings
from autodevhub.documentation.service import generate_from_directory
from autodevhub.models import Project, User, UserRole


def package_copy(name: str, folder: Path) -> Path:
    """The installed package `name` copied under `folder` (so one file can change), Python files only."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not an installed package")
    target = folder / name
    shutil.copytree(
        next(iter(spec.submodule_search_locations)), target, ignore=shutil.ignore_patterns("__pycache__")
    )
    return target


def project_in(url: str, label: str) -> tuple[Actor, object]:
    """A migrated SQLite database with an admin and one empty project: the admin's actor, the project id."""
    config = alembic_config()
    config.attributes.update(url=url, configure_logger=False)
    command.upgrade(config, "head")
    user = User(email=f"bench-{label}@example.com", role=UserRole.admin)
    project = Project(name=f"Docs bench {label}", owner_id=user.id)
    with Session(engine_for(url), expire_on_commit=False) as session:
        session.add_all([user, project])
        session.commit()
    return Actor.of(identity_of(user)), project.id


def generation(url: str, actor: Actor, project_id: object, source: Path, engine: str) -> dict:
    """One generation, committed; its stats."""
    with Session(engine_for(url)) as session:
        result = generate_from_directory(session, actor, project_id, str(source), engine=engine)
        session.commit()
    return result.stats


def timed(action: Callable[[], dict]) -> tuple[float, dict]:
    """Milliseconds of one call, and what it returned."""
    start = time.perf_counter()
    result = action()
    return (time.perf_counter() - start) * 1000, result


def one_round(root: Path, run: int, source: Path, changed: Path) -> tuple[float, float, dict]:
    """A first generation into a new database, then a refresh after `changed` gained a function."""
    url = f"sqlite:///{root}/bench-{run}.db"
    actor, project_id = project_in(url, str(run))
    full, stats = timed(lambda: generation(url, actor, project_id, source, "rules"))
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text + f"\n\ndef bench_{run}() -> None:\n    pass\n", encoding="utf-8")
    refresh, _ = timed(lambda: generation(url, actor, project_id, source, "rules"))
    engine_for(url).dispose()
    return full, refresh, stats


def claude_round(root: Path, source: Path, changed: Path, budget: int) -> None:
    """The Claude engine against the fake Anthropic: a full run, then a refresh after a one-file change."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's tests package
    from tests.support.fake_anthropic import FakeAnthropic

    fake = FakeAnthropic()
    fake.start()
    os.environ.update(fake.environment(), AUTODEVHUB_DOCS_MAX_TOKENS=str(budget))
    get_settings.cache_clear()
    url = f"sqlite:///{root}/bench-claude.db"
    actor, project_id = project_in(url, "claude")
    rows = []
    try:
        for label in ("full generation", "refresh, 1 file changed"):
            before = len(fake.requests)
            ms, stats = timed(lambda: generation(url, actor, project_id, source, "claude"))
            rows.append((label, ms, stats, len(fake.requests) - before))
            changed.write_text(changed.read_text(encoding="utf-8") + "\nCLAUDE_BENCH = 1\n", encoding="utf-8")
        cached = sum(1 for r in fake.requests if r["body"]["system"][-1].get("cache_control"))
    finally:
        fake.stop()
        engine_for(url).dispose()
    print(f"claude engine against the fake Anthropic (instant answers), budget {budget:,} tokens")
    for label, ms, stats, asked in rows:
        cost = stats["cost_usd"] or 0.0
        print(f"  {label:<26}{ms:>9.0f} ms  {asked:>4} requests  {stats['tokens']:>9,} tokens  ${cost:.4f}")
    print(
        f"  refresh / full: {rows[1][1] / rows[0][1]:.0%}; {cached} requests with cache_control", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="httpx")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--claude-budget", type=int, default=2_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = package_copy(args.package, root)
        files = sorted(source.rglob("*.py"))
        lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in files)
        rounds = [one_round(root, run, source, files[run % len(files)]) for run in range(args.repeat)]
        full, refresh, stats = [r[0] for r in rounds], [r[1] for r in rounds], rounds[-1][2]
        report(args, len(files), lines, full, refresh, stats)
        claude_round(root, source, files[0], args.claude_budget)
        actor, project_id = project_in(f"sqlite:///{root}/bench-push.db", "push")
        push_round(root, source, actor, project_id, f"sqlite:///{root}/bench-push.db", args.repeat)


def report(
    args: argparse.Namespace, files: int, lines: int, full: list[float], refresh: list[float], stats: dict
) -> None:
    """The rules engine's figures."""
    print(f"\n{args.package}: {files} Python files, {lines:,} lines, {stats['symbols']} symbols")
    print(f"milliseconds, median (best) of {args.repeat} runs")
    for label, samples in (("full generation", full), ("refresh, 1 file changed", refresh)):
        median, best = statistics.median(samples), min(samples)
        rate = stats["files_read"] / median * 1000
        print(f"  {label:<26}{median:>9.0f} ({best:.0f}) ms  {rate:>7.0f} files/s")
    print(f"  refresh / full: {statistics.median(refresh) / statistics.median(full):.0%}", flush=True)


if __name__ == "__main__":
    main()
