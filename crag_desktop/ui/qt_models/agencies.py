"""The agency list's model, over the in-memory list service (`services.memory_lists`)."""

from __future__ import annotations

from enum import IntEnum

from crag_desktop.services.memory_lists import (
    AgencyQuery,
    AgencyRow,
    AgencySort,
)
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel

__all__ = [
    "AgencyTableModel",
]


class AgencyTableModel(PagedTableModel[AgencyQuery, AgencyRow]):
    """Agencies with their kind and how many members they have."""

    class Column(IntEnum):
        NAME = 0
        KIND = 1
        MEMBERS = 2

    COLUMNS: tuple[ColumnSpec[AgencyRow], ...] = (
        ColumnSpec(title="Agency", text=lambda r: r.name, sort=AgencySort.NAME),
        ColumnSpec(title="Kind", text=lambda r: r.kind.label, sort=AgencySort.KIND),
        ColumnSpec(
            title="Members",
            text=lambda r: str(r.member_count),
            sort=AgencySort.MEMBERS,
            align_right=True,
        ),
    )

    QUERY = AgencyQuery()
