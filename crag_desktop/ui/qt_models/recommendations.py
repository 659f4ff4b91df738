"""The recommendation tracker's table model, and the read-only list of an action's updates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt

from crag_desktop.domain.records import ActionUpdate
from crag_desktop.domain.tracker import closure_summary
from crag_desktop.services.recommendation_list import (
    RecommendationQuery,
    RecommendationRow,
    RecommendationSort,
)
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel
from crag_desktop.ui.qt_models.table import Index, RowsTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = [
    "ActionUpdateTableModel",
    "RecommendationTableModel",
    "derived_status_text",
    "first_line",
]


def first_line(text: str) -> str:
    """The first non-blank line of `text` (the list has one line a row)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def derived_status_text(row: RecommendationRow) -> str:
    """What the dates and updates say; marked in words (never colour alone) when it
    disagrees with the status set, which the column beside it shows."""
    if row.derived_status == row.status:
        return row.derived_status.label
    return f"{row.derived_status.label} (differs)"


def _status_tooltip(row: RecommendationRow) -> str:
    closure = closure_summary(row)
    return f"{row.status.label}: {closure}." if closure else row.status.label


def _derived_tooltip(row: RecommendationRow) -> str:
    if row.derived_status == row.status:
        return f"The dates and updates agree with the status set ({row.status.label.lower()})."
    return (
        f"Set as {row.status.label.lower()}; due {format_uk_date(row.due) or 'no date'}. By its "
        f"dates and latest updates it is {row.derived_status.label.lower()}."
    )


class RecommendationTableModel(PagedTableModel[RecommendationQuery, RecommendationRow]):
    """Recommendations as the tracker shows them, sorted and filtered in SQL."""

    class Column(IntEnum):
        # Set and derived status side by side, near the left where a narrow list shows them.
        REVIEW = 0
        NUMBER = 1
        STATUS = 2
        DERIVED_STATUS = 3
        DUE = 4
        TEXT = 5
        LEAD_AGENCY = 6
        MONITORING_GROUP = 7

    COLUMNS: tuple[ColumnSpec[RecommendationRow], ...] = (
        ColumnSpec(title="Review", text=lambda r: r.review_title, sort=RecommendationSort.REVIEW),
        ColumnSpec(
            title="No.",
            text=lambda r: str(r.number),
            sort=RecommendationSort.NUMBER,
            align_right=True,
        ),
        ColumnSpec(
            title="Status set",
            text=lambda r: r.status.label,
            sort=RecommendationSort.STATUS,
            tooltip=_status_tooltip,
        ),
        ColumnSpec(title="Derived status", text=derived_status_text, tooltip=_derived_tooltip),
        ColumnSpec(title="Due", text=lambda r: format_uk_date(r.due), sort=RecommendationSort.DUE),
        ColumnSpec(
            title="Recommendation", text=lambda r: first_line(r.text), tooltip=lambda r: r.text
        ),
        ColumnSpec(
            title="Lead agency",
            text=lambda r: r.lead_agency_name,
            sort=RecommendationSort.LEAD_AGENCY,
        ),
        ColumnSpec(
            title="Monitored by",
            text=lambda r: r.monitoring_group.label,
            sort=RecommendationSort.MONITORING_GROUP,
        ),
    )

    QUERY = RecommendationQuery()


class ActionUpdateTableModel(RowsTableModel[ActionUpdate]):
    """One action's progress updates in date order; read-only, as updates are never edited."""

    class Column(IntEnum):
        ON = 0
        STATUS = 1
        NOTE = 2
        BY = 3

    TITLES = ("Date", "Status", "Note", "By")

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self._names: dict[str, str] = {}

    def set_updates(self, updates: Iterable[ActionUpdate], *, names: Mapping[str, str]) -> None:
        """Show `updates` by date (stable, so same-day updates keep the order they were added);
        `names` gives members' names by id."""
        self._names = dict(names)
        self._show(sorted(updates, key=lambda u: u.on))

    def _text(self, update: ActionUpdate, column: int) -> str:
        if column == self.Column.ON:
            return format_uk_date(update.on)
        if column == self.Column.STATUS:
            return update.status.label
        if column == self.Column.NOTE:
            return update.note
        if update.by is None:
            return "Not recorded"
        return self._names.get(update.by, update.by)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text; the tooltip shows the whole note."""
        update = self._item(index)
        if update is not None and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return self._text(update, index.column())
        return None
