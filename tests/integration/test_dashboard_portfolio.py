"""The home page's project cards: hand-counted numbers, who sees which card, a bounded number of queries;
and who may read `GET /api/projects/{id}/overview`."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.errors import InvalidInput, NotAuthenticated
from autodevhub.core.identity import Actor
from autodevhub.dashboard import service
from autodevhub.models import Project, User, UserRole, UserStory, Workflow
from autodevhub.projects import members
from autodevhub.projects import service as projects
from autodevhub.workflows.github import store
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.workflow_fixture import NOW, finished_run, load

APPROX = pytest.approx


@pytest.fixture
def teams(app_db):
    """Projects A and B made by an admin; a member of A only, a viewer of A."""
    admin = make_user("admin@example.com", UserRole.admin)
    member, viewer = make_user("member@example.com"), make_user("viewer@example.com", UserRole.viewer)
    with Session(get_engine(), expire_on_commit=False) as session:
        actor = Actor.of(identity_of(admin))
        a = projects.create_project(session, actor, projects.ProjectCreate(name="Alpha"))
        b = projects.create_project(session, actor, projects.ProjectCreate(name="Bravo"))
        members.add_member(session, actor, a.id, member.email, "member")
        members.add_member(session, actor, a.id, viewer.email, "viewer")
        session.commit()
    return {"admin": admin, "member": member, "viewer": viewer, "a": a, "b": b}


def cards_for(user: User) -> list[str]:
    with Session(get_engine()) as session:
        return [card["name"] for card in service.project_cards(session, identity_of(user))["items"]]


def test_a_member_of_a_sees_only_as_card(teams):
    assert cards_for(teams["member"]) == cards_for(teams["viewer"]) == ["Alpha"]
    assert cards_for(teams["admin"]) == ["Alpha", "Bravo"]
    with Session(get_engine()) as session, pytest.raises(NotAuthenticated):
        service.project_cards(session, None)


@pytest.mark.parametrize("paging", [{"limit": 0}, {"limit": 51}, {"offset": -1}, {"limit": "9"}])
def test_card_paging_is_checked(teams, paging):
    with Session(get_engine()) as session, pytest.raises(InvalidInput):
        service.project_cards(session, identity_of(teams["admin"]), **paging)


def test_cards_page_past_the_limit(teams):
    with Session(get_engine()) as session:
        second = service.project_cards(session, identity_of(teams["admin"]), limit=1, offset=1)
    assert ([card["name"] for card in second["items"]], second["total"]) == (["Bravo"], 2)


def test_the_most_recently_active_project_comes_first(teams):
    with Session(get_engine()) as session:
        store.touch(session, teams["b"].id)  # Bravo's runs just changed; Alpha was never synced
        session.commit()
    assert cards_for(teams["admin"]) == ["Bravo", "Alpha"]
    with Session(get_engine()) as session:
        store.touch(session, teams["a"].id)
        session.commit()
    assert cards_for(teams["admin"]) == ["Alpha", "Bravo"]


@pytest.mark.parametrize(
    ("who", "project", "status"),
    [
        ("member", "a", 200),
        ("viewer", "a", 200),
        ("member", "b", 403),
        ("admin", "b", 200),
        ("member", None, 404),
    ],
)
def test_who_may_read_the_overview(teams, who, project, status):
    target = teams[project].id if project else uuid.uuid4()
    response = api_client().get(f"/api/projects/{target}/overview", headers=bearer(make_token(teams[who])))
    assert response.status_code == status, response.text
    if status == 200:
        body = response.json()
        assert body["project"]["name"] == teams[project].name
        assert body["docs"] == {
            "pages": 0,
            "fresh": 0,
            "stale": 0,
            "unknown": 0,
            "percent": None,
            "href": f"/docs?project={target}",
        }


@pytest.mark.parametrize(
    ("query", "status"), [("", 401), ("?days=14", 422), ("?days=5", 422), ("?activity_limit=100", 422)]
)
def test_overview_refusals(teams, query, status):
    token = make_token(teams["admin"]) if query else None
    headers = bearer(token) if token else {}
    response = api_client().get(f"/api/projects/{teams['a'].id}/overview{query}", headers=headers)
    assert response.status_code == status, response.text
    assert "detail" in response.json()


def test_a_card_against_the_hand_counted_fixture(app_db):
    with Session(get_engine()) as session:
        project, _ = load(session)
        owner = session.get(User, project.owner_id)
        (card,) = service.project_cards(session, identity_of(owner), now=NOW)["items"]
    # 7 days: 15 runs, 8 successes, 4 failures (test_workflow_metrics); DORA over 30 days.
    assert (card["ci"]["runs"], card["ci"]["successes"], card["ci"]["failures"]) == (15, 8, 4)
    assert card["ci"]["success_rate"] == APPROX(8 / 12)
    spark = {point["day"]: point["rate"] for point in card["ci"]["sparkline"]}
    assert list(spark) == [f"2025-03-{day}" for day in range(24, 32)]
    # 03-30: c1, c8, d7 succeeded, c2 and d6 failed; 03-27 had no run; 03-31: c5 runs, d9 was cancelled.
    assert (spark["2025-03-30"], spark["2025-03-27"], spark["2025-03-31"]) == (APPROX(3 / 5), None, None)
    assert card["dora"] == {
        "days": 30,
        "deployment_frequency": "medium",
        "lead_time": "elite",
        "change_failure_rate": "low",
        "time_to_restore": "high",
    }
    assert card["stories"]["draft"] == 0 and card["alerts"] == [] and "docs" not in card
    assert card["repo"] == "octo/metrics" and card["sync"] == {"state": "idle", "last_success_at": None}


def test_card_run_numbers_are_shared_until_the_runs_or_settings_change(app_db):
    with Session(get_engine(), expire_on_commit=False) as session:
        project, _ = load(session)
        owner = identity_of(session.get(User, project.owner_id))

        def card() -> dict:
            (found,) = service.project_cards(session, owner, now=NOW)["items"]
            return found

        assert card()["ci"]["runs"] == 15
        ci = session.exec(
            select(Workflow).where(Workflow.project_id == project.id, Workflow.name == "CI")
        ).one()
        session.add(finished_run(ci, 98, "success", NOW - timedelta(hours=3)))
        session.commit()  # stored without marking the project changed: the cached numbers stand
        assert card()["ci"]["runs"] == 15
        store.touch(session, project.id)  # what webhooks and syncs do after storing runs
        session.commit()
        assert card()["ci"]["runs"] == 16
        assert card()["dora"]["deployment_frequency"] == "medium"
        project.settings = {**project.settings, "deploy_workflows": ["no such workflow"]}
        session.add(project)
        session.commit()  # the settings are part of the key: no deploy workflow, no DORA band
        assert {band for key, band in card()["dora"].items() if key != "days"} == {None}
        later = service.project_cards(session, owner, now=NOW + timedelta(days=400))["items"][0]
        assert later["ci"]["runs"] == 0  # another moment is another window, never a cached one


def seed(count: int) -> User:
    """`count` projects with a deploy workflow, runs and a story each; their admin."""
    admin = User(email=f"admin{count}@example.com", role=UserRole.admin)
    with Session(get_engine()) as session:
        session.add(admin)
        for n in range(count):
            project = Project(name=f"Project {count}-{n:02d}", owner_id=admin.id, repo="octo/repo")
            workflow = Workflow(project_id=project.id, github_id=n, name="Deploy", path="deploy.yml")
            session.add_all([project, workflow, UserStory(project_id=project.id, feature_description="x")])
            for hours, conclusion in ((2, "failure"), (1, "success")):
                created = NOW - timedelta(hours=hours)
                commit_time = created - timedelta(hours=1)
                session.add(finished_run(workflow, hours, conclusion, created, head_commit_time=commit_time))
        session.commit()
        session.refresh(admin)
        return admin


def queries_for_cards(admin: User) -> tuple[int, int]:
    """(statements run, cards shown) for one page of the admin's cards."""
    statements = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = get_engine()
    with Session(engine) as session:
        identity = identity_of(admin)
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            page = service.project_cards(session, identity, now=NOW)
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements), len(page["items"])


def test_fifty_cards_cost_the_queries_of_five(app_db):
    few, shown_few = queries_for_cards(seed(5))
    with Session(get_engine()) as session:  # the next admin sees every project: 5 + 50
        session.exec(sa.delete(Project))
        session.commit()
    many, shown_many = queries_for_cards(seed(50))
    assert (shown_few, shown_many) == (5, 50)
    assert many == few <= 14
