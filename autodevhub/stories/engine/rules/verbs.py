"""Verbs of product descriptions: what kind of action each is and its inflections."""

from __future__ import annotations

import re

from autodevhub.stories.engine.rules.nlp import lemma, words, wordset

RETRIEVE = wordset(
    """search filter find view see list browse sort check track compare read display show review monitor
    inspect query look"""
)
RECEIVE = frozenset({"receive", "get"})
CHANGE = wordset(
    """switch change set select choose update edit rename configure customize toggle reorder move assign
    adjust"""
)
REMOVE = wordset(
    """delete remove cancel archive close deactivate disable unsubscribe revoke decline withdraw hide"""
)
CREATE = wordset(
    """create add book schedule register submit upload post write record import invite order place reserve
    enroll subscribe comment publish save open request apply pay transfer send share export download print
    grade scan approve reject leave rate tag attach generate log enter sign back restore refund redeem claim
    vote follow join message notify buy purchase sell mark accept confirm verify pick drop fill top opt start
    stop use allow let enable"""
)
STRESSED_LAST = wordset(
    "reset submit commit admit permit forget begin refer prefer occur transfer upset regret omit equip"
)
KNOWN_VERBS = RETRIEVE | RECEIVE | CHANGE | REMOVE | CREATE
PHRASAL = re.compile(
    r"^(check|sign|log|back|set|look|opt|top|pick|drop|fill|roll)\s+(in|out|up|off|on|back)\b"
)


def verb_class(verb: str) -> str:
    """retrieve, receive, change, remove or create, from the verb's first word."""
    if " " in verb:
        return "create"  # phrasal verbs: 'check in', 'sign up'
    head = verb
    for name, group in (("retrieve", RETRIEVE), ("receive", RECEIVE), ("change", CHANGE), ("remove", REMOVE)):
        if head in group:
            return name
    return "create"


def is_verb(word: str) -> bool:
    return lemma(word) in KNOWN_VERBS or word.lower() in KNOWN_VERBS


def split_verb(phrase: str) -> tuple[str, str]:
    """('check in', 'online before departure') from 'check in online before departure'."""
    match = PHRASAL.match(phrase.lower())
    if match:
        return match.group(0), phrase[match.end() :].strip()
    match = re.match(r"\s*([\w'-]+)", phrase)
    if not match:
        return "", phrase
    return lemma(match.group(1)), phrase[match.end() :].strip()


def gerund(verb: str) -> str:
    """'export' -> 'exporting', 'schedule' -> 'scheduling', 'scan' -> 'scanning', 'log in' -> 'logging in'."""
    head, _, rest = verb.partition(" ")
    if head.endswith("ie"):
        done = head[:-2] + "ying"
    elif head.endswith("e") and not head.endswith(("ee", "ye", "oe")):
        done = head[:-1] + "ing"
    elif head in STRESSED_LAST or (re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdgmnprt]", head) and len(head) <= 4):
        done = head + head[-1] + "ing"
    else:
        done = head + "ing"
    return f"{done} {rest}".strip()


def third_person(phrase: str) -> str:
    """'exceed the balance' -> 'exceeds the balance'; the first word is taken as the verb."""
    head, _, rest = phrase.partition(" ")
    lower = head.lower()
    if lower in {"be", "is", "are"}:
        done = "is"
    elif lower == "have":
        done = "has"
    elif lower.endswith(("s", "sh", "ch", "x", "z", "o")):
        done = head + "es"
    elif lower.endswith("y") and len(lower) > 2 and lower[-2] not in "aeiou":
        done = head[:-1] + "ies"
    else:
        done = head + "s"
    return f"{done} {rest}".strip()


def negate(predicate: str, plural: bool) -> str:
    """'require a confirmation' -> 'does not require a confirmation'; 'is hidden' -> 'is not hidden'."""
    head, _, rest = predicate.partition(" ")
    if head.lower() in {"is", "are", "can", "must", "will", "should", "may", "was", "were"}:
        return f"{head} not {rest}".strip()
    return f"{'do' if plural else 'does'} not {lemma(head)} {rest}".strip()


def assertive(text: str, plural: bool) -> str:
    """Modal statements as observed facts: 'the choice should be remembered' -> 'the choice is remembered'."""
    be = "are" if plural else "is"
    text = re.sub(r"\b(?:should|must|will|shall|has to|have to|needs to|need to) be\b", be, text, flags=re.I)
    return re.sub(
        r"\b(?:should|must|will|shall) (\w+)",
        lambda m: m.group(1) if plural else third_person(m.group(1)),
        text,
        flags=re.IGNORECASE,
    )


def first_verb(text: str) -> str | None:
    """The first word of the text when it is a known verb (an imperative or a goal)."""
    found = words(text)
    return found[0].lower() if found and found[0].lower() in KNOWN_VERBS else None
