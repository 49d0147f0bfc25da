"""Test reports as scenario outcomes: Cucumber JSON in cucumber-jvm's shape (tags as objects, backgrounds,
hooks) and behave's, JUnit XML as cucumber-jvm and pytest-bdd write it, hostile XML and zips refused."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest

from autodevhub.models import ScenarioResult, StoryStatus, UserStory
from autodevhub.projects.report_settings import ReportSettings, of
from autodevhub.stories.results import archive, reports
from autodevhub.stories.results.record import map_outcomes
from autodevhub.stories.results.reports import UnreadableReport

CUCUMBER_JVM = [
    {
        "uri": "classpath:features/export.feature",
        "id": "export-invoices",
        "keyword": "Feature",
        "name": "Export invoices",
        "line": 2,
        "description": "",
        "tags": [{"name": "@story-1a2b3c4d", "type": "Tag", "location": {"line": 1, "column": 1}}],
        "elements": [
            {
                "keyword": "Background",
                "type": "background",
                "name": "",
                "steps": [{"name": "a month", "result": {"status": "passed", "duration": 1}}],
            },
            {
                "id": "export-invoices;csv",
                "keyword": "Scenario",
                "type": "scenario",
                "name": "CSV",
                "tags": [{"name": "@story-1a2b3c4d"}],
                "before": [{"result": {"status": "passed"}}],
                "steps": [
                    {"name": "a month", "result": {"status": "passed"}},
                    {"name": "a file", "result": {"status": "failed", "error_message": "boom"}},
                    {"name": "a row", "result": {"status": "skipped"}},
                ],
            },
            {
                "keyword": "Scenario",
                "type": "scenario",
                "name": "PDF",
                "steps": [
                    {"name": "a month", "result": {"status": "passed"}},
                    {"name": "a pdf", "result": {"status": "undefined"}},
                ],
            },
            {
                "keyword": "Scenario",
                "type": "scenario",
                "name": "Later",
                "steps": [{"name": "a month", "result": {"status": "pending"}}],
            },
            {
                "keyword": "Scenario",
                "type": "scenario",
                "name": "Skipped",
                "steps": [{"name": "a month", "result": {"status": "skipped"}}],
            },
        ],
    }
]
JVM_JUNIT = b"""<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="Cucumber" time="0.05" tests="3" skipped="1" failures="1" errors="0">
<testcase classname="Export invoices" name="CSV" time="0.01"><failure message="boom" type="AssertionError">
<![CDATA[Given a month.....passed
Then a file.....failed]]></failure></testcase>
<testcase classname="Export invoices" name="PDF" time="0.01">
<skipped message="The step 'a pdf' is undefined"/></testcase>
<testcase classname="Export invoices" name="Monthly" time="0.01"/>
</testsuite>"""
PYTEST_BDD_JUNIT = b"""<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0"
failures="0" skipped="0" tests="1"><testcase classname="tests.test_export" name="test_csv" time="0.001"/>
</testsuite></testsuites>"""


def by_name(outcomes) -> dict[str, ScenarioResult]:
    return {outcome.scenario: outcome.result for outcome in outcomes}


def test_cucumber_json_of_cucumber_jvm() -> None:
    outcomes = reports.parse("cucumber.json", json.dumps(CUCUMBER_JVM).encode())
    assert by_name(outcomes) == {
        "CSV": ScenarioResult.failed,
        "PDF": ScenarioResult.undefined,
        "Later": ScenarioResult.undefined,
        "Skipped": ScenarioResult.not_run,
    }  # the background is not a scenario
    assert all(outcome.tags == {"story-1a2b3c4d"} for outcome in outcomes)  # feature tags inherited


def test_junit_of_cucumber_jvm_and_pytest_bdd() -> None:
    jvm = reports.parse("TEST-export.xml", JVM_JUNIT)
    assert by_name(jvm) == {
        "CSV": ScenarioResult.failed,
        "PDF": ScenarioResult.undefined,
        "Monthly": ScenarioResult.passed,
    }
    assert {outcome.feature for outcome in jvm} == {"Export invoices"}
    assert by_name(reports.parse("junit.xml", PYTEST_BDD_JUNIT)) == {"test_csv": ScenarioResult.passed}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "r.xml",
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b"<testsuite>&b;</testsuite>",
            "DTDForbidden",
        ),
        ("r.xml", b"<html><body>no</body></html>", "JUnitXmlError"),
        ("r.xml", b"<testsuite><testcase", "ParseError"),
        ("r.json", b'{"features": []}', "a list of features"),
        ("r.json", b"[" * 100_000, "not valid JSON"),
        ("r.txt", b"hello", "neither JSON nor XML"),
    ],
)
def test_unreadable_reports_say_why(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableReport, match=reason):
        reports.parse(name, data)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        for name, data in files.items():
            made.writestr(name, data)
    return buffer.getvalue()


def test_zip_bombs_and_liars_are_refused() -> None:
    assert archive.report_files(zip_of({"a.json": b"[]", "notes.txt": b"x", "d/b.xml": b"<x/>"})) == [
        ("a.json", b"[]"),
        ("d/b.xml", b"<x/>"),
    ]
    with pytest.raises(UnreadableReport, match="too large once inflated"):
        archive.report_files(zip_of({"bomb.json": b"\0" * (11 * 1024 * 1024)}))
    lying = bytearray(zip_of({"a.json": b"[" + b"1," * 400_000 + b"1]"}))
    header = lying.find(b"PK\x01\x02")  # the central directory says 10 bytes: the CRC check refuses it
    lying[header + 24 : header + 28] = (10).to_bytes(4, "little")
    with pytest.raises(UnreadableReport, match=r"a\.json: unreadable \(BadZipFile\)"):
        archive.report_files(bytes(lying))
    with pytest.raises(UnreadableReport, match="not a zip file"):
        archive.report_files(b"PK\x03\x04junk")
    with pytest.raises(UnreadableReport, match="more than 200 files"):
        archive.report_files(zip_of({f"{n}.json": b"[]" for n in range(201)}))


def test_scenarios_map_by_tag_else_by_a_feature_name_only_one_story_has() -> None:
    tagged = UserStory(
        id=uuid.UUID("1a2b3c4d-0000-4000-8000-000000000000"),
        project_id=uuid.uuid4(),
        feature_description="x",
        gherkin_output="Feature: Export invoices\n",
        status=StoryStatus.done,
    )
    twin_a = UserStory(
        project_id=tagged.project_id, feature_description="x", gherkin_output="Feature: Twins\n"
    )
    twin_b = UserStory(
        project_id=tagged.project_id, feature_description="x", gherkin_output="Feature: Twins\n"
    )
    outcomes = [
        reports.ScenarioOutcome(
            "Something else", "CSV", frozenset({"story-1a2b3c4d"}), ScenarioResult.passed
        ),
        reports.ScenarioOutcome("features.export.Export invoices", "PDF", frozenset(), ScenarioResult.failed),
        reports.ScenarioOutcome("Export invoices", "PDF", frozenset(), ScenarioResult.passed),
        reports.ScenarioOutcome("Twins", "One", frozenset(), ScenarioResult.passed),
    ]
    mapped = map_outcomes([tagged, twin_a, twin_b], outcomes)
    assert mapped == {tagged.id: {"CSV": ScenarioResult.passed, "PDF": ScenarioResult.failed}}


def test_report_settings_default_and_match_case_insensitively() -> None:
    assert of({}).artifact_patterns == ["*cucumber*", "*junit*"] and of({}).status_from_results is False
    assert of({"results": {"artifact_patterns": "not a list"}}) == ReportSettings()
    settings = ReportSettings(artifact_patterns=["bdd-*", "Reports?"])
    assert settings.reads("BDD-linux") and settings.reads("reports1") and not settings.reads("cucumber")
