"""The member list's model: the subgroup's members with their agencies, in memory."""

from __future__ import annotations

from enum import IntEnum

from crag_desktop.services.memory_lists import MemberQuery, MemberRow, MemberSort
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel

__all__ = ["MemberTableModel"]


class MemberTableModel(PagedTableModel[MemberQuery, MemberRow]):
    """Members by name, with agency and role."""

    class Column(IntEnum):
        NAME = 0
        AGENCY = 1
        ROLE = 2

    COLUMNS: tuple[ColumnSpec[MemberRow], ...] = (
        ColumnSpec(title="Name", text=lambda r: r.name, sort=MemberSort.NAME),
        ColumnSpec(title="Agency", text=lambda r: r.agency_name, sort=MemberSort.AGENCY),
        ColumnSpec(title="Role", text=lambda r: r.role, sort=MemberSort.ROLE),
    )

    QUERY = MemberQuery()
