"""One lock per database file, shared by the GUI and the command line.

Keyed on the file itself, not on the name it was reached by: a symlink or a hard link must not
let two copies of CRAG Desktop (or the GUI and `passwd`) open one database. Two OS file locks
(flock), both held:

- "<resolved path>.lock" beside the file the name resolves to (symlinks followed), which also
  guards the name while a restore swaps a new file in under it;
- "<device>-<inode>.lock" in a per-user folder, which every name of the same file (hard links
  included) leads to. The database is user-only (0600), so only its owner can open it, and a
  per-user folder is enough.

A database opened read-only (`check` on a file the user may not write) takes only the second:
nothing is written beside it.

The OS releases a flock when the holder dies, even by SIGKILL, so a crash never leaves the
database locked for good. A clean release removes the lock files too; one left by a crash is
harmless and simply reused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from crag_desktop.domain.errors import DatabaseInUse, LockPathUnusable

__all__ = ["DatabaseLock", "file_lock_folder", "lock_path"]


def lock_path(path: Path) -> Path:
    """The lock file beside the database that `path` names (symlinks resolved)."""
    return Path(os.path.realpath(path) + ".lock")


def file_lock_folder() -> Path:
    """The user-only folder of the per-file (device and inode) locks."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        base = Path(runtime) / "crag-desktop"
    else:
        base = Path(tempfile.gettempdir()) / f"crag-desktop-{os.getuid()}"
    folder = base / "locks"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # In a shared /tmp another user could have made the folder first: use it only if ours.
    info = os.lstat(base)
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        raise DatabaseInUse(Path(base))
    return folder


def _inode_lock_path(path: Path) -> Path | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return file_lock_folder() / f"{info.st_dev}-{info.st_ino}.lock"


class _Part:
    """One flock'd file; removed on release if it is still the one locked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = FileLock(
            str(path),
            timeout=0,
            mode=0o600,
            # The GUI may release from a worker thread; the lock belongs to the process.
            thread_local=False,
        )
        self.locked_file: os.stat_result | None = None

    def acquire(self) -> bool:
        if self.lock.is_locked:
            return True
        try:
            self.lock.acquire(timeout=0)
        except Timeout:
            return False
        with contextlib.suppress(OSError):
            self.locked_file = os.stat(self.path)
        return True

    def release(self) -> None:
        if self.lock.is_locked:
            # Unlinked while still held, so no one can take the lock in between. A process
            # that opened the old file just before and locks it after our release finds it
            # unlinked (filelock checks st_nlink) and does not count as the holder. The file
            # must still be the empty one this object locked: filelock's fallback for file
            # systems without flock keeps its own marker (with content) here.
            with contextlib.suppress(OSError):
                current = os.stat(self.path)
                if (
                    self.locked_file is not None
                    and os.path.samestat(current, self.locked_file)
                    and current.st_size == 0
                ):
                    self.path.unlink()
            self.lock.release(force=True)
        self.locked_file = None


def _refuse_odd_lock_path(path: Path) -> None:
    # A folder would make filelock wait for ever; a symlink would let it lock (and on
    # release remove) whatever the link points at.
    if path.is_symlink():
        raise LockPathUnusable(path, "a link")
    if path.is_dir():
        raise LockPathUnusable(path, "a folder")
    if path.exists() and not path.is_file():
        raise LockPathUnusable(path, "not a regular file")


class DatabaseLock:
    """Exclusive use of one database file by one process (and one Database in it)."""

    def __init__(self, path: Path, *, beside: bool = True) -> None:
        """`beside=False` (a database opened read-only, in a place that may not be written)
        takes only the per-file lock, in the user's own folder, and writes nothing beside
        the database."""
        self._path = Path(path)
        self._beside = _Part(lock_path(self._path)) if beside else None
        self._file: _Part | None = None

    @property
    def path(self) -> Path:
        """The database file this lock guards."""
        return self._path

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        if self._beside is None:
            return self._file is not None and self._file.lock.is_locked
        return self._beside.lock.is_locked

    def acquire(self) -> None:
        """Take the lock now, or raise DatabaseInUse if another holder has it.

        Called again once a new database file exists, it adds the per-file lock.
        """
        if self._beside is not None:
            if not self._beside.lock.is_locked:
                _refuse_odd_lock_path(lock_path(self._path))
            if not self._beside.acquire():
                raise DatabaseInUse(self._path)
        if self._file is None:
            inode = _inode_lock_path(self._path)
            if inode is None:
                # No file yet (a database being created): its name is what is guarded.
                return
            self._file = _Part(inode)
        if not self._file.acquire():
            self._file = None
            if self._beside is not None:
                self._beside.release()
            raise DatabaseInUse(self._path)

    def release(self) -> None:
        """Give the lock back; does nothing if it is not held."""
        if self._file is not None:
            self._file.release()
            self._file = None
        if self._beside is not None:
            self._beside.release()

    def __enter__(self) -> DatabaseLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
