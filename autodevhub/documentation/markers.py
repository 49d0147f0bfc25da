"""Generated text between markers in a file a person may also edit: on regeneration only the text between
the first begin marker and the end marker after it is replaced, everything around it is kept."""

from __future__ import annotations

from dataclasses import dataclass

from autodevhub.documentation.engine.markdown import BEGIN, END

YAML_BEGIN = "# autodevhub:begin"  # the same markers as YAML comments (mkdocs.yml)
YAML_END = "# autodevhub:end"


@dataclass(frozen=True)
class Merged:
    """The file to write; `unmarked` when the person's file lost its markers (then it is kept as it is)."""

    text: str
    unmarked: bool = False


def _span(lines: list[str], begin: str, end: str) -> tuple[int, int] | None:
    """Line numbers of the first begin marker and the end marker after it (markers on lines of their own)."""
    stripped = [line.strip() for line in lines]
    try:
        start = stripped.index(begin)
        return start, stripped.index(end, start + 1)
    except ValueError:
        return None


def marked(text: str, begin: str = BEGIN, end: str = END) -> bool:
    """Whether the file holds our markers (a generated file, not only a person's)."""
    return _span(text.splitlines(), begin, end) is not None


def merge(existing: str | None, generated: str, begin: str = BEGIN, end: str = END) -> Merged:
    """`generated` (a file holding the markers) placed into `existing`: the text outside the markers is the
    existing file's. A file without the markers is a person's own now: kept unchanged."""
    if existing is None:
        return Merged(generated)
    old, new = existing.splitlines(), generated.splitlines()
    where, made = _span(old, begin, end), _span(new, begin, end)
    if where is None or made is None:
        return Merged(existing, unmarked=True)
    lines = [*old[: where[0]], *new[made[0] : made[1] + 1], *old[where[1] + 1 :]]
    return Merged("\n".join(lines) + "\n")
