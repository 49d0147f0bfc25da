"""/stories/[story_id]: one story, its Gherkin editor with live parse errors, workflow, history, export."""

from __future__ import annotations

import asyncio

import reflex as rx

from autodevhub.stories import github_push, queries, service
from autodevhub.stories.engine.gherkin import check
from autodevhub.stories.ui.detail_view import IssueLink, StoryDetail, story_detail
from autodevhub.stories.ui.lifecycle import HistoryRow, StatusMove, status_moves
from autodevhub.stories.ui.rows import (
    STATUS_LABELS,
    GutterLine,
    ParseProblem,
    StorySummary,
    gutter,
    parse_problems,
)
from autodevhub.ui.session_state import SessionState, signed_in, signed_in_actor

EDITOR_ID = "gherkin-editor"
TOO_LONG = f"The Gherkin must be at most {service.MAX_GHERKIN:,} characters."


class StoryDetailState(SessionState):
    """The story named by the URL's [story_id]; every event re-checks the caller's access (the service)."""

    found: bool = False
    problem: str = ""
    story: StorySummary = StorySummary()
    history: list[HistoryRow] = []
    moves: list[StatusMove] = []
    can_write: bool = False
    can_delete: bool = False
    can_push: bool = False
    issue: IssueLink = IssueLink()
    pull: IssueLink = IssueLink()
    lead_time: str = ""
    shipped_run_url: str = ""
    pushing: bool = False
    editor_key: int = 0
    editor_text: str = ""
    problems: list[ParseProblem] = []
    lines: list[GutterLine] = [GutterLine(1, False)]
    dirty: bool = False
    error: str = ""
    notice: str = ""

    def _story_ref(self) -> str:
        """The [story_id] route argument: untrusted text, validated by the service."""
        ref = getattr(self, "story_id", "")
        return ref if isinstance(ref, str) else ""

    def _as_user(self, action):
        """`_service`, refusing anonymous callers first (the story services look the id up before that)."""
        return self._service(lambda session, identity: action(session, signed_in(identity)))

    def _act_as_user(self, action):
        """`_act` (writes: the actor carries the address), refusing anonymous callers first."""
        return self._act(lambda session, actor: action(session, signed_in_actor(actor)))

    def _check(self, text: str) -> None:
        """Parse the editor's text: its errors at their lines, and whether it differs from the saved story."""
        self.editor_text = text
        self.problems = (
            parse_problems(check(text)) if len(text) <= service.MAX_GHERKIN else [ParseProblem(0, TOO_LONG)]
        )
        self.lines = gutter(text, self.problems)
        self.dirty = text != self.story.gherkin

    def _show(self, detail: StoryDetail | None, problem: str = "", reset_editor: bool = True) -> None:
        """The story (the editor reset to its saved text unless told otherwise), or why it is not shown."""
        self.found, self.problem = detail is not None, problem
        self.story = detail.summary if detail else StorySummary()
        self.history = detail.history if detail else []
        self.can_write = bool(detail and detail.can_write)
        self.can_delete = bool(detail and detail.can_delete)
        self.can_push = bool(detail and detail.can_push)
        self.issue = (detail.issue if detail else None) or IssueLink()
        self.pull = (detail.pull if detail else None) or IssueLink()
        self.lead_time = detail.lead_time if detail else ""
        self.shipped_run_url = detail.shipped_run_url if detail else ""
        self.moves = status_moves(self.story.status, self.story.parses) if detail else []
        if detail is None:
            self.editor_text, self.problems, self.lines, self.dirty = "", [], [GutterLine(1, False)], False
        elif reset_editor:
            self.editor_key += 1
            self._check(self.story.gherkin)
        else:
            self._check(self.editor_text)

    def _reload(self, reset_editor: bool = True) -> None:
        ref = self._story_ref()
        detail, problem = self._as_user(lambda session, identity: story_detail(session, identity, ref))
        self._show(detail, problem, reset_editor)

    @rx.event
    def load_story(self):
        """on_load: the story, or why it cannot be shown (bad id, unknown, not a member, signed out)."""
        self.error = self.notice = ""
        self._reload()

    @rx.event
    def check_gherkin(self, text: str):
        """The editor, debounced: parse errors at their line numbers while the user types."""
        ref = self._story_ref()
        _, error = self._as_user(lambda session, identity: queries.get_story(session, identity, ref))
        if error:
            self._show(None, error)
        elif isinstance(text, str):
            self._check(text[: service.MAX_GHERKIN + 1])

    @rx.event
    def save_gherkin(self, form_data: dict):
        """Save the edited Gherkin (re-parsed and re-scored by the service); on refusal the edit stays."""
        text = form_data.get("gherkin") if isinstance(form_data, dict) else None
        text = text[: service.MAX_GHERKIN + 1] if isinstance(text, str) else text  # the service checks it
        ref = self._story_ref()
        _, error = self._act_as_user(
            lambda session, actor: service.update_story(
                session, actor, ref, service.StoryUpdate.of(gherkin_output=text)
            )
        )
        self.error, self.notice = error, ""
        if error:
            if self.found and isinstance(text, str):
                self._check(text)
            return
        self.editor_text = text
        self._reload(reset_editor=False)
        self.notice = f"Saved. The score is now {self.story.score}%."

    @rx.event
    def revert_edits(self):
        """Put the saved Gherkin back in the editor."""
        self.error = self.notice = ""
        self._reload()

    @rx.event
    def change_status(self, status: str):
        """Move the story along its workflow; the service refuses invalid moves and unparseable approvals."""
        if self.dirty:
            self.error, self.notice = "Save or revert your edits before changing the status.", ""
            return
        ref = self._story_ref()
        _, error = self._act_as_user(
            lambda session, actor: service.update_story(
                session, actor, ref, service.StoryUpdate.of(status=status)
            )
        )
        self.error = error
        self.notice = "" if error else f"Moved to {STATUS_LABELS.get(str(status), status)}."
        if not error:
            self._reload()

    @rx.event
    def download_feature(self):
        """The .feature file of the saved story, as a download."""
        ref = self._story_ref()
        found, error = self._as_user(lambda session, identity: queries.feature_file(session, identity, ref))
        if found is None:
            self.error = error
            return None
        filename, text = found
        return rx.download(data=text, filename=filename, mime_type="text/plain")

    @rx.event(background=True)
    async def push_issue(self):
        """Maintainers and up: the story as a GitHub issue (again: the same issue updated), off the loop."""
        await self._push(github_push.PushRequest(target="issue"), "issue")

    @rx.event(background=True)
    async def push_pull_request(self):
        """Maintainers and up: the story's .feature file in a GitHub pull request (again: the same one
        updated), off the loop."""
        await self._push(github_push.PushRequest(target="pull_request"), "pull request")

    async def _push(self, request: github_push.PushRequest, what: str) -> None:
        ref = self._story_ref()
        async with self:
            if self.pushing:
                return
            self.pushing, self.error, self.notice = True, "", ""
        pushed, error = await asyncio.to_thread(
            self._act_as_user, lambda session, actor: github_push.push(session, actor, ref, request)
        )
        async with self:
            self.pushing = False
            self.error = error
            self.notice = _pushed_notice(pushed, what) if pushed else ""
            if pushed:
                self._reload(reset_editor=not self.dirty)

    @rx.event
    def delete_story(self):
        """Maintainers and up: delete the story (confirmed in a dialog), then back to the list."""
        ref = self._story_ref()
        _, error = self._act_as_user(lambda session, actor: service.delete_story(session, actor, ref))
        if error:
            self.error, self.notice = error, ""
            return None
        self._show(None, "This story was deleted.")
        return rx.redirect("/stories")


def _pushed_notice(pushed: dict, what: str) -> str:
    if pushed["state"] == "merged":  # no edit since its merge: nothing new was proposed
        return f"Nothing new to push: {what} #{pushed['number']} is merged with this story's text."
    return f"Pushed to GitHub as {what} #{pushed['number']}."
