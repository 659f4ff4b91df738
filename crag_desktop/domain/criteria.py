"""The criteria decision: versioned rule sets and one evaluator that explains itself.

A rule set is data: the statutory wording shown to the chair, the questions, how answers
imply one another, the ordered rules and the outcome labels. A change of guidance adds a
rule set (or a new version of one) instead of editing an old one, so that a decision
recorded under WT2015 version 2015.1 is re-explained under exactly that version.

**Semantics of `evaluate`.** An answer that is absent or ``None`` is not yet known. The
known answers are first closed under the rule set's implications (a suspected suicide is a
death, and so on); answers that contradict an implication raise `ValueError`. A
*completion* is a way of answering every unknown question that respects the implications.
The rules are applied, first match wins, to each completion. The outcome is definite only
when every completion gives the same outcome; otherwise it is ``insufficient_information``.

**Definition of `missing`.** An unknown question ``k`` is missing when there are two
completions that differ *only* in the answer to ``k`` and give different outcomes: the
outcome turns on ``k`` for some answers to the other questions. Answers forced by the
implications are known, never missing. Because the implications only say "this yes
means that yes", any two completions can be joined by changing one answer at a time
without ever breaking an implication, so an undecided outcome always has at least one
missing question. A refinement of a missing question (``suspected_suicide`` when
``child_died`` is unknown) is not listed when answering the broader question settles it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crag_desktop.domain.records import CriteriaDecision

from crag_desktop.domain.wording import long_date

#: A known answer: a choice code or a yes/no.
Value = str | bool
#: Answers as the wizard and the interchange hold them; None means "not yet known".
Answers = Mapping[str, str | bool | None]

INSUFFICIENT_INFORMATION = "insufficient_information"

#: The day Working Together 2018 came into force.
WT2018_IN_FORCE = date(2018, 6, 29)
#: The last day a board could still work under WT2015 while moving to the new arrangements.
WT2015_LAST_SELECTABLE = date(2019, 9, 29)
#: The day Working Together 2023 came into force.
WT2023_IN_FORCE = date(2023, 12, 15)


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


# --- Wording shared by the rule sets -------------------------------------------------------

_KNOWN_OR_SUSPECTED = ("known", "suspected")

_ABUSE_OR_NEGLECT = Question(
    key="abuse_or_neglect",
    kind=QuestionKind.CHOICE,
    label="Whether abuse or neglect is known or suspected",
    text="Is abuse or neglect of the child known or suspected?",
    guidance=(
        "'Suspected' uses the threshold of section 47 of the Children Act 1989, 'reasonable "
        "cause to suspect'. Ask: given what we now know, should this incident have led to a "
        "child protection investigation? If yes, abuse or neglect is suspected."
    ),
    choices=(
        Choice("known", "Known"),
        Choice("suspected", "Suspected"),
        Choice("not_suspected", "Neither known nor suspected"),
    ),
)

_CHILD_DIED = Question(
    key="child_died",
    kind=QuestionKind.BOOL,
    label="Whether the child died",
    text="Has the child died?",
    guidance="This includes a child who died by suspected suicide.",
)

_SERIOUS_HARM_GUIDANCE = (
    "Serious harm includes, but is not limited to, a potentially life-threatening injury, and "
    "serious or likely long-term impairment of the child's physical or mental health or of "
    "their physical, intellectual, emotional, social or behavioural development. The list is "
    "not exhaustive, and a child who has recovered may still have been seriously harmed."
)

_SERIOUSLY_HARMED = Question(
    key="seriously_harmed",
    kind=QuestionKind.BOOL,
    label="Whether the child was seriously harmed",
    text="Has the child been seriously harmed?",
    guidance=_SERIOUS_HARM_GUIDANCE,
)


def _abuse_phrase(known: Known) -> str:
    # Only called by rules that need abuse or neglect known or suspected, so it is set.
    return "known" if known.get("abuse_or_neglect") == "known" else "suspected"


def _join(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


_OTHER_REVIEW = (
    "The Board may still commission another kind of review (a partnership, learning or "
    "single-agency review) or decide that no further action is needed."
)


# --- WT2015: serious case review ----------------------------------------------------------

_DEATH_IN_CUSTODY_PLACES = (
    "in police custody, on remand or after sentencing, in a young offender institution, a "
    "secure training centre or a secure children's home, or while detained under the Mental "
    "Health Act 1983"
)

_WT2015_QUESTIONS = (
    _ABUSE_OR_NEGLECT,
    _CHILD_DIED,
    Question(
        key="suspected_suicide",
        kind=QuestionKind.BOOL,
        label="Whether the child died by suspected suicide",
        text="Did the child die by suspected suicide?",
        guidance="A suspected suicide is a death: answering yes means the child died.",
    ),
    Question(
        key="death_in_custody",
        kind=QuestionKind.BOOL,
        label="Whether the child died in custody",
        text="Did the child die in custody?",
        guidance=(
            f"Only meaningful when the child died: a death {_DEATH_IN_CUSTODY_PLACES}. "
            "Such a death always leads to a serious case review."
        ),
    ),
    _SERIOUSLY_HARMED,
    Question(
        key="harm_life_threatening",
        kind=QuestionKind.BOOL,
        label="Whether the child sustained a potentially life-threatening injury",
        text="Has the child sustained a potentially life-threatening injury?",
        guidance="Yes means the child has been seriously harmed. " + _SERIOUS_HARM_GUIDANCE,
    ),
    Question(
        key="harm_long_term_impairment",
        kind=QuestionKind.BOOL,
        label="Whether the child suffered serious or likely long-term impairment",
        text=(
            "Has the child suffered serious and/or likely long-term impairment of physical or "
            "mental health, or of physical, intellectual, emotional, social or behavioural "
            "development?"
        ),
        guidance="Yes means the child has been seriously harmed. " + _SERIOUS_HARM_GUIDANCE,
    ),
    Question(
        key="interagency_concern",
        kind=QuestionKind.CHOICE,
        label="Whether there is concern about how agencies worked together",
        text=(
            "Is there cause for concern about the way the local authority, Board partners or "
            "other relevant persons worked together to safeguard the child?"
        ),
        guidance=(
            "When the child was seriously harmed, the LSCB must commission a serious case "
            "review unless there is definitive evidence that there are no concerns about "
            "inter-agency working."
        ),
        choices=(
            Choice("concern", "There is cause for concern"),
            Choice("no_definitive_evidence", "No definitive evidence either way"),
            Choice(
                "definitive_evidence_of_no_concern",
                "Definitive evidence that there are no concerns",
            ),
        ),
    ),
)

_WT2015_IMPLICATIONS = (
    Implication("suspected_suicide", "child_died", "a suspected suicide is a death"),
    Implication("death_in_custody", "child_died", "a death in custody is a death"),
    Implication(
        "harm_life_threatening",
        "seriously_harmed",
        "a potentially life-threatening injury is serious harm",
    ),
    Implication(
        "harm_long_term_impairment",
        "seriously_harmed",
        "serious or likely long-term impairment is serious harm",
    ),
)


def _scr_died_phrase(known: Known) -> str:
    return "died by suspected suicide" if known.get("suspected_suicide") is True else "died"


def _concern_phrase(known: Known) -> str:
    if known.get("interagency_concern") == "concern":
        return "there is cause for concern about how agencies worked together"
    return "there is no definitive evidence that there are no concerns about inter-agency working"


def _wt2015_notifiable(c: Complete) -> bool:
    # A serious incident under WT2015 (chapter 4): abuse or neglect known or suspected and the
    # child died or was seriously harmed. A death in custody counts too: a child remanded is
    # looked after, whose death is always notified, and the answers do not say whether the
    # child was; a needless clock costs less than a missed notification.
    return (
        c["abuse_or_neglect"] in _KNOWN_OR_SUSPECTED
        and (c["child_died"] is True or c["seriously_harmed"] is True)
    ) or c["death_in_custody"] is True


def _wt2015_rules() -> tuple[Rule, ...]:
    def harmed(c: Complete) -> bool:
        return c["seriously_harmed"] is True

    def abused(c: Complete) -> bool:
        return c["abuse_or_neglect"] in _KNOWN_OR_SUSPECTED

    return (
        Rule(
            number=1,
            summary="A death in custody always leads to a serious case review.",
            outcome="scr_required",
            keys=("death_in_custody",),
            applies=lambda c: c["death_in_custody"] is True,
            explain=lambda k: (
                f"The child died in custody ({_DEATH_IN_CUSTODY_PLACES}); such a death "
                "always leads to a serious case review.",
            ),
        ),
        Rule(
            number=2,
            summary=(
                "Abuse or neglect neither known nor suspected: the criteria for a serious "
                "case review are not met."
            ),
            outcome="scr_not_required",
            keys=("abuse_or_neglect", "child_died", "death_in_custody"),
            applies=lambda c: (
                c["abuse_or_neglect"] == "not_suspected"
                and (c["death_in_custody"] is False or c["child_died"] is False)
            ),
            explain=lambda k: (
                "Abuse or neglect is neither known nor suspected (the incident should not have "
                "led to a child protection investigation) and the child did not die in "
                "custody, so the criteria for a serious case review are not met.",
                _OTHER_REVIEW,
            ),
        ),
        Rule(
            number=3,
            summary=(
                "The child died and abuse or neglect is known or suspected: a serious case "
                "review must be commissioned."
            ),
            outcome="scr_required",
            keys=("abuse_or_neglect", "child_died", "suspected_suicide"),
            applies=lambda c: (
                abused(c) and (c["child_died"] is True or c["suspected_suicide"] is True)
            ),
            explain=lambda k: (
                f"The child {_scr_died_phrase(k)} and abuse or neglect is {_abuse_phrase(k)}, "
                "so the LSCB must commission a serious case review (LSCB Regulations 2006, "
                "regulation 5(2)(b)(i)).",
            ),
        ),
        Rule(
            number=4,
            summary=(
                "The child was seriously harmed, abuse or neglect is known or suspected and "
                "there is no definitive evidence of no concern about inter-agency working: "
                "a serious case review must be commissioned."
            ),
            outcome="scr_required",
            keys=(
                "abuse_or_neglect",
                "seriously_harmed",
                "harm_life_threatening",
                "harm_long_term_impairment",
                "interagency_concern",
            ),
            applies=lambda c: (
                abused(c)
                and (
                    harmed(c)
                    or c["harm_life_threatening"] is True
                    or c["harm_long_term_impairment"] is True
                )
                and c["interagency_concern"] in ("concern", "no_definitive_evidence")
            ),
            explain=lambda k: (
                f"The child was seriously harmed, abuse or neglect is {_abuse_phrase(k)}, and "
                f"{_concern_phrase(k)}. Unless there is definitive evidence that there are no "
                "concerns about inter-agency working, the LSCB must commission a serious case "
                "review (regulation 5(2)(b)(ii)).",
            ),
        ),
        Rule(
            number=5,
            summary=(
                "The child was seriously harmed, abuse or neglect is known or suspected, but "
                "there is definitive evidence of no concern about inter-agency working: a "
                "serious case review is not required."
            ),
            outcome="scr_not_required",
            keys=(
                "abuse_or_neglect",
                "seriously_harmed",
                "harm_life_threatening",
                "harm_long_term_impairment",
                "interagency_concern",
            ),
            applies=lambda c: (
                abused(c)
                and (
                    harmed(c)
                    or c["harm_life_threatening"] is True
                    or c["harm_long_term_impairment"] is True
                )
                and c["interagency_concern"] == "definitive_evidence_of_no_concern"
            ),
            explain=lambda k: (
                f"The child was seriously harmed and abuse or neglect is {_abuse_phrase(k)}, "
                "but there is definitive evidence that there are no concerns about how "
                "agencies worked together, so a serious case review is not required.",
                _OTHER_REVIEW,
            ),
        ),
        Rule(
            number=6,
            summary=(
                "The child neither died nor was seriously harmed: the criteria for a serious "
                "case review are not met."
            ),
            outcome="scr_not_required",
            keys=("child_died", "seriously_harmed"),
            applies=lambda c: c["child_died"] is False and c["seriously_harmed"] is False,
            explain=lambda k: (
                "The child neither died nor was seriously harmed, so the criteria for a "
                "serious case review are not met.",
                _OTHER_REVIEW,
            ),
        ),
        # Rule 7 of criteria.md ("otherwise, insufficient information") is the evaluator's
        # own: rules 1-6 decide every complete set of answers.
    )


WT2015 = RuleSet(
    id="WT2015",
    version="2015.1",
    title="Serious case review (Working Together 2015; LSCB Regulations 2006, regulation 5)",
    effective_from=date(2015, 3, 26),
    statutory_text=(
        "Working Together to Safeguard Children (2015) and regulation 5 of the Local "
        "Safeguarding Children Boards Regulations 2006 require the LSCB to undertake a "
        "serious case review of every case where abuse or neglect of a child is known or "
        "suspected and either the child has died, or the child has been seriously harmed and "
        "there is cause for concern as to the way in which the local authority, Board "
        "partners or other relevant persons have worked together to safeguard the child.",
        "A child who died by suspected suicide has died. Where the child was seriously "
        "harmed, the LSCB must commission a serious case review unless there is definitive "
        "evidence that there are no concerns about inter-agency working.",
        "Seriously harmed includes, but is not limited to, cases where the child has "
        "sustained, as a result of abuse or neglect, a potentially life-threatening injury, "
        "or serious and/or likely long-term impairment of physical or mental health or of "
        "physical, intellectual, emotional, social or behavioural development. The "
        "definition is not exhaustive, and a child who recovers may still have been "
        "seriously harmed.",
        "The threshold for 'suspected' is that of section 47 of the Children Act 1989, "
        "'reasonable cause to suspect'. The question to ask is: given what we now know, "
        "should this incident have led to a child protection investigation? If yes, and the "
        "child has been seriously harmed, a serious case review should take place.",
        f"The death of a child {_DEATH_IN_CUSTODY_PLACES} always leads to a serious case review.",
        "When the criteria are not met, the LSCB may still commission another kind of review "
        "(a partnership, learning or single-agency review) to learn from the case.",
    ),
    questions=_WT2015_QUESTIONS,
    implications=_WT2015_IMPLICATIONS,
    rules=_wt2015_rules(),
    outcomes=(
        Outcome("scr_required", "A serious case review is required"),
        Outcome("scr_not_required", "A serious case review is not required"),
        Outcome(INSUFFICIENT_INFORMATION, "More information is needed"),
    ),
    notifiable=_wt2015_notifiable,
)


# --- WT2018 and WT2023: notification, rapid review, LCSPR ---------------------------------

_LOOKED_AFTER_CHILD_DIED = Question(
    key="looked_after_child_died",
    kind=QuestionKind.BOOL,
    label="Whether a looked-after child died",
    text="Was the child who died looked after by a local authority?",
    guidance=(
        "The death of a looked-after child is always notified to the Panel, whether or not "
        "abuse or neglect is known or suspected. Yes means the child died."
    ),
)

_CARE_LEAVER_DIED = Question(
    key="care_leaver_died",
    kind=QuestionKind.BOOL,
    label="Whether a care leaver aged 24 or under died",
    text="Is this the death of a care leaver aged up to and including 24?",
    guidance=(
        "Under Working Together 2023 the death of a care leaver up to and including the age "
        "of 24 is always notified to the Panel."
    ),
)

#: The LCSPR considerations: key, short label, the phrase that completes "the case ...".
_CONSIDERATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "improvements_needed",
        "Whether the case highlights improvements needed",
        "Does the case highlight or may it highlight improvements needed to safeguard and "
        "promote the welfare of children, including improvements already identified?",
        "highlights improvements needed to safeguard and promote the welfare of children",
    ),
    (
        "recurrent_themes",
        "Whether the case highlights recurrent themes",
        "Does the case highlight or may it highlight recurrent themes in safeguarding and "
        "promoting the welfare of children?",
        "highlights recurrent themes in safeguarding children",
    ),
    (
        "concerns_two_or_more_agencies",
        "Whether there are concerns about two or more agencies working together",
        "Does the case highlight or may it highlight concerns about two or more organisations "
        "or agencies working together effectively to safeguard the child?",
        "raises concerns about two or more agencies working together",
    ),
    (
        "panel_declined_national_review",
        "Whether the national Panel considered it and declined a national review",
        "Has the Child Safeguarding Practice Review Panel considered the case and concluded "
        "that a local review may be more appropriate?",
        "was considered by the national Panel, which concluded a local review is more appropriate",
    ),
)

_CONSIDERATION_KEYS = tuple(c[0] for c in _CONSIDERATIONS)
_CONSIDERATION_PHRASES = {c[0]: c[3] for c in _CONSIDERATIONS}

_CONSIDERATION_QUESTIONS = tuple(
    Question(
        key=key,
        kind=QuestionKind.BOOL,
        label=label,
        text=text,
        guidance=(
            "An LCSPR is indicated when any of the considerations applies; the rapid review "
            "decides, and records why."
        ),
    )
    for key, label, text, _ in _CONSIDERATIONS
)

_LAC_IMPLIES_DEATH = Implication(
    "looked_after_child_died", "child_died", "a looked-after child who died is a child who died"
)


def _notifiable(c: Complete, care_leavers: bool) -> bool:
    return (
        (
            c["abuse_or_neglect"] in _KNOWN_OR_SUSPECTED
            and (c["child_died"] is True or c["seriously_harmed"] is True)
        )
        or c["looked_after_child_died"] is True
        or (care_leavers and c["care_leaver_died"] is True)
    )


def _notifiable_because(known: Known) -> str:
    # Called only when the incident is notifiable whatever the unknown answers, so one of
    # the limbs is known to hold.
    if known.get("looked_after_child_died") is True:
        return (
            "a looked-after child died, which is notifiable whether or not abuse or neglect "
            "is suspected"
        )
    if known.get("care_leaver_died") is True:
        return "a care leaver aged 24 or under died, which is always notifiable"
    harm = "died" if known.get("child_died") is True else "was seriously harmed"
    return f"abuse or neglect is {_abuse_phrase(known)} and the child {harm}"


def _not_notifiable_because(known: Known, care_leavers: bool) -> str:
    parts: list[str] = []
    if known.get("abuse_or_neglect") == "not_suspected":
        parts.append("abuse or neglect is neither known nor suspected")
    elif known.get("child_died") is False and known.get("seriously_harmed") is False:
        parts.append("the child neither died nor was seriously harmed")
    else:
        parts.append("the incident is not one of abuse or neglect causing death or serious harm")
    parts.append("no looked-after child died")
    if care_leavers:
        parts.append("no care leaver aged 24 or under died")
    return _join(parts)


def _notification_rules(care_leavers: bool) -> tuple[Rule, ...]:
    notifiable_keys = (
        "abuse_or_neglect",
        "child_died",
        "seriously_harmed",
        "looked_after_child_died",
    ) + (("care_leaver_died",) if care_leavers else ())

    def considerations_true(known: Known) -> str:
        return _join([_CONSIDERATION_PHRASES[k] for k in _CONSIDERATION_KEYS if known.get(k)])

    return (
        Rule(
            number=1,
            summary="Not a serious incident to notify to the national Panel.",
            outcome="not_notifiable",
            keys=notifiable_keys,
            applies=lambda c: not _notifiable(c, care_leavers),
            explain=lambda k: (
                "This is not a serious incident to notify to the Child Safeguarding Practice "
                f"Review Panel: {_not_notifiable_because(k, care_leavers)}.",
                _OTHER_REVIEW,
            ),
        ),
        Rule(
            number=2,
            summary=(
                "A notifiable serious incident where at least one LCSPR consideration applies: "
                "an LCSPR is indicated."
            ),
            outcome="notifiable_lcspr_indicated",
            keys=notifiable_keys + _CONSIDERATION_KEYS,
            applies=lambda c: (
                _notifiable(c, care_leavers) and any(c[k] is True for k in _CONSIDERATION_KEYS)
            ),
            explain=lambda k: (
                "This is a serious incident to notify to the Child Safeguarding Practice "
                f"Review Panel within 5 working days: {_notifiable_because(k)}.",
                "A local child safeguarding practice review is indicated because the case "
                f"{considerations_true(k)}.",
            ),
        ),
        Rule(
            number=3,
            summary=(
                "A notifiable serious incident where no LCSPR consideration applies: an LCSPR "
                "is not indicated."
            ),
            outcome="notifiable_lcspr_not_indicated",
            keys=notifiable_keys + _CONSIDERATION_KEYS,
            applies=lambda c: (
                _notifiable(c, care_leavers) and all(c[k] is False for k in _CONSIDERATION_KEYS)
            ),
            explain=lambda k: (
                "This is a serious incident to notify to the Child Safeguarding Practice "
                f"Review Panel within 5 working days: {_notifiable_because(k)}.",
                "A local child safeguarding practice review is not indicated: the case "
                "highlights no improvements needed or recurrent themes, raises no concern "
                "about agencies working together, and the Panel has not asked for a local "
                "review. The rapid review report to the Panel should say so.",
            ),
        ),
    )


_WT2018_COMMON_TEXT = (
    "The local authority must notify the Child Safeguarding Practice Review Panel within five "
    "working days of becoming aware of a serious incident: where it knows or suspects that a "
    "child has been abused or neglected and the child dies or is seriously harmed in its "
    "area, or, while normally resident in its area, dies or is seriously harmed outside "
    "England. The death of a looked-after child is always notified, whether or not abuse or "
    "neglect is known or suspected.",
    "Serious harm includes, though is not limited to, serious and/or long-term impairment of "
    "a child's physical or mental health or of their intellectual, emotional, social or "
    "behavioural development. The list is not exhaustive, and a child who recovers may still "
    "have been seriously harmed. 'Suspected' means 'reasonable cause to suspect' as in "
    "section 47 of the Children Act 1989.",
    "The safeguarding partners carry out a rapid review within 15 working days of the "
    "notification and decide whether a local child safeguarding practice review is "
    "appropriate. They consider whether the case highlights or may highlight improvements "
    "needed to safeguard and promote the welfare of children, including improvements already "
    "identified; whether it highlights recurrent themes; whether it highlights concerns about "
    "two or more organisations or agencies working together effectively; and whether the "
    "national Panel has considered it and concluded that a local review may be more "
    "appropriate.",
    "The final LCSPR report goes to the national Panel and the Secretary of State at least "
    "seven working days before it is published.",
)

WT2018 = RuleSet(
    id="WT2018",
    version="2018.1",
    title=(
        "Serious incident notification, rapid review and local child safeguarding practice "
        "review (Working Together 2018)"
    ),
    effective_from=WT2018_IN_FORCE,
    statutory_text=(
        "Working Together to Safeguard Children (2018) replaced serious case reviews with "
        "local child safeguarding practice reviews (LCSPRs), commissioned by the safeguarding "
        "partners (the local authority, the integrated care board or clinical commissioning "
        "group, and the chief officer of police).",
        *_WT2018_COMMON_TEXT,
    ),
    questions=(
        _ABUSE_OR_NEGLECT,
        _CHILD_DIED,
        _SERIOUSLY_HARMED,
        _LOOKED_AFTER_CHILD_DIED,
        *_CONSIDERATION_QUESTIONS,
    ),
    implications=(_LAC_IMPLIES_DEATH,),
    rules=_notification_rules(care_leavers=False),
    notifiable=lambda c: _notifiable(c, care_leavers=False),
    outcomes=(
        Outcome("notifiable_lcspr_indicated", "Notifiable; an LCSPR is indicated"),
        Outcome("notifiable_lcspr_not_indicated", "Notifiable; an LCSPR is not indicated"),
        Outcome("not_notifiable", "Not a notifiable serious incident"),
        Outcome(INSUFFICIENT_INFORMATION, "More information is needed"),
    ),
)

WT2023 = RuleSet(
    id="WT2023",
    version="2023.1",
    title=(
        "Serious incident notification, rapid review and local child safeguarding practice "
        "review (Working Together 2023)"
    ),
    effective_from=WT2023_IN_FORCE,
    statutory_text=(
        "Working Together to Safeguard Children (2023) keeps the serious incident "
        "notification, rapid review and local child safeguarding practice review of 2018, "
        "and adds the deaths of care leavers.",
        *_WT2018_COMMON_TEXT,
        "The local authority must also notify the Panel of the death of a care leaver up to "
        "and including the age of 24, whether or not abuse or neglect is known or suspected.",
    ),
    questions=(
        _ABUSE_OR_NEGLECT,
        _CHILD_DIED,
        _SERIOUSLY_HARMED,
        _LOOKED_AFTER_CHILD_DIED,
        _CARE_LEAVER_DIED,
        *_CONSIDERATION_QUESTIONS,
    ),
    # A care leaver may be an adult (18 to 24), so their death does not imply child_died.
    implications=(_LAC_IMPLIES_DEATH,),
    rules=_notification_rules(care_leavers=True),
    notifiable=lambda c: _notifiable(c, care_leavers=True),
    outcomes=WT2018.outcomes,
)

#: Every version of every rule set, so old decisions are re-explained under their version.
_ALL_VERSIONS: Mapping[tuple[str, str], RuleSet] = MappingProxyType(
    {(rs.id, rs.version): rs for rs in (WT2015, WT2018, WT2023)}
)

#: The current version of each rule set, by id.
RULE_SETS: Mapping[str, RuleSet] = MappingProxyType(
    {"WT2015": WT2015, "WT2018": WT2018, "WT2023": WT2023}
)


def versions(rule_set_id: str) -> tuple[str, ...]:
    """Every stored version of a rule set, oldest first."""
    found = tuple(v for (i, v) in _ALL_VERSIONS if i == rule_set_id)
    if not found:
        raise ValueError(f"rule_set: there is no rule set {rule_set_id!r}")
    return found


def rule_set(rule_set_id: str, version: str | None = None) -> RuleSet:
    """The rule set with this id: its current version, or the version given (so that a
    decision is re-explained under the version it was recorded with)."""
    if rule_set_id not in RULE_SETS:
        raise ValueError(
            f"rule_set: there is no rule set {rule_set_id!r}; choose one of " + ", ".join(RULE_SETS)
        )
    if version is None:
        return RULE_SETS[rule_set_id]
    try:
        return _ALL_VERSIONS[(rule_set_id, version)]
    except KeyError:
        raise ValueError(
            f"version: {rule_set_id} has no version {version!r}; it has "
            + ", ".join(versions(rule_set_id))
        ) from None


#: How an answer the referral settles for a living child is worded, on screen and on paper.
NOT_APPLICABLE_CHILD_LIVING = "not applicable (child living)"
#: Questions about a death that cannot apply while the child is living.
_DEATH_ONLY_KEYS = ("looked_after_child_died", "care_leaver_died")
#: The incident type (interchange code) of a referral whose child is living.
_LIVING_INCIDENT_TYPES = frozenset({"serious_harm"})


def settled_by_referral(rule_set_id: str, incident_type: str, answers: Answers) -> dict[str, bool]:
    """Answers the referral already settles, so they are not asked: a child seriously
    harmed (and not since answered as having died) is living, so a looked-after child's or
    a care leaver's death does not apply. Each settled answer is False."""
    if incident_type not in _LIVING_INCIDENT_TYPES or answers.get("child_died") is True:
        return {}
    keys = rule_set(rule_set_id).keys
    return {key: False for key in _DEATH_ONLY_KEYS if key in keys}


def choose_rule_set(incident_or_notification_date: date) -> RuleSetChoice:
    """The rule set the wizard preselects for an incident (or notification) date.

    WT2015 before 29 June 2018; WT2018 from 29 June 2018, with WT2015 still selectable up
    to and including 29 September 2019 (the day by which boards had moved over); WT2023
    from 15 December 2023. ``selectable`` lists the preselected rule set first.
    """
    d = incident_or_notification_date
    when = long_date(d)
    if d < WT2018_IN_FORCE:
        return RuleSetChoice(
            "WT2015",
            f"{when} is before Working Together 2018 came into force on "
            f"{long_date(WT2018_IN_FORCE)}, so the WT2015 serious case review criteria apply.",
            ("WT2015",),
        )
    if d <= WT2015_LAST_SELECTABLE:
        return RuleSetChoice(
            "WT2018",
            f"{when} is on or after {long_date(WT2018_IN_FORCE)}, when Working Together 2018 "
            "came into force; boards had until "
            f"{long_date(WT2015_LAST_SELECTABLE)} to move over, so WT2015 may still be chosen.",
            ("WT2018", "WT2015"),
        )
    if d < WT2023_IN_FORCE:
        return RuleSetChoice(
            "WT2018",
            f"{when} is after the move to Working Together 2018 ended on "
            f"{long_date(WT2015_LAST_SELECTABLE)} and before Working Together 2023 came into "
            f"force on {long_date(WT2023_IN_FORCE)}.",
            ("WT2018",),
        )
    return RuleSetChoice(
        "WT2023",
        f"{when} is on or after {long_date(WT2023_IN_FORCE)}, when Working Together 2023 came "
        "into force.",
        ("WT2023",),
    )


# --- The evaluator --------------------------------------------------------------------------


def _validate(rs: RuleSet, answers: Answers) -> dict[str, Value | None]:
    known: dict[str, Value | None] = dict.fromkeys(rs.keys)
    for key, value in answers.items():
        question = rs.question(key)  # raises, naming the key, for a key of another rule set
        if value is None:
            continue
        if question.kind is QuestionKind.BOOL:
            ok = isinstance(value, bool)
        else:
            ok = isinstance(value, str) and not isinstance(value, bool) and value in question.values
        if not ok:
            permitted = ", ".join(repr(v) for v in question.values)
            raise ValueError(f"{key}: {value!r} is not a permitted answer (one of {permitted})")
        known[key] = value
    return known


def _close(rs: RuleSet, known: dict[str, Value | None]) -> None:
    """Add the answers the implications force; ValueError on a contradiction."""
    changed = True
    while changed:
        changed = False
        for imp in rs.implications:
            if known[imp.when] is True and known[imp.then] is not True:
                if known[imp.then] is False:
                    raise ValueError(
                        f"{imp.when}: contradictory answers: {imp.when} is yes but {imp.then} "
                        f"is no, and {imp.explanation}"
                    )
                known[imp.then] = True
                changed = True
            if known[imp.then] is False and known[imp.when] is None:
                known[imp.when] = False
                changed = True


def _consistent(rs: RuleSet, c: Complete) -> bool:
    return all(not (c[i.when] is True and c[i.then] is False) for i in rs.implications)


def _completions(rs: RuleSet, known: Known, unknown: Sequence[str]) -> Iterator[dict[str, Value]]:
    choices = [rs.question(k).values for k in unknown]
    for combo in itertools.product(*choices):
        c = {k: v for k, v in known.items() if v is not None}
        c.update(zip(unknown, combo, strict=True))
        if _consistent(rs, c):
            yield c


def _decide(rs: RuleSet, c: Complete) -> Rule:
    for rule in rs.rules:
        if rule.applies(c):
            return rule
    # A rule set that leaves a complete answer set undecided is a programming error.
    raise AssertionError(f"{rs.id} {rs.version}: no rule decides {dict(c)!r}")


def evaluate(rule_set_id: str, answers: Answers, *, version: str | None = None) -> Evaluation:
    """Apply a rule set to the answers known so far; see the module docstring for the
    semantics of unknown answers and the definition of ``missing``.

    Raises ValueError, naming the key, for a key that is not a question of the rule set, an
    answer that is not permitted, or answers that contradict one another.
    """
    rs = rule_set(rule_set_id, version)
    known = _validate(rs, answers)
    _close(rs, known)
    unknown = [k for k in rs.keys if known[k] is None]
    completions = list(_completions(rs, known, unknown))
    decided = [_decide(rs, c) for c in completions]
    outcomes = {r.outcome for r in decided}
    possible = tuple(o.code for o in rs.outcomes if o.code in outcomes)

    if len(outcomes) == 1:
        (outcome,) = outcomes
        number, reasons = _definite_reasons(rs, known, completions, decided)
        return Evaluation(
            outcome=outcome,
            reasons=reasons,
            missing=[],
            rule_set=rs.id,
            version=rs.version,
            possible_outcomes=possible,
            rule=number,
        )

    missing = _missing(unknown, completions, decided)
    still_needed = "; ".join(rs.question(k).label.lower() for k in missing)
    could_be = " or ".join(f"'{rs.outcome_label(o).lower()}'" for o in possible)
    return Evaluation(
        outcome=INSUFFICIENT_INFORMATION,
        reasons=[
            "The answers so far do not decide the outcome: depending on the answers still to "
            f"come it could be {could_be}.",
            f"Still needed: {still_needed}.",
        ],
        missing=missing,
        rule_set=rs.id,
        version=rs.version,
        possible_outcomes=possible,
        rule=None,
    )


def notification_owed(
    rule_set_id: str, answers: Answers, *, version: str | None = None
) -> NotificationOwed:
    """Whether a serious incident notification is owed, by the criteria answers recorded under
    a rule set: owed, or not owed, only when every way of filling in the unknown answers
    agrees, as with `evaluate`.

    Raises ValueError, naming the key, for answers `evaluate` would refuse.
    """
    items = tuple(sorted(answers.items()))
    if all(v is None or isinstance(v, str | bool) for _, v in items):
        return _notification_owed(rule_set_id, version, items)
    # Not hashable, so not cached; the rules refuse it, naming the key.
    return _notification_owed.__wrapped__(rule_set_id, version, items)


def notification_owed_for(decision: CriteriaDecision | None) -> NotificationOwed:
    """Whether a referral with this criteria decision (None: none yet) owes a serious incident
    notification. Answers the rules cannot read settle nothing (validation reports them): the
    clock keeps running rather than stopping on a guess."""
    if decision is None:
        return NotificationOwed.NOT_YET_KNOWN
    try:
        return notification_owed(
            decision.rule_set, decision.answers, version=decision.rule_set_version
        )
    except ValueError:
        return NotificationOwed.NOT_YET_KNOWN


# An import or a migration asks about thousands of decisions that share a few dozen sets of
# answers: each set is worked out once.
@functools.lru_cache(maxsize=4096)
def _notification_owed(
    rule_set_id: str, version: str | None, answers: tuple[tuple[str, Value | None], ...]
) -> NotificationOwed:
    rs = rule_set(rule_set_id, version)
    known = _validate(rs, dict(answers))
    _close(rs, known)
    unknown = [k for k in rs.keys if known[k] is None]
    seen: set[bool] = set()
    for completion in _completions(rs, known, unknown):
        seen.add(rs.notifiable(completion))
        if len(seen) > 1:
            return NotificationOwed.NOT_YET_KNOWN
    return NotificationOwed.OWED if seen == {True} else NotificationOwed.NOT_OWED


def _definite_reasons(
    rs: RuleSet, known: Known, completions: Sequence[Complete], decided: Sequence[Rule]
) -> tuple[int | None, list[str]]:
    """The number of the rule that decided (None when several did) and the reasons."""
    # The rule that decided is the first whose condition holds whatever the unknown answers;
    # any earlier rule that holds for only some of them gives the same outcome, or the
    # outcome would not be definite.
    for rule in rs.rules:
        if all(rule.applies(c) for c in completions):
            return rule.number, list(rule.explain(known))
    # Different rules decide for different unknown answers, all to the same outcome (for
    # example: the child did not die and there is definitive evidence of no inter-agency
    # concern, whether or not abuse is suspected or the child was harmed).
    fired = [r for r in rs.rules if r in decided]
    label = rs.outcome_label(fired[0].outcome)
    return None, [
        f"Whatever the answers still to come, the outcome is the same ({label.lower()}), "
        "by one of these rules:",
        *(r.summary for r in fired),
    ]


def _missing(
    unknown: Sequence[str], completions: Sequence[Complete], decided: Sequence[Rule]
) -> list[str]:
    result: list[str] = []
    for key in unknown:
        others = [k for k in unknown if k != key]
        seen: dict[tuple[Value, ...], str] = {}
        for c, rule in zip(completions, decided, strict=True):
            rest = tuple(c[k] for k in others)
            if seen.setdefault(rest, rule.outcome) != rule.outcome:
                result.append(key)
                break
    return result
