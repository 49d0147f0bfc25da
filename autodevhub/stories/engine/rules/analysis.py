"""Reading a feature description: actor, goal, benefit, action and object, and the rules around them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from autodevhub.stories.engine.rules import nlp, verbs
from autodevhub.stories.engine.rules.bounds import Bound, find_bounds
from autodevhub.stories.engine.rules.clauses import (
    Condition,
    Rule,
    ValueList,
    clauses,
    find_condition,
    find_lists,
    find_rule,
)

AS_A = re.compile(
    r"\bas an?\s+(?P<actor>[^,.;]+?),?\s+I\s+(?:want|need|would like|wish|expect|should be able|can)\s+"
    r"(?:to\s+)?(?P<goal>[^.;]+?)(?:,?\s+(?:so that|in order to|so I can)\s+(?P<benefit>[^.;]+))?"
    r"\s*(?:[.;]|$)",
    re.IGNORECASE,
)
BENEFIT = re.compile(r",?\s+(?:so that|in order to|so I can|so we can)\s+(?P<benefit>[^.;]+)", re.IGNORECASE)
ALLOW = re.compile(r"^(?:allow|let|enable)\s+(?P<actor>(?:[\w-]+\s){0,2}?[\w-]+)\s+to\s+(?P<goal>.+)$", re.I)
SUBJECT = r"^(?:(?:the|a|an|each|every|all|any)\s+)?(?P<actor>(?:[\w-]+\s){0,2}?[\w-]+)\s+"
MODAL = re.compile(
    SUBJECT + r"(?:can|could|should|must|may|will|shall|need to|needs to|want to|wants to|are able to|"
    r"is able to|have to|has to|get to)\s+(?P<goal>.+)$",
    re.IGNORECASE,
)
PRESENT = re.compile(SUBJECT + r"(?P<goal>[a-z]+\s+.+)$", re.IGNORECASE)
TITLE = re.compile(
    r"^\s*(?:#+\s*|feature:\s*)?(?P<title>[A-Za-z][\w'\u2019 /-]{2,60}?)\s*:\s+(?P<rest>\S.*)$", re.S
)
TRIGGER = re.compile(r"^(?P<goal>.+?),?\s+(?:when|whenever|as soon as|if)\s+(?P<trigger>.+)$", re.I)
LOCATION = re.compile(
    r"\b(?:on|from|in|at|via) the ((?:[\w-]+ ){0,2}(?:page|screen|tab|view|dashboard|form|menu|settings|"
    r"section|app))\b|\bat (checkout)\b",
    re.IGNORECASE,
)
AUTH = re.compile(
    r"\b(sign(?:s|ed)? in|log(?:s|ged)? in|login|password|two-factor|2fa|sign(?:s)? up)\b", re.I
)
OBJECT_STOP = nlp.STOPWORDS - {"a", "an", "the", "my", "our", "your", "their", "his", "her", "its"} | {
    "online", "offline", "again", "now", "today", "automatically", "quickly", "easily", "immediately",
    "manually", "securely", "directly", "instantly", "later",
}  # fmt: skip
DETERMINER_PHRASE = re.compile(r"\b(?:a|an|the|my)\s+((?:[\w-]+\s){0,2}[\w-]+)", re.IGNORECASE)


@dataclass
class Analysis:
    """Everything the rule engine reads out of one description."""

    text: str
    title: str = ""
    actor: str = "user"
    system: str = ""
    goal: str = ""
    benefit: str = ""
    trigger: str = ""
    result: str = ""
    verb: str = "use"
    object: str = ""
    location: str = ""
    auth: bool = False
    bounds: list[Bound] = field(default_factory=list)
    lists: list[ValueList] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)

    @property
    def object_bare(self) -> str:
        return nlp.bare(self.object)

    @property
    def plural(self) -> bool:
        return nlp.is_plural(self.object_bare)


def _role_in(text: str, skip: str = "") -> str:
    for word in nlp.words(text):
        if nlp.is_role(word) and word.lower() != skip:
            return nlp.singular(word.lower())
    return ""


def _subject_goal(analysis: Analysis, found: re.Match[str] | None, present: bool) -> bool:
    """Take actor and goal from 'Users can upload a photo' or 'a customer transfers money'."""
    if not found:
        return False
    actor = found.group("actor").lower()
    head, goal = actor.split()[-1], found.group("goal")
    if present and not verbs.is_verb(goal.split()[0]):
        return False
    if head in nlp.SYSTEM_WORDS:
        analysis.system = actor
    elif nlp.is_role(head):
        analysis.actor = nlp.singular(actor)
    else:
        return False
    first, _, rest = goal.partition(" ")
    goal = f"{nlp.lemma(first) if present else first} {rest}".strip()
    analysis.goal = nlp.shift_to_first_person(goal)
    return True


def _narrative(analysis: Analysis, sentences: list[str]) -> str:
    """Fill actor, goal and benefit; returns the sentence the goal came from."""
    match = AS_A.search(". ".join(sentences[:3]) + ".")
    if match:
        analysis.actor = match.group("actor").strip()
        analysis.goal = match.group("goal").strip()
        analysis.benefit = (match.group("benefit") or "").strip()
        return next((s for s in sentences if match.group("goal").strip()[:30] in s), "")
    title_words = nlp.words(analysis.title)
    if (
        verbs.first_verb(analysis.title)
        and len(title_words) > 1
        and (
            title_words[1].lower() in {"a", "an", "the", "my", "your", "our"} or nlp.is_plural(title_words[1])
        )
    ):
        analysis.goal = nlp.lower_first(analysis.title)
        analysis.actor = _role_in(analysis.text) or analysis.actor
        return ""
    for sentence in sentences[:3]:
        for pattern in (ALLOW, MODAL, PRESENT):
            if _subject_goal(analysis, pattern.match(sentence), pattern is PRESENT):
                return sentence
    for sentence in sentences[:2]:
        condition = find_condition(sentence)
        if condition and _subject_goal(analysis, PRESENT.match(condition.clause), True):
            analysis.result = nlp.shift_to_first_person(condition.outcome)
            return sentence
    imperative = sentences[0] if sentences else analysis.title
    analysis.goal = nlp.lower_first(imperative)
    return imperative


def _action(analysis: Analysis) -> None:
    """Split the goal into verb and object: 'export monthly reports as CSV' -> export, monthly reports."""
    verb, rest = verbs.split_verb(analysis.goal)
    analysis.verb = verb
    taken: list[str] = []
    for word in nlp.words(rest)[:6]:
        if word.lower() in OBJECT_STOP or (taken and word[0].isdigit()):
            break
        taken.append(word)
    while taken and taken[-1].lower() in {"a", "an", "the", "my", "our", "your", "their"}:
        taken.pop()
    if (not taken or rest[:1] == ",") and " " not in verb:
        found = DETERMINER_PHRASE.search(analysis.goal) or DETERMINER_PHRASE.search(analysis.title)
        phrase = nlp.words(found.group(1)) if found else []
        stop = next((i for i, w in enumerate(phrase) if w.lower() in nlp.STOPWORDS), len(phrase))
        taken = nlp.words(found.group(0))[:1] + phrase[:stop] if found and stop else []
    analysis.object = " ".join(taken) or analysis.verb.replace(" ", "-")


def analyse(text: str) -> Analysis:
    """Read a normalized description."""
    analysis = Analysis(text=text)
    body = text
    title = TITLE.match(text)
    if title and len(nlp.words(title.group("title"))) <= 6 and "\n" not in title.group("title"):
        analysis.title, body = title.group("title").strip(), title.group("rest")
    sentences = nlp.sentences(body)
    goal_sentence = _narrative(analysis, sentences)
    if not analysis.benefit:
        benefit = BENEFIT.search(analysis.goal) or BENEFIT.search(body)
        analysis.benefit = benefit.group("benefit").strip() if benefit else ""
    analysis.goal = BENEFIT.sub("", analysis.goal).strip().rstrip(".,;")
    trigger = TRIGGER.match(analysis.goal)
    if trigger and len(nlp.words(trigger.group("goal"))) >= 2:
        analysis.goal, analysis.trigger = trigger.group("goal"), trigger.group("trigger")
    if analysis.system or analysis.actor == "user":
        analysis.actor = _role_in(body, skip=analysis.system) or analysis.actor
    _action(analysis)
    location = LOCATION.search(f"{goal_sentence} {analysis.goal}")
    analysis.location = (location.group(1) or location.group(2) or "").lower() if location else ""
    analysis.auth = bool(AUTH.search(text))
    _rules(analysis, sentences, goal_sentence)
    return analysis


def _rules(analysis: Analysis, sentences: list[str], goal_sentence: str) -> None:
    """Bounds, value lists, conditions, rules and plain outcomes, sentence by sentence."""
    seen_bounds: set[tuple[str, ...]] = set()

    def add_bounds(found: list[Bound]) -> bool:
        for bound in found:
            key = tuple(sorted(bound.values))
            if key not in seen_bounds:
                seen_bounds.add(key)
                analysis.bounds.append(bound)
        return bool(found)

    for bound in find_bounds(analysis.goal) + find_bounds(analysis.result):
        bound.sentence = ""  # the rule lives in the goal: scenarios state it in their own words
        add_bounds([bound])
    analysis.lists += find_lists(analysis.goal, in_goal=True)
    for sentence in sentences:
        if sentence == goal_sentence or (analysis.goal and analysis.goal[:40] in sentence):
            continue
        lists = find_lists(sentence)
        analysis.lists += lists
        condition = find_condition(sentence)
        if condition:
            analysis.conditions.append(condition)
            continue
        consumed = bool(lists)
        for subject, clause in clauses(sentence):
            if add_bounds(find_bounds(clause)):
                consumed = True
                continue
            rule = find_rule(clause, subject)
            if rule:
                analysis.rules.append(rule)
                consumed = True
            elif not consumed and len(nlp.words(clause)) >= 3:
                analysis.outcomes.append(clause)
