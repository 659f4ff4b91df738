"""A table model that pages rows in from a list service as the view scrolls.

The model never holds more than the rows scrolled past: `canFetchMore`/`fetchMore` ask the
service for the next keyset page (the last row's `sort_key`), so opening a list of 100,000
referrals costs one `count` and one `page` call. Sorting and filtering are a new query, run
in SQL; no proxy model ever sits over it (design/performance.md: a proxy over 100k rows costs
seconds per click).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QObject, Qt

from crag_desktop.services.lists import DEFAULT_PAGE, SortKey
from crag_desktop.ui.qt_models.table import Index, RowsTableModel

__all__ = ["ColumnSpec", "ListService", "PagedRow", "PagedTableModel", "RowIdRole"]

#: Item data role giving the row's record id.
RowIdRole = Qt.ItemDataRole.UserRole + 1


class PagedRow(Protocol):
    """What a list service's row offers the model."""

    @property
    def id(self) -> str:
        """The record id."""
        ...

    @property
    def sort_key(self) -> SortKey:
        """The row's position in its list's order."""
        ...


R = TypeVar("R", bound=PagedRow)
Q = TypeVar("Q")
R_co = TypeVar("R_co", covariant=True)
Q_contra = TypeVar("Q_contra", contravariant=True)


class ListService(Protocol[Q_contra, R_co]):
    """`ReferralList`, `ReviewList` and the other list services."""

    def count(self, query: Q_contra) -> int:
        """How many rows the query shows."""
        ...

    def page(
        self, query: Q_contra, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> Sequence[R_co]:
        """Up to `limit` rows after the row whose sort key is `after`."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnSpec(Generic[R]):
    """One column: its heading, the text a row shows in it, and the SQL sort it maps to."""

    title: str
    text: Callable[[R], str]
    #: The query's sort value for this column; None when the list cannot sort by it.
    sort: Enum | None = None
    #: Hover text (e.g. a full summary); defaults to the cell text.
    tooltip: Callable[[R], str] | None = None
    align_right: bool = False


class PagedTableModel(RowsTableModel[R], Generic[Q, R]):
    """Rows of `service.page(query)`, fetched in pages of `page_size` as the view needs them.

    `Q` is a frozen query dataclass with `sort` and `descending` fields. A list's model says
    its columns (`COLUMNS`) and the query it opens with (`QUERY`: every row, in the list's
    first order).
    """

    COLUMNS: Sequence[ColumnSpec[Any]] = ()
    QUERY: Any = None

    def __init__(
        self,
        *,
        service: ListService[Q, R],
        query: Q | None = None,
        columns: Sequence[ColumnSpec[R]] | None = None,
        page_size: int = DEFAULT_PAGE,
        parent: QObject | None = None,
    ) -> None:
        columns = tuple(columns if columns is not None else self.COLUMNS)
        super().__init__(titles=[spec.title for spec in columns], parent=parent)
        self._service = service
        self._query: Q = query if query is not None else self.QUERY
        self._columns = columns
        self._page_size = page_size
        # Each loaded row's position by record id, built when first asked for and kept up to
        # date as pages come in: finding a row must not walk 50,000 of them.
        self._positions: dict[str, int] | None = None
        self._total = 0
        self._exhausted = True
        # Cleared (locked) until the first refresh: no case data before the screen asks.
        self._active = False

    # --- public API ---------------------------------------------------------------------------

    @property
    def query(self) -> Q:
        """The query the rows answer."""
        return self._query

    @property
    def total(self) -> int:
        """How many rows the query shows in all (loaded or not)."""
        return self._total

    @property
    def loaded(self) -> int:
        """How many rows have been fetched so far."""
        return len(self._rows)

    def set_query(self, query: Q) -> None:
        """Show `query`'s rows from the top (filters and sort run in SQL)."""
        self._query = query
        self.reload(keep_loaded=False)

    def reload(self, *, keep_loaded: bool = True) -> None:
        """Ask the service again; with `keep_loaded`, fetch as many rows as were shown so that
        the view keeps its place after a save."""
        wanted = max(self._page_size, len(self._rows)) if keep_loaded else self._page_size
        self.beginResetModel()
        self._active = True
        self._total = self._service.count(self._query)
        rows = list(self._service.page(self._query, after=None, limit=wanted))
        self._rows = rows
        # Kept up to date page by page (`fetchMore`): built at the first look-up instead, it
        # walked every row scrolled past at once (opening a record deep in the list).
        self._positions = {item.id: row for row, item in enumerate(rows)}
        self._exhausted = len(rows) < wanted
        self.endResetModel()

    def apply_changes(
        self,
        *,
        created: Collection[str] = (),
        updated: Collection[str] = (),
        deleted: Collection[str] = (),
    ) -> None:
        """Show what a save or delete changed, asking again only for the rows it touched.

        Reloading every row scrolled past costs seconds deep in a long list. An updated row
        that kept its place is fetched alone (the one row after its neighbour's key); one
        that moved is fetched by its id and put before the row that now follows it (or
        left for a later page when that row is not loaded yet); one that left the filter
        goes, and a deleted row goes. Only a record created, or changed where no loaded row
        shows it, falls back to `reload`: the list may then have changed anywhere.
        """
        if not self._active:
            return
        if created:
            # Rows come: the screen's count and selection follow a reset.
            self.reload(keep_loaded=True)
            return
        changed = set(updated) - set(deleted)
        if not changed and not deleted:
            return
        positions = self._index()
        # One count (which also has a list held in memory read afresh): the total shown,
        # and whether the change reached past the loaded rows.
        total = self._service.count(self._query)
        if (changed - positions.keys()) and (not self._exhausted or total != self._total):
            # A record not shown may now sort among the loaded rows, or a filter now
            # takes a record in or leaves one out.
            self.reload(keep_loaded=True)
            return
        for record_id in deleted:
            if record_id in self._index():
                self._remove(record_id)
        for record_id in sorted(changed & positions.keys(), key=positions.__getitem__):
            if not self._refetch(record_id):
                return
        self._total = total

    def _refetch(self, record_id: str) -> bool:
        """Show `record_id`'s stored row where it now belongs; False after a full reload."""
        row = self._index()[record_id]
        after = self._rows[row - 1].sort_key if row else None
        # The first row after its neighbour is the record itself only when it kept its
        # place (a record that moved past the next row finds that row here instead).
        fresh = list(self._service.page(self._query, after=after, limit=1))
        if fresh and fresh[0].id == record_id:
            self._rows[row] = fresh[0]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))
            return True
        by_id = self._query_for_id(record_id)
        if by_id is None:
            self.reload(keep_loaded=True)
            return False
        self._remove(record_id)
        found = list(self._service.page(by_id, after=None, limit=1))
        if not found:
            # Changed out of the filter.
            return True
        moved = found[0]
        following = list(self._service.page(self._query, after=moved.sort_key, limit=1))
        if following:
            place = self._index().get(following[0].id)
        else:
            # Now the last of the whole list.
            place = len(self._rows) if self._exhausted else None
        if place is not None:
            self.beginInsertRows(QModelIndex(), place, place)
            self._rows.insert(place, moved)
            self._positions = None
            self.endInsertRows()
        # Otherwise it now sorts past the loaded rows: the page that reaches it brings it.
        return True

    def _query_for_id(self, record_id: str) -> Q | None:
        """The query narrowed to one record (None when the query cannot say so)."""
        current: Any = self._query
        if not hasattr(current, "ids"):
            return None
        # A list of chosen records (the dashboard's) narrows only to one of them.
        if current.ids is not None and record_id not in current.ids:
            return None
        narrowed: Q = dataclasses.replace(current, ids=(record_id,))
        return narrowed

    def _remove(self, record_id: str) -> None:
        row = self._index()[record_id]
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._positions = None
        self.endRemoveRows()

    def _index(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {item.id: row for row, item in enumerate(self._rows)}
        return self._positions

    def clear(self) -> None:
        """Forget every row (the app locked); `reload` brings them back."""
        self.beginResetModel()
        self._rows = []
        self._positions = None
        self._total = 0
        self._exhausted = True
        self._active = False
        self.endResetModel()

    def row_id(self, row: int) -> str:
        """The record id of `row` (IndexError when not loaded)."""
        return self._rows[row].id

    def row_of(self, record_id: str) -> int | None:
        """The row showing `record_id` among those loaded, or None."""
        return self._index().get(record_id)

    def column_texts(self, column: int, rows: int) -> set[str]:
        """The different texts `column` shows in the first `rows` rows (to fit its width),
        read from the rows themselves rather than cell by cell through Qt."""
        text = self._columns[column].text
        return {text(row) for row in self._rows[:rows]}

    def column_of_sort(self, sort: Enum) -> int | None:
        """The column that sorts by `sort`, or None."""
        for column, spec in enumerate(self._columns):
            if spec.sort == sort:
                return column
        return None

    # --- Qt overrides -------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, tooltip, alignment and the row's record id."""
        row = self._item(index)
        if row is None:
            return None
        spec = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return spec.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.tooltip(row) if spec.tooltip is not None else spec.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and spec.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RowIdRole:
            return row.id
        return None

    def canFetchMore(self, parent: Index) -> bool:
        """Whether the service has rows after the last one fetched."""
        return not parent.isValid() and self._active and not self._exhausted

    def fetchMore(self, parent: Index) -> None:
        """Fetch the next keyset page after the last row shown."""
        if parent.isValid() or not self._active or self._exhausted:
            return
        after = self._rows[-1].sort_key if self._rows else None
        rows = list(self._service.page(self._query, after=after, limit=self._page_size))
        if len(rows) < self._page_size:
            self._exhausted = True
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        if self._positions is not None:
            self._positions.update((item.id, first + i) for i, item in enumerate(rows))
        self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the column's sort key: a new query, rows from the top."""
        if not 0 <= column < len(self._columns):
            return
        sort = self._columns[column].sort
        if sort is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        current: Any = self._query
        if current.sort == sort and current.descending == descending:
            return
        self._query = dataclasses.replace(current, sort=sort, descending=descending)
        if self._active:
            self.reload(keep_loaded=False)
