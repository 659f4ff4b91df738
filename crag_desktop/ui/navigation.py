"""The screens the main window can show, and the list on the left that chooses one."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from crag_desktop.services.changes import Changes
from crag_desktop.ui.lock import CurrentDatabase
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.settings import AppSettings
from crag_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from crag_desktop.services.database import Database


class ScreenKey(enum.IntEnum):
    """Every screen, in the order the navigation list shows them."""

    DASHBOARD = 1
    REFERRALS = 2
    MEETINGS = 3
    REVIEWS = 4
    RECOMMENDATIONS = 5
    LEARNING_POINTS = 6
    AGENCIES = 7
    REPORTS = 8
    AUDIT_LOG = 9

    @property
    def default_title(self) -> str:
        """The name the secretariat uses for the screen."""
        return _TITLES[self]

    @property
    def default_icon(self) -> str:
        """The bundled icon's name."""
        return _ICONS[self]

    @property
    def default_shortcut(self) -> str:
        """Ctrl+1 .. Ctrl+9, in list order."""
        return f"Ctrl+{self.value}"


_TITLES = {
    ScreenKey.DASHBOARD: "Dashboard",
    ScreenKey.REFERRALS: "Referrals",
    ScreenKey.MEETINGS: "Meetings and decisions",
    ScreenKey.REVIEWS: "Reviews",
    ScreenKey.RECOMMENDATIONS: "Recommendations",
    ScreenKey.LEARNING_POINTS: "Learning",
    ScreenKey.AGENCIES: "Agencies and members",
    ScreenKey.REPORTS: "Reports",
    ScreenKey.AUDIT_LOG: "Audit log",
}

_ICONS = {
    ScreenKey.DASHBOARD: "dashboard",
    ScreenKey.REFERRALS: "referrals",
    ScreenKey.MEETINGS: "meetings",
    ScreenKey.REVIEWS: "reviews",
    ScreenKey.RECOMMENDATIONS: "recommendations",
    ScreenKey.LEARNING_POINTS: "learning",
    ScreenKey.AGENCIES: "agencies",
    ScreenKey.REPORTS: "reports",
    ScreenKey.AUDIT_LOG: "audit",
}


@runtime_checkable
class Screen(Protocol):
    """What a screen widget (a QWidget) offers the main window.

    `refresh(changes)` receives the `Changes` value a service call returned, or None after
    an unlock or a database switch, meaning "reload everything". `clear()` is called when
    the app locks: drop every model row and form value, so nothing readable stays in memory
    or on screen. `title` is the screen's name (no case data).
    """

    @property
    def title(self) -> str:
        """The screen's name."""
        ...

    def refresh(self, changes: Changes | None) -> None:
        """Reload what `changes` touched (everything when None)."""
        ...

    def clear(self) -> None:
        """Forget every piece of case data shown."""
        ...


@dataclass(frozen=True, slots=True)
class ScreenContext:
    """What app.py hands every screen's `create_screen(context)`."""

    current: CurrentDatabase
    prompter: Prompter
    tasks: TaskRunner
    settings: AppSettings
    # Call with the Changes a service returned: every screen refreshes, "Saved" shows.
    changed: Callable[[Changes], None]
    # Show a short message in the status bar.
    status: Callable[[str], None]


class NavigationList(QListWidget):
    """The list of registered screens; reports the one chosen."""

    screen_chosen = Signal(object)

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setAccessibleName("Screens")
        self.setIconSize(QSize(20, 20))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setUniformItemSizes(True)
        self.currentItemChanged.connect(self._changed)

    def add_screen(self, key: ScreenKey, title: str, icon: QIcon) -> None:
        """Add `key` in its place in ScreenKey order."""
        item = QListWidgetItem(icon, title)
        item.setData(Qt.ItemDataRole.UserRole, int(key))
        item.setToolTip(f"{title} ({key.default_shortcut})")
        row = 0
        while row < self.count() and self.key_at(row) < key:
            row += 1
        self.insertItem(row, item)

    def key_at(self, row: int) -> ScreenKey:
        """The screen at `row`."""
        return ScreenKey(int(self.item(row).data(Qt.ItemDataRole.UserRole)))

    def keys(self) -> list[ScreenKey]:
        """Registered screens, in list order."""
        return [self.key_at(row) for row in range(self.count())]

    def current_key(self) -> ScreenKey | None:
        """The selected screen."""
        row = self.currentRow()
        return self.key_at(row) if row >= 0 else None

    def select(self, key: ScreenKey) -> None:
        """Select `key`'s row (which shows the screen)."""
        for row in range(self.count()):
            if self.key_at(row) == key:
                self.setCurrentRow(row)
                return

    def sizeHint(self) -> QSize:
        """Wide enough for the longest title without eliding."""
        hint = super().sizeHint()
        width = self.sizeHintForColumn(0) + 2 * self.frameWidth() + 24
        return QSize(max(200, width), hint.height())

    def _changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is not None:
            self.screen_chosen.emit(ScreenKey(int(current.data(Qt.ItemDataRole.UserRole))))


class _OpenDatabase:
    """Whichever database is open now: services built once keep working after an unlock
    or a database switch, because each unit of work asks the window's CurrentDatabase."""

    def __init__(self, context: ScreenContext) -> None:
        self._current = context.current

    def unit_of_work(self) -> Any:
        """A unit of work on the open database (AppLockedError while locked)."""
        return self._database().unit_of_work()

    @property
    def operator(self) -> str:
        """Who is working."""
        return self._database().operator

    def _database(self) -> Database:
        return cast("Database", self._current.require())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database(), name)


def open_database(context: ScreenContext) -> Database:
    """A stand-in for the open Database that follows unlocks and database switches."""
    # Services take a Database; this proxy offers the same attributes, resolved per call.
    return cast("Database", _OpenDatabase(context))
