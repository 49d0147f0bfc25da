"""The Docs page in Chromium: a member signs in, refreshes a project's docs from its local source (a module
whose docstring carries a script and an img onerror), follows the progress, and reads the page with the
docstring shown as text (no element injected, nothing run) and its freshness badge."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_browser_stories import cli
from tests.support.browser_accounts import create_account, expect_signed_in, sign_in
from tests.support.live_app import ARTIFACTS, LiveApp

pytestmark = pytest.mark.browser
pytest_plugins = ("tests.support.browser_session",)

PROJECT = "Docs XSS"
SCRIPT = "<script>window.__xss = 'script'</script>"
IMAGE = "<img src=x onerror=\"window.__xss = 'img'\">"


@pytest.fixture(scope="module")
def docs_source(
    live_app: LiveApp, admin_state, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, object]:
    """A member's project whose docs the CLI generated once from a small package (its local source)."""
    member = create_account(live_app, "Grace", "Hopper")
    source = tmp_path_factory.mktemp("docs-source") / "shop"
    source.mkdir()
    (source / "README.md").write_text("# Shop\n\nSells things.\n")
    (source / "shop.py").write_text(
        'def price(n: int) -> int:\n    """The price of n items."""\n    return n\n'
    )
    cli(live_app, "project", "create", PROJECT, "--owner", member.email)
    cli(live_app, "docs", "generate", PROJECT, "--path", str(source))
    return source, member


def test_a_member_refreshes_the_docs_and_reads_an_xss_docstring_as_text(new_context, docs_source) -> None:
    source, member = docs_source
    (source / "cart.py").write_text(
        f'from shop import price\n\n\ndef total(n: int) -> int:\n    """Total. {SCRIPT} {IMAGE}"""\n'
        "    return price(n)\n"
    )
    context = new_context(viewport={"width": 1280, "height": 800})
    page: Page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/login")
    sign_in(page, member)
    expect_signed_in(page, member)

    page.goto("/docs")
    expect(page.get_by_role("heading", level=1, name="Docs")).to_be_visible()
    expect(page.get_by_label("Project")).to_have_text(PROJECT)
    expect(page.locator("#docs-freshness")).to_contain_text("% fresh")
    expect(page.get_by_role("button", name=re.compile("^Overview"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^cart"))).to_have_count(0)

    expect(page.get_by_label("Engine")).to_have_text("Auto")  # the form Refresh submits: engine and ref
    expect(page.get_by_label("Ref (optional)")).to_have_value("")
    page.get_by_role("button", name="Refresh").click()
    expect(page.locator("#docs-progress")).to_contain_text(
        "Done: 3 pages written from 3 files.", timeout=60_000
    )
    expect(page.locator("#docs-progress")).to_contain_text("3 files read, 3 pages written")

    page.get_by_role("button", name=re.compile("^cart")).click()
    expect(page.get_by_role("heading", level=2, name="cart")).to_be_visible()
    content = page.locator(".docs-content")
    expect(content).to_contain_text(SCRIPT)
    expect(content).to_contain_text(IMAGE)
    assert content.locator("script").count() == 0 and content.locator("img").count() == 0
    assert page.evaluate("window.__xss") is None and dialogs == []
    expect(page.locator(".docs-freshness").filter(has_text="Fresh").first).to_be_visible()
    expect(page.get_by_text("No earlier version: this is the first.")).to_be_visible()

    page.get_by_role("button", name=re.compile("^Overview")).click()
    expect(page.get_by_role("heading", level=2, name="Overview")).to_be_visible()
    expect(content).to_contain_text("flowchart LR")  # the import graph, shown as Mermaid code
    expect(content).not_to_contain_text("autodevhub:begin")
    page.get_by_role("button", name="Changes since").click()  # version 1 had no import graph
    expect(page.locator("#docs-diff")).to_contain_text('+  n0["cart"]')
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "docs-page-desktop.png", full_page=True, animations="disabled")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download zip").click()
    assert download.value.suggested_filename == "Docs-XSS-docs.zip"
    context.close()
