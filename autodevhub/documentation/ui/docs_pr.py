"""The Docs page's pull request bar: the docs pull request's link and state (open, merged, closed) and
"Publish as pull request" for members and up. Loaded again whenever another project is shown (the bar is
keyed by the project, so it mounts anew). The service checks the signed-in user's role on every event;
GitHub's address is shown only when it is http(s)."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from autodevhub.documentation import publish
from autodevhub.documentation.ui.docs_state import DocsState, _an_id
from autodevhub.ui.session_state import signed_in_actor

STATE_COLORS = {"open": "green", "merged": "purple", "closed": "gray"}


def _web_url(url: object) -> str:
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else ""


def result_text(done: dict[str, Any]) -> str:
    """What a publish did, in a sentence."""
    if done["number"] is None:
        return str(done["note"])
    what = f"{done['changed']} file(s) committed" if done["commit"] else "nothing new to commit"
    note = f" {done['note']}" if done["note"] else ""
    return f"Pull request #{done['number']} is {done['state']} on {done['branch']}: {what}.{note}"


class DocsPullState(DocsState):
    """The shown project's docs pull request; publishing it in a background event."""

    pr_number: int = 0
    pr_url: str = ""
    pr_state: str = ""
    pr_note: str = ""
    pr_message: str = ""
    publishing: bool = False

    def _show_pull(self, found: dict[str, Any]) -> None:
        self.pr_number = int(found.get("number") or 0)
        self.pr_url = _web_url(found.get("url"))
        self.pr_state = str(found.get("state") or "")
        self.pr_note = str(found.get("note") or found.get("error") or "")

    @rx.event(background=True)
    async def load_pull(self):
        """Where the shown project's docs pull request stands, as last seen."""
        async with self:
            project = _an_id(self.project_id)
        if not project:
            return
        found, error = await self._read(
            lambda session, identity: publish.pr_status(session, identity, project)
        )
        async with self:
            if self.project_id != project:
                return
            self._show_pull(found or {})
            self.pr_message = error

    @rx.event(background=True)
    async def publish_docs(self):
        """Members and up: commit the shown project's docs and open or update its pull request."""
        async with self:
            project = _an_id(self.project_id)
            if self.publishing or not project:
                return
            self.publishing, self.pr_message = True, "Publishing: committing the docs on GitHub…"
        done, error = await asyncio.to_thread(
            self._act, lambda session, actor: publish.publish(session, signed_in_actor(actor), project)
        )
        found, _ = await self._read(lambda session, identity: publish.pr_status(session, identity, project))
        async with self:
            self.publishing = False
            self.pr_message = error or result_text(done or {})
            if found is not None and self.project_id == project:
                self._show_pull(found)


P = DocsPullState


def pull_request_bar() -> rx.Component:
    """The docs pull request's link and state badge, the publish button (members and up), the outcome."""
    return rx.flex(
        rx.cond(
            P.pr_number > 0,
            rx.link(
                rx.icon("git-pull-request", size=16, aria_hidden="true"),
                "Docs pull request #",
                P.pr_number,
                href=P.pr_url,
                is_external=True,
                id="docs-pr-link",
            ),
            rx.text("Not published as a pull request yet.", size="2", color_scheme="gray"),
        ),
        rx.cond(
            P.pr_state != "",
            rx.badge(
                P.pr_state,
                color_scheme=rx.match(P.pr_state, *STATE_COLORS.items(), "gray"),
                id="docs-pr-state",
            ),
        ),
        rx.spacer(),
        rx.cond(
            DocsState.can_write,
            rx.button(
                rx.cond(
                    P.publishing,
                    rx.spinner(size="2"),
                    rx.icon("git-pull-request-arrow", size=16, aria_hidden="true"),
                ),
                "Publish as pull request",
                on_click=P.publish_docs,
                disabled=P.publishing,
                variant="soft",
                id="docs-publish",
            ),
        ),
        rx.cond(
            P.pr_message != "",
            rx.text(P.pr_message, size="2", role="status", width="100%", id="docs-pr-message"),
        ),
        rx.cond(P.pr_note != "", rx.text(P.pr_note, size="2", color_scheme="amber", width="100%")),
        key=DocsState.project_id,
        on_mount=P.load_pull,
        align="center",
        wrap="wrap",
        spacing="3",
        width="100%",
    )
