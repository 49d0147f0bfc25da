"""The overview page: what the repository is, its layout, entry points, CI workflows and an import graph."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from pathlib import PurePosixPath

import yaml

from autodevhub.documentation.engine import Page
from autodevhub.documentation.engine.imports import import_graph
from autodevhub.documentation.engine.markdown import block, code, escape, page
from autodevhub.documentation.sources import SourceFile, SourceTree

READMES = ("README.md", "README.rst", "README.txt", "README")
MAKE_TARGET = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)\s*:(?!=)", re.MULTILINE)
DOCKER_LINE = re.compile(r"^\s*(ENTRYPOINT|CMD|EXPOSE)\s+(.+)$", re.MULTILINE | re.IGNORECASE)


def overview_page(tree: SourceTree) -> Page:
    """The overview of the whole tree (its sources: the files it read)."""
    files = {file.path: file for file in tree.files}
    used: set[str] = set()
    sections = [
        ("What it is", _readme(files, used)),
        ("Layout", _layout(tree, used)),
        ("Entry points", _entry_points(files, used)),
        ("CI workflows", _workflows(tree, used)),
        ("Import graph", _graph(tree, used)),
    ]
    lines = ["# Overview", ""]
    for title, body in sections:
        lines += [f"## {title}", "", *(body or ["Nothing found."]), ""]
    return Page("overview", "Overview", "docs/index.md", page("\n".join(lines)), tuple(sorted(used)))


def _readme(files: dict[str, SourceFile], used: set[str]) -> list[str]:
    """The README's first section: its text up to the second heading."""
    readme = next((files[name] for name in READMES if name in files), None)
    if readme is None:
        return []
    used.add(readme.path)
    kept: list[str] = []
    headings = 0
    for line in readme.text.splitlines():
        if line.startswith("#"):
            headings += 1
            if headings > 1 or kept:
                break
            continue
        kept.append(line)
    return [escape("\n".join(kept).strip())]


def _layout(tree: SourceTree, used: set[str]) -> list[str]:
    """Folders (two levels deep) with their file counts and a purpose from a docstring or README."""
    counts: dict[str, int] = {}
    for file in tree.files:
        parents = PurePosixPath(file.path).parts[:-1]
        for depth in (1, 2):
            if len(parents) >= depth:
                folder = "/".join(parents[:depth])
                counts[folder] = counts.get(folder, 0) + 1
    files = {file.path: file for file in tree.files}
    lines = []
    for folder in sorted(counts, key=lambda name: name.split("/")):
        indent = "  " * folder.count("/")
        purpose = _purpose(folder, files, used)
        plural = "" if counts[folder] == 1 else "s"
        summary = f"{indent}- {code(folder + '/')} ({counts[folder]} file{plural})"
        lines.append(f"{summary}: {purpose}" if purpose else summary)
    return lines


def _purpose(folder: str, files: dict[str, SourceFile], used: set[str]) -> str:
    """The first line of the folder's package docstring, else of its README's first paragraph."""
    init = files.get(f"{folder}/__init__.py")
    if init is not None:
        try:
            docstring = ast.get_docstring(ast.parse(init.text))
        except SyntaxError:
            docstring = None
        if docstring:
            used.add(init.path)
            return escape(docstring.strip().splitlines()[0])
    readme = next((files[f"{folder}/{name}"] for name in READMES if f"{folder}/{name}" in files), None)
    if readme is not None:
        used.add(readme.path)
        text = next(
            (line for line in readme.text.splitlines() if line.strip() and not line.startswith("#")), ""
        )
        return escape(text.strip())
    return ""


def _entry_points(files: dict[str, SourceFile], used: set[str]) -> list[str]:
    """Console scripts (pyproject), npm scripts (package.json), Makefile targets, Dockerfile commands."""
    lines: list[str] = []
    if "pyproject.toml" in files:
        used.add("pyproject.toml")
        try:
            scripts = tomllib.loads(files["pyproject.toml"].text).get("project", {}).get("scripts", {})
        except tomllib.TOMLDecodeError:
            scripts = {}
        lines += [
            f"- command {code(str(name))}: {code(str(target))}" for name, target in sorted(scripts.items())
        ]
    if "package.json" in files:
        used.add("package.json")
        try:
            scripts = json.loads(files["package.json"].text).get("scripts", {})
        except (json.JSONDecodeError, AttributeError):
            scripts = {}
        lines += [
            f"- npm run {code(str(name))}: {code(str(command))}" for name, command in sorted(scripts.items())
        ]
    if "Makefile" in files:
        used.add("Makefile")
        targets = sorted(set(MAKE_TARGET.findall(files["Makefile"].text)))
        lines += [f"- make {code(target)}" for target in targets]
    if "Dockerfile" in files:
        used.add("Dockerfile")
        for instruction, argument in DOCKER_LINE.findall(files["Dockerfile"].text):
            lines.append(f"- Dockerfile {instruction.upper()} {code(argument.strip())}")
    return lines


def _workflows(tree: SourceTree, used: set[str]) -> list[str]:
    """Each GitHub Actions workflow: its name, triggers and jobs."""
    lines = []
    for file in tree.files:
        if not (file.path.startswith(".github/workflows/") and file.path.endswith((".yml", ".yaml"))):
            continue
        used.add(file.path)
        try:
            document = yaml.safe_load(file.text)
        except yaml.YAMLError:
            document = None
        if not isinstance(document, dict):
            lines.append(f"- {code(file.path)}: not a valid workflow file")
            continue
        triggers = document.get("on", document.get(True, {}))  # YAML 1.1 reads a bare `on` as True
        trigger_names = [triggers] if isinstance(triggers, str) else sorted(map(str, triggers or []))
        jobs = sorted(map(str, document.get("jobs") or {}))
        name = escape(str(document.get("name", file.path)))
        lines.append(
            f"- {name} ({code(file.path)}): on {', '.join(map(code, trigger_names)) or 'nothing'};"
            f" jobs {', '.join(map(code, jobs)) or 'none'}"
        )
    return lines


def _graph(tree: SourceTree, used: set[str]) -> list[str]:
    """A Mermaid flowchart of imports between the tree's own packages."""
    edges, sources = import_graph(tree)
    used.update(sources)
    if not edges:
        return []
    nodes = sorted({name for edge in edges for name in edge})
    ids = {name: f"n{index}" for index, name in enumerate(nodes)}
    chart = ["flowchart LR", *(f'  {ids[name]}["{name}"]' for name in nodes)]
    chart += [f"  {ids[source]} --> {ids[target]}" for source, target in edges]
    return [block("\n".join(chart), "mermaid")]
