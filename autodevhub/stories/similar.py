"""Existing stories of a project with a similar description: token-stem cosine plus bigram overlap.

The work is bounded whatever the project's size: candidates are the RECENT newest stories plus up to MATCHED
older ones whose description contains one of the text's rarest-looking words (a LIKE prefilter that works on
SQLite and PostgreSQL), only the first EXCERPT characters of each description are compared, and the profiles
of recently seen descriptions stay in a bounded in-process cache.
"""

from __future__ import annotations

import functools
import itertools
import math
import uuid
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, func, or_, select

from autodevhub.models import UserStory
from autodevhub.stories.engine.rules.nlp import content_tokens

RECENT = 60
MATCHED = 40
EXCERPT = 1000
KEYWORDS = 3
DUPLICATE = 0.8
PROFILES = 4096


@dataclass(frozen=True)
class Similar:
    id: uuid.UUID
    similarity: float
    excerpt: str
    status: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "similarity": self.similarity,
            "excerpt": self.excerpt,
            "status": self.status,
        }


@dataclass(frozen=True)
class Profile:
    """What similarity compares: stem counts, their norm, and stem bigrams."""

    counts: dict[str, int]
    norm: float
    pairs: frozenset[tuple[str, str]]


@functools.lru_cache(maxsize=PROFILES)
def profile(text: str) -> Profile:
    """The text's profile; cached, so the candidates of the next comparison cost almost nothing."""
    tokens = content_tokens(text)
    counts = Counter(tokens)
    return Profile(
        dict(counts), math.sqrt(sum(v * v for v in counts.values())), frozenset(itertools.pairwise(tokens))
    )


def similarity(left: str, right: str) -> float:
    """0..1: the mean of the cosine of stem counts and the Jaccard overlap of stem bigrams."""
    a, b = profile(left), profile(right)
    if not a.norm or not b.norm:
        return 0.0
    small, large = sorted((a.counts, b.counts), key=len)
    cosine = sum(count * large.get(token, 0) for token, count in small.items()) / (a.norm * b.norm)
    union = len(a.pairs | b.pairs)
    jaccard = len(a.pairs & b.pairs) / union if union else cosine
    return round((cosine + jaccard) / 2, 3)


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
    excerpt = func.substr(UserStory.feature_description, 1, EXCERPT)
    base = select(UserStory.id, excerpt, UserStory.status).where(UserStory.project_id == project_id)
    if exclude is not None:
        base = base.where(UserStory.id != exclude)
    newest = col(UserStory.created_at).desc()
    rows = {row[0]: row for row in session.exec(base.order_by(newest).limit(RECENT)).all()}
    keywords = sorted(set(tokens), key=len, reverse=True)[:KEYWORDS]
    lowered = func.lower(excerpt)
    matched = base.where(or_(*(lowered.contains(word, autoescape=True) for word in keywords)))
    for row in session.exec(matched.order_by(newest).limit(MATCHED)).all():
        rows.setdefault(row[0], row)
    found = []
    for story_id, description, status in rows.values():
        score = similarity(text, description)
        if score >= threshold:
            found.append(Similar(story_id, score, description[:200], str(status)))
    return sorted(found, key=lambda s: s.similarity, reverse=True)[:limit]
