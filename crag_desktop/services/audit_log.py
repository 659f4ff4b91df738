"""The audit log screen's data: newest events first, filtered and keyset-paged in SQL.

The trail only grows (every save adds an event), so like the referral list it is read one
page at a time, keyed on the event's sequence number.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from crag_desktop.services.database import Database
from crag_desktop.services.lists import DEFAULT_PAGE, SortKey
from crag_desktop.storage import audit, queries

__all__ = ["AuditLog", "AuditQuery", "AuditRow"]

Change = tuple[str, str | None, str | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditQuery:
    """Which events the audit log shows; `text` matches the record id, changes or reason."""

    record_type: str | None = None
    record_id: str | None = None
    operator: str | None = None
    action: str | None = None
    text: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRow:
    """One audit event as the log lists it."""

    seq: int
    at: datetime
    operator: str
    action: str
    record_type: str
    record_id: str | None
    #: (field, old, new) for each field the action changed.
    changes: tuple[Change, ...]
    reason: str | None
    sort_key: SortKey


def _changes(stored: str) -> tuple[Change, ...]:
    decoded = json.loads(stored) if stored else []
    return tuple((str(c[0]), c[1], c[2]) for c in decoded)


def _row(row: Row[Any]) -> AuditRow:
    return AuditRow(
        seq=int(row.seq),
        at=row.at,
        operator=row.operator,
        action=row.action,
        record_type=row.record_type,
        record_id=row.record_id,
        changes=_changes(row.changes),
        reason=row.reason,
        sort_key=(int(row.seq),),
    )


class AuditLog:
    """Counts and pages of the audit trail, newest first."""

    def __init__(self, *, db: Database) -> None:
        self._db = db

    @staticmethod
    def _conditions(query: AuditQuery) -> list[Any]:
        return queries.audit_conditions(
            record_type=query.record_type,
            record_id=query.record_id,
            operator=query.operator,
            action=query.action,
            text=query.text,
        )

    def verify(self) -> list[str]:
        """Problems with the hash chain (edited, deleted, reordered or truncated events)."""
        with self._db.unit_of_work() as session:
            return audit.verify_chain(session)

    def count(self, query: AuditQuery) -> int:
        """How many events the query shows."""
        with self._db.unit_of_work() as session:
            return queries.audit_count(session, self._conditions(query))

    def page(
        self, query: AuditQuery, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> list[AuditRow]:
        """Up to `limit` events older than the one whose sort key is `after` (newest first)."""
        if limit < 1:
            raise ValueError(f"a page holds at least one row, not {limit}")
        with self._db.unit_of_work() as session:
            rows = queries.audit_page(session, self._conditions(query), after=after, limit=limit)
        return [_row(row) for row in rows]
