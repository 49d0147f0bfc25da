"""What the Docs page shows, read through the docs services (each checks the caller's project role).

No reflex here: the page state runs these in a worker thread, since freshness hashes source files.
"""

from __future__ import annotations

import dataclasses
import difflib
from typing import Any

from sqlmodel import Session, select

from autodevhub.auth.guard import project_role
from autodevhub.auth.permissions import Permission, can
from autodevhub.core.db import end_transaction
from autodevhub.core.errors import NotFound
from autodevhub.core.identity import Identity
from autodevhub.documentation import freshness, runs, service
from autodevhub.documentation.engine.markdown import BEGIN, END
from autodevhub.models import DocumentationVersion
from autodevhub.projects import service as projects
from autodevhub.ui.rows import ProjectOption, when

MAX_PROJECTS = 100
VERSIONS_SHOWN = 20


@dataclasses.dataclass(frozen=True)
class PageRow:
    """A page in the tree: its kind, path and whether its sources moved since it was generated."""

    id: str
    title: str
    doc_type: str
    path: str
    fresh: bool
    note: str


@dataclasses.dataclass(frozen=True)
class VersionRow:
    """An earlier version of a page, as the history lists it."""

    version: int
    title: str
    generated: str
    engine: str


@dataclasses.dataclass
class Snapshot:
    """The project list and, for the chosen project, one page of its tree, freshness and last run."""

    projects: list[ProjectOption]
    project: ProjectOption | None = None
    can_write: bool = False
    pages: list[PageRow] = dataclasses.field(default_factory=list)
    total: int = 0
    freshness: dict[str, Any] = dataclasses.field(default_factory=dict)
    run: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class PageView:
    """One page: its Markdown (untrusted: rendered without raw HTML), freshness and earlier versions."""

    id: str
    project_id: str
    title: str
    path: str
    content: str
    version: int
    generated: str
    engine_note: str
    stale: list[str]
    versions: list[VersionRow]
    versions_total: int
    freshness: str = "Fresh"


def readable(content: str) -> str:
    """A page's Markdown as the page shows it: without the lines marking where generated text sits."""
    return "\n".join(line for line in content.splitlines() if line.strip() not in (BEGIN, END))


def engine_note(info: dict[str, Any]) -> str:
    """Who wrote the page's prose: Claude (model, tokens), or why its offline text is shown; '' for rules."""
    block = info.get("claude")
    if not isinstance(block, dict):
        return ""
    if info.get("engine") == "claude":
        return f"Summary written by Claude ({block.get('model')}, {int(block.get('tokens') or 0)} tokens)."
    fallback = block.get("fallback") if isinstance(block.get("fallback"), dict) else {}
    return f"No Claude summary: {fallback.get('message') or 'Claude was not asked.'}"


def freshness_note(page: freshness.PageFreshness) -> str:
    """'Fresh', 'Unknown', 'N commits behind' (GitHub), or how many of the page's sources changed."""
    if page.stale is None:
        return "Unknown"
    if not page.stale:
        return "Fresh"
    if page.commits_behind:
        return "1 commit behind" if page.commits_behind == 1 else f"{page.commits_behind} commits behind"
    moved = len(page.moved)
    return "1 source changed" if moved == 1 else f"{moved} sources changed" if moved else "Stale"


def page_row(item: dict[str, Any]) -> PageRow:
    found = freshness.PageFreshness(item["stale_sources"], item["stale"], item["commits_behind"])
    path = item["file_path"] or ""
    return PageRow(
        item["id"], item["title"], item["doc_type"], path, found.stale is False, freshness_note(found)
    )


def tree_page(
    session: Session, identity: Identity | None, project_id: str, page: int, size: int
) -> tuple[list[PageRow], int, dict[str, Any]]:
    """One page of the project's tree (overview first), its total and the project's freshness."""
    items, total, fresh = service.list_docs(
        session, identity, project_id, limit=size, offset=max(page, 0) * size
    )
    return [page_row(item) for item in items], total, fresh


def collect(session: Session, identity: Identity, project_id: str, page: int, size: int) -> Snapshot:
    """The readable projects and, for the chosen one (the first by default), everything the page lists."""
    found, _ = projects.visible_projects(session, identity, limit=MAX_PROJECTS)
    options = [ProjectOption(str(p.id), p.name) for p in found]
    if not (project_id or options):
        return Snapshot(projects=options)
    project = projects.get_project(session, identity, project_id or options[0].id)
    chosen = ProjectOption(str(project.id), project.name)
    if chosen not in options:
        options.append(chosen)
    writer = can(identity.role, Permission.DOCS_WRITE, project_role(session, identity.id, project.id))
    run = runs.run_status(session, identity, project.id)
    pages, total, fresh = tree_page(session, identity, chosen.id, page, size)
    if not pages and page:  # fewer pages than before: back to the first
        pages, total, fresh = tree_page(session, identity, chosen.id, 0, size)
    return Snapshot(options, chosen, writer, pages, total, fresh, run)


def page_view(session: Session, identity: Identity, doc_id: str, project_id: str) -> PageView:
    """A page of the shown project with its freshness and latest earlier versions."""
    row = service.get_doc(session, identity, doc_id)
    if str(row.project_id) != project_id:
        raise NotFound("Page not found.")
    info = dict(row.version_info)
    page = PageView(
        id=str(row.id),
        project_id=project_id,
        title=row.title,
        path=row.file_path or "",
        content=readable(row.content),
        version=int(info.get("version", 1)),
        generated=when(info.get("generated_at"), never="unknown"),
        engine_note=engine_note(info),
        stale=[],
        versions=[],
        versions_total=0,
    )
    earlier, page.versions_total = service.list_versions(session, identity, row.id, limit=VERSIONS_SHOWN)
    page.versions = [
        VersionRow(v.version, v.title, when(v.version_info.get("generated_at"), "unknown"), _engine(v))
        for v in earlier
    ]
    remote = freshness.Remote(project_id)
    end_transaction(session)  # hashing files, asking GitHub: no transaction stays open meanwhile
    found = freshness.check([(page.id, info)], remote)[0][page.id]
    page.stale, page.freshness = found.moved, freshness_note(found)
    return page


def version_diff(session: Session, identity: Identity, doc_id: str, version: int) -> str:
    """What changed from an earlier version of a page to the page now, as a unified diff of the Markdown."""
    row = service.get_doc(session, identity, doc_id)
    query = select(DocumentationVersion).where(
        DocumentationVersion.documentation_id == row.id, DocumentationVersion.version == version
    )
    earlier = session.exec(query).first()
    if earlier is None:
        raise NotFound("That version is not kept.")
    current = int(row.version_info.get("version", 1))
    lines = difflib.unified_diff(
        readable(earlier.content).splitlines(),
        readable(row.content).splitlines(),
        f"version {version}",
        f"version {current}",
        lineterm="",
    )
    return "\n".join(lines) or "No change in the text."


def _engine(version: Any) -> str:
    return str(version.version_info.get("engine") or "rules")
