"""Dispatch as GitHub takes it: omitted inputs take the workflow file's defaults, types and choices checked.

Through POST /api/workflows/{id}/dispatch, the sync's reading of the file from the fake GitHub (real PyGithub)
and the dialog's fields built from what the sync stored.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.models import Workflow
from autodevhub.workflows.github.sync import sync_project
from autodevhub.workflows.ui import rows
from tests.support import github_history as history
from tests.support.helpers import api_client, bearer
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

DEPLOY = """
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
        default: staging
      dry_run: {type: boolean, required: true, default: true}
      replicas: {type: number, required: true, default: 2}
      region: {type: environment}
      tag: {required: true, default: latest}
      note: {type: string, required: true}
"""
DEFAULTS = {"environment": "staging", "dry_run": "true", "replicas": "2", "tag": "latest"}


@pytest.fixture
def deploy(github_project, monkeypatch: pytest.MonkeyPatch):
    """The Deploy workflow (id 102) declaring DEPLOY's inputs, synced; (fake, post(inputs) -> response)."""
    monkeypatch.setitem(history.FILES, 102, DEPLOY)
    assert sync_project(github_project.project_id).state == "ok"
    client, headers = api_client(), bearer(github_project.token)
    items = client.get(f"/api/projects/{github_project.project_id}/workflows", headers=headers).json()[
        "items"
    ]
    workflow_id = next(w["id"] for w in items if w["name"] == "Deploy")

    def post(inputs: dict):
        body = {"ref": "main", "inputs": inputs}
        return client.post(f"/api/workflows/{workflow_id}/dispatch", json=body, headers=headers)

    return github_project.fake, post


def test_omitted_inputs_take_their_defaults(deploy):
    fake, post = deploy
    assert post({"note": "hi"}).status_code == 202
    given = {"note": "again", "tag": "", "region": "eu-prod", "replicas": 3, "dry_run": False}
    assert post(given).status_code == 202
    assert [d["inputs"] for d in fake.dispatches] == [
        {**DEFAULTS, "note": "hi"},
        {**DEFAULTS, "note": "again", "region": "eu-prod", "replicas": "3", "dry_run": "false"},
    ]


@pytest.mark.parametrize(
    ("inputs", "detail"),
    [
        ({"environment": "prod"}, "Input 'environment' must be one of: staging, production."),
        ({"dry_run": "maybe"}, "Input 'dry_run' must be true or false."),
        ({"dry_run": "True"}, "Input 'dry_run' must be true or false."),
        ({"replicas": "three"}, "Input 'replicas' must be a number."),
        ({"replicas": "1_000"}, "Input 'replicas' must be a number."),
        ({"replicas": "inf"}, "Input 'replicas' must be a number."),
        ({"replicas": True}, "Input 'replicas' must be a number."),
        ({"region": " "}, "Input 'region' must name an environment."),
        ({"note": ""}, "Unknown inputs: none; missing required inputs: ['note']."),
        ({"colour": "red"}, "Unknown inputs: ['colour']; missing required inputs: none."),
    ],
)
def test_values_github_would_refuse_never_reach_it(deploy, inputs: dict, detail: str):
    fake, post = deploy
    answer = post({"note": "hi", "replicas": "1.5e2", **inputs})
    assert (answer.status_code, answer.json()) == (422, {"detail": detail})
    assert fake.dispatches == []


def test_the_dialog_shows_the_defaults_and_number_fields(deploy):
    with Session(get_engine()) as session:
        workflow = session.exec(select(Workflow).where(Workflow.github_id == 102)).one()
        fields = {f.name: f for f in rows.input_fields(workflow.configuration["inputs"])}
    shown = {name: (f.kind, f.default, f.hint, f.required) for name, f in fields.items()}
    assert shown == {
        "environment": ("choice", "staging", "Default: staging", True),
        "dry_run": ("boolean", "true", "Default: true", True),
        "replicas": ("number", "2", "Default: 2", True),
        "region": ("text", "", "", False),
        "tag": ("text", "latest", "Default: latest", True),
        "note": ("text", "", "", True),
    }
