"""Existing stories of a project with a similar description (engine.similarity scores each pair).

The work is bounded whatever the project's size: candidates are the RECENT newest stories plus up to MATCHED
older ones whose description contains one of the text's rarest-looking words (a LIKE prefilter that works on
SQLite and PostgreSQL), only the first EXCERPT characters of each description are compared, and the profiles
of recently seen descriptions stay in a bounded in-process cache.
"""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, or_, select

from autodevhub.models import UserStory
from autodevhub.stories.engine.rules.nlp import content_tokens
from autodevhub.stories.engine.similarity import Similar, similarity

RECENT = 60
MATCHED = 40
EXCERPT = 1000
KEYWORDS = 3
EXCERPT_OF = func.substr(UserStory.feature_description, 1, EXCERPT)
NEWEST_FIRST = col(UserStory.created_at).desc()
# Built once (their cache keys too): every generation and edit scores against these candidates.
CANDIDATES = select(UserStory.id, EXCERPT_OF, UserStory.status).where(
    col(UserStory.project_id) == bindparam("project_id")
)
NEWEST = CANDIDATES.order_by(NEWEST_FIRST).limit(RECENT)
BUT_ONE = col(UserStory.id) != bindparam("exclude")
NEWEST_BUT_ONE = NEWEST.where(BUT_ONE)


def find_similar(
    session: Session,
    project_id: uuid.UUID,
    text: str,
    *,
    exclude: uuid.UUID | None = None,
    limit: int = 5,
    threshold: float = 0.3,
) -> list[Similar]:
    """Stories of the project whose description resembles `text`, most similar first."""
    text = text[:EXCERPT]
    tokens = content_tokens(text)
    if not tokens:
        return []
    params = {"project_id": project_id, **({"exclude": exclude} if exclude is not None else {})}
    base = CANDIDATES if exclude is None else CANDIDATES.where(BUT_ONE)
    newest = NEWEST if exclude is None else NEWEST_BUT_ONE
    rows = {row[0]: row for row in session.exec(newest, params=params).all()}
    if len(rows) == RECENT:  # else every story of the project is in `rows` already: no older one to match
        keywords = sorted(set(tokens), key=len, reverse=True)[:KEYWORDS]
        lowered = func.lower(EXCERPT_OF)
        matched = base.where(or_(*(lowered.contains(word, autoescape=True) for word in keywords)))
        for row in session.exec(matched.order_by(NEWEST_FIRST).limit(MATCHED), params=params).all():
            rows.setdefault(row[0], row)
    found, scores = [], {}  # a text generated again has many stories with the same description
    for story_id, description, status in rows.values():
        score = scores.get(description)
        if score is None:
            score = scores[description] = similarity(text, description)
        if score >= threshold:
            found.append(Similar(story_id, score, description[:200], str(status)))
    return sorted(found, key=lambda s: s.similarity, reverse=True)[:limit]
