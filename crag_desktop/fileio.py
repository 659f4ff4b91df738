"""Writing files that leave the database: atomically, user-only, and clear when the disk is full.

Shared by every layer that writes a file (exports, reports, backups), so it imports nothing
from the project but the errors.

No file is ever written over a database. `refuse_database_target` is the one guard, and
`write_atomically` calls it, so every export and report gets it. The rule, after following
symlinks (and comparing device and inode, which catches hard links):

- the target is one of the `protected` databases the caller has open, or a file SQLite keeps
  beside one (`-journal`, `-wal`, `-shm`) or its `.lock`, whether or not that file exists
  right now (a stray `-journal` beside a database is taken for a hot journal);
- the target's name is a database's name plus one of those suffixes, and that database is
  there (any database, not only the open one);
- the target's first bytes say it is a database: SQLite's plaintext header, a rollback
  journal's or WAL's magic number, a wal-index; or it looks like an encrypted SQLCipher file.
  SQLCipher has no plaintext header (its first 16 bytes are a random salt), so "looks
  encrypted" means: a non-empty whole number of 512-byte pages (SQLCipher's smallest page)
  whose first 16 bytes are neither text nor a known document signature (PDF, ZIP/XLSX, ...).
  A random 16-byte salt reads as text about once in a million; keying the file to be sure
  would cost a passphrase and 80 ms of key derivation, and refusing a rare lookalike only
  asks the user for another name, while the opposite mistake destroys the database.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from crag_desktop.diagnostics import state_dir
from crag_desktop.domain.errors import CragError, DiskFull, NotEnoughSpace, WouldOverwriteDatabase

#: Files SQLite keeps beside a database while it works on it, and the app's lock file.
DATABASE_SIBLING_SUFFIXES = ("-journal", "-wal", "-shm", ".lock")

_SQLITE_HEADER = b"SQLite format 3\x00"
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
_WAL_MAGICS = (bytes.fromhex("377f0682"), bytes.fromhex("377f0683"))
# The wal-index (-shm) starts with its version number, 3007000, in the machine's byte order.
_SHM_MAGIC = (3007000).to_bytes(4, sys.byteorder)
_SMALLEST_PAGE = 512
# Signatures of the documents the app writes (and their neighbours), which a random
# SQLCipher salt matches with a chance of 1 in 2**32 or less.
_DOCUMENT_SIGNATURES = (
    b"%PDF",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0",
    b"\x89PNG",
    b"\x1f\x8b",
    b"\xef\xbb\xbf",
)
_TEXT_CONTROLS = frozenset("\t\n\r\f")


def _looks_like_text(head: bytes) -> bool:
    # The last character may be cut in two by the end of `head`.
    for cut in range(4):
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return all(ch.isprintable() or ch in _TEXT_CONTROLS for ch in text)
    return False


def database_content(path: Path) -> str | None:
    """What kind of database file `path` holds, by its first bytes ("an encrypted database",
    "a database journal", ...), or None when it is not one (or is not a readable file)."""
    try:
        # O_NONBLOCK: a FIFO must not hang the check; only regular files are read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return None
        head = os.read(fd, 32)
    except OSError:
        return None
    finally:
        os.close(fd)
    if head.startswith(_SQLITE_HEADER):
        return "an SQLite database"
    if head.startswith(_JOURNAL_MAGIC):
        return "a database's rollback journal"
    if head[:4] in _WAL_MAGICS:
        return "a database's write-ahead log"
    if head.startswith(_SHM_MAGIC) and info.st_size % _SMALLEST_PAGE == 0:
        return "a database's shared-memory index"
    if (
        info.st_size >= _SMALLEST_PAGE
        and info.st_size % _SMALLEST_PAGE == 0
        and len(head) >= 16
        and not head.startswith(_DOCUMENT_SIGNATURES)
        and not _looks_like_text(head[:16])
    ):
        return "an encrypted database"
    return None


def file_identity(path: Path) -> tuple[int, int] | None:
    """The file `path` names, as (device, inode); None when there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def may_change_in_place(path: Path) -> bool:
    """Whether this user may change the database `path` names where it is: write the file
    and create its journal (and lock) beside it. False for a read-only file, folder or drive;
    for a path with no file yet, whether its folder takes a new one."""
    real = os.path.realpath(path)
    # Asked of the system, not of the mode bits: it knows about ACLs and read-only drives
    # (EROFS), and that root may write anywhere.
    if not os.access(os.path.dirname(real) or ".", os.W_OK | os.X_OK):
        return False
    return not os.path.lexists(real) or os.access(real, os.W_OK)


def _database_files(database: Path) -> list[Path]:
    return [database] + [
        database.with_name(database.name + suffix) for suffix in DATABASE_SIBLING_SUFFIXES
    ]


def refuse_database_target(path: Path, *, protected: Iterable[Path] = ()) -> None:
    """Raise WouldOverwriteDatabase if writing `path` could damage a database (see the
    module's docstring for the rule); `protected` names the databases the caller has open."""
    path = Path(path)
    resolved = Path(os.path.realpath(path))
    identity = file_identity(path)
    for database in protected:
        for member in _database_files(Path(database)):
            same_name = Path(os.path.realpath(member)) == resolved
            member_identity = file_identity(member)
            if same_name or (identity is not None and identity == member_identity):
                what = (
                    "the database that is open"
                    if member == Path(database)
                    else "a working file of the database that is open"
                )
                if path.is_symlink() or (identity is not None and not same_name):
                    what = "a link to " + what
                raise WouldOverwriteDatabase(path, what)
    for suffix in DATABASE_SIBLING_SUFFIXES:
        if resolved.name.endswith(suffix) and len(resolved.name) > len(suffix):
            base = resolved.with_name(resolved.name[: -len(suffix)])
            if database_content(base) is not None:
                raise WouldOverwriteDatabase(path, f"a working file of the database {base.name}")
    content = database_content(path)
    if content is not None:
        raise WouldOverwriteDatabase(path, content)


def check_target(path: Path, *, protected: Iterable[Path] = ()) -> Path:
    """Refuse, with a sentence, a `path` no file can be written to (a database, a folder, a
    place whose folder does not exist); return its folder. Long work (a report of thousands
    of pages) checks this first, so a mistyped name fails at once and not after the work."""
    refuse_database_target(path, protected=protected)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CragError(f"The folder {folder} does not exist; choose another place to save.")
    if path.is_dir():
        raise CragError(f"{path} is a folder; choose a file name.")
    return folder


def write_atomically(
    path: Path,
    write: Callable[[BinaryIO], None],
    *,
    protected: Iterable[Path] = (),
    record: Callable[[], None] | None = None,
) -> None:
    """Call `write` on a temporary file beside `path`, fsync it, then replace `path` with it.

    A reader never sees a half-written file, a failure leaves any old file as it was, and
    the new file is readable by its owner only (0600). Refuses (WouldOverwriteDatabase) a
    `path` that is a database or one of its working files, or one of `protected`'s.

    `record` (the audit event of an export) runs once the content is safely on disk and
    before the file takes its name: if recording fails, the temporary file is removed and
    no unrecorded file is left behind. The temporary file is noted in the state folder
    while it exists, so one left by a kill is removed at the next start
    (`sweep_stale_temporaries`).
    """
    path = Path(path)
    folder = check_target(path, protected=protected)
    fd, temp, note = _create_temporary(path, folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if record is not None:
            record()
        os.replace(temp, path)
        _fsync_folder(folder)
    except OSError as error:
        _discard(temp)
        raise _write_failure(path, error) from None
    except BaseException:
        _discard(temp)
        raise
    finally:
        _forget_note(note)


def free_space(folder: Path) -> int | None:
    """Bytes free for this user in `folder`, or None when the system cannot say."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def ensure_free_space(folder: Path, needed: int, *, what: str) -> None:
    """Raise NotEnoughSpace when `folder` has less than `needed` bytes free; `what` says what
    for ("to import big.json into cases.crag")."""
    free = free_space(folder)
    if free is not None and free < needed:
        raise NotEnoughSpace(what, folder, needed, free)


def _write_failure(path: Path, error: OSError) -> CragError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return DiskFull(path)
    if error.errno == errno.EROFS:
        return CragError(f"{path.parent} is on a read-only drive; choose another place to save.")
    return CragError(f"{path} could not be written ({error.strerror}); choose another place.")


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        temp.unlink()


# --- temporary files left by a kill ----------------------------------------------------------

#: The end of every temporary file name `write_atomically` makes (".NAME.XXXXXXXX.tmp").
TEMP_SUFFIX = ".tmp"
# Eight random characters (four random bytes in hex; once mkstemp's); a file not matching
# is never removed.
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
_NOTES_FOLDER = "pending-writes"


def _notes_folder() -> Path:
    return state_dir() / _NOTES_FOLDER


def _note_temporary(temp: Path) -> Path | None:
    """Note `temp` (and who writes it) until it is renamed or removed; None if unwritable."""
    try:
        folder = _notes_folder()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        note = folder / f"{os.getpid()}-{secrets.token_hex(8)}.json"
        descriptor = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"pid": os.getpid(), "temporary": str(temp)}, handle)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        # Without a state folder the write still happens; only the sweep after a kill is lost.
        return None
    return note


def _create_temporary(path: Path, folder: Path) -> tuple[int, Path, Path | None]:
    """Create the temporary file for `path` in `folder`, noted before it exists.

    The note comes first: a kill between creating the file and noting it would otherwise
    leave a temporary file that no sweep knows about. A note whose file was never created is
    harmless (the sweep finds nothing there). Returns the open descriptor (0600), the file
    and its note.
    """
    for _ in range(100):
        temp = (folder / f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}").absolute()
        note = _note_temporary(temp)
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            _forget_note(note)
            continue
        except PermissionError:
            _forget_note(note)
            raise CragError(f"You may not write in {folder}; choose another place.") from None
        except OSError as error:
            _forget_note(note)
            raise _write_failure(path, error) from None
        return fd, temp, note
    raise CragError(f"No temporary file could be made in {folder}; choose another place.")


def _forget_note(note: Path | None) -> None:
    if note is not None:
        with contextlib.suppress(OSError):
            note.unlink()


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_temporaries() -> int:
    """Remove temporary files that a killed writer left behind; return how many.

    Only files noted by `write_atomically` whose writer is gone are touched, and only if
    their name is still one this module makes and they are regular files owned by this user:
    a file someone else put at that path since is left alone.
    """
    folder = _notes_folder()
    try:
        notes = sorted(folder.glob("*.json"))
    except OSError:
        return 0
    removed = 0
    for note in notes:
        try:
            entry = json.loads(note.read_text(encoding="utf-8"))
            pid = int(entry["pid"])
            temp = Path(str(entry["temporary"]))
        except (OSError, ValueError, KeyError, TypeError):
            _forget_note(note)
            continue
        if _process_alive(pid):
            continue
        try:
            info = os.lstat(temp)
        except FileNotFoundError:
            info = None
        except OSError:
            continue
        if (
            info is not None
            and stat.S_ISREG(info.st_mode)
            and info.st_uid == os.getuid()
            and _TEMP_NAME.match(temp.name)
        ):
            with contextlib.suppress(OSError):
                temp.unlink()
                removed += 1
        _forget_note(note)
    return removed


def write_bytes_atomically(
    path: Path,
    data: bytes,
    *,
    protected: Iterable[Path] = (),
    record: Callable[[], None] | None = None,
) -> None:
    """Write `data` to `path` atomically, user-only (never over a database)."""

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    write_atomically(path, write, protected=protected, record=record)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
