"""The rows of an agency's return that will be appended: the import dialog's preview."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from crag_desktop.services.agency_returns import PlannedUpdate
from crag_desktop.ui.qt_models.recommendations import first_line
from crag_desktop.ui.qt_models.table import Index, RowsTableModel

__all__ = ["ReturnRowsModel"]


class ReturnRowsModel(RowsTableModel[PlannedUpdate]):
    """One line per update to append: the sheet's row, the item, the status, the update."""

    class Column(IntEnum):
        ROW = 0
        CODE = 1
        STATUS = 2
        UPDATE = 3

    TITLES = ("Row", "Item", "Proposed status", "Update")
    # The sheet's own row numbers are a column: a second count down the side would confuse.
    ROW_NUMBERS = False

    def set_updates(self, updates: Sequence[PlannedUpdate]) -> None:
        """Show `updates` (empty: nothing to append)."""
        self._show(updates)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text; the whole update as the tooltip."""
        update = self._item(index)
        if update is None:
            return None
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
