"""The meeting list's table model: newest first, paged from SQL."""

from __future__ import annotations

import dataclasses
from enum import IntEnum

from PySide6.QtCore import Qt

from crag_desktop.domain.wording import day_name
from crag_desktop.services.lists import MeetingQuery, MeetingRow
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = ["MeetingTableModel", "quorate_text"]


def quorate_text(quorate: bool | None) -> str:
    """Quorate as words: a blank cell would read as "no"."""
    if quorate is None:
        return "Not recorded"
    return "Quorate" if quorate else "Not quorate"


class MeetingTableModel(PagedTableModel[MeetingQuery, MeetingRow]):
    """Meetings by date; only the date column sorts (the meeting list is keyed on it)."""

    class Column(IntEnum):
        DATE = 0
        QUORATE = 1
        ATTENDEES = 2
        REFERRALS = 3

    COLUMNS: tuple[ColumnSpec[MeetingRow], ...] = (
        ColumnSpec(
            title="Date",
            text=lambda r: f"{format_uk_date(r.date)} ({day_name(r.date, abbreviated=True)})",
        ),
        ColumnSpec(title="Quorate", text=lambda r: quorate_text(r.quorate)),
        ColumnSpec(title="Attendees", text=lambda r: str(r.attendee_count), align_right=True),
        ColumnSpec(title="Referrals", text=lambda r: str(r.referral_count), align_right=True),
    )

    QUERY = MeetingQuery()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The date column flips between newest and oldest first, in SQL."""
        if column != self.Column.DATE:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if self.query.descending == descending:
            return
        self.set_query(dataclasses.replace(self.query, descending=descending))
