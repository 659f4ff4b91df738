"""The decisions in the National Panel loop, as a table."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from crag_desktop.services.decisions import AwaitingPanelRow
from crag_desktop.ui.qt_models.table import Index, RowsTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = ["Column", "PanelTableModel", "response_text"]

#: The row's referral id, for the screen to know which decision is selected.
REFERRAL_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: A value to sort by (dates as ISO text, ages as numbers).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    REFERENCE = 0
    CASE = 1
    DECIDED = 2
    DECISION = 3
    SENT = 4
    RESPONSE = 5
    WAITING_FOR = 6
    AGE = 7
    BOARD_REPLY = 8

    @property
    def header(self) -> str:
        """The column's heading."""
        return _HEADERS[self]


_HEADERS = {
    Column.REFERENCE: "Reference",
    Column.CASE: "Case",
    Column.DECIDED: "Decided",
    Column.DECISION: "Decision",
    Column.SENT: "Sent",
    Column.RESPONSE: "Response",
    Column.WAITING_FOR: "Waiting for",
    # Short, so that the Board's reply keeps room; the tooltip and the screen say the unit.
    Column.AGE: "Age",
    Column.BOARD_REPLY: "Board's reply",
}


def _one_line(text: str | None, limit: int = 200) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def response_text(row: AwaitingPanelRow) -> str:
    """The Panel's response in words; a contest says so in text, never by colour alone."""
    if row.contested:
        # The Waiting for column says whether the Board has replied.
        return "Contested"
    return row.response.label


class PanelTableModel(RowsTableModel[AwaitingPanelRow]):
    """Rows of `AwaitingPanelRow`, oldest first as the service gives them."""

    TITLES = tuple(column.header for column in Column)
    # The screen sorts it by any column and hides the side header.
    ROW_NUMBERS = False

    def set_rows(self, rows: Sequence[AwaitingPanelRow]) -> None:
        """Show these rows instead of the current ones."""
        self._show(rows)

    def clear(self) -> None:
        """Forget every row (when the app locks)."""
        self._show([])

    def row_of(self, referral_id: str) -> int | None:
        """Where a referral's decision is shown (None when it is not)."""
        for i, found in enumerate(self._rows):
            if found.referral_id == referral_id:
                return i
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column headings; the age column's tooltip says what it counts."""
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.ToolTipRole and horizontal and section == Column.AGE:
            return "Working days since the decision was sent (or made, if unsent)"
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """What each cell shows."""
        row = self._item(index)
        if row is None:
            return None
        column = Column(index.column())
        if role == REFERRAL_ID_ROLE:
            return row.referral_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.AGE:
            since = "sent to the Panel" if row.sent_on is not None else "decided"
            if not row.awaiting:
                return f"The Panel responded {row.age_days} calendar days after it was {since}"
            return f"{row.age_days} calendar days since it was {since}"
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.BOARD_REPLY:
            return row.board_reply or ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.AGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(row: AwaitingPanelRow, column: Column) -> str:
        match column:
            case Column.REFERENCE:
                return row.reference
            case Column.CASE:
                return row.case_name
            case Column.DECIDED:
                return format_uk_date(row.decided_on)
            case Column.DECISION:
                return row.decided_outcome.label
            case Column.SENT:
                return format_uk_date(row.sent_on) or "Not yet sent"
            case Column.RESPONSE:
                return response_text(row)
            case Column.WAITING_FOR:
                return row.waiting_for
            case Column.AGE:
                return str(row.age_working_days)
            case Column.BOARD_REPLY:
                return _one_line(row.board_reply)
        return ""  # pragma: no cover

    @staticmethod
    def _sort_value(row: AwaitingPanelRow, column: Column) -> object:
        if column == Column.AGE:
            return row.age_days
        if column == Column.DECIDED:
            return row.decided_on.isoformat()
        if column == Column.SENT:
            return row.sent_on.isoformat() if row.sent_on else ""
        return PanelTableModel._display(row, column)
