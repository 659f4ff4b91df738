"""Locking: on demand (Ctrl+L) and after idle time; the database is closed while locked."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.diagnostics import log_internal_error
from crag_desktop.domain.errors import CragError, WrongPassphraseOrNotDatabase
from crag_desktop.ui.opening import DatabaseHandle, Opener, busy_cursor
from crag_desktop.ui.prompts import internal_error_text
from crag_desktop.ui.unlock_delay import UnlockDelay
from crag_desktop.ui.widgets import ErrorLabel, PassphraseEdit, load_icon


class AppLockedError(CragError):
    """A screen asked for the database while the app was locked."""

    def __init__(self) -> None:
        super().__init__("CRAG Desktop is locked. Unlock it with your passphrase to continue.")


class CurrentDatabase(QObject):
    """Holds the open database, or none while locked; screens ask it for the database."""

    opened = Signal(object)
    closed = Signal()
    #: The open database can no longer be used (moved, deleted, re-keyed elsewhere): the
    #: sentence to show. Emitted once per database, from whichever thread noticed.
    lost = Signal(str)

    def __init__(
        self, *, database: DatabaseHandle | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._path = database.path if database is not None else None
        self._operator = database.operator if database is not None else ""
        self._watch(database)

    @property
    def database(self) -> DatabaseHandle | None:
        """The open database; None while locked."""
        return self._database

    @property
    def path(self) -> Path | None:
        """The database file, remembered while locked so unlocking reopens it."""
        return self._path

    @property
    def operator(self) -> str:
        """The operator of the last open database."""
        return self._operator

    def require(self) -> DatabaseHandle:
        """The open database; AppLockedError while locked."""
        if self._database is None:
            raise AppLockedError
        return self._database

    def set(self, database: DatabaseHandle) -> None:
        """Switch to `database`, closing the one open before."""
        if self._database is not None and self._database is not database:
            self._database.close()
        self._database = database
        self._path = database.path
        self._operator = database.operator
        self._watch(database)
        self.opened.emit(database)

    def _watch(self, database: DatabaseHandle | None) -> None:
        if database is not None and hasattr(database, "on_lost"):
            database.on_lost = lambda error: self.lost.emit(str(error))

    def release_lost(self) -> None:
        """Close a database that was lost, keeping its path, so it can be opened again."""
        if self._database is not None:
            self._database.close()
            self._database = None

    def close(self) -> None:
        """Close the database (disposing its engine); the path is remembered."""
        if self._database is None:
            return
        database, self._database = self._database, None
        database.close()
        self.closed.emit()


_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` after `timeout_ms` without keyboard, mouse or touch input."""

    idle = Signal()

    def __init__(
        self, *, app: QCoreApplication, timeout_ms: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._timeout_ms = timeout_ms
        self._last_input = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        # Input reaches a top-level window before the widget it is for, so watching the
        # windows sees all of it (dialogs included: each is watched as it takes the focus).
        # A filter on the application ran Python for every event of every widget (paints,
        # layouts, timers): a fifth of the time a record took to open.
        self._app: QGuiApplication | None = app if isinstance(app, QGuiApplication) else None
        if self._app is not None:
            self._app.focusWindowChanged.connect(self._watch_windows)
            self._watch_windows()

    @property
    def timeout_ms(self) -> int:
        """The idle time allowed."""
        return self._timeout_ms

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """Change the idle time (restarting the count if running)."""
        self._timeout_ms = timeout_ms
        if self._timer.isActive():
            self.start()

    def start(self) -> None:
        """Start counting."""
        self._watch_windows()
        self._last_input = time.monotonic()
        self._timer.start(self._timeout_ms)

    def stop(self) -> None:
        """Stop counting (while locked)."""
        self._timer.stop()

    def detach(self) -> None:
        """Stop for good: the window is closing."""
        self._timer.stop()
        if self._app is not None:
            self._app.focusWindowChanged.disconnect(self._watch_windows)
            for window in self._app.topLevelWindows():
                window.removeEventFilter(self)
            self._app = None

    def is_active(self) -> bool:
        """Whether the count is running."""
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note the time of user input; never consumes the event."""
        # A time only: the count is checked when it runs out (a mouse move restarting a
        # timer each time cost more than the check).
        if event.type() in _INPUT_EVENTS:
            self._last_input = time.monotonic()
        return False

    def _watch_windows(self, *_focus: object) -> None:
        if self._app is None:
            return
        for window in self._app.topLevelWindows():
            # Installing again only moves the filter to the front: each window has it once.
            window.installEventFilter(self)

    def _check(self) -> None:
        """The count ran out: idle, unless there was input since (then count the rest)."""
        left_ms = self._timeout_ms - (time.monotonic() - self._last_input) * 1000
        if left_ms > 0:
            self._timer.start(max(1, round(left_ms)))
        else:
            self.idle.emit()


class LockScreen(QWidget):
    """What the window shows while locked: the operator, a passphrase field, Unlock."""

    unlock_requested = Signal(str)

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        icon = QLabel()
        icon.setPixmap(load_icon("lock").pixmap(56, 56))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        icon.setAccessibleName("Locked")
        title = QLabel("CRAG Desktop is locked")
        title.setProperty("role", "title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.operator_label = QLabel()
        self.operator_label.setProperty("role", "subtitle")
        self.operator_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.operator_label.setWordWrap(True)
        self.passphrase = PassphraseEdit(accessible_name="Passphrase to unlock")
        self.passphrase.setMinimumWidth(300)
        self.passphrase.returnPressed.connect(self._submit)
        label = QLabel("&Passphrase:")
        label.setBuddy(self.passphrase)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setProperty("role", "primary")
        self.unlock_button.clicked.connect(self._submit)
        self.error_label = ErrorLabel()
        self.passphrase.textEdited.connect(lambda _t: self.error_label.clear_error())

        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(480)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        inner.addWidget(icon)
        inner.addWidget(title)
        inner.addWidget(self.operator_label)
        inner.addSpacing(6)
        inner.addWidget(label)
        row = QHBoxLayout()
        row.addWidget(self.passphrase, 1)
        row.addWidget(self.unlock_button)
        inner.addLayout(row)
        inner.addWidget(self.error_label)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(card, 3)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)
        self.setFocusProxy(self.passphrase)

    def prepare(self, *, operator: str) -> None:
        """Reset the screen for a new lock."""
        self.operator_label.setText(
            f"Signed in as {operator}. Type the passphrase to carry on where you left off."
        )
        self.passphrase.clear()
        self.error_label.clear_error()

    def show_error(self, message: str) -> None:
        """Show why unlocking failed; the passphrase is selected for retyping."""
        self.error_label.show_error(message)
        self.passphrase.select_for_retyping()

    def _submit(self) -> None:
        if not self.passphrase.text():
            self.show_error("Type the passphrase.")
            return
        self.unlock_requested.emit(self.passphrase.text())


class LockController(QObject):
    """Locks (closing the database) and unlocks (reopening it through the opener)."""

    about_to_lock = Signal()
    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        *,
        current: CurrentDatabase,
        opener: Opener,
        idle: IdleWatcher,
        delay: UnlockDelay | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.delay = delay or UnlockDelay()
        self._current = current
        self._opener = opener
        self._idle = idle
        self._locked = False
        # When each wrong passphrase was typed: recorded, at those times and before the
        # unlock, by the open that succeeds (nothing can be written to a locked database).
        self._failed_unlocks: list[datetime] = []
        idle.idle.connect(self.lock)
        if current.database is not None:
            idle.start()

    @property
    def is_locked(self) -> bool:
        """Whether the app is locked now."""
        return self._locked

    def lock(self) -> None:
        """Lock now: screens clear themselves (about_to_lock), then the database closes."""
        if self._locked:
            return
        self._locked = True
        self._idle.stop()
        self.about_to_lock.emit()
        self._record("lock", "locked by the operator or after the idle time")
        self._current.close()
        self.locked.emit()

    def unlock(self, passphrase: str) -> str | None:
        """Reopen the database; returns the error to show, or None when unlocked."""
        path = self._current.path
        if not self._locked or path is None:
            return None
        if self.delay.remaining_s():
            return self.delay.message()
        try:
            with busy_cursor():
                database = self._opener(
                    path,
                    passphrase,
                    operator=self._current.operator,
                    failed_unlocks=self._failed_unlocks,
                )
        except WrongPassphraseOrNotDatabase:
            self._failed_unlocks.append(datetime.now(UTC))
            wait = self.delay.failed()
            # The file name stays off the lock screen, as it is off the title bar.
            note = f" Wait {wait:.0f} seconds before the next try." if wait else ""
            return "Wrong passphrase: try again. It is case-sensitive." + note
        except CragError as exc:
            return str(exc)
        except Exception as exc:
            return internal_error_text(log_internal_error(exc))
        self.delay.succeeded()
        self._current.set(database)
        self._failed_unlocks = []
        self._locked = False
        self._idle.start()
        self.unlocked.emit()
        return None

    def _record(self, action: str, reason: str) -> None:
        # Auditing is best effort here: a lock must happen even if the record cannot be
        # written (a full disk), and the database API is reached through the handle.
        record = getattr(self._current.database, "record", None)
        if callable(record):
            try:
                record(action=action, reason=reason)
            except Exception as exc:
                log_internal_error(exc)

    def database_opened(self) -> None:
        """A new database was opened from the File menu: run the idle count for it."""
        self._locked = False
        self._idle.start()
