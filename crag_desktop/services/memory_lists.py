"""The short lists read whole: agencies, members, learning points and learning events.

They number tens, not thousands: their lists are read whole from the record service and
searched and sorted in Python, behind the same count/page interface the SQL lists offer
(`services.lists`), so one list screen and one paged model serve every record type (and no
proxy model is needed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from crag_desktop.domain.records import LearningEvent, LearningPoint
from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.services.lists import DEFAULT_PAGE, SortKey
from crag_desktop.services.records import RecordService

__all__ = [
    "AgencyLines",
    "AgencyQuery",
    "AgencyRow",
    "AgencySort",
    "LearningEventLines",
    "LearningEventQuery",
    "LearningEventRow",
    "LearningEventSort",
    "LearningPointLines",
    "LearningPointQuery",
    "LearningPointRow",
    "LearningPointSort",
    "MemberLines",
    "MemberQuery",
    "MemberRow",
    "MemberSort",
    "MemoryList",
    "all_learning_events",
    "learning_point_usage",
    "matches",
]


class _Row(Protocol):
    @property
    def id(self) -> str:
        """The record id."""
        ...


class _Query(Protocol):
    @property
    def descending(self) -> bool:
        """Whether the order is reversed."""
        ...


Q = TypeVar("Q", bound=_Query)


T = TypeVar("T", bound=_Row)


def matches(text: str, *values: str | None) -> bool:
    """Whether `text` (ignoring case) is in any of `values`; empty text matches everything."""
    needle = text.strip().casefold()
    return not needle or any(needle in (v or "").casefold() for v in values)


class MemoryList(Generic[Q, T]):
    """A list service over records read whole: `count` reads them afresh, `page` pages the
    filtered, sorted result by each row's sort key (the paged model's keyset)."""

    def __init__(
        self,
        *,
        load: Callable[[], Sequence[T]],
        keep: Callable[[T, Q], bool],
        key: Callable[[T, Q], tuple[Any, ...]],
    ) -> None:
        self._load = load
        self._keep = keep
        self._key = key
        self._rows: list[T] | None = None

    def count(self, query: Q) -> int:
        """How many rows the query shows (read afresh: the model counts before paging)."""
        self._rows = list(self._load())
        return sum(1 for row in self._rows if self._keep(row, query))

    def page(self, query: Q, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE) -> list[T]:
        """Up to `limit` rows after the row whose sort key is `after`."""
        if self._rows is None:
            self._rows = list(self._load())
        keyed = sorted(
            (
                ((*self._key(row, query), row.id), row)
                for row in self._rows
                if self._keep(row, query)
            ),
            key=lambda pair: pair[0],
            reverse=query.descending,
        )
        if after is not None:
            if query.descending:
                keyed = [pair for pair in keyed if pair[0] < tuple(after)]
            else:
                keyed = [pair for pair in keyed if pair[0] > tuple(after)]
        return [dataclasses.replace(row, sort_key=k) for k, row in keyed[:limit]]  # type: ignore[type-var]

    def forget(self) -> None:
        """Drop the rows held (the app is locking)."""
        self._rows = None


class AgencySort(StrEnum):
    NAME = "name"
    KIND = "kind"
    MEMBERS = "members"


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencyQuery:
    """Which agencies the list shows: `text` matches the name."""

    text: str = ""
    kind: AgencyKind | None = None
    sort: AgencySort = AgencySort.NAME
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencyRow:
    """One line of the agency list."""

    id: str
    name: str
    kind: AgencyKind
    member_count: int
    sort_key: SortKey = ()


def _agency_rows(records: RecordService) -> list[AgencyRow]:
    counts: dict[str, int] = {}
    for member in records.members():
        counts[member.agency] = counts.get(member.agency, 0) + 1
    return [
        AgencyRow(
            id=agency.id, name=agency.name, kind=agency.kind, member_count=counts.get(agency.id, 0)
        )
        for agency in records.agencies()
    ]


def _agency_key(row: AgencyRow, query: AgencyQuery) -> tuple[Any, ...]:
    if query.sort is AgencySort.KIND:
        return (row.kind.label.casefold(), row.name.casefold())
    if query.sort is AgencySort.MEMBERS:
        return (row.member_count, row.name.casefold())
    return (row.name.casefold(),)


class AgencyLines(MemoryList[AgencyQuery, AgencyRow]):
    """Every agency with its member count, searched and sorted in memory."""

    def __init__(self, *, records: RecordService) -> None:
        super().__init__(
            load=lambda: _agency_rows(records),
            keep=lambda row, q: matches(q.text, row.name) and q.kind in (None, row.kind),
            key=_agency_key,
        )


class MemberSort(StrEnum):
    NAME = "name"
    AGENCY = "agency"
    ROLE = "role"


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberQuery:
    """Which members the list shows: `text` matches name, agency or role."""

    text: str = ""
    agency: str | None = None
    sort: MemberSort = MemberSort.NAME
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberRow:
    """One line of the member list."""

    id: str
    name: str
    agency_id: str
    agency_name: str
    role: str
    sort_key: SortKey = ()


def _member_rows(records: RecordService) -> list[MemberRow]:
    names = {agency.id: agency.name for agency in records.agencies()}
    return [
        MemberRow(
            id=m.id,
            name=m.name,
            agency_id=m.agency,
            agency_name=names.get(m.agency, m.agency),
            role=m.role or "",
        )
        for m in records.members()
    ]


def _member_key(row: MemberRow, query: MemberQuery) -> tuple[Any, ...]:
    if query.sort is MemberSort.AGENCY:
        return (row.agency_name.casefold(), row.name.casefold())
    if query.sort is MemberSort.ROLE:
        return (row.role.casefold(), row.name.casefold())
    return (row.name.casefold(),)


class MemberLines(MemoryList[MemberQuery, MemberRow]):
    """Every member, searched and sorted in memory."""

    def __init__(self, *, records: RecordService) -> None:
        super().__init__(
            load=lambda: _member_rows(records),
            keep=lambda row, q: (
                matches(q.text, row.name, row.agency_name, row.role)
                and q.agency in (None, row.agency_id)
            ),
            key=_member_key,
        )


def learning_point_usage(records: RecordService) -> dict[str, int]:
    """How many reviews carry each learning point, by point id."""
    return records.learning_point_usage()


def all_learning_events(records: RecordService) -> list[LearningEvent]:
    """Every learning event stored, newest first."""
    return records.learning_events()


class LearningPointSort(StrEnum):
    TEXT = "text"
    REVIEWS = "reviews"


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningPointQuery:
    """Which learning points the list shows: `text` matches the point's words."""

    text: str = ""
    sort: LearningPointSort = LearningPointSort.REVIEWS
    descending: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningPointRow:
    """One line of the catalogue."""

    id: str
    text: str
    review_count: int
    #: The titles of the reviews carrying the point, when known (`LearningPointLines.named`).
    review_titles: tuple[str, ...] = ()
    sort_key: SortKey = ()


def _point_key(row: LearningPointRow, query: LearningPointQuery) -> tuple[Any, ...]:
    if query.sort is LearningPointSort.REVIEWS:
        return (row.review_count, row.text.casefold())
    return (row.text.casefold(),)


class LearningPointLines(MemoryList[LearningPointQuery, LearningPointRow]):
    """The catalogue with review counts, searched and sorted in memory; a point's review
    titles are read when asked for (`named`)."""

    def __init__(
        self,
        *,
        points: Callable[[], Sequence[LearningPoint]],
        usage: Callable[[], Mapping[str, int]],
        carriers: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        # Titles of one point's reviews, read when first shown (opened or pointed at): every
        # point's titles at once took a quarter of a second at 100,000 referrals, each time
        # the list loaded, for names nobody had asked to see yet.
        self._carriers = carriers
        self._titles: dict[str, tuple[str, ...]] = {}

        def load() -> list[LearningPointRow]:
            self._titles.clear()
            counts = usage()
            return [
                LearningPointRow(id=p.id, text=p.text, review_count=counts.get(p.id, 0))
                for p in points()
            ]

        super().__init__(load=load, keep=lambda row, q: matches(q.text, row.text), key=_point_key)

    def named(self, row: LearningPointRow) -> LearningPointRow:
        """`row` with the titles of the reviews carrying it (unchanged when none are known)."""
        if self._carriers is None or row.review_count == 0:
            return row
        titles = self._titles.get(row.id)
        if titles is None:
            titles = self._titles[row.id] = tuple(self._carriers(row.id))
        return dataclasses.replace(row, review_titles=titles)


class LearningEventSort(StrEnum):
    DATE = "date"
    TITLE = "title"
    ATTENDANCE = "attendance"


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningEventQuery:
    """Which learning events the list shows: `text` matches the title or a review's title."""

    text: str = ""
    sort: LearningEventSort = LearningEventSort.DATE
    descending: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningEventRow:
    """One line of the learning event list."""

    id: str
    date: date
    title: str
    review_titles: tuple[str, ...]
    attendance: int | None
    sort_key: SortKey = ()


def _event_key(row: LearningEventRow, query: LearningEventQuery) -> tuple[Any, ...]:
    if query.sort is LearningEventSort.TITLE:
        return (row.title.casefold(),)
    if query.sort is LearningEventSort.ATTENDANCE:
        return (-1 if row.attendance is None else row.attendance,)
    return (row.date,)


class LearningEventLines(MemoryList[LearningEventQuery, LearningEventRow]):
    """Learning events with their reviews' titles, searched and sorted in memory."""

    def __init__(
        self,
        *,
        events: Callable[[], Sequence[LearningEvent]],
        review_titles: Callable[[Collection[str]], Mapping[str, str]],
    ) -> None:
        def load() -> list[LearningEventRow]:
            found = list(events())
            # Only the reviews the events name: every review's title cost a fifth of a
            # second at 100,000 referrals.
            titles = review_titles({r for e in found for r in e.reviews})
            return [
                LearningEventRow(
                    id=e.id,
                    date=e.date,
                    title=e.title,
                    review_titles=tuple(titles.get(r, r) for r in e.reviews),
                    attendance=e.attendance,
                )
                for e in found
            ]

        super().__init__(
            load=load,
            keep=lambda row, q: matches(q.text, row.title, *row.review_titles),
            key=_event_key,
        )
