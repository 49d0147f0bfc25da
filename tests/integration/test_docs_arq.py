"""With Redis: the docs generation the API queues runs in `autodevhub worker` (an arq job); its progress,
written by the worker, is what the app's status route reads."""

from __future__ import annotations

import time

from sqlmodel import Session

from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.documentation.service import generate_from_directory
from tests.integration.test_workflow_jobs import worker  # noqa: F401 (fixture)
from tests.support.helpers import api_client, bearer
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)


def test_the_arq_worker_generates_and_the_app_reads_its_progress(worker, github_project, tmp_path):  # noqa: F811
    (tmp_path / "shop.py").write_text('def price(n: int) -> int:\n    """Price."""\n    return n\n')
    with Session(get_engine()) as session:  # the operator's first run names the local source
        generate_from_directory(
            session, Actor.of(github_project.owner), github_project.project_id, str(tmp_path)
        )
        session.commit()
    (tmp_path / "cart.py").write_text('def total() -> int:\n    """Total."""\n    return 1\n')
    url = f"/api/projects/{github_project.project_id}/docs/generate"
    client, headers = api_client(), bearer(github_project.token)

    queued = client.post(url, headers=headers)
    assert queued.status_code == 202 and queued.json()["queued"] is True
    assert client.get(url, headers=headers).json()["state"] == "queued"
    started = time.monotonic()
    worker()
    status = {}
    while time.monotonic() - started < 60:
        status = client.get(url, headers=headers).json()
        if status["state"] not in ("queued", "running"):
            break
        time.sleep(0.1)
    assert status["state"] == "done", status
    assert (status["files_read"], status["pages_written"]) == (2, 3)
    listed = client.get(f"/api/projects/{github_project.project_id}/docs", headers=headers).json()
    assert "cart" in {item["title"] for item in listed["items"]}
    print(f"docs generation through arq: {(time.monotonic() - started) * 1000:.0f} ms, worker start included")
