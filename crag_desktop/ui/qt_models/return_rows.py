"""The rows of an agency's return that will be appended: the import dialog's preview."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from crag_desktop.services.agency_returns import PlannedUpdate
from crag_desktop.ui.qt_models.recommendations import first_line

__all__ = ["ReturnRowsModel"]

_Index = QModelIndex | QPersistentModelIndex


class ReturnRowsModel(QAbstractTableModel):
    """One line per update to append: the sheet's row, the item, the status, the update."""

    class Column(IntEnum):
        ROW = 0
        CODE = 1
        STATUS = 2
        UPDATE = 3

    TITLES = ("Row", "Item", "Proposed status", "Update")

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._updates: list[PlannedUpdate] = []

    def set_updates(self, updates: Sequence[PlannedUpdate]) -> None:
        """Show `updates` (empty: nothing to append)."""
        self.beginResetModel()
        self._updates = list(updates)
        self.endResetModel()

    def update_at(self, row: int) -> PlannedUpdate:
        """The update shown at `row`."""
        return self._updates[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """One row per update (a table has no children)."""
        return 0 if parent.isValid() else len(self._updates)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Row, item, proposed status, update."""
        return 0 if parent.isValid() else len(self.Column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text; the whole update as the tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self._updates):
            return None
        update = self._updates[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Column.UPDATE:
            return update.note
        if role == Qt.ItemDataRole.ToolTipRole and column == self.Column.STATUS:
            return (
                "No status was proposed: the item's current status is kept"
                if update.status_kept
                else None
            )
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column == self.Column.ROW:
            return str(update.row)
        if column == self.Column.CODE:
            return update.code
        if column == self.Column.STATUS:
            return f"{update.status.label} (kept)" if update.status_kept else update.status.label
        if column == self.Column.UPDATE:
            return first_line(update.note)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles across the top."""
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self.TITLES[section] if 0 <= section < len(self.TITLES) else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Read only: what is appended is what the agency wrote."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
