"""`autodevhub demo`: a sample project with stories and 90 days of workflow runs, so the charts have data.

Idempotent: the project, stories, workflows and runs are found by name or GitHub id before anything is added.
The project has no repository, so no sync ever touches it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from autodevhub.auth import accounts
from autodevhub.auth.sessions import identity_of
from autodevhub.core import audit
from autodevhub.core.errors import InvalidInput
from autodevhub.core.identity import SYSTEM, Identity
from autodevhub.integrations.github_data import WorkflowData
from autodevhub.models import Project, User, UserRole, UserStory, utcnow
from autodevhub.projects import service as projects
from autodevhub.workflows.demo import runs as demo_runs
from autodevhub.workflows.github import store

ADMIN_EMAIL = "demo@autodevhub.local"
PROJECT_NAME = "Demo: Acme Shop"
DAYS = 90
STORIES = {
    "Shoppers filter search results by price and brand": (
        'Feature: Search filters\n\n  Scenario: Filter by brand\n    Given I searched for "shoes"\n'
        '    When I choose the brand "Acme"\n    Then I only see Acme shoes\n'
    ),
    "Customers pay for an order with a saved card": (
        "Feature: Saved cards\n\n  Scenario: Pay with a saved card\n    Given I have a saved card\n"
        "    When I pay for my order with it\n    Then the order is confirmed\n"
    ),
    "Admins export monthly sales as CSV": (
        "Feature: Sales export\n\n  Scenario: Export a month\n    Given I am an admin\n"
        "    When I export the sales of March as CSV\n    Then I download a CSV file with March's orders\n"
    ),
}


@dataclass
class DemoResult:
    project_id: str
    admin_email: str
    admin_password: str | None  # set only when the admin was created now: shown once
    new_runs: int
    new_stories: int


def _admin(session: Session) -> tuple[Identity, str | None]:
    """The first active admin; with no user at all, a new demo admin with a random password."""
    if session.exec(select(func.count()).select_from(User)).one() == 0:
        password = secrets.token_urlsafe(12)
        account = accounts.NewAccount(email=ADMIN_EMAIL, password=password, role=UserRole.admin)
        user = accounts.create_user(session, SYSTEM, account)
        return identity_of(user), password
    query = select(User).where(User.is_active, User.role == UserRole.admin).order_by(col(User.created_at))
    user = session.exec(query).first()
    if user is None:
        raise InvalidInput("Create an admin user first: autodevhub user create EMAIL --role admin.")
    return identity_of(user), None


def load(session: Session, *, now: datetime | None = None) -> DemoResult:
    """Add whatever part of the demo is missing; the caller commits."""
    now = now or utcnow()
    admin, password = _admin(session)
    actor = SYSTEM.acting_for(admin)  # the demo admin, from no address
    project = session.exec(select(Project).where(Project.name == PROJECT_NAME)).first()
    if project is None:
        description = "Sample data: an online shop's stories and 90 days of GitHub Actions runs."
        data = projects.ProjectCreate(name=PROJECT_NAME, description=description)
        project = projects.create_project(session, actor, data)
    new_stories = _stories(session, project, admin)
    workflows = {
        github_id: store.upsert_workflow(
            session, project.id, WorkflowData(github_id, name, path, "active", "", None)
        )[0]
        for github_id, (name, path, _) in demo_runs.WORKFLOWS.items()
    }
    session.flush()
    new_runs = 0
    for _, runs in demo_runs.history(DAYS, now):
        known: dict[int, object] = {}
        for github_id, workflow in workflows.items():
            known |= store.known_runs(
                session, workflow.id, [r.id for r, _ in runs if r.workflow_id == github_id]
            )
        for run, jobs in runs:
            if run.id not in known:
                row = store.apply_run(session, workflows[run.workflow_id], run, None)
                session.flush()
                store.store_jobs(session, row, jobs)
                new_runs += 1
    sync = store.sync_state(session, project.id)
    sync.default_branch, sync.message = "main", "Demo data: no repository is linked."
    if new_runs:
        sync.changed_at = now
    audit.record(session, actor, "demo.load", "project", project.id, runs=new_runs, stories=new_stories)
    return DemoResult(str(project.id), admin.email, password, new_runs, new_stories)


def _stories(session: Session, project: Project, admin: Identity) -> int:
    existing = set(
        session.exec(select(UserStory.feature_description).where(UserStory.project_id == project.id))
    )
    missing = [text for text in STORIES if text not in existing]
    for text in missing:
        session.add(
            UserStory(
                project_id=project.id,
                created_by=admin.id,
                feature_description=text,
                gherkin_output=STORIES[text],
            )
        )
    return len(missing)
