"""What every table model of the app shares: a flat table over the rows it holds, its column
titles across the top and (unless it says otherwise) row numbers down the side, its rows
selectable but never edited in place (a form or a field below the table edits)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

__all__ = ["Index", "RowsTableModel"]

Index = QModelIndex | QPersistentModelIndex

T = TypeVar("T")


class RowsTableModel(QAbstractTableModel, Generic[T]):
    """One row per item of `_rows`, one column per title; a subclass says what a cell shows
    (`data`)."""

    #: The column titles, in column order (unless the model is given its own).
    TITLES: ClassVar[Sequence[str]] = ()
    #: Whether the side header numbers the rows.
    ROW_NUMBERS: ClassVar[bool] = True

    def __init__(
        self, *, titles: Sequence[str] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._titles = tuple(titles if titles is not None else self.TITLES)
        self._rows: list[T] = []

    def row_at(self, row: int) -> T:
        """The item shown at `row`."""
        return self._rows[row]

    def _show(self, rows: Iterable[T]) -> None:
        """Show `rows` instead of the current ones."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def _item(self, index: Index) -> T | None:
        """The item in `index`'s row; None for an index off the table."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    # --- Qt overrides -------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per item (a table has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One column per title."""
        return 0 if parent.isValid() else len(self._titles)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles across the top; row numbers down the side, when the model has them."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._titles[section] if 0 <= section < len(self._titles) else None
        return str(section + 1) if self.ROW_NUMBERS else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never edited in place."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
