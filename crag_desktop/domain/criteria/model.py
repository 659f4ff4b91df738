"""What a criteria rule set is made of: questions, implications, rules, outcomes, and the
facts each rule set carries (its name in words, the review it orders, its clocks), so that
no screen or service needs to know a rule set by its code."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.vocabulary import DecidedOutcome

#: A known answer: a choice code or a yes/no.
Value = str | bool
#: Answers as the wizard and the interchange hold them; None means "not yet known".
Answers = Mapping[str, str | bool | None]

INSUFFICIENT_INFORMATION = "insufficient_information"


class QuestionKind(StrEnum):
    BOOL = "bool"
    CHOICE = "choice"


class NotificationOwed(StrEnum):
    """Whether the local authority owes a serious incident notification for a referral, as
    its criteria answers show. Stored per referral, so the notification clock can be read in
    SQL without reading the answers."""

    OWED = "owed"
    NOT_OWED = "not_owed"
    #: No criteria decision yet, or its answers leave it open: the clock still runs, since
    #: the 5 working days run from when the local authority learned of the incident.
    NOT_YET_KNOWN = "not_yet_known"

    @property
    def label(self) -> str:
        """In words: "Owed", "Not owed", "Not yet known"."""
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Choice:
    """One permitted answer to a choice question: its code and the wording shown."""

    code: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """A question of the wizard: ``label`` is the short name used in lists of what is
    still needed, ``text`` the question asked, ``guidance`` the help shown beside it."""

    key: str
    kind: QuestionKind
    label: str
    text: str
    guidance: str = ""
    choices: tuple[Choice, ...] = ()

    @property
    def values(self) -> tuple[Value, ...]:
        """Every permitted answer, in the order the wizard offers them."""
        if self.kind is QuestionKind.BOOL:
            return (True, False)
        return tuple(c.code for c in self.choices)

    def value_label(self, value: Value) -> str:
        """The wording of an answer ("Yes", "Suspected")."""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        for choice in self.choices:
            if choice.code == value:
                return choice.label
        raise ValueError(f"{self.key}: {value!r} is not one of the permitted answers")


@dataclass(frozen=True, slots=True)
class Implication:
    """``when`` answered yes means ``then`` is yes; so ``then`` answered no means ``when``
    is no. ``explanation`` says why, for the message about contradictory answers."""

    when: str
    then: str
    explanation: str


#: A complete, consistent set of answers: every question of the rule set has a value.
Complete = Mapping[str, Value]
#: Known answers after closing under the implications (unknown ones are None).
Known = Mapping[str, Value | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: when ``applies`` holds for a complete set of answers, the outcome is
    ``outcome``. ``keys`` are the answers the rule reads (data for the wizard and the
    tests); ``explain`` words the rule for the answers known so far."""

    number: int
    summary: str
    outcome: str
    keys: tuple[str, ...]
    applies: Callable[[Complete], bool]
    explain: Callable[[Known], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Outcome:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A versioned rule set. ``rules`` are applied in order to complete answers, first
    match wins; they must between them cover every complete, consistent set of answers."""

    id: str
    version: str
    title: str
    effective_from: date
    statutory_text: tuple[str, ...]
    questions: tuple[Question, ...]
    implications: tuple[Implication, ...]
    rules: tuple[Rule, ...]
    outcomes: tuple[Outcome, ...]
    #: Whether complete answers describe a serious incident the local authority must notify
    #: within 5 working days of learning of it.
    notifiable: Callable[[Complete], bool]
    #: Its name in words, as the secretariat says it: "Working Together 2018".
    name: str
    #: The decision that commissions the statutory review it orders (a serious case review
    #: under 2015, a local child safeguarding practice review since 2018).
    statutory_review: DecidedOutcome
    #: The statutory clocks that run under it.
    clocks: tuple[ClockKind, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        """The answer keys, in question order."""
        return tuple(q.key for q in self.questions)

    def question(self, key: str) -> Question:
        """The question with this key; ValueError naming the key if there is none."""
        for q in self.questions:
            if q.key == key:
                return q
        raise ValueError(f"{key!r} is not a question of {self.id} (version {self.version})")

    def outcome_label(self, code: str) -> str:
        """The wording of an outcome code."""
        for o in self.outcomes:
            if o.code == code:
                return o.label
        raise ValueError(f"{code!r} is not an outcome of {self.id}")


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What the rules make of the answers. ``reasons`` are sentences in the order the rules
    were applied; ``missing`` lists, in question order, the unknown answers the outcome
    still turns on; ``possible_outcomes`` the outcomes the unknown answers could still
    give (one when the outcome is definite)."""

    outcome: str
    reasons: list[str]
    missing: list[str]
    rule_set: str
    version: str
    possible_outcomes: tuple[str, ...]
    #: The number of the rule that decided, or None when the outcome is not yet decided.
    rule: int | None


@dataclass(frozen=True, slots=True)
class RuleSetChoice:
    """The rule set the wizard preselects for a date, why, and the ones the chair may pick."""

    rule_set_id: str
    reason: str
    selectable: tuple[str, ...]
