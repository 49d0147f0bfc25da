"""workflow_dispatch inputs checked as GitHub checks them, against what the workflow file declares.

An omitted input takes its declared default (a required one without a default is missing); booleans are
true or false, numbers are decimal numbers, a choice is one of its options. Values go to GitHub as text.
"""

from __future__ import annotations

import math
import re
from typing import Any

from autodevhub.core.errors import InvalidInput

MAX_INPUT_LENGTH = 1000
MAX_LISTED = 10  # options named in a refusal
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
Value = str | bool | int | float


def as_text(name: str, value: Value) -> str:
    """A value as GitHub receives it (booleans in lower case), at most MAX_INPUT_LENGTH characters."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    if len(text) > MAX_INPUT_LENGTH:
        raise InvalidInput(f"Input {name!r} is longer than {MAX_INPUT_LENGTH} characters.")
    return text


def resolve(declared: dict[str, Any], given: dict[str, Value]) -> dict[str, str]:
    """The inputs to send: every given one checked against its type, omitted ones filled from defaults.

    An empty value of a required input counts as omitted. Unknown and missing inputs are refused together.
    """
    unknown = sorted(set(given) - set(declared))
    missing, values = [], {}
    for name, spec in declared.items():
        spec = spec if isinstance(spec, dict) else {}
        value = given.get(name)
        if value is None or (value == "" and spec.get("required")):
            value = spec.get("default")
            if value is None or value == "":
                if spec.get("required"):
                    missing.append(name)
                continue
        values[name] = checked(name, spec, value)
    if unknown or missing:
        raise InvalidInput(
            f"Unknown inputs: {unknown or 'none'}; missing required inputs: {sorted(missing) or 'none'}."
        )
    return values


def checked(name: str, spec: dict[str, Any], value: Value) -> str:
    """One input's value as text, refused unless it fits the declared type (string when undeclared)."""
    kind = spec.get("type")
    text = as_text(name, value)
    if kind == "boolean" and text not in ("true", "false"):
        raise InvalidInput(f"Input {name!r} must be true or false.")
    if kind == "number" and (isinstance(value, bool) or not _is_number(text)):
        raise InvalidInput(f"Input {name!r} must be a number.")
    if kind == "choice":
        options = [as_text(name, o) for o in spec.get("options") or [] if isinstance(o, Value)]
        if text not in options:
            listed = ", ".join(options[:MAX_LISTED]) + (", ..." if len(options) > MAX_LISTED else "")
            raise InvalidInput(f"Input {name!r} must be one of: {listed or 'no options declared'}.")
    if kind == "environment" and not text.strip():
        raise InvalidInput(f"Input {name!r} must name an environment.")
    return text


def _is_number(text: str) -> bool:
    return bool(NUMBER.match(text)) and math.isfinite(float(text))
