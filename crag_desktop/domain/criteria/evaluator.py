"""The evaluator: what a rule set makes of the answers known so far.

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
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from crag_desktop.domain.criteria.model import (
    INSUFFICIENT_INFORMATION,
    Answers,
    Complete,
    Evaluation,
    Known,
    NotificationOwed,
    QuestionKind,
    Rule,
    RuleSet,
    Value,
)
from crag_desktop.domain.criteria.registry import rule_set

if TYPE_CHECKING:
    from crag_desktop.domain.records import CriteriaDecision


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
    # Cached by the version itself, never "the current one", which a new version changes.
    version = rule_set(rule_set_id, version).version
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
