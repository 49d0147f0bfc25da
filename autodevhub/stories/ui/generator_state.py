"""/stories/new: describe a feature, generate its story with visible progress; keep, edit, redo or discard it.

The typed description lives in the browser's localStorage (`draft`, the user's own text, tagged with a hash of
the account so another account on the same browser does not get it), so it survives errors and reloads.
Generation runs in background handlers: the service blocks (Claude) in a worker thread while the handler
copies its progress into the state.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from autodevhub.core.errors import ServiceError
from autodevhub.core.identity import Actor, Identity
from autodevhub.models import StoryStatus, UserStory
from autodevhub.stories import queries, service
from autodevhub.stories.engine.normalize import MAX_LENGTH, MIN_LENGTH, clean
from autodevhub.stories.ui.detail_view import story_projects, summarize
from autodevhub.stories.ui.rows import SimilarRow, StorySummary, similar_rows
from autodevhub.ui.rows import ProjectOption
from autodevhub.ui.session_state import SessionState, signed_in, signed_in_actor

DRAFT_KEY = "autodevhub.story-draft"
MAX_DRAFT = 20_000
STAGES = {
    "cache": "Checking cache…",
    "claude": "Writing with Claude…",
    "rules": "Writing with the rule engine…",
    "score": "Scoring…",
    "save": "Saving the draft…",
}
FAILED = "The story could not be generated because of an internal error. Your description is kept; try again."
POLL_SECONDS = 0.15
STREAM_TAIL = 3000
logger = logging.getLogger(__name__)


def owner_tag(identity: Identity) -> str:
    """Marks whose draft the browser keeps (a hash, not the id)."""
    return hashlib.sha256(f"story-draft:{identity.id}".encode()).hexdigest()[:16]


class Progress:
    """What the service reported from its thread(s), read by the handler's loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.version = 0
        self.stages: list[str] = []
        self.streamed = ""
        self.fallback = ""

    def __call__(self, event: str, detail: str) -> None:
        with self._lock:
            if event == "stage" and detail in STAGES:
                self.stages.append(STAGES[detail])
            elif event == "delta":
                self.streamed = (self.streamed + str(detail))[-STREAM_TAIL:]
            elif event == "fallback":
                self.fallback = str(detail)
            self.version += 1

    def snapshot(self) -> tuple[int, list[str], str, str]:
        with self._lock:
            return self.version, list(self.stages), self.streamed, self.fallback


class StoryGeneratorState(SessionState):
    """The generator: a project, a description, and the last story generated in this tab."""

    projects: list[ProjectOption] = []
    project_id: str = ""
    draft: str = rx.LocalStorage("", name=DRAFT_KEY)
    description: str = ""
    editor_key: int = 0
    length: int = 0
    similar: list[SimilarRow] = []
    generating: bool = False
    stages: list[str] = []
    streamed: str = ""
    fallback: str = ""
    result: StorySummary = StorySummary()
    loaded: bool = False
    error: str = ""
    notice: str = ""
    notice_href: str = ""

    @rx.var
    def length_ok(self) -> bool:
        return MIN_LENGTH <= self.length <= MAX_LENGTH

    @rx.var
    def counter(self) -> str:
        return f"{self.length:,} / {MAX_LENGTH:,}"

    @rx.var
    def can_write(self) -> bool:
        return any(p.id == self.project_id and p.can_write for p in self.projects)

    @rx.var
    def project_name(self) -> str:
        return next((p.name for p in self.projects if p.id == self.project_id), "")

    def _recall(self, owner: str) -> tuple[str, str]:
        """(project id, text) the browser kept for this account; ("", "") for anything else."""
        try:
            saved = json.loads(self.draft) if isinstance(self.draft, str) and self.draft else {}
        except ValueError:
            return "", ""
        if not isinstance(saved, dict) or saved.get("owner") != owner:
            return "", ""
        project, text = saved.get("project"), saved.get("text")
        project = project if isinstance(project, str) else ""
        return project, text[:MAX_DRAFT] if isinstance(text, str) else ""

    def _remember(self, owner: str, text: str) -> None:
        self.description, self.length = text, len(clean(text))
        self.draft = json.dumps({"owner": owner, "project": self.project_id, "text": text})

    @rx.event
    def load_generator(self):
        """on_load: the caller's projects, the kept description and project, similar stories, last result."""
        previous = self.result.story_id

        def prepare(session, identity):
            projects = story_projects(session, identity)
            owner = owner_tag(identity)
            project, text = self._recall(owner)
            ids = [p.id for p in projects]
            writable = [p.id for p in projects if p.can_write]
            chosen = project if project in ids else (writable or ids or [""])[0]
            similar = queries.similar_for(session, identity, chosen, text) if chosen else []
            try:
                story = queries.get_story(session, identity, previous) if previous else None
            except ServiceError:  # deleted, or no longer readable: the panel closes
                story = None
            return projects, owner, chosen, text, similar, summarize(session, story) if story else None

        prepared, error = self._service(prepare)
        self.loaded, self.error, self.notice, self.notice_href = prepared is not None, error, "", ""
        if prepared is None:
            return
        self.projects, owner, self.project_id, text, similar, result = prepared
        self._remember(owner, text)
        self.similar, self.editor_key = similar_rows(similar), self.editor_key + 1
        if not self.generating:
            self.result = result or StorySummary()

    def _refresh_similar(self, project_id: object, text: str) -> str | None:
        """The owner tag after the similar stories of `project_id` for `text` are shown; None when refused."""

        def look(session, identity):
            owner = owner_tag(signed_in(identity))
            return owner, queries.similar_for(session, identity, project_id, text) if project_id else []

        found, error = self._service(look)
        self.error = error
        if found is None:
            return None
        owner, similar = found
        self.similar = similar_rows(similar)
        return owner

    @rx.event
    def choose_project(self, project_id: str):
        """The project picker; the choice is remembered with the description."""
        if not isinstance(project_id, str):
            return
        owner = self._refresh_similar(project_id, self.description)
        if owner is not None:
            self.project_id = project_id
            self._remember(owner, self.description)

    @rx.event
    def edit_description(self, text: str):
        """The text area, debounced: the counter, the kept draft and similar stories as the user types."""
        if not isinstance(text, str):
            return
        text = text[:MAX_DRAFT]
        owner = self._refresh_similar(self.project_id, text)
        if owner is not None:
            self._remember(owner, text)

    async def _run(self, text: str, work: Callable[[Session, Actor, Progress], UserStory]) -> None:
        """Run `work(session, actor, progress)` in a thread, showing its progress; then its result."""
        async with self:
            if self.generating:
                return
            self.generating, self.stages, self.streamed, self.fallback = True, [], "", ""
            self.error = self.notice = self.notice_href = ""
        progress = Progress()

        def blocking():
            owner, refused = self._service(lambda _session, identity: owner_tag(signed_in(identity)))
            if refused:
                return None, None, refused
            story, error = self._act(
                lambda session, actor: summarize(session, work(session, signed_in_actor(actor), progress))
            )
            return owner, story, error

        task = asyncio.ensure_future(asyncio.to_thread(blocking))
        owner, story, error = None, None, FAILED
        try:
            seen = 0
            while not task.done():
                await asyncio.wait({task}, timeout=POLL_SECONDS)
                version, stages, streamed, fallback = progress.snapshot()
                if version != seen:
                    seen = version
                    async with self:
                        self.stages, self.streamed, self.fallback = stages, streamed, fallback
            owner, story, error = task.result()
        except Exception:  # a bug, not a refusal: say so, keep the description, free the button
            logger.exception("story generation failed")
        finally:  # also when the task is cancelled: the form must not stay busy
            async with self:
                self.generating, self.stages, self.streamed, self.fallback = False, [], "", ""
                self.error = error
                if owner is not None:
                    self._remember(owner, text)
                if story is not None:
                    self.result, self.similar = story, []

    @rx.event(background=True)
    async def generate(self, form_data: dict):
        """Generate: a new draft story of the chosen project (the service checks the caller may write)."""
        form = form_data if isinstance(form_data, dict) else {}
        text = form.get("feature_description")
        text = text[:MAX_DRAFT] if isinstance(text, str) else ""
        project = form.get("project_id")
        async with self:
            project = project if isinstance(project, str) and project else self.project_id

        def work(session, actor, progress):
            request = service.StoryGenerate.of(project, text)
            return service.generate_story(session, actor, request, progress=progress)

        await self._run(text, work)

    @rx.event(background=True)
    async def regenerate(self, story_id: str):
        """Regenerate: replace the story's Gherkin (from the current description when it is valid)."""
        async with self:
            text = self.description
        description = text if MIN_LENGTH <= len(clean(text)) <= MAX_LENGTH else None

        def work(session, actor, progress):
            return service.regenerate_story(
                session, actor, story_id, description=description, progress=progress
            )

        await self._run(text, work)

    @rx.event
    def save_result(self):
        """Save: the story is already a draft; keep it and start afresh (the description is cleared)."""
        owner, error = self._service(lambda _session, identity: owner_tag(signed_in(identity)))
        if owner is None or not self.result.story_id:
            self.error = error
            return
        self.notice = f"“{self.result.title}” is saved as a draft."
        self.notice_href = f"/stories/{self.result.story_id}"
        self.result, self.similar, self.error = StorySummary(), [], ""
        self._remember(owner, "")
        self.editor_key += 1

    @rx.event
    def discard(self, story_id: str):
        """Discard: archive the generated draft (its history stays); the description stays for another try."""
        _, error = self._act(
            lambda session, actor: service.update_story(
                session, signed_in_actor(actor), story_id, service.StoryUpdate(status=StoryStatus.archived)
            )
        )
        self.error = error
        if not error:
            self.notice, self.notice_href = "The draft was archived. Your description is still here.", ""
            self.result = StorySummary()
