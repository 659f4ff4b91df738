"""Driving widgets as a user would, and opening the main window or a screen for a test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypedDict, TypeVar, cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import AuditEvent
from crag_desktop.services.database import Database
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.storage import audit
from crag_desktop.ui.dialogs.unlock import UnlockDialog
from crag_desktop.ui.forms.base import RecordForm
from crag_desktop.ui.lock import CurrentDatabase
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.opening import Creator, Opener
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.settings import AppSettings
from crag_desktop.window import build_main_window
from tests.helpers.databases import OPERATOR, PASSPHRASE

Screen = TypeVar("Screen", bound=QWidget)


# pytest-qt's key and mouse helpers are untyped; these typed wrappers keep mypy --strict
# meaningful in the tests while still driving widgets through qtbot, as a user would.
def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type `text` into `widget`, key by key."""
    cast(Any, qtbot).keyClicks(widget, text)


def press(
    qtbot: QtBot,
    widget: QWidget,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Press and release one key (with a modifier) on `widget`."""
    cast(Any, qtbot).keyClick(widget, key, modifier)


def click(qtbot: QtBot, widget: QWidget) -> None:
    """Left-click the middle of `widget`."""
    cast(Any, qtbot).mouseClick(widget, Qt.MouseButton.LeftButton)


Form_co = TypeVar("Form_co", bound=RecordForm[Any], covariant=True)


class ListWithForm(Protocol[Form_co]):
    """A list screen (or a tab of one): its table, and the form beside it."""

    @property
    def table(self) -> QWidget: ...

    @property
    def form(self) -> Form_co: ...


def new_by_keyboard(screen: ListWithForm[Form_co]) -> Form_co:
    """Press Ctrl+N in a list screen's table, as a user starts a record there: its form,
    now showing a new record."""
    screen.table.setFocus()
    QTest.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert screen.form.is_new
    return screen.form


def focused() -> QWidget | None:
    """The widget with the keyboard focus, if any."""
    return QApplication.focusWidget()


def focused_widget() -> QWidget:
    """The widget with the keyboard focus (fails when none has it)."""
    widget = focused()
    assert widget is not None
    return widget


def tab_to(qtbot: QtBot, target: QWidget, limit: int = 60) -> None:
    """Press Tab until `target` has the focus (fails when `limit` presses never reach it)."""
    for _ in range(limit):
        if focused() is target:
            return
        press(qtbot, focused_widget(), Qt.Key.Key_Tab)
    assert focused() is target, f"Tab never reached {target.accessibleName()!r}"


def main_window(
    qtbot: QtBot, current: CurrentDatabase, *, settings: AppSettings, prompter: ScriptedPrompter
) -> MainWindow:
    """The main window as the app builds it on `current`, not yet shown or filled in."""
    main = build_main_window(
        current=current,
        settings=settings,
        prompter=prompter,
        opener=Database.open,
        creator=Database.create,
    )
    qtbot.addWidget(main)
    return main


def unlock_dialog(
    qtbot: QtBot,
    *,
    opener: Opener = Database.open,
    creator: Creator = Database.create,
    **options: Any,
) -> UnlockDialog:
    """The unlock dialog shown as the app shows it, on the real databases unless `opener`
    and `creator` say otherwise; `options` are the dialog's own (settings, prompter...)."""
    dialog = UnlockDialog(opener=opener, creator=creator, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def open_main_window(
    qtbot: QtBot, path: Path, *, settings: AppSettings, prompter: ScriptedPrompter
) -> MainWindow:
    """The main window on the database at `path`, unlocked, shown and filled in."""
    current = CurrentDatabase(database=Database.open(path, PASSPHRASE, operator=OPERATOR))
    main = main_window(qtbot, current, settings=settings, prompter=prompter)
    main.show()
    main.refresh_screens(None)
    return main


def open_referral(window: MainWindow, *, decided: bool) -> tuple[Any, Any]:
    """The Referrals screen with the first referral that is decided (or, `decided` False, still
    waiting for a decision) open in its form, and that referral's row."""
    referrals = cast(Any, window.screen_widget(ScreenKey.REFERRALS))
    row = next(
        row
        for row in (referrals.model.row_at(i) for i in range(referrals.model.rowCount()))
        if (row.decided_outcome is not None) == decided
    )
    assert referrals.open_record(row.id)
    return referrals, row


def wait_shown(window: MainWindow, key: ScreenKey) -> QWidget:
    """Run the event loop until `key`'s screen is in front: one shown for the first time is
    built a step at a time (MainWindow._show_key)."""
    return window.wait_shown(key)


def choose_screen(window: MainWindow, key: ScreenKey) -> QWidget:
    """Show `key`'s screen as Ctrl+number does, and wait until it is in front."""
    window.show_screen(key)
    return wait_shown(window, key)


def last_event(window: MainWindow) -> AuditEvent:
    """The newest event in the audit trail of the window's open database."""
    with window.current.database.unit_of_work() as session:  # type: ignore[union-attr]
        return audit.list_events(session)[-1]


def show_screen(qtbot: QtBot, screen: Screen, width: int, height: int) -> Screen:
    """`screen` shown at `width` x `height`, as the window would show it."""
    qtbot.addWidget(screen)
    screen.resize(width, height)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def show_list_screen(qtbot: QtBot, screen: Screen, width: int = 1400, height: int = 900) -> Screen:
    """A list screen loaded first, then shown active at `width` x `height` (the window loads a
    screen before it shows it)."""
    qtbot.addWidget(screen)
    screen.resize(width, height)
    cast(Any, screen).refresh(None)
    screen.show()
    screen.activateWindow()
    qtbot.waitExposed(screen)
    return screen


@contextmanager
def shown_screen(qtbot: QtBot, screen: Screen, width: int, height: int) -> Iterator[Screen]:
    """`screen` shown and loaded for the test, cleared afterwards (no timer may outlive the
    test's database)."""
    cast(Any, show_screen(qtbot, screen, width, height)).refresh(None)
    yield screen
    cast(Any, screen).clear()


class Editing(TypedDict):
    """What every record screen is built with: the records, the drafts and the prompter."""

    records: RecordService
    drafts: DraftService
    prompter: ScriptedPrompter


def make_list_screen(
    factory: Callable[..., Screen], qtbot: QtBot, editing: Editing, lists: object
) -> Screen:
    """The list screen `factory` builds over `lists`, loaded and shown, its drafts kept after
    30 ms and its search run 10 ms after typing stops."""
    return show_list_screen(
        qtbot, factory(lists=lists, **editing, autosave_ms=30, search_delay_ms=10)
    )


def list_screen_fixture(factory: Callable[..., Screen]) -> Any:
    """A `screen` fixture: the list screen `factory` builds over the module's `lists` fixture,
    its unsaved work discarded afterwards (no timer may outlive the test's database)."""

    @pytest.fixture
    def screen(qtbot: QtBot, editing: Editing, lists: object) -> Iterator[Screen]:
        made = make_list_screen(factory, qtbot, editing, lists)
        yield made
        cast(Any, made).form.discard_changes()

    return screen
