"""`autodevhub story generate` in a subprocess, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

CLI = os.path.join(os.path.dirname(sys.executable), "autodevhub")
TEXT = "Patients can book a vaccination appointment online. They must be at least 12 years old."


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Run the CLI against one fresh SQLite database with an admin and a project."""
    tmp_path = tmp_path_factory.mktemp("cli")
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

    for args, stdin in (
        (("db", "upgrade"), None),
        (
            ("user", "create", "admin@example.com", "--role", "admin", "--password-stdin"),
            "correct horse battery staple\n",
        ),
        (("project", "create", "Clinic"), None),
    ):
        assert invoke(*args, stdin=stdin).returncode == 0
    return invoke


def test_generate_prints_gherkin(run):
    result = run("story", "generate", TEXT, "--project", "clinic")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Feature: Book a vaccination appointment\n")
    assert "Given I am 11 years old" in result.stdout


def test_generate_json_is_the_api_story(run):
    result = run("story", "generate", TEXT, "--project", "Clinic", "--json", "--as", "admin@example.com")
    assert result.returncode == 0, result.stderr
    story = json.loads(result.stdout)
    assert story["status"] == "draft" and story["feature_description"] == TEXT
    assert story["metadata"]["engine"] == "rules" and story["metadata"]["parse"]["ok"] is True


def test_errors_are_one_line(run):
    unknown = run("story", "generate", TEXT, "--project", "Nope")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "Error: No project named 'Nope'."
    short = run("story", "generate", "too short", "--project", "Clinic")
    assert short.returncode == 1
    assert (
        short.stderr.strip()
        == "Error: The feature description must be between 10 and 10,000 characters; it has 9."
    )
