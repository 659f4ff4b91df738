"""The learning lists' models: the catalogue of learning points (with how many reviews carry
each, which the annual report ranks) and the learning events, in memory."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QObject

from crag_desktop.services.memory_lists import (
    LearningEventQuery,
    LearningEventRow,
    LearningEventSort,
    LearningPointLines,
    LearningPointQuery,
    LearningPointRow,
    LearningPointSort,
    MemoryList,
)
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = [
    "LearningEventTableModel",
    "LearningPointTableModel",
    "usage_sentence",
]


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


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- Learning points --------------------------------------------------------------------------


class LearningPointTableModel(PagedTableModel[LearningPointQuery, LearningPointRow]):
    """Learning points, most used first unless sorted otherwise."""

    class Column(IntEnum):
        TEXT = 0
        REVIEWS = 1

    QUERY = LearningPointQuery()

    def __init__(
        self,
        *,
        service: MemoryList[LearningPointQuery, LearningPointRow],
        query: LearningPointQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        def named(row: LearningPointRow) -> LearningPointRow:
            return service.named(row) if isinstance(service, LearningPointLines) else row

        columns: tuple[ColumnSpec[LearningPointRow], ...] = (
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
                tooltip=lambda r: "\n".join(named(r).review_titles) or str(r.review_count),
                align_right=True,
            ),
        )
        super().__init__(service=service, query=query, columns=columns, parent=parent)


# --- Learning events --------------------------------------------------------------------------


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

    QUERY = LearningEventQuery()
