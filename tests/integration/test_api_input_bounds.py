"""Bad input and late conflicts answer 4xx, never 500; a write is committed before its response leaves."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.models import Project
from autodevhub.projects.ui.list_state import ProjectsState
from autodevhub.web.api import create_api
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.state_harness import Tab, World, build_world

TAKEN = "A project with this name already exists."
HUGE = "30932893376287357272064"  # past SQLite's 64-bit INTEGER: schemathesis found it as a 500


@pytest.fixture
def token(app_db) -> str:
    return make_token(make_user("ada@example.com"))


@pytest.mark.parametrize("path", ["/api/projects", "/api/stories"])
def test_offsets_past_any_list_are_refused_in_words(token, path):
    client = api_client()
    response = client.get(path, params={"offset": HUGE, "limit": 99}, headers=bearer(token))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("query.offset:")
    assert client.get(path, params={"offset": 10_000_000}, headers=bearer(token)).status_code == 200


def test_every_integer_query_parameter_has_bounds():
    for path, operations in create_api().openapi()["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                types = [schema.get("type")] + [option.get("type") for option in schema.get("anyOf", [])]
                if "integer" in types:
                    bounded = [s for s in [schema, *schema.get("anyOf", [])] if s.get("type") == "integer"]
                    assert all("maximum" in s and "minimum" in s for s in bounded), (path, parameter["name"])


def unbounded_text(schema: dict, where: str, schemas: dict, seen: tuple[str, ...] = ()) -> list[str]:
    """Where a request schema lets a string (an id, a time or an enum aside) be of any length."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return [] if name in seen else unbounded_text(schemas[name], where, schemas, (*seen, name))
    found = [w for option in schema.get("anyOf", []) for w in unbounded_text(option, where, schemas, seen)]
    free = "maxLength" not in schema and "enum" not in schema
    if schema.get("type") == "string" and free and schema.get("format") not in ("uuid", "date-time"):
        found.append(where)
    for name, part in schema.get("properties", {}).items():
        found += unbounded_text(part, f"{where}.{name}", schemas, seen)
    for key in ("additionalProperties", "items", "propertyNames"):
        if isinstance(schema.get(key), dict):
            found += unbounded_text(schema[key], f"{where}[{key}]", schemas, seen)
    return found


def test_every_text_a_request_carries_has_a_maximum_length():
    spec = create_api().openapi()
    schemas, unbounded = spec["components"]["schemas"], []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method} {path} {parameter['name']}"
                unbounded += unbounded_text(parameter["schema"], where, schemas)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += unbounded_text(content["schema"], f"{method} {path} body", schemas)
    assert unbounded == []


def test_a_name_the_database_compares_differently_is_a_409_not_a_500(token):
    # SQLite's lower() folds ASCII only: "Été" twice used to pass the service's check and hit the unique
    # index as a 500. Names now compare by their normalised key (test_project_names.py).
    client = api_client()
    assert client.post("/api/projects", json={"name": "Été"}, headers=bearer(token)).status_code == 201
    response = client.post("/api/projects", json={"name": "Été"}, headers=bearer(token))
    assert (response.status_code, response.json()) == (409, {"detail": TAKEN})
    with Session(get_engine()) as session:
        assert len(session.exec(select(Project).where(Project.name == "Été")).all()) == 1


def test_the_settings_page_shows_the_conflict_in_words(app_db):
    world: World = build_world()
    form = {"name": "Été", "description": "", "repo": ""}
    with Tab(cookie=world.cookies["owner"]) as tab:
        tab.open("/settings").send(ProjectsState.create_project, form_data=form)
        assert not tab.state(ProjectsState).error
        tab.send(ProjectsState.create_project, form_data=form)
        assert tab.state(ProjectsState).error == TAKEN
        assert not tab.errors


def test_a_write_is_committed_before_the_response_starts(token):
    """A client that reads right after it writes sees its write (the commit used to follow the response)."""
    seen: list[bool] = []
    body = b'{"name": "Shop"}'
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/projects",
        "raw_path": b"/api/projects",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"localhost:3000"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {token}".encode()),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("localhost", 3000),
    }

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            seen.append(message["status"] == 201 and _project_visible("Shop"))

    runner = threading.Thread(target=asyncio.run, args=(create_api()(scope, receive, send),))
    runner.start()  # its own thread and loop: Playwright may have left one running in this thread
    runner.join(timeout=30)
    assert seen == [True]


def _project_visible(name: str) -> bool:
    """Whether another connection sees the project (what the client's next request would see)."""
    with Session(get_engine()) as session:
        return session.exec(select(Project).where(Project.name == name)).first() is not None
