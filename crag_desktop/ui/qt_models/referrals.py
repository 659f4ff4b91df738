"""The referral list's table model."""

from __future__ import annotations

from enum import IntEnum

from crag_desktop.services.lists import ReferralQuery, ReferralRow, ReferralSort
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel
from crag_desktop.ui.widgets import format_uk_date

__all__ = ["ReferralTableModel"]


def _outcome(row: ReferralRow) -> str:
    # Text, not colour, says whether a decision is still awaited.
    return row.decided_outcome.label if row.decided_outcome is not None else "Pending"


class ReferralTableModel(PagedTableModel[ReferralQuery, ReferralRow]):
    """Referrals as the list screen shows them, sorted and filtered in SQL."""

    class Column(IntEnum):
        REFERENCE = 0
        RECEIVED = 1
        CASE_NAME = 2
        AGENCY = 3
        INCIDENT_TYPE = 4
        STATUS = 5
        OUTCOME = 6
        CHILDREN = 7

    COLUMNS: tuple[ColumnSpec[ReferralRow], ...] = (
        ColumnSpec(title="Reference", text=lambda r: r.reference, sort=ReferralSort.REFERENCE),
        ColumnSpec(
            title="Received", text=lambda r: format_uk_date(r.received), sort=ReferralSort.RECEIVED
        ),
        ColumnSpec(title="Case", text=lambda r: r.case_name, sort=ReferralSort.CASE_NAME),
        ColumnSpec(title="Referred by", text=lambda r: r.agency_name, sort=ReferralSort.AGENCY),
        ColumnSpec(
            title="Incident", text=lambda r: r.incident_type.label, sort=ReferralSort.INCIDENT_TYPE
        ),
        ColumnSpec(title="Status", text=lambda r: r.status.label, sort=ReferralSort.STATUS),
        ColumnSpec(title="Decision", text=_outcome),
        ColumnSpec(title="Children", text=lambda r: str(r.children_count), align_right=True),
    )

    QUERY = ReferralQuery()
