"""Reading workflow_dispatch inputs from untrusted workflow files: bounded size, aliases, nesting, output."""

from __future__ import annotations

import json
import time

import pytest

from autodevhub.integrations.github_workflow_file import (
    MAX_INPUTS,
    MAX_OPTIONS,
    MAX_TEXT,
    UnreadableWorkflow,
    dispatch_trigger,
)

# The 472-byte file of the report: nine levels of nine aliases, 9**9 "lol"s (~25 GB as JSON) once expanded.
BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    + "on:\n  workflow_dispatch:\n    inputs:\n      target:\n        type: choice\n        options: *i\n"
)
DEPLOY = """
name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      environment:
        description: Where to
        required: true
        type: choice
        options: [staging, production]
        default: staging
      dry_run: {type: boolean, default: true}
      replicas: {type: number, default: 3}
      ratio: {type: number, default: .nan}
      day: {default: 2025-03-01}
      "bad name": {type: string}
      strange: {type: secret, required: "yes", options: [a, [b]], description: [x]}
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps: [{run: ./deploy}]
"""


def test_the_billion_laughs_file_is_refused_before_it_expands() -> None:
    assert len(BILLION_LAUGHS.encode()) < 480
    started = time.monotonic()
    with pytest.raises(UnreadableWorkflow, match="expands past"):
        dispatch_trigger(BILLION_LAUGHS.encode())
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("on: &on\n  workflow_dispatch:\n    inputs:\n      a: *on\n", "refers to a node that contains it"),
        ("on: " + "[" * 5000 + "]" * 5000, "nested too deeply|not valid YAML"),
        ("on: [push\n", "not valid YAML"),
        ("on:\n  workflow_dispatch:\n    inputs:\n      a: {default: " + "9" * 5000 + "}", "not valid YAML"),
        ("on: push\n---\non: push\n", "not valid YAML"),
        ("on: push\n#" + "x" * 600_000, "larger than 512 KiB"),
    ],
    ids=["recursive alias", "deep nesting", "broken", "huge integer", "two documents", "too large"],
)
def test_hostile_or_broken_files_are_unreadable(content: str, reason: str) -> None:
    with pytest.raises(UnreadableWorkflow, match=reason):
        dispatch_trigger(content.encode())


def test_only_the_dispatch_inputs_are_kept_json_safe() -> None:
    trigger = dispatch_trigger(DEPLOY.encode())

    assert trigger == {
        "dispatch": True,
        "inputs": {
            "environment": {
                "description": "Where to",
                "required": True,
                "type": "choice",
                "default": "staging",
                "options": ["staging", "production"],
            },
            "dry_run": {"type": "boolean", "default": True},
            "replicas": {"type": "number", "default": 3},
            "ratio": {"type": "number", "default": "nan"},
            "day": {"default": "2025-03-01"},
            "strange": {"description": "", "options": ["a"]},
        },
    }
    json.dumps(trigger, allow_nan=False)


def test_aliases_and_merge_keys_within_bounds_are_read() -> None:
    content = (
        "common: &env {type: choice, options: [staging, production]}\n"
        "on:\n  workflow_dispatch:\n    inputs:\n"
        "      from: *env\n      to: {<<: *env, default: production, required: true}\n"
    )
    env = {"type": "choice", "options": ["staging", "production"]}
    assert dispatch_trigger(content.encode())["inputs"] == {
        "from": env,
        "to": {**env, "default": "production", "required": True},
    }


def test_an_alias_bomb_outside_on_is_never_built() -> None:
    content = BILLION_LAUGHS.replace("options: *i", "options: [a]")
    assert dispatch_trigger(content.encode())["inputs"] == {"target": {"type": "choice", "options": ["a"]}}


@pytest.mark.parametrize(
    ("content", "dispatch"),
    [
        ("on: workflow_dispatch\n", True),
        ("on: [push, workflow_dispatch]\n", True),
        ("on:\n  workflow_dispatch:\n", True),
        ("on: push\n", False),
        ("name: no trigger\n", False),
        ("- a list\n", False),
        ("", False),
    ],
)
def test_trigger_shapes(content: str, dispatch: bool) -> None:
    assert dispatch_trigger(content.encode()) == {"dispatch": dispatch, "inputs": {}}


def test_inputs_and_their_fields_are_bounded() -> None:
    names = "".join(f"      i{n}: {{description: {'d' * 2000}}}\n" for n in range(40))
    options = ", ".join(str(n) for n in range(500))
    content = f"on:\n  workflow_dispatch:\n    inputs:\n{names}      i0: {{options: [{options}]}}\n"
    inputs = dispatch_trigger(content.encode())["inputs"]
    assert len(inputs) == MAX_INPUTS
    assert inputs["i0"] == {"options": [str(n) for n in range(MAX_OPTIONS)]}
    assert len(inputs["i1"]["description"]) == MAX_TEXT
