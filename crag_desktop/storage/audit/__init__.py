"""The audit trail: append-only, hash-chained, sealed outside the tables it protects.

`trail` writes and reads the events (and explains the chain and the seal), `verify` checks
the trail and compares it with a backup's, `diff` turns two versions of a record into the
changed fields an event lists. Callers use this package: `from crag_desktop.storage import
audit`, then `audit.append(...)`.
"""

from crag_desktop.storage.audit.diff import Change, record_diff
from crag_desktop.storage.audit.trail import (
    GENESIS_HASH,
    append,
    append_many,
    event_hash,
    head,
    list_events,
    read_seal,
    seal_tag,
    stamp_seal,
)
from crag_desktop.storage.audit.verify import compare_trails, verify_chain

__all__ = [
    "GENESIS_HASH",
    "Change",
    "append",
    "append_many",
    "compare_trails",
    "event_hash",
    "head",
    "list_events",
    "read_seal",
    "record_diff",
    "seal_tag",
    "stamp_seal",
    "verify_chain",
]
