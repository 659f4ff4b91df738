"""Recommendations with their agency actions and the actions' progress updates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select

from crag_desktop.domain.records import (
    ActionUpdate,
    AgencyAction,
    Recommendation,
)
from crag_desktop.domain.vocabulary import (
    MONITORING_GROUP_BY_CODE,
    RECOMMENDATION_SCOPE_BY_CODE,
    RECOMMENDATION_STATUS_BY_CODE,
)
from crag_desktop.storage.repositories.rows import (
    ACTION,
    ACTION_UPDATE,
    RECOMMENDATION,
    Ids,
    Rows,
    StoredRow,
    Work,
    grouped,
    main_rows,
)


def recommendation_rows(rows: Rows, recommendation: Recommendation, position: int) -> None:
    owner = recommendation.id
    rows[RECOMMENDATION].append(
        (
            owner,
            position,
            recommendation.review,
            recommendation.number,
            recommendation.text,
            recommendation.scope.value,
            recommendation.lead_agency,
            recommendation.monitoring_group.value,
            recommendation.due,
            recommendation.status.value,
            recommendation.reason_not_implemented,
            recommendation.evidence_of_impact,
            recommendation.completed_on,
            recommendation.completed_by,
            recommendation.verified_on,
            recommendation.verified_by,
            recommendation.impact_evidenced_on,
            recommendation.impact_evidenced_by,
        )
    )
    for i, action in enumerate(recommendation.actions):
        rows[ACTION].append(
            (
                owner,
                action.id,
                i,
                action.owner_agency,
                action.description,
                action.due,
                action.monitoring_group.value,
            )
        )
        rows[ACTION_UPDATE].extend(
            (
                owner,
                action.id,
                j,
                entry.on,
                entry.status.value,
                entry.note,
                entry.by,
                entry.meeting,
            )
            for j, entry in enumerate(action.updates)
        )


def load_recommendations(
    session: Work, ids: Ids | None = None, *, review: str | None = None, every_part: bool = True
) -> list[Recommendation]:
    """The recommendations (all, those `ids` names, or one review's), in the order added.
    `every_part=False` leaves out their agencies' actions and the actions' updates, which no
    report figure counts (a year's thousands of recommendations have twice as many actions
    and four times as many updates)."""
    extra = [] if review is None else [RECOMMENDATION.c.review_id == review]
    main = main_rows(session, RECOMMENDATION, ids, *extra)
    if not main:
        return []
    if not every_part:
        return [_recommendation(row, ()) for row in main]
    owners: Ids | None = ids
    if review is not None:
        owners = [row["id"] for row in main]
    actions = grouped(session, ACTION, "recommendation_id", owners)
    update_query = select(ACTION_UPDATE).order_by(
        ACTION_UPDATE.c.recommendation_id, ACTION_UPDATE.c.action_id, ACTION_UPDATE.c.position
    )
    if owners is not None:
        update_query = update_query.where(ACTION_UPDATE.c.recommendation_id.in_(owners))
    updates: dict[tuple[str, str], list[ActionUpdate]] = defaultdict(list)
    for u in session.execute(update_query).mappings().all():
        updates[(u["recommendation_id"], u["action_id"])].append(
            ActionUpdate(
                on=u["on"],
                status=RECOMMENDATION_STATUS_BY_CODE[u["status"]],
                note=u["note"],
                by=u["by_member_id"],
                meeting=u["meeting_id"],
            )
        )
    return [
        _recommendation(
            row,
            tuple(
                AgencyAction(
                    id=a["id"],
                    owner_agency=a["owner_agency_id"],
                    description=a["description"],
                    due=a["due"],
                    monitoring_group=MONITORING_GROUP_BY_CODE[a["monitoring_group"]],
                    updates=tuple(updates.get((row["id"], a["id"]), [])),
                )
                for a in actions.get(row["id"], [])
            ),
        )
        for row in main
    ]


def _recommendation(row: StoredRow, actions: tuple[AgencyAction, ...]) -> Recommendation:
    return Recommendation(
        id=row["id"],
        review=row["review_id"],
        number=row["number"],
        text=row["text"],
        scope=RECOMMENDATION_SCOPE_BY_CODE[row["scope"]],
        lead_agency=row["lead_agency_id"],
        monitoring_group=MONITORING_GROUP_BY_CODE[row["monitoring_group"]],
        due=row["due"],
        status=RECOMMENDATION_STATUS_BY_CODE[row["status"]],
        reason_not_implemented=row["reason_not_implemented"],
        evidence_of_impact=row["evidence_of_impact"],
        completed_on=row["completed_on"],
        completed_by=row["completed_by"],
        verified_on=row["verified_on"],
        verified_by=row["verified_by"],
        impact_evidenced_on=row["impact_evidenced_on"],
        impact_evidenced_by=row["impact_evidenced_by"],
        actions=actions,
    )


def recommendations_with_ids(session: Work, ids: Sequence[str]) -> list[Recommendation]:
    """The recommendations among `ids` that exist, with their actions and updates."""
    return load_recommendations(session, list(ids)) if ids else []


def list_recommendations(session: Work, *, review: str | None = None) -> list[Recommendation]:
    """Every recommendation (or one review's), in the order added."""
    return load_recommendations(session, review=review)
