"""What the criteria wizard says about the decision in words: before Finish, what will be
saved; after it, what was stored (and where it was printed).

No Qt here (an import-linter contract and a test keep it so): the text is HTML for a label,
built from domain values alone.
"""

from __future__ import annotations

import datetime as dt
import html

from crag_desktop.domain.clock import ClockKind, clock_state
from crag_desktop.domain.criteria import RuleSet
from crag_desktop.domain.decisions import (
    NOTIFIABLE_OUTCOMES,
    RAPID_REVIEW_RULE_SETS,
    review_type_for,
)
from crag_desktop.domain.records import CriteriaDecision, Meeting, Referral, Review
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    ReferralStatus,
    ReviewType,
)
from crag_desktop.domain.wording import long_date


def decision_summary(
    *,
    referral: Referral,
    rs: RuleSet,
    rules_outcome: str,
    outcome: DecidedOutcome,
    alternative: AlternativeReviewType | None,
    differs: bool,
    today: dt.date,
) -> tuple[str, ReviewType | None]:
    """What Finish will save (HTML), and the kind of review the decision calls for (None
    when no review follows)."""
    decided = outcome.label + (f" ({alternative.label.lower()})" if alternative else "")
    lines = [
        f"<b>{html.escape(referral.reference)} · {html.escape(referral.case_name)}</b>",
        f"Rule set: {html.escape(rs.id)} (version {html.escape(rs.version)})",
        f"Outcome under the rules: {html.escape(rs.outcome_label(rules_outcome))}",
        f"Decision: <b>{html.escape(decided)}</b>",
    ]
    if differs:
        lines.append("The decision differs from the rules; the reason is recorded.")
    lines.append("Press Finish to save the decision. Nothing has been saved yet.")
    probe = CriteriaDecision(
        rule_set=rs.id,
        rule_set_version=rs.version,
        answers={},
        rules_outcome=rules_outcome,
        decided_outcome=outcome,
        alternative_review_type=alternative,
        reason_if_different=None,
        rationale="",
        decided_on=today,
        meeting=None,
    )
    return "<br/>".join(lines), review_type_for(probe)


def recorded_text(
    rs: RuleSet,
    referral: Referral,
    decision: CriteriaDecision,
    meeting: Meeting,
    commission: Review | None,
    *,
    today: dt.date,
    printed_to: str | None = None,
) -> str:
    """What Finish stored, in plain words (HTML), for the page shown after saving; once
    the record has been printed (to the file `printed_to`), that is said instead of
    how to print it."""
    decided = decision.decided_outcome.label.lower()
    if decision.alternative_review_type is not None:
        decided += f" ({decision.alternative_review_type.label.lower()})"
    ref = html.escape(referral.reference)
    lines = [
        f"<b>Decision recorded for {ref}: {html.escape(decided)}.</b>",
        f"The referral ({html.escape(referral.case_name)}) is now "
        f"{ReferralStatus.DECIDED.label}, decided on {long_date(decision.decided_on)} "
        f"at the meeting of {long_date(meeting.date)} with {len(decision.attendees)} "
        + ("member" if len(decision.attendees) == 1 else "members")
        + " present"
        + (f" and {len(decision.invited)} invited." if decision.invited else "."),
        f"Under {html.escape(rs.id)} (version {html.escape(rs.version)}) the rules gave: "
        f"{html.escape(rs.outcome_label(decision.rules_outcome).lower())}"
        + ("; the reason for differing is recorded." if decision.reason_if_different else "."),
    ]
    notified = referral.notified_on
    if (
        rs.id in RAPID_REVIEW_RULE_SETS
        and decision.rules_outcome in NOTIFIABLE_OUTCOMES
        and notified is not None
    ):
        clock = clock_state(ClockKind.RAPID_REVIEW, notified, today=today)
        lines.append(
            f"Rapid review clock started from the notification on {long_date(notified)}: "
            f"due by {long_date(clock.due_on)} (15 working days)."
        )
    if commission is not None:
        line = (
            f"Review commissioned: {html.escape(commission.title)} "
            f"({html.escape(commission.type.label.lower())}, lead reviewer "
            f"{html.escape(commission.lead_reviewer)})."
        )
        if commission.type == ReviewType.SCR:
            aim = clock_state(ClockKind.SCR_COMPLETION_AIM, decision.decided_on, today=today)
            line += f" Completion aim: {long_date(aim.due_on)} (6 months)."
        lines.append(line)
    else:
        lines.append("No review was commissioned.")
    if printed_to is None:
        lines.append(
            "Print the decision record (OFFICIAL-SENSITIVE) with <b>Print decision record</b> "
            "(Alt+P), or close the wizard."
        )
    else:
        lines.append(
            f"Decision record printed to <b>{html.escape(printed_to)}</b> "
            "(OFFICIAL-SENSITIVE). Close the wizard, or print another copy with "
            "<b>Print again</b> (Alt+P)."
        )
    return "<br/>".join(lines)
