"""Docs pages that are no longer generated (their module deleted) leave the docs branch on the next publish
in the same commit, named in the pull request; a person's own files under docs/ stay (the fake GitHub)."""

from __future__ import annotations

from tests.integration.test_docs_publish import (
    BRANCH,
    CALC,
    generate,
    publish_now,
    recorded,
    shop_fixture,  # noqa: F401 (fixture)
)
from tests.support.webhook_helpers import app_db_on_both  # noqa: F401 (fixture)
from tests.support.workflow_helpers import github_project_fixture  # noqa: F401 (fixture)


def test_a_page_no_longer_generated_is_deleted_from_the_branch_and_named_in_the_pull_request(shop):
    publish_now(shop)
    assert CALC in shop.fake.git.files_at(BRANCH)
    shop.fake.git.commit_files("main", {"pkg/calc.py": None}, "Delete the module")
    generate(shop)  # its page leaves the project's docs
    done = publish_now(shop).json()
    files = shop.fake.git.files_at(BRANCH)
    assert CALC not in files and "docs/api/pkg.md" in files
    assert "api/pkg/calc.md" not in files["mkdocs.yml"]
    body = shop.fake.git.pulls[done["number"]]["body"]
    assert f"- `{CALC}`: removed, its page is no longer generated" in body
    assert recorded(shop)["changes"][-1].startswith(f"- `{CALC}`: removed")
    writes = list(shop.fake.git.writes)
    assert publish_now(shop).json()["commit"] is None and shop.fake.git.writes == writes


def test_a_persons_own_files_under_docs_are_kept_when_pages_go(shop):
    publish_now(shop)
    page = shop.fake.git.files_at(BRANCH)[CALC]
    taken = page.replace("<!-- autodevhub:begin -->\n", "").replace("<!-- autodevhub:end -->\n", "")
    guide = "# Guide\n\nWritten by a person.\n"
    shop.fake.git.commit_files(BRANCH, {"docs/guide.md": guide, CALC: taken}, "A person's pages")
    shop.fake.git.commit_files("main", {"pkg/calc.py": None, "pkg/__init__.py": None}, "Delete the package")
    generate(shop)
    done = publish_now(shop).json()
    files = shop.fake.git.files_at(BRANCH)
    assert files["docs/guide.md"] == guide and files[CALC] == taken  # no markers: a person's own
    assert "docs/api/pkg.md" not in files and "docs/index.md" in files  # ours, its page gone: deleted
    body = shop.fake.git.pulls[done["number"]]["body"]
    assert "- `docs/api/pkg.md`: removed" in body and "guide.md" not in body
    assert f"`{CALC}`: removed" not in body
