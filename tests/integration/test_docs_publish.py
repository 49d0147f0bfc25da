"""Docs landing as a pull request (issue 9), the real PyGithub against the fake GitHub on loopback: the docs
tree and mkdocs.yml on `autodevhub/docs`, one pull request opened then updated by signed push webhooks,
hand edits outside the markers kept, a pull request closed by a person replaced, a force-pushed branch
left alone for a new one, GitHub's failures writing nothing, the docs.pr notice, and who may publish."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml
from sqlmodel import Session, col, select

from autodevhub.core import jobs
from autodevhub.core.db import get_engine
from autodevhub.core.identity import Actor
from autodevhub.core.jobs import local_runner
from autodevhub.documentation import publish, publish_tasks, runs, service
from autodevhub.features import register
from autodevhub.models import AuditLog, Documentation, Notice, Project, ProjectMember, ProjectRole
from tests.support import fake_github_pulls
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.webhook_helpers import (  # noqa: F401 (fixtures)
    URL,
    app_db_on_both,
    example,
    hook_fixture,
    signed_headers,
)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

FILES = {
    "pkg/__init__.py": '"""The package."""\n',
    "pkg/calc.py": 'def add(a: int, b: int = 1) -> int:\n    """Sum."""\n',
}
CALC = "docs/api/pkg/calc.md"
BRANCH = publish.BRANCH


@pytest.fixture(name="shop")
def shop_fixture(github_project):
    """octo/shop with a small package on main, its docs generated from GitHub by the owner."""
    register()
    github_project.fake.git.commit_files("main", FILES, "Add the package")
    generate(github_project)
    return github_project


def generate(shop) -> None:
    with Session(get_engine()) as session:
        service.generate_from_github(session, Actor.of(shop.owner), shop.project_id)
        session.commit()


def publish_now(shop, token=None):
    url = f"/api/projects/{shop.project_id}/docs/publish"
    return api_client().post(url, headers=bearer(token or shop.token))


def push_payload(after: str, ref: str = "refs/heads/main") -> dict:
    """octokit's example of a push, to octo/shop's `ref` with head `after`."""
    payload = example("push/with-new-branch.payload.json")
    payload["ref"], payload["after"] = ref, after
    payload["repository"].update(full_name="octo/shop", default_branch="main")
    return payload


def push(shop, hook, files: dict[str, str], message: str = "Change the package") -> str:
    """A person pushes to main, and GitHub delivers the signed push webhook."""
    after = shop.fake.git.commit_files("main", files, message)
    assert hook("push", push_payload(after)).status_code == 202
    return after


def calc(default: int) -> dict[str, str]:
    return {"pkg/calc.py": f'def add(a: int, b: int = {default}) -> int:\n    """Sum."""\n'}


def recorded(shop) -> dict:
    with Session(get_engine()) as session:
        return dict(session.get(Project, shop.project_id).settings.get(publish.KEY) or {})


def open_pulls(shop) -> list[dict]:
    return [pull for pull in shop.fake.git.pulls.values() if pull["state"] == "open"]


def test_publishing_commits_the_docs_tree_and_mkdocs_and_opens_one_pull_request(shop):
    answer = publish_now(shop)
    assert answer.status_code == 200, answer.text
    done = answer.json()
    assert (done["state"], done["branch"], done["changed"]) == ("open", BRANCH, 4)
    files = shop.fake.git.files_at(BRANCH)
    assert {"docs/index.md", "docs/api/pkg.md", CALC, "mkdocs.yml"} <= set(files)
    assert files[CALC].startswith("<!-- autodevhub:begin -->\n# `pkg.calc`")
    settings = yaml.safe_load(files["mkdocs.yml"])
    assert (settings["site_name"], settings["docs_dir"]) == ("Shop", "docs")
    api = [{"pkg": "api/pkg.md"}, {"pkg": [{"pkg.calc": "api/pkg/calc.md"}]}]
    assert settings["nav"] == [{"Overview": "index.md"}, {"API": api}]
    [pull] = open_pulls(shop)
    assert pull["html_url"] == done["url"] and pull["number"] == done["number"]
    assert (pull["head"]["ref"], pull["base"]["ref"]) == (BRANCH, "main")
    assert f"- `{CALC}` (pkg.calc): new file" in pull["body"]
    assert "- `mkdocs.yml` (MkDocs settings): new file" in pull["body"]
    state = recorded(shop)
    assert (state["number"], state["state"], state["url"]) == (done["number"], "open", done["url"])
    assert state["pending_at"] is None and state["error"] == ""
    with Session(get_engine()) as session:
        actions = session.exec(select(AuditLog.action).order_by(col(AuditLog.id))).all()
    assert actions[-2:] == ["docs.publish", "docs.publish.result"]
    writes = list(shop.fake.git.writes)
    again = publish_now(shop).json()
    assert again["number"] == done["number"] and again["commit"] is None
    assert shop.fake.git.writes == writes  # nothing new: no blob, no commit, no second pull request


def test_pushes_open_then_update_one_pull_request_and_hand_edits_outside_the_markers_survive(shop, hook):
    push(shop, hook, {"pkg/calc.py": 'def add(a: int, b: int = 2) -> int:\n    """Sum."""\n'})
    [pull] = open_pulls(shop)
    first_head = shop.fake.git.refs[f"heads/{BRANCH}"]
    assert "b: int = 2" in shop.fake.git.files_at(BRANCH)[CALC]
    assert "push " in pull["body"] and "to main" in pull["body"]

    page = shop.fake.git.files_at(BRANCH)[CALC]
    edited = "A note written by a person.\n\n" + page + "\nSee also the wiki.\n"
    mkdocs = shop.fake.git.files_at(BRANCH)["mkdocs.yml"] + "theme:\n  name: material\n"
    shop.fake.git.commit_files(BRANCH, {CALC: edited, "mkdocs.yml": mkdocs}, "Hand edits")

    push(shop, hook, {"pkg/calc.py": 'def add(a: int, b: int = 3) -> int:\n    """Sum, again."""\n'})
    assert len(shop.fake.git.pulls) == 1 and open_pulls(shop)[0]["number"] == pull["number"]
    text = shop.fake.git.files_at(BRANCH)[CALC]
    assert text.startswith("A note written by a person.\n") and text.endswith("See also the wiki.\n")
    assert "b: int = 3" in text and "b: int = 2" not in text
    assert yaml.safe_load(shop.fake.git.files_at(BRANCH)["mkdocs.yml"])["theme"] == {"name": "material"}
    assert shop.fake.git.refs[f"heads/{BRANCH}"] != first_head
    body = shop.fake.git.pulls[pull["number"]]["body"]
    assert f"`{CALC}` (pkg.calc): its sources changed (`pkg/calc.py`)" in body


def test_a_pull_request_closed_by_a_person_is_replaced_by_a_new_one(shop, hook):
    first = publish_now(shop).json()
    shop.fake.git.pulls[first["number"]]["state"] = "closed"
    push(shop, hook, {"pkg/calc.py": 'def add(a: int, b: int = 5) -> int:\n    """Sum."""\n'})
    [pull] = open_pulls(shop)
    assert pull["number"] != first["number"] and pull["head"]["ref"] == BRANCH
    assert recorded(shop)["number"] == pull["number"]


def test_a_force_pushed_branch_keeps_its_commits_and_the_docs_move_to_a_new_branch(shop, hook):
    first = publish_now(shop).json()
    git = shop.fake.git
    theirs = git.commit_files("their-work", {"docs/notes.md": "Their own notes.\n"}, "Their rewrite")
    git.refs[f"heads/{BRANCH}"] = theirs  # a person force-pushed the docs branch
    push(shop, hook, {"pkg/calc.py": 'def add(a: int, b: int = 7) -> int:\n    """Sum."""\n'})
    assert git.refs[f"heads/{BRANCH}"] == theirs  # their commit is still the branch's head
    assert f"heads/{BRANCH}-2" in git.refs
    [pull] = [p for p in open_pulls(shop) if p["number"] != first["number"]]
    assert pull["head"]["ref"] == f"{BRANCH}-2"
    assert "force-pushed" in pull["body"] and f"`{BRANCH}-2`" in pull["body"]
    assert "b: int = 7" in git.files_at(f"{BRANCH}-2")[CALC]
    assert recorded(shop)["branch"] == f"{BRANCH}-2"


def test_a_github_failure_is_shown_and_leaves_nothing_half_written(shop):
    shop.fake.fail("POST", "/git/trees", 422)
    answer = publish_now(shop)
    assert answer.status_code == 502 and "GitHub answered 422" in answer.json()["detail"]
    assert f"heads/{BRANCH}" not in shop.fake.git.refs and not shop.fake.git.pulls
    state = recorded(shop)
    assert state["pending_at"] is None and "422" in state["error"] and "number" not in state
    assert publish_now(shop).status_code == 200  # the next attempt goes through


def test_opening_and_updating_the_pull_request_tells_the_members(shop, hook):
    publish_now(shop)
    push(shop, hook, {"pkg/calc.py": 'def add(a: int, b: int = 9) -> int:\n    """Sum."""\n'})
    with Session(get_engine()) as session:
        notices = session.exec(select(Notice).where(Notice.event == "docs.pr")).all()
    titles = sorted(notice.title for notice in notices)
    assert titles == ["[Shop] docs pull request #1 opened", "[Shop] docs pull request #1 updated"]
    assert all(notice.link == "https://github.example/octo/shop/pull/1" for notice in notices)


def test_viewers_read_the_pull_request_but_cannot_publish(shop):
    viewer = make_user("viewer@example.com")
    with Session(get_engine()) as session:
        session.add(ProjectMember(project_id=shop.project_id, user_id=viewer.id, role=ProjectRole.viewer))
        session.commit()
    token = make_token(viewer)
    refused = publish_now(shop, token)
    assert refused.status_code == 403 and not shop.fake.git.pulls
    publish_now(shop)
    seen = api_client().get(f"/api/projects/{shop.project_id}/docs/pr", headers=bearer(token))
    assert seen.status_code == 200 and seen.json()["state"] == "open"


def test_pushes_elsewhere_or_without_github_docs_publish_nothing(github_project, hook):
    register()
    push(github_project, hook, {"pkg/calc.py": "x = 1\n"})  # no docs yet
    payload = push_payload(github_project.fake.git.refs["heads/main"], "refs/heads/feature")
    assert hook("push", payload).status_code == 202
    assert not github_project.fake.git.pulls


def open_person_pull(shop, files: dict[str, str]) -> tuple[int, str]:
    """A person's branch changing `files`, proposed into main through the fake's pull request API."""
    head = shop.fake.git.commit_files("feature", files, "A person's change")
    body = {"title": "Feature", "head": "feature", "base": "main"}
    status, pull = fake_github_pulls.answer(shop.fake.git, shop.fake.issues, "POST", ["pulls"], {}, body, "")
    assert status == 201
    return pull["number"], head


def pull_delivery(shop, hook, action: str, number: int, head: str) -> None:
    payload = example(f"pull_request/{action}.payload.json")
    payload["number"] = payload["pull_request"]["number"] = number
    payload["pull_request"]["head"]["sha"] = head
    payload["repository"]["full_name"] = "octo/shop"
    assert hook("pull_request", payload).status_code == 202


def test_the_docs_check_fails_a_pull_request_changing_documented_sources_without_their_pages(shop, hook):
    number, head = open_person_pull(shop, {"pkg/calc.py": "def add(a, b):\n    return a + b\n"})
    pull_delivery(shop, hook, "opened", number, head)
    [status] = shop.fake.statuses[head]
    assert (status["state"], status["context"]) == ("failure", "autodevhub/docs")
    assert status["description"] == f"1 docs page(s) not updated: {CALC}"

    page = shop.fake.git.files_at("main").get(CALC, "") + "Updated by hand.\n"
    head = shop.fake.git.commit_files("feature", {CALC: page}, "Update its page")
    pull_delivery(shop, hook, "synchronize", number, head)
    [status] = shop.fake.statuses[head]
    assert (status["state"], status["context"]) == ("success", "autodevhub/docs")
    with Session(get_engine()) as session:
        outcomes = session.exec(select(AuditLog.audit_metadata).where(AuditLog.action == "docs.check.result"))
        assert [meta["outcome"].split(":")[0] for meta in outcomes] == ["failure", "success"]


def test_the_docs_check_passes_a_pull_request_leaving_documented_sources_alone(shop, hook):
    number, head = open_person_pull(shop, {"README.txt": "notes\n"})
    pull_delivery(shop, hook, "opened", number, head)
    assert [s["state"] for s in shop.fake.statuses[head]] == ["success"]
    pull_delivery(shop, hook, "closed", number, head)  # not a new head: no check
    assert len(shop.fake.statuses[head]) == 1


def test_a_burst_of_pushes_during_a_refresh_makes_one_more_refresh_at_the_newest_head(shop, hook):
    burst: list[str] = []

    def meanwhile(path: str) -> None:
        """While the first refresh publishes, two more pushes land (their deliveries not waited for)."""
        if path.endswith("/git/blobs") and not burst:
            for default in (11, 12):
                burst.append(shop.fake.git.commit_files("main", calc(default), f"Push {default}"))
                body = json.dumps(push_payload(burst[-1])).encode()
                api_client().post(URL, content=body, headers=signed_headers("push", body))

    shop.fake.observe = meanwhile
    push(shop, hook, calc(10))
    assert local_runner().wait_idle(60)
    assert len(burst) == 2 and len(shop.fake.git.pulls) == 1
    assert "b: int = 12" in shop.fake.git.files_at(BRANCH)[CALC]
    with Session(get_engine()) as session:
        wanted = col(AuditLog.action).in_(["docs.generate", "docs.publish"])
        actions = session.exec(select(AuditLog.action).where(wanted))
        counted = Counter(actions)
    assert counted == {
        "docs.generate": 3,
        "docs.publish": 2,
    }  # the fixture's, then two refreshes for three pushes
    head = shop.fake.git.refs["heads/main"]
    with Session(get_engine()) as session:
        query = select(Documentation.version_info).where(Documentation.project_id == shop.project_id)
        infos = session.exec(query)
        assert {info["commit"] for info in infos} == {head}


def test_a_refresh_waits_while_a_generation_of_the_project_runs(shop):
    runs.write_run(shop.project_id, job_id=runs.job_id(shop.project_id), state="running", message="Reading.")
    with pytest.raises(jobs.RetryLater) as waited:
        publish_tasks.refresh(str(shop.project_id), "main")
    assert waited.value.defer == 60 and not shop.fake.git.pulls
    runs.write_run(shop.project_id, state="done")
    assert publish_tasks.refresh(str(shop.project_id), "main").endswith("docs: pull request #1.")
