"""What the criteria wizard knows apart from its widgets: the referral decided on, the
rule set, the answers and evidence (keyed by question, because one question page is reused
for the n-th question of whichever rule set is chosen), what the referral settles, which
page comes next, and the part of the draft these make up.

No Qt here (an import-linter contract and a test keep it so): the pages show this state
and the wizard saves it, but every decision about it can be read and tested without a
window.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from crag_desktop.domain.criteria import (
    EARLIEST_RULE_SET,
    INSUFFICIENT_INFORMATION,
    RULE_SETS,
    Evaluation,
    RuleSet,
    evaluate,
    rule_set,
    settled_by_referral,
)
from crag_desktop.domain.records import Answer, Referral
from crag_desktop.domain.vocabulary import DecidedOutcome, IncidentType
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.records import RecordService

#: Draft values are JSON: dates travel as ISO text.
Snapshot = dict[str, object]

NOT_YET_KNOWN = "Not yet known"
#: The most answers a question offers, "Not yet known" included (number keys 1-4).
MAX_CHOICES = 4
#: The most questions any rule set asks: one page is made for each.
MAX_QUESTIONS = max(len(rs.questions) for rs in RULE_SETS.values())
NOT_IN_FORCE = "not in force for this date"
FROM_REFERRAL = "from the referral's incident type"
NOT_ASKED = "not asked: the outcome did not depend on it"

#: What a referral's incident type already answers. Preselected, never forced: the chair
#: changes them when the meeting knows better (a "death" may turn out to be serious harm).
#: A death comes before the suicide, so each answer is consistent with those already set.
INCIDENT_ANSWERS: dict[IncidentType, tuple[tuple[str, Answer], ...]] = {
    IncidentType.DEATH: (("child_died", True),),
    IncidentType.SUSPECTED_SUICIDE: (("child_died", True), ("suspected_suicide", True)),
    IncidentType.SERIOUS_HARM: (("seriously_harmed", True),),
}


class PageId(enum.IntEnum):
    """The wizard's pages. Question pages are FIRST_QUESTION + n for the n-th question."""

    REFERRAL = 0
    RULE_SET = 1
    RESULT = 2
    DECISION = 3
    FINISH = 4
    FIRST_QUESTION = 100

    @staticmethod
    def question(index: int) -> int:
        """The page id of the question at `index` (0-based)."""
        return int(PageId.FIRST_QUESTION) + index


DRAFT_PREFIX = "wizard:"
#: Drafts of a wizard begun on a new referral: no referral id exists yet to key them by.
NEW_DRAFT_PREFIX = "wizard:new-"
DRAFT_FORMAT = 1


def text_value(value: object) -> str:
    """A draft's text value ("" for anything that is not text)."""
    return value if isinstance(value, str) else ""


def decisions_offered(rule_set_id: str) -> tuple[DecidedOutcome, ...]:
    """The decisions the chair chooses from under a rule set: its statutory review (a
    serious case review before 2018, a local review after), another kind, or none."""
    statutory = rule_set(rule_set_id).statutory_review
    return (statutory, DecidedOutcome.ALTERNATIVE_REVIEW, DecidedOutcome.NO_FURTHER_ACTION)


@dataclass
class WizardState:
    """What the pages share: the services, the referral decided on and the answers."""

    decisions: DecisionService
    records: RecordService
    today: Callable[[], dt.date]
    #: The existing referral chosen (None while a new one is being entered).
    referral: Referral | None = None
    #: The referral being entered on the first page, rebuilt whenever it is left.
    new_referral: Referral | None = None
    rule_set_id: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    #: Keys the chair has answered on their page, "Not yet known" included. Every other
    #: key is "not yet known" or preselected from the referral, and may be replaced.
    answered: set[str] = field(default_factory=set)
    #: Keys whose answer was preselected from the referral's incident type, untouched since.
    from_referral: set[str] = field(default_factory=set)
    #: Keys the referral settles (a living child's death questions): shown, never asked.
    settled: set[str] = field(default_factory=set)
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def current_referral(self) -> Referral | None:
        """The referral decided on: the one chosen, or the new one entered."""
        return self.referral if self.referral is not None else self.new_referral

    def rule_set(self) -> RuleSet:
        """The rule set chosen (its current version)."""
        return rule_set(self.rule_set_id or EARLIEST_RULE_SET.id)

    def answers_for(self, rs: RuleSet) -> dict[str, Answer]:
        """Every question of `rs` with its answer (None when not yet known)."""
        return {key: self.answers.get(key) for key in rs.keys}

    def evaluation(self) -> Evaluation:
        """The rules' outcome for the answers so far."""
        rs = self.rule_set()
        return evaluate(rs.id, self.answers_for(rs), version=rs.version)

    def consistent(self, key: str, value: Answer) -> str | None:
        """Why answering `key` with `value` contradicts other answers (None when it fits)."""
        rs = self.rule_set()
        trial = self.answers_for(rs)
        trial[key] = value
        for imp in rs.implications:
            if trial.get(imp.when) is True and trial.get(imp.then) is False:
                other = imp.then if imp.when == key else imp.when
                # In the secretariat's words, not the evaluator's key names.
                return (
                    f"the answer to “{rs.question(other).label}” rules it out ({imp.explanation})"
                )
        try:
            evaluate(rs.id, trial, version=rs.version)
        except ValueError:
            return "it contradicts an earlier answer"
        return None

    def definite(self) -> bool:
        """Whether the answers so far already decide the outcome (nothing left can change it)."""
        return self.evaluation().outcome != INSUFFICIENT_INFORMATION

    def prefill_from_referral(self) -> None:
        """Preselect what the referral's incident type already says, for the rule set chosen.

        Answers the chair gave are never replaced; those preselected for an earlier referral
        or rule set are taken back first."""
        for key in self.from_referral - self.answered:
            self.answers.pop(key, None)
        self.from_referral.clear()
        referral = self.current_referral
        if referral is None:
            return
        rs = self.rule_set()
        for key, value in INCIDENT_ANSWERS.get(referral.incident_type, ()):
            if key not in rs.keys or key in self.answered or self.answers.get(key) is not None:
                continue
            if self.consistent(key, value) is None:
                self.answers[key] = value
                self.from_referral.add(key)
        self.apply_settled()

    def apply_settled(self) -> None:
        """Set the answers the referral settles (see `settled_by_referral`), taking back
        those it no longer settles (the chair answered that the child died)."""
        for key in self.settled - self.answered:
            self.answers.pop(key, None)
        self.settled.clear()
        referral = self.current_referral
        if referral is None:
            return
        rs = self.rule_set()
        found = settled_by_referral(rs.id, referral.incident_type.value, self.answers_for(rs))
        for key, value in found.items():
            if key not in self.answered:
                self.answers[key] = value
                self.settled.add(key)

    def next_question(self, after: int) -> int:
        """The page of the first question after index `after` that is still asked (settled
        ones are skipped), or the outcome page."""
        questions = self.rule_set().questions
        for index in range(after + 1, len(questions)):
            if questions[index].key not in self.settled:
                return PageId.question(index)
        return int(PageId.RESULT)

    def question_labels(self, keys: list[str]) -> list[str]:
        """The short labels of questions, for "still needed" lists."""
        rs = self.rule_set()
        return [rs.question(k).label for k in keys]

    def page_after(self, current: int, *, skipping: bool = False) -> int:
        """The page after `current`: questions follow the chosen rule set, skipping those
        the referral settles; `skipping` goes from a question straight to the outcome."""
        if current == PageId.REFERRAL:
            return int(PageId.RULE_SET)
        if current == PageId.RULE_SET:
            return self.next_question(-1)
        if current >= PageId.FIRST_QUESTION:
            if skipping:
                return int(PageId.RESULT)
            return self.next_question(current - PageId.FIRST_QUESTION)
        if current == PageId.RESULT:
            return int(PageId.DECISION)
        if current == PageId.DECISION:
            return int(PageId.FINISH)
        return -1

    def can_skip_from(self, current: int) -> bool:
        """On a question, before the last still asked, with an outcome no remaining answer
        can change."""
        if current < PageId.FIRST_QUESTION:
            return False
        remaining = self.next_question(current - PageId.FIRST_QUESTION) != PageId.RESULT
        return remaining and self.definite()

    def draft(self) -> Snapshot:
        """The answers and evidence, for the autosaved draft."""
        return {
            "answers": dict(self.answers),
            "answered": sorted(self.answered),
            "from_referral": sorted(self.from_referral),
            "evidence": dict(self.evidence),
        }

    def restore_draft(self, payload: Mapping[str, object]) -> None:
        """Put back the answers and evidence of a draft, ignoring values of the wrong kind,
        then settle again what the referral settles."""
        answers = payload.get("answers")
        if isinstance(answers, dict):
            self.answers = {
                str(k): v for k, v in answers.items() if v is None or isinstance(v, str | bool)
            }
        answered = payload.get("answered")
        if isinstance(answered, list):
            self.answered = {str(k) for k in answered}
        from_referral = payload.get("from_referral")
        if isinstance(from_referral, list):
            self.from_referral = {str(k) for k in from_referral}
        evidence = payload.get("evidence")
        if isinstance(evidence, dict):
            self.evidence = {str(k): str(v) for k, v in evidence.items()}
        self.apply_settled()
