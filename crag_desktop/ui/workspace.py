"""The window's workspace: the list of screens on the left, the chosen screen on the right.

It owns the screens: those built, those waiting for their builder until first shown or
asked for, and those being built a step at a time."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from typing import Protocol

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QStackedWidget, QWidget

from crag_desktop.services.changes import Changes
from crag_desktop.ui.lock import CurrentDatabase, LockController
from crag_desktop.ui.navigation import NavigationList, Screen, ScreenKey
from crag_desktop.ui.widgets import load_icon


class ScreenBuilder(Protocol):
    """Makes a screen's widget (a QWidget that implements the Screen protocol) when first
    shown; or does the first part of the work (importing the screen's code, building its
    form) and returns what does the rest, each part then a step of the screen's building."""

    def __call__(self) -> QWidget | ScreenBuilder:
        """The screen, or what makes the rest of it."""
        ...


def keep_out_of_collections() -> None:
    """Set what exists now aside from the cyclic garbage collector's full collections.

    A full collection walks every object Python tracks, and with Qt's wrappers, SQLAlchemy
    and the screens that took 0.2 s, at moments nobody chose (while scrolling, opening a
    record: benchmarks, GUI stall). The screens and what start-up imported live as long as
    the window; frozen, the collector walks only what came after. Frozen objects are still
    freed when nothing refers to them; a cycle among them is not, so the young generations
    are collected first (cheap) and only what has lasted that long is set aside."""
    gc.collect(1)
    gc.freeze()


class Workspace(QSplitter):
    """The navigation list beside the stack of screens. A screen is put in with `install`,
    or with `wait_for_builder` to be built when first shown."""

    def __init__(
        self,
        *,
        current: CurrentDatabase,
        lock_controller: LockController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("workspace")
        self._current = current
        self._lock_controller = lock_controller
        # Built screens; the others wait in `_builders` until first shown or asked for.
        self._screens: dict[ScreenKey, QWidget] = {}
        self._builders: dict[ScreenKey, tuple[str, ScreenBuilder]] = {}
        self._when_built: dict[ScreenKey, list[Callable[[QWidget], None]]] = {}
        # Screens chosen in the list and being built a step at a time (see `show_key`),
        # and the one that takes the keyboard focus once it shows.
        self._building: dict[ScreenKey, Iterator[None]] = {}
        self._focus_on_show: ScreenKey | None = None
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.setInterval(0)
        self._build_timer.timeout.connect(self._build_step)
        # Set by the first refresh_screens(None): from then on a screen built later loads its rows
        # at once (before it, that refresh loads every screen built so far).
        self._screens_loaded = False
        # Whether the list's width fits its titles (see `register`).
        self._navigation_fitted = True

        self.navigation = NavigationList()
        self.screen_stack = QStackedWidget()
        self.screen_stack.setObjectName("screenStack")
        self.navigation.screen_chosen.connect(self.show_key)
        # Shown only until the first screen is shown.
        self.empty_label = QLabel("No screens are installed in this build of CRAG Desktop.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("role", "subtitle")
        self.screen_stack.addWidget(self.empty_label)
        self.setChildrenCollapsible(False)
        self.addWidget(self.navigation)
        self.addWidget(self.screen_stack)
        self.setStretchFactor(1, 1)
        self.setSizes([220, 980])

    # --- putting screens in ----------------------------------------------------------------

    def register(self, key: ScreenKey, title: str | None, icon: QIcon | str | None) -> str:
        """Give `key` its entry in the list; returns the title it shows under."""
        if self.has_screen(key):
            raise ValueError(f"{key.name} already has a screen")
        title = title or key.default_title
        if not isinstance(icon, QIcon):
            icon = load_icon(icon or key.default_icon)
        self.navigation.add_screen(key, title, icon)
        if self.navigation.currentRow() < 0 or not self.window().isVisible():
            # Until the window shows, the first screen in list order is the one to open on
            # (shown by the caller once its widget or builder is in place).
            self.navigation.setCurrentRow(0)
        if self.isVisible():
            self.fit_navigation()
        else:
            # Fitted once, when first shown: each fit measures every title, and the window
            # registered its nine screens one by one (a sixth of building it).
            self._navigation_fitted = False
        return title

    def install(self, key: ScreenKey, title: str, widget: QWidget) -> None:
        """Put `key`'s built screen into the stack (registered first)."""
        widget.setAccessibleName(title)
        self._screens[key] = widget
        self.screen_stack.addWidget(widget)

    def wait_for_builder(self, key: ScreenKey, title: str, build: ScreenBuilder) -> None:
        """`build()` makes `key`'s screen when it is first shown or asked for."""
        self._builders[key] = (title, build)

    def when_built(self, key: ScreenKey, wire: Callable[[QWidget], None]) -> None:
        """Call `wire(widget)` with `key`'s screen: now if it is built, else once it is."""
        if key in self._screens:
            wire(self._screens[key])
        else:
            self._when_built.setdefault(key, []).append(wire)

    def fit_navigation(self) -> None:
        """Size the screen list to its titles (again after a style sheet change)."""
        self.navigation.setFixedWidth(self.navigation.sizeHint().width())
        self._navigation_fitted = True

    def showEvent(self, event: QShowEvent) -> None:
        """Fit the screen list to titles registered while hidden."""
        if not self._navigation_fitted:
            self.fit_navigation()
        super().showEvent(event)

    # --- asking about screens --------------------------------------------------------------

    def has_screen(self, key: ScreenKey) -> bool:
        """Whether `key` has a screen, built or waiting."""
        return key in self._screens or key in self._builders

    def is_built(self, key: ScreenKey) -> bool:
        """Whether `key`'s screen has been built (shown or asked for) yet."""
        return key in self._screens and key not in self._building

    def built_screens(self) -> list[QWidget]:
        """The screens built so far (each a QWidget that implements the Screen protocol)."""
        return list(self._screens.values())

    def current_key(self) -> ScreenKey | None:
        """The screen chosen now (one built when first chosen shows a few frames later)."""
        return self.navigation.current_key()

    def shown_key(self) -> ScreenKey | None:
        """The screen in front now: the one chosen once it is built and loaded."""
        widget = self.screen_stack.currentWidget()
        return next((key for key, screen in self._screens.items() if screen is widget), None)

    def wait_shown(
        self, key: ScreenKey, *, turn: Callable[[], object] | None = None, timeout: float = 20.0
    ) -> QWidget:
        """Run the event loop until `key`'s screen is in front, then once more (it paints),
        and return it: one chosen for the first time is built a step per turn (`show_key`).

        For what drives the window as a user would (tests, the benchmark's session, which
        times each `turn`); TimeoutError when it is not shown within `timeout` seconds."""
        step = turn or QApplication.processEvents
        deadline = time.monotonic() + timeout
        while self.shown_key() is not key:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{key.name} was never shown")
            step()
        step()
        return self._screens[key]

    # --- showing, loading ------------------------------------------------------------------

    def choose(self, key: ScreenKey) -> None:
        """Choose `key` in the list and give its screen the keyboard focus once it shows."""
        if not self.has_screen(key) or self._lock_controller.is_locked:
            return
        self._focus_on_show = key
        self.navigation.select(key)
        if self.is_built(key):
            self.bring_forward(key)

    def show_key(self, key: object, *, at_once: bool = False) -> None:
        """Show `key`'s screen; one not built yet is built in steps (`_build_steps`) and
        shows once loaded, unless `at_once` (the window's first screen, on showing)."""
        if not isinstance(key, ScreenKey) or not self.has_screen(key):
            return
        if at_once or not self.window().isVisible() or self.is_built(key):
            self.screen_widget(key)
            self.bring_forward(key)
            return
        # Built in steps: a screen's first showing cost 0.1-0.4 s of the GUI thread in one go
        # (benchmarks: longest GUI stall). The list shows the choice at once; the screen
        # follows a few frames later, loaded.
        if key not in self._building:
            self._building[key] = self._build_steps(key)
        self._build_timer.start()

    def bring_forward(self, key: ScreenKey) -> None:
        """Put `key`'s built screen in front."""
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

    def refresh_screens(self, changes: Changes | None) -> None:
        """Give every built screen the `Changes` a service returned (None: reload all).

        Screens not built yet need nothing: they load what is stored when first built."""
        if changes is None:
            self._screens_loaded = True
        for widget in self.built_screens():
            screen: Screen = widget  # type: ignore[assignment]
            screen.refresh(changes)

    def clear_screens(self) -> None:
        """Empty every built screen of case data (locking, another database)."""
        for widget in self.built_screens():
            screen: Screen = widget  # type: ignore[assignment]
            screen.clear()

    def may_close(self) -> bool:
        """Ask every screen with unsaved typing whether it may go; False if one says no."""
        for widget in self._screens.values():
            may_close = getattr(widget, "may_close", None)
            if callable(may_close) and not may_close():
                return False
        return True

    # --- building --------------------------------------------------------------------------

    def screen_widget(self, key: ScreenKey) -> QWidget:
        """`key`'s screen, built now if it was waiting (KeyError if none is registered)."""
        steps = self._building.pop(key, None)
        if steps is None and key not in self._screens:
            steps = self._build_steps(key)
        for _done in steps or ():
            pass
        locked = self._lock_controller.is_locked
        if steps is not None and key == self.current_key() and not locked:
            # Chosen and asked for before its steps were done: it shows now.
            self.bring_forward(key)
        return self._screens[key]

    def _build_steps(self, key: ScreenKey) -> Iterator[None]:
        """Build `key`'s screen, put it into the window and load it: one step per `next`.

        Each step is short enough not to stall the window (at most a few tens of
        milliseconds); `show_key` runs one per turn of the event loop, so that the window
        answers the keyboard and mouse and paints in between.
        """
        title, build = self._builders[key]
        widget = build()
        while not isinstance(widget, QWidget):
            yield
            widget = widget()
        if not isinstance(widget, Screen):
            raise TypeError(f"{type(widget).__name__} lacks title, refresh() or clear()")
        # Only once built: a build that failed (the database went away) can be tried again.
        del self._builders[key]
        yield
        self.install(key, title, widget)
        for wire in self._when_built.pop(key, []):
            wire(widget)
        yield
        opened = not self._lock_controller.is_locked and self._current.database is not None
        if self._screens_loaded and opened:
            # Loaded once in the window: a list measures its columns with the window's font.
            screen: Screen = widget
            screen.refresh(None)
            yield
        keep_out_of_collections()

    def _build_step(self) -> None:
        """One step of building the screen chosen (else of one chosen before and left)."""
        if self._lock_controller.is_locked or not self._building:
            # Unlocking shows (and builds at once) the screen chosen; others when chosen.
            return
        key = self.current_key()
        if key is None or key not in self._building:
            key = next(iter(self._building))
        try:
            next(self._building[key])
        except StopIteration:
            del self._building[key]
            if key == self.current_key():
                self.bring_forward(key)
        except BaseException:
            self._building.pop(key, None)
            raise
        finally:
            if self._building:
                self._build_timer.start()
