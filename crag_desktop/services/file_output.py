"""Files that leave the database (exports, printed reports): written and audited in one step.

Every such file is recorded in the audit trail before it takes its name: the content is
written to a temporary file beside the target and fsynced, the audit event is committed,
and only then is the file renamed into place. A read-only database, a held lock or a kill
before the commit leaves no file and no event; a kill after it leaves the event and a
temporary file that the next start removes. So no export is ever on disk unaudited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from crag_desktop.domain.errors import CragError, DatabaseBusy, DatabaseReadOnly
from crag_desktop.fileio import write_atomically
from crag_desktop.services.database import Database
from crag_desktop.storage import audit

__all__ = ["write_recorded_file"]


def write_recorded_file(
    db: Database,
    path: Path,
    write: Callable[[BinaryIO], None],
    *,
    action: str,
    record_type: str,
    record_id: str | None = None,
    changes: Sequence[audit.Change] = (),
    reason: str | None = None,
) -> None:
    """Write `path` with `write` (atomically, user-only, never over a database) and audit it
    (`action` on `record_type`/`record_id`) in the same step."""

    def record() -> None:
        # On a Core connection: the event is one row, and a report printed from the command
        # line then imports no ORM (benchmarks: decision record, annual report).
        with db.writing() as connection:
            db.audit(
                connection,
                action=action,
                record_type=record_type,
                record_id=record_id,
                changes=changes,
                reason=reason,
            )

    try:
        write_atomically(path, write, protected=(db.path,), record=record)
    except (DatabaseReadOnly, DatabaseBusy) as error:
        raise CragError(
            f"{path.name} was not written: every file that leaves the database is recorded "
            f"in its audit trail first, and {error}"
        ) from None
