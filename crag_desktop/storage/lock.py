"""One lock per database file, shared by the GUI and the command line.

An OS file lock (flock) on "<database>.lock": the OS releases it when the holder dies, even
by SIGKILL, so a crash never leaves the database locked for good.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from crag_desktop.domain.errors import DatabaseInUse

__all__ = ["DatabaseLock", "lock_path"]


def lock_path(path: Path) -> Path:
    """The lock file that guards the database at `path`."""
    return Path(str(path) + ".lock")


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
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise DatabaseInUse(self._path) from None

    def release(self) -> None:
        """Give the lock back; does nothing if it is not held."""
        if self._lock.is_locked:
            self._lock.release(force=True)

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
