"""`autodevhub story generate` in a subprocess, as a user runs it."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import cli_in

TEXT = "Patients can book a vaccination appointment online. They must be at least 12 years old."


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Run the CLI against one fresh SQLite database with an admin and a project."""
    return cli_in(tmp_path_factory.mktemp("cli"))


def test_generate_prints_gherkin(run):
    result = run("story", "generate", TEXT, "--project", "clinic")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Feature: Book a vaccination appointment\n")
    assert "Given I am 11 years old" in result.stdout
    assert result.stderr.strip().startswith("score: ") and "not covered" not in result.stderr


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
