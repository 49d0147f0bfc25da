"""Reading the deploy recipes for their test: YAML/JSON files, the nginx upstreams, PromQL metric names, and
what the app itself reads and exports (settings, metrics), derived from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
PROMQL_WORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring"}


def load(relative: str) -> list:
    """Every document of one YAML file, or the one JSON document."""
    text = (DEPLOY / relative).read_text()
    if relative.endswith(".json"):
        return [json.loads(text)]
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


def recipe_files() -> list[str]:
    """Every YAML and JSON file under deploy/, relative to it."""
    return sorted(
        str(path.relative_to(DEPLOY))
        for path in DEPLOY.rglob("*")
        if path.suffix in {".yaml", ".yml", ".json"}
    )


def kubernetes() -> dict[tuple[str, str], dict]:
    """The Kubernetes objects by (kind, name)."""
    objects = {}
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for doc in load(f"kubernetes/{path.name}"):
            if doc["kind"] == "Kustomization":
                continue
            objects[(doc["kind"], doc["metadata"]["name"])] = doc
    return objects


def interpolated(value: str) -> str:
    """A compose value with each ${VARIABLE...} filled in, as compose does from deploy/.env."""
    return re.sub(r"\$\{[^}]*\}", "value", value)


def nginx_upstreams(text: str) -> dict[str, list[tuple[str, int]]]:
    """upstream name -> [(host, port)] of an nginx config."""
    upstreams = {}
    for name, body in re.findall(r"upstream\s+(\w+)\s*\{(.*?)\}", text, re.S):
        upstreams[name] = [(host, int(port)) for host, port in re.findall(r"server\s+([\w.-]+):(\d+)", body)]
    return upstreams


def promql_metrics(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (functions, labels, keywords and variables left out)."""
    expr = re.sub(r"\$\{?\w+\}?", " ", expr)  # Grafana variables
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', " ", expr)
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)  # label matchers, ranges
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = set(re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()", expr))
    return names - PROMQL_WORDS


def dashboard_metrics(dashboard: dict) -> set[str]:
    """Every metric name the dashboard's panels and template variables query."""
    names: set[str] = set()
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            names |= promql_metrics(target["expr"])
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            names |= set(re.findall(r"label_values\((\w+)", variable["definition"]))
    return names


def exported_metrics() -> set[str]:
    """The sample names GET /metrics can serve: every family in the registry once the features have handed
    over their collectors, with the suffixes Prometheus gives each type."""
    from prometheus_client import REGISTRY

    from autodevhub import features
    from autodevhub.core import observability

    features.register()
    observability.register_collectors()
    suffixes = {
        "counter": ("_total",),
        "histogram": ("_bucket", "_sum", "_count"),
        "summary": ("", "_sum", "_count"),
        "info": ("_info",),
    }
    names = set()
    for family in REGISTRY.collect():
        names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
        names |= {sample.name for sample in family.samples}
    return names


def settings_variables() -> set[str]:
    """Every environment variable the app reads (core.settings; rxconfig reads nothing else)."""
    from autodevhub.core.settings import Settings

    return {str(field.validation_alias) for field in Settings.model_fields.values()}


def dockerfile() -> tuple[int, str]:
    """The image's port and the command that serves the app (its CMD after the migrations)."""
    text = (ROOT / "Dockerfile").read_text()
    port = int(re.search(r"^EXPOSE\s+(\d+)", text, re.M).group(1))
    command = json.loads(re.search(r"^CMD\s+(\[.*\])\s*$", text, re.M).group(1))
    assert command[:2] == ["sh", "-c"], command
    return port, command[2].split("&&")[-1].strip()
