"""The Workflows page's writes: dispatch a workflow, re-run failed jobs, cancel a run (maintainers and up).

A state mixin of WorkflowsState. Each handler is a background event: the services call GitHub from a
worker thread (never retried) and re-check the caller's role on the project. The dialog's choices come
from what the server loaded for this tab; the service checks the submitted ids again anyway.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from sqlmodel import Session

from autodevhub.core.identity import Actor, Identity
from autodevhub.ui.forms import form_text
from autodevhub.ui.session_state import signed_in, signed_in_actor
from autodevhub.workflows import actions
from autodevhub.workflows.ui.rows import InputField, Option

T = TypeVar("T")
INPUT_PREFIX = "input:"
DEFAULT_REF = "main"


def submitted_inputs(form_data: Any) -> dict[str, str]:
    """The dispatch form's `input:<name>` fields; empty ones are left out (GitHub applies the default)."""
    if not isinstance(form_data, dict):
        return {}
    return {
        key.removeprefix(INPUT_PREFIX): value
        for key, value in form_data.items()
        if isinstance(key, str) and key.startswith(INPUT_PREFIX) and isinstance(value, str) and value
    }


class RunActions(rx.State, mixin=True):
    """The 'Run workflow' dialog and the per-run actions; the service decides who may use them."""

    dispatchable: list[Option] = []
    dispatch_open: bool = False
    dispatch_choice: str = ""
    dispatch_fields: list[InputField] = []
    dispatch_ref: str = DEFAULT_REF
    dispatch_error: str = ""
    acting: bool = False
    _dispatch_inputs: dict[str, list[InputField]] = {}
    _default_branch: str = ""

    async def _call(self, action: Callable[[Session, Identity], T]) -> tuple[T | None, str]:
        """`_service(action)` for a signed-in user, in a worker thread: GitHub and large queries never
        block the event loop. Signed-out callers hear "sign in" before any id is looked up."""

        def as_user(session: Session, identity: Identity | None) -> T:
            return action(session, signed_in(identity))

        return await asyncio.to_thread(self._service, as_user)  # type: ignore[attr-defined]

    async def _call_write(self, action: Callable[[Session, Actor], T]) -> tuple[T | None, str]:
        """`_call` for writes: `action(session, actor)` through SessionState._act, so the audit log gets
        the caller's address and browser. Signed-out callers hear "sign in" before any id is looked up."""

        def as_user(session: Session, actor: Actor) -> T:
            return action(session, signed_in_actor(actor))

        return await asyncio.to_thread(self._act, as_user)  # type: ignore[attr-defined]

    def _choose(self, workflow_id: str) -> None:
        self.dispatch_choice = workflow_id
        self.dispatch_fields = self._dispatch_inputs.get(workflow_id, [])

    @rx.event
    def open_dispatch(self, open: bool):
        """The dialog's open state; it opens only when this tab was shown a dispatchable workflow."""
        if open is not True:
            self.dispatch_open = False
            return
        if not self._dispatch_inputs:
            return
        if self.dispatch_choice not in self._dispatch_inputs:
            self._choose(next(iter(self._dispatch_inputs)))
        self.dispatch_ref = self._default_branch or DEFAULT_REF
        self.dispatch_error = ""
        self.dispatch_open = True

    @rx.event
    def choose_dispatch_workflow(self, workflow_id: str):
        """Show the declared inputs of another of the loaded dispatchable workflows."""
        if isinstance(workflow_id, str) and workflow_id in self._dispatch_inputs:
            self._choose(workflow_id)

    @rx.event(background=True)
    async def dispatch_workflow(self, form_data: dict):
        """Maintainers and up: start a workflow_dispatch run of the chosen workflow on a branch or tag."""
        workflow_id, ref = form_text(form_data, "workflow_id"), form_text(form_data, "ref").strip()
        inputs = submitted_inputs(form_data)
        async with self:
            if self.acting:
                return
            self.acting = True
        _, error = await self._call_write(
            lambda session, actor: actions.dispatch(
                session, actor, workflow_id, actions.DispatchRequest.of(ref, inputs)
            )
        )
        async with self:
            self.acting, self.dispatch_error = False, error
            if not error:
                self.dispatch_open = False
                self.notice = f"Run requested on {ref}. It shows up here as soon as GitHub starts it."

    async def _run_action(
        self, action: Callable[[Session, Actor, str], None], execution_id: str, success: str
    ) -> None:
        async with self:
            if self.acting:
                return
            self.acting = True
        _, error = await self._call_write(lambda session, actor: action(session, actor, execution_id))
        async with self:
            self.acting = False
            self.error, self.notice = (error, "") if error else ("", success)

    @rx.event(background=True)
    async def rerun_failed_jobs(self, execution_id: str):
        """Maintainers and up: ask GitHub to run the failed jobs of a run again."""
        await self._run_action(actions.rerun_failed, execution_id, "Re-run of the failed jobs requested.")

    @rx.event(background=True)
    async def cancel_run(self, execution_id: str):
        """Maintainers and up: ask GitHub to cancel a queued or running run."""
        await self._run_action(actions.cancel, execution_id, "Cancellation requested.")
