"""The main window's actions, menus and toolbar, and the Help menu's texts."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Protocol

# The text edit classes are looked up when an Edit entry is chosen (see
# crag_desktop.ui.widgets on PySide6 building a class's enums when it is first looked up).
from PySide6 import QtWidgets
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMainWindow,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from crag_desktop import __version__
from crag_desktop.ui.lock import CurrentDatabase, LockController
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.opening import UnlockMode
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.widgets import load_icon

_EDIT_ACTIONS = (
    ("&Undo", QKeySequence.StandardKey.Undo, "undo"),
    ("&Redo", QKeySequence.StandardKey.Redo, "redo"),
    (None, None, ""),
    ("Cu&t", QKeySequence.StandardKey.Cut, "cut"),
    ("&Copy", QKeySequence.StandardKey.Copy, "copy"),
    ("&Paste", QKeySequence.StandardKey.Paste, "paste"),
    ("Select &all", QKeySequence.StandardKey.SelectAll, "selectAll"),
)


#: Keys the list screens and forms handle themselves (documented for Help > Shortcuts).
_LIST_KEYS = [
    "Ctrl+N — New record",
    "Enter — Open the record chosen in the list",
    "Ctrl+S — Save the open record",
    "Delete — Delete the open record (after a question)",
    "Alt+Down — Open a date field's calendar",
]
_WIZARD_KEYS = [
    "1 … 4 — Choose an answer",
    "Alt+N — Next page",
    "Alt+B — Previous page",
    "Alt+O — Skip to the outcome (when it no longer depends on the answers left)",
    "Alt+F — Finish: record the decision",
    "Alt+P — Print the decision record (after recording)",
]


class WindowCommands(Protocol):
    """What the window does for its standard actions."""

    def switch_database(self, mode: UnlockMode) -> bool:
        """Open or create another database in place of this one."""
        ...

    def lock(self) -> None:
        """Lock now."""
        ...

    def close(self) -> bool:
        """Close the window (after asking about unsaved typing)."""
        ...

    def show_preferences(self) -> None:
        """Edit the preferences."""
        ...


class WindowMenus:
    """The File, Edit, Case, View and Help menus and the toolbar. Actions that need the
    database are enabled only while it is open (`set_open`)."""

    def __init__(
        self,
        *,
        window: QMainWindow,
        commands: WindowCommands,
        prompter: Prompter,
        current: CurrentDatabase,
        lock_controller: LockController,
    ) -> None:
        self._window = window
        self._prompter = prompter
        self._current = current
        self._lock_controller = lock_controller
        self._screen_actions: dict[ScreenKey, QAction] = {}
        self._unlocked_only: list[QAction] = []
        self._import_handler: Callable[[], None] | None = None
        self._export_handler: Callable[[], None] | None = None
        self._build_actions(commands)
        self._build_menus()
        self._build_toolbar()

    # --- building --------------------------------------------------------------------------

    def action(
        self,
        text: str,
        slot: Callable[[], object],
        *,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        unlocked_only: bool = True,
    ) -> QAction:
        """An action of the window (its shortcut works anywhere in it)."""
        action = QAction(text, self._window)
        if icon:
            action.setIcon(load_icon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        if unlocked_only:
            self._unlocked_only.append(action)
        return action

    def _build_actions(self, commands: WindowCommands) -> None:
        self.action_new = self.action(
            "&New database…", lambda: commands.switch_database(UnlockMode.CREATE), icon="new",
            # Ctrl+N belongs to "new record" on every list screen.
            shortcut="Ctrl+Shift+N",
        )  # fmt: skip
        self.action_open = self.action(
            "&Open…", lambda: commands.switch_database(UnlockMode.OPEN), icon="open",
            shortcut=QKeySequence.StandardKey.Open,
        )  # fmt: skip
        self.action_import = self.action("&Import…", self._import, icon="import")
        self.action_export = self.action("&Export…", self._export, icon="export")
        self.action_import.setEnabled(False)
        self.action_export.setEnabled(False)
        self.action_lock = self.action("&Lock", commands.lock, shortcut="Ctrl+L", icon="lock")
        self.action_lock.setToolTip("Lock CRAG Desktop and close the database (Ctrl+L)")
        self.action_quit = self.action(
            "&Quit", commands.close, shortcut=QKeySequence.StandardKey.Quit, unlocked_only=False
        )
        self.action_preferences = self.action(
            "&Preferences…", commands.show_preferences, icon="settings"
        )
        self.action_about = self.action("&About CRAG Desktop", self.show_about, unlocked_only=False)
        self.action_shortcuts = self.action(
            "&Keyboard shortcuts", self.show_shortcuts, icon="help", shortcut="F1",
            unlocked_only=False,
        )  # fmt: skip
        self.edit_actions: list[QAction] = []
        for text, key, method in _EDIT_ACTIONS:
            if text is None:
                continue
            action = self.action(text, partial(_edit, method), shortcut=key)
            # The focused text field handles these keys itself; the menu entries serve
            # mouse users and other widgets that offer the same method.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.edit_actions.append(action)

    def _build_menus(self) -> None:
        bar = self._window.menuBar()
        self.file_menu = bar.addMenu("&File")
        for action in (self.action_new, self.action_open):
            self.file_menu.addAction(action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.action_import)
        self.file_menu.addAction(self.action_export)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.action_lock)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.action_quit)
        self.edit_menu = bar.addMenu("&Edit")
        actions = iter(self.edit_actions)
        for text, _key, _method in _EDIT_ACTIONS:
            if text is None:
                self.edit_menu.addSeparator()
            else:
                self.edit_menu.addAction(next(actions))
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.action_preferences)
        self.case_menu = bar.addMenu("&Case")
        self.case_menu.menuAction().setVisible(False)
        self.view_menu = bar.addMenu("&View")
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addAction(self.action_shortcuts)
        self.help_menu.addAction(self.action_about)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Main toolbar")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(20, 20))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.addAction(self.action_open)
        self.toolbar.addAction(self.action_import)
        self.toolbar.addAction(self.action_export)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addAction(self.action_lock)
        self._window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._rebuild_view_menu()

    def _rebuild_view_menu(self) -> None:
        self.view_menu.clear()
        for key in sorted(self._screen_actions):
            self.view_menu.addAction(self._screen_actions[key])
        if self._screen_actions:
            self.view_menu.addSeparator()
        self.view_menu.addAction(self.toolbar.toggleViewAction())

    # --- entries added by the screens and the app ------------------------------------------

    def add_screen_action(
        self,
        key: ScreenKey,
        title: str,
        shortcut: QKeySequence | str | None,
        show: Callable[[ScreenKey], None],
    ) -> None:
        """The View menu's entry for `key`'s screen, with its shortcut (Ctrl+1 ..)."""
        self._screen_actions[key] = self.action(
            title, lambda: show(key), icon=None,
            shortcut=shortcut if shortcut is not None else key.default_shortcut,
        )  # fmt: skip
        self._rebuild_view_menu()

    def add_case_action(
        self,
        text: str,
        slot: Callable[[], object],
        *,
        shortcut: str | None = None,
        icon: str | None = None,
        tooltip: str | None = None,
    ) -> QAction:
        """Add a frequent case action (the criteria wizard…) to the Case menu and toolbar."""
        action = self.action(text, slot, shortcut=shortcut, icon=icon)
        if tooltip:
            action.setToolTip(tooltip)
        action.setEnabled(self._is_open())
        self.case_menu.addAction(action)
        self.case_menu.menuAction().setVisible(True)
        self.toolbar.insertAction(self.action_open, action)
        return action

    def add_file_action(
        self, text: str, slot: Callable[[], object], *, shortcut: str | None = None
    ) -> QAction:
        """Add an entry to the File menu, above Lock; enabled only while unlocked."""
        action = self.action(text, slot, shortcut=shortcut)
        action.setEnabled(self._is_open())
        self.file_menu.insertAction(self.action_lock, action)
        return action

    def set_import_handler(self, handler: Callable[[], None] | None) -> None:
        """What File > Import runs; the entry is disabled until one is set."""
        self._import_handler = handler
        self.action_import.setEnabled(handler is not None and not self._lock_controller.is_locked)

    def set_export_handler(self, handler: Callable[[], None] | None) -> None:
        """What File > Export runs; the entry is disabled until one is set."""
        self._export_handler = handler
        self.action_export.setEnabled(handler is not None and not self._lock_controller.is_locked)

    def set_open(self, is_open: bool) -> None:
        """Enable the actions that need the database while it is open and unlocked."""
        for action in self._unlocked_only:
            action.setEnabled(is_open)
        self.action_import.setEnabled(is_open and self._import_handler is not None)
        self.action_export.setEnabled(is_open and self._export_handler is not None)

    def _is_open(self) -> bool:
        return not self._lock_controller.is_locked and self._current.database is not None

    def _import(self) -> None:
        if self._import_handler is not None:
            self._import_handler()

    def _export(self) -> None:
        if self._export_handler is not None:
            self._export_handler()

    # --- Help ------------------------------------------------------------------------------

    def show_about(self) -> None:
        """Help > About."""
        self._prompter.info(
            "About CRAG Desktop",
            f"CRAG Desktop {__version__}\n\n"
            "Case reviews, criteria decisions and recommendations for a safeguarding "
            "partnership's Case Review and Governance group.\n\n"
            "Everything is kept in one encrypted file. Printed pages are marked "
            "OFFICIAL-SENSITIVE.",
        )

    def shortcut_lines(self) -> list[str]:
        """Every keyboard shortcut, as "keys — what it does", under headings."""
        edit_keys = {id(action) for action in self.edit_actions}
        lines = ["Anywhere in the window"]
        for action in [*self._screen_actions.values(), *self._window.actions()]:
            if id(action) in edit_keys:
                continue  # Cut, Copy, Paste…: the keys every program uses
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            text = action.text().replace("&", "").rstrip("…")
            line = f"{keys} — {text}"
            if keys and line not in lines:
                lines.append(line)
        lines += ["", "In a list and its form", *_LIST_KEYS, "", "In the criteria wizard"]
        lines += _WIZARD_KEYS
        return lines

    def show_shortcuts(self) -> None:
        """Help > Keyboard shortcuts."""
        self._prompter.info("Keyboard shortcuts", "\n".join(self.shortcut_lines()))


def _edit(method: str) -> None:
    """Run Edit > `method` (undo, cut…) on the focused widget, if it offers it."""
    focus = QApplication.focusWidget()
    text_field = QLineEdit | QtWidgets.QTextEdit | QtWidgets.QPlainTextEdit
    if isinstance(focus, text_field) or hasattr(focus, method):
        target = getattr(focus, method, None)
        if callable(target):
            target()
