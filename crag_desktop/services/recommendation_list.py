"""The recommendations list: filtered, sorted and paged in SQL like the other lists (see
`services.lists`), with each row's derived status worked out from its actions' latest
updates, and the items a meeting goes through.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Row

from crag_desktop.domain.records import ActionUpdate, Agency
from crag_desktop.domain.tracker import derived_status, latest_update, recommendation_derived
from crag_desktop.domain.vocabulary import (
    MonitoringGroup,
    RecommendationScope,
    RecommendationStatus,
)
from crag_desktop.services.database import Database
from crag_desktop.services.lists import DEFAULT_PAGE, SortKey, check_limit, listed_ids
from crag_desktop.storage.queries import lists as list_queries
from crag_desktop.storage.queries import lookups

__all__ = [
    "MEETING_ITEMS_LIMIT",
    "MeetingItem",
    "RecommendationList",
    "RecommendationQuery",
    "RecommendationRow",
    "RecommendationSort",
    "recommendation_conditions",
]


class RecommendationSort(StrEnum):
    """The recommendation tracker's sortable columns."""

    REVIEW = "review"
    NUMBER = "number"
    LEAD_AGENCY = "lead_agency"
    MONITORING_GROUP = "monitoring_group"
    DUE = "due"
    STATUS = "status"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecommendationQuery:
    """What the recommendation tracker shows.

    `overdue_on` keeps the recommendations due before that day whose status is not closed
    (completed, verified, impact evidenced or not implemented).
    """

    text: str = ""
    status: RecommendationStatus | None = None
    monitoring_group: MonitoringGroup | None = None
    lead_agency: str | None = None
    review: str | None = None
    overdue_on: date | None = None
    ids: tuple[str, ...] | None = None
    sort: RecommendationSort = RecommendationSort.REVIEW
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RecommendationRow:
    """One line of the recommendation tracker: the stored status and the derived one."""

    id: str
    review_id: str
    review_title: str
    number: int
    text: str
    scope: RecommendationScope
    lead_agency_name: str
    monitoring_group: MonitoringGroup
    due: date | None
    status: RecommendationStatus
    #: What the dates and the actions' latest updates say (`domain.tracker.derived_status`).
    derived_status: RecommendationStatus
    sort_key: SortKey
    completed_on: date | None = None
    completed_by: str | None = None
    verified_on: date | None = None
    verified_by: str | None = None
    impact_evidenced_on: date | None = None
    impact_evidenced_by: str | None = None


_RECOMMENDATION_SORT_FIELDS: dict[RecommendationSort, tuple[str, ...]] = {
    RecommendationSort.REVIEW: ("review_title", "number"),
    RecommendationSort.NUMBER: ("number",),
    RecommendationSort.LEAD_AGENCY: ("lead_agency_name",),
    RecommendationSort.MONITORING_GROUP: ("monitoring_group",),
    RecommendationSort.DUE: ("due",),
    RecommendationSort.STATUS: ("status",),
}


def recommendation_conditions(query: RecommendationQuery, *, counted: bool = False) -> list[Any]:
    """The SQL conditions of a recommendation query; `counted` for a statement that reads
    every match, not a page in a sort order (see `list_queries.recommendation_conditions`)."""
    return list_queries.recommendation_conditions(
        text=query.text,
        statuses=() if query.status is None else (query.status.value,),
        monitoring_group=None if query.monitoring_group is None else query.monitoring_group.value,
        lead_agency_id=query.lead_agency,
        review_id=query.review,
        overdue_on=query.overdue_on,
        ids=listed_ids(query.ids),
        counted=counted,
    )


def _recommendation_row(
    row: Row[Any], sort: RecommendationSort, as_of: date, latest: Sequence[str]
) -> RecommendationRow:
    values = row._mapping
    status = RecommendationStatus(values["status"])
    fields = _RECOMMENDATION_SORT_FIELDS[sort]
    return RecommendationRow(
        id=values["id"],
        review_id=values["review_id"],
        review_title=values["review_title"],
        number=int(values["number"]),
        text=values["text"],
        scope=RecommendationScope(values["scope"]),
        lead_agency_name=values["lead_agency_name"],
        monitoring_group=MonitoringGroup(values["monitoring_group"]),
        due=values["due"],
        status=status,
        derived_status=derived_status(
            status, values["due"], as_of, (RecommendationStatus(code) for code in latest)
        ),
        sort_key=(*(values[f] for f in fields), values["id"]),
        completed_on=values["completed_on"],
        completed_by=values["completed_by"],
        verified_on=values["verified_on"],
        verified_by=values["verified_by"],
        impact_evidenced_on=values["impact_evidenced_on"],
        impact_evidenced_by=values["impact_evidenced_by"],
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingItem:
    """One agency action a meeting may discuss, with its recommendation and latest update."""

    recommendation_id: str
    action_id: str
    #: "Baby L 3, action 1": how the item is named in lists and messages.
    label: str
    recommendation_text: str
    action_description: str
    owner_agency_name: str
    due: date | None
    latest: ActionUpdate | None
    #: The recommendation's derived status (overdue, at risk, ...).
    derived_status: RecommendationStatus


#: How many items a meeting's list offers; the filters narrow a longer tracker.
MEETING_ITEMS_LIMIT = 500


class RecommendationList:
    """The recommendation tracker's data: counts and keyset pages.

    `today` gives the day the derived status is worked out for (injectable for tests).
    """

    def __init__(self, *, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    def count(self, query: RecommendationQuery) -> int:
        """How many recommendations the query shows."""
        with self._db.reading() as connection:
            return list_queries.recommendation_count(
                connection, recommendation_conditions(query, counted=True)
            )

    def page(
        self,
        query: RecommendationQuery,
        *,
        after: SortKey | None = None,
        limit: int = DEFAULT_PAGE,
    ) -> list[RecommendationRow]:
        """Up to `limit` rows following the row whose sort key is `after`."""
        check_limit(limit)
        with self._db.reading() as connection:
            rows = list_queries.recommendation_page(
                connection,
                recommendation_conditions(query),
                sort=query.sort.value,
                descending=query.descending,
                after=after,
                limit=limit,
            )
            latest = lookups.latest_update_statuses(connection, [row.id for row in rows])
        as_of = self._today()
        return [_recommendation_row(row, query.sort, as_of, latest.get(row.id, ())) for row in rows]

    def meeting_items(
        self, query: RecommendationQuery, *, include_closed: bool = False
    ) -> tuple[list[MeetingItem], bool]:
        """The actions a meeting may discuss, by review and number, and whether there were
        more than `MEETING_ITEMS_LIMIT`. The monitoring group is the recommendation's or the
        action's (the Executive group follows recommendations, PAQA single-agency actions);
        closed recommendations are left out unless asked for."""
        group = query.monitoring_group
        conditions = recommendation_conditions(
            dataclasses.replace(query, monitoring_group=None, sort=RecommendationSort.REVIEW)
        )
        if not include_closed:
            conditions += list_queries.recommendation_conditions(
                statuses=[s.value for s in RecommendationStatus if not s.closed]
            )
        # The whole records come through the ORM's repositories, imported when first asked
        # for: the Dashboard (this module's queries) is the first screen at start.
        from crag_desktop.storage import repositories

        items: list[MeetingItem] = []
        as_of = self._today()
        with self._db.unit_of_work() as session:
            rows = list_queries.recommendation_page(
                session,
                conditions,
                sort=RecommendationSort.REVIEW.value,
                descending=False,
                after=None,
                limit=MEETING_ITEMS_LIMIT + 1,
            )
            records = {
                r.id: r
                for r in repositories.recommendations_with_ids(session, [row.id for row in rows])
            }
            agencies = {a.id: a.name for a in repositories.list_all(session, Agency)}
        for row in rows[:MEETING_ITEMS_LIMIT]:
            record = records[row.id]
            derived = recommendation_derived(record, as_of)
            for number, action in enumerate(record.actions, start=1):
                if group is not None and group not in (
                    record.monitoring_group,
                    action.monitoring_group,
                ):
                    continue
                items.append(
                    MeetingItem(
                        recommendation_id=record.id,
                        action_id=action.id,
                        label=f"{row.review_title} {record.number}, action {number}",
                        recommendation_text=record.text,
                        action_description=action.description,
                        owner_agency_name=agencies.get(action.owner_agency, action.owner_agency),
                        due=action.due,
                        latest=latest_update(action.updates),
                        derived_status=derived,
                    )
                )
        return items, len(rows) > MEETING_ITEMS_LIMIT
