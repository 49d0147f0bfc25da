"""`autodevhub docs generate` and `docs export` in a subprocess, on this project's own code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CLI = os.path.join(os.path.dirname(sys.executable), "autodevhub")
ROOT = Path(__file__).resolve().parents[2]


def test_generate_json_then_export(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "REDIS_URL", "AUTODEVHUB_"))
    }
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", AUTODEVHUB_DATA_DIR=str(tmp_path / "data"))

    def invoke(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args],
            env=env,
            cwd=tmp_path,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert invoke("db", "upgrade").returncode == 0
    created = invoke(
        "user", "create", "a@example.com", "--role", "admin", "--password-stdin", stdin="horse battery\n"
    )
    assert created.returncode == 0 and invoke("project", "create", "Self").returncode == 0

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
