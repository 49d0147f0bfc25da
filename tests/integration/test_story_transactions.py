"""No database transaction stays open while Claude writes a story (PostgreSQL: pooled connections would sit
"idle in transaction" for minutes, and a few users would exhaust the pool)."""

from __future__ import annotations

import psycopg
from sqlmodel import Session

from autodevhub.auth.sessions import identity_of
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.stories import service
from tests.support.fake_anthropic import FakeAnthropic, fake_anthropic_fixture  # noqa: F401 (fixture)
from tests.support.story_fixtures import EXPORTS, make_world

IDLE_IN_TRANSACTION = """
    SELECT count(*) FROM pg_stat_activity
    WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()
"""


def watch_transactions(fake: FakeAnthropic, url: str) -> None:
    """While Claude is asked, count the app's connections that hold a transaction open."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)

    def idle_in_transaction() -> int:
        with psycopg.connect(dsn, autocommit=True) as connection:
            return connection.execute(IDLE_IN_TRANSACTION).fetchone()[0]

    fake.observe = idle_in_transaction


def test_generate_holds_no_transaction_while_claude_answers(app_postgres, fake_anthropic):
    world = make_world()
    watch_transactions(fake_anthropic, app_postgres)
    response = world.generate(EXPORTS)
    assert response.status_code == 201, response.text
    assert response.json()["metadata"]["engine"] == "claude"
    assert fake_anthropic.observations == [0]


def test_regenerate_holds_no_transaction_and_checks_the_story_again(app_postgres, fake_anthropic):
    world = make_world()
    story_id = world.generate(EXPORTS).json()["id"]
    watch_transactions(fake_anthropic, app_postgres)
    with Session(get_engine()) as session:
        actor = Actor.of(identity_of(world.admin))
        story = service.regenerate_story(session, actor, story_id, description=EXPORTS + " Twice a day.")
        session.commit()
        assert story.feature_description.endswith("Twice a day.")
    assert fake_anthropic.observations == [0]
    assert world.client.get(f"/api/stories/{story_id}", headers=world.headers()).json()["status"] == "draft"
