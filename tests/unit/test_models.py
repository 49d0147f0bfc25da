"""Every table round-trips on SQLite and PostgreSQL; constraints and cascades hold in the database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, SQLModel, select

from autodevhub.cli import alembic_config
from autodevhub.core.db import engine_for
from autodevhub.models import (
    ApiToken,
    AuditLog,
    Documentation,
    DocumentationVersion,
    InstanceSetting,
    LinkState,
    Project,
    ProjectMember,
    ProjectRole,
    RunStatus,
    ScenarioResult,
    SessionKind,
    StoryLink,
    StoryScenarioResult,
    StoryStatus,
    User,
    UserRole,
    UserSession,
    UserStory,
    Workflow,
    WorkflowExecution,
    WorkflowState,
    utcnow,
)
from autodevhub.models.accounts import RotatedRefreshToken
from autodevhub.models.notifications import DeliveryStatus, Notice, NotificationChannel, NotificationDelivery
from autodevhub.models.workflows import SyncState, WebhookDelivery, WorkflowJob, WorkflowSync

NESTED_JSON = {"labels": ["auth", "ü"], "limits": {"max": 3, "ratio": 0.5}, "enabled": True, "none": None}


@pytest.fixture(params=["sqlite_url", "postgres_url"], ids=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """A database of each kind, migrated to head."""
    url = request.getfixturevalue(request.param)
    config = alembic_config()
    config.attributes.update(url=url, configure_logger=False)
    command.upgrade(config, "head")
    return engine_for(url)


def add(engine: Engine, *rows: SQLModel) -> None:
    """Insert the rows in their order (tables tied only by a foreign key, no relationship, are not sorted
    by the ORM) in one transaction."""
    with Session(engine, expire_on_commit=False) as session:
        for row in rows:
            session.add(row)
            session.flush()
        session.commit()


def make_user(email: str = "ada@example.com", **fields) -> User:
    return User(email=email, **{"first_name": "Ada", "last_name": "Lovelace", **fields})


def make_project(owner: User, name: str = "Apollo") -> Project:
    return Project(name=name, owner_id=owner.id)


def snapshot(row: SQLModel) -> dict:
    """Column values, leaving out the ids the database assigns (audit logs, workflow jobs)."""
    return row.model_dump(exclude={"id"} if isinstance(row, AuditLog | WorkflowJob) else None)


def count(engine: Engine, model: type[SQLModel], *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_every_table_round_trips(engine: Engine) -> None:
    user = make_user(
        password_hash="$argon2id$v=19$hash", role=UserRole.admin, github_id=2**40, github_login="ada"
    )
    project = Project(
        name="Apollo",
        name_key="apollo",
        description="Moon",
        owner_id=user.id,
        settings=NESTED_JSON,
        repo="octo/apollo",
    )
    workflow = Workflow(
        project_id=project.id,
        github_id=2**40,
        name="CI",
        path=".github/workflows/ci.yml",
        configuration={"dispatch_inputs": {"env": {"default": "staging"}}},
        status=WorkflowState.disabled_manually,
        execution_history={"runs": [1, 2]},
    )
    execution = WorkflowExecution(
        project_id=project.id,
        workflow_id=workflow.id,
        github_run_id=2**40,
        status=RunStatus.completed,
        conclusion="success",
        head_commit_time=utcnow(),
        logs={"lines": ["ok"]},
        artifacts={"coverage": {"percent": 91.5}},
        completed_at=utcnow(),
        duration_seconds=61.5,
    )
    audit = AuditLog(
        user_id=user.id,
        action="story.create",
        resource_type="story",
        resource_id="42",
        audit_metadata=NESTED_JSON,
        ip_address="2001:db8::1",
    )
    channel = NotificationChannel(
        project_id=project.id,
        name="team mail",
        kind="mailto",
        url_sealed="v1.sealed",
        url_masked="mailto://smtp.example.com…",
        events=["run.failed", "run.recovered"],
        filters={"branch": "main"},
        created_by=user.id,
    )
    page = Documentation(
        project_id=project.id,
        doc_type="readme",
        title="README",
        content="# Apollo",
        file_path="README.md",
        version_info={"sha": "abc123"},
    )
    login = UserSession(
        user_id=user.id,
        kind=SessionKind.api,
        token_hash="a" * 64,
        expires_at=datetime(2030, 1, 1, 14, 30, tzinfo=timezone(timedelta(hours=2))),
        ip_address="203.0.113.9",
        user_agent="Mozilla/5.0",
    )
    story = UserStory(
        project_id=project.id,
        created_by=user.id,
        feature_description="Users reset their password",
        gherkin_output="Feature: Reset\n  Scenario: by email",
        status=StoryStatus.in_progress,
        story_metadata=NESTED_JSON,
        confidence_score=0.875,
    )
    rows: list[SQLModel] = [
        user,
        project,
        ProjectMember(project_id=project.id, user_id=user.id, role=ProjectRole.maintainer),
        story,
        StoryLink(
            story_id=story.id,
            project_id=project.id,
            repo="octo/apollo",
            number=2**31 - 1,
            url="https://github.com/octo/apollo/issues/1",
            state=LinkState.closed,
        ),
        StoryScenarioResult(
            story_id=story.id,
            project_id=project.id,
            scenario="Export as CSV",
            result=ScenarioResult.failed,
            github_run_id=2**40,
            run_created_at=utcnow(),
        ),
        page,
        DocumentationVersion(
            documentation_id=page.id, version=1, title="README", content="# Old", version_info={"sha": "0ld"}
        ),
        workflow,
        execution,
        WorkflowJob(
            execution_id=execution.id,
            project_id=project.id,
            run_created_at=execution.created_at,
            github_job_id=2**40,
            run_attempt=2,
            name="test",
            conclusion="failure",
        ),
        WebhookDelivery(
            delivery_id=str(uuid.uuid4()), event="push", repository="octo/apollo", payload=NESTED_JSON
        ),
        WorkflowSync(
            project_id=project.id, state=SyncState.delayed, stats={"runs": 3}, delayed_until=utcnow()
        ),
        audit,
        login,
        RotatedRefreshToken(token_hash="e" * 64, session_id=login.id, expires_at=login.expires_at),
        ApiToken(user_id=user.id, name="ci", token_hash="b" * 64, expires_at=utcnow() + timedelta(days=30)),
        InstanceSetting(key="github_allowed_orgs", value={"value": ["octo", "acme"]}),
        channel,
        NotificationDelivery(
            channel_id=channel.id,
            project_id=project.id,
            event="run.failed",
            dedupe_key="run.failed:1",
            title="CI failed",
            status=DeliveryStatus.failed,
            attempts=4,
        ),
        Notice(user_id=user.id, project_id=project.id, event="run.failed", dedupe_key="k", title="CI failed"),
    ]
    assert {type(row).__tablename__ for row in rows} == set(SQLModel.metadata.tables)
    expected = [snapshot(row) for row in rows]
    add(engine, *rows)
    identities = [inspect(row).identity for row in rows]
    assert isinstance(audit.id, int)

    with Session(engine) as session:
        for row, identity, want in zip(rows, identities, expected, strict=True):
            loaded = session.get(type(row), identity)
            assert loaded is not None, type(row).__name__
            got = snapshot(loaded)
            assert got == want, type(row).__name__
            for name, value in got.items():
                if isinstance(value, datetime):
                    assert value.utcoffset() == timedelta(0), f"{type(row).__name__}.{name}"
        assert isinstance(session.get(User, user.id).role, UserRole)
        story = session.exec(select(UserStory)).one()
        assert story.status is StoryStatus.in_progress
        assert story.story_metadata == NESTED_JSON
        assert session.exec(select(UserSession)).one().expires_at == datetime(2030, 1, 1, 12, 30, tzinfo=UTC)

    with engine.connect() as connection:
        raw = connection.execute(text("SELECT status, metadata FROM user_stories")).one()
    assert raw.status == "in_progress"
    assert "limits" in str(raw.metadata)


def test_email_is_unique(engine: Engine) -> None:
    add(engine, make_user())
    with pytest.raises(IntegrityError):
        add(engine, make_user(first_name="Other"))
    assert count(engine, User) == 1


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with pytest.raises(IntegrityError):
        add(engine, UserStory(project_id=uuid.uuid4(), feature_description="orphan"))
    assert count(engine, UserStory) == 0


def test_deleting_a_project_deletes_what_belongs_to_it(engine: Engine) -> None:
    owner = make_user()
    doomed, kept = make_project(owner), make_project(owner, name="Kept")
    workflow = Workflow(project_id=doomed.id, name="CI")
    add(
        engine,
        owner,
        doomed,
        kept,
        ProjectMember(project_id=doomed.id, user_id=owner.id, role=ProjectRole.owner),
        UserStory(project_id=doomed.id, feature_description="one"),
        UserStory(project_id=doomed.id, feature_description="two"),
        UserStory(project_id=kept.id, feature_description="kept"),
        Documentation(project_id=doomed.id, doc_type="readme", title="README"),
        workflow,
        WorkflowExecution(project_id=doomed.id, workflow_id=workflow.id),
    )

    with Session(engine) as session:
        session.delete(session.get(Project, doomed.id))
        session.commit()

    assert count(engine, UserStory, UserStory.project_id == doomed.id) == 0
    assert count(engine, UserStory, UserStory.project_id == kept.id) == 1
    for model in (ProjectMember, Documentation, Workflow, WorkflowExecution):
        assert count(engine, model) == 0, model.__name__
    assert count(engine, User) == 1


def test_deleting_a_user_keeps_their_stories(engine: Engine) -> None:
    owner, leaver = make_user(), make_user("leaver@example.com")
    project = make_project(owner)
    story = UserStory(project_id=project.id, created_by=leaver.id, feature_description="kept")
    add(
        engine,
        owner,
        leaver,
        project,
        story,
        ProjectMember(project_id=project.id, user_id=leaver.id),
        UserSession(user_id=leaver.id, token_hash="c" * 64, expires_at=utcnow()),
        ApiToken(user_id=leaver.id, name="laptop", token_hash="d" * 64),
    )

    with Session(engine) as session:
        session.delete(session.get(User, leaver.id))
        session.commit()
        assert session.get(UserStory, story.id).created_by is None
    for model in (ProjectMember, UserSession, ApiToken):
        assert count(engine, model) == 0, model.__name__


def test_a_user_with_an_audit_trail_cannot_be_deleted(engine: Engine) -> None:
    actor = make_user()
    add(engine, actor, AuditLog(user_id=actor.id, action="auth.login", resource_type="user"))
    with Session(engine) as session, pytest.raises(IntegrityError):
        session.delete(session.get(User, actor.id))
        session.commit()


def test_a_user_who_owns_projects_cannot_be_deleted(engine: Engine) -> None:
    owner = make_user()
    add(engine, owner, make_project(owner))
    with Session(engine) as session, pytest.raises(IntegrityError):
        session.delete(session.get(User, owner.id))
        session.commit()
    assert count(engine, Project) == 1


def test_audit_log_ids_increase(engine: Engine) -> None:
    ids = []
    for action in ("login", "story.create", "logout"):
        entry = AuditLog(action=action, resource_type="session")
        add(engine, entry)
        with Session(engine) as session:
            ids.append(session.exec(select(AuditLog.id).where(AuditLog.action == action)).one())
    assert all(isinstance(entry_id, int) for entry_id in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == 3


def test_updated_at_moves_on_update(engine: Engine) -> None:
    owner = make_user()
    project = make_project(owner)
    add(engine, owner, project)
    with Session(engine) as session:
        loaded = session.get(Project, project.id)
        loaded.description = "changed"
        session.commit()
        session.refresh(loaded)
        assert loaded.updated_at > project.updated_at
        assert loaded.created_at == project.created_at


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    owner = make_user()
    add(engine, owner)
    naive = ApiToken(user_id=owner.id, name="naive", token_hash="e" * 64, expires_at=datetime(2030, 1, 1))
    with pytest.raises(StatementError, match="naive datetime"):
        add(engine, naive)
    assert count(engine, ApiToken) == 0
