"""/admin/audit: the audit log, 50 entries a page, newest first, filtered by user, action, type and dates."""

from __future__ import annotations

import dataclasses
import json
from typing import ClassVar

import reflex as rx

from autodevhub.admin import service
from autodevhub.admin.service import AuditFilters
from autodevhub.models import AuditLog
from autodevhub.ui.forms import form_text
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.session_state import SessionState

FILTER_FIELDS = tuple(field.name for field in dataclasses.fields(AuditFilters))
FILTER_INPUTS = tuple(f"audit-{name.replace('_', '-')}" for name in FILTER_FIELDS)


@dataclasses.dataclass(frozen=True)
class AuditRow:
    """One audit entry as plain text cells."""

    id: str
    time: str
    email: str
    action: str
    resource_type: str
    resource_id: str
    ip: str
    metadata: str

    @classmethod
    def of(cls, entry: AuditLog, email: str) -> AuditRow:
        return cls(
            id=str(entry.id),
            time=entry.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            email=email or ("(deleted user)" if entry.user_id else "—"),
            action=entry.action,
            resource_type=entry.resource_type,
            resource_id=entry.resource_id or "",
            ip=entry.ip_address or "",
            metadata=json.dumps(entry.audit_metadata, sort_keys=True, default=str)
            if entry.audit_metadata
            else "",
        )


class AuditState(PagedState, SessionState):
    """Admins only; the applied filters stay on the server for paging."""

    PAGE_SIZE: ClassVar[int] = 50

    allowed: bool = False
    entries: list[AuditRow] = []
    filtered: bool = False
    error: str = ""
    _filters: AuditFilters = AuditFilters()

    def _load_page(self, page: int) -> bool:
        filters, size, offset = self._filters, self.PAGE_SIZE, self._offset(page)

        def rows(session, identity):
            found, total = service.audit_entries(session, identity, filters, limit=size, offset=offset)
            return [AuditRow.of(entry, email) for entry, email in found], total

        result, error = self._service(rows)
        self.error = error
        if result is None:
            self.entries, self.total, self.page = [], 0, 0
            return False
        self.entries, self.total = result
        self.page = max(page, 0)
        return True

    def _apply(self, filters: AuditFilters) -> bool:
        """Search with `filters`; on refusal the previous filters stay in force."""
        previous, self._filters = self._filters, filters
        if not self._load_page(0):
            self._filters = previous
            return False
        self.filtered = filters != AuditFilters()
        return True

    @rx.event
    def load_audit(self):
        """on_load: the newest entries, unfiltered; non-admins are refused and the page says so."""
        self.allowed = self._apply(AuditFilters())

    @rx.event
    def apply_filters(self, form_data: dict):
        """The filter form; a bad filter (such as a malformed date) is refused with a message."""
        self._apply(AuditFilters(**{name: form_text(form_data, name).strip() for name in FILTER_FIELDS}))

    @rx.event
    def clear_filters(self):
        """Back to every entry; empties the filter inputs."""
        self._apply(AuditFilters())
        return [rx.set_value(input_id, "") for input_id in FILTER_INPUTS]
