"""Markdown building blocks for generated pages; untrusted text (docstrings, READMEs) never becomes HTML."""

from __future__ import annotations

BEGIN = "<!-- autodevhub:begin -->"
END = "<!-- autodevhub:end -->"
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """Untrusted prose as Markdown text: `<`, `>`, `&` escaped outside fenced and inline code."""
    out: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            out.append(line)
        elif fenced:
            out.append(line)
        else:
            out.append(_escape_line(line))
    if fenced:
        out.append("```")
    return "\n".join(out)


def _escape_line(line: str) -> str:
    """Escape outside backtick spans (inline code is shown literally by Markdown)."""
    pieces = line.split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: no code span, escape everything
        return "".join(_HTML.get(char, char) for char in line)
    return "`".join(
        piece if index % 2 else "".join(_HTML.get(char, char) for char in piece)
        for index, piece in enumerate(pieces)
    )


def code(text: str) -> str:
    """Inline code that survives backticks inside it."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def block(text: str, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside."""
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


def page(body: str) -> str:
    """A generated page: its text between the markers (hand edits outside them survive regeneration)."""
    return f"{BEGIN}\n{body.strip()}\n{END}\n"
