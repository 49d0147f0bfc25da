"""Step and scenario wording for the rule engine, in the description's own terms."""

from __future__ import annotations

import re

from autodevhub.stories.engine.rules import nlp, verbs
from autodevhub.stories.engine.rules.analysis import Analysis
from autodevhub.stories.engine.rules.bounds import Bound, range_phrase, typical
from autodevhub.stories.engine.rules.clauses import ValueList
from autodevhub.stories.engine.spec import Examples, Scenario, Step

NEGATIVE = re.compile(
    r"\b(not|no|never|cannot|invalid|reject\w*|refus\w*|denied|error|fail\w*|wrong|expired|unknown|unsupported|"
    r"locked|blocked|missing|without|exceed\w*|too many|declined|flagged|skipped|banned|duplicate)\b",
    re.IGNORECASE,
)
PRONOUNS = {"they", "he", "she", "i", "we", "you", "users", "people"}
PLURALS = {"criterion": "criteria", "status": "statuses", "currency": "currencies", "day": "days"}


def script(*pairs: tuple[str, str]) -> list[Step]:
    """Steps from (keyword, text) pairs, skipping empty texts; a repeated keyword becomes 'And'."""
    steps, previous = [], ""
    for keyword, text in pairs:
        if text:
            steps.append(Step("And" if keyword == previous else keyword, text))
            previous = keyword
    return steps


def plural(label: str) -> str:
    return PLURALS.get(label, label + "s")


class Writer:
    """Builds the scenarios for one analysed description."""

    def __init__(self, analysis: Analysis) -> None:
        self.a = analysis
        self.obj = analysis.object_bare
        self.nominal = self.obj == analysis.verb.replace(" ", "-")
        self.be = "are" if analysis.plural else "is"
        self.done = "completed" if self.nominal else nlp.participle(analysis.verb)
        self.kind = verbs.verb_class(analysis.verb)
        self.names: set[str] = set()
        self.goal = self.goal_with()

    def goal_with(self, values: ValueList | None = None, bound: Bound | None = None, text: str = "") -> str:
        """The goal with its lists and ranges resolved: one given list or range shows `text`, others a
        typical value ('export monthly reports as CSV')."""
        goal = self.a.goal
        for found in self.a.lists:
            if found.in_goal:
                value = (
                    text
                    if found is values
                    else self.action_item(found.items[0])
                    if found.actions
                    else found.items[0]
                )
                between = f"between {found.span}"
                goal = (
                    goal.replace(between, f"to {value}")
                    if between in goal
                    else goal.replace(found.span, value)
                )
        for found in self.a.bounds:
            if found.kind == "range" and found.span in goal:
                goal = goal.replace(
                    found.span, range_phrase(found, text if found is bound else typical(found))
                )
        return goal

    def scenario(
        self, name: str, kind: str, *pairs: tuple[str, str], examples: Examples | None = None
    ) -> Scenario:
        """A scenario with a unique name and steps from (keyword, text) pairs."""
        return Scenario(self.name(name), script(*pairs), kind, examples)

    def is_me(self, subject: str) -> bool:
        """True when a subject is the actor ('they', 'patients' for a patient)."""
        lower = subject.lower()
        return lower in PRONOUNS or nlp.singular(lower) == self.a.actor.lower()

    def told(self, sentence: str) -> str:
        """A rule as the user is told it, with a leading pronoun replaced by the actor."""
        first, _, rest = sentence.partition(" ")
        if first.lower() in ("they", "he", "she"):
            actor = self.a.actor
            sentence = f"{nlp.capitalize(actor if nlp.is_plural(actor) else actor + 's')} {rest}"
        return f"I am told that {nlp.lower_first(sentence)}"

    def name(self, text: str) -> str:
        """A scenario name, unique within the feature."""
        name = nlp.capitalize(" ".join(text.split()))
        unique, number = name, 2
        while unique.lower() in self.names:
            unique, number = f"{name} ({number})", number + 1
        self.names.add(unique.lower())
        return unique

    def action(self) -> str:
        """The main When step: the description's trigger if any, else the goal in the first person."""
        if self.a.trigger:
            return nlp.lower_first(self.a.trigger)
        if self.a.system:
            return f"the {self.a.system} is asked to {self.a.goal}"
        return f"I {self.goal}"

    def outcome(self, negative: bool = False, rest: str = "") -> str:
        """The Then step for the main action, by the kind of verb."""
        a, obj = self.a, self.obj
        if a.result and not rest:
            return f"I cannot {self.goal}" if negative else a.result
        if a.system:
            done = verbs.third_person(a.goal)
            return f"the {a.system} {verbs.negate(done, False) if negative else done}"
        if self.kind == "receive":
            return f"I do not {a.goal}" if negative else f"I {a.goal}"
        if self.kind == "retrieve":
            return (
                f"I see no {obj}"
                if negative
                else f"I see only {obj} {rest}"
                if rest
                else f"I see the matching {obj}"
            )
        if self.kind == "change" and rest.startswith("to "):
            return f"the {obj} {self.be} {rest[3:]}"
        return f"the {obj} {self.be} {'not ' if negative else ''}{self.done} {rest}".strip()

    def given(self) -> str:
        """The happy path's own precondition, grounded in the object of the goal."""
        a, obj = self.a, self.obj
        if a.system or a.trigger or a.result or self.nominal:
            return ""
        if self.kind == "retrieve":
            return f"several {obj if a.plural else plural(obj)} exist"
        if self.kind == "change":
            return f"I can see the current {obj}"
        if self.kind == "remove":
            return f"I have {nlp.with_article(obj)}"
        return f"I have {nlp.with_article(obj)} to {a.verb}"

    def background(self) -> list[Step]:
        """Who the actor is (and where), shared by every scenario."""
        a = self.a
        if "client" in a.actor or "api" in a.actor.lower():
            first = f"I am an authenticated {a.actor}"
        elif a.auth and re.search(r"\b(register|sign up|create an account)\b", a.text, re.I):
            first = "I do not have an account yet"
        elif a.auth:
            first = f"I have {nlp.with_article(a.actor)} account"
        else:
            first = f"I am signed in as {nlp.with_article(a.actor)}"
        where = f"I am at {a.location}" if a.location == "checkout" else f"I am on the {a.location}"
        return script(("Given", first), ("Given", where if a.location else ""))

    def happy(self) -> Scenario:
        a = self.a
        benefit = re.sub(r"^(it|they)\b", f"the {self.obj}", a.benefit) if a.benefit else ""
        outcomes = [verbs.assertive(o, nlp.is_plural(o.split(" ")[0])) for o in a.outcomes[:3]]
        steps = script(
            ("Given", self.given()),
            ("When", self.action()),
            ("Then", self.outcome()),
            *(("Then", nlp.lower_first(o)) for o in [benefit, *outcomes] if o),
        )
        rest = nlp.words(self.goal.split(",")[0])[len(a.verb.split()) :][:6]
        while rest and rest[-1].lower() in nlp.STOPWORDS:
            rest.pop()
        return Scenario(self.name(" ".join([verbs.gerund(a.verb), *rest])), steps, "happy")

    def name_phrase(self) -> str:
        """Verb and object ('export monthly reports'), or the goal's first words for 'check in online'."""
        if not self.nominal:
            return f"{self.a.verb} {self.a.object}"
        words = nlp.words(self.goal)[: len(self.a.verb.split()) + 1]
        return " ".join(words)

    def action_item(self, item: str) -> str:
        """'approve' -> 'approve the comment'; 'mark a comment as spam' stays."""
        return item if len(item.split()) > 1 else f"{item} the {self.obj}"

    def _result(self, item: str) -> str:
        head, _, rest = item.partition(" ")
        rest = (
            re.sub(rf"^(?:a|an|the)?\s*{re.escape(self.obj)}\s*", "", rest, flags=re.I) if self.obj else rest
        )
        return f"{nlp.participle(head)} {rest}".strip()

    def value_list(self, values: ValueList) -> list[Scenario]:
        """A Scenario Outline over the listed values, and a refused value outside the list."""
        label, placeholder = values.label, f"<{values.label}>"
        if values.actions:
            rows = [[self.action_item(item), self._result(item)] for item in values.items]
            steps = script(
                ("Given", self.given()),
                ("When", f"I {placeholder}"),
                ("Then", f"the {self.obj} {self.be} <result>"),
            )
            name = self.name(f"Each {label} on the {self.obj}")
            return [Scenario(name, steps, "edge", Examples([label, "result"], rows))]
        if values.in_goal:
            goal = self.goal_with(values, text=placeholder)
            rest = goal.split(self.obj, 1)[1].strip() if self.obj and self.obj in goal else ""
            if self.kind == "retrieve":
                named = label in ("criterion", "option")
                rest = f"matching the chosen {placeholder}" if named else f"with {label} {placeholder}"
            when, then = f"I {goal}", self.outcome(rest=rest)
            outside = f"I {self.goal_with(values, text=values.outside)}"
        else:
            when, then = (
                f'I {self.goal} with {label} "{placeholder}"',
                self.outcome(rest=f'with {label} "{placeholder}"'),
            )
            outside = f'I {self.goal} with {label} "{values.outside}"'
        steps = script(("Given", self.given()), ("When", when), ("Then", then))
        name = f"{verbs.gerund(self.a.verb)} {self.obj} with each {label}"
        found = [
            Scenario(self.name(name), steps, "edge", Examples([label], [[item] for item in values.items]))
        ]
        if values.restrictive or self.kind in ("retrieve", "change"):
            steps = script(
                ("Given", self.given()),
                ("When", outside),
                ("Then", self.outcome(negative=True)),
                ("Then", f"I am told which {plural(label)} are supported"),
            )
            found.append(Scenario(self.name(f"An unsupported {label} is refused"), steps, "negative"))
        return found
