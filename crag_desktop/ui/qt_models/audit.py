"""The audit log's table model: events newest first, paged from SQL by sequence number."""

from __future__ import annotations

from datetime import UTC
from enum import IntEnum

from PySide6.QtCore import QObject

from crag_desktop.domain.audit_terms import ACTIONS, RECORD_TYPES, action_text, record_type_text
from crag_desktop.domain.wording import short_date_time
from crag_desktop.services.audit_log import AuditLine, AuditLines, AuditLog, AuditQuery, AuditRow
from crag_desktop.ui.qt_models.paged import ColumnSpec, PagedTableModel

__all__ = [
    "ACTIONS",
    "RECORD_TYPES",
    "AuditTableModel",
    "action_text",
    "change_lines",
    "record_text",
    "record_tooltip",
    "record_type_text",
]


def _value(value: str | None) -> str:
    return "(empty)" if value is None or value == "" else value


def change_lines(row: AuditRow) -> list[str]:
    """Each changed field as "Action 1, update 2, date: (empty) → 20/03/2017", in the words
    the service gave it (readable field names, vocabulary labels, UK dates)."""
    # The record's own id is an internal key (shown in the record's tooltip); the
    # secretariat reads the record by its reference or title instead.
    return [
        f"{name}: {_value(old)} → {_value(new)}"
        for name, old, new in row.details
        if name not in _INTERNAL_FIELDS
    ]


_INTERNAL_FIELDS = frozenset({"Id", "id"})


def record_text(row: AuditRow) -> str:
    """The record as the secretariat knows it ("CRAG-2016-04 Child T"), else its id."""
    return row.record_label or row.record_id or ""


def record_tooltip(row: AuditRow) -> str:
    """The stored id, for when someone needs to match the trail against the database."""
    return f"Record id: {row.record_id}" if row.record_id else ""


def _when(line: AuditLine) -> str:
    at = line.event.at
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    # Shown in the laptop's local time: that is the clock the secretariat reads.
    return short_date_time(at.astimezone(), seconds=True)


def _changes(line: AuditLine) -> str:
    lines = change_lines(line.event)
    if not lines:
        return ""
    first = lines[0]
    return first if len(lines) == 1 else f"{first} (and {len(lines) - 1} more)"


class AuditTableModel(PagedTableModel[AuditQuery, AuditLine]):
    """Audit events, newest first; read-only and never re-sorted (the chain has one order)."""

    class Column(IntEnum):
        SEQ = 0
        WHEN = 1
        OPERATOR = 2
        ACTION = 3
        RECORD_TYPE = 4
        RECORD_ID = 5
        CHANGES = 6
        REASON = 7

    COLUMNS: tuple[ColumnSpec[AuditLine], ...] = (
        ColumnSpec(title="No.", text=lambda r: str(r.event.seq), align_right=True),
        ColumnSpec(title="When", text=_when),
        ColumnSpec(title="Operator", text=lambda r: r.event.operator),
        ColumnSpec(title="Action", text=lambda r: action_text(r.event.action)),
        ColumnSpec(title="Record type", text=lambda r: record_type_text(r.event.record_type)),
        ColumnSpec(
            title="Record",
            text=lambda r: record_text(r.event),
            tooltip=lambda r: record_tooltip(r.event),
        ),
        ColumnSpec(
            title="Changes (old → new)",
            text=_changes,
            tooltip=lambda r: "\n".join(change_lines(r.event)),
        ),
        ColumnSpec(title="Reason", text=lambda r: r.event.reason or ""),
    )

    QUERY = AuditQuery()

    def __init__(
        self,
        *,
        log: AuditLog,
        query: AuditQuery | None = None,
        page_size: int = 200,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            service=AuditLines(log=log), query=query, page_size=page_size, parent=parent
        )

    def event_at(self, row: int) -> AuditRow:
        """The audit event shown at `row`."""
        return self.row_at(row).event
