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
    """The rule engine over a tree: the overview, then every API page (Python, other languages) by path."""
    from autodevhub.documentation.engine import other_languages, overview, python_api

    python, others = python_api.document(tree), other_languages.document(tree)
    pages = sorted((*python.pages, *others.pages), key=lambda page: page.file_path)
    return Generated((overview.overview_page(tree), *pages), python.symbols + others.symbols)
