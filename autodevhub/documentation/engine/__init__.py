"""The offline documentation engine: a source tree in, Markdown pages out, identical for the same input."""

from __future__ import annotations

from dataclasses import dataclass

from autodevhub.documentation.sources import SourceTree


@dataclass(frozen=True)
class Page:
    """One generated page: kind, title, path in the docs tree, Markdown, and the source paths it covers."""

    doc_type: str
    title: str
    file_path: str
    content: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Generated:
    """Every page of a run (overview first, then by path) and how many symbols they document."""

    pages: tuple[Page, ...]
    symbols: int


def generate(tree: SourceTree) -> Generated:
    """The rule engine over a whole tree: the overview, then the Python API pages by path."""
    from autodevhub.documentation.engine import overview, python_api

    python = python_api.document(tree)
    return Generated((overview.overview_page(tree), *python.pages), python.symbols)
