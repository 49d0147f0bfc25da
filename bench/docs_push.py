"""Push -> pull request latency against the fake GitHub (bench/docs.py runs it last): the package's files on
the fake's main, docs generated from GitHub once, then a signed push webhook per round (one file changed)
through the app's API; the clock runs from the delivery to the docs pull request opened (first round) or
updated (later ones), with the in-process job runner. The issue's goal: under 60 s on 2 cores."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

from sqlmodel import Session


def push_round(root: Path, source: Path, actor: object, project_id: object, url: str, rounds: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository's tests package
    from autodevhub.core.db import engine_for
    from autodevhub.core.jobs import local_runner
    from autodevhub.core.settings import get_settings
    from autodevhub.documentation import publish, service
    from autodevhub.features import register
    from autodevhub.models import Project, RepoTrust
    from tests.support import github_history as history
    from tests.support.fake_github_rest import FakeGitHubRest
    from tests.support.helpers import api_client
    from tests.support.webhook_helpers import SECRET, URL, example, signed_headers

    fake = FakeGitHubRest().start()
    os.environ.update(fake.environment(), DATABASE_URL=url, GITHUB_WEBHOOK_SECRET=SECRET)
    os.environ.pop("ANTHROPIC_API_KEY", None)
    get_settings.cache_clear()
    register()
    files = {str(path.relative_to(root)): path.read_text(encoding="utf-8") for path in source.rglob("*.py")}
    fake.git.commit_files("main", files, "The package")
    with Session(engine_for(url)) as session:
        project = session.get(Project, project_id)
        project.repo, project.repo_trust = history.FULL_NAME, RepoTrust.admin  # linked by an admin
        session.add(project)
        session.commit()
        service.generate_from_github(session, actor, project_id)
        session.commit()
    client, package, samples = api_client(), source.name, []
    try:
        for number in range(rounds):
            added = {
                f"{package}/bench_push_{number}.py": f'def pushed_{number}() -> None:\n    """Pushed."""\n'
            }
            after = fake.git.commit_files("main", added, f"Push {number}")
            payload = example("push/with-new-branch.payload.json")
            payload["ref"], payload["after"] = "refs/heads/main", after
            payload["repository"].update(full_name=history.FULL_NAME, default_branch="main")
            body = json.dumps(payload).encode()
            start = time.perf_counter()
            assert client.post(URL, content=body, headers=signed_headers("push", body)).status_code == 202
            assert local_runner().wait_idle(300)
            samples.append((time.perf_counter() - start) * 1000)
            page = f"docs/api/{package}/bench_push_{number}.md"
            if f"heads/{publish.BRANCH}" not in fake.git.refs or page not in fake.git.files_at(
                publish.BRANCH
            ):
                raise SystemExit(f"push {number}: the docs branch does not hold {page}")
    finally:
        fake.stop()
        engine_for(url).dispose()
    pulls = len(fake.git.pulls)
    print(f"push -> docs pull request against the fake GitHub ({len(files)} files, {pulls} pull request)")
    print(f"  {'opened (first push)':<26}{samples[0]:>9.0f} ms")
    later = samples[1:] or samples
    print(f"  {'updated, median':<26}{statistics.median(later):>9.0f} ({min(later):.0f}) ms  goal < 60000 ms")
