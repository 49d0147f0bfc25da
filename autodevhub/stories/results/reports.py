"""Test reports as scenario outcomes: Cucumber JSON (cucumber-jvm, cucumber-js, behave's json formatter)
and JUnit XML as behave, pytest-bdd and cucumber-jvm write it (junitparser over defusedxml: no entities,
no DTD). A report that is not one of these raises UnreadableReport with the reason."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from junitparser import Error, Failure, JUnitXml, JUnitXmlError, Skipped, TestCase, TestSuite

from autodevhub.models import ScenarioResult

MAX_SCENARIOS = 5000  # per report
MAX_NAME = 500
OUTLINE_ROW = re.compile(r"\s+--\s+@\d+(\.\d+)*(\s.*)?$")  # behave's outline rows: "Name -- @1.2 Examples"
TAG_IN_TEXT = re.compile(r"@story-[0-9a-fA-F]{8}\b")
UNDEFINED = re.compile(r"\b(undefined|pending)\b", re.IGNORECASE)
WORST_FIRST = (ScenarioResult.failed, ScenarioResult.undefined, ScenarioResult.not_run, ScenarioResult.passed)
STEP_RESULTS = {
    "passed": ScenarioResult.passed,
    "failed": ScenarioResult.failed,
    "ambiguous": ScenarioResult.failed,
    "undefined": ScenarioResult.undefined,
    "pending": ScenarioResult.undefined,
    "skipped": ScenarioResult.not_run,
    "untested": ScenarioResult.not_run,
}


class UnreadableReport(ValueError):
    """Not a Cucumber JSON or JUnit XML report (or too large, or hostile); the message says why."""


@dataclass(frozen=True)
class ScenarioOutcome:
    """One scenario as a report tells it; tags lower-case without "@"."""

    feature: str
    scenario: str
    tags: frozenset[str]
    result: ScenarioResult


def worst(results: Iterable[ScenarioResult]) -> ScenarioResult:
    """The result a set of steps (or of outline rows) adds up to; passed when there are none."""
    found = set(results)
    return next((result for result in WORST_FIRST if result in found), ScenarioResult.passed)


def scenario_name(name: str) -> str:
    """A report's scenario name without behave's outline-row suffix, trimmed and bounded."""
    return OUTLINE_ROW.sub("", name or "").strip()[:MAX_NAME]


def parse(filename: str, data: bytes) -> list[ScenarioOutcome]:
    """The scenarios of one report file, told apart by its name (.json or .xml) or else its first byte."""
    head = data.lstrip()[:1]
    if filename.lower().endswith(".json") or head in (b"[", b"{"):
        return cucumber_json(data)
    if filename.lower().endswith(".xml") or head == b"<":
        return junit_xml(data)
    raise UnreadableReport("neither JSON nor XML")


def _tags(items: Any) -> set[str]:
    if not isinstance(items, list):
        return set()
    names = (item.get("name") if isinstance(item, dict) else item for item in items)
    return {name.strip().lstrip("@").lower() for name in names if isinstance(name, str) and name.strip()}


def cucumber_json(data: bytes) -> list[ScenarioOutcome]:
    """features -> elements (scenarios; backgrounds left out) -> steps' result.status."""
    try:
        features = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise UnreadableReport("not valid JSON") from error
    if not isinstance(features, list) or not all(isinstance(item, dict) for item in features):
        raise UnreadableReport("not a Cucumber JSON report (a list of features)")
    outcomes = []
    for feature in features:
        elements = feature.get("elements")
        if not isinstance(feature.get("name", ""), str) or not isinstance(elements or [], list):
            raise UnreadableReport("a feature without a name or elements list")
        feature_tags = _tags(feature.get("tags"))
        for element in elements or []:
            if not isinstance(element, dict) or element.get("type", "scenario") == "background":
                continue
            steps = [step for step in element.get("steps") or [] if isinstance(step, dict)]
            statuses = [str((step.get("result") or {}).get("status", "skipped")).lower() for step in steps]
            outcomes.append(
                ScenarioOutcome(
                    feature=str(feature.get("name") or "").strip(),
                    scenario=scenario_name(str(element.get("name") or "")),
                    tags=frozenset(feature_tags | _tags(element.get("tags"))),
                    result=worst(STEP_RESULTS.get(status, ScenarioResult.failed) for status in statuses),
                )
            )
    return _bounded(outcomes)


def junit_xml(data: bytes) -> list[ScenarioOutcome]:
    """testsuite(s) -> testcase; the testcase's classname (behave: "<file>.<Feature>") names the feature."""
    try:
        root = safe_xml.fromstring(data, forbid_dtd=True)
        report = JUnitXml.fromroot(root)
    except (DefusedXmlException, safe_xml.ParseError, JUnitXmlError, ValueError) as error:
        raise UnreadableReport(f"not a JUnit XML report ({type(error).__name__})") from error
    outcomes = []
    for suite in report:
        if not isinstance(suite, TestSuite):
            raise UnreadableReport("not a JUnit XML report (a testsuites element holds testsuite elements)")
        for case in suite:
            outcomes.append(_case(str(suite.name or ""), case))
    return _bounded(outcomes)


def _case(suite_name: str, case: TestCase) -> ScenarioOutcome:
    said = " ".join(f"{result.message or ''} {result.text or ''}" for result in case.result)
    return ScenarioOutcome(
        feature=str(case.classname or suite_name).strip(),
        scenario=scenario_name(str(case.name or "")),
        tags=frozenset(tag.lstrip("@").lower() for tag in TAG_IN_TEXT.findall(f"{case.system_out} {said}")),
        result=_case_result(case, said),
    )


def _case_result(case: TestCase, said: str) -> ScenarioResult:
    """behave's own status attribute when it wrote one; else failure/error/skipped (undefined when their
    message says so); else passed."""
    status = str(case._elem.get("status", "")).lower()  # behave: passed|failed|error|skipped|untested
    undefined = UNDEFINED.search(said) is not None
    if status in STEP_RESULTS and status != "failed":
        return STEP_RESULTS[status]
    kinds = {type(result) for result in case.result}
    if Failure in kinds or (Error in kinds and not undefined):
        return ScenarioResult.failed
    if Error in kinds or (Skipped in kinds and undefined):
        return ScenarioResult.undefined
    return ScenarioResult.not_run if Skipped in kinds else ScenarioResult.passed


def _bounded(outcomes: list[ScenarioOutcome]) -> list[ScenarioOutcome]:
    if len(outcomes) > MAX_SCENARIOS:
        raise UnreadableReport(f"more than {MAX_SCENARIOS} scenarios")
    return outcomes
