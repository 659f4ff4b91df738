"""The recommendations tracker's derived status: what the dates and the updates say.

The secretariat sets a status; the app also derives one, from the due date and the latest
progress update of each action, and shows both side by side so a stale "On track" is seen.
One function, used by the list, the form and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import ActionUpdate, Recommendation
from crag_desktop.domain.vocabulary import RecommendationStatus

__all__ = [
    "derived_status",
    "keep_update_history",
    "latest_update",
    "latest_update_statuses",
    "recommendation_derived",
]


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
