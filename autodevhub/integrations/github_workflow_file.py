"""A workflow file's workflow_dispatch trigger, read from untrusted YAML with bounded cost.

A file of a few hundred bytes can expand through nested aliases (or merge keys) to gigabytes, or refer to
itself. The file is capped in size; only its `on:` node is measured, aliases expanded, before any object is
built; only the dispatch inputs are kept, each field bounded. Aliases are allowed (GitHub supports them).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 512 * 1024
MAX_EXPANDED = 200_000  # nodes plus scalar characters of the `on:` value with every alias expanded
MAX_INPUTS = 25  # GitHub's limit for workflow_dispatch
MAX_OPTIONS = 100
MAX_TEXT = 1000
MAX_NUMBER = 2**53  # numbers beyond (or inf, nan) are kept as text
INPUT_TYPES = frozenset({"string", "boolean", "choice", "number", "environment"})
INPUT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: faster, and caps nesting at 1,000 levels


class UnreadableWorkflow(Exception):
    """The file cannot be read as a workflow: too large, not YAML, nested or expanding too far."""


def dispatch_trigger(content: bytes) -> dict[str, Any]:
    """{"dispatch": bool, "inputs": {name: spec}} of a workflow file; UnreadableWorkflow if it can't be."""
    if len(content) > MAX_FILE_BYTES:
        raise UnreadableWorkflow(f"larger than {MAX_FILE_BYTES // 1024} KiB")
    triggers = _on_value(content)
    if isinstance(triggers, str):
        triggers = [triggers]
    if isinstance(triggers, list):
        return {"dispatch": "workflow_dispatch" in triggers, "inputs": {}}
    if not isinstance(triggers, dict) or "workflow_dispatch" not in triggers:
        return {"dispatch": False, "inputs": {}}
    dispatch = triggers["workflow_dispatch"]
    inputs = dispatch.get("inputs") if isinstance(dispatch, dict) else None
    if not isinstance(inputs, dict):
        return {"dispatch": True, "inputs": {}}
    named = [(k, v) for k, v in inputs.items() if isinstance(k, str) and INPUT_NAME.match(k)]
    return {"dispatch": True, "inputs": {name: input_spec(spec) for name, spec in named[:MAX_INPUTS]}}


def input_spec(spec: object) -> dict[str, Any]:
    """The fields of one input that dispatch uses, JSON-safe and bounded; unknown types are left out."""
    spec = spec if isinstance(spec, dict) else {}
    kept: dict[str, Any] = {}
    if spec.get("description") is not None:
        kept["description"] = "" if _nested(spec["description"]) else scalar_text(spec["description"])
    if isinstance(spec.get("required"), bool):
        kept["required"] = spec["required"]
    if isinstance(spec.get("type"), str) and spec["type"] in INPUT_TYPES:
        kept["type"] = spec["type"]
    default = spec.get("default")
    if isinstance(default, bool) or (isinstance(default, int | float) and abs(default) < MAX_NUMBER):
        kept["default"] = default
    elif default is not None and not _nested(default):
        kept["default"] = scalar_text(default)
    if isinstance(spec.get("options"), list):
        kept["options"] = [scalar_text(o) for o in spec["options"][:MAX_OPTIONS] if not _nested(o)]
    return kept


def scalar_text(value: object) -> str:
    """A YAML scalar as GitHub reads it (true/false in lower case), cut to MAX_TEXT characters."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return text[:MAX_TEXT]


def _nested(value: object) -> bool:
    return isinstance(value, dict | list)


def _on_value(content: bytes) -> object:
    """The value of the document's top-level `on` key, built only after its expanded size is checked."""
    loader = LOADER(content)
    try:
        root = loader.get_single_node()
        if not isinstance(root, MappingNode):
            return None
        node = next((v for k, v in root.value if isinstance(k, ScalarNode) and k.value == "on"), None)
        if node is None:
            return None
        expanded_size(node)
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError) as error:  # ValueError: an integer of over 4,300 digits
        raise UnreadableWorkflow(f"not valid YAML ({type(error).__name__})") from None
    except RecursionError:
        raise UnreadableWorkflow("nested too deeply") from None
    finally:
        loader.dispose()


def expanded_size(node: Node, limit: int = MAX_EXPANDED) -> int:
    """Nodes plus scalar characters of `node` with aliases expanded; UnreadableWorkflow past `limit` or on
    a node that contains itself. Linear in the distinct nodes: shared ones are measured once."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def measure(item: Node) -> int:
        key = id(item)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise UnreadableWorkflow("an alias refers to a node that contains it")
        open_nodes.add(key)
        if isinstance(item, ScalarNode):
            size = 1 + len(item.value)
        elif isinstance(item, SequenceNode):
            size = 1 + sum(measure(child) for child in item.value)
        else:
            size = 1 + sum(measure(k) + measure(v) for k, v in item.value)
        if size > limit:
            raise UnreadableWorkflow(f"expands past {limit:,} nodes and characters (YAML aliases)")
        open_nodes.discard(key)
        sizes[key] = size
        return size

    return measure(node)
