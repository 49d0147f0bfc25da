"""A realistic, seeded GitHub Actions history for the demo: CI on pushes and pull requests, deploys of main
(with failures and their fixes), a nightly build; flaky integration tests that pass on a re-run.

Each day's runs come from a generator seeded by the date, with run ids derived from it, so the history of a
given day is always the same and loading it twice stores nothing twice.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from autodevhub.core.settings import get_settings
from autodevhub.integrations.github_data import JobData, RunData

SEED = 2024
CI, DEPLOY, NIGHTLY = 9001, 9002, 9003
WORKFLOWS = {
    CI: ("CI", ".github/workflows/ci.yml", ("lint", "unit-tests", "integration-tests", "build")),
    DEPLOY: (
        "Deploy",
        ".github/workflows/deploy.yml",
        ("build-image", "deploy-staging", "deploy-production"),
    ),
    NIGHTLY: ("Nightly", ".github/workflows/nightly.yml", ("e2e", "security-scan")),
}
ACTORS = ("ada", "grace", "linus", "margaret", "ken")
RUNS_PATH = "/acme/shop/actions/runs/"  # under the configured GitHub web host, so the run links work


class _Day:
    """The runs of one day, built in time order."""

    def __init__(self, day: date) -> None:
        self.rnd = random.Random(f"{SEED}:{day.isoformat()}")  # noqa: S311 (sample data, not secrets)
        self.start = datetime.combine(day, time(), UTC)
        self.base_id = day.toordinal() * 1000
        self.runs: list[tuple[RunData, list[JobData]]] = []

    def add(self, workflow_id: int, created: datetime, **run) -> RunData:
        rnd, index = self.rnd, len(self.runs)
        name, path, job_names = WORKFLOWS[workflow_id]
        typical = {CI: 360, DEPLOY: 420, NIGHTLY: 1500}[workflow_id]
        queue = rnd.uniform(3, 90)
        duration = min(4 * typical, rnd.lognormvariate(0, 0.3) * typical)
        attempt = run.pop("attempt", 1)
        started = created + timedelta(minutes=12 if attempt > 1 else 0)
        data = RunData(
            id=self.base_id + index,
            workflow_id=workflow_id,
            name=name,
            path=path,
            run_number=self.base_id // 100 + index,
            run_attempt=attempt,
            status="completed",
            conclusion=run["conclusion"],
            event=run.get("event", "push"),
            branch=run.get("branch", "main"),
            head_sha=f"{rnd.getrandbits(160):040x}",
            head_commit_time=run.get("commit_time", created - timedelta(minutes=rnd.randint(10, 2880))),
            title=run.get("title", f"{name} run"),
            actor=rnd.choice(ACTORS),
            html_url=f"{get_settings().github_url}{RUNS_PATH}{self.base_id + index}",
            created_at=created,
            started_at=started,
            updated_at=started + timedelta(seconds=queue + duration),
        )
        self.runs.append((data, self._jobs(data, job_names, queue, duration, run.get("failing"))))
        return data

    def _jobs(
        self, run: RunData, names: tuple[str, ...], queue: float, duration: float, failing
    ) -> list[JobData]:
        jobs, share = [], duration / len(names)
        for attempt in range(1, run.run_attempt + 1):
            begin = run.created_at if attempt < run.run_attempt else run.started_at
            for index, name in enumerate(names):
                broken = failing == name and (attempt < run.run_attempt or run.conclusion == "failure")
                conclusion = (
                    "failure" if broken else ("cancelled" if run.conclusion == "cancelled" else "success")
                )
                started = begin + timedelta(seconds=queue + index * share)
                steps = [
                    {"number": 1, "name": "Set up job", "conclusion": "success"},
                    {"number": 2, "name": f"Run {name}", "conclusion": conclusion},
                ]
                job_id = run.id * 10 + (attempt - 1) * len(names) + index
                ended = started + timedelta(seconds=share)
                jobs.append(
                    JobData(
                        job_id, run.id, attempt, name, "completed", conclusion, begin, started, ended, steps
                    )
                )
        return jobs


def _ci(day: _Day, created: datetime) -> RunData:
    rnd = day.rnd
    pushed = rnd.random() < 0.3
    outcome = rnd.choices(["success", "failure", "cancelled"], [84, 12, 4])[0]
    failing = (
        rnd.choices(["unit-tests", "integration-tests", "lint"], [4, 4, 2])[0]
        if outcome == "failure"
        else None
    )
    flaky = outcome == "success" and rnd.random() < 0.08
    return day.add(
        CI,
        created,
        conclusion=outcome,
        event="push" if pushed else "pull_request",
        branch="main"
        if pushed
        else f"feature/{rnd.choice(['cart', 'search', 'billing', 'login'])}-{rnd.randint(1, 99)}",
        failing="integration-tests" if flaky else failing,
        attempt=2 if flaky else 1,
        title=rnd.choice(["Fix cart totals", "Add search filters", "Bump dependencies", "Refactor billing"]),
    )


def day_runs(day: date, now: datetime) -> list[tuple[RunData, list[JobData]]]:
    """The runs of `day` created before `now - 30 min`, with their jobs."""
    runs = _Day(day)
    rnd, weekday = runs.rnd, day.weekday() < 5
    runs.add(
        NIGHTLY,
        runs.start + timedelta(hours=2),
        event="schedule",
        conclusion=rnd.choices(["success", "failure"], [93, 7])[0],
        failing="e2e",
    )
    moments = sorted(
        rnd.uniform(8, 19) if weekday else rnd.uniform(10, 22)
        for _ in range(rnd.randint(*((8, 16) if weekday else (1, 3))))
    )
    for hour in moments:
        ci = _ci(runs, runs.start + timedelta(hours=hour))
        if ci.branch == "main" and ci.conclusion == "success" and rnd.random() < 0.7:
            _deploy(runs, ci)
    cutoff = now - timedelta(minutes=30)
    return sorted((r for r in runs.runs if r[0].created_at < cutoff), key=lambda r: r[0].created_at)


def _deploy(day: _Day, ci: RunData) -> None:
    rnd = day.rnd
    created = ci.updated_at + timedelta(minutes=rnd.randint(1, 10))
    failed = rnd.random() < 0.1
    day.add(
        DEPLOY,
        created,
        conclusion="failure" if failed else "success",
        commit_time=ci.head_commit_time,
        failing="deploy-production",
        title=ci.title,
    )
    if failed:  # the fix: a successful deploy some time later restores service
        fix = created + timedelta(minutes=rnd.randint(30, 240))
        day.add(
            DEPLOY,
            fix,
            conclusion="success",
            commit_time=fix - timedelta(minutes=rnd.randint(10, 25)),
            title="Fix deployment",
        )


def history(days: int, now: datetime) -> Iterator[tuple[date, list[tuple[RunData, list[JobData]]]]]:
    """The last `days` days (today included), oldest first."""
    today = now.date()
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        yield day, day_runs(day, now)
