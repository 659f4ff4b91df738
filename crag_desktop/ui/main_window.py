"""The main window: navigation on the left, the chosen screen on the right, a lock screen.

The window wires its parts together: the workspace (`ui/workspace.py`) owns the screens,
the menus (`ui/window_menus.py`) own the actions, and the lock controller (`ui/lock.py`)
decides when the lock screen covers them; the window shows who and which file in its
title and status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QStackedWidget, QWidget

from crag_desktop.services.changes import Changes
from crag_desktop.ui.lock import CurrentDatabase, IdleWatcher, LockController, LockScreen
from crag_desktop.ui.navigation import Screen, ScreenKey
from crag_desktop.ui.opening import Creator, Opener, UnlockMode
from crag_desktop.ui.prompts import APP_NAME, Prompter
from crag_desktop.ui.settings import AppSettings, PreferencesDialog
from crag_desktop.ui.widgets import load_icon, style_sheet_on_window
from crag_desktop.ui.window_menus import WindowMenus
from crag_desktop.ui.workspace import ScreenBuilder, Workspace


class MainWindow(QMainWindow):
    """The application window. Screens are plugged in with add_screen(), or with
    add_screen_builder() to be built when first shown."""

    locked = Signal()
    unlocked = Signal()
    database_switched = Signal()

    def __init__(
        self,
        *,
        current: CurrentDatabase,
        settings: AppSettings,
        prompter: Prompter,
        opener: Opener,
        creator: Creator,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        # The style sheet goes on before anything is built in the window: under the
        # application's sheet every part was styled as it went in and again when the sheet
        # moved here (see `style_sheet_on_window`), a third of the window's building time.
        style_sheet_on_window(self)
        self.setWindowIcon(load_icon("app"))
        self.current = current
        self._settings = settings
        self._prompter = prompter
        self._opener = opener
        self._creator = creator
        self._close_hooks: list[Callable[[], None]] = []

        app = QApplication.instance()
        assert app is not None, "create the QApplication before the main window"
        self.idle = IdleWatcher(app=app, timeout_ms=settings.idle_lock_ms(), parent=self)
        self.lock_controller = LockController(
            current=current, opener=opener, idle=self.idle, parent=self
        )
        self.workspace = Workspace(current=current, lock_controller=self.lock_controller)
        self.navigation = self.workspace.navigation
        self.screen_stack = self.workspace.screen_stack
        self.lock_screen = LockScreen()
        self.central = QStackedWidget()
        self.central.addWidget(self.workspace)
        self.central.addWidget(self.lock_screen)
        self.setCentralWidget(self.central)

        self.lock_controller.about_to_lock.connect(self._before_lock)
        self.lock_controller.locked.connect(self._after_lock)
        self.lock_controller.unlocked.connect(self._after_unlock)
        self.lock_screen.unlock_requested.connect(self._unlock)
        current.lost.connect(self._database_lost)

        self.menus = WindowMenus(
            window=self, commands=self, prompter=prompter,
            current=current, lock_controller=self.lock_controller,
        )  # fmt: skip
        self._build_status_bar()
        self._update_identity()
        self._restore_layout()
        prompter.set_parent(self)

    def _build_status_bar(self) -> None:
        self.operator_label = QLabel()
        self.operator_label.setAccessibleName("Operator")
        self.file_label = QLabel()
        self.file_label.setAccessibleName("Database file")
        self.state_label = QLabel()
        self.state_label.setAccessibleName("State")
        status = self.statusBar()
        status.addPermanentWidget(self.state_label)
        status.addPermanentWidget(self.operator_label)
        status.addPermanentWidget(self.file_label)

    # --- screens ---------------------------------------------------------------------------

    def add_screen(
        self,
        key: ScreenKey,
        title: str | None,
        icon: QIcon | str | None,
        widget: QWidget,
        shortcut: QKeySequence | str | None = None,
    ) -> None:
        """Plug in a screen: `widget` is a QWidget that implements the Screen protocol.

        `title`, `icon` (a QIcon or a bundled icon name) and `shortcut` default to the
        key's own (Ctrl+1 .. Ctrl+9 in list order).
        """
        if not isinstance(widget, Screen):
            raise TypeError(f"{type(widget).__name__} lacks title, refresh() or clear()")
        title = self._register_screen(key, title, icon, shortcut)
        self.workspace.install(key, title, widget)
        if self.navigation.current_key() == key:
            self.workspace.show_key(key, at_once=True)

    def add_screen_builder(
        self,
        key: ScreenKey,
        build: ScreenBuilder,
        *,
        title: str | None = None,
        icon: QIcon | str | None = None,
        shortcut: QKeySequence | str | None = None,
    ) -> None:
        """Plug in a screen that `build()` makes when it is first shown or asked for
        (`screen_widget`): building every screen at start cost most of the time to a painted
        window and a third of the memory (benchmarks: start to paint, memory). Its entry,
        shortcut and View menu item are there at once."""
        title = self._register_screen(key, title, icon, shortcut)
        self.workspace.wait_for_builder(key, title, build)
        if self.navigation.current_key() == key and self.isVisible():
            self.workspace.show_key(key, at_once=True)

    def _register_screen(
        self,
        key: ScreenKey,
        title: str | None,
        icon: QIcon | str | None,
        shortcut: QKeySequence | str | None,
    ) -> str:
        """The screen's entry in the list, its shortcut and its View menu item."""
        title = self.workspace.register(key, title, icon)
        self.menus.add_screen_action(key, title, shortcut, self.show_screen)
        return title

    def when_screen_built(self, key: ScreenKey, wire: Callable[[QWidget], None]) -> None:
        """Call `wire(widget)` with `key`'s screen: now if it is built, else once it is."""
        self.workspace.when_built(key, wire)

    def is_screen_built(self, key: ScreenKey) -> bool:
        """Whether `key`'s screen has been built (shown or asked for) yet."""
        return self.workspace.is_built(key)

    def fit_navigation(self) -> None:
        """Size the screen list to its titles (again after a style sheet change)."""
        self.workspace.fit_navigation()

    def screen_widget(self, key: ScreenKey) -> QWidget:
        """The widget registered for `key`, built now if it was waiting (KeyError if none)."""
        return self.workspace.screen_widget(key)

    def screen_keys(self) -> list[ScreenKey]:
        """Registered screens, in navigation order."""
        return self.navigation.keys()

    def current_screen_key(self) -> ScreenKey | None:
        """The screen chosen now (one built when first chosen shows a few frames later)."""
        return self.workspace.current_key()

    def shown_screen_key(self) -> ScreenKey | None:
        """The screen in front now: the one chosen once it is built and loaded."""
        return self.workspace.shown_key()

    def wait_shown(
        self, key: ScreenKey, *, turn: Callable[[], object] | None = None, timeout: float = 20.0
    ) -> QWidget:
        """Run the event loop (one `turn` at a time) until `key`'s screen is in front, and
        return it (see `Workspace.wait_shown`)."""
        return self.workspace.wait_shown(key, turn=turn, timeout=timeout)

    def show_screen(self, key: ScreenKey) -> None:
        """Show `key`'s screen and give it the keyboard focus."""
        self.workspace.choose(key)

    def refresh_screens(self, changes: Changes | None = None) -> None:
        """Give every screen the `Changes` a service returned (None: reload everything).

        Screens not built yet need nothing: they load what is stored when first built."""
        self.workspace.refresh_screens(changes)

    def may_close_screens(self) -> bool:
        """Ask every screen with unsaved typing whether it may go; False if one says no."""
        return self.workspace.may_close()

    def show_saved(self, message: str = "Saved") -> None:
        """Confirm in the status bar that a change was stored."""
        self.statusBar().showMessage(message, 5000)

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        """Show a short message in the status bar."""
        self.statusBar().showMessage(message, timeout_ms)

    def add_close_hook(self, hook: Callable[[], None]) -> None:
        """Run `hook` when the window closes, before the database is closed."""
        self._close_hooks.append(hook)

    # --- locking ---------------------------------------------------------------------------

    @property
    def is_locked(self) -> bool:
        """Whether the window shows the lock screen."""
        return self.lock_controller.is_locked

    def lock(self) -> None:
        """Lock now (Ctrl+L)."""
        self.lock_controller.lock()

    def set_idle_lock_ms(self, milliseconds: int) -> None:
        """Change how long the app may stay unused before it locks."""
        self.idle.set_timeout_ms(milliseconds)

    def _before_lock(self) -> None:
        # Dialogs opened by screens may show case data: close them before anything else.
        # One that keeps a draft (the criteria wizard) closes without asking: locking must
        # not wait for an answer, and the draft keeps everything typed.
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                close_keeping_draft = getattr(dialog, "close_keeping_draft", None)
                if callable(close_keeping_draft):
                    close_keeping_draft()
                else:
                    dialog.reject()
        self.workspace.clear_screens()
        self.lock_screen.prepare(operator=self.current.operator)
        self.central.setCurrentWidget(self.lock_screen)
        self.lock_screen.setFocus()

    def _database_lost(self, message: str) -> None:
        # Said once (the database reports its loss once); forms keep what was typed.
        self.statusBar().showMessage("The database can no longer be used: File > Reopen…")
        self._prompter.warn(
            "The database can no longer be used",
            f"{message}\n\nChoose File > Reopen… to open it again (with its new passphrase "
            "if it was changed) and carry on where you are; or copy what you typed elsewhere.",
        )

    def _after_lock(self) -> None:
        self._update_identity()
        self.locked.emit()

    def _unlock(self, passphrase: str) -> None:
        error = self.lock_controller.unlock(passphrase)
        if error is not None:
            self.lock_screen.show_error(error)

    def _after_unlock(self) -> None:
        self.lock_screen.prepare(operator=self.current.operator)
        self.central.setCurrentWidget(self.workspace)
        self._update_identity()
        self.refresh_screens(None)
        key = self.current_screen_key()
        if key is not None:
            # Built at once if it was still being built when the app locked.
            widget = self.workspace.screen_widget(key)
            self.workspace.bring_forward(key)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        self.unlocked.emit()

    def _update_identity(self) -> None:
        locked = self.is_locked or self.current.database is None
        self.menus.set_open(not locked)
        self.navigation.setEnabled(not locked)
        self.operator_label.setText(f"Operator: {self.current.operator}")
        if locked:
            # Nothing that names the case while locked: not even the file name.
            self.setWindowTitle(f"{APP_NAME} — Locked")
            self.file_label.setText("")
            self.file_label.hide()
            self.state_label.setText("Locked")
            self.statusBar().clearMessage()
        else:
            name = self.current.path.name if self.current.path else ""
            self.setWindowTitle(f"{APP_NAME} — {name}" if name else APP_NAME)
            self.file_label.setText(f"Database: {name}")
            self.file_label.show()
            self.state_label.setText("Unlocked")
            self.statusBar().clearMessage()

    # --- files, dialogs --------------------------------------------------------------------

    def switch_database(self, mode: UnlockMode) -> bool:
        """Open or create another database in place of this one."""
        # Imported when first asked for: see crag_desktop.ui.opening.
        from crag_desktop.ui.dialogs.unlock import UnlockDialog

        dialog = UnlockDialog(
            settings=self._settings,
            opener=self._opener,
            creator=self._creator,
            prompter=self._prompter,
            mode=mode,
            parent=self,
        )
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.database is None:
                return False
            self.workspace.clear_screens()
            self.current.set(dialog.database)
        finally:
            dialog.deleteLater()
        self.lock_controller.database_opened()
        self._update_identity()
        self.refresh_screens(None)
        self.database_switched.emit()
        return True

    def show_preferences(self) -> None:
        """Edit the idle lock time."""
        dialog = PreferencesDialog(settings=self._settings, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_idle_lock_ms(self._settings.idle_lock_ms())
        dialog.deleteLater()

    # --- window state ----------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self._settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            # First run: 1200 x 780, but never larger than the screen's usable area (a
            # 1366 x 768 council laptop has about 730 pixels below its task bar).
            width, height = 1200, 780
            screen = self.screen()
            if screen is not None:
                room = screen.availableGeometry()
                width = min(width, room.width())
                height = min(height, room.height() - 40)
            self.resize(width, height)
        state = self._settings.window_state()
        if state is not None:
            self.restoreState(state)

    def save_layout(self) -> None:
        """Remember size, position and toolbar (no case data)."""
        self._settings.set_window_layout(self.saveGeometry(), self.saveState())
        self._settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        """Build the screen to open on, if it waits for a builder."""
        key = self.current_screen_key()
        if key is not None and not self.is_locked:
            self.workspace.show_key(key, at_once=True)
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask about unsaved typing, remember the layout and close the database."""
        if not self.is_locked and not self.may_close_screens():
            event.ignore()
            return
        self.save_layout()
        for hook in self._close_hooks:
            hook()
        self.idle.detach()
        self.current.close()
        super().closeEvent(event)
