"""What the window needs to open a database, without the unlock window itself.

The main window, the lock screen and the File menu open databases through an opener and a
creator they are given, and get back a handle; the unlock window that asks for a file and a
passphrase is imported only when it is shown (`crag_desktop.ui.dialogs.unlock`): a start on
a database given with its passphrase never shows it, and the window needs it only for the
File menu's Open and New, so it and its widget classes no longer load before the first
paint.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor, QGuiApplication

__all__ = ["Creator", "DatabaseHandle", "Opener", "UnlockMode", "busy_cursor"]


class DatabaseHandle(Protocol):
    """What the UI needs of an open database (crag_desktop.services.database.Database)."""

    @property
    def path(self) -> Path:
        """The database file."""
        ...

    @property
    def operator(self) -> str:
        """Whose changes the audit log records."""
        ...

    def close(self) -> None:
        """Dispose of the engine; safe to call twice."""
        ...


class Opener(Protocol):
    """Database.open: raises the errors in crag_desktop.domain.errors."""

    def __call__(
        self,
        path: Path,
        passphrase: str,
        *,
        operator: str,
        failed_unlocks: Sequence[datetime] = (),
        while_keying: Callable[[], object] | None = None,
    ) -> DatabaseHandle:
        """Open and unlock `path`, recording first the wrong passphrases typed before (at
        their own times), so that the audit trail shows them before the unlock.
        `while_keying` runs on this thread while the key is derived on another."""
        ...


class Creator(Protocol):
    """Database.create: never overwrites a file."""

    def __call__(self, path: Path, passphrase: str, *, operator: str) -> DatabaseHandle:
        """Create a new encrypted database at `path`."""
        ...


class UnlockMode(enum.IntEnum):
    OPEN = 0
    CREATE = 1


@contextmanager
def busy_cursor() -> Iterator[None]:
    """Show the wait cursor while a database opens (the GUI thread waits for the key, loading
    the window's code meanwhile)."""
    QGuiApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
