"""Docs generated from a project's GitHub repository (the real PyGithub against the fake GitHub on loopback):
the default branch or a ref, what is skipped and why, a truncated listing, GitHub's refusals writing
nothing, and freshness in commits behind through the compare API."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from autodevhub.core.db import get_engine
from autodevhub.core.errors import Forbidden, InvalidInput
from autodevhub.core.identity import Actor
from autodevhub.core.jobs import local_runner
from autodevhub.documentation import service
from autodevhub.documentation.gauges import measure
from autodevhub.documentation.sources import FOLDER_SKIPPED
from autodevhub.documentation.sources import github as github_source
from autodevhub.documentation.sources.github import TRUNCATED
from autodevhub.integrations.github import GitHubRateLimited
from autodevhub.models import AuditLog, Documentation, ProjectMember, ProjectRole
from tests.support.fake_github_git import blob_sha
from tests.support.helpers import api_client, bearer, make_token, make_user
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)

FILES = {
    "pkg/__init__.py": '"""The package."""\n',
    "pkg/calc.py": 'def add(a: int, b: int = 1) -> int:\n    """Sum."""\n',
    "cmd/main.go": "package main\n\n// Run starts the shop.\nfunc Run() {}\n",
    "logo.png": "\x89PNG\x00\x00binary",
    "node_modules/left-pad/index.js": "module.exports = 1;\n",
    "data/huge.py": "x = 1\n" + "#" * 1_000_001,
    "link.py": "pkg/calc.py",  # a symlink's blob holds its target
    "vendored-lib": "",  # a submodule
}


@pytest.fixture
def shop(github_project):
    """The fake's octo/shop with a small package, a binary, a vendored folder, a 1 MB file, a symlink
    and a submodule on main."""
    git = github_project.fake.git
    git.modes.update({"link.py": "120000", "vendored-lib": "160000"})
    git.commit_files("main", FILES, "Add the package")
    return github_project


def generate(shop, ref=None, progress=service._quiet):
    with Session(get_engine()) as session:
        generation = service.generate_from_github(
            session, Actor.of(shop.owner), shop.project_id, ref, progress
        )
        session.commit()
    return generation


def stored(shop) -> dict[str, dict]:
    with Session(get_engine()) as session:
        query = select(Documentation).where(Documentation.project_id == shop.project_id)
        return {row.title: dict(row.version_info) for row in session.exec(query)}


def listed(shop) -> dict:
    answer = api_client().get(f"/api/projects/{shop.project_id}/docs", headers=bearer(shop.token))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_default_branch_is_read_within_bounds_and_its_commit_recorded(shop, monkeypatch):
    monkeypatch.setattr(github_source, "TELL_EVERY", 2)
    told = []
    generation = generate(shop, progress=lambda **fields: told.append(fields))
    assert told[0] == {"files_read": 2, "message": "Reading octo/shop: 2 files so far."}
    assert generation.skipped == {
        FOLDER_SKIPPED: 1,
        "binary": 1,
        "over 1 MB": 1,
        "submodule": 1,
        "symlink": 1,
    }
    head = shop.fake.git.refs["heads/main"]
    assert generation.source == {"ref": "main", "commit": head, "repository": "octo/shop"}
    infos = stored(shop)
    assert {"pkg.calc", "cmd/main.go", "Overview"} <= set(infos)
    calc = infos["pkg.calc"]
    assert (calc["ref"], calc["commit"], calc["repository"], calc["engine"]) == (
        "main",
        head,
        "octo/shop",
        "rules",
    )
    assert set(calc["sources"]) == {"pkg/calc.py"} and "root" not in calc
    fetched = {path.rsplit("/", 1)[-1] for method, path in shop.fake.requests if "/git/blobs/" in path}
    big, vendored = (
        blob_sha(FILES["data/huge.py"].encode()),
        blob_sha(FILES["node_modules/left-pad/index.js"].encode()),
    )
    assert big not in fetched and vendored not in fetched  # skipped from the tree's sizes and folders
    with Session(get_engine()) as session:
        details = session.exec(
            select(AuditLog.audit_metadata).where(AuditLog.action == "docs.generate")
        ).one()
    assert details["commit"] == head and details["repository"] == "octo/shop"
    fresh = listed(shop)
    assert fresh["freshness"] == {"pages": fresh["total"], "fresh": fresh["total"], "stale": 0,
                                  "unknown": 0, "percent": 100.0, "error": None}  # fmt: skip
    assert {item["commits_behind"] for item in fresh["items"]} == {0}


def test_a_ref_names_a_branch_or_a_commit(shop):
    git = shop.fake.git
    first = git.refs["heads/main"]
    branch_head = git.commit_files(
        "feature/tax", {"pkg/calc.py": "def add(a: int) -> int:\n    return a\n"}, "Tax"
    )
    generation = generate(shop, "feature/tax")
    assert generation.source["ref"] == "feature/tax" and generation.source["commit"] == branch_head
    assert stored(shop)["pkg.calc"]["commit"] == branch_head
    again = generate(shop, first[:12])  # an abbreviated sha
    assert again.source["commit"] == first and stored(shop)["pkg.calc"]["ref"] == first[:12]


def test_a_truncated_listing_is_reported_and_keeps_the_pages_it_could_not_see(shop):
    generate(shop)
    git = shop.fake.git
    head = git.refs["heads/main"]
    entries = dict(git.trees[git.commits[head]["tree"]["sha"]])
    del entries["pkg/calc.py"]
    git.refs["heads/main"] = git._commit("Drop calc", git._tree(entries), [head])
    git.truncated = True
    generation = generate(shop)
    assert generation.skipped[TRUNCATED] == 1
    infos = stored(shop)
    assert "pkg.calc" in infos  # not taken for deleted: the listing was cut
    assert infos["Overview"]["truncated"] is True


@pytest.mark.parametrize(
    ("shape", "error", "words"),
    [
        ("no repository", InvalidInput, "GitHub cannot find octo/shop"),
        ("no ref", InvalidInput, "GitHub cannot find the ref 'nope' in octo/shop"),
        ("403", Forbidden, "GitHub refused to read octo/shop"),
        ("rate limit", GitHubRateLimited, "GitHub rate limit reached"),
    ],
)
def test_github_refusals_are_clear_and_write_nothing(shop, shape, error, words):
    fake = shop.fake
    if shape == "no repository":
        fake.grants["ghp_fake"] = None
    elif shape == "403":
        fake.fail("GET", "/git/blobs", 403)
    elif shape == "rate limit":
        fake.remaining = 3  # spent while the blobs are read
    with pytest.raises(error) as raised:
        generate(shop, "nope" if shape == "no ref" else None)
    assert words in raised.value.message
    assert stored(shop) == {}
    with Session(get_engine()) as session:
        assert session.exec(select(AuditLog).where(AuditLog.action == "docs.generate")).first() is None


def test_a_push_of_one_file_makes_exactly_its_page_stale_one_commit_behind(shop):
    generate(shop)
    before = shop.fake.count("GET", "/compare")
    shop.fake.git.commit_files("main", {"cmd/main.go": "package main\n\nfunc Run() { panic(1) }\n"}, "Go")
    after = listed(shop)
    stale = [item for item in after["items"] if item["stale"]]
    assert [(item["title"], item["stale_sources"], item["commits_behind"]) for item in stale] == [
        ("cmd/main.go", ["cmd/main.go"], 1)
    ]
    assert {item["commits_behind"] for item in after["items"]} == {1}  # the fresh ones are behind too
    assert after["freshness"]["stale"] == 1 and after["freshness"]["fresh"] == after["total"] - 1
    with Session(get_engine()) as session:
        [(_, name, percent)] = measure(session)  # the /metrics gauge, from the same (cached) comparison
    assert name == "Shop" and percent == after["freshness"]["percent"] < 100
    assert shop.fake.count("GET", "/compare") == before + 1  # one call for the pages' one commit
    shop.fake.git.commit_files("main", {"README.md": "# shop\n\nMoved on.\n"}, "Readme")
    assert [item["title"] for item in listed(shop)["items"] if item["stale"]] == ["cmd/main.go"]
    assert shop.fake.count("GET", "/compare") == before + 1  # answered from the cache for a while

    generate(shop)  # a refresh: every page now records the new head, only the changed one is a new version
    refreshed = listed(shop)
    assert refreshed["freshness"]["percent"] == 100.0 and {
        i["commits_behind"] for i in refreshed["items"]
    } == {0}
    versions = {item["title"]: item["version"] for item in refreshed["items"]}
    assert versions["cmd/main.go"] == 2 and versions["pkg.calc"] == 1


def test_freshness_is_unknown_not_fresh_when_github_refuses(shop):
    generate(shop)
    shop.fake.grants["ghp_fake"] = None
    answer = listed(shop)
    assert answer["freshness"]["unknown"] == answer["total"] and answer["freshness"]["percent"] is None
    assert "Freshness unknown" in answer["freshness"]["error"]
    assert all(item["stale"] is None for item in answer["items"])


def test_the_api_generates_at_a_ref_and_viewers_may_not(shop):
    shop.fake.git.commit_files("release", {"pkg/extra.py": '"""Extra."""\n'}, "Release")
    viewer = make_user("viewer@example.com")
    with Session(get_engine()) as session:
        session.add(ProjectMember(project_id=shop.project_id, user_id=viewer.id, role=ProjectRole.viewer))
        session.commit()
    url = f"/api/projects/{shop.project_id}/docs/generate"
    refused = api_client().post(url, json={"ref": "release"}, headers=bearer(make_token(viewer)))
    assert refused.status_code == 403
    answer = api_client().post(url, json={"ref": "release"}, headers=bearer(shop.token))
    assert answer.status_code == 202, answer.text
    assert local_runner().wait_idle(60)
    run = api_client().get(url, headers=bearer(shop.token)).json()
    assert run["state"] == "done", run
    assert "of octo/shop at release (" in run["message"] and "1 binary" in run["message"]
    assert stored(shop)["pkg.extra"]["ref"] == "release"
    bad = api_client().post(url, json={"ref": "-x"}, headers=bearer(shop.token))
    assert bad.status_code == 422 and "not a valid git ref name" in bad.text


def test_past_the_300_files_github_lists_every_page_behind_is_stale(shop):
    generate(shop)
    many = {f"assets/{index}.txt": f"{index}\n" for index in range(300)}
    shop.fake.git.commit_files("main", many, "Assets")  # GitHub lists 300 changed files at most
    answer = listed(shop)
    assert all(item["stale"] and item["stale_sources"] == [] for item in answer["items"])
    assert answer["freshness"]["percent"] == 0.0


def test_no_transaction_is_open_while_github_answers(shop):
    with Session(get_engine()) as session:
        shop.fake.observe = lambda path: session.in_transaction()
        service.generate_from_github(session, Actor.of(shop.owner), shop.project_id)
        session.commit()
        shop.fake.observe = None
    assert len(shop.fake.observations) > 5 and not any(shop.fake.observations)
    assert "pkg.calc" in stored(shop)
