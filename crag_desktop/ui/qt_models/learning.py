"""The learning lists' models: the catalogue of learning points (with how many reviews carry
each, which the annual report ranks) and the learning events, in memory."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import QObject

from crag_desktop.domain.records import LearningEvent, LearningPoint
from crag_desktop.services.lists import SortKey
from crag_desktop.services.records import RecordService
from crag_desktop.ui.qt_models.agencies import MemoryList, matches
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = [
    "LearningEventLines",
    "LearningEventQuery",
    "LearningEventRow",
    "LearningEventSort",
    "LearningEventTableModel",
    "LearningPointLines",
    "LearningPointQuery",
    "LearningPointRow",
    "LearningPointSort",
    "LearningPointTableModel",
    "all_learning_events",
    "learning_point_usage",
    "usage_sentence",
]


def learning_point_usage(records: RecordService) -> dict[str, int]:
    """How many reviews carry each learning point, by point id."""
    return records.learning_point_usage()


def usage_sentence(row: LearningPointRow) -> str:
    """ "2 reviews carry this learning point: Baby L and Child Q." (names when known)."""
    count = row.review_count
    if count == 0:
        return "No review carries this learning point yet."
    head = "1 review carries" if count == 1 else f"{count} reviews carry"
    titles = list(row.review_titles)
    if not titles:
        return f"{head} this learning point."
    names = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
    return f"{head} this learning point: {names}."


def all_learning_events(records: RecordService) -> list[LearningEvent]:
    """Every learning event stored, newest first."""
    return records.learning_events()


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- Learning points --------------------------------------------------------------------------


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
    #: The titles of the reviews carrying the point, when the screen was given them.
    review_titles: tuple[str, ...] = ()
    sort_key: SortKey = ()


def _point_key(row: LearningPointRow, query: LearningPointQuery) -> tuple[Any, ...]:
    if query.sort is LearningPointSort.REVIEWS:
        return (row.review_count, row.text.casefold())
    return (row.text.casefold(),)


class LearningPointLines(MemoryList[LearningPointQuery, LearningPointRow]):
    """The catalogue with review counts, searched and sorted in memory."""

    def __init__(
        self,
        *,
        points: Callable[[], Sequence[LearningPoint]],
        usage: Callable[[], Mapping[str, int]],
        carriers: Callable[[], Mapping[str, Sequence[str]]] | None = None,
    ) -> None:
        def load() -> list[LearningPointRow]:
            if carriers is not None:
                # The titles give the count too: one query instead of two.
                titles = carriers()
                return [
                    LearningPointRow(
                        id=p.id,
                        text=p.text,
                        review_count=len(titles.get(p.id, ())),
                        review_titles=tuple(titles.get(p.id, ())),
                    )
                    for p in points()
                ]
            counts = usage()
            return [
                LearningPointRow(id=p.id, text=p.text, review_count=counts.get(p.id, 0))
                for p in points()
            ]

        super().__init__(load=load, keep=lambda row, q: matches(q.text, row.text), key=_point_key)


class LearningPointTableModel(PagedTableModel[LearningPointQuery, LearningPointRow]):
    """Learning points, most used first unless sorted otherwise."""

    class Column(IntEnum):
        TEXT = 0
        REVIEWS = 1

    COLUMNS: tuple[ColumnSpec[LearningPointRow], ...] = (
        ColumnSpec(
            title="Learning point",
            text=lambda r: _one_line(r.text),
            sort=LearningPointSort.TEXT,
            tooltip=lambda r: r.text,
        ),
        ColumnSpec(
            title="Reviews",
            text=lambda r: str(r.review_count),
            sort=LearningPointSort.REVIEWS,
            tooltip=lambda r: "\n".join(r.review_titles) or str(r.review_count),
            align_right=True,
        ),
    )

    def __init__(
        self,
        *,
        service: MemoryList[LearningPointQuery, LearningPointRow],
        query: LearningPointQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            service=service,
            query=query if query is not None else LearningPointQuery(),
            columns=self.COLUMNS,
            parent=parent,
        )


# --- Learning events --------------------------------------------------------------------------


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
        review_titles: Callable[[], Mapping[str, str]],
    ) -> None:
        def load() -> list[LearningEventRow]:
            titles = review_titles()
            return [
                LearningEventRow(
                    id=e.id,
                    date=e.date,
                    title=e.title,
                    review_titles=tuple(titles.get(r, r) for r in e.reviews),
                    attendance=e.attendance,
                )
                for e in events()
            ]

        super().__init__(
            load=load,
            keep=lambda row, q: matches(q.text, row.title, *row.review_titles),
            key=_event_key,
        )


class LearningEventTableModel(PagedTableModel[LearningEventQuery, LearningEventRow]):
    """Learning events, newest first unless sorted otherwise."""

    class Column(IntEnum):
        DATE = 0
        TITLE = 1
        REVIEWS = 2
        ATTENDANCE = 3

    COLUMNS: tuple[ColumnSpec[LearningEventRow], ...] = (
        ColumnSpec(
            title="Date", text=lambda r: format_uk_date(r.date), sort=LearningEventSort.DATE
        ),
        ColumnSpec(title="Title", text=lambda r: r.title, sort=LearningEventSort.TITLE),
        ColumnSpec(title="Reviews", text=lambda r: ", ".join(r.review_titles)),
        ColumnSpec(
            title="Attendance",
            text=lambda r: "Not recorded" if r.attendance is None else str(r.attendance),
            sort=LearningEventSort.ATTENDANCE,
            align_right=True,
        ),
    )

    def __init__(
        self,
        *,
        service: MemoryList[LearningEventQuery, LearningEventRow],
        query: LearningEventQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            service=service,
            query=query if query is not None else LearningEventQuery(),
            columns=self.COLUMNS,
            parent=parent,
        )
