"""Scenarios for conditions and rules, and fallbacks that guarantee a negative and an edge case."""

from __future__ import annotations

import re

from autodevhub.stories.engine.rules import nlp, verbs
from autodevhub.stories.engine.rules.clauses import Condition, Rule
from autodevhub.stories.engine.rules.writer import NEGATIVE, Writer, script
from autodevhub.stories.engine.spec import Scenario


def as_outcome(text: str) -> str:
    """An outcome clause as a Then: 'show a generic message' -> 'a generic message is shown'."""
    text = re.sub(r"^then\s+", "", text.strip(), flags=re.I)
    head, _, rest = text.partition(" ")
    if verbs.first_verb(head) and rest and rest.split()[0].lower() not in ("is", "are", "will", "can"):
        return f"{rest} {nlp.be(rest)} {nlp.participle(head)}"
    text = nlp.shift_to_first_person(text)
    if text.startswith("I "):
        return text
    return nlp.lower_first(verbs.assertive(text, nlp.is_plural(" ".join(nlp.words(text)[:3]))))


def _event(clause: str) -> str:
    """'3 wrong codes' -> 'there have been 3 wrong codes'; clauses with a verb stay as they are."""
    if re.match(r"^\d", clause) and not re.search(r"\b(is|are|has|have|was|were)\b", clause):
        return f"there {'has' if clause.startswith('1 ') else 'have'} been {clause}"
    return nlp.shift_to_first_person(clause)


def condition_scenario(writer: Writer, condition: Condition) -> Scenario:
    clause, outcome = _event(condition.clause), as_outcome(condition.outcome)
    if condition.keyword == "unless":
        clause = negate_clause(clause)
    if writer.a.trigger:
        steps = script(("Given", writer.action()), ("When", clause), ("Then", outcome))
    elif condition.state:
        steps = script(("Given", clause), ("When", writer.action()), ("Then", outcome))
    else:
        steps = script(("Given", writer.given()), ("When", clause), ("Then", outcome))
    kind = "negative" if NEGATIVE.search(f"{clause} {outcome}") else "edge"
    return Scenario(writer.name(f"{condition.keyword} {condition.clause}"), steps, kind)


def rule_scenario(writer: Writer, rule: Rule) -> Scenario | None:
    """A negative scenario for 'X cannot be Y', 'X must be rejected', 'X is required', 'X must do Y'."""
    a, subject = writer.a, rule.subject
    me = writer.is_me(nlp.words(subject)[-1] if nlp.words(subject) else "")
    words = rule.predicate.split()
    if rule.kind == "forbid" and words and words[0].lower() == "be" and len(words) > 1:
        base = nlp.base_of_participle(words[1])
        target = (
            nlp.with_article(nlp.noun(subject)) if len(nlp.words(subject)) <= 2 else nlp.lower_first(subject)
        )
        when = f"I try to {base} {target} {' '.join(words[2:])}".strip()
        steps = script(("Given", writer.given()), ("When", when), ("Then", writer.told(rule.sentence)))
    elif rule.kind == "forbid":
        predicate = nlp.shift_to_first_person(rule.predicate)
        when = (
            f"I try to {predicate}"
            if me
            else f"I try to {a.goal} with {nlp.with_article(nlp.noun(subject))} that "
            f"{verbs.third_person(predicate)}"
        )
        steps = script(
            ("Given", writer.given()),
            ("When", when),
            ("Then", writer.outcome(True)),
            ("Then", writer.told(rule.sentence)),
        )
    elif rule.kind == "reject":
        thing = _singular_phrase(subject)
        predicate = re.sub(r"\bthem\b", "it", rule.predicate)
        steps = script(
            ("Given", f"there is {nlp.with_article(thing)}"),
            ("When", writer.action()),
            ("Then", f"the {thing} is {predicate}"),
        )
    elif rule.kind == "required":
        steps = script(
            ("Given", f"the {nlp.noun(subject)} is missing"),
            ("When", writer.action()),
            ("Then", writer.outcome(True)),
            ("Then", writer.told(rule.sentence)),
        )
    else:
        who = "I" if me else f"the {nlp.noun(subject)}"
        given = f"{who} {verbs.negate(nlp.shift_to_first_person(rule.predicate), who == 'I')}"
        steps = script(
            ("Given", given),
            ("When", writer.action()),
            ("Then", writer.outcome(True)),
            ("Then", writer.told(rule.sentence)),
        )
    return Scenario(writer.name(rule.sentence), steps, "negative")


def _singular_phrase(subject: str) -> str:
    """'comments that contain banned words' -> 'comment that contains banned words'."""
    head = nlp.head(subject)
    rest = subject[len(head) :].strip()
    relative = re.match(r"^(that|which|who)\s+(\w+)(.*)$", rest)
    if relative and nlp.is_plural(head):
        rest = f"{relative.group(1)} {verbs.third_person(relative.group(2))}{relative.group(3)}"
    return f"{nlp.noun(head)} {rest}".strip()


def negate_clause(clause: str) -> str:
    """'I exceed 100 requests' -> 'I do not exceed 100 requests'; 'it is assigned' -> 'it is not assigned'."""
    if clause.startswith("I "):
        return f"I {verbs.negate(clause[2:], True)}"
    replaced = re.sub(r"\b(is|are|can|will|has been|have been)\b", r"\1 not", clause, count=1)
    if replaced != clause:
        return replaced
    found = nlp.words(clause)
    for word in found[1:]:
        if word.endswith("s") and verbs.is_verb(word):
            return clause.replace(word, f"does not {nlp.lemma(word)}", 1)
    return f"it is not the case that {clause}"


def _negative(writer: Writer) -> Scenario:
    a, obj = writer.a, writer.obj
    if a.trigger:
        steps = script(("When", negate_clause(a.trigger)), ("Then", writer.outcome(True)))
        return Scenario(writer.name(f"Nothing happens unless {a.trigger}"), steps, "negative")
    if writer.kind == "retrieve":
        when, told_text = (
            f"I try to {a.verb} {obj} with an invalid filter",
            "I am told that the filter is invalid",
        )
    elif writer.kind in ("remove", "change"):
        when = f"I try to {a.verb} {nlp.with_article(obj)} that does not exist"
        told_text = f"I am told that the {obj} was not found"
    else:
        what = "" if writer.nominal else nlp.with_article(obj) + " "
        when = f"I try to {a.verb} {what}without the required details"
        told_text = "I am told which details are missing"
    steps = script(
        ("Given", writer.given()), ("When", when), ("Then", writer.outcome(True)), ("Then", told_text)
    )
    return Scenario(writer.name(when.removeprefix("I try to ")), steps, "negative")


def _edge(writer: Writer) -> Scenario:
    a, obj = writer.a, writer.obj
    if writer.kind == "retrieve":
        steps = script(
            ("When", f"I {writer.goal} and nothing matches"),
            ("Then", f"I see a message that no {obj} were found"),
        )
        return Scenario(writer.name(f"No matching {obj}"), steps, "edge")
    if writer.kind == "remove":
        steps = script(
            ("Given", f"the {obj} {writer.be} already {writer.done}"),
            ("When", writer.action()),
            ("Then", "nothing changes"),
            ("Then", f"I am told that the {obj} {writer.be} already {writer.done}"),
        )
        return Scenario(writer.name(f"The {obj} {writer.be} already {writer.done}"), steps, "edge")
    steps = script(
        ("Given", writer.given()),
        ("When", f"{writer.action()} twice in a row"),
        ("Then", f"the {obj} {writer.be} {writer.done} only once"),
    )
    return Scenario(
        writer.name(f"{verbs.gerund(a.verb)} {'' if writer.nominal else obj} twice"), steps, "edge"
    )


def fallbacks(writer: Writer, scenarios: list[Scenario]) -> list[Scenario]:
    """A negative scenario and an edge case when the description's own rules gave none."""
    kinds = {s.kind for s in scenarios}
    found = [] if "negative" in kinds else [_negative(writer)]
    if "edge" not in kinds and not (writer.a.system or writer.a.trigger or writer.a.result):
        found.append(_edge(writer))
    return found
