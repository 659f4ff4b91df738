"""The member list's model: the subgroup's members with their agencies, in memory."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import QObject

from crag_desktop.services.lists import SortKey
from crag_desktop.services.records import RecordService
from crag_desktop.ui.qt_models.agencies import MemoryList, matches
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel

__all__ = ["MemberLines", "MemberQuery", "MemberRow", "MemberSort", "MemberTableModel"]


class MemberSort(StrEnum):
    NAME = "name"
    AGENCY = "agency"
    ROLE = "role"


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberQuery:
    """Which members the list shows: `text` matches name, agency or role."""

    text: str = ""
    agency: str | None = None
    sort: MemberSort = MemberSort.NAME
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberRow:
    """One line of the member list."""

    id: str
    name: str
    agency_id: str
    agency_name: str
    role: str
    sort_key: SortKey = ()


def _member_rows(records: RecordService) -> list[MemberRow]:
    names = {agency.id: agency.name for agency in records.agencies()}
    return [
        MemberRow(
            id=m.id,
            name=m.name,
            agency_id=m.agency,
            agency_name=names.get(m.agency, m.agency),
            role=m.role or "",
        )
        for m in records.members()
    ]


def _member_key(row: MemberRow, query: MemberQuery) -> tuple[Any, ...]:
    if query.sort is MemberSort.AGENCY:
        return (row.agency_name.casefold(), row.name.casefold())
    if query.sort is MemberSort.ROLE:
        return (row.role.casefold(), row.name.casefold())
    return (row.name.casefold(),)


class MemberLines(MemoryList[MemberQuery, MemberRow]):
    """Every member, searched and sorted in memory."""

    def __init__(self, *, records: RecordService) -> None:
        super().__init__(
            load=lambda: _member_rows(records),
            keep=lambda row, q: (
                matches(q.text, row.name, row.agency_name, row.role)
                and q.agency in (None, row.agency_id)
            ),
            key=_member_key,
        )


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

    def __init__(
        self,
        *,
        service: MemoryList[MemberQuery, MemberRow],
        query: MemberQuery | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            service=service,
            query=query if query is not None else MemberQuery(),
            columns=self.COLUMNS,
            parent=parent,
        )
