"""What the docs pull request holds: each page's file (its generated text merged into the file already on
the branch, so edits outside the markers survive), mkdocs.yml with the page tree as its nav, the generated
files whose pages are gone (deleted; a person's own files stay), and the pull request's body listing the
pages changed and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from autodevhub.documentation import markers
from autodevhub.documentation.engine.markdown import BEGIN, END, code
from autodevhub.integrations.github_git import blob_sha

MKDOCS = "mkdocs.yml"
DOCS_DIR = "docs/"


@dataclass(frozen=True)
class PageFile:
    """A saved page as it lands: its path in the repository, title, Markdown and source hashes."""

    path: str
    title: str
    content: str
    sources: dict[str, str]


@dataclass
class Plan:
    """The files to commit, the generated files to delete (their pages are gone), a line per changed or
    deleted file saying why, the files a person took over (markers removed: kept as they are), and what
    was written per path (blob sha, whether it is the generated text alone, the sources) for the next run."""

    files: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)
    written: dict[str, dict[str, Any]] = field(default_factory=dict)


def mkdocs(site_name: str, pages: list[PageFile]) -> str:
    """mkdocs.yml (docs_dir docs, nav from the page tree), its settings between YAML comment markers."""
    paths = [page.path.removeprefix(DOCS_DIR) for page in pages]
    entries = [(path.split("/"), page.title, path) for path, page in zip(paths, pages, strict=True)]
    settings = {"site_name": site_name, "docs_dir": "docs", "nav": _nav(entries)}
    text = yaml.safe_dump(settings, sort_keys=False, allow_unicode=True, width=200)
    return f"{markers.YAML_BEGIN}\n{text}{markers.YAML_END}\n"


def _nav(entries: list[tuple[list[str], str, str]]) -> list[dict[str, Any]]:
    """Pages of this folder first (in order), then each subfolder's nav under its name."""
    nav: list[dict[str, Any]] = []
    folders: dict[str, list[tuple[list[str], str, str]]] = {}
    for parts, title, path in entries:
        if len(parts) == 1:
            nav.append({title: path})
        else:
            folders.setdefault(parts[0], []).append((parts[1:], title, path))
    for folder, inside in folders.items():
        nav.append({"API" if folder == "api" else folder: _nav(inside)})
    return nav


def plan(
    pages: list[PageFile],
    site: str,
    present: dict[str, str],
    previous: dict[str, dict[str, Any]],
    read: Callable[[str], str],
) -> Plan:
    """Each file against the branch's (`present`: path -> blob sha): written as generated when it is new or
    is what the last run wrote alone, else the branch's file is read and the generated text merged in."""
    result = Plan()
    wanted = [(page.path, page.content, page.sources, page.title) for page in pages]
    wanted.append((MKDOCS, mkdocs(site, pages), {}, "MkDocs settings"))
    for path, generated, sources, title in wanted:
        sha, before = present.get(path), previous.get(path) or {}
        begin, end = (markers.YAML_BEGIN, markers.YAML_END) if path == MKDOCS else (BEGIN, END)
        if sha is None or sha == blob_sha(generated) or _plain(sha, before):
            merged = markers.Merged(generated)
        else:
            merged = markers.merge(read(sha), generated, begin, end)
        if merged.unmarked:
            result.unmarked.append(path)
        result.files[path] = merged.text
        result.written[path] = {
            "blob": blob_sha(merged.text),
            "plain": merged.text == generated,
            "sources": sources,
        }
        if sha != blob_sha(merged.text):
            result.changes.append(f"- {code(path)} ({title}): {_why(sha, sources, before)}")
    result.removed = _gone(present, set(result.files), previous, read)
    result.changes += [f"- {code(path)}: removed, its page is no longer generated" for path in result.removed]
    return result


def _gone(
    present: dict[str, str], wanted: set[str], previous: dict[str, dict[str, Any]], read: Callable[[str], str]
) -> list[str]:
    """The branch's Markdown files under docs/ that we generated (as the last run wrote them, or holding
    our markers) and no page produces any more; a person's own files (no markers) stay."""
    candidates = [p for p in present if p.startswith(DOCS_DIR) and p.endswith(".md") and p not in wanted]
    return [
        path
        for path in sorted(candidates)
        if _plain(present[path], previous.get(path) or {}) or markers.marked(read(present[path]))
    ]


def _plain(sha: str, before: dict[str, Any]) -> bool:
    return sha == before.get("blob") and bool(before.get("plain"))


def _why(sha: str | None, sources: dict[str, str], before: dict[str, Any]) -> str:
    if sha is None:
        return "new file"
    old = before.get("sources") or {}
    moved = sorted(path for path in set(sources) | set(old) if sources.get(path) != old.get(path))
    if before and moved:
        shown = ", ".join(code(path) for path in moved[:10]) + (" and more" if len(moved) > 10 else "")
        return f"its sources changed ({shown})"
    return "regenerated"


def body(
    repository: str, commit: str, reason: str, changes: list[str], unmarked: list[str], note: str
) -> str:
    """The pull request's description: where the docs come from, the latest update's pages and why."""
    at = f" at {commit[:7]}" if commit else ""
    parts = [f"Documentation generated by AutoDevHub from {code(repository)}{at}."]
    if note:
        parts.append(f"**Note:** {note}")
    heading = "Pages changed by the latest update" + (f" ({reason})" if reason else "") + ":"
    parts.append(heading + "\n" + ("\n".join(changes) if changes else "- none"))
    if unmarked:
        kept = ", ".join(code(path) for path in unmarked)
        parts.append(f"Left as people edited them (their markers were removed): {kept}.")
    parts.append(
        f"Only the text between {code(BEGIN)} and {code(END)} is regenerated; edits outside the markers "
        "are kept."
    )
    return "\n\n".join(parts)
