"""Generated pages written to the database: each changed page keeps its previous text as a version."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, select

from autodevhub.documentation.engine import Generated, Page
from autodevhub.documentation.sources import SourceTree
from autodevhub.models import Documentation, DocumentationVersion

COMPARED = ("engine", "claude")  # besides content and sources: a page whose engine notes differ is rewritten
MOVED_ON = ("ref", "commit")  # an unchanged page generated again at another commit records that commit


def previous_infos(session: Session, project_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    """Each page's version_info by its path in the docs tree (what Claude summaries are reused from)."""
    query = select(Documentation.file_path, Documentation.version_info).where(
        Documentation.project_id == project_id
    )
    return {str(path): dict(info) for path, info in session.exec(query).all()}


def save_pages(
    session: Session,
    project_id: uuid.UUID,
    generated: Generated,
    tree: SourceTree,
    base: dict[str, Any],
    infos: dict[str, dict[str, Any]] | None = None,
    *,
    complete: bool = True,
) -> tuple[list[Documentation], int, int]:
    """Write each page (a changed one keeps its previous text as a version) and, from a `complete` tree,
    drop the pages no longer generated; `infos` adds to a page's version_info by its path. The pages, how
    many changed and went."""
    hashes = {file.path: file.sha256 for file in tree.files}
    existing = {
        row.file_path: row
        for row in session.exec(select(Documentation).where(Documentation.project_id == project_id)).all()
    }
    saved, changed = [], 0
    for page in generated.pages:
        sources = {path: hashes[path] for path in page.sources}
        info = {**base, **(infos or {}).get(page.file_path, {}), "sources": sources}
        row = existing.get(page.file_path)
        if row is None:
            row = Documentation(
                project_id=project_id, doc_type=page.doc_type, title=page.title, file_path=page.file_path
            )
            version = 1
        elif row.content == page.content and all(
            row.version_info.get(key) == info.get(key) for key in ("sources", *COMPARED)
        ):
            if any(row.version_info.get(key) != info.get(key) for key in MOVED_ON):
                row.version_info = {**info, "version": row.version_info.get("version", 1)}
                session.add(row)  # the same text, true as of the newer commit: no new version
            saved.append(row)
            continue
        else:
            version = int(row.version_info.get("version", 1))
            session.add(_version_of(row, version))
            version += 1
        _fill(row, page, {**info, "version": version})
        session.add(row)
        saved.append(row)
        changed += 1
    produced = {page.file_path for page in generated.pages}
    gone = [row for path, row in existing.items() if path not in produced] if complete else []
    for row in gone:  # a module deleted or moved: its page (and history) goes with it
        session.delete(row)
    session.flush()
    return saved, changed, len(gone)


def _version_of(row: Documentation, version: int) -> DocumentationVersion:
    return DocumentationVersion(
        documentation_id=row.id,
        version=version,
        title=row.title,
        content=row.content,
        version_info=row.version_info,
    )


def _fill(row: Documentation, page: Page, info: dict[str, Any]) -> None:
    row.doc_type, row.title, row.content, row.version_info = page.doc_type, page.title, page.content, info
