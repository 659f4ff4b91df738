"""The dashboard: what needs the secretariat's attention today, and where to find it.

Every figure is counted in SQL (a handful of indexed counts and short, limited queries), so
the dashboard stays quick at 100,000 referrals. Each figure carries the list query that
opens exactly those records, so a click on a figure jumps to the matching list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, TypeVar

from crag_desktop.domain.clock import (
    ClockKind,
    ClockState,
    ClockStatus,
    add_months,
    add_working_days,
    clock_state,
    due_within,
)
from crag_desktop.domain.criteria import first_with_clock
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import ClockPause
from crag_desktop.services.database import Database
from crag_desktop.services.demo_marks import DEMO_AS_OF, DEMO_REASON
from crag_desktop.services.lists import (
    ReferralQuery,
    ReviewQuery,
    referral_conditions,
    review_conditions,
)
from crag_desktop.services.recommendation_list import (
    RecommendationQuery,
    RecommendationSort,
    recommendation_conditions,
)
from crag_desktop.storage import audit
from crag_desktop.storage.queries import dashboard as dashboard_queries
from crag_desktop.storage.queries import keyset
from crag_desktop.storage.queries import lists as list_queries

__all__ = [
    "CLOCK_WINDOW_WORKING_DAYS",
    "LISTED",
    "REVIEW_MARKS",
    "ClockDue",
    "DashboardFigures",
    "DashboardService",
    "Figure",
    "ReviewMark",
]

#: Clocks due within this many working days (or already breached) are shown.
CLOCK_WINDOW_WORKING_DAYS = 10
#: Most records a figure names; the count is always exact.
LISTED = 50
#: The review timeframes the dashboard watches, in months after commissioning: the serious
#: case review's completion aim (Working Together 2015) and the seed's 12- and 18-month
#: sign-off marks.
REVIEW_MARKS = (6, 12, 18)

Q = TypeVar("Q")


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure(Generic[Q]):
    """A count, the first records it counts (at most `LISTED`), and the query that lists them."""

    count: int
    ids: tuple[str, ...]
    query: Q


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockDue:
    """A statutory clock on a referral that is due soon or breached."""

    referral_id: str
    reference: str
    case_name: str
    state: ClockState


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewMark:
    """Reviews not yet signed off or published that are past `months` after commissioning."""

    months: int
    figure: Figure[ReviewQuery]


@dataclass(frozen=True, slots=True, kw_only=True)
class DashboardFigures:
    """Everything the dashboard shows for one day."""

    today: date
    pending_decisions: Figure[ReferralQuery]
    #: Serious incident notifications and rapid reviews due soon or late, soonest due first.
    clocks: Figure[ReferralQuery]
    clocks_due: tuple[ClockDue, ...]
    #: One per `REVIEW_MARKS` entry, in that order; each counts the reviews past its mark
    #: but not past the next one.
    review_marks: tuple[ReviewMark, ...]
    overdue_recommendations: Figure[RecommendationQuery]


def _latest_start(today: date, working_days: int, window: int) -> date:
    """The last start day whose clock of `working_days` falls due within `window` working
    days of today: clocks started later are not due yet."""
    # add_working_days is non-decreasing in the start day, so search back from the edge.
    horizon = add_working_days(today, window)
    day = horizon
    while add_working_days(day, working_days) > horizon:
        day -= timedelta(days=1)
    return day


def _latest_commissioned(today: date, months: int) -> date:
    """The last commissioning day whose `months` mark is before today (the mark's own day
    is not yet past it, as with the domain's month clocks)."""
    # add_months is non-decreasing in the start day but clamps month ends (31 August and
    # 29 August + 6 months are both 28 February), so step to the edge a day at a time.
    day = add_months(today, -months)
    while add_months(day, months) >= today:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), months) < today:
        day += timedelta(days=1)
    return day


def _pauses(rows: list[tuple[date, date | None, str]], kind: ClockKind) -> list[ClockPause]:
    return [
        ClockPause(clock=kind.value, paused_on=paused_on, resumed_on=resumed_on, reason=reason)
        for paused_on, resumed_on, reason in rows
    ]


class DashboardService:
    """Computes the dashboard's figures straight from the database."""

    def __init__(self, *, db: Database) -> None:
        self._db = db

    def default_as_of(self, today: date) -> date:
        """The day the dashboard opens as of: today, except on a demo database, which opens
        on 1 April 2017 so its clocks and marks read as they did then."""
        with self._db.reading() as connection:
            first = audit.list_events(connection, record_type=RecordType.REFERRAL, limit=1)
        return DEMO_AS_OF if first and first[0].reason == DEMO_REASON else today

    def figures(self, today: date) -> DashboardFigures:
        """The dashboard as of `today`."""
        # A Core connection: the dashboard only reads, and is the first screen at start.
        with self._db.reading() as connection:
            pending = self._pending_decisions(connection)
            clocks_due, clock_count = self._clocks(connection, today)
            # Each tile lists its own band: past 6 months but not yet 12, past 12 but not
            # yet 18, past 18; a review shows on one tile, never on three at once.
            bands = zip(REVIEW_MARKS, (*REVIEW_MARKS[1:], None), strict=True)
            marks = tuple(self._review_mark(connection, today, m, n) for m, n in bands)
            overdue = self._overdue_recommendations(connection, today)
        clock_ids = tuple(dict.fromkeys(c.referral_id for c in clocks_due))
        return DashboardFigures(
            today=today,
            pending_decisions=pending,
            clocks=Figure(count=clock_count, ids=clock_ids, query=ReferralQuery(ids=clock_ids)),
            clocks_due=clocks_due,
            review_marks=marks,
            overdue_recommendations=overdue,
        )

    @staticmethod
    def _pending_decisions(session: keyset.Reader) -> Figure[ReferralQuery]:
        query = ReferralQuery(pending_decision=True)
        # Counted: the statement counts every referral awaiting a decision.
        conditions = referral_conditions(query, counted=True)
        count, ids = dashboard_queries.counted_first_ids(
            session, RecordType.REFERRAL, conditions, LISTED
        )
        return Figure(count=count, ids=tuple(ids), query=query)

    def _clocks(self, session: keyset.Reader, today: date) -> tuple[tuple[ClockDue, ...], int]:
        found: list[ClockDue] = []
        count = 0
        for kind, conditions, start in (
            (
                ClockKind.SERIOUS_INCIDENT_NOTIFICATION,
                dashboard_queries.notification_clock_conditions(
                    learned_on_or_before=_latest_start(today, 5, CLOCK_WINDOW_WORKING_DAYS)
                ),
                "learned_on",
            ),
            (
                ClockKind.RAPID_REVIEW,
                dashboard_queries.rapid_review_clock_conditions(
                    notified_on_or_before=_latest_start(today, 15, CLOCK_WINDOW_WORKING_DAYS),
                    era_from=first_with_clock(ClockKind.RAPID_REVIEW).effective_from,
                ),
                "notified_on",
            ),
        ):
            kind_count, kind_found = self._clock(session, today, kind, conditions, start)
            count += kind_count
            found.extend(kind_found)
        found.sort(key=lambda c: (c.state.due_on, c.reference, c.state.kind.value))
        return tuple(found[:LISTED]), count

    @staticmethod
    def _clock(
        session: keyset.Reader,
        today: date,
        kind: ClockKind,
        conditions: Sequence[keyset.Condition],
        start: str,
    ) -> tuple[int, list[ClockDue]]:
        # Without pauses the SQL bound is exact: every candidate is due soon or breached.
        # Pauses (rare) can move a due date out of the window or hold the clock, so those few
        # referrals are worked out one by one with the domain's clock. When no referral has
        # a pause of this clock (the usual case), the paused half is not asked for at all:
        # at 100,000 referrals each half is a range scan of tens of thousands of rows.
        any_paused = dashboard_queries.has_clock_pauses(session, kind.value)
        paused = dashboard_queries.has_clock_pause(kind.value)
        plain = [*conditions, ~paused] if any_paused else list(conditions)
        count = list_queries.referral_count(session, plain)
        rows = list(dashboard_queries.clock_rows(session, plain, start=start, limit=LISTED))
        held_rows = (
            dashboard_queries.clock_rows(session, [*conditions, paused], start=start, limit=None)
            if any_paused
            else []
        )
        pauses = dashboard_queries.clock_pauses(session, [row.id for row in held_rows], kind.value)
        found = [
            ClockDue(
                referral_id=row.id,
                reference=row.reference,
                case_name=row.case_name,
                state=clock_state(kind, row.start, today=today),
            )
            for row in rows
        ]
        for row in held_rows:
            state = clock_state(kind, row.start, pauses=_pauses(pauses[row.id], kind), today=today)
            if state.status is ClockStatus.BREACHED or due_within(
                state, today, CLOCK_WINDOW_WORKING_DAYS
            ):
                count += 1
                found.append(
                    ClockDue(
                        referral_id=row.id,
                        reference=row.reference,
                        case_name=row.case_name,
                        state=state,
                    )
                )
        return count, found

    @staticmethod
    def _review_mark(
        session: keyset.Reader, today: date, months: int, next_mark: int | None
    ) -> ReviewMark:
        query = ReviewQuery(
            unfinished=True,
            commissioned_on_or_before=_latest_commissioned(today, months),
            commissioned_on_or_after=(
                None
                if next_mark is None
                else _latest_commissioned(today, next_mark) + timedelta(days=1)
            ),
        )
        conditions = review_conditions(query)
        # Few unfinished reviews pass each mark: one statement for the count and the ids.
        count, ids = dashboard_queries.counted_first_ids(
            session, RecordType.REVIEW, conditions, LISTED
        )
        return ReviewMark(months=months, figure=Figure(count=count, ids=tuple(ids), query=query))

    @staticmethod
    def _overdue_recommendations(
        session: keyset.Reader, today: date
    ) -> Figure[RecommendationQuery]:
        query = RecommendationQuery(overdue_on=today, sort=RecommendationSort.DUE)
        count = list_queries.recommendation_count(
            session, recommendation_conditions(query, counted=True)
        )
        ids = dashboard_queries.first_ids(
            session, RecordType.RECOMMENDATION, recommendation_conditions(query), LISTED
        )
        return Figure(count=count, ids=tuple(ids), query=query)
