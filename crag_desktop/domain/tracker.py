"""The recommendations tracker's derived status: what the dates and the updates say.

The secretariat sets a status; the app also derives one, from the due date and the latest
progress update of each action, and shows both side by side so a stale "On track" is seen.
One function, used by the list, the form and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import ActionUpdate, Recommendation
from crag_desktop.domain.vocabulary import RecommendationStatus
from crag_desktop.domain.wording import short_date

__all__ = [
    "CLOSURE_STEPS",
    "ClosureStep",
    "HasClosureSteps",
    "closure_problems",
    "closure_summary",
    "derived_status",
    "keep_update_history",
    "latest_update",
    "latest_update_statuses",
    "recommendation_code",
    "recommendation_derived",
]


def recommendation_code(review_title: str, number: int) -> str:
    """A recommendation's code as the tracker prints it: review title and number, "Baby L R3"."""
    return f"{review_title} R{number}"


def latest_update(updates: Iterable[ActionUpdate]) -> ActionUpdate | None:
    """The most recent update by date; of two on one day, the one added last."""
    latest: ActionUpdate | None = None
    for update in updates:
        if latest is None or update.on >= latest.on:
            latest = update
    return latest


def latest_update_statuses(recommendation: Recommendation) -> list[RecommendationStatus]:
    """The status of each action's latest update (actions without updates give none)."""
    found = (latest_update(action.updates) for action in recommendation.actions)
    return [update.status for update in found if update is not None]


def derived_status(
    status: RecommendationStatus,
    due: date | None,
    as_of: date,
    latest_updates: Iterable[RecommendationStatus] = (),
) -> RecommendationStatus:
    """What the dates and the latest updates say.

    A closed recommendation (completed, verified, impact evidenced, not implemented) stays
    as set. Otherwise it is overdue when its due date has passed or an action's latest
    update says overdue; at risk when an action's latest update says at risk; else as set.
    """
    if status.closed:
        return status
    latest = set(latest_updates)
    if (due is not None and due < as_of) or RecommendationStatus.OVERDUE in latest:
        return RecommendationStatus.OVERDUE
    if RecommendationStatus.AT_RISK in latest:
        return RecommendationStatus.AT_RISK
    return status


def recommendation_derived(recommendation: Recommendation, as_of: date) -> RecommendationStatus:
    """`derived_status` of a whole recommendation record."""
    return derived_status(
        recommendation.status,
        recommendation.due,
        as_of,
        latest_update_statuses(recommendation),
    )


@dataclass(frozen=True, slots=True)
class ClosureStep:
    """One step towards closing a recommendation, reached by `status` and its later ones."""

    status: RecommendationStatus
    #: The record's fields are `<field>_on` and `<field>_by`.
    field: str
    #: "completed", "verified", "impact evidenced": as the sentences say it.
    done: str
    #: What a missing date asks for.
    date_needed: str


CLOSURE_STEPS = (
    ClosureStep(
        RecommendationStatus.COMPLETED,
        "completed",
        "completed",
        "give the date it was completed",
    ),
    ClosureStep(
        RecommendationStatus.VERIFIED,
        "verified",
        "verified",
        "give the date its completion was verified",
    ),
    ClosureStep(
        RecommendationStatus.IMPACT_EVIDENCED,
        "impact_evidenced",
        "impact evidenced",
        "give the date its impact was evidenced",
    ),
)


def _steps_reached(status: RecommendationStatus) -> int:
    """How many closure steps `status` claims (verified means completed first, and so on)."""
    for index, step in enumerate(CLOSURE_STEPS):
        if step.status == status:
            return index + 1
    return 0


def closure_problems(record: Recommendation) -> list[FieldError]:
    """What the status needs of the closure steps, for a record being saved.

    Completed, verified and impact evidenced each need their date (and the earlier steps'
    dates); verified needs who verified it. A step recorded beyond the status (a completion
    date on an "On track" recommendation) is a contradiction to resolve, not to keep.
    The reason not implemented and the evidence of impact are `validation`'s rules.
    """
    errors: list[FieldError] = []
    reached = _steps_reached(record.status)
    for index, step in enumerate(CLOSURE_STEPS):
        on: date | None = getattr(record, f"{step.field}_on")
        by: str | None = getattr(record, f"{step.field}_by")
        if index < reached:
            if on is None:
                errors.append(FieldError(f"{step.field}_on", step.date_needed))
            continue
        if on is not None or (by or "").strip():
            when = f" on {short_date(on)}" if on is not None else ""
            errors.append(
                FieldError(
                    f"{step.field}_on",
                    f"it is recorded as {step.done}{when} but its status is "
                    f"“{record.status.label}”: set the status to “{step.status.label}” "
                    "(or a later step), or clear this step's date and who",
                )
            )
    if reached >= 2 and not (record.verified_by or "").strip():
        errors.append(FieldError("verified_by", "name who verified it"))
    return errors


class HasClosureSteps(Protocol):
    """A recommendation, or a list's row of one: what the closure steps recorded."""

    @property
    def completed_on(self) -> date | None: ...
    @property
    def completed_by(self) -> str | None: ...
    @property
    def verified_on(self) -> date | None: ...
    @property
    def verified_by(self) -> str | None: ...
    @property
    def impact_evidenced_on(self) -> date | None: ...
    @property
    def impact_evidenced_by(self) -> str | None: ...


def closure_summary(record: HasClosureSteps) -> str:
    """ "Completed on 27/09/2016 by A. Lead; verified on 01/12/2016 by B. Auditor": the steps
    recorded, in order ("" when none)."""
    parts: list[str] = []
    for step in CLOSURE_STEPS:
        on: date | None = getattr(record, f"{step.field}_on")
        by: str | None = getattr(record, f"{step.field}_by")
        if on is None:
            continue
        who = f" by {by.strip()}" if by and by.strip() else ""
        parts.append(f"{step.done} on {short_date(on)}{who}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def keep_update_history(
    stored: Recommendation, edited: Recommendation
) -> tuple[Recommendation, list[FieldError]]:
    """`edited` with every stored progress update kept: updates are appended, never
    deleted. An edit that left an action's updates out gets them back (new ones follow);
    removing an action that has updates is refused, with the reason."""
    errors: list[FieldError] = []
    edited_actions = {action.id: action for action in edited.actions}
    for number, action in enumerate(stored.actions, start=1):
        if action.updates and action.id not in edited_actions:
            errors.append(
                FieldError(
                    "actions",
                    f"action {number} ({action.description.strip()[:60] or action.id}) has "
                    f"{len(action.updates)} progress update"
                    f"{'' if len(action.updates) == 1 else 's'}, which are never deleted: "
                    "it cannot be removed",
                )
            )
    stored_updates = {action.id: action.updates for action in stored.actions}
    actions = []
    for action in edited.actions:
        kept = stored_updates.get(action.id, ())
        if action.updates[: len(kept)] == kept:
            actions.append(action)
            continue
        added = tuple(u for u in action.updates if u not in kept)
        actions.append(replace(action, updates=(*kept, *added)))
    return replace(edited, actions=tuple(actions)), errors
