"""What a criteria decision means, in plain Python: the decision each outcome under the
rules defaults to, when the chair's decision needs a reason, the review it commissions,
which rule sets start the rapid review clock, and the checks a decision passes before it is
recorded (with its meeting and any review commissioned at once).
"""

from __future__ import annotations

import dataclasses

from crag_desktop.domain import validation
from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.criteria import RULE_SETS
from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import CriteriaDecision, Meeting, Referral, Review
from crag_desktop.domain.vocabulary import DecidedOutcome, ReviewType

#: Rule sets whose notifiable outcomes start the 15-working-day rapid review clock, which
#: runs from the serious incident notification.
RAPID_REVIEW_RULE_SETS = frozenset(
    rs.id for rs in RULE_SETS.values() if ClockKind.RAPID_REVIEW in rs.clocks
)
NOTIFIABLE_OUTCOMES = frozenset({"notifiable_lcspr_indicated", "notifiable_lcspr_not_indicated"})


def default_decision(rules_outcome: str) -> DecidedOutcome | None:
    """The decision the wizard offers first for a rules outcome (None when undecided)."""
    compatible = validation.COMPATIBLE_DECISIONS.get(rules_outcome, frozenset())
    for outcome in (
        DecidedOutcome.SCR,
        DecidedOutcome.LCSPR,
        DecidedOutcome.ALTERNATIVE_REVIEW,
        DecidedOutcome.NO_FURTHER_ACTION,
    ):
        if outcome in compatible:
            return outcome
    return None


def decision_differs(rules_outcome: str, decided: DecidedOutcome) -> bool:
    """Whether the chair's decision needs a reason because the rules point elsewhere."""
    return decided not in validation.COMPATIBLE_DECISIONS.get(rules_outcome, frozenset())


def review_type_for(decision: CriteriaDecision) -> ReviewType | None:
    """The kind of review a decision commissions (None for no further action)."""
    match decision.decided_outcome:
        case DecidedOutcome.SCR:
            return ReviewType.SCR
        case DecidedOutcome.LCSPR:
            return ReviewType.LCSPR
        case DecidedOutcome.ALTERNATIVE_REVIEW if decision.alternative_review_type is not None:
            return ReviewType(decision.alternative_review_type.value)
    return None


def meeting_with_referral(
    meeting: Meeting | None,
    old: Meeting | None,
    referral_id: str,
    decision: CriteriaDecision,
) -> Meeting | None:
    """The meeting as it will be saved: considering this referral, and listing everyone
    present at the decision (adding to those already recorded for an existing meeting)."""
    if meeting is None:
        return None
    attendees = list(old.attendees if old is not None else ())
    for member in (*meeting.attendees, *decision.attendees):
        if member not in attendees:
            attendees.append(member)
    considered = list(meeting.referrals_considered)
    if old is not None:
        considered = [
            *old.referrals_considered,
            *(c for c in considered if c not in old.referrals_considered),
        ]
    if referral_id not in considered:
        considered.append(referral_id)
    apologies = tuple(m for m in meeting.apologies if m not in attendees)
    return dataclasses.replace(
        meeting,
        attendees=tuple(attendees),
        referrals_considered=tuple(considered),
        apologies=apologies,
    )


def decision_errors(
    referral: Referral,
    decision: CriteriaDecision,
    meeting: Meeting | None,
    commission: Review | None,
) -> list[FieldError]:
    """Every problem with a decision as it would be recorded: the referral, the meeting
    (held no later than the decision), who was present, the notification date a rapid
    review clock needs, and any review commissioned with it."""
    errors = validation.validate_referral(referral)
    if meeting is not None:
        errors += validation.validate_meeting(meeting, path="meeting")
        if meeting.date > decision.decided_on:
            errors.append(
                FieldError(
                    "decision.decided_on",
                    f"{decision.decided_on.isoformat()} is before the meeting "
                    f"({meeting.date.isoformat()})",
                )
            )
    if not decision.attendees and (meeting is None or not meeting.attendees):
        errors.append(FieldError("decision.attendees", "tick who was present at the decision"))
    if (
        decision.rule_set in RAPID_REVIEW_RULE_SETS
        and decision.rules_outcome in NOTIFIABLE_OUTCOMES
        and referral.notified_on is None
    ):
        errors.append(
            FieldError(
                "notified_on",
                "give the date the Child Safeguarding Practice Review Panel was notified: the "
                "15-working-day rapid review clock starts from it",
            )
        )
    if commission is not None:
        errors += _commission_errors(referral, decision, commission)
    return errors


def _commission_errors(
    referral: Referral, decision: CriteriaDecision, commission: Review
) -> list[FieldError]:
    wanted = review_type_for(decision)
    errors = validation.validate_review(commission, path="commission")
    if wanted is None:
        errors.append(
            FieldError("commission", "no review is commissioned when no further action is decided")
        )
    elif commission.type != wanted:
        errors.append(
            FieldError(
                "commission.type",
                f"the decision commissions a {wanted.label.lower()}, not a "
                f"{commission.type.label.lower()}",
            )
        )
    if commission.referral != referral.id:
        errors.append(FieldError("commission.referral", "must be the referral decided on"))
    if commission.commissioned_on < decision.decided_on:
        errors.append(
            FieldError(
                "commission.commissioned_on",
                f"{commission.commissioned_on.isoformat()} is before the decision "
                f"({decision.decided_on.isoformat()})",
            )
        )
    return errors
