"""The agency list's model, and the in-memory list service the short lists share.

Agencies, members, learning points and learning events number tens, not thousands: their
lists are read whole from the record service and searched and sorted in Python, behind the
same count/page interface the SQL lists offer, so one list screen and one paged model serve
every record type (and no proxy model is needed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject

from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.services.lists import DEFAULT_PAGE, SortKey
from crag_desktop.services.records import RecordService
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel

__all__ = [
    "AgencyLines",
    "AgencyQuery",
    "AgencyRow",
    "AgencySort",
    "AgencyTableModel",
    "MemoryList",
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


class AgencyTableModel(PagedTableModel[AgencyQuery, AgencyRow]):
    """Agencies with their kind and how many members they have."""

    class Column(IntEnum):
        NAME = 0
        KIND = 1
        MEMBERS = 2

    COLUMNS: tuple[ColumnSpec[AgencyRow], ...] = (
        ColumnSpec(title="Agency", text=lambda r: r.name, sort=AgencySort.NAME),
        ColumnSpec(title="Kind", text=lambda r: r.kind.label, sort=AgencySort.KIND),
        ColumnSpec(
            title="Members",
            text=lambda r: str(r.member_count),
            sort=AgencySort.MEMBERS,
            align_right=True,
        ),
    )

    def __init__(
        self,
        *,
        service: MemoryList[AgencyQuery, AgencyRow],
        query: AgencyQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            service=service,
            query=query if query is not None else AgencyQuery(),
            columns=self.COLUMNS,
            parent=parent,
        )
