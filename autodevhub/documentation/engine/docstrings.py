"""A griffe docstring (parsed Google / NumPy / Sphinx sections) as escaped Markdown."""

from __future__ import annotations

from typing import Any

from autodevhub.documentation.engine.markdown import block, code, escape

NAMED = {"parameters", "other_parameters", "attributes", "type_parameters", "functions", "classes", "modules"}
TYPED = {"returns", "yields", "receives", "raises", "warns"}


def render_docstring(docstring: Any) -> list[str]:
    """Markdown lines for a docstring (nothing when there is none), every piece of its text escaped."""
    if docstring is None:
        return []
    lines: list[str] = []
    for section in docstring.parsed:
        kind = section.kind.value
        title = section.title or kind.replace("_", " ").capitalize()
        if kind == "text":
            lines += [escape(section.value), ""]
        elif kind in NAMED:
            lines += [f"**{escape(title)}**", ""] + [_named(item) for item in section.value] + [""]
        elif kind in TYPED:
            lines += [f"**{escape(title)}**", ""] + [_typed(item) for item in section.value] + [""]
        elif kind == "examples":
            lines += [f"**{escape(title)}**", ""]
            for part, text in section.value:
                lines += [block(text, "python") if part.value == "examples" else escape(text), ""]
        elif kind == "admonition":
            lines += [f"**{escape(title)}**", "", escape(section.value.description), ""]
        else:  # deprecated, and any section a later griffe adds
            lines += [f"**{escape(title)}**", "", escape(str(getattr(section.value, "description", ""))), ""]
    return lines


def _named(item: Any) -> str:
    annotation = f" ({code(str(item.annotation))})" if getattr(item, "annotation", None) else ""
    description = escape(" ".join((item.description or "").split()))
    return f"- {code(item.name)}{annotation}: {description}".rstrip(": ")


def _typed(item: Any) -> str:
    annotation = str(item.annotation) if item.annotation else ""
    label = code(annotation) if annotation else code(item.name) if item.name else ""
    description = escape(" ".join((item.description or "").split()))
    return f"- {label}: {description}" if label else f"- {description}"
