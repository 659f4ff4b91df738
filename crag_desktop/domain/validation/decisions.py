"""The rules of a criteria decision: its answers against the rule set, the decision the
rules' outcome allows without a reason, the panel loop's dates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import date

from crag_desktop.domain.criteria import RULE_SETS, evaluate
from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import (
    CriteriaDecision,
)
from crag_desktop.domain.validation.fields import (
    NARRATIVE_MAX,
    _date,
    _identifier,
    _ids,
    _narrative,
    _not_before,
    _text,
    _today,
    join,
    key_path,
)
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    PanelResponse,
)

#: Which decisions each rules outcome allows without a reason (see the package docstring).
COMPATIBLE_DECISIONS: Mapping[str, frozenset[DecidedOutcome]] = {
    "scr_required": frozenset({DecidedOutcome.SCR}),
    "notifiable_lcspr_indicated": frozenset({DecidedOutcome.LCSPR}),
    "scr_not_required": frozenset(
        {DecidedOutcome.ALTERNATIVE_REVIEW, DecidedOutcome.NO_FURTHER_ACTION}
    ),
    "notifiable_lcspr_not_indicated": frozenset(
        {DecidedOutcome.ALTERNATIVE_REVIEW, DecidedOutcome.NO_FURTHER_ACTION}
    ),
    "not_notifiable": frozenset(
        {DecidedOutcome.ALTERNATIVE_REVIEW, DecidedOutcome.NO_FURTHER_ACTION}
    ),
    "insufficient_information": frozenset(),
}


def _decision_words(outcome: object) -> str:
    try:
        return DecidedOutcome(str(outcome)).label.lower()
    except ValueError:
        return str(outcome)


def _outcome_words(record: CriteriaDecision) -> str:
    rs = RULE_SETS.get(record.rule_set)
    try:
        return rs.outcome_label(record.rules_outcome).lower() if rs else record.rules_outcome
    except ValueError:
        return record.rules_outcome


def _criteria_errors(decision: CriteriaDecision, path: str) -> list[FieldError]:
    """Check the answers with the rule set's own evaluator (under the version recorded),
    and that the recorded rules outcome is what they give."""
    errors: list[FieldError] = []
    if decision.rule_set not in RULE_SETS:
        known = ", ".join(RULE_SETS)
        errors.append(
            FieldError(join(path, "rule_set"), f"is not a known rule set (one of {known})")
        )
        return errors
    answers = tuple(decision.answers.items())
    try:
        if all(value is None or isinstance(value, str | bool) for _key, value in answers):
            outcome = _rules_outcome(decision.rule_set, decision.rule_set_version, answers)
        else:  # not hashable, so not cached; the rules refuse it, naming the key
            outcome = _rules_outcome.__wrapped__(
                decision.rule_set, decision.rule_set_version, answers
            )
    except ValueError as exc:
        errors.append(_evaluator_error(decision, path, str(exc)))
        return errors
    if outcome != decision.rules_outcome:
        errors.append(
            FieldError(
                join(path, "rules_outcome"),
                f"rules outcome does not match the answers under {decision.rule_set} "
                f"(the answers give {outcome})",
            )
        )
    return errors


# An import checks thousands of decisions that share a few dozen sets of answers (20,000
# for 100,000 referrals, a tenth of checking them): each set is worked out once. Keyed by
# the answers in their given order, as `evaluate` reads them (its message names the first
# key at fault); a refusal is not cached, and raised again each time.
@functools.lru_cache(maxsize=4096)
def _rules_outcome(
    rule_set: str, version: str, answers: tuple[tuple[str, str | bool | None], ...]
) -> str:
    return evaluate(rule_set, dict(answers), version=version).outcome


def _evaluator_error(decision: CriteriaDecision, path: str, message: str) -> FieldError:
    # The evaluator starts its messages with the key at fault ("child_died: ..."), or
    # "version:" for an unknown version; point the error at that field.
    head, sep, rest = message.partition(": ")
    if sep and head == "version":
        return FieldError(join(path, "rule_set_version"), rest)
    if sep and head in decision.answers:
        return FieldError(key_path(join(path, "answers"), head), rest)
    quoted = re.match(r"'([^']*)' ", message)
    if quoted and quoted.group(1) in decision.answers:
        return FieldError(key_path(join(path, "answers"), quoted.group(1)), message)
    return FieldError(join(path, "answers"), message or "the answers are not valid")


def validate_decision(
    record: CriteriaDecision,
    *,
    path: str = "",
    received: date | None = None,
    today: date | None = None,
) -> list[FieldError]:
    """Check a criteria decision: answers and rules outcome agree with the rule set, the
    chair's decision fits the rules outcome or has a reason, the panel loop is in order,
    and it was not decided before the referral was `received` nor in the future."""
    now = _today(today)
    errors: list[FieldError] = []
    _decision_answers(errors, record, path)
    _decision_reason(errors, record, path)
    _decision_alternative(errors, record, path)
    _text(
        errors,
        path,
        "rationale",
        record.rationale,
        max_length=NARRATIVE_MAX,
        single_line=False,
    )
    if _date(errors, path, "decided_on", record.decided_on, today=now):
        _not_before(
            errors,
            path,
            "decided_on",
            record.decided_on,
            earlier=received,
            earlier_name="date received",
        )
    if record.meeting is not None:
        _identifier(errors, path, "meeting", record.meeting)
    _panel_loop(errors, record, join(path, "panel"), now)
    _decision_evidence_and_people(errors, record, path)
    return errors


def _decision_answers(errors: list[FieldError], record: CriteriaDecision, path: str) -> None:
    """The rule set, the answers, and what the rule set makes of them."""
    _identifier(errors, path, "rule_set", record.rule_set)
    for key, answer in record.answers.items():
        _text(errors, path, "answers", key, key=key, identifier=True)
        if isinstance(answer, str):
            _text(errors, path, "answers", answer, key=key, identifier=True)
    # The evaluator is only asked about answers that are well-formed text.
    if not errors:
        errors.extend(_criteria_errors(record, path))
    _identifier(errors, path, "rule_set_version", record.rule_set_version)


def _decision_reason(errors: list[FieldError], record: CriteriaDecision, path: str) -> None:
    """A decision the rules outcome does not lead to needs a reason."""
    outcome = record.decided_outcome
    compatible = COMPATIBLE_DECISIONS.get(record.rules_outcome, frozenset())
    if outcome not in compatible and not (record.reason_if_different or "").strip():
        if record.rules_outcome == "insufficient_information":
            message = (
                "give a reason: the rules could not decide (insufficient information), "
                "so the decision needs a reason"
            )
        else:
            # In the secretariat's words, never the codes ("lcspr") the record stores.
            message = (
                f"give a reason: the decision ({_decision_words(outcome)}) differs from the "
                f"outcome under the rules ({_outcome_words(record)})"
            )
        errors.append(FieldError(join(path, "reason_if_different"), message))
    _narrative(errors, path, "reason_if_different", record.reason_if_different)


def _decision_alternative(errors: list[FieldError], record: CriteriaDecision, path: str) -> None:
    """The kind of review commissioned instead: given exactly when the decision is one."""
    alt_path = join(path, "alternative_review_type")
    if record.decided_outcome == DecidedOutcome.ALTERNATIVE_REVIEW:
        if record.alternative_review_type is None:
            errors.append(FieldError(alt_path, "choose the kind of review commissioned instead"))
        elif record.alternative_review_type not in AlternativeReviewType.codes():
            errors.append(FieldError(alt_path, "is not a kind of review"))
    elif record.alternative_review_type is not None:
        errors.append(
            FieldError(alt_path, "only applies when the decision is another kind of review")
        )


def _panel_loop(
    errors: list[FieldError], record: CriteriaDecision, panel_path: str, now: date
) -> None:
    """Sent to the National Panel after the decision, answered after it was sent."""
    panel = record.panel
    sent_ok = _date(errors, panel_path, "sent_on", panel.sent_on, today=now)
    if sent_ok:
        _not_before(
            errors,
            panel_path,
            "sent_on",
            panel.sent_on,
            earlier=record.decided_on,
            earlier_name="decision date",
        )
    responded_path = join(panel_path, "responded_on")
    if _date(errors, responded_path, "", panel.responded_on, today=now):
        if panel.sent_on is None:
            errors.append(FieldError(responded_path, "give the date sent to the panel first"))
        else:
            _not_before(
                errors,
                responded_path,
                "",
                panel.responded_on,
                earlier=panel.sent_on,
                earlier_name="date sent",
            )
        if panel.response == PanelResponse.PENDING:
            errors.append(FieldError(join(panel_path, "response"), "record the panel's response"))
    if panel.response != PanelResponse.PENDING and panel.responded_on is None:
        errors.append(FieldError(responded_path, "give the date of the panel's response"))
    _narrative(errors, panel_path, "board_reply", panel.board_reply)


def _decision_evidence_and_people(
    errors: list[FieldError], record: CriteriaDecision, path: str
) -> None:
    """The evidence behind each answer, the members present and the people invited."""
    for key, text in record.evidence.items():
        _text(errors, path, "evidence", key, key=key, identifier=True)
        _text(
            errors,
            path,
            "evidence",
            text,
            key=key,
            required=False,
            max_length=NARRATIVE_MAX,
            single_line=False,
        )
    _ids(errors, path, "attendees", record.attendees)
    for index, person in enumerate(record.invited):
        person_path = join(join(path, "invited"), f"[{index}]")
        _text(errors, person_path, "name", person.name)
        _text(errors, person_path, "role", person.role, required=False)
