"""Checking the audit trail: every event in order, unaltered, matching its head row and the
seal in the file header, and (against a backup) still holding every earlier event.
Each problem is one sentence naming the first event that is missing, altered or out of
place; see `trail` for how the chain and the seal are written.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, select

from crag_desktop.storage.audit.trail import (
    EVENT_TABLE,
    GENESIS_HASH,
    HEAD_TABLE,
    event_from_row,
    event_hash,
    is_sealed,
    list_events,
    read_seal,
    seal_tag,
)
from crag_desktop.storage.bulk import connection_of
from crag_desktop.storage.engine import missing_audit_triggers
from crag_desktop.storage.tables import AUDIT_HEAD_ID

if TYPE_CHECKING:
    # Only the type: reading and the audit trail work on a Core connection as well, and
    # importing the ORM is left to what loads or saves whole records.
    from sqlalchemy.orm import Session


def _missing_range(first: int, last: int) -> str:
    return f"Audit event {first} is" if first == last else f"Audit events {first} to {last} are"


def verify_chain(session: Session | Connection) -> list[str]:
    """Problems with the audit trail, one sentence each, first event first (empty when intact).

    Each sentence names the first event that is missing, altered or out of place.
    """
    tables = set(inspect(connection_of(session)).get_table_names())
    seal = read_seal(session)
    sealed_seq = seal[0] if seal else 0
    if EVENT_TABLE.name not in tables:
        recorded = f" (the file's header records {sealed_seq} events)" if sealed_seq else ""
        return [
            f"The audit trail's table is missing{recorded}: the whole trail was removed. "
            "Restore the database from a backup."
        ]
    problems: list[str] = []
    if is_sealed(session):
        missing = missing_audit_triggers(connection_of(session))
        if missing:
            problems.append(
                "The guard that keeps the audit trail append-only was removed "
                f"({', '.join(missing)}): the trail may have been edited outside CRAG Desktop."
            )
    walked = _walk_chain(session, problems)
    problems += _head_problems(session, tables, walked)
    if seal is not None:
        problems += _seal_problems(
            seal, last_seq=walked.last_seq, last_hash=walked.last_hash, count=walked.count
        )
    return problems


@dataclasses.dataclass(frozen=True)
class _Walked:
    """What walking the trail found: how many events, the last one's number and hash."""

    count: int
    last_seq: int
    last_hash: str


def _walk_chain(session: Session | Connection, problems: list[str]) -> _Walked:
    """Read every event in order, adding a sentence to `problems` for each that is missing,
    out of place or altered."""
    previous = GENESIS_HASH
    expected_seq = 1
    count = 0
    last_seq = 0
    rows = session.execute(select(EVENT_TABLE).order_by(EVENT_TABLE.c.seq)).mappings()
    for row in rows:
        try:
            event = event_from_row(row)
        except (ValueError, TypeError):
            problems.append(f"Audit event {row['seq']} cannot be read: it was altered.")
            continue
        count += 1
        if event.seq != expected_seq:
            problems.append(
                f"{_missing_range(expected_seq, event.seq - 1)} missing: they were deleted."
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
    return _Walked(count=count, last_seq=last_seq, last_hash=previous)


def _head_problems(session: Session | Connection, tables: set[str], walked: _Walked) -> list[str]:
    """The head row agrees with the trail as walked, or one sentence why not."""
    head_row = None
    if HEAD_TABLE.name in tables:
        head_row = (
            session.execute(select(HEAD_TABLE).where(HEAD_TABLE.c.id == AUDIT_HEAD_ID))
            .mappings()
            .first()
        )
    if head_row is None:
        return ["The audit trail's head record is missing: it was deleted."] if walked.count else []
    if (
        int(head_row["count"]) != walked.count
        or int(head_row["last_seq"]) != walked.last_seq
        or str(head_row["last_hash"]) != walked.last_hash
    ):
        return [
            f"The audit trail ends at event {walked.last_seq} of {walked.count}, but its head "
            f"record says {head_row['last_seq']} of {head_row['count']}: the newest events "
            "were removed or the head was altered."
        ]
    return []


def _seal_problems(
    seal: tuple[int, int], *, last_seq: int, last_hash: str, count: int
) -> list[str]:
    sealed_seq, tag = seal
    if sealed_seq > last_seq:
        ends = "the trail is empty" if not count else f"the trail ends at event {last_seq}"
        return [
            f"{_missing_range(last_seq + 1, sealed_seq)} missing: the file's header records "
            f"{sealed_seq} events but {ends}. They were deleted."
        ]
    if sealed_seq < last_seq:
        first = sealed_seq + 1
        events = (
            f"Audit event {first} was"
            if first == last_seq
            else (f"Audit events {first} to {last_seq} were")
        )
        return [
            f"{events} added outside CRAG Desktop: the file's header records only "
            f"{sealed_seq} events."
        ]
    if tag != seal_tag(last_seq, last_hash):
        return [
            f"The audit trail's newest event ({last_seq}) does not match the seal in the file's "
            "header: events were rewritten or removed at some point. Compare the trail with a "
            "backup (crag-desktop audit DB --verify --against BACKUP) to find the first one."
        ]
    return []


def compare_trails(live: Session | Connection, earlier: Session | Connection) -> list[str]:
    """Problems found by comparing a trail with an earlier copy of it (a backup).

    The trail only grows, so every event of the earlier copy must still be in the live trail,
    unchanged: the first that is not is named.
    """
    after = 0
    while True:
        old = list_events(earlier, after_seq=after, limit=1000)
        if not old:
            return []
        new = {e.seq: e for e in list_events(live, after_seq=after, limit=len(old))}
        for event in old:
            current = new.get(event.seq)
            if current is None:
                return [
                    f"Audit event {event.seq} is in the backup but missing from the database: "
                    "it was deleted."
                ]
            if current.hash != event.hash:
                return [
                    f"Audit event {event.seq} differs from the one in the backup: it was "
                    "altered or replaced."
                ]
        after = old[-1].seq
