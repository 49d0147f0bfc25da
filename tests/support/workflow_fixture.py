"""A small, hand-checked set of runs for the metric tests (times in UTC, NOW = 2025-03-31 12:00).

CI (workflow "CI"): c1..c8; deploys ("Deploy production", .github/workflows/deploy.yml): d1..d9.
Every expected number in test_workflow_metrics.py was computed by hand from this table.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from autodevhub.models import Project, RunStatus, User, UserRole, Workflow, WorkflowExecution
from autodevhub.models.workflows import WorkflowJob

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)


def finished_run(
    workflow: Workflow, run_id: int, conclusion: str, created: datetime, **extra
) -> WorkflowExecution:
    """A five-minute run of `workflow` on main, created at `created` (`extra`: more columns)."""
    return WorkflowExecution(
        project_id=workflow.project_id,
        workflow_id=workflow.id,
        github_run_id=run_id,
        status=RunStatus.completed,
        conclusion=conclusion,
        branch="main",
        created_at=created,
        started_at=created,
        completed_at=created + timedelta(minutes=5),
        **extra,
    )


def at(text: str) -> datetime:
    """'03-30 10:00' in 2025 (or 'YYYY-MM-DD HH:MM')."""
    return datetime.fromisoformat(text if len(text) > 11 else f"2025-{text}").replace(tzinfo=UTC)


# run: (workflow, created, conclusion (None: running), duration s, queue s, branch, event, sha, head commit)
RUNS = {
    "c1": ("CI", "03-30 10:00", "success", 100, 10, "main", "push", "a1", None),
    "c2": ("CI", "03-30 11:00", "failure", 200, 20, "main", "push", "a2", None),
    "c3": ("CI", "03-29 09:00", "success", 300, 30, "feat", "pull_request", "a3", None),
    "c4": ("CI", "03-29 15:00", "cancelled", 50, None, "feat", "pull_request", "a3", None),
    "c5": ("CI", "03-31 11:00", None, None, None, "main", "push", "a5", None),
    "c6": ("CI", "03-20 10:00", "success", 400, 40, "main", "push", "a6", None),
    "c7": ("CI", "01-15 10:00", "timed_out", 600, None, "main", "push", "a7", None),
    "c8": ("CI", "03-30 12:00", "success", 150, None, "main", "push", "a2", None),
    "d1": ("Deploy", "03-25 08:00", "success", 600, 5, "main", "push", "b1", "03-25 06:00"),
    "d2": ("Deploy", "03-26 09:00", "failure", 300, 5, "main", "push", "b2", "03-26 08:00"),
    "d3": ("Deploy", "03-26 10:00", "failure", 300, None, "main", "push", "b3", "03-26 09:30"),
    "d4": ("Deploy", "03-26 12:00", "success", 1200, 15, "main", "push", "b4", "03-26 11:00"),
    "d5": ("Deploy", "03-28 14:00", "success", 600, None, "main", "push", "b5", "03-27 14:10"),
    "d6": ("Deploy", "03-30 16:00", "failure", 600, None, "main", "push", "b6", "03-30 15:00"),
    "d7": ("Deploy", "03-30 16:30", "success", 900, 5, "main", "push", "b7", "03-30 16:20"),
    "d8": ("Deploy", "03-29 10:00", "success", 300, None, "hotfix", "push", "b8", "03-29 09:00"),
    "d9": ("Deploy", "03-31 09:00", "cancelled", 60, None, "main", "push", "b9", "03-31 08:00"),
}
# (run, job id, name, attempt, conclusion, started, completed)
JOBS = [
    ("c1", 101, "tests", 1, "failure", "03-30 10:01", "03-30 10:03"),
    ("c1", 102, "tests", 2, "success", "03-30 10:08", "03-30 10:10"),
    ("c2", 201, "tests", 1, "failure", "03-30 11:01", "03-30 11:05"),
    ("c2", 202, "lint", 1, "failure", "03-30 11:01", "03-30 11:04"),
    ("c3", 301, "tests", 1, "success", "03-29 09:01", "03-29 09:05"),
    ("c3", 302, "lint", 1, "success", "03-29 09:01", "03-29 09:03"),
    ("c4", 401, "tests", 1, "failure", "03-29 15:00", "03-29 15:02"),
    ("c7", 701, "tests", 1, "failure", "01-15 10:01", "01-15 10:09"),
    ("c8", 801, "tests", 1, "success", "03-30 12:01", "03-30 12:05"),
    ("c8", 802, "lint", 1, "success", "03-30 12:01", "03-30 12:04"),
    ("d1", 1001, "deploy", 1, "success", "03-25 08:01", "03-25 08:10"),
    ("d2", 1002, "deploy", 1, "failure", "03-26 09:01", "03-26 09:05"),
    ("d3", 1003, "deploy", 1, "failure", "03-26 10:01", "03-26 10:05"),
    ("d6", 1006, "deploy", 1, "failure", "03-30 16:01", "03-30 16:10"),
]


def load(session: Session, project_name: str = "Metrics") -> tuple[Project, dict[str, Workflow]]:
    """The project, its two workflows and every run and job of the table above."""
    owner = User(email=f"{project_name.lower()}@example.com", role=UserRole.admin)
    project = Project(name=project_name, owner_id=owner.id, repo="octo/metrics")
    workflows = {
        "CI": Workflow(project_id=project.id, github_id=1, name="CI", path=".github/workflows/ci.yml"),
        "Deploy": Workflow(
            project_id=project.id, github_id=2, name="Deploy production", path=".github/workflows/deploy.yml"
        ),
    }
    session.add_all([owner, project, *workflows.values()])
    for number, (key, row) in enumerate(RUNS.items(), start=1):
        workflow, created, conclusion, duration, queue, branch, event, sha, head = row
        start = at(created)
        execution = WorkflowExecution(
            project_id=project.id,
            workflow_id=workflows[workflow].id,
            github_run_id=number,
            run_number=number,
            run_attempt=max((job[3] for job in JOBS if job[0] == key), default=1),
            status=RunStatus.completed if conclusion else RunStatus.in_progress,
            conclusion=conclusion,
            event=event,
            branch=branch,
            head_sha=sha,
            head_commit_time=at(head) if head else None,
            created_at=start,
            started_at=start,
            completed_at=start + timedelta(seconds=duration) if conclusion else None,
            duration_seconds=duration,
            queue_seconds=queue,
        )
        session.add(execution)
        for _, job_id, name, attempt, job_conclusion, began, ended in (j for j in JOBS if j[0] == key):
            started, completed = at(began), at(ended)
            session.add(
                WorkflowJob(
                    execution_id=execution.id,
                    project_id=project.id,
                    run_created_at=start,
                    github_job_id=job_id,
                    run_attempt=attempt,
                    name=name,
                    status="completed",
                    conclusion=job_conclusion,
                    started_at=started,
                    completed_at=completed,
                    duration_seconds=(completed - started).total_seconds(),
                )
            )
    session.commit()
    return project, workflows
