"""The append-only, hash-chained audit trail.

Each event's hash is SHA-256 over a canonical JSON of all its fields and the previous
event's hash (the first event follows 64 zeros). The `audit_head` row holds the last seq,
last hash and count, and is updated in the same transaction as every append.

What `verify_chain` detects: an event edited (its hash no longer matches), deleted or
reordered (the next event's previous_hash or the seq sequence breaks), the newest events
removed (the head no longer matches the last event), the head row removed or edited.
What it cannot detect: someone who has the passphrase and rewrites the trail with valid
hashes and a matching head. The chain has no secret, so it proves consistency, not
authorship; comparing the head hash with one recorded elsewhere (a printed report, a
backup) narrows that window. In SQLite, triggers also refuse UPDATE and DELETE on events.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import RowMapping, Table, insert, select, update
from sqlalchemy.orm import Session

from crag_desktop.domain.records import AuditEvent
from crag_desktop.storage import models as m

__all__ = [
    "GENESIS_HASH",
    "Change",
    "append",
    "append_many",
    "event_hash",
    "head",
    "list_events",
    "record_diff",
    "verify_chain",
]

#: The previous hash of the first event.
GENESIS_HASH = "0" * 64

#: One changed field: (field path, old value, new value), values as readable text.
Change = tuple[str, str | None, str | None]


def _table(row_class: type[m.Base]) -> Table:
    table = row_class.__table__
    assert isinstance(table, Table)
    return table


_EVENT = _table(m.AuditEventRow)
_HEAD = _table(m.AuditHeadRow)


def _canonical(
    *,
    seq: int,
    at: datetime,
    operator: str,
    action: str,
    record_type: str,
    record_id: str | None,
    changes: tuple[Change, ...],
    reason: str | None,
    previous_hash: str,
) -> bytes:
    payload = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(),
        "operator": operator,
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "changes": [list(change) for change in changes],
        "reason": reason,
        "previous_hash": previous_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(event: AuditEvent) -> str:
    """The hash an event should carry, computed from its other fields."""
    return hashlib.sha256(
        _canonical(
            seq=event.seq,
            at=event.at,
            operator=event.operator,
            action=event.action,
            record_type=event.record_type,
            record_id=event.record_id,
            changes=event.changes,
            reason=event.reason,
            previous_hash=event.previous_hash,
        )
    ).hexdigest()


def head(session: Session) -> tuple[int, str]:
    """The number of events and the last event's hash (GENESIS_HASH when empty)."""
    row = session.execute(select(_HEAD).where(_HEAD.c.id == m.AUDIT_HEAD_ID)).mappings().first()
    if row is None:
        return 0, GENESIS_HASH
    return int(row["count"]), str(row["last_hash"])


def _text(value: str | None) -> str | None:
    return None if value is None else str(value)


def _read_head(session: Session) -> tuple[int, str, int, bool]:
    """(last seq, last hash, count, whether the head row exists)."""
    row = session.execute(select(_HEAD).where(_HEAD.c.id == m.AUDIT_HEAD_ID)).mappings().first()
    if row is None:
        last = session.execute(
            select(_EVENT.c.seq, _EVENT.c.hash).order_by(_EVENT.c.seq.desc())
        ).first()
        if last is None:
            return 0, GENESIS_HASH, 0, False
        # The head was removed behind our back: carry on after the last event, but with a
        # count of 0 so that verify_chain keeps reporting the mismatch.
        return int(last[0]), str(last[1]), 0, False
    return int(row["last_seq"]), str(row["last_hash"]), int(row["count"]), True


def _write(session: Session, events: list[AuditEvent], *, count: int, head_exists: bool) -> None:
    if not events:
        return
    session.execute(
        insert(_EVENT),
        [
            {
                "seq": event.seq,
                "at": event.at,
                "operator": event.operator,
                "action": event.action,
                "record_type": event.record_type,
                "record_id": event.record_id,
                "changes": json.dumps([list(c) for c in event.changes], ensure_ascii=False),
                "reason": event.reason,
                "previous_hash": event.previous_hash,
                "hash": event.hash,
            }
            for event in events
        ],
    )
    last = events[-1]
    values = {"last_seq": last.seq, "last_hash": last.hash, "count": count + len(events)}
    # Same transaction as the events: a truncated trail no longer matches its head.
    if head_exists:
        session.execute(update(_HEAD).where(_HEAD.c.id == m.AUDIT_HEAD_ID).values(values))
    else:
        session.execute(insert(_HEAD).values(id=m.AUDIT_HEAD_ID, **values))


def _chained(
    *,
    seq: int,
    previous: str,
    at: datetime,
    operator: str,
    action: str,
    record_type: str,
    record_id: str | None,
    changes: Iterable[Change],
    reason: str | None,
) -> AuditEvent:
    event = AuditEvent(
        seq=seq,
        at=at,
        operator=operator,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes=tuple((str(f), _text(old), _text(new)) for f, old, new in changes),
        reason=reason,
        previous_hash=previous,
        hash="",
    )
    return dataclasses.replace(event, hash=event_hash(event))


def append(
    session: Session,
    *,
    operator: str,
    action: str,
    record_type: str,
    record_id: str | None = None,
    changes: Iterable[Change] = (),
    reason: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Record one event at the end of the trail, in the caller's transaction."""
    last_seq, previous, count, head_exists = _read_head(session)
    event = _chained(
        seq=last_seq + 1,
        previous=previous,
        at=(at or datetime.now(UTC)).astimezone(UTC),
        operator=operator,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes=changes,
        reason=reason,
    )
    _write(session, [event], count=count, head_exists=head_exists)
    return event


def append_many(
    session: Session,
    *,
    operator: str,
    action: str,
    records: Iterable[tuple[str, str | None]],
    reason: str | None = None,
    at: datetime | None = None,
) -> list[AuditEvent]:
    """One event per (record_type, record_id), without field changes (bulk import)."""
    last_seq, previous, count, head_exists = _read_head(session)
    when = (at or datetime.now(UTC)).astimezone(UTC)
    events: list[AuditEvent] = []
    for record_type, record_id in records:
        event = _chained(
            seq=last_seq + len(events) + 1,
            previous=previous,
            at=when,
            operator=operator,
            action=action,
            record_type=record_type,
            record_id=record_id,
            changes=(),
            reason=reason,
        )
        events.append(event)
        previous = event.hash
    _write(session, events, count=count, head_exists=head_exists)
    return events


def _event(row: RowMapping) -> AuditEvent:
    changes = tuple(
        (str(f), None if old is None else str(old), None if new is None else str(new))
        for f, old, new in json.loads(row["changes"])
    )
    return AuditEvent(
        seq=int(row["seq"]),
        at=row["at"],
        operator=row["operator"],
        action=row["action"],
        record_type=row["record_type"],
        record_id=row["record_id"],
        changes=changes,
        reason=row["reason"],
        previous_hash=row["previous_hash"],
        hash=row["hash"],
    )


def list_events(
    session: Session,
    *,
    after_seq: int = 0,
    limit: int | None = 500,
    record_type: str | None = None,
    record_id: str | None = None,
    action: str | None = None,
    operator: str | None = None,
    newest_first: bool = False,
) -> list[AuditEvent]:
    """Events matching every filter given, by seq (oldest first unless `newest_first`)."""
    statement = select(_EVENT).where(_EVENT.c.seq > after_seq)
    for column, value in (
        (_EVENT.c.record_type, record_type),
        (_EVENT.c.record_id, record_id),
        (_EVENT.c.action, action),
        (_EVENT.c.operator, operator),
    ):
        if value is not None:
            statement = statement.where(column == value)
    statement = statement.order_by(_EVENT.c.seq.desc() if newest_first else _EVENT.c.seq)
    if limit is not None:
        statement = statement.limit(limit)
    return [_event(row) for row in session.execute(statement).mappings()]


def verify_chain(session: Session) -> list[str]:
    """Problems with the audit trail, one sentence each (empty when it is intact)."""
    problems: list[str] = []
    previous = GENESIS_HASH
    expected_seq = 1
    count = 0
    last_seq = 0
    rows = session.execute(select(_EVENT).order_by(_EVENT.c.seq)).mappings()
    for row in rows:
        try:
            event = _event(row)
        except (ValueError, TypeError):
            problems.append(f"Audit event {row['seq']} cannot be read: it was altered.")
            continue
        count += 1
        if event.seq != expected_seq:
            problems.append(
                f"Audit events {expected_seq} to {event.seq - 1} are missing: they were deleted."
            )
        if event.previous_hash != previous:
            problems.append(
                f"Audit event {event.seq} does not follow the event before it: events were "
                "deleted, reordered or altered."
            )
        if event_hash(event) != event.hash:
            problems.append(f"Audit event {event.seq} was altered after it was written.")
        previous = event.hash
        expected_seq = event.seq + 1
        last_seq = event.seq
    head_row = (
        session.execute(select(_HEAD).where(_HEAD.c.id == m.AUDIT_HEAD_ID)).mappings().first()
    )
    if head_row is None:
        if count:
            problems.append("The audit trail's head record is missing: it was deleted.")
    elif (
        int(head_row["count"]) != count
        or int(head_row["last_seq"]) != last_seq
        or str(head_row["last_hash"]) != previous
    ):
        problems.append(
            f"The audit trail ends at event {last_seq} of {count}, but its head record says "
            f"{head_row['last_seq']} of {head_row['count']}: the newest events were removed "
            "or the head was altered."
        )
    return problems


# --- Differences between records --------------------------------------------------------------


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _flatten(value: Any, prefix: str, out: dict[str, str | None]) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            name = f"{prefix}.{item.name}" if prefix else item.name
            _flatten(getattr(value, item.name), name, out)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(item, f"{prefix}[{key}]", out)
    elif isinstance(value, (tuple, list)):
        # An empty list adds no entry: adding or removing items shows as the items' fields.
        for i, item in enumerate(value):
            _flatten(item, f"{prefix}[{i}]", out)
    else:
        out[prefix] = _scalar(value)


def record_diff(old: object | None, new: object | None) -> list[Change]:
    """The fields that differ between two versions of a record, as readable text.

    Nested parts are flattened ("children[0].age_years"); a created record is diffed against
    None (every field new), a deleted one the other way round.
    """
    before: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    if old is not None:
        _flatten(old, "", before)
    if new is not None:
        _flatten(new, "", after)
    keys = list(before)
    keys.extend(key for key in after if key not in before)
    return [
        (key, before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)
    ]
