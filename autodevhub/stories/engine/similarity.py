"""How alike two feature descriptions are: token-stem cosine plus bigram overlap (pure, no database)."""

from __future__ import annotations

import functools
import itertools
import math
import uuid
from collections import Counter
from dataclasses import dataclass

from autodevhub.stories.engine.rules.nlp import content_tokens

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
