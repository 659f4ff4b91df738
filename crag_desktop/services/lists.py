"""The record lists: filtered, sorted and paged in SQL, one page at a time.

A list screen asks `count(query)` for its scroll bar and then `page(query, after=...)` for
the rows it shows, passing the last row's `sort_key` to get the next page. Keyset paging
costs the same at row 99,500 as at row 1 (design/performance.md), and no call ever loads a
whole table. Query values are frozen so that a screen (or the dashboard) can hold one and
ask again after a change.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import Row

from crag_desktop.domain.vocabulary import (
    DecidedOutcome,
    IncidentType,
    Methodology,
    ReferralStatus,
    ReviewStatus,
    ReviewType,
)
from crag_desktop.services.database import Database
from crag_desktop.storage.queries import keyset
from crag_desktop.storage.queries import lists as list_queries

__all__ = [
    "DEFAULT_PAGE",
    "FINISHED_REVIEW_STATUSES",
    "MeetingList",
    "MeetingQuery",
    "MeetingRow",
    "ReferralList",
    "ReferralQuery",
    "ReferralRow",
    "ReferralSort",
    "ReviewList",
    "ReviewQuery",
    "ReviewRow",
    "ReviewSort",
    "SortKey",
    "check_limit",
    "listed_ids",
    "referral_conditions",
    "review_conditions",
]

#: Rows per page when a screen does not say.
DEFAULT_PAGE = 200

#: A row's position in its list's order: the sort column's value(s), then the record id.
SortKey = tuple[object, ...]

#: Reviews whose work is over: the 6/12/18-month marks no longer apply to them.
FINISHED_REVIEW_STATUSES = (ReviewStatus.SIGNED_OFF, ReviewStatus.PUBLISHED)


def check_limit(limit: int) -> None:
    if limit < 1:
        raise ValueError(f"a page holds at least one row, not {limit}")


def _year_bounds(year: int | None) -> tuple[date | None, date | None]:
    if year is None:
        return None, None
    # Imported when a year is chosen: the annual statistics are not needed to open the
    # lists or the Dashboard (benchmarks: start to painted window).
    from crag_desktop.domain.statistics import reporting_period

    return reporting_period(year)


def listed_ids(ids: tuple[str, ...] | None) -> Sequence[str] | None:
    return None if ids is None else list(ids)


# --- Referrals --------------------------------------------------------------------------------


class ReferralSort(StrEnum):
    """The referral list's sortable columns."""

    REFERENCE = "reference"
    RECEIVED = "received"
    CASE_NAME = "case_name"
    AGENCY = "agency"
    STATUS = "status"
    INCIDENT_TYPE = "incident_type"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferralQuery:
    """What the referral list shows: every filter set here must hold, in the order asked.

    `text` matches the reference, case name or summary, ignoring case. `reporting_year`
    2016 means 1 April 2016 to 31 March 2017. `pending_decision` keeps the referrals that
    have no decision yet and are not closed. `ids` limits the list to the referrals given
    (the dashboard's clock figures use it).
    """

    text: str = ""
    status: ReferralStatus | None = None
    referring_agency: str | None = None
    reporting_year: int | None = None
    incident_type: IncidentType | None = None
    decided_outcome: DecidedOutcome | None = None
    pending_decision: bool = False
    ids: tuple[str, ...] | None = None
    sort: ReferralSort = ReferralSort.RECEIVED
    descending: bool = False


class ReferralRow(NamedTuple):
    """One line of the referral list.

    A named tuple rather than a frozen dataclass: a page makes hundreds at a time, and a
    frozen dataclass's constructor costs five times a tuple's (benchmarks: list pages).
    """

    id: str
    reference: str
    received: date
    case_name: str
    agency_name: str
    incident_type: IncidentType
    status: ReferralStatus
    decided_outcome: DecidedOutcome | None
    children_count: int
    #: Pass as `after` to get the rows that follow this one.
    sort_key: SortKey


#: Where each sort's value sits in a page row (see `list_queries.referral_page`).
_REFERRAL_SORT_COLUMN = {
    ReferralSort.REFERENCE: 1,
    ReferralSort.RECEIVED: 2,
    ReferralSort.CASE_NAME: 3,
    ReferralSort.AGENCY: 4,
    ReferralSort.STATUS: 6,
    ReferralSort.INCIDENT_TYPE: 5,
}

# Enum members by stored code: a dictionary look-up, where calling the enum costs
# microseconds a row.
_INCIDENT_TYPES = {member.value: member for member in IncidentType}
_REFERRAL_STATUSES = {member.value: member for member in ReferralStatus}
_DECIDED_OUTCOMES: dict[str | None, DecidedOutcome | None] = {
    None: None,
    **{member.value: member for member in DecidedOutcome},
}

#: Statements a list keeps for its queries; a screen uses a handful at a time.
_STATEMENT_CACHE = 64


def referral_conditions(query: ReferralQuery, *, counted: bool = False) -> list[Any]:
    """The SQL conditions of a referral query (the dashboard counts with the same ones);
    `counted` for a statement that reads every match, not a page (`is_open_referral`)."""
    received_from, received_to = _year_bounds(query.reporting_year)
    return list_queries.referral_conditions(
        text=query.text,
        statuses=() if query.status is None else (query.status.value,),
        referring_agency_id=query.referring_agency,
        received_from=received_from,
        received_to=received_to,
        incident_type=None if query.incident_type is None else query.incident_type.value,
        decided_outcome=None if query.decided_outcome is None else query.decided_outcome.value,
        pending_decision=query.pending_decision,
        ids=listed_ids(query.ids),
        counted=counted,
    )


def _referral_rows(rows: Iterable[Sequence[Any]], sort: ReferralSort) -> list[ReferralRow]:
    column = _REFERRAL_SORT_COLUMN[sort]
    return [
        ReferralRow(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            _INCIDENT_TYPES[row[5]],
            _REFERRAL_STATUSES[row[6]],
            _DECIDED_OUTCOMES[row[7]],
            row[8],
            (row[column], row[0]),
        )
        for row in rows
    ]


class _Statements:
    """Statements built once per query and reused (a small, bounded cache).

    Building a SQLAlchemy statement and hashing it for the compiled-SQL cache costs more than
    a 200-row page's SQL; a list asks for the same query page after page.
    """

    def __init__(self) -> None:
        self._kept: dict[Hashable, Any] = {}

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        statement = self._kept.get(key)
        if statement is None:
            if len(self._kept) >= _STATEMENT_CACHE:
                self._kept.clear()
            statement = self._kept[key] = build()
        return statement


class ReferralList:
    """The referral list's data: counts and keyset pages, straight from SQL."""

    def __init__(self, *, db: Database) -> None:
        self._db = db
        self._statements = _Statements()

    def count(self, query: ReferralQuery) -> int:
        """How many referrals the query shows."""
        statement = self._statements.get(
            ("count", query),
            lambda: list_queries.referral_count_statement(referral_conditions(query, counted=True)),
        )
        with self._db.reading() as connection:
            return int(connection.execute(statement).scalar_one())

    def page(
        self, query: ReferralQuery, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> list[ReferralRow]:
        """Up to `limit` rows following the row whose sort key is `after` (from the start
        when None), in the query's order."""
        check_limit(limit)
        if query.sort is ReferralSort.AGENCY:
            with self._db.reading() as connection:
                rows = list_queries.referral_page(
                    connection,
                    referral_conditions(query),
                    sort=query.sort.value,
                    descending=query.descending,
                    after=after,
                    limit=limit,
                )
            return _referral_rows(rows, query.sort)
        shape = keyset.keyset_shape(after)
        statement = self._statements.get(
            ("page", query, shape, limit),
            lambda: list_queries.referral_page_statement(
                referral_conditions(query),
                sort=query.sort.value,
                descending=query.descending,
                shape=shape,
                limit=limit,
            ),
        )
        with self._db.reading() as connection:
            rows = connection.execute(statement, keyset.keyset_parameters(after)).all()
        return _referral_rows(rows, query.sort)


# --- Reviews ----------------------------------------------------------------------------------


class ReviewSort(StrEnum):
    """The review list's sortable columns."""

    TITLE = "title"
    COMMISSIONED_ON = "commissioned_on"
    STATUS = "status"
    TYPE = "type"
    METHODOLOGY = "methodology"
    LEAD_REVIEWER = "lead_reviewer"
    SIGNED_OFF_ON = "signed_off_on"
    PUBLISHED_ON = "published_on"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewQuery:
    """What the review list shows.

    `commissioned_year` is a reporting year (1 April to 31 March). `unfinished` keeps the
    reviews not yet signed off or published; with `commissioned_on_or_before` it gives the
    dashboard's "past the 6-, 12- or 18-month mark" lists, and `commissioned_on_or_after`
    bounds each to its band (past 6 months but not yet 12, and so on).
    """

    text: str = ""
    status: ReviewStatus | None = None
    type: ReviewType | None = None
    methodology: Methodology | None = None
    commissioned_year: int | None = None
    unfinished: bool = False
    commissioned_on_or_before: date | None = None
    commissioned_on_or_after: date | None = None
    ids: tuple[str, ...] | None = None
    sort: ReviewSort = ReviewSort.COMMISSIONED_ON
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewRow:
    """One line of the review list."""

    id: str
    title: str
    type: ReviewType
    methodology: Methodology
    status: ReviewStatus
    lead_reviewer: str
    commissioned_on: date
    signed_off_on: date | None
    published_on: date | None
    referral_id: str | None
    sort_key: SortKey


def _review_statuses(query: ReviewQuery) -> tuple[str, ...] | None:
    """The statuses a review query keeps (None: any)."""
    if query.status is None and not query.unfinished:
        return None
    chosen = list(ReviewStatus) if query.status is None else [query.status]
    if query.unfinished:
        chosen = [s for s in chosen if s not in FINISHED_REVIEW_STATUSES]
    return tuple(s.value for s in chosen)


def review_conditions(query: ReviewQuery) -> list[Any]:
    """The SQL conditions of a review query."""
    commissioned_from, commissioned_to = _year_bounds(query.commissioned_year)
    if query.commissioned_on_or_before is not None:
        commissioned_to = (
            query.commissioned_on_or_before
            if commissioned_to is None
            else min(commissioned_to, query.commissioned_on_or_before)
        )
    if query.commissioned_on_or_after is not None:
        commissioned_from = (
            query.commissioned_on_or_after
            if commissioned_from is None
            else max(commissioned_from, query.commissioned_on_or_after)
        )
    return list_queries.review_conditions(
        text=query.text,
        statuses=_review_statuses(query),
        type_=None if query.type is None else query.type.value,
        methodology=None if query.methodology is None else query.methodology.value,
        commissioned_from=commissioned_from,
        commissioned_to=commissioned_to,
        ids=listed_ids(query.ids),
    )


def _review_row(row: Row[Any], sort: ReviewSort) -> ReviewRow:
    values = row._mapping
    return ReviewRow(
        id=values["id"],
        title=values["title"],
        type=ReviewType(values["type"]),
        methodology=Methodology(values["methodology"]),
        status=ReviewStatus(values["status"]),
        lead_reviewer=values["lead_reviewer"],
        commissioned_on=values["commissioned_on"],
        signed_off_on=values["signed_off_on"],
        published_on=values["published_on"],
        referral_id=values["referral_id"],
        sort_key=(values[sort.value], values["id"]),
    )


class ReviewList:
    """The review list's data: counts and keyset pages."""

    def __init__(self, *, db: Database) -> None:
        self._db = db

    def count(self, query: ReviewQuery) -> int:
        """How many reviews the query shows."""
        with self._db.reading() as connection:
            return list_queries.review_count(connection, review_conditions(query))

    def page(
        self, query: ReviewQuery, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> list[ReviewRow]:
        """Up to `limit` rows following the row whose sort key is `after`."""
        check_limit(limit)
        with self._db.reading() as connection:
            rows = list_queries.review_page(
                connection,
                review_conditions(query),
                sort=query.sort.value,
                descending=query.descending,
                after=after,
                limit=limit,
            )
        return [_review_row(row, query.sort) for row in rows]


# --- Meetings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingQuery:
    """What the meeting list shows, by date (newest first unless `descending` is False)."""

    text: str = ""
    reporting_year: int | None = None
    descending: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingRow:
    """One line of the meeting list."""

    id: str
    date: date
    quorate: bool | None
    attendee_count: int
    referral_count: int
    sort_key: SortKey


class MeetingList:
    """The meeting list's data: counts and keyset pages by date."""

    def __init__(self, *, db: Database) -> None:
        self._db = db

    @staticmethod
    def _conditions(query: MeetingQuery) -> list[Any]:
        date_from, date_to = _year_bounds(query.reporting_year)
        return list_queries.meeting_conditions(
            text=query.text, date_from=date_from, date_to=date_to
        )

    def count(self, query: MeetingQuery) -> int:
        """How many meetings the query shows."""
        with self._db.reading() as connection:
            return list_queries.meeting_count(connection, self._conditions(query))

    def page(
        self, query: MeetingQuery, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> list[MeetingRow]:
        """Up to `limit` meetings following the one whose sort key is `after`."""
        check_limit(limit)
        with self._db.reading() as connection:
            rows = list_queries.meeting_page(
                connection,
                self._conditions(query),
                descending=query.descending,
                after=after,
                limit=limit,
            )
        return [
            MeetingRow(
                id=row.id,
                date=row.date,
                quorate=row.quorate,
                attendee_count=int(row.attendee_count),
                referral_count=int(row.referral_count),
                sort_key=(row.date, row.id),
            )
            for row in rows
        ]
