"""Documentation: generate a project's pages from a source, keep every version, read and export them.

Generation checks the caller, ends the transaction, reads and parses the files with none open, then writes
every page, the versions it replaces and the audit entry in one short transaction (the caller's).
"""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, func, select

from autodevhub.auth.guard import parse_id, require_project
from autodevhub.auth.permissions import Permission
from autodevhub.core import audit
from autodevhub.core.db import end_transaction
from autodevhub.core.errors import InvalidInput, NotFound
from autodevhub.core.identity import Actor, Identity
from autodevhub.core.settings import Settings, get_settings
from autodevhub.documentation import freshness
from autodevhub.documentation.engine import Generated, Page, generate
from autodevhub.documentation.engine import claude as claude_docs
from autodevhub.documentation.sources import SourceTree, refused_name
from autodevhub.documentation.sources.local import read_directory
from autodevhub.models import Documentation, DocumentationVersion, utcnow

ENGINES = ("auto", "rules", "claude")
COMPARED = ("engine", "claude")  # besides content and sources: a page whose engine notes differ is rewritten
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Generation:
    """A run's pages ({id, title, doc_type, file_path}), figures (files read and skipped, symbols, time,
    tokens, cost), what was skipped, and with the Claude engine its summary (claude_docs.write's)."""

    pages: list[dict[str, str | None]]
    stats: dict[str, Any]
    skipped: dict[str, int]
    claude: dict[str, Any] | None = None


Progress = Callable[..., None]  # told files_read, then pages_written, with a message


def _quiet(**_fields: object) -> None:
    """The progress callback of a run nobody follows."""


def resolve_engine(engine: str, settings: Settings) -> str:
    """The engine a run uses: auto is claude when ANTHROPIC_API_KEY is set, else rules."""
    if engine not in ENGINES:
        raise InvalidInput("engine must be auto, rules or claude.")
    if engine == "auto":
        return "claude" if settings.anthropic_api_key else "rules"
    if engine == "claude" and not settings.anthropic_api_key:
        raise InvalidInput("The Claude engine needs ANTHROPIC_API_KEY: set it, or use auto or rules.")
    return engine


def generate_from_directory(
    session: Session,
    actor: Actor,
    project_id: object,
    directory: str,
    progress: Progress = _quiet,
    engine: str = "auto",
) -> Generation:
    """Generate (or regenerate) a project's docs from a local directory; DOCS_WRITE on the project."""
    started = time.perf_counter()
    settings = get_settings()
    chosen = resolve_engine(engine, settings)
    project = require_project(session, actor.identity, Permission.DOCS_WRITE, project_id)
    project_key = project.id
    previous = _infos(session, project_key) if chosen == "claude" else {}
    end_transaction(session)
    root = Path(directory).expanduser().resolve()
    try:
        tree = read_directory(root)
    except FileNotFoundError:
        raise InvalidInput(f"{directory} is not a directory.") from None
    progress(files_read=len(tree.files), message=f"Read {len(tree.files)} files; parsing them.")
    generated = generate(tree)
    written = None
    if chosen == "claude":
        progress(message=f"Asking Claude to summarize what changed ({len(generated.pages)} pages).")

        def told(answered: int, tokens: int) -> None:
            progress(message=f"Claude answered for {answered} pages.", tokens=tokens)

        written = claude_docs.write(generated, tree, previous, settings, told)
        generated = Generated(written.pages, generated.symbols)
    progress(message=f"Writing {len(generated.pages)} pages.")
    require_project(session, actor.identity, Permission.DOCS_WRITE, project_key)
    base = {"ref": "local", "root": str(root), "engine": chosen, "generated_at": utcnow().isoformat()}
    infos = written.infos if written else {}
    pages, changed, removed = save_pages(session, project_key, generated, tree, base, infos)
    summary = written.summary if written else None
    stats = {
        "files_read": len(tree.files),
        "files_skipped": len(tree.skipped),
        "symbols": generated.symbols,
        "duration_ms": round((time.perf_counter() - started) * 1000),
        "tokens": summary["tokens"] if summary else 0,
        "cost_usd": summary["cost_usd"] if summary else 0.0,
    }
    counts = {"pages": len(pages), "changed": changed, "removed": removed, "skipped": tree.summary()}
    audit.record(
        session, actor, "docs.generate", "project", project_key, ref="local", engine=chosen,
        tokens=stats["tokens"], **counts,
    )  # fmt: skip
    listed = [
        {"id": str(row.id), "title": row.title, "doc_type": row.doc_type, "file_path": row.file_path}
        for row in pages
    ]
    return Generation(listed, stats, tree.summary(), summary)


def _infos(session: Session, project_id: uuid.UUID) -> dict[str, dict[str, Any]]:
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
) -> tuple[list[Documentation], int, int]:
    """Write each page (a changed one keeps its previous text as a version) and drop the pages no longer
    generated; `infos` adds to a page's version_info by its path. The pages, how many changed and went."""
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
    gone = [row for path, row in existing.items() if path not in produced]
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


def page_summary(row: Documentation) -> dict[str, Any]:
    """A page as lists show it (no content): id, title, doc_type, file_path, version, generated_at."""
    info = row.version_info
    return {
        "id": str(row.id),
        "title": row.title,
        "doc_type": row.doc_type,
        "file_path": row.file_path,
        "version": int(info.get("version", 1)),
        "generated_at": info.get("generated_at"),
    }


def list_docs(
    session: Session, identity: Identity | None, project_id: object, *, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    """One page of a project's docs (overview first, then by path) with each one's moved sources, the total,
    and the project's freshness; DOCS_READ on the project. Files are hashed with no transaction open."""
    project = require_project(session, identity, Permission.DOCS_READ, project_id)
    query = select(Documentation).where(Documentation.project_id == project.id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = (col(Documentation.doc_type) != "overview", col(Documentation.file_path), col(Documentation.id))
    items = [page_summary(row) for row in session.exec(query.order_by(*order).limit(limit).offset(offset))]
    every = select(Documentation.id, Documentation.version_info).where(Documentation.project_id == project.id)
    infos = [(str(page_id), info) for page_id, info in session.exec(every).all()]
    end_transaction(session)
    moved, summary = freshness.check(infos)
    for item in items:
        item["stale_sources"] = moved[item["id"]]
    return items, total, summary


def get_doc(session: Session, identity: Identity | None, doc_id: object) -> Documentation:
    """A page with its content and version_info; DOCS_READ on its project (NotFound for anything else)."""
    row = session.get(Documentation, parse_id(doc_id, "Page"))
    if row is None:
        raise NotFound("Page not found.")
    require_project(session, identity, Permission.DOCS_READ, row.project_id)
    return row


def list_versions(
    session: Session, identity: Identity | None, doc_id: object, *, limit: int = 50, offset: int = 0
) -> tuple[list[DocumentationVersion], int]:
    """A page's earlier versions, newest first, and how many there are."""
    row = get_doc(session, identity, doc_id)
    query = select(DocumentationVersion).where(DocumentationVersion.documentation_id == row.id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    ordered = query.order_by(col(DocumentationVersion.version).desc()).limit(limit).offset(offset)
    return list(session.exec(ordered).all()), total


def _tree(session: Session, identity: Identity | None, project_id: object) -> list[tuple[str, str]]:
    """The project's pages as (path in the docs tree, Markdown), sorted; DOCS_READ. Ends the transaction."""
    project = require_project(session, identity, Permission.DOCS_READ, project_id)
    query = select(Documentation.file_path, Documentation.content).where(
        Documentation.project_id == project.id
    )
    pages = sorted(
        (path, content) for path, content in session.exec(query).all() if path and not refused_name(path)
    )
    end_transaction(session)
    return pages


def export(session: Session, identity: Identity | None, project_id: object, directory: str) -> list[str]:
    """Write the project's pages as files under `directory` (read first, written with no transaction open)."""
    pages = _tree(session, identity, project_id)
    root = Path(directory).expanduser()
    for path, content in pages:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return [path for path, _ in pages]


def export_zip(session: Session, identity: Identity | None, project_id: object) -> bytes:
    """The project's docs tree as a zip archive (fixed timestamps: the same pages, the same bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in _tree(session, identity, project_id):
            entry = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            archive.writestr(entry, content.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
