"""A sync through the real PyGithub meets hostile workflow files: it marks them unreadable and goes on."""

from __future__ import annotations

import json
import time

import pytest
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.models import Workflow
from autodevhub.workflows.github.sync import sync_project
from tests.support import github_history as history
from tests.support.helpers import api_client, bearer
from tests.support.workflow_helpers import github_project_fixture, stored_runs  # noqa: F401 (fixture)


def alias_bomb(levels: int, width: int) -> str:
    """A workflow whose one choice input lists width**levels options through nested aliases."""
    lines = ["anchors:", f"  l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"  l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    lines += ["on:", "  workflow_dispatch:", "    inputs:", "      target:", "        type: choice"]
    return "\n".join([*lines, f"        options: *l{levels - 1}", ""])


HOSTILE = {
    # a million options once expanded (about 7 MB of JSON) from a file of a few hundred bytes
    "alias bomb": alias_bomb(6, 10),
    "too large": "on:\n  workflow_dispatch:\n# " + "x" * 600_000 + "\n",
    "recursive alias": "on: &on\n  workflow_dispatch:\n    inputs:\n      again: *on\n",
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_workflow_file_is_recorded_unreadable_and_the_sync_goes_on(
    github_project, monkeypatch: pytest.MonkeyPatch, kind: str
):
    fake, project_id = github_project.fake, github_project.project_id
    monkeypatch.setitem(history.FILES, 103, HOSTILE[kind])
    fake.runs = {run.id: run for run in history.generate(days=5)}

    started = time.monotonic()
    result = sync_project(project_id)

    assert time.monotonic() - started < 20
    assert (result.state, result.workflows, result.new_runs) == ("ok", 3, len(fake.runs)), result.message
    assert set(stored_runs(project_id)) == set(fake.runs)
    with Session(get_engine()) as session:
        workflows = {w.github_id: w.configuration for w in session.exec(select(Workflow))}
    nightly = workflows[103]
    assert nightly["dispatch"] is False and nightly["inputs"] == {}
    assert nightly["error"].startswith("workflow file not readable")
    assert len(json.dumps(nightly)) < 500
    assert workflows[101]["inputs"] == {"debug": {"type": "boolean"}}
    assert workflows[102]["dispatch"] is True


def test_a_workflow_whose_file_is_unreadable_is_not_dispatched(github_project, monkeypatch):
    monkeypatch.setitem(history.FILES, 103, HOSTILE["alias bomb"])
    assert sync_project(github_project.project_id).state == "ok"
    client, headers = api_client(), bearer(github_project.token)
    items = client.get(f"/api/projects/{github_project.project_id}/workflows", headers=headers).json()[
        "items"
    ]
    nightly = next(w["id"] for w in items if w["name"] == "Nightly")

    answer = client.post(f"/api/workflows/{nightly}/dispatch", json={"ref": "main"}, headers=headers)

    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(
        "This workflow cannot be run from here: workflow file not readable"
    )
    assert github_project.fake.dispatches == []
