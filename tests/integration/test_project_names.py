"""Project names are unique as people read them (case and Unicode form folded), enforced by the database
through a normalised key, and a clash is a 409 whatever the timing."""

from __future__ import annotations

import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import Session, select

from autodevhub.cli import alembic_config
from autodevhub.core.db import engine_for, get_engine
from autodevhub.models import Project
from tests.support.helpers import api_client, bearer, make_token, make_user

TAKEN = {"detail": "A project with this name already exists."}
SAME_NAME = ["Été", "ÉTÉ", "été", unicodedata.normalize("NFD", "Été"), " Été ", "éTÉ"]


@pytest.fixture(params=["sqlite", "postgres"])
def token(request) -> str:
    request.getfixturevalue("app_db" if request.param == "sqlite" else "app_postgres")
    return make_token(make_user("ada@example.com"))


def names() -> list[str]:
    with Session(get_engine()) as session:
        return list(session.exec(select(Project.name)))


def test_every_spelling_of_a_taken_name_is_a_409(token):
    client = api_client()
    first, *others = SAME_NAME
    assert client.post("/api/projects", json={"name": first}, headers=bearer(token)).status_code == 201
    for name in others:
        response = client.post("/api/projects", json={"name": name}, headers=bearer(token))
        assert (response.status_code, response.json()) == (409, TAKEN), repr(name)
    other = client.post("/api/projects", json={"name": "Straße"}, headers=bearer(token)).json()
    renamed = client.patch(f"/api/projects/{other['id']}", json={"name": "ÉTÉ"}, headers=bearer(token))
    assert (renamed.status_code, renamed.json()) == (409, TAKEN)
    assert client.post("/api/projects", json={"name": "STRASSE"}, headers=bearer(token)).status_code == 409
    assert sorted(names()) == ["Straße", "Été"]


def test_concurrent_creations_of_one_name_give_one_project_and_409s(token):
    spellings = [SAME_NAME[i % len(SAME_NAME)] for i in range(20)]

    def create(name: str) -> int:
        return api_client().post("/api/projects", json={"name": name}, headers=bearer(token)).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(create, spellings))
    assert statuses == [201] + [409] * 19
    assert len(names()) == 1


def test_the_migration_keys_existing_projects_and_keeps_old_duplicates(sqlite_url):
    config = alembic_config()
    config.attributes.update(url=sqlite_url, configure_logger=False)
    command.upgrade(config, "0003")
    engine = engine_for(sqlite_url)
    owner = uuid.uuid4().hex
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (id, email, first_name, last_name, role, is_active, created_at, "
                "updated_at) VALUES (:id, 'o@example.com', '', '', 'admin', 1, '2026-01-01', '2026-01-01')"
            ),
            {"id": owner},
        )
        for index, name in enumerate(["Été", "été", "Plain"]):
            connection.execute(
                sa.text(
                    "INSERT INTO projects (id, name, description, owner_id, settings, created_at, "
                    "updated_at) VALUES (:id, :name, '', :owner, '{}', :at, :at)"
                ),
                {"id": uuid.uuid4().hex, "name": name, "owner": owner, "at": f"2026-01-0{index + 1}"},
            )
    command.upgrade(config, "head")
    with engine.connect() as connection:
        rows = dict(connection.execute(sa.text("SELECT name, name_key FROM projects")).all())
    assert rows["Été"] == "été" and rows["Plain"] == "plain"
    assert rows["été"].startswith("été#")  # the later duplicate is kept, with a distinct key
