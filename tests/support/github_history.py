"""A generated, seeded GitHub Actions history in the REST API's JSON shapes (runs, jobs, workflows).

Used by the fake GitHub REST server and by webhook tests, whose payloads carry the same run objects.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

OWNER, NAME = "octo", "shop"
FULL_NAME = f"{OWNER}/{NAME}"
WORKFLOWS = {
    101: ("CI", ".github/workflows/ci.yml", ("lint", "unit-tests", "integration-tests", "build")),
    102: ("Deploy", ".github/workflows/deploy.yml", ("build-image", "deploy-production")),
    103: ("Nightly", ".github/workflows/nightly.yml", ("e2e", "security-scan")),
}
FILES = {
    101: "on:\n  push:\n  workflow_dispatch:\n    inputs:\n      debug:\n        type: boolean\n",
    102: "on:\n  workflow_dispatch:\n    inputs:\n      environment:\n        required: true\n"
    "        type: choice\n        options: [staging, production]\n",
    103: "on:\n  schedule:\n    - cron: '0 2 * * *'\n",
}

# What a job object of older GitHub Enterprise Server versions lacks (created_at came to the API later).
OLDER_ENTERPRISE_JOB_LACKS = ("created_at",)


def stamp(when: datetime | None) -> str | None:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


@dataclass
class Job:
    id: int
    name: str
    attempt: int
    conclusion: str | None
    created: datetime
    started: datetime | None
    completed: datetime | None
    steps: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class Run:
    id: int
    workflow_id: int
    run_number: int
    event: str
    branch: str
    sha: str
    commit_time: datetime
    created: datetime
    started: datetime
    updated: datetime
    status: str = "completed"
    conclusion: str | None = "success"
    attempt: int = 1
    actor: str = "mona"
    jobs: list[Job] = field(default_factory=list)

    @property
    def workflow_name(self) -> str:
        return WORKFLOWS[self.workflow_id][0]


def add_jobs(run: Run, rnd: random.Random, next_job_id: int, *, flaky: bool = False) -> int:
    """Jobs of every attempt; a flaky run's third job fails in attempt 1 and passes in attempt 2."""
    names = WORKFLOWS[run.workflow_id][2]
    for attempt in range(1, run.attempt + 1):
        start = run.started if attempt == run.attempt else run.created + timedelta(seconds=10)
        for index, name in enumerate(names):
            queued = start + timedelta(seconds=5 * index)
            began = queued + timedelta(seconds=rnd.randint(3, 40))
            done = run.status == "completed"
            failed = (flaky and attempt == 1 and index == 2) or (
                done and attempt == run.attempt and run.conclusion == "failure" and index == len(names) - 1
            )
            conclusion = ("failure" if failed else "success") if done or attempt < run.attempt else None
            finished = began + timedelta(seconds=rnd.randint(30, 300)) if conclusion else None
            steps = [("Set up job", "success"), (f"Run {name}", "failure" if failed else conclusion)]
            run.jobs.append(Job(next_job_id, name, attempt, conclusion, queued, began, finished, steps))
            next_job_id += 1
    return next_job_id


def generate(seed: int = 7, days: int = 88, now: datetime | None = None) -> list[Run]:
    """About six runs a day: CI on pushes and pull requests, deploys of main, a nightly; two still running."""
    rnd, now = random.Random(seed), (now or datetime.now(UTC)).replace(microsecond=0)
    start, runs = now - timedelta(days=days), []
    for day in range(days):
        base = start + timedelta(days=day)
        plan = [(101, rnd.choice(["push", "pull_request"])) for _ in range(rnd.randint(3, 5))]
        plan += [(102, "push")] * rnd.randint(1, 2) + [(103, "schedule")]
        for workflow_id, event in plan:
            created = base + timedelta(seconds=rnd.randint(0, 86_000))
            branch = "main" if workflow_id != 101 or event == "push" else f"feature-{rnd.randint(1, 40)}"
            sha = f"{rnd.getrandbits(160):040x}"
            started = created + timedelta(seconds=rnd.randint(0, 20))
            conclusion = rnd.choices(["success", "failure", "cancelled"], [85, 12, 3])[0]
            commit_time = created - timedelta(minutes=rnd.randint(5, 600))
            run = Run(0, workflow_id, 0, event, branch, sha, commit_time, created, started, started)
            run.conclusion = conclusion
            if workflow_id == 101 and conclusion == "success" and rnd.random() < 0.1:
                run.attempt, run.started = 2, created + timedelta(minutes=15)  # re-run after a flaky failure
            run.updated = run.started + timedelta(seconds=rnd.randint(60, 900))
            runs.append(run)
    runs.sort(key=lambda r: r.created)
    numbers: dict[int, int] = {}
    next_job_id = 50_000
    for index, run in enumerate(runs):
        run.id = 9_000 + index
        numbers[run.workflow_id] = run.run_number = numbers.get(run.workflow_id, 0) + 1
        if index >= len(runs) - 2:
            run.status, run.conclusion, run.updated = "in_progress", None, run.started
        next_job_id = add_jobs(run, rnd, next_job_id, flaky=run.attempt == 2)
    return runs


def make_run(run_id: int, workflow_id: int, created: datetime, conclusion: str | None = "success") -> Run:
    """One more run (completed unless conclusion is None), with its jobs."""
    started = created + timedelta(seconds=5)
    run = Run(
        run_id,
        workflow_id,
        run_id,
        "push",
        "main",
        f"{run_id:040x}",
        created - timedelta(minutes=30),
        created,
        started,
        started + timedelta(minutes=5),
        conclusion=conclusion,
    )
    if conclusion is None:
        run.status, run.updated = "in_progress", started
    add_jobs(run, random.Random(run_id), run_id * 10)
    return run


def run_json(run: Run, api: str) -> dict[str, Any]:
    """The run as GET /repos/{owner}/{repo}/actions/runs/{id} answers (and workflow_run webhooks carry)."""
    repo_url = f"{api}/repos/{FULL_NAME}"
    url = f"{repo_url}/actions/runs/{run.id}"
    actor = {"login": run.actor, "id": 583231, "type": "User", "url": f"{api}/users/{run.actor}"}
    return {
        "id": run.id,
        "name": run.workflow_name,
        "node_id": f"WFR_{run.id}",
        "head_branch": run.branch,
        "head_sha": run.sha,
        "path": WORKFLOWS[run.workflow_id][1],
        "display_title": f"Change {run.sha[:7]}",
        "run_number": run.run_number,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": run.workflow_id,
        "check_suite_id": run.id * 10,
        "url": url,
        "html_url": f"https://github.example/{FULL_NAME}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": stamp(run.created),
        "updated_at": stamp(run.updated),
        "actor": actor,
        "triggering_actor": actor,
        "run_attempt": run.attempt,
        "run_started_at": stamp(run.started),
        "jobs_url": f"{url}/jobs",
        "logs_url": f"{url}/logs",
        "check_suite_url": f"{repo_url}/check-suites/{run.id * 10}",
        "artifacts_url": f"{url}/artifacts",
        "cancel_url": f"{url}/cancel",
        "rerun_url": f"{url}/rerun",
        "previous_attempt_url": f"{url}/attempts/{run.attempt - 1}" if run.attempt > 1 else None,
        "workflow_url": f"{repo_url}/actions/workflows/{run.workflow_id}",
        "head_commit": {
            "id": run.sha,
            "tree_id": run.sha[::-1],
            "message": f"Change {run.sha[:7]}\n\nDetails.",
            "timestamp": stamp(run.commit_time),
            "author": {"name": "Mona", "email": "mona@example.com"},
            "committer": {"name": "Mona", "email": "mona@example.com"},
        },
        "repository": {"id": 1296269, "name": NAME, "full_name": FULL_NAME, "url": repo_url},
        "head_repository": {"id": 1296269, "name": NAME, "full_name": FULL_NAME, "url": repo_url},
    }


def job_json(run: Run, job: Job, api: str) -> dict[str, Any]:
    url = f"{api}/repos/{FULL_NAME}/actions/jobs/{job.id}"
    steps = [
        {
            "name": name,
            "status": "completed" if conclusion else "in_progress",
            "conclusion": conclusion,
            "number": number,
            "started_at": stamp(job.started),
            "completed_at": stamp(job.completed),
        }
        for number, (name, conclusion) in enumerate(job.steps, start=1)
    ]
    return {
        "id": job.id,
        "run_id": run.id,
        "run_url": f"{api}/repos/{FULL_NAME}/actions/runs/{run.id}",
        "run_attempt": job.attempt,
        "node_id": f"CR_{job.id}",
        "head_sha": run.sha,
        "head_branch": run.branch,
        "url": url,
        "html_url": f"https://github.example/{FULL_NAME}/actions/runs/{run.id}/job/{job.id}",
        "status": "completed" if job.conclusion else "in_progress",
        "conclusion": job.conclusion,
        "created_at": stamp(job.created),
        "started_at": stamp(job.started),
        "completed_at": stamp(job.completed),
        "name": job.name,
        "steps": steps,
        "check_run_url": f"{api}/repos/{FULL_NAME}/check-runs/{job.id}",
        "labels": ["ubuntu-latest"],
        "runner_id": 1,
        "runner_name": "runner-1",
        "runner_group_id": 1,
        "runner_group_name": "Default",
        "workflow_name": run.workflow_name,
    }


def workflow_json(workflow_id: int, api: str, updated: datetime) -> dict[str, Any]:
    name, path, _ = WORKFLOWS[workflow_id]
    return {
        "id": workflow_id,
        "node_id": f"W_{workflow_id}",
        "name": name,
        "path": path,
        "state": "active",
        "created_at": stamp(updated),
        "updated_at": stamp(updated),
        "url": f"{api}/repos/{FULL_NAME}/actions/workflows/{workflow_id}",
        "html_url": f"https://github.example/{FULL_NAME}/blob/main/{path}",
        "badge_url": f"https://github.example/{FULL_NAME}/workflows/{name}/badge.svg",
    }
