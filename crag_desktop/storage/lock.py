"""One lock per database file, shared by the GUI and the command line.

An OS file lock (flock) on "<database>.lock": the OS releases it when the holder dies, even
by SIGKILL, so a crash never leaves the database locked for good. A clean release removes
the lock file too, so no empty file is left beside the database; one left by a crash is
harmless and simply reused.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from crag_desktop.domain.errors import DatabaseInUse, LockPathUnusable

__all__ = ["DatabaseLock", "lock_path"]


def lock_path(path: Path) -> Path:
    """The lock file that guards the database at `path`."""
    return Path(str(path) + ".lock")


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

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._lock = FileLock(
            str(lock_path(self._path)),
            timeout=0,
            mode=0o600,
            # The GUI may release from a worker thread; the lock belongs to the process.
            thread_local=False,
        )
        # The lock file this object locked, to remove on release only if it is still that one.
        self._locked_file: os.stat_result | None = None

    @property
    def path(self) -> Path:
        """The database file this lock guards."""
        return self._path

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._lock.is_locked

    def acquire(self) -> None:
        """Take the lock now, or raise DatabaseInUse if another holder has it."""
        if self._lock.is_locked:
            return
        _refuse_odd_lock_path(lock_path(self._path))
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise DatabaseInUse(self._path) from None
        with contextlib.suppress(OSError):
            self._locked_file = os.stat(lock_path(self._path))

    def release(self) -> None:
        """Give the lock back; does nothing if it is not held."""
        if self._lock.is_locked:
            self._remove_lock_file()
            self._lock.release(force=True)
        self._locked_file = None

    def _remove_lock_file(self) -> None:
        # Unlinked while still held, so no one can take the lock in between. A process that
        # opened the old file just before and locks it after our release finds it unlinked
        # (filelock checks st_nlink) and does not count as the holder. The file must still be
        # the empty one this object locked: filelock's fallback for file systems without
        # flock keeps its own marker (with content) at this path and removes it itself.
        path = lock_path(self._path)
        with contextlib.suppress(OSError):
            current = os.stat(path)
            if (
                self._locked_file is not None
                and os.path.samestat(current, self._locked_file)
                and current.st_size == 0
            ):
                path.unlink()

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
