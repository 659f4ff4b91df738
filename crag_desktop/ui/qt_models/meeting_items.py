"""The items a meeting may discuss (agency actions), each ticked or not, with the status
proposed and the note typed for it: the model of the bulk update at a meeting."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt

from crag_desktop.domain.vocabulary import RecommendationStatus
from crag_desktop.services.recommendation_list import MeetingItem
from crag_desktop.ui.qt_models.recommendations import first_line
from crag_desktop.ui.qt_models.table import Index, RowsTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = ["MeetingItemsModel"]


def _latest_text(item: MeetingItem) -> str:
    if item.latest is None:
        return "No update yet"
    return f"{item.latest.status.label}, {format_uk_date(item.latest.on)}"


class MeetingItemsModel(RowsTableModel[MeetingItem]):
    """Actions with a tick ("discussed"), the proposed status and the note for each.

    What is typed for an item stays with it while the list is filtered again, so narrowing
    the list to the PAQA subgroup's actions never drops the notes typed for others.
    """

    class Column(IntEnum):
        DISCUSSED = 0
        ITEM = 1
        ACTION = 2
        LATEST = 3
        PROPOSED = 4
        NOTE = 5

    TITLES = ("Discussed", "Item", "Action", "Latest update", "Proposed", "Update note")

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self._ticked: set[tuple[str, str]] = set()
        self._status: dict[tuple[str, str], RecommendationStatus] = {}
        self._note: dict[tuple[str, str], str] = {}
        self._shown: dict[tuple[str, str], MeetingItem] = {}

    # --- public API ---------------------------------------------------------------------------

    def set_items(self, items: Sequence[MeetingItem]) -> None:
        """Show `items`; ticks, statuses and notes already typed are kept by item."""
        for item in items:
            self._shown[_key(item)] = item
        self._show(items)

    def row_of(self, recommendation_id: str, action_id: str) -> int | None:
        """The row showing that action, or None."""
        for row, item in enumerate(self._rows):
            if _key(item) == (recommendation_id, action_id):
                return row
        return None

    def is_ticked(self, row: int) -> bool:
        """Whether the item at `row` was discussed."""
        return _key(self._rows[row]) in self._ticked

    def set_ticked(self, row: int, ticked: bool) -> None:
        """Tick or untick the item at `row`."""
        key = _key(self._rows[row])
        if ticked:
            self._ticked.add(key)
        else:
            self._ticked.discard(key)
        self._row_changed(row)

    def status_of(self, row: int) -> RecommendationStatus:
        """The status proposed for the item at `row` (its latest update's, until changed)."""
        item = self._rows[row]
        return self._status.get(_key(item), _default_status(item))

    def set_status(self, row: int, status: RecommendationStatus) -> None:
        """Propose `status` for the item at `row`."""
        self._status[_key(self._rows[row])] = status
        self._row_changed(row)

    def note_of(self, row: int) -> str:
        """The note typed for the item at `row`."""
        return self._note.get(_key(self._rows[row]), "")

    def set_note(self, row: int, note: str) -> None:
        """Set the note of the item at `row`."""
        self._note[_key(self._rows[row])] = note
        self._row_changed(row)

    def ticked(self) -> list[tuple[MeetingItem, RecommendationStatus, str]]:
        """Every ticked item (shown or filtered out), with its status and note, in the order
        first listed."""
        found = []
        for key, item in self._shown.items():
            if key in self._ticked:
                status = self._status.get(key, _default_status(item))
                found.append((item, status, self._note.get(key, "")))
        return found

    def has_typing(self) -> bool:
        """Whether anything was ticked or typed (closing would lose it)."""
        return bool(self._ticked) or any(note.strip() for note in self._note.values())

    def clear_typing(self) -> None:
        """Forget every tick, status and note (they were recorded)."""
        self.beginResetModel()
        self._ticked.clear()
        self._status.clear()
        self._note.clear()
        self.endResetModel()

    # --- Qt overrides -------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, the tick, and tooltips with the whole texts."""
        item = self._item(index)
        if item is None:
            return None
        row, column = index.row(), index.column()
        if column == self.Column.DISCUSSED:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if self.is_ticked(row) else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return "Discussed" if self.is_ticked(row) else "Not discussed"
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.Column.ITEM:
                return item.recommendation_text
            if column == self.Column.ACTION:
                return f"{item.action_description} ({item.owner_agency_name})"
            return self._text(row, column) or None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Tick or untick with the check box."""
        if (
            not index.isValid()
            or index.column() != self.Column.DISCUSSED
            or role != Qt.ItemDataRole.CheckStateRole
        ):
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        self.set_ticked(index.row(), checked)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        """The tick is checkable; the rest is edited below the table."""
        flags = super().flags(index)
        if index.isValid() and index.column() == self.Column.DISCUSSED:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    # --- internals ----------------------------------------------------------------------------

    def _text(self, row: int, column: int) -> str:
        item = self._rows[row]
        if column == self.Column.ITEM:
            return item.label
        if column == self.Column.ACTION:
            return first_line(item.action_description)
        if column == self.Column.LATEST:
            return _latest_text(item)
        if column == self.Column.PROPOSED:
            return self.status_of(row).label
        if column == self.Column.NOTE:
            return first_line(self.note_of(row))
        return ""

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.Column) - 1))


def _key(item: MeetingItem) -> tuple[str, str]:
    return (item.recommendation_id, item.action_id)


def _default_status(item: MeetingItem) -> RecommendationStatus:
    return item.latest.status if item.latest is not None else RecommendationStatus.ON_TRACK
