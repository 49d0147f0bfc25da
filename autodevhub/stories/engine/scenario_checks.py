"""Checks on single scenarios and pairs: an observable outcome, a refusal, a near-duplicate of another."""

from __future__ import annotations

import difflib
import itertools
import re

from autodevhub.stories.engine.gherkin import ScenarioShape

VAGUE = re.compile(
    r"\b(fast|quick(?:ly)?|easy|easily|user[- ]friendly|intuitive|simple|simply|etc|and so on|robust|"
    r"seamless(?:ly)?|"
    r"efficient(?:ly)?|flexible|appropriate(?:ly)?|as needed|various|optimal|nice|good|better|"
    r"modern|scalable|state[- ]of[- ]the[- ]art|asap|smooth(?:ly)?|best)\b",
    re.IGNORECASE,
)
VAGUE_OUTCOME = re.compile(
    r"\b(as expected|correct(?:ly)?|properly|works?(?: fine| well)?|fine|okay|handled|somehow|something)\b",
    re.IGNORECASE,
)
REFUSAL = re.compile(
    r"\b(cannot|can't|can not|invalid|reject\w*|refus\w*|denied|deny|errors?|fail\w*|blocked|locked|declined|"
    r"forbidden|unauthori[sz]ed|unsupported|expired|missing|not (?:allowed|accepted|permitted|found|\w+ed)|"
    r"too (?:many|large|long|big|short|early|late))\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[a-z0-9:<>]+")
FILLER = frozenset({"a", "an", "the", "and", "also", "too", "then", "still"})
NEGATION = re.compile(r"\b(not|no|never|cannot|without)\b", re.IGNORECASE)
NEAR = 0.9  # two scenarios whose steps read this alike (and share numbers and negations) repeat each other


def vague_words(text: str) -> set[str]:
    """The vague words in a text ('fast', 'user-friendly'), lower-case."""
    return {m.group(0).lower() for m in VAGUE.finditer(text)}


def vague_step(text: str) -> set[str]:
    """The vague words and outcome phrases ('as expected', 'properly') in a step, lower-case."""
    return vague_words(text) | {m.group(0).lower() for m in VAGUE_OUTCOME.finditer(text)}


def observable(shape: ScenarioShape) -> bool:
    """True when some Then step states a concrete outcome ('Then it works as expected' does not)."""
    return any(kind == "Then" and not vague_step(text) for kind, text in shape.steps)


def complete(shape: ScenarioShape) -> bool:
    """Given (its own or the Background's), When and an observable Then."""
    return {"Given", "When"} <= shape.types and observable(shape)


def negative(shape: ScenarioShape) -> bool:
    """Tagged @negative, or a Then step says something is refused, invalid or failed."""
    return "@negative" in shape.tags or any(kind == "Then" and REFUSAL.search(t) for kind, t in shape.steps)


def _signature(shape: ScenarioShape) -> tuple[list[str], list[str], list[str]]:
    text = " ".join([*(f"{kind} {t}" for kind, t in shape.steps), *shape.cells]).lower()
    words = [w for w in WORD.findall(text) if w not in FILLER]
    return words, re.findall(r"\d[\d,.:]*", text), NEGATION.findall(text)


def near_duplicates(shapes: list[ScenarioShape]) -> list[tuple[str, str]]:
    """(later, earlier) scenario names whose steps and Examples say the same with other words at most."""
    signatures = [_signature(shape) for shape in shapes]
    found = []
    for (i, left), (j, right) in itertools.combinations(enumerate(signatures), 2):
        if left[1:] != right[1:]:
            continue
        if difflib.SequenceMatcher(None, left[0], right[0], autojunk=False).ratio() >= NEAR:
            found.append((shapes[j].name, shapes[i].name))
    return found
