"""The SQLCipher engine factory: the only module that speaks SQLite's own dialect.

The database is standard SQLCipher 4 keyed with the passphrase itself, so standard SQLCipher
tools open it. The key is written in our own connection factory as the first statement,
escaped, and never put in a URL, a log line or an exception. Everything that could change
the file waits until the key has been proven, so a failed open leaves the file untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
import unicodedata
import urllib.parse
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import QueuePool

from crag_desktop.domain.errors import (
    DatabaseEmptyFile,
    DatabaseExists,
    DatabaseIsFolder,
    DatabaseMissing,
    PlainSQLiteFile,
    UnfinishedChangeReadOnly,
    WrongPassphraseOrNotDatabase,
)
from crag_desktop.storage.prepared import on_driver

__all__ = [
    "AUDIT_TRIGGERS",
    "SQLITE_HEADER",
    "KeyingAhead",
    "cipher_integrity_check",
    "integrity_check",
    "is_busy",
    "is_disk_error",
    "is_disk_full",
    "is_read_only",
    "journal_mode",
    "live_passphrase",
    "missing_audit_triggers",
    "open_engine",
    "probe_file",
    "raw_connect",
    "read_audit_seal",
    "rekey",
    "table_names",
    "write_audit_seal",
]

#: The first 16 bytes of every unencrypted SQLite 3 file.
SQLITE_HEADER = b"SQLite format 3\x00"

_MIN_CACHE_BYTES = 8 * 1024 * 1024
_CHECK_CACHE_KIB = 2048

#: The audit triggers that make the trail append-only in SQLite.
AUDIT_TRIGGERS = ("audit_event_no_update", "audit_event_no_delete", "audit_head_no_delete")
_JOURNAL_MODES = frozenset({"DELETE", "WAL"})


@dataclass(slots=True)
class _Keying:
    """The passphrase an engine keys new connections with; rekey swaps it."""

    path: Path
    passphrase: str
    lock: threading.Lock
    read_only: bool = False
    #: A connection being keyed ahead of the engine: its first connection.
    ahead: KeyingAhead | None = None


# Engines are plain SQLAlchemy objects; the passphrase rides alongside them here rather than
# on the engine (which SQLAlchemy may log or repr) and goes away with the engine.
_KEYINGS: weakref.WeakKeyDictionary[Engine, _Keying] = weakref.WeakKeyDictionary()


def _quote(passphrase: str) -> str:
    """The passphrase as an SQL string literal: NFC-normalised, single quotes doubled."""
    # NFC so that the same words typed on different keyboards (composed or decomposed
    # accents) give the same key.
    normalised = unicodedata.normalize("NFC", passphrase)
    return "'" + normalised.replace("'", "''") + "'"


def probe_file(path: Path, *, create: bool) -> None:
    """Refuse, with its own error, a path that cannot hold a CRAG Desktop database.

    Reads at most 16 bytes and writes nothing.
    """
    if create:
        if path.exists() or path.is_symlink():
            raise DatabaseExists(path)
        return
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise DatabaseMissing(path) from None
    if stat.S_ISDIR(mode):
        raise DatabaseIsFolder(path)
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if not head:
        raise DatabaseEmptyFile(path)
    if head == SQLITE_HEADER:
        raise PlainSQLiteFile(path)


def _is_not_a_database(error: BaseException) -> bool:
    return isinstance(error, sqlcipher.DatabaseError) and "not a database" in str(error)


def is_disk_full(error: BaseException) -> bool:
    """Whether a database or OS error means the disk (or the database's quota) is full."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    message = str(getattr(error, "orig", None) or error)
    return "database or disk is full" in message


def is_disk_error(error: BaseException) -> bool:
    """Whether SQLite reports an I/O error (a failing drive, a file size limit)."""
    if isinstance(error, OSError) and error.errno in (errno.EIO, errno.EFBIG):
        return True
    return "disk I/O error" in str(getattr(error, "orig", None) or error)


def is_read_only(error: BaseException) -> bool:
    """Whether a database error means the file, its folder or its drive cannot be written."""
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return True
    message = str(getattr(error, "orig", None) or error)
    return "readonly database" in message or "read-only" in message


def is_busy(error: BaseException) -> bool:
    """Whether a database error means another connection holds SQLite's lock."""
    message = str(getattr(error, "orig", None) or error)
    return "database is locked" in message or "database table is locked" in message


def raw_connect(path: Path, passphrase: str, *, read_only: bool = False) -> Any:
    """A DB-API connection to `path`, keyed and proven; the caller closes it.

    Raises WrongPassphraseOrNotDatabase when the key does not open the file. Writes nothing.
    `read_only` opens the file for reading only (SQLite's mode=ro): SQLite then creates no
    journal and refuses every write, and a hot journal left by a kill, which only a writer
    can roll back, raises UnfinishedChangeReadOnly.
    """
    connection = _keyed(path, passphrase, read_only=read_only)
    _configured(connection, path)
    return connection


def _keyed(
    path: Path, passphrase: str, *, read_only: bool, deriving: threading.Event | None = None
) -> Any:
    """A connection to `path` whose key has been derived and proven by a first read; sets
    `deriving` as that read (the key derivation) starts."""
    # isolation_level=None: the driver's own transaction guessing would autocommit DDL (one
    # fsync per CREATE TABLE, and a half-applied migration on failure); the engine emits
    # BEGIN itself instead (see `_begin`).
    if read_only:
        uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
        connection = sqlcipher.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    else:
        connection = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        # Before the key: otherwise SQLCipher prints "hmac check failed" lines on stderr.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {_quote(passphrase)}")
        if deriving is not None:
            deriving.set()
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as error:
            if _is_not_a_database(error):
                # `from None`: the chained error must not carry anything about the key.
                raise WrongPassphraseOrNotDatabase(path) from None
            if read_only and is_read_only(error):
                raise UnfinishedChangeReadOnly(path) from None
            raise
    except BaseException:
        connection.close()
        raise
    return connection


def _configured(connection: Any, path: Path) -> None:
    """Set a keyed connection up as every connection of the app is; closes it on failure."""
    try:
        # temp_store=FILE would write sorts and temp tables to plaintext temp files.
        connection.execute("PRAGMA temp_store = MEMORY")
        connection.execute("PRAGMA foreign_keys = ON")
        # Power loss may lose the transaction in flight, never a committed one.
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA secure_delete = ON")
        size = path.stat().st_size if path.exists() else 0
        connection.execute(f"PRAGMA cache_size = -{_cache_kib(size)}")
    except BaseException:
        connection.close()
        raise


class KeyingAhead:
    """A connection to `path` keyed on a thread of its own, while the caller goes on.

    Deriving the key (PBKDF2-HMAC-SHA512, 256,000 rounds: 120-150 ms on the machines
    measured) happens inside SQLite's first read, in C, with the interpreter released: the
    caller can import and build what it needs next in the meantime instead of waiting
    (benchmarks: start to paint). `take` gives the connection, or raises what keying raised
    (raw_connect's errors: WrongPassphraseOrNotDatabase and the like).
    """

    def __init__(self, path: Path, passphrase: str, *, read_only: bool = False) -> None:
        self._path = path
        self._connection: Any = None
        self._error: BaseException | None = None
        deriving = threading.Event()
        self._thread = threading.Thread(
            target=self._key,
            args=(path, passphrase, read_only, deriving),
            name="crag-keying",
            daemon=True,
        )
        self._thread.start()
        # Wait (the interpreter released) until the derivation has started. Otherwise the
        # new thread waits for the interpreter at each of its first steps while the caller
        # imports, up to a switch interval (5 ms) a time: the derivation then started tens
        # of milliseconds late, and ended after the caller was done (measured: 260-300 ms
        # to open instead of 165).
        deriving.wait()

    def _key(self, path: Path, passphrase: str, read_only: bool, deriving: threading.Event) -> None:
        try:
            self._connection = _keyed(path, passphrase, read_only=read_only, deriving=deriving)
        except BaseException as error:
            self._error = error
        finally:
            deriving.set()

    def take(self) -> Any:
        """The keyed connection, once, set up as every connection is; raises the error
        keying met."""
        self._thread.join()
        connection, self._connection = self._connection, None
        error, self._error = self._error, None
        if error is not None:
            raise error
        if connection is None:
            raise RuntimeError("the connection keyed ahead was already taken")
        # On the caller's thread: after the derivation, each step on the keying thread would
        # wait for the interpreter while the caller holds it.
        _configured(connection, self._path)
        return connection

    def discard(self) -> None:
        """Wait for keying to end and close what it opened (an open that failed elsewhere)."""
        self._thread.join()
        connection, self._connection = self._connection, None
        self._error = None
        if connection is not None:
            connection.close()


def _cache_kib(database_bytes: int) -> int:
    """The page cache a connection to a database of `database_bytes` keeps: the whole file
    and a quarter more, at least _MIN_CACHE_BYTES."""
    return max(int(database_bytes * 1.25), _MIN_CACHE_BYTES) // 1024


def cache_for_size(connection: Connection, database_bytes: int) -> None:
    """Give `connection` the page cache a database of `database_bytes` is opened with, when
    that is more than it has: before a bulk import makes it that size.

    Sized for the file it was opened on, an import into a small database wrote into a cache
    a small fraction of its growth: the audit trail's unique index of hashes, filled in
    random order, then missed the cache on most of its inserts, each miss a page written
    out encrypted and read back decrypted. SQLite only; a server keeps its own cache.
    """
    if connection.dialect.name != "sqlite":
        return
    wanted = _cache_kib(database_bytes)
    current = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or 0)
    # Negative: KiB, as set at open; positive: pages (SQLite's own default).
    if current < 0 and -current >= wanted:
        return
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(wanted)}")


def _creator(keying: _Keying) -> Callable[[], Any]:
    def create() -> Any:
        with keying.lock:
            passphrase = keying.passphrase
            ahead, keying.ahead = keying.ahead, None
        if ahead is not None:
            return ahead.take()
        return raw_connect(keying.path, passphrase, read_only=keying.read_only)

    return create


def table_names(engine: Engine) -> set[str]:
    """The names of the tables in the database (SQLite's catalogue)."""
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table'")
        ).scalars()
        return {str(name) for name in rows}


def open_engine(
    path: Path,
    passphrase: str,
    *,
    create: bool,
    journal: str = "DELETE",
    read_only: bool = False,
    ahead: KeyingAhead | None = None,
) -> Engine:
    """An engine on the SQLCipher database at `path`, keyed with `passphrase`.

    With `create`, makes a new user-only (0600) file and refuses an existing one. Without it,
    refuses a missing path, a folder, an empty or plain SQLite file, and a key that does not
    open the file, each with its own error and without changing the file. The schema is not
    checked here (see `crag_desktop.storage.migrations`); `journal` ("DELETE" or "WAL") is
    applied by `set_journal_mode` once the schema has been checked. `read_only` opens the
    file for reading only (see `raw_connect`). `ahead`, a connection to the same file keyed
    with the same passphrase and mode, becomes the engine's first connection (an existing
    file only); the engine owns it from here, closing it if opening fails.
    """
    if ahead is not None and create:
        raise ValueError("a new database cannot be keyed ahead")
    try:
        if journal.upper() not in _JOURNAL_MODES:
            raise ValueError(f"journal must be one of {sorted(_JOURNAL_MODES)}")
        path = Path(path)
        probe_file(path, create=create)
    except BaseException:
        if ahead is not None:
            ahead.discard()
        raise
    if create:
        # SQLite gives its journal and WAL files the main file's permissions: make it
        # user-only before SQLite ever sees it.
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(descriptor)
    keying = _Keying(
        path=path,
        passphrase=passphrase,
        lock=threading.Lock(),
        read_only=read_only and not create,
        ahead=ahead,
    )
    engine = create_engine(
        "sqlite://",
        module=sqlcipher,
        creator=_creator(keying),
        # Connections are kept: each new one pays SQLCipher's key derivation (~80 ms).
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
        # The most recently used connection first: one user's work reuses one connection, so
        # one page cache stays warm instead of each pooled connection filling its own copy of
        # the file (benchmarks: memory).
        pool_use_lifo=True,
        # Bound values are children's details: keep them out of logs and exceptions.
        hide_parameters=True,
    )
    event.listen(engine, "begin", _begin)
    _KEYINGS[engine] = keying
    try:
        # Prove the key now, so the caller gets WrongPassphraseOrNotDatabase here.
        with engine.connect():
            pass
    except BaseException:
        engine.dispose()
        with keying.lock:
            untaken, keying.ahead = keying.ahead, None
        if untaken is not None:
            untaken.discard()
        if create:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return engine


def _begin(connection: Connection) -> None:
    # Every SQLAlchemy transaction is a real SQLite transaction, DDL included.
    connection.exec_driver_sql("BEGIN")


def database_path(engine: Engine) -> Path:
    """The file an engine made by `open_engine` works on."""
    return _KEYINGS[engine].path


def live_passphrase(engine: Engine) -> str:
    """The passphrase an engine keys its connections with (for keying its own copies)."""
    keying = _KEYINGS[engine]
    with keying.lock:
        return keying.passphrase


def set_journal_mode(engine: Engine, mode: str) -> str:
    """Switch the journal mode when it differs ("DELETE" or "WAL"); returns the mode in force.

    WAL is a property of the file; DELETE is SQLite's default for a file not in WAL mode.
    """
    wanted = mode.upper()
    if wanted not in _JOURNAL_MODES:
        raise ValueError(f"mode must be one of {sorted(_JOURNAL_MODES)}")
    current = journal_mode(engine)
    if current == wanted:
        return current
    # Other pooled connections would keep the file in its old mode.
    engine.dispose()
    # A raw connection: SQLite refuses to change the journal mode inside a transaction,
    # and the engine begins one for every statement.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA journal_mode = {wanted}")
        row = cursor.fetchone()
        result = None if row is None else row[0]
        cursor.close()
    finally:
        raw.close()
    engine.dispose()
    return str(result).upper()


def journal_mode(engine: Engine) -> str:
    """The journal mode of the database ("DELETE", "WAL", ...)."""
    with engine.connect() as connection:
        return str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()).upper()


def pragma(engine: Engine, name: str) -> Any:
    """The value of a read-only PRAGMA on a pooled connection (for checks and tests)."""
    if not name.replace("_", "").isalnum():
        raise ValueError("not a pragma name")
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def rekey(
    engine: Engine,
    new_passphrase: str,
    *,
    in_same_commit: Callable[[Connection], None] | None = None,
) -> None:
    """Re-encrypt the database under `new_passphrase`; new connections use it.

    `in_same_commit` writes (the audit event) in the transaction that the re-encryption
    commits, so both take effect or neither: SQLCipher's rekey rewrites every page inside
    the connection's open write transaction and commits it, pending rows included, through
    one rollback journal (measured with SQLCipher 4.19: a SIGKILL before the commit leaves
    the old passphrase and no row, after it the new passphrase and the row). A kill can
    therefore never leave a "rekey" event while the old passphrase still opens the file,
    nor the new passphrase without its event.
    """
    keying = _KEYINGS[engine]
    # Rekeying re-encrypts every page: no other connection may hold pages under the old key.
    engine.dispose()
    try:
        with engine.connect() as connection:
            connection.begin()
            if in_same_commit is not None:
                in_same_commit(connection)
            # On the DB-API cursor: an SQLAlchemy error would quote the statement, and with
            # it the new passphrase.
            cursor = connection.connection.cursor()
            try:
                cursor.execute(f"PRAGMA rekey = {_quote(new_passphrase)}")
            finally:
                cursor.close()
            with keying.lock:
                keying.passphrase = new_passphrase
            # SQLCipher has committed already; this ends SQLite's transaction on the
            # connection (which still counts one open).
            connection.commit()
    finally:
        engine.dispose()


def cipher_integrity_check(engine: Engine, *, apart: bool = False) -> list[str]:
    """Pages whose HMAC fails (empty when every page is intact).

    `apart`: on a connection of its own, outside the pool, with a small page cache, closed
    afterwards. For the check the window runs in the background after unlocking: on a
    pooled connection it held that connection while it read the whole file, so the window's
    next query opened another and paid its key derivation (~0.1 s) on the GUI thread, and
    the whole file stayed decrypted in that connection's page cache."""
    if not apart:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
        return [str(row[0]) for row in rows]
    connection = _creator(_KEYINGS[engine])()
    try:
        # Each page is read once: a cache the size of the file would only cost memory.
        connection.execute(f"PRAGMA cache_size = -{_CHECK_CACHE_KIB}")
        rows = connection.execute("PRAGMA cipher_integrity_check").fetchall()
    finally:
        connection.close()
    return [str(row[0]) for row in rows]


def integrity_check(engine: Engine) -> list[str]:
    """SQLite's own structural check and foreign key check (empty when all is well)."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("PRAGMA integrity_check").fetchall()
        problems = [str(row[0]) for row in rows if str(row[0]).lower() != "ok"]
        for row in connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"{row[0]} row {row[1]} refers to a missing {row[2]} record")
    return problems


def create_sqlite_triggers(connection: Any) -> None:
    """Make the audit trail append-only in SQLite (called from the migrations)."""
    for statement in ("UPDATE", "DELETE"):
        connection.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS audit_event_no_{statement.lower()} "
            f"BEFORE {statement} ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
        )
    connection.exec_driver_sql(
        "CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head "
        "BEGIN SELECT RAISE(ABORT, 'the audit head is kept'); END"
    )


def drop_sqlite_triggers(connection: Any) -> None:
    """Undo `create_sqlite_triggers` (downgrade)."""
    for name in AUDIT_TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


# --- The audit seal in the file header ---------------------------------------------------------
#
# SQLite's header has two 32-bit integers that belong to the application: user_version
# (offset 60) and application_id (offset 68). In a SQLCipher file the whole header after the
# 16-byte salt is encrypted and covered by page 1's HMAC, so file(1) cannot read
# application_id anyway; both are ours. They live outside every table: DELETE, DROP TABLE and
# a rewritten `audit_head` row leave them as they were. Both are transactional (page 1 is
# journalled like any page), so the seal moves with the append that changes it.
#
# `sqlcipher_export` does NOT copy them (measured with SQLCipher 4.19): copies call
# `write_audit_seal` on the copy themselves.


def read_audit_seal(connection: Connection, schema: str = "main") -> tuple[int, int]:
    """(last seq, tag) as the file header holds them (0, 0 in a file never sealed)."""
    if not schema.isidentifier():
        raise ValueError("not a schema name")
    # On the driver: every save reads and writes the seal, and SQLAlchemy's execution
    # around these one-number statements cost ten times their work (benchmarks: save one
    # record). (`SELECT * FROM other.pragma_user_version` reads main's: one PRAGMA each.)
    ((seq,),) = on_driver(connection, f"PRAGMA {schema}.user_version")
    ((tag,),) = on_driver(connection, f"PRAGMA {schema}.application_id")
    return int(seq or 0), int(tag or 0)


def write_audit_seal(connection: Connection, seq: int, tag: int, schema: str = "main") -> None:
    """Put (last seq, tag) into the file header, in the connection's transaction."""
    if not schema.isidentifier():
        raise ValueError("not a schema name")
    # PRAGMA takes no bound parameters: the values are checked integers.
    seq, tag = int(seq), int(tag)
    if not (0 <= seq < 2**31 and 0 <= tag < 2**31):
        raise ValueError("the audit seal holds two 31-bit numbers")
    on_driver(connection, f"PRAGMA {schema}.user_version = {seq}")
    on_driver(connection, f"PRAGMA {schema}.application_id = {tag}")


def missing_audit_triggers(connection: Any) -> list[str]:
    """The append-only triggers that are not in the database (empty when all are there)."""
    rows = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    ).fetchall()
    present = {str(row[0]) for row in rows}
    return [name for name in AUDIT_TRIGGERS if name not in present]
