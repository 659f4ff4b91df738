"""Backups and restores: encrypted copies made through SQLCipher, proven before they count.

A backup is never a file copy (a copy of an open file can miss committed pages): it is an
`sqlcipher_export` of one read transaction into a new file beside the target, which is then
opened, checked page by page and structurally, and compared with what the database held at
that moment (every table's row count, the audit head, the audit seal) before it is given its
name. The name is taken with a hard link, so an existing file is never overwritten.

A restore proves the backup the same way first, makes a fresh encrypted copy of it beside
the live file, proves that too, and only then swaps it in: the live file is kept aside under
a ".replaced-<time>" name (a hard link to it, so at every moment the live name holds a whole
database). Both are recorded in the audit trail.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crag_desktop.domain.errors import CragError, DatabaseNotWritable
from crag_desktop.fileio import may_change_in_place, refuse_database_target
from crag_desktop.services.database import DATABASE_RECORD, Database
from crag_desktop.storage import audit
from crag_desktop.storage.engine import open_engine
from crag_desktop.storage.lock import DatabaseLock
from crag_desktop.storage.maintenance import Snapshot, export_encrypted_copy, inspect_copy
from crag_desktop.storage.schema import check_schema

__all__ = [
    "BACKUP_SUFFIX",
    "BackupFailed",
    "BackupResult",
    "DatabaseProperties",
    "RestoreResult",
    "compare_with_backup",
    "database_properties",
    "last_backup",
    "make_backup",
    "prove_backup",
    "restore_backup",
    "rotate_backups",
]

#: The suffix of the backups CRAG Desktop names itself (automatic backups).
BACKUP_SUFFIX = ".crag-backup"

#: Reports progress: (step done, steps in all, what is happening).
Progress = Callable[[int, int, str], None]


class BackupFailed(CragError):
    """A backup or restore could not be made or proven; nothing was replaced."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    """A backup written and proven."""

    path: Path
    events: int
    records: int
    size: int
    seconds: float


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """A restore done: the live file replaced, the old one kept aside."""

    database: Path
    kept_aside: Path | None
    events: int


def _nothing(_done: int, _total: int, _text: str) -> None:
    return None


def _records(snapshot: Snapshot) -> int:
    skip = {"alembic_version", "audit_event", "audit_head", "draft"}
    return sum(n for name, n in snapshot.counts.items() if name not in skip)


def _temporary_beside(path: Path) -> Path:
    # Hidden, unique, in the target's folder so the final link or rename stays on one disk.
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _compare(expected: Snapshot, found: Snapshot, what: str) -> list[str]:
    problems: list[str] = []
    for table, count in sorted(expected.counts.items()):
        if found.counts.get(table) != count:
            problems.append(
                f"{what} holds {found.counts.get(table, 0)} rows of {table}, not {count}."
            )
    if found.audit_head != expected.audit_head:
        problems.append(f"{what}'s audit trail does not end where the database's does.")
    if found.seal != expected.seal:
        problems.append(f"{what}'s audit seal differs from the database's.")
    return problems


def _check_target(path: Path, database: Path) -> None:
    # The database, its working files, links to them and any SQLCipher file: the project's
    # one guard says which, in its own sentence.
    refuse_database_target(path, protected=(database,))
    if path.exists() or path.is_symlink():
        raise BackupFailed(
            f"{path} already exists; a backup never overwrites a file. Choose a new name."
        )
    if not path.parent.is_dir():
        raise BackupFailed(f"The folder {path.parent} does not exist; choose another place.")


def make_backup(
    db: Database, out: Path, *, progress: Progress = _nothing, reason: str | None = None
) -> BackupResult:
    """Write a proven, encrypted backup of `db` (under its own passphrase) to the new file `out`."""
    started = time.perf_counter()
    out = Path(out)
    _check_target(out, db.path)
    progress(0, 4, "Recording the backup in the audit trail…")
    # Recorded first, so the backup's own trail shows it was made and by whom.
    db.record(action="backup", reason=reason or f"to {out.name}")
    temp = _temporary_beside(out)
    try:
        progress(1, 4, "Copying the database (encrypted)…")
        try:
            expected = export_encrypted_copy(db.engine, temp)
        except OSError as error:
            raise BackupFailed(
                f"The backup could not be written to {out.parent} ({error.strerror})."
            ) from None
        progress(2, 4, "Checking the copy…")
        found, problems = inspect_copy(temp, _passphrase_of(db))
        problems += _compare(expected, found, "The copy")
        if problems:
            raise BackupFailed("The backup failed its check: " + " ".join(problems))
        progress(3, 4, "Saving the backup…")
        _fsync_file(temp)
        try:
            os.link(temp, out)
        except FileExistsError:
            raise BackupFailed(
                f"{out} appeared while the backup was written; nothing was overwritten."
            ) from None
        temp.unlink()
        _fsync_folder(out.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        with contextlib.suppress(Exception):
            db.record(action="backup_failed", reason=f"to {out.name}")
        raise
    progress(4, 4, "Backup done.")
    return BackupResult(
        path=out,
        events=expected.audit_head[0] if expected.audit_head else 0,
        records=_records(expected),
        size=out.stat().st_size,
        seconds=time.perf_counter() - started,
    )


def _passphrase_of(db: Database) -> str:
    from crag_desktop.storage.engine import live_passphrase

    return live_passphrase(db.engine)


def prove_backup(path: Path, passphrase: str) -> Snapshot:
    """Open a backup without changing it and check it fully; BackupFailed says what is wrong."""
    path = Path(path)
    try:
        found, problems = inspect_copy(path, passphrase)
        engine = open_engine(path, passphrase, create=False)
        try:
            with engine.connect() as connection:
                problems += audit.verify_chain(connection)
        finally:
            engine.dispose()
    except CragError:
        raise
    except Exception as error:
        # A damaged page or structure stops SQLite part way: that is the finding.
        raise BackupFailed(
            f"The backup {path.name} is damaged ({type(error).__name__}), so nothing was "
            "restored. Choose another backup."
        ) from None
    if problems:
        raise BackupFailed(
            f"The backup {path.name} is not sound, so nothing was restored: " + " ".join(problems)
        )
    return found


def compare_with_backup(db: Database, backup: Path, passphrase: str | None = None) -> list[str]:
    """Problems found by comparing the live audit trail with a backup's (which must be its
    prefix): names the first event of the backup that is missing or different."""
    engine = open_engine(Path(backup), passphrase or _passphrase_of(db), create=False)
    try:
        check_schema(engine, Path(backup), just_created=False)
        with engine.connect() as earlier, db.reading() as live:
            return audit.compare_trails(live, earlier)
    finally:
        engine.dispose()


def restore_backup(
    backup: Path,
    target: Path,
    passphrase: str,
    *,
    operator: str,
    progress: Progress = _nothing,
) -> RestoreResult:
    """Replace the database at `target` with the backup, proven first; the file replaced is
    kept aside. `target` must not be open (this takes its lock). The restored file has the
    backup's passphrase."""
    backup, target = Path(backup), Path(target)
    if backup.resolve() == target.resolve():
        raise BackupFailed("The backup and the database are the same file; choose the backup.")
    if not may_change_in_place(target):
        raise DatabaseNotWritable(target, exists=target.exists())
    progress(0, 4, "Checking the backup…")
    expected = prove_backup(backup, passphrase)
    lock = DatabaseLock(target)
    lock.acquire()
    try:
        for suffix in ("-journal", "-wal"):
            if target.with_name(target.name + suffix).exists():
                raise BackupFailed(
                    f"{target.name} has an unfinished transaction beside it ({target.name}"
                    f"{suffix}): open and close it once, then restore."
                )
        progress(1, 4, "Copying the backup (encrypted)…")
        temp = _temporary_beside(target)
        engine = open_engine(backup, passphrase, create=False)
        try:
            export_encrypted_copy(engine, temp, passphrase)
        finally:
            engine.dispose()
        try:
            progress(2, 4, "Checking the copy…")
            found, problems = inspect_copy(temp, passphrase)
            problems += _compare(expected, found, "The copy of the backup")
            if problems:
                raise BackupFailed("Nothing was restored: " + " ".join(problems))
            _fsync_file(temp)
            progress(3, 4, "Putting the backup in place…")
            kept: Path | None = None
            if target.exists():
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                kept = target.with_name(f"{target.name}.replaced-{stamp}")
                os.link(target, kept)
            os.replace(temp, target)
            _fsync_folder(target.parent)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
    finally:
        lock.release()
    reason = f"from {backup.name}" + (f"; the replaced file kept as {kept.name}" if kept else "")
    with Database.open(target, passphrase, operator=operator, record_unlock=False) as db:
        db.record(action="restore", reason=reason)
        with db.reading() as connection:
            events = audit.head(connection)[0]
    progress(4, 4, "Restore done.")
    return RestoreResult(database=target, kept_aside=kept, events=events)


_STAMP = re.compile(r"-(\d{8}T\d{6}Z)" + re.escape(BACKUP_SUFFIX) + "$")


def rotate_backups(
    db: Database,
    folder: Path,
    *,
    keep: int,
    progress: Progress = _nothing,
    reason: str,
    now: datetime | None = None,
) -> BackupResult:
    """Write a new automatic backup into `folder`, then remove this database's oldest automatic
    backups beyond the newest `keep` (only files named as CRAG Desktop names them)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupFailed(
            f"The backup folder {folder} does not exist: choose another in Preferences."
        )
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = folder / f"{db.path.stem}-{stamp}{BACKUP_SUFFIX}"
    result = make_backup(db, out, progress=progress, reason=reason)
    ours = sorted(
        p for p in folder.glob(f"{db.path.stem}-*{BACKUP_SUFFIX}") if _STAMP.search(p.name)
    )
    for old in ours[: max(0, len(ours) - max(1, keep))]:
        with contextlib.suppress(OSError):
            old.unlink()
    return result


def last_backup(db: Database) -> datetime | None:
    """When this database was last backed up, from its audit trail (None: never)."""
    with db.reading() as connection:
        made, failed = (
            audit.list_events(
                connection, action=action, record_type=DATABASE_RECORD, newest_first=True, limit=1
            )
            for action in ("backup", "backup_failed")
        )
    if not made or (failed and failed[0].seq > made[0].seq):
        # The newest attempt failed: the last good one is not known without a longer search.
        return None if not made else made[0].at if not failed else None
    return made[0].at


@dataclass(frozen=True, slots=True)
class DatabaseProperties:
    """What File > Properties shows about the open database."""

    path: Path
    size: int
    schema_revision: str
    events: int
    last_backup: datetime | None


def database_properties(db: Database) -> DatabaseProperties:
    """Where the database is, how big, its schema version, trail length and last backup."""
    from crag_desktop.storage.schema import current_revision

    path = Path(os.path.realpath(db.path))
    with db.reading() as connection:
        events = audit.head(connection)[0]
    return DatabaseProperties(
        path=path,
        size=path.stat().st_size,
        schema_revision=current_revision(db.engine) or "none",
        events=events,
        last_backup=last_backup(db),
    )
