"""A project's activity feed from the audit log: who did what to the project, its stories, workflows and
runs, newest first, one page at a time.

Entries name their resource by id text ("project", "story", "workflow", "execution"); the feed matches each
to a row of this project through the row's primary key. A deleted story's entry carries its project's id.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from autodevhub.models import AuditLog, User, UserStory, Workflow, WorkflowExecution

MAX_LIMIT = 50
OWNED = {"story": UserStory, "workflow": Workflow, "execution": WorkflowExecution}
ACTIONS = {
    "project.create": "created the project",
    "project.update": "changed the project",
    "member.add": "added a member",
    "member.role_change": "changed a member's role",
    "member.remove": "removed a member",
    "story.generate": "generated a story",
    "story.regenerate": "regenerated a story",
    "story.update": "changed a story",
    "story.delete": "deleted a story",
    "workflow.sync": "asked for a GitHub sync",
    "workflow.dispatch": "dispatched a workflow",
    "workflow.rerun_failed": "re-ran failed jobs",
    "workflow.cancel": "cancelled a run",
    "demo.load": "loaded the demo data",
}


class resource_uuid(FunctionElement):
    """An audit entry's resource_id text as the database stores a UUID key (for an index lookup)."""

    type = sa.Uuid()
    inherit_cache = True


@compiles(resource_uuid)
def _uuid_postgresql(element: resource_uuid, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS UUID)"


@compiles(resource_uuid, "sqlite")
def _uuid_sqlite(element: resource_uuid, compiler: Any, **kw: Any) -> str:
    return f"lower(replace({compiler.process(element.clauses, **kw)}, '-', ''))"


def describe(action: str, details: dict[str, Any]) -> str:
    """What an entry says happened, in words ("generated a story", "moved a story to approved")."""
    if action == "story.update" and details.get("status_to"):
        return f"moved a story to {str(details['status_to']).replace('_', ' ')}"
    if action.endswith(".result"):
        base = ACTIONS.get(action.removesuffix(".result"), action.removesuffix(".result"))
        return f"{base}: {details.get('outcome', 'done')}"
    return ACTIONS.get(action, action)


def _of_project(project_id: uuid.UUID) -> sa.ColumnElement[bool]:
    kind = AuditLog.resource_type
    mine = [sa.and_(kind == "project", AuditLog.resource_id == str(project_id))]
    for name, table in OWNED.items():
        key = resource_uuid(AuditLog.resource_id)
        guarded = sa.case((kind == name, key))  # never cast another kind's id text
        owned = select(1).where(col(table.id) == guarded, table.project_id == project_id).exists()
        mine.append(sa.and_(kind == name, owned))
    deleted = col(AuditLog.audit_metadata)["project_id"].as_string() == str(project_id)
    mine.append(sa.and_(kind == "story", AuditLog.action == "story.delete", deleted))
    return sa.or_(*mine)


def project_activity(
    session: Session, project_id: uuid.UUID, *, limit: int = 20, offset: int = 0
) -> dict[str, Any]:
    """{items, limit, offset, has_more}: one page of the feed; the caller has checked PROJECT_READ and the
    page (limit at most MAX_LIMIT)."""
    rows = session.exec(
        select(AuditLog, User.email, User.first_name, User.last_name)
        .join(User, col(User.id) == AuditLog.user_id, isouter=True)
        .where(_of_project(project_id))
        .order_by(col(AuditLog.created_at).desc(), col(AuditLog.id).desc())
        .limit(limit + 1)
        .offset(offset)
    ).all()
    items = [
        {
            "id": entry.id,
            "at": entry.created_at.isoformat(),
            "action": entry.action,
            "summary": describe(entry.action, entry.audit_metadata),
            "user": f"{first or ''} {last or ''}".strip() or email or "system",
            "resource_type": entry.resource_type,
            "resource_id": entry.resource_id,
        }
        for entry, email, first, last in rows[:limit]
    ]
    return {"items": items, "limit": limit, "offset": offset, "has_more": len(rows) > limit}
