"""/admin/settings: who may sign up, and which GitHub organisations may sign in."""

from __future__ import annotations

import reflex as rx

from autodevhub.admin import service
from autodevhub.admin.service import InstancePolicy
from autodevhub.ui.forms import form_text
from autodevhub.ui.session_state import SessionState


class InstancePolicyState(SessionState):
    """Admins only: the current policy, and a form to change it."""

    allowed: bool = False
    signup_mode: str = ""
    github_orgs: str = ""
    # Changes with the saved values, so the form remounts with them as its defaults.
    form_key: int = 0
    error: str = ""
    notice: str = ""

    def _show(self, current: InstancePolicy | None) -> None:
        self.signup_mode = current.signup_mode if current else ""
        self.github_orgs = ", ".join(current.github_orgs) if current else ""
        if current:
            self.form_key += 1

    @rx.event
    def load_settings(self):
        """on_load: the current sign-up mode and organisations; non-admins are refused."""
        current, self.error = self._service(service.instance_policy)
        self.notice = ""
        self.allowed = current is not None
        self._show(current)

    @rx.event
    def save_settings(self, form_data: dict):
        """Save both settings in one transaction; on refusal nothing changes and the input stays."""
        mode, orgs = form_text(form_data, "signup_mode"), form_text(form_data, "github_orgs")
        saved, error = self._act(
            lambda session, actor: service.save_instance_policy(session, actor, mode, orgs)
        )
        if saved is None:
            self.error, self.notice = error, ""
            return
        self.error, self.notice = "", "Settings saved."
        self._show(saved)
