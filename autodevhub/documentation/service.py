"""Documentation: generate a project's pages from a source, keep every version, read and export them.

Generation checks the caller, ends the transaction, reads and parses the files with none open, then writes
every page, the versions it replaces and the audit entry in one short transaction (the caller's).
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
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
from autodevhub.documentation import freshness, store
from autodevhub.documentation.engine import Generated, generate
from autodevhub.documentation.engine import claude as claude_docs
from autodevhub.documentation.sources import SourceTree, refused_name
from autodevhub.documentation.sources import github as github_source
from autodevhub.documentation.sources.local import read_directory
from autodevhub.integrations import github, github_git
from autodevhub.models import Documentation, DocumentationVersion, Project, utcnow
from autodevhub.projects import github_access

ENGINES = ("auto", "rules", "claude")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Generation:
    """A run's pages ({id, title, doc_type, file_path}), figures (files read and skipped, symbols, time,
    tokens, cost), what was skipped, with the Claude engine its summary (claude_docs.write's), and where
    it read from."""

    pages: list[dict[str, str | None]]
    stats: dict[str, Any]
    skipped: dict[str, int]
    claude: dict[str, Any] | None = None
    source: dict[str, Any] = field(default_factory=dict)  # ref, and from GitHub commit and repository


def origin(source: dict[str, Any]) -> str:
    """A GitHub source as people read it: 'octo/shop at main (1a2b3c4)'."""
    return f"{source['repository']} at {source['ref']} ({str(source['commit'])[:7]})"


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
    root = Path(directory).expanduser().resolve()

    def read(_project: Project) -> Source:
        def files(_progress: Progress) -> tuple[SourceTree, dict[str, Any]]:
            try:
                return read_directory(root), {"ref": "local", "root": str(root)}
            except FileNotFoundError:
                raise InvalidInput(f"{directory} is not a directory.") from None

        return files

    return _run(session, actor, project_id, read, progress, engine)


def generate_from_github(
    session: Session,
    actor: Actor,
    project_id: object,
    ref: str | None = None,
    progress: Progress = _quiet,
    engine: str = "auto",
) -> Generation:
    """Generate (or regenerate) a project's docs from its GitHub repository at `ref` (None: the default
    branch), with the project's credential; DOCS_WRITE on the project. A refusal by GitHub writes nothing."""
    wanted = github_source.checked_ref(ref)

    def read(project: Project) -> Source:
        if not project.repo:
            raise InvalidInput(
                "The project has no GitHub repository: link one, or generate from a directory."
            )
        name, token = project.repo, github_access.token_for(project)

        def files(progress: Progress) -> tuple[SourceTree, dict[str, Any]]:
            def told(count: int) -> None:
                progress(files_read=count, message=f"Reading {name}: {count} files so far.")

            repo = github.lazy_repository(name, token)
            with github_source.refusals(name, wanted):
                label = wanted or github_git.default_branch(repo)
                tree, commit = github_source.read_repository(repo, label, told)
            truncated = {"truncated": True} if github_source.TRUNCATED in tree.summary() else {}
            return tree, {"ref": label, "commit": commit, "repository": name, **truncated}

        return files

    return _run(session, actor, project_id, read, progress, engine)


Source = Callable[[Progress], tuple[SourceTree, dict[str, Any]]]  # reads the files, no transaction open


def _run(
    session: Session,
    actor: Actor,
    project_id: object,
    source: Callable[[Project], Source],
    progress: Progress,
    engine: str,
) -> Generation:
    """Check the caller, read the files (none open), parse, ask Claude, then write in the caller's
    transaction: pages, replaced versions, the audit entry."""
    started = time.perf_counter()
    settings = get_settings()
    chosen = resolve_engine(engine, settings)
    project = require_project(session, actor.identity, Permission.DOCS_WRITE, project_id)
    project_key, read = project.id, source(project)
    previous = store.previous_infos(session, project_key) if chosen == "claude" else {}
    end_transaction(session)
    tree, where = read(progress)
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
    base = {**where, "engine": chosen, "generated_at": utcnow().isoformat()}
    infos = written.infos if written else {}
    complete = not where.get("truncated")
    pages, changed, removed = store.save_pages(
        session, project_key, generated, tree, base, infos, complete=complete
    )
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
    origin = {key: where[key] for key in ("ref", "commit", "repository") if key in where}
    audit.record(
        session, actor, "docs.generate", "project", project_key, engine=chosen, tokens=stats["tokens"],
        **origin, **counts,
    )  # fmt: skip
    listed = [
        {"id": str(row.id), "title": row.title, "doc_type": row.doc_type, "file_path": row.file_path}
        for row in pages
    ]
    return Generation(listed, stats, tree.summary(), summary, origin)


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
    """One page of a project's docs (overview first, then by path) with each one's freshness (moved sources,
    stale, commits behind), the total, and the project's freshness; DOCS_READ on the project. Files are
    hashed, and GitHub asked, with no transaction open."""
    project = require_project(session, identity, Permission.DOCS_READ, project_id)
    query = select(Documentation).where(Documentation.project_id == project.id)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = (col(Documentation.doc_type) != "overview", col(Documentation.file_path), col(Documentation.id))
    items = [page_summary(row) for row in session.exec(query.order_by(*order).limit(limit).offset(offset))]
    every = select(Documentation.id, Documentation.version_info).where(Documentation.project_id == project.id)
    infos = [(str(page_id), info) for page_id, info in session.exec(every).all()]
    remote = freshness.Remote(project.id)
    end_transaction(session)
    found, summary = freshness.check(infos, remote)
    for item in items:
        page = found[item["id"]]
        item.update(stale_sources=page.moved, stale=page.stale, commits_behind=page.commits_behind)
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
