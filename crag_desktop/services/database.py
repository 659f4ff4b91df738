"""The open, unlocked database: the one place sessions are made.

`Database.open` takes the file lock, proves the passphrase, checks and upgrades the schema
and records an "unlock" event (after the wrong passphrases typed before it, each at its own
time, in the same transaction: a wrong passphrase cannot be written into a database it
could not open, yet the trail must show it before the unlock it preceded); every use case
then runs in `unit_of_work()`. Closing (or the idle lock) disposes the engine, so no key
material stays in open connections.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from crag_desktop.domain.errors import (
    AuditTrailRemoved,
    CragError,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseLost,
    DatabaseNotWritable,
    DatabaseReadOnly,
    DiskFull,
    DiskWriteFailed,
    NotProvenUnchanged,
    PassphraseNotChanged,
    ValidationFailed,
)
from crag_desktop.domain.records import AuditEvent
from crag_desktop.fileio import ensure_free_space, file_identity, may_change_in_place
from crag_desktop.storage import audit
from crag_desktop.storage.engine import (
    KeyingAhead,
    cipher_integrity_check,
    integrity_check,
    is_busy,
    is_disk_error,
    is_disk_full,
    is_read_only,
    open_engine,
    probe_file,
    rekey,
    set_journal_mode,
)
from crag_desktop.storage.lock import DatabaseLock
from crag_desktop.storage.maintenance import export_encrypted_copy
from crag_desktop.storage.schema import (
    check_schema,
    current_revision,
    head_revision,
    upgrade_to_head,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["DATABASE_RECORD", "Database"]

#: The record type of audit events about the database as a whole.
DATABASE_RECORD = "database"


class Database:
    """An open, unlocked CRAG Desktop database; make one with `create` or `open`."""

    def __init__(
        self,
        *,
        path: Path,
        engine: Engine,
        lock: DatabaseLock,
        operator: str,
        read_only: bool = False,
    ) -> None:
        self._path = path
        self._read_only = read_only
        self._engine: Engine | None = engine
        # The file opened, by device and inode: a file moved, deleted or replaced under this
        # name is noticed before anything is read from or written to the wrong one.
        self._identity = file_identity(path)
        #: Called (from any thread) the first time the database is found lost.
        self.on_lost: Callable[[DatabaseLost], None] | None = None
        self._lost: DatabaseLost | None = None
        self._lock = lock
        self._operator = operator

    # --- Opening and closing -----------------------------------------------------------------

    @classmethod
    def create(
        cls, path: Path, passphrase: str, *, operator: str, journal: str = "DELETE"
    ) -> Database:
        """Create a new encrypted database at `path` (which must not exist) and open it."""
        path = Path(path)
        probe_file(path, create=True)
        if not may_change_in_place(path):
            raise DatabaseNotWritable(path, exists=False)
        lock = DatabaseLock(path)
        cls._acquire(lock, path, exists=False)
        engine: Engine | None = None
        try:
            engine = open_engine(path, passphrase, create=True)
            # The file exists now: add the lock on the file itself (device and inode).
            lock.acquire()
            check_schema(engine, path, just_created=True)
            upgrade_to_head(engine)
            set_journal_mode(engine, journal)
            database = cls(path=path, engine=engine, lock=lock, operator=operator)
            with database.writing() as session:
                database.audit(session, action="create", record_type=DATABASE_RECORD)
        except BaseException as error:
            if engine is not None:
                engine.dispose()
                # Only a file this call made is removed (open_engine refused any other).
                with contextlib.suppress(OSError):
                    path.unlink()
            lock.release()
            cls._reraise(path, error)
            raise
        return database

    @classmethod
    def open(
        cls,
        path: Path,
        passphrase: str,
        *,
        operator: str,
        journal: str | None = "DELETE",
        record_unlock: bool = True,
        read_only: bool = False,
        failed_unlocks: Sequence[datetime] = (),
        while_keying: Callable[[], object] | None = None,
    ) -> Database:
        """Unlock the database at `path`, upgrading its schema if it is older than the app.

        Raises the DatabaseOpenError that says what is wrong; the file is then untouched
        and the lock released. `journal=None` keeps the file's journal mode.
        `record_unlock=False` skips the "unlock" audit event (for commands that record
        their own event, such as a verify that must not change the file it checks).

        A database the user may not write (a read-only file, folder or drive) is refused
        with DatabaseNotWritable, since every use of it is audited in it. `read_only=True`
        instead opens it for reading only (`check`, `audit`): nothing is written to it or
        beside it (no journal, no lock file, no event, no upgrade), and every write raises.
        `failed_unlocks` are the times of wrong passphrases typed for this file before this
        one (at the lock screen or the unlock window): each is recorded as a "failed_unlock"
        event at its own time, before the "unlock" event.
        `while_keying` runs on the calling thread while the key is derived on another (the
        app loads its window's code then); it runs before the passphrase is known to be
        right, and whatever it raises is raised with the file untouched.
        """
        path = Path(path)
        # Before the lock: a missing path or a folder must not gain a lock file beside it.
        probe_file(path, create=False)
        if not read_only and not may_change_in_place(path):
            raise DatabaseNotWritable(path)
        # Read-only, only the per-file lock in the user's own folder is taken.
        lock = DatabaseLock(path, beside=not read_only)
        cls._acquire(lock, path)
        engine: Engine | None = None
        try:
            ahead: KeyingAhead | None = None
            if while_keying is not None:
                ahead = KeyingAhead(path, passphrase, read_only=read_only)
                try:
                    while_keying()
                except BaseException:
                    ahead.discard()
                    raise
            # The engine owns the connection keyed ahead from here, failing or not.
            engine = open_engine(path, passphrase, create=False, read_only=read_only, ahead=ahead)
            # Keying and reading the schema prove page 1 and the catalogue's HMACs. Every page
            # is checked (a full read of the file: about a second at 100,000 referrals) only
            # before a migration rewrites it, by `check`, and by `damaged_pages` (the GUI runs
            # it in the background after unlocking). A current file costs one catalogue read
            # and one version read here.
            before = check_schema(engine, path, just_created=False)
            # Read-only, an older schema stays as it is (`check` reports it).
            if before != head_revision() and not read_only:
                # A damaged file must stay exactly as it is for whoever restores it.
                cls._refuse_damaged(path, engine)
                # An older file is upgraded in place: keep an encrypted copy of it first.
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
                copy = path.with_name(f"{path.name}.before-upgrade-{stamp}")
                export_encrypted_copy(engine, copy, passphrase)
                upgrade_to_head(engine)
            if journal is not None and not read_only:
                set_journal_mode(engine, journal)
            database = cls(
                path=path, engine=engine, lock=lock, operator=operator, read_only=read_only
            )
            if record_unlock and not read_only:
                # On a Core connection: the ORM is imported only when a record is loaded or
                # saved, not to open the database (benchmarks: start to painted window).
                with database.writing() as session:
                    for when in sorted(failed_unlocks):
                        database.audit(
                            session,
                            action="failed_unlock",
                            record_type=DATABASE_RECORD,
                            reason="wrong passphrase",
                            at=when,
                        )
                    database.audit(session, action="unlock", record_type=DATABASE_RECORD)
        except BaseException as error:
            if engine is not None:
                engine.dispose()
            lock.release()
            cls._reraise(path, error)
            raise
        return database

    @staticmethod
    def _acquire(lock: DatabaseLock, path: Path, *, exists: bool = True) -> None:
        try:
            lock.acquire()
        except OSError as error:
            # Writable by the system's answer, yet the lock file could not be made beside it
            # (a read-only network share can answer so).
            if is_read_only(error):
                raise DatabaseNotWritable(path, exists=exists) from None
            raise

    @staticmethod
    def _refuse_damaged(path: Path, engine: Engine) -> None:
        damaged = cipher_integrity_check(engine)
        if damaged:
            noun = "page" if len(damaged) == 1 else "pages"
            raise DatabaseDamaged(path, f"{len(damaged)} damaged {noun}")

    @staticmethod
    def _reraise(path: Path, error: BaseException) -> None:
        """Raise the sentence for a database error a user can meet; return if there is none."""
        if is_disk_full(error):
            raise DiskFull(path) from error
        if isinstance(error, DBAPIError | OSError) and is_read_only(error):
            raise DatabaseReadOnly(path) from error
        if isinstance(error, DBAPIError) and is_busy(error):
            raise DatabaseBusy(path) from error
        if isinstance(error, DBAPIError | OSError) and is_disk_error(error):
            raise DiskWriteFailed(path) from error
        if isinstance(error, DBAPIError) and "malformed" in str(error.orig):
            raise DatabaseDamaged(path, "the file's structure is broken") from error
        if isinstance(error, DBAPIError) and "no such table: audit_" in str(error.orig):
            raise AuditTrailRemoved(path) from error

    def close(self) -> None:
        """Dispose of every connection and release the lock; safe to call twice."""
        engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()
        self._lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- Properties --------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    @property
    def read_only(self) -> bool:
        """Opened for reading only (`open(read_only=True)`): every write raises."""
        return self._read_only

    @property
    def operator(self) -> str:
        """Who is working: the name every audit event of this session records."""
        return self._operator

    @property
    def is_open(self) -> bool:
        """False once closed."""
        return self._engine is not None

    @property
    def engine(self) -> Engine:
        """The engine, for storage functions that work on the whole file (backups)."""
        if self._engine is None:
            raise RuntimeError("the database is closed")
        return self._engine

    # --- Work ----------------------------------------------------------------------------------

    def _check_still_there(self) -> None:
        if self._lost is not None:
            raise self._lost
        identity = file_identity(self._path)
        if identity is None:
            self._lose("the file was moved or deleted")
        elif identity != self._identity:
            self._lose("another file has taken its place")

    def _lose(self, why: str) -> NoReturn:
        lost = DatabaseLost(self._path, why)
        first = self._lost is None
        self._lost = lost
        if first and self.on_lost is not None:
            self.on_lost(lost)
        raise lost

    @property
    def lost(self) -> DatabaseLost | None:
        """Why the database can no longer be used (None while it can)."""
        return self._lost

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises.

        A full disk, a read-only file and a busy lock become their own errors (nothing is
        saved); a file moved, deleted, replaced or re-keyed elsewhere becomes DatabaseLost.
        """
        from sqlalchemy.orm import Session

        self._check_still_there()
        session = Session(self.engine, expire_on_commit=False, autoflush=False)
        try:
            yield session
            session.commit()
        except BaseException as error:
            session.rollback()
            self._translate(error)
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A Core connection for reads alone (a list's count or page), with the same errors
        as `unit_of_work`. Nothing is committed: the connection's read transaction ends when
        it goes back to the pool. An ORM session costs more than a 200-row page's SQL
        (benchmarks: list pages), and a list needs no identity map.
        """
        with self._core(begin=False) as connection:
            yield connection

    @contextlib.contextmanager
    def writing(self) -> Iterator[Connection]:
        """A Core connection in a transaction that commits when the block succeeds and rolls
        back when it raises, with the same errors as `unit_of_work`: for writes of whole
        tables' rows (an audit event about the database) that need no ORM."""
        with self._core(begin=True) as connection:
            yield connection

    @contextlib.contextmanager
    def _core(self, *, begin: bool) -> Iterator[Connection]:
        self._check_still_there()
        try:
            with self.engine.begin() if begin else self.engine.connect() as connection:
                yield connection
        except BaseException as error:
            self._translate(error)
            raise

    def _translate(self, error: BaseException) -> None:
        """Raise the sentence for a database error met in a unit of work or a read."""
        if isinstance(error, DBAPIError) and "not a database" in str(error.orig):
            self._lose("its passphrase was changed elsewhere, or the file was damaged")
        self._reraise(self._path, error)

    def audit(
        self,
        session: Session | Connection,
        *,
        action: str,
        record_type: str,
        record_id: str | None = None,
        changes: Sequence[audit.Change] = (),
        reason: str | None = None,
        at: datetime | None = None,
    ) -> AuditEvent:
        """Append an audit event by this database's operator, in `session`'s transaction
        (at `at` when it happened earlier than now)."""
        return audit.append(
            session,
            operator=self._operator,
            action=action,
            record_type=record_type,
            record_id=record_id,
            changes=tuple(changes),
            reason=reason,
            at=at,
        )

    def committed_state(self) -> tuple[int, str]:
        """A mark of the last committed change: every change appends an audit event, so the
        audit head (count and last hash) moves with each commit."""
        with self.reading() as connection:
            return audit.head(connection)

    def prove_unchanged(self, mark: tuple[int, str]) -> bool:
        """Whether the file is back at the committed state `mark` after a failed write.

        Every pooled connection is closed, so the next one finds any hot journal left by
        the failure and rolls it back; then the journal must be gone, both integrity checks
        clean and the audit head where it was.
        """
        try:
            self.engine.dispose()
            if self.committed_state() != mark:
                return False
            if cipher_integrity_check(self.engine) or integrity_check(self.engine):
                return False
        except Exception:
            return False
        finally:
            with contextlib.suppress(Exception):
                self.engine.dispose()
        journal = self._path.with_name(self._path.name + "-journal")
        return not journal.exists() or journal.stat().st_size == 0

    @contextlib.contextmanager
    def undone_on_failure(self) -> Iterator[None]:
        """Run a large write (an import); if it fails, prove the file is back at its last
        committed state before the failure's "nothing was saved" reaches the user."""
        mark = self.committed_state()
        try:
            yield
        except ValidationFailed:
            # Refused while checking, before anything was written.
            raise
        except CragError as error:
            if not self.prove_unchanged(mark):
                raise NotProvenUnchanged(self._path, str(error).split(". ")[0] + ".") from error
            raise
        except Exception as error:
            if not self.prove_unchanged(mark):
                raise NotProvenUnchanged(self._path, "The change failed.") from error
            raise

    def record(self, *, action: str, reason: str | None = None) -> None:
        """Audit something done to the database as a whole (a lock, failed unlocks)."""
        with self.writing() as connection:
            self.audit(connection, action=action, record_type=DATABASE_RECORD, reason=reason)

    def rekey(self, new_passphrase: str, *, reason: str | None = None) -> None:
        """Re-encrypt the database under a new passphrase, and record that it was done.

        The "rekey" event is written in the transaction the re-encryption commits (see
        `storage.engine.rekey`): after a kill or a failure, the trail holds the event exactly
        when the new passphrase is in force. Every page is rewritten through the rollback
        journal, so the file's size must be free.
        """
        size = self._path.stat().st_size
        ensure_free_space(
            self._path.parent,
            size + 4 * 1024 * 1024,
            what=f"to change the passphrase of {self._path.name}",
        )
        self._check_still_there()

        def record(connection: Connection) -> None:
            self.audit(connection, action="rekey", record_type=DATABASE_RECORD, reason=reason)

        mark = self.committed_state()
        try:
            rekey(self.engine, new_passphrase, in_same_commit=record)
        except CragError:
            raise
        except Exception as error:
            # SQLCipher reports any failure of the re-encryption (a full disk included) with
            # one generic message: what is known is whether the file is back as it was.
            if self.prove_unchanged(mark):
                raise PassphraseNotChanged(self._path) from None
            raise NotProvenUnchanged(self._path, "The passphrase change failed.") from error

    def damaged_pages(self) -> list[str]:
        """Pages whose HMAC fails (reads the whole file; empty when every page is intact),
        on a connection of its own: the window checks in the background and goes on
        querying meanwhile."""
        return cipher_integrity_check(self.engine, apart=True)

    def check(self) -> list[str]:
        """Every problem found: page HMACs, structure, schema version, audit chain."""
        damaged = cipher_integrity_check(self.engine)
        problems = [f"Damaged page: {p}" for p in damaged]

        def find(what: str, finder: Callable[[], list[str]]) -> None:
            try:
                problems.extend(finder())
            except Exception:
                # SQLite stops at the first page it cannot decrypt: what was found is the
                # answer, and the rest is said rather than raised.
                if not damaged:
                    raise
                problems.append(
                    f"{what} could not be checked: SQLite cannot read past the damaged pages. "
                    "Restore the database from a backup."
                )

        def structure() -> list[str]:
            return [f"Structure: {p}" for p in integrity_check(self.engine)]

        def schema() -> list[str]:
            revision = current_revision(self.engine)
            if revision == head_revision():
                return []
            return [
                f"The schema is at revision {revision}; this version of CRAG Desktop "
                f"expects {head_revision()}."
            ]

        def trail() -> list[str]:
            with self.unit_of_work() as session:
                return audit.verify_chain(session)

        find("The structure", structure)
        find("The schema version", schema)
        find("The audit trail", trail)
        return problems
