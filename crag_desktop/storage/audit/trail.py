"""The append-only, hash-chained audit trail, sealed outside the tables it protects.

Each event's hash is SHA-256 over a canonical JSON of all its fields and the previous
event's hash (the first event follows 64 zeros). The `audit_head` row holds the last seq,
last hash and count, and is updated in the same transaction as every append.

The seal. A head row inside the database can be deleted or rewritten by the same SQL that
deletes the events, so the trail is also sealed where no DELETE, DROP TABLE or UPDATE of a
table reaches: the file header's two application integers (see `storage.engine`) hold the
last seq and a 31-bit tag of (last seq, last hash), written in the same transaction as each
append. Verification compares the trail with that seal, so a wiped trail ("events 1 to 57 are
missing"), a truncated one with a matching head ("events 41 to 57 are missing") and a rewritten
one with recomputed hashes (the tag no longer matches) all show. Once the seal and the trail
disagree, appends keep the old tag: tampering stays visible after the next unlock instead of
being sealed over. Every backup carries the seal of its own copy (see `storage.maintenance`).

What it cannot detect: someone who has the passphrase, knows this scheme and rewrites the
events, the head and the header consistently. There is no secret to key a MAC with: the only
secret is the passphrase, which such a person has, so a keyed tag would prove no more than a
plain one. The defence there is outside the file: backups (whose trails must be a prefix of
the live one, see `verify.compare_trails`) and printed reports. In SQLite, triggers also refuse
UPDATE and DELETE on events.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from json.encoder import encode_basestring
from typing import TYPE_CHECKING

from sqlalchemy import Connection, RowMapping, insert, select, update

from crag_desktop.domain.audit_terms import ACTIONS, RECORD_TYPES
from crag_desktop.domain.records import AuditEvent
from crag_desktop.storage import tables
from crag_desktop.storage.audit.diff import Change
from crag_desktop.storage.bulk import connection_of, insert_rows
from crag_desktop.storage.engine import (
    read_audit_seal,
    write_audit_seal,
)
from crag_desktop.storage.prepared import fetch

if TYPE_CHECKING:
    # Only the type: reading and the audit trail work on a Core connection as well, and
    # importing the ORM is left to what loads or saves whole records.
    from sqlalchemy.orm import Session

#: The previous hash of the first event.
GENESIS_HASH = "0" * 64


EVENT_TABLE = tables.audit_event
HEAD_TABLE = tables.audit_head


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


def head(session: Session | Connection) -> tuple[int, str]:
    """The number of events and the last event's hash (GENESIS_HASH when empty)."""
    row = (
        session.execute(select(HEAD_TABLE).where(HEAD_TABLE.c.id == tables.AUDIT_HEAD_ID))
        .mappings()
        .first()
    )
    if row is None:
        return 0, GENESIS_HASH
    return int(row["count"]), str(row["last_hash"])


_SEAL_LABEL = b"crag-desktop audit seal v1\x00"


def seal_tag(seq: int, last_hash: str) -> int:
    """The 31-bit tag the header holds for a trail ending at `seq` with `last_hash`."""
    digest = hashlib.sha256(_SEAL_LABEL + f"{seq}:{last_hash}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def is_sealed(session: Session | Connection) -> bool:
    """Whether the trail is sealed in the file header (SQLite files only)."""
    # The header seal is SQLite's; a server database keeps its trail behind GRANTs instead.
    return connection_of(session).dialect.name == "sqlite"


def read_seal(session: Session | Connection) -> tuple[int, int] | None:
    """(last seq, tag) from the file header; None where the database has no header."""
    if not is_sealed(session):
        return None
    return read_audit_seal(connection_of(session))


def stamp_seal(session: Session | Connection) -> None:
    """Seal the trail as it stands (the migration that introduced the seal, new files)."""
    if not is_sealed(session):
        return
    last_seq, last_hash, _count, _exists = _read_head(session)
    write_audit_seal(connection_of(session), last_seq, seal_tag(last_seq, last_hash))


def _text(value: str | None) -> str | None:
    return None if value is None else str(value)


#: Made once, and run on the driver: every save reads and moves the head (building a
#: statement, and SQLAlchemy's execution of a cached one, cost more than running it).
_HEAD = select(HEAD_TABLE).where(HEAD_TABLE.c.id == tables.AUDIT_HEAD_ID)
#: Sets the columns its parameters name.
_MOVE_HEAD = update(HEAD_TABLE).where(HEAD_TABLE.c.id == tables.AUDIT_HEAD_ID)


def _read_head(session: Session | Connection) -> tuple[int, str, int, bool]:
    """(last seq, last hash, count, whether the head row exists)."""
    found = fetch(session, _HEAD, {})
    row = found[0] if found else None
    if row is None:
        last = session.execute(
            select(EVENT_TABLE.c.seq, EVENT_TABLE.c.hash).order_by(EVENT_TABLE.c.seq.desc())
        ).first()
        if last is None:
            return 0, GENESIS_HASH, 0, False
        # The head was removed behind our back: carry on after the last event, but with a
        # count of 0 so that verify_chain keeps reporting the mismatch.
        return int(last[0]), str(last[1]), 0, False
    return int(row["last_seq"]), str(row["last_hash"]), int(row["count"]), True


def _next_seq(last_seq: int, seal: tuple[int, int] | None) -> int:
    """The seq of the next event: after the head and after the seal, whichever is later, so
    events deleted from the end are never numbered again (their gap stays visible)."""
    return max(last_seq, seal[0] if seal else 0) + 1


def _write(
    session: Session | Connection,
    events: list[AuditEvent],
    *,
    count: int,
    head_exists: bool,
    previous_seq: int,
    seal: tuple[int, int] | None,
) -> None:
    if not events:
        return
    _check_vocabulary(events)
    insert_rows(
        session,
        EVENT_TABLE,
        [
            (
                event.seq,
                event.at,
                event.operator,
                event.action,
                event.record_type,
                event.record_id,
                # "[]" is what json.dumps writes for no changes (every event of an import).
                (
                    json.dumps([list(c) for c in event.changes], ensure_ascii=False)
                    if event.changes
                    else "[]"
                ),
                event.reason,
                event.previous_hash,
                event.hash,
            )
            for event in events
        ],
    )
    last = events[-1]
    values = {"last_seq": last.seq, "last_hash": last.hash, "count": count + len(events)}
    # Same transaction as the events: a truncated trail no longer matches its head.
    if head_exists:
        session.execute(_MOVE_HEAD, values)
    else:
        session.execute(insert(HEAD_TABLE).values(id=tables.AUDIT_HEAD_ID, **values))
    if seal is not None:
        seal_seq, tag = seal
        intact = seal_seq == previous_seq and tag == seal_tag(previous_seq, events[0].previous_hash)
        # A broken seal keeps its old tag: sealing over tampering would hide it.
        write_audit_seal(
            connection_of(session), last.seq, seal_tag(last.seq, last.hash) if intact else tag
        )


def _check_vocabulary(events: list[AuditEvent]) -> None:
    # A code outside the vocabulary would be missing from the audit log's filters (and its
    # wording): refuse it where it is written, so a test of any new event finds it.
    actions = {event.action for event in events}
    types = {event.record_type for event in events}
    unknown = sorted((actions - ACTIONS.keys()) | (types - RECORD_TYPES.keys()))
    if unknown:
        raise ValueError(f"not in the audit vocabulary (domain/audit_terms.py): {unknown}")


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
    session: Session | Connection,
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
    # A session's connection is asked for once: each asking runs through the ORM.
    session = connection_of(session)
    last_seq, previous, count, head_exists = _read_head(session)
    # Read once for the seq and the seal's update: a save runs a few statements in all.
    seal = read_seal(session)
    event = _chained(
        seq=_next_seq(last_seq, seal),
        previous=previous,
        at=(at or datetime.now(UTC)).astimezone(UTC),
        operator=operator,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes=changes,
        reason=reason,
    )
    _write(session, [event], count=count, head_exists=head_exists, previous_seq=last_seq, seal=seal)
    return event


def append_many(
    session: Session | Connection,
    *,
    operator: str,
    action: str,
    records: Iterable[tuple[str, str | None]],
    reason: str | None = None,
    at: datetime | None = None,
) -> list[AuditEvent]:
    """One event per (record_type, record_id), without field changes (bulk import)."""
    last_seq, previous, count, head_exists = _read_head(session)
    seal = read_seal(session)
    first_seq = _next_seq(last_seq, seal)
    when = (at or datetime.now(UTC)).astimezone(UTC)
    canonical = _CanonicalCreates(at=when, operator=operator, action=action, reason=reason)
    events: list[AuditEvent] = []
    for record_type, record_id in records:
        seq = first_seq + len(events)
        digest = hashlib.sha256(canonical(seq, previous, record_type, record_id)).hexdigest()
        events.append(
            AuditEvent(
                seq=seq,
                at=when,
                operator=operator,
                action=action,
                record_type=record_type,
                record_id=record_id,
                changes=(),
                reason=reason,
                previous_hash=previous,
                hash=digest,
            )
        )
        previous = digest
    _write(session, events, count=count, head_exists=head_exists, previous_seq=last_seq, seal=seal)
    return events


class _CanonicalCreates:
    """`_canonical` for a run of events that differ only in seq, previous hash, record type
    and record id (an import's thousands of create events), without a `json.dumps` of the
    whole event each time: `_canonical` is called once with markers in the four places, and
    each event's bytes are the pieces around the markers with its own values encoded the
    same way. Equal to `_canonical` by construction (and tested against it)."""

    def __init__(self, *, at: datetime, operator: str, action: str, reason: str | None) -> None:
        while True:
            # Random markers, which no operator name or reason holds but by a chance far
            # below one in a trillion (then new ones are drawn).
            token = secrets.token_hex(16)
            seq_marker = int(token[:15], 16)
            template = _canonical(
                seq=seq_marker,
                at=at,
                operator=operator,
                action=action,
                record_type=f"{token}-type",
                record_id=f"{token}-id",
                changes=(),
                reason=reason,
                previous_hash=f"{token}-previous",
            )
            # In the order the sorted keys put them: previous_hash, record_id, record_type, seq.
            markers = [
                *(json.dumps(f"{token}-{field}").encode() for field in ("previous", "id", "type")),
                str(seq_marker).encode(),
            ]
            pieces = re.split(b"|".join(map(re.escape, markers)), template)
            found = [template.find(marker) for marker in markers]
            if len(pieces) == len(markers) + 1 and found == sorted(found):
                break
        self._pieces = pieces
        self._types: dict[str, bytes] = {}

    def __call__(self, seq: int, previous: str, record_type: str, record_id: str | None) -> bytes:
        kind = self._types.get(record_type)
        if kind is None:
            kind = self._types[record_type] = _encoded(record_type)
        p = self._pieces
        return b"".join(
            (
                p[0],
                _encoded(previous),
                p[1],
                b"null" if record_id is None else _encoded(record_id),
                p[2],
                kind,
                p[3],
                str(seq).encode(),
                p[4],
            )
        )


def _encoded(text: str) -> bytes:
    """A string as `_canonical` writes it: `json.dumps(text, ensure_ascii=False)` is this C
    function behind a Python call chain that costs more than the encoding."""
    return encode_basestring(text).encode()


def event_from_row(row: RowMapping) -> AuditEvent:
    """The event a row of the events table holds (ValueError or TypeError when altered)."""
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
    session: Session | Connection,
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
    statement = select(EVENT_TABLE).where(EVENT_TABLE.c.seq > after_seq)
    for column, value in (
        (EVENT_TABLE.c.record_type, record_type),
        (EVENT_TABLE.c.record_id, record_id),
        (EVENT_TABLE.c.action, action),
        (EVENT_TABLE.c.operator, operator),
    ):
        if value is not None:
            statement = statement.where(column == value)
    statement = statement.order_by(EVENT_TABLE.c.seq.desc() if newest_first else EVENT_TABLE.c.seq)
    if limit is not None:
        statement = statement.limit(limit)
    return [event_from_row(row) for row in session.execute(statement).mappings()]
