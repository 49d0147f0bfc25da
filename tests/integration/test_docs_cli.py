"""`autodevhub docs generate` and `docs export` in a subprocess, on this project's own code."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import cli_in

ROOT = Path(__file__).resolve().parents[2]


def test_generate_json_then_export(tmp_path):
    invoke = cli_in(tmp_path, project="Self")

    result = invoke("docs", "generate", "Self", "--path", str(ROOT / "autodevhub"), "--json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert set(output["stats"]) == {
        "files_read",
        "files_skipped",
        "symbols",
        "duration_ms",
        "tokens",
        "cost_usd",
    }
    assert output["stats"]["files_read"] > 100 and output["stats"]["cost_usd"] == 0.0
    first = output["pages"][0]
    assert set(first) == {"id", "title", "doc_type", "file_path"} and first["doc_type"] == "overview"
    assert any(page["title"] == "autodevhub.core.audit" for page in output["pages"])

    out = tmp_path / "out"
    exported = invoke("docs", "export", "Self", str(out))
    assert exported.returncode == 0, exported.stderr
    assert (out / "docs" / "index.md").read_text().startswith("<!-- autodevhub:begin -->\n# Overview")
    assert "def record(" in (out / "docs" / "api" / "autodevhub" / "core" / "audit.md").read_text()

    missing = invoke("docs", "generate", "Nope", "--path", str(ROOT))
    assert missing.returncode == 1 and missing.stderr.strip() == "Error: No project named 'Nope'."


def test_generate_at_a_ref_of_the_linked_repository(tmp_path):
    from tests.support.fake_github_rest import FakeGitHubRest

    fake = FakeGitHubRest().start()
    try:
        release = fake.git.commit_files("release", {"shop/cart.py": '"""The cart."""\n'}, "Release")
        invoke = cli_in(tmp_path, project="Self", extra=fake.environment())
        assert invoke("project", "create", "Shop", "--repo", "octo/shop").returncode == 0

        result = invoke("docs", "generate", "Shop", "--ref", "release", "--json")
        assert result.returncode == 0, result.stderr
        output = json.loads(result.stdout)
        assert output["source"] == {"ref": "release", "commit": release, "repository": "octo/shop"}
        assert "shop.cart" in {page["title"] for page in output["pages"]}
        plain = invoke("docs", "generate", "Shop")  # the default branch
        assert plain.returncode == 0 and " of octo/shop at main (" in plain.stdout, plain.stderr

        both = invoke("docs", "generate", "Shop", "--ref", "main", "--path", str(tmp_path))
        assert both.returncode == 2 and "--path and --ref are exclusive" in both.stderr
        bad = invoke("docs", "generate", "Shop", "--ref", "a..b")
        assert bad.returncode == 1 and "not a valid git ref name" in bad.stderr
        unlinked = invoke("docs", "generate", "Self")
        assert unlinked.returncode == 1 and "no GitHub repository" in unlinked.stderr
    finally:
        fake.stop()
