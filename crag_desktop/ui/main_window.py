"""The main window: navigation on the left, the chosen screen on the right, a lock screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QToolBar,
    QWidget,
)

from crag_desktop import __version__
from crag_desktop.services.changes import Changes
from crag_desktop.ui.dialogs.unlock import Creator, Opener, UnlockDialog, UnlockMode
from crag_desktop.ui.lock import CurrentDatabase, IdleWatcher, LockController, LockScreen
from crag_desktop.ui.navigation import NavigationList, Screen, ScreenKey
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.settings import AppSettings, PreferencesDialog
from crag_desktop.ui.widgets import load_icon

APP_TITLE = "CRAG Desktop"

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


#: Makes a screen's widget (a QWidget that implements the Screen protocol) when first shown.
ScreenBuilder = Callable[[], QWidget]


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
        self.setWindowIcon(load_icon("app"))
        self.current = current
        self._settings = settings
        self._prompter = prompter
        self._opener = opener
        self._creator = creator
        # Built screens; the others wait in `_builders` until first shown or asked for.
        self._screens: dict[ScreenKey, QWidget] = {}
        self._builders: dict[ScreenKey, tuple[str, ScreenBuilder]] = {}
        self._when_built: dict[ScreenKey, list[Callable[[QWidget], None]]] = {}
        # Screens chosen in the list and being built a step at a time (see `_show_key`),
        # and the one that takes the keyboard focus once it shows.
        self._building: dict[ScreenKey, Iterator[None]] = {}
        self._focus_on_show: ScreenKey | None = None
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_step)
        # Set by the first refresh_screens(None): from then on a screen built later loads
        # its rows at once (before it, that refresh loads every screen built so far).
        self._screens_loaded = False
        self._screen_actions: dict[ScreenKey, QAction] = {}
        self._unlocked_only: list[QAction] = []
        self._import_handler: Callable[[], None] | None = None
        self._close_hooks: list[Callable[[], None]] = []
        self._export_handler: Callable[[], None] | None = None

        self.navigation = NavigationList()
        self.screen_stack = QStackedWidget()
        self.screen_stack.setObjectName("screenStack")
        self.navigation.screen_chosen.connect(self._show_key)
        # Shown only until the first screen is shown.
        self.empty_label = QLabel("No screens are installed in this build of CRAG Desktop.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("role", "subtitle")
        self.screen_stack.addWidget(self.empty_label)
        self.workspace = QSplitter(Qt.Orientation.Horizontal)
        self.workspace.setObjectName("workspace")
        self.workspace.setChildrenCollapsible(False)
        self.workspace.addWidget(self.navigation)
        self.workspace.addWidget(self.screen_stack)
        self.workspace.setStretchFactor(1, 1)
        self.workspace.setSizes([220, 980])
        self.lock_screen = LockScreen()
        self.central = QStackedWidget()
        self.central.addWidget(self.workspace)
        self.central.addWidget(self.lock_screen)
        self.setCentralWidget(self.central)

        app = QApplication.instance()
        assert app is not None, "create the QApplication before the main window"
        self.idle = IdleWatcher(app=app, timeout_ms=settings.idle_lock_ms(), parent=self)
        self.lock_controller = LockController(
            current=current, opener=opener, idle=self.idle, parent=self
        )
        self.lock_controller.about_to_lock.connect(self._before_lock)
        self.lock_controller.locked.connect(self._after_lock)
        self.lock_controller.unlocked.connect(self._after_unlock)
        self.lock_screen.unlock_requested.connect(self._unlock)
        current.lost.connect(self._database_lost)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._update_identity()
        self._restore_layout()
        prompter.set_parent(self)

    # --- building --------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        *,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str | None = None,
        unlocked_only: bool = True,
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(load_icon(icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        if unlocked_only:
            self._unlocked_only.append(action)
        return action

    def _build_actions(self) -> None:
        self.action_new = self._action(
            "&New database…", lambda: self.switch_database(UnlockMode.CREATE), icon="new",
            # Ctrl+N belongs to "new record" on every list screen.
            shortcut="Ctrl+Shift+N",
        )  # fmt: skip
        self.action_open = self._action(
            "&Open…", lambda: self.switch_database(UnlockMode.OPEN), icon="open",
            shortcut=QKeySequence.StandardKey.Open,
        )  # fmt: skip
        self.action_import = self._action("&Import…", self._import, icon="import")
        self.action_export = self._action("&Export…", self._export, icon="export")
        self.action_import.setEnabled(False)
        self.action_export.setEnabled(False)
        self.action_lock = self._action("&Lock", self.lock, shortcut="Ctrl+L", icon="lock")
        self.action_lock.setToolTip("Lock CRAG Desktop and close the database (Ctrl+L)")
        self.action_quit = self._action(
            "&Quit", self.close, shortcut=QKeySequence.StandardKey.Quit, unlocked_only=False
        )
        self.action_preferences = self._action(
            "&Preferences…", self.show_preferences, icon="settings"
        )
        self.action_about = self._action(
            "&About CRAG Desktop", self.show_about, unlocked_only=False
        )
        self.action_shortcuts = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, icon="help", shortcut="F1",
            unlocked_only=False,
        )  # fmt: skip
        self.edit_actions: list[QAction] = []
        for text, key, method in _EDIT_ACTIONS:
            if text is None:
                continue
            action = self._action(text, partial(self._edit, method), shortcut=key)
            # The focused text field handles these keys itself; the menu entries serve
            # mouse users and other widgets that offer the same method.
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.edit_actions.append(action)

    def _build_menus(self) -> None:
        bar = self.menuBar()
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
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._rebuild_view_menu()

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

    def _rebuild_view_menu(self) -> None:
        self.view_menu.clear()
        for key in sorted(self._screen_actions):
            self.view_menu.addAction(self._screen_actions[key])
        if self._screen_actions:
            self.view_menu.addSeparator()
        self.view_menu.addAction(self.toolbar.toggleViewAction())

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
        self._install_screen(key, title, widget)
        if self.navigation.current_key() == key:
            self._show_key(key, at_once=True)

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
        self._builders[key] = (title, build)
        if self.navigation.current_key() == key and self.isVisible():
            self._show_key(key, at_once=True)

    def when_screen_built(self, key: ScreenKey, wire: Callable[[QWidget], None]) -> None:
        """Call `wire(widget)` with `key`'s screen: now if it is built, else once it is."""
        if key in self._screens:
            wire(self._screens[key])
        else:
            self._when_built.setdefault(key, []).append(wire)

    def is_screen_built(self, key: ScreenKey) -> bool:
        """Whether `key`'s screen has been built (shown or asked for) yet."""
        return key in self._screens and key not in self._building

    def _register_screen(
        self,
        key: ScreenKey,
        title: str | None,
        icon: QIcon | str | None,
        shortcut: QKeySequence | str | None,
    ) -> str:
        """The screen's entry in the list, its shortcut and its View menu item."""
        if key in self._screens or key in self._builders:
            raise ValueError(f"{key.name} already has a screen")
        title = title or key.default_title
        if not isinstance(icon, QIcon):
            icon = load_icon(icon or key.default_icon)
        self.navigation.add_screen(key, title, icon)
        if self.navigation.currentRow() < 0 or not self.isVisible():
            # Until the window shows, the first screen in list order is the one to open on
            # (shown by the caller once its widget or builder is in place).
            self.navigation.setCurrentRow(0)
        action = self._action(
            title, lambda: self.show_screen(key), icon=None,
            shortcut=shortcut if shortcut is not None else key.default_shortcut,
        )  # fmt: skip
        self._screen_actions[key] = action
        self._rebuild_view_menu()
        self.fit_navigation()
        return title

    def _install_screen(self, key: ScreenKey, title: str, widget: QWidget) -> None:
        widget.setAccessibleName(title)
        self._screens[key] = widget
        self.screen_stack.addWidget(widget)

    def _built_screen(self, key: ScreenKey) -> QWidget:
        """`key`'s screen, built now if it was waiting (KeyError if none is registered)."""
        steps = self._building.pop(key, None)
        if steps is None and key not in self._screens:
            steps = self._build_steps(key)
        for _done in steps or ():
            pass
        if steps is not None and key == self.current_screen_key() and not self.is_locked:
            # Chosen and asked for before its steps were done: it shows now.
            self._bring_forward(key)
        return self._screens[key]

    def _build_steps(self, key: ScreenKey) -> Iterator[None]:
        """Build `key`'s screen, put it into the window and load it: one step per `next`.

        Each step is short enough not to stall the window (at most a few tens of
        milliseconds); `_show_key` runs one per turn of the event loop, so that the window
        answers the keyboard and mouse and paints in between.
        """
        title, build = self._builders[key]
        widget = build()
        if not isinstance(widget, QWidget) or not isinstance(widget, Screen):
            raise TypeError(f"{type(widget).__name__} lacks title, refresh() or clear()")
        # Only once built: a build that failed (the database went away) can be tried again.
        del self._builders[key]
        yield
        self._install_screen(key, title, widget)
        for wire in self._when_built.pop(key, []):
            wire(widget)
        yield
        if self._screens_loaded and not self.is_locked and self.current.database is not None:
            # Loaded once in the window: a list measures its columns with the window's font.
            screen: Screen = widget
            screen.refresh(None)
            yield

    def _build_step(self) -> None:
        """One step of building the screen chosen (else of one chosen before and left)."""
        if self.is_locked or not self._building:
            # Unlocking shows (and builds at once) the screen chosen; others when chosen.
            return
        key = self.current_screen_key()
        if key is None or key not in self._building:
            key = next(iter(self._building))
        try:
            next(self._building[key])
        except StopIteration:
            del self._building[key]
            if key == self.current_screen_key():
                self._bring_forward(key)
        except BaseException:
            self._building.pop(key, None)
            raise
        finally:
            if self._building:
                self._build_timer.start()

    def fit_navigation(self) -> None:
        """Size the screen list to its titles (again after a style sheet change)."""
        self.navigation.setFixedWidth(self.navigation.sizeHint().width())

    def screen_widget(self, key: ScreenKey) -> QWidget:
        """The widget registered for `key`, built now if it was waiting (KeyError if none)."""
        return self._built_screen(key)

    def screen_keys(self) -> list[ScreenKey]:
        """Registered screens, in navigation order."""
        return self.navigation.keys()

    def current_screen_key(self) -> ScreenKey | None:
        """The screen chosen now (one built when first chosen shows a few frames later)."""
        return self.navigation.current_key()

    def shown_screen_key(self) -> ScreenKey | None:
        """The screen in front now: the one chosen once it is built and loaded."""
        widget = self.screen_stack.currentWidget()
        return next((key for key, screen in self._screens.items() if screen is widget), None)

    def show_screen(self, key: ScreenKey) -> None:
        """Show `key`'s screen and give it the keyboard focus."""
        if not self._has_screen(key) or self.lock_controller.is_locked:
            return
        self._focus_on_show = key
        self.navigation.select(key)
        if self.is_screen_built(key):
            self._bring_forward(key)

    def refresh_screens(self, changes: Changes | None = None) -> None:
        """Give every screen the `Changes` a service returned (None: reload everything).

        Screens not built yet need nothing: they load what is stored when first built."""
        if changes is None:
            self._screens_loaded = True
        for widget in list(self._screens.values()):
            screen: Screen = widget  # type: ignore[assignment]
            screen.refresh(changes)

    def show_saved(self, message: str = "Saved") -> None:
        """Confirm in the status bar that a change was stored."""
        self.statusBar().showMessage(message, 5000)

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        """Show a short message in the status bar."""
        self.statusBar().showMessage(message, timeout_ms)

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
        action = self._action(text, slot, shortcut=shortcut, icon=icon)
        if tooltip:
            action.setToolTip(tooltip)
        action.setEnabled(not self.is_locked and self.current.database is not None)
        self.case_menu.addAction(action)
        self.case_menu.menuAction().setVisible(True)
        self.toolbar.insertAction(self.action_open, action)
        return action

    def may_close_screens(self) -> bool:
        """Ask every screen with unsaved typing whether it may go; False if one says no."""
        for widget in self._screens.values():
            may_close = getattr(widget, "may_close", None)
            if callable(may_close) and not may_close():
                return False
        return True

    def add_file_action(
        self, text: str, slot: Callable[[], object], *, shortcut: str | None = None
    ) -> QAction:
        """Add an entry to the File menu, above Lock; enabled only while unlocked."""
        action = self._action(text, slot, shortcut=shortcut)
        action.setEnabled(not self.is_locked and self.current.database is not None)
        self.file_menu.insertAction(self.action_lock, action)
        return action

    def add_close_hook(self, hook: Callable[[], None]) -> None:
        """Run `hook` when the window closes, before the database is closed."""
        self._close_hooks.append(hook)

    def set_import_handler(self, handler: Callable[[], None] | None) -> None:
        """What File > Import runs; the entry is disabled until one is set."""
        self._import_handler = handler
        self.action_import.setEnabled(handler is not None and not self.is_locked)

    def set_export_handler(self, handler: Callable[[], None] | None) -> None:
        """What File > Export runs; the entry is disabled until one is set."""
        self._export_handler = handler
        self.action_export.setEnabled(handler is not None and not self.is_locked)

    def _has_screen(self, key: ScreenKey) -> bool:
        return key in self._screens or key in self._builders

    def _show_key(self, key: object, *, at_once: bool = False) -> None:
        """Show `key`'s screen; one not built yet is built in steps (`_build_steps`) and
        shows once loaded, unless `at_once` (the window's first screen, on showing)."""
        if not isinstance(key, ScreenKey) or not self._has_screen(key):
            return
        if at_once or not self.isVisible() or self.is_screen_built(key):
            self._built_screen(key)
            self._bring_forward(key)
            return
        # Built in steps: a screen's first showing cost 0.1-0.4 s of the GUI thread in one go
        # (benchmarks: longest GUI stall). The list shows the choice at once; the screen
        # follows a few frames later, loaded.
        if key not in self._building:
            self._building[key] = self._build_steps(key)
        self._build_timer.start()

    def _bring_forward(self, key: ScreenKey) -> None:
        widget = self._screens[key]
        self.screen_stack.setCurrentWidget(widget)
        # In front until then, the label lets a screen go into the window hidden: it
        # loads once, before it shows (a first screen put into an empty stack would show
        # at once, and the Dashboard count on showing and again on loading).
        if self.screen_stack.indexOf(self.empty_label) >= 0:
            self.screen_stack.removeWidget(self.empty_label)
            self.empty_label.hide()
        if self._focus_on_show == key:
            self._focus_on_show = None
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _import(self) -> None:
        if self._import_handler is not None:
            self._import_handler()

    def _export(self) -> None:
        if self._export_handler is not None:
            self._export_handler()

    def _edit(self, method: str) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit | QTextEdit | QPlainTextEdit) or hasattr(focus, method):
            target = getattr(focus, method, None)
            if callable(target):
                target()

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
        for widget in self._screens.values():
            screen: Screen = widget  # type: ignore[assignment]
            screen.clear()
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
            self._built_screen(key)
            self._bring_forward(key)
            self._screens[key].setFocus(Qt.FocusReason.OtherFocusReason)
        self.unlocked.emit()

    def _update_identity(self) -> None:
        locked = self.is_locked or self.current.database is None
        for action in self._unlocked_only:
            action.setEnabled(not locked)
        self.action_import.setEnabled(not locked and self._import_handler is not None)
        self.action_export.setEnabled(not locked and self._export_handler is not None)
        self.navigation.setEnabled(not locked)
        self.operator_label.setText(f"Operator: {self.current.operator}")
        if locked:
            # Nothing that names the case while locked: not even the file name.
            self.setWindowTitle(f"{APP_TITLE} — Locked")
            self.file_label.setText("")
            self.file_label.hide()
            self.state_label.setText("Locked")
            self.statusBar().clearMessage()
        else:
            name = self.current.path.name if self.current.path else ""
            self.setWindowTitle(f"{APP_TITLE} — {name}" if name else APP_TITLE)
            self.file_label.setText(f"Database: {name}")
            self.file_label.show()
            self.state_label.setText("Unlocked")
            self.statusBar().clearMessage()

    # --- files, dialogs --------------------------------------------------------------------

    def switch_database(self, mode: UnlockMode) -> bool:
        """Open or create another database in place of this one."""
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
            for widget in self._screens.values():
                screen: Screen = widget  # type: ignore[assignment]
                screen.clear()
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
        for action in [*self._screen_actions.values(), *self.actions()]:
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
            self._show_key(key, at_once=True)
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
