"""Real test reports: a tiny behave suite for the invoice-export story, run in a subprocess, writing
Cucumber JSON (behave's json formatter) and JUnit XML (behave --junit); zipped as actions/upload-artifact
would."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

GHERKIN = """Feature: Export invoices
  As a finance manager
  I want to export the month's invoices
  So that I can file them

  Scenario: Export as CSV
    Given 3 invoices
    When I export them
    Then I get 3 rows

  Scenario: Export stops at the row limit
    Given 20000 invoices
    When I export them
    Then I get 10000 rows

  Scenario: Nothing to export
    Given 0 invoices
    When I export them
    Then I get 0 rows
"""
STEPS = """
import os
from behave import given, then, when

LIMIT = 9999 if os.environ.get("EXPORT_BUG") else 10000  # the bug: one row short of the limit


@given("{count:d} invoices")
def invoices(context, count):
    context.count = count


@when("I export them")
def export(context):
    context.rows = min(context.count, LIMIT)


@then("I get {rows:d} rows")
def rows(context, rows):
    assert context.rows == rows, f"{context.rows} rows, expected {rows}"
"""

# Every step passes: for a story whose steps nobody implemented, as a suite of stubs would.
PASSING_STEPS = """
from behave import step


@step("{text}")
def any_step(context, text):
    pass
"""


def run_behave(folder: Path, feature: str, *, bug: bool = False, steps: str = STEPS) -> dict[str, bytes]:
    """Run behave on `feature` (its .feature text) with `steps` (the invoice export's unless given); the
    report files it wrote, by name."""
    (folder / "features" / "steps").mkdir(parents=True, exist_ok=True)
    (folder / "features" / "export.feature").write_text(feature)
    (folder / "features" / "steps" / "steps.py").write_text(steps)
    reports = folder / "reports"
    command = [
        sys.executable,
        "-m",
        "behave",
        "--no-capture",
        "-f",
        "json",
        "-o",
        str(reports / "cucumber.json"),
    ]
    command += ["--junit", "--junit-directory", str(reports), "--no-color", "-f", "plain"]
    env = {"PATH": "/usr/bin:/bin", **({"EXPORT_BUG": "1"} if bug else {})}
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == (1 if bug else 0), done.stdout + done.stderr
    return {path.name: path.read_bytes() for path in reports.iterdir()}


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
