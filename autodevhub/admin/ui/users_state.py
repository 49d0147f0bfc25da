"""/admin/users: accounts, 25 a page, with search, roles, deactivation and an add-user form."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from autodevhub.admin import service
from autodevhub.auth import accounts
from autodevhub.models import User
from autodevhub.ui.forms import form_text
from autodevhub.ui.pagination import PagedState
from autodevhub.ui.session_state import SessionState

USER_ROLES = ("admin", "member", "viewer")
ADD_USER_INPUTS = ("add-user-email", "add-user-password")
MAX_QUERY = 100


@dataclasses.dataclass(frozen=True)
class UserRow:
    """What the users table shows of one account."""

    id: str
    email: str
    name: str
    role: str
    active: bool
    github: str
    created: str

    @classmethod
    def of(cls, user: User) -> UserRow:
        return cls(
            id=str(user.id),
            email=user.email,
            name=f"{user.first_name} {user.last_name}".strip(),
            role=user.role.value,
            active=user.is_active,
            github=user.github_login or "",
            created=user.created_at.strftime("%Y-%m-%d"),
        )


class UsersState(PagedState, SessionState):
    """Admins only: the service refuses everyone else, and the page then says so."""

    PAGE_SIZE: ClassVar[int] = 25

    allowed: bool = False
    users: list[UserRow] = []
    query: str = ""
    error: str = ""
    notice: str = ""

    def _load_page(self, page: int) -> bool:
        query, size, offset = self.query, self.PAGE_SIZE, self._offset(page)

        def rows(session, identity):
            found, total = accounts.list_users(session, identity, query=query, limit=size, offset=offset)
            return [UserRow.of(user) for user in found], total

        result, error = self._service(rows)
        self.allowed = result is not None
        if result is None:
            self.users, self.total, self.page, self.error = [], 0, 0, error
            return False
        self.users, self.total = result
        self.page = max(page, 0)
        return True

    def _change(self, action, success: str) -> bool:
        """Run a change as the caller (`_act`), then show the refusal, or the confirmation and the page."""
        _, error = self._act(action)
        self.error, self.notice = error, "" if error else success
        if not error:
            self._load_page(self.page)
        return not error

    @rx.event
    def load_users(self):
        """on_load: the first page, unfiltered."""
        self.error = self.notice = self.query = ""
        self._load_page(0)

    @rx.event
    def search_users(self, form_data: dict):
        """Filter by a fragment of the email or name; the search shown is the one that was allowed."""
        previous, self.query = self.query, form_text(form_data, "query").strip()[:MAX_QUERY]
        self.error = self.notice = ""
        if not self._load_page(0):
            self.query = previous

    @rx.event
    def change_role(self, user_id: str, role: str):
        """Give an account another global role (one active admin always stays)."""
        self._change(
            lambda session, actor: accounts.set_role(session, actor, user_id, role),
            "Role changed.",
        )

    def _set_active(self, user_id: str, active: bool) -> None:
        self._change(
            lambda session, actor: accounts.set_active(session, actor, user_id, active),
            "Account reactivated."
            if active
            else "Account deactivated; its sessions have ended and its API tokens are revoked.",
        )

    @rx.event
    def deactivate(self, user_id: str):
        """Stop an account from signing in (its sessions end at once)."""
        self._set_active(user_id, False)

    @rx.event
    def reactivate(self, user_id: str):
        """Let a deactivated account sign in again."""
        self._set_active(user_id, True)

    @rx.event
    def add_user(self, form_data: dict):
        """Create an account with a role and an initial password."""
        email, role = form_text(form_data, "email"), form_text(form_data, "role")
        password = form_text(form_data, "password")
        created = self._change(
            lambda session, actor: service.create_user(session, actor, email, role, password).email,
            f"Account {email.strip().lower()} created as {role}.",
        )
        return [rx.set_value(input_id, "") for input_id in ADD_USER_INPUTS] if created else None
