"""DATABASE_REPLICA_URL: lists, metrics, the overview and the home page's cards read the replica; writes,
the sign-in check and a story just written read the primary. No replication runs here: the "replica" is a
second PostgreSQL database made from the primary as a template (a snapshot), so a row only one of them holds
shows which database was asked."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from autodevhub.auth.sessions import start_session
from autodevhub.core.db import engine_for, get_engine, read_session, replica_engine
from autodevhub.core.identity import Actor
from autodevhub.core.settings import SettingsError, get_settings, load_settings
from autodevhub.dashboard.ui.home_state import HomeState
from autodevhub.models import Project, RunStatus, SessionKind, UserStory, Workflow, WorkflowExecution
from autodevhub.models.base import utcnow
from tests.conftest import TEST_POSTGRES_URL, fresh_postgres, migrate
from tests.support.state_harness import Tab, cookie_for
from tests.support.story_fixtures import StoryWorld, make_world


@dataclass
class Databases:
    primary: str
    replica: str


@contextmanager
def snapshot_of(primary: str) -> Iterator[str]:
    """A new database copied from `primary` now (its template), dropped on exit."""
    engine_for(primary).dispose()  # a template may have no open connection
    name = f"adh_replica_{uuid.uuid4().hex[:12]}"
    source = primary.rsplit("/", 1)[1]
    with psycopg.connect(TEST_POSTGRES_URL, autocommit=True, connect_timeout=3) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    url = f"{primary.rsplit('/', 1)[0]}/{name}"
    yield url
    for read_only in (False, True):
        engine_for(url, read_only=read_only).dispose()
    with psycopg.connect(TEST_POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def world(monkeypatch) -> Iterator[tuple[StoryWorld, Databases]]:
    """An admin, a token and a project on the primary, then a replica copied from it (set as
    DATABASE_REPLICA_URL)."""
    with fresh_postgres() as primary:
        migrate(primary)
        monkeypatch.setenv("DATABASE_URL", primary)
        get_settings.cache_clear()
        story_world = make_world()
        with snapshot_of(primary) as replica:
            monkeypatch.setenv("DATABASE_REPLICA_URL", replica)
            get_settings.cache_clear()
            yield story_world, Databases(primary, replica)


def story_ids(url: str) -> set[str]:
    with Session(engine_for(url)) as session:
        return {str(story.id) for story in session.exec(select(UserStory))}


def only_on_replica(replica: str, project_id: str, admin_id: uuid.UUID) -> tuple[str, str]:
    """A story and a finished run written straight into the replica (the primary never has them)."""
    project = uuid.UUID(project_id)
    story = UserStory(project_id=project, created_by=admin_id, feature_description="Replica only")
    workflow = Workflow(project_id=project, github_id=7, name="CI", path=".github/workflows/ci.yml")
    started = utcnow() - timedelta(hours=2)
    run = WorkflowExecution(
        project_id=project,
        workflow_id=workflow.id,
        github_run_id=70,
        run_number=1,
        status=RunStatus.completed,
        conclusion="success",
        branch="main",
        event="push",
        created_at=started,
        started_at=started,
        completed_at=started + timedelta(minutes=3),
        duration_seconds=180,
    )
    with Session(engine_for(replica)) as session:
        session.add_all([story, workflow])
        session.flush()
        session.add(run)
        session.commit()
        return str(story.id), str(run.id)


def test_reads_go_to_the_replica_and_writes_to_the_primary(world):
    story_world, databases = world
    client, project_id, headers = story_world.client, story_world.project_id, story_world.headers()
    replica_story, replica_run = only_on_replica(databases.replica, project_id, story_world.admin.id)

    written = story_world.generate()  # a write: on the primary only
    assert written.status_code == 201, written.text
    new_id = written.json()["id"]
    assert new_id in story_ids(databases.primary) and new_id not in story_ids(databases.replica)
    # read-your-writes: the story just written is read from the primary
    assert client.get(f"/api/stories/{new_id}", headers=headers).status_code == 200

    listed = client.get("/api/stories", params={"project_id": project_id}, headers=headers).json()
    assert [item["id"] for item in listed["items"]] == [replica_story] and listed["total"] == 1

    runs = client.get(f"/api/projects/{project_id}/executions", headers=headers).json()
    assert [item["id"] for item in runs["items"]] == [replica_run]
    metrics = client.get(f"/api/projects/{project_id}/metrics", params={"days": 7}, headers=headers).json()
    assert metrics["summary"]["runs"] == 1 and metrics["summary"]["successes"] == 1
    overview = client.get(f"/api/projects/{project_id}/overview", headers=headers).json()
    assert overview["stories"]["total"] == 1 and overview["ci"]["runs"] == 1
    assert [row["id"] for row in overview["last_stories"]["items"]] == [replica_story]

    # the caller is still checked on the primary: a token revoked there is refused at once
    with Session(engine_for(databases.primary)) as session:
        session.exec(text("UPDATE api_tokens SET revoked_at = now()"))
        session.commit()
    assert client.get("/api/stories", headers=headers).status_code == 401


def test_replica_transactions_are_read_only(world):
    _, databases = world
    assert replica_engine() is engine_for(get_settings().sqlalchemy_replica_url, read_only=True)
    assert replica_engine() is not get_engine()
    with read_session() as session, pytest.raises(Exception, match="read-only transaction"):
        session.exec(text("DELETE FROM user_stories"))
    with read_session() as session:
        assert session.exec(text("SELECT current_database()")).one()[0] == databases.replica.rsplit("/")[-1]


def test_without_a_replica_reads_use_the_primary(world, monkeypatch):
    story_world, _ = world
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    get_settings.cache_clear()
    assert replica_engine() is get_engine()
    new_id = story_world.generate().json()["id"]
    params = {"project_id": story_world.project_id}
    listed = story_world.client.get("/api/stories", params=params, headers=story_world.headers()).json()
    assert [item["id"] for item in listed["items"]] == [new_id]


@pytest.mark.parametrize(
    ("primary", "replica", "message"),
    [
        ("postgresql://db/app", "sqlite:///copy.db", "must start with postgresql://"),
        ("", "postgresql://replica/app", "needs DATABASE_URL on PostgreSQL"),
    ],
)
def test_a_replica_must_be_postgresql_beside_a_postgresql_primary(monkeypatch, primary, replica, message):
    monkeypatch.setenv("DATABASE_URL", primary)
    monkeypatch.setenv("DATABASE_REPLICA_URL", replica)
    with pytest.raises(SettingsError, match=f"invalid DATABASE_REPLICA_URL: {message}"):
        load_settings()


def test_the_home_page_cards_come_from_the_replica(world):
    story_world, databases = world
    with Session(engine_for(databases.replica)) as session:
        session.add(Project(name="Replica only", owner_id=story_world.admin.id))
        session.commit()
    with Session(get_engine()) as session:  # on the primary, after the copy: the sign-in and a new project
        _, raw = start_session(session, Actor.of(None, None, "harness"), story_world.admin, SessionKind.web)
        session.add(Project(name="Primary only", owner_id=story_world.admin.id))
        session.commit()
    with Tab(cookie=cookie_for(raw)) as tab:
        tab.open("/")
        home = tab.state(HomeState)
        assert home.loaded and home.error == ""
        assert sorted(card.name for card in home.cards) == ["Replica only", "Shop"]
