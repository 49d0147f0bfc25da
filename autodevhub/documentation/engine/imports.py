"""Imports between a tree's own Python packages, for the overview's module graph."""

from __future__ import annotations

import ast

from autodevhub.documentation.engine.python_api import module_name, package_prefix, python_files
from autodevhub.documentation.sources import SourceTree

MAX_EDGES = 80


def import_graph(tree: SourceTree) -> tuple[list[tuple[str, str]], list[str]]:
    """Sorted (importer, imported) edges between packages two levels deep, and the files read."""
    files = python_files(tree)
    prefix = package_prefix(tree)
    modules = {module_name(file.path, prefix): file for file in files}
    internal = {_group(name) for name in modules}
    edges: set[tuple[str, str]] = set()
    for name, file in modules.items():
        try:
            syntax = ast.parse(file.text)
        except SyntaxError:
            continue
        package = name if file.path.endswith("__init__.py") else name.rpartition(".")[0]
        for target in _imported(syntax, package):
            source_group, target_group = _group(name), _group(target)
            if target_group in internal and target_group != source_group:
                edges.add((source_group, target_group))
    return sorted(edges)[:MAX_EDGES], sorted(file.path for file in files)


def _group(name: str) -> str:
    return ".".join(name.split(".")[:2])


def _imported(syntax: ast.Module, package: str) -> list[str]:
    """Absolute names of the modules a module imports (relative imports resolved against its package)."""
    found = []
    for node in ast.walk(syntax):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if package else []
                prefix = ".".join(base)
                found.append(f"{prefix}.{node.module}" if node.module else prefix)
            elif node.module:
                found.append(node.module)
    return [name for name in found if name]
