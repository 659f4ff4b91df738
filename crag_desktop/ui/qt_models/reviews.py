"""The review list's table model."""

from __future__ import annotations

from enum import IntEnum

from crag_desktop.services.lists import ReviewQuery, ReviewRow, ReviewSort
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = ["ReviewTableModel"]


class ReviewTableModel(PagedTableModel[ReviewQuery, ReviewRow]):
    """Reviews as the list screen shows them, sorted and filtered in SQL."""

    class Column(IntEnum):
        TITLE = 0
        TYPE = 1
        METHODOLOGY = 2
        STATUS = 3
        LEAD_REVIEWER = 4
        COMMISSIONED_ON = 5
        SIGNED_OFF_ON = 6
        PUBLISHED_ON = 7

    COLUMNS: tuple[ColumnSpec[ReviewRow], ...] = (
        ColumnSpec(title="Title", text=lambda r: r.title, sort=ReviewSort.TITLE),
        ColumnSpec(title="Type", text=lambda r: r.type.label, sort=ReviewSort.TYPE),
        ColumnSpec(
            title="Methodology", text=lambda r: r.methodology.label, sort=ReviewSort.METHODOLOGY
        ),
        ColumnSpec(title="Status", text=lambda r: r.status.label, sort=ReviewSort.STATUS),
        ColumnSpec(
            title="Lead reviewer", text=lambda r: r.lead_reviewer, sort=ReviewSort.LEAD_REVIEWER
        ),
        ColumnSpec(
            title="Commissioned",
            text=lambda r: format_uk_date(r.commissioned_on),
            sort=ReviewSort.COMMISSIONED_ON,
        ),
        ColumnSpec(
            title="Signed off",
            text=lambda r: format_uk_date(r.signed_off_on),
            sort=ReviewSort.SIGNED_OFF_ON,
        ),
        ColumnSpec(
            title="Published",
            text=lambda r: format_uk_date(r.published_on),
            sort=ReviewSort.PUBLISHED_ON,
        ),
    )

    QUERY = ReviewQuery()
