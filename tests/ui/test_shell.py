"""The main window: navigation, shortcuts, remembered layout, locking, background tasks."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.app import make_excepthook
from crag_desktop.domain.errors import DatabaseInUse
from crag_desktop.services.changes import Changes
from crag_desktop.ui.lock import AppLockedError, CurrentDatabase
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.settings import AppSettings
from crag_desktop.ui.tasks import TaskContext, TaskRunner
from crag_desktop.ui.widgets import FieldRow, SearchBox, UkDateEdit, parse_uk_date
from crag_desktop.ui.workspace import ScreenBuilder
from tests.helpers.databases import PASSPHRASE
from tests.helpers.qt import choose_screen, click, press, type_text, wait_shown
from tests.ui.conftest import FakeDatabases

CASE_TEXT = "Child Q, 4 years"


class FakeScreen(QWidget):
    """A screen showing one piece of "case data" after refresh()."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.refreshed: list[Changes | None] = []
        self.cleared = 0
        self.editor = QLineEdit()
        self.editor.setAccessibleName(f"{title} notes")
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        self.setFocusProxy(self.editor)

    def refresh(self, changes: Changes | None) -> None:
        self.refreshed.append(changes)
        self.editor.setText(CASE_TEXT)

    def clear(self) -> None:
        self.cleared += 1
        self.editor.clear()


def cases_path(databases: FakeDatabases) -> Path:
    return next(p for p in databases.passphrases if p.name == "cases.crag")


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> WindowFactory:
    def make(register: Callable[[MainWindow, ScreenKey], None] | None = None) -> MainWindow:
        path = cases_path(databases)
        current = CurrentDatabase(database=databases.open(path, PASSPHRASE, operator="Ann"))
        window = MainWindow(
            current=current,
            settings=settings,
            prompter=prompter,
            opener=databases.open,
            creator=databases.create,
        )
        qtbot.addWidget(window)
        # Registered out of order on purpose: the list follows ScreenKey order.
        for key in (ScreenKey.AUDIT_LOG, ScreenKey.DASHBOARD, ScreenKey.REFERRALS):
            if register is None:
                window.add_screen(key, None, None, FakeScreen(key.default_title))
            else:
                register(window, key)
        window.refresh_screens(None)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        # waitActive returns at once on the offscreen platform; wait for the real thing.
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        return window

    return make


def screen(window: MainWindow, key: ScreenKey) -> FakeScreen:
    widget = window.screen_widget(key)
    assert isinstance(widget, FakeScreen)
    return widget


def nav_titles(window: MainWindow) -> list[str]:
    return [window.navigation.item(i).text() for i in range(window.navigation.count())]


def test_only_registered_screens_are_listed_in_order(make_window: WindowFactory) -> None:
    window = make_window()
    assert nav_titles(window) == ["Dashboard", "Referrals", "Audit log"]
    assert window.current_screen_key() is ScreenKey.DASHBOARD
    view_entries = [a.text() for a in window.menus.view_menu.actions() if a.text()]
    assert view_entries[:3] == ["Dashboard", "Referrals", "Audit log"]


def test_title_and_status_bar_name_the_file_and_operator_only(make_window: WindowFactory) -> None:
    window = make_window()
    assert window.windowTitle() == "CRAG Desktop — cases.crag"
    assert window.operator_label.text() == "Operator: Ann"
    assert window.file_label.text() == "Database: cases.crag"
    window.show_saved()
    assert window.statusBar().currentMessage() == "Saved"


def test_add_screen_refuses_duplicates_and_non_screens(make_window: WindowFactory) -> None:
    window = make_window()
    with pytest.raises(ValueError, match="REFERRALS"):
        window.add_screen(ScreenKey.REFERRALS, None, None, FakeScreen("Again"))
    not_a_screen = QLabel("plain")
    with pytest.raises(TypeError):
        window.add_screen(ScreenKey.REVIEWS, None, None, not_a_screen)
    not_a_screen.deleteLater()


def test_ctrl_number_shows_each_screen(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    focus = window.navigation
    press(qtbot, focus, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() is ScreenKey.AUDIT_LOG
    assert window.screen_stack.currentWidget() is screen(window, ScreenKey.AUDIT_LOG)
    press(
        qtbot,
        QApplication.focusWidget() or window,
        Qt.Key.Key_2,
        Qt.KeyboardModifier.ControlModifier,
    )
    assert window.screen_stack.currentWidget() is screen(window, ScreenKey.REFERRALS)
    # The screen gets the focus, ready for typing.
    assert window.focusWidget() is screen(window, ScreenKey.REFERRALS).editor


def test_arrow_keys_in_the_list_switch_screens(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.navigation.setFocus()
    press(qtbot, window.navigation, Qt.Key.Key_Down)
    assert window.screen_stack.currentWidget() is screen(window, ScreenKey.REFERRALS)
    press(qtbot, window.navigation, Qt.Key.Key_End)
    assert window.screen_stack.currentWidget() is screen(window, ScreenKey.AUDIT_LOG)
    press(qtbot, window.navigation, Qt.Key.Key_Up)
    assert window.screen_stack.currentWidget() is screen(window, ScreenKey.REFERRALS)


def test_geometry_is_remembered_across_instances(make_window: WindowFactory) -> None:
    first = make_window()
    # Smaller than the offscreen 800x600 screen (640x480 at 1.25x): restoreGeometry clamps.
    first.resize(600, 420)
    first.move(QPoint(40, 30))
    first.menus.toolbar.toggleViewAction().trigger()
    assert first.menus.toolbar.isHidden()
    first.close()

    second = make_window()
    assert (second.width(), second.height()) == (600, 420)
    assert second.menus.toolbar.isHidden()


def assert_locked_without_case_data(window: MainWindow) -> None:
    assert window.is_locked
    assert window.central.currentWidget() is window.lock_screen
    assert window.windowTitle() == "CRAG Desktop — Locked"
    assert "cases.crag" not in window.windowTitle()
    assert not window.file_label.isVisible()
    assert window.state_label.text().endswith("Locked")
    for key in window.screen_keys():
        fake = screen(window, key)
        assert fake.cleared == 1
        assert fake.editor.text() == ""
    assert window.current.database is None
    with pytest.raises(AppLockedError):
        window.current.require()
    assert not window.menus.action_open.isEnabled()
    assert "Signed in as Ann" in window.lock_screen.operator_label.text()


def test_ctrl_l_locks_closes_the_database_and_hides_case_data(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    database = window.current.require()
    ctrl(qtbot, window, Qt.Key.Key_2)
    assert screen(window, ScreenKey.REFERRALS).editor.text() == CASE_TEXT

    with qtbot.waitSignal(window.locked):
        press(
            qtbot,
            QApplication.focusWidget() or window,
            Qt.Key.Key_L,
            Qt.KeyboardModifier.ControlModifier,
        )

    assert_locked_without_case_data(window)
    assert getattr(database, "closed", False) is True
    # Screen shortcuts do nothing while locked.
    press(qtbot, window.lock_screen.passphrase, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.central.currentWidget() is window.lock_screen


def test_idle_timeout_locks(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.set_idle_lock_ms(200)
    with qtbot.waitSignal(window.locked, timeout=3000):
        pass
    assert_locked_without_case_data(window)


def test_input_postpones_the_idle_lock(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    window.set_idle_lock_ms(400)
    editor = screen(window, ScreenKey.DASHBOARD).editor
    editor.setFocus()
    handle = window.windowHandle()
    assert handle is not None
    with qtbot.assertNotEmitted(window.locked, wait=0):
        for _ in range(6):
            # Typing keeps restarting the countdown; each wait is well under the timeout.
            # Sent to the window as the system sends a key (QTest's widget overload hands it
            # to the widget directly, past the window the idle count watches).
            QTest.keyClick(handle, Qt.Key.Key_A)
            qtbot.wait(100)
    assert not window.is_locked
    assert "a" in editor.text()


def test_right_passphrase_unlocks_to_the_same_screen(
    qtbot: QtBot, make_window: WindowFactory, databases: FakeDatabases
) -> None:
    window = make_window()
    choose_screen(window, ScreenKey.AUDIT_LOG)
    window.lock()
    assert window.lock_screen.passphrase.text() == ""

    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked):
        press(qtbot, window.lock_screen.passphrase, Qt.Key.Key_Return)

    assert not window.is_locked
    assert window.central.currentWidget() is window.workspace
    assert window.current_screen_key() is ScreenKey.AUDIT_LOG
    assert window.windowTitle() == "CRAG Desktop — cases.crag"
    assert window.current.require() is databases.opened[-1]
    assert databases.opened[-1].operator == "Ann"
    # Every screen reloads from the reopened database.
    assert screen(window, ScreenKey.AUDIT_LOG).refreshed[-1] is None
    assert screen(window, ScreenKey.AUDIT_LOG).editor.text() == CASE_TEXT
    assert window.lock_screen.passphrase.text() == ""
    assert window.menus.action_open.isEnabled()


def test_wrong_passphrase_on_the_lock_screen(
    qtbot: QtBot, make_window: WindowFactory, prompter: ScriptedPrompter
) -> None:
    window = make_window()
    window.lock()
    type_text(qtbot, window.lock_screen.passphrase, "guess")
    with qtbot.assertNotEmitted(window.unlocked):
        click(qtbot, window.lock_screen.unlock_button)
    error = window.lock_screen.error_label
    assert error.isVisible()
    assert error.text().startswith("⚠ Error: Wrong passphrase: try again.")
    # The lock screen names no file, as the title bar names none while locked.
    assert "cases.crag" not in error.text()
    assert window.lock_screen.passphrase.selectedText() == "guess"
    assert window.is_locked
    assert prompter.shown == []


def test_lock_screen_shows_other_open_failures(
    qtbot: QtBot, make_window: WindowFactory, databases: FakeDatabases
) -> None:
    window = make_window()
    window.lock()
    databases.fail_next = DatabaseInUse(cases_path(databases))
    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    press(qtbot, window.lock_screen.passphrase, Qt.Key.Key_Return)
    assert "in use by another copy" in window.lock_screen.error_label.text()


def test_closing_the_window_closes_the_database(make_window: WindowFactory) -> None:
    window = make_window()
    database = window.current.require()
    window.close()
    assert getattr(database, "closed", False) is True


def test_help_menu_lists_shortcuts(make_window: WindowFactory, prompter: ScriptedPrompter) -> None:
    window = make_window()
    window.menus.action_shortcuts.trigger()
    text = prompter.shown[-1].text
    assert "Ctrl+L — Lock" in text
    assert "Ctrl+2 — Referrals" in text
    # The keys the lists and the wizard handle themselves are listed too…
    assert "Ctrl+S — Save the open record" in text
    assert "Alt+O — Skip to the outcome" in text
    # …but not the editing keys every program shares.
    assert "Copy" not in text


# --- screens built when first shown -------------------------------------------------------


@pytest.fixture
def lazy_window(make_window: WindowFactory) -> tuple[MainWindow, list[ScreenKey]]:
    """A window whose screens are registered with builders, and the screens built, in order."""
    built: list[ScreenKey] = []

    def register(window: MainWindow, key: ScreenKey) -> None:
        def build() -> QWidget:
            built.append(key)
            return FakeScreen(key.default_title)

        window.add_screen_builder(key, build)

    return make_window(register), built


def ctrl(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """Press Ctrl+`key` in the navigation list, as a user choosing a screen by number."""
    press(qtbot, window.navigation, key, Qt.KeyboardModifier.ControlModifier)


def test_only_the_first_screen_is_built_at_start_and_others_when_first_shown(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[ScreenKey]]
) -> None:
    window, built = lazy_window
    # Every screen is listed, in the View menu and under its shortcut from the start…
    assert nav_titles(window) == ["Dashboard", "Referrals", "Audit log"]
    view_entries = [a.text() for a in window.menus.view_menu.actions() if a.text()]
    assert view_entries[:3] == ["Dashboard", "Referrals", "Audit log"]
    # …but only the one shown has been built, and it shows its data.
    assert built == [ScreenKey.DASHBOARD]
    assert screen(window, ScreenKey.DASHBOARD).editor.text() == CASE_TEXT
    assert not window.is_screen_built(ScreenKey.REFERRALS)

    ctrl(qtbot, window, Qt.Key.Key_2)
    # Built a step at a time (the window answers in between), then shown.
    wait_shown(window, ScreenKey.REFERRALS)
    assert built == [ScreenKey.DASHBOARD, ScreenKey.REFERRALS]
    referrals = screen(window, ScreenKey.REFERRALS)
    assert window.screen_stack.currentWidget() is referrals
    # Built after the database was opened and shown: it loads at once, once.
    assert referrals.refreshed == [None]
    assert referrals.editor.text() == CASE_TEXT
    assert window.focusWidget() is referrals.editor

    # Back and forth builds nothing again.
    ctrl(qtbot, window, Qt.Key.Key_1)
    window.navigation.setFocus()
    press(qtbot, window.navigation, Qt.Key.Key_Down)
    assert window.screen_stack.currentWidget() is referrals
    assert built == [ScreenKey.DASHBOARD, ScreenKey.REFERRALS]


def test_a_screen_chosen_for_the_first_time_is_built_one_step_per_turn_of_the_event_loop(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[ScreenKey]]
) -> None:
    window, built = lazy_window
    gc.unfreeze()
    ctrl(qtbot, window, Qt.Key.Key_2)
    # The key press returns at once: the list shows the choice, the screen is not built yet
    # and the one before stays in front until the new one is loaded.
    assert window.current_screen_key() is ScreenKey.REFERRALS
    assert built == [ScreenKey.DASHBOARD]
    assert window.shown_screen_key() is ScreenKey.DASHBOARD
    turns: list[ScreenKey | None] = []

    def turn() -> None:
        # What the benchmark's session times: one turn of the event loop at a time.
        QApplication.processEvents()
        turns.append(window.shown_screen_key())

    referrals = window.wait_shown(ScreenKey.REFERRALS, turn=turn)
    # Built, put into the window, loaded, brought to the front: a turn each, and one more
    # once it is in front (it paints).
    assert len(turns) >= 5
    assert turns[-2:] == [ScreenKey.REFERRALS, ScreenKey.REFERRALS]
    assert set(turns[:-2]) == {ScreenKey.DASHBOARD}
    assert referrals is screen(window, ScreenKey.REFERRALS)
    assert built == [ScreenKey.DASHBOARD, ScreenKey.REFERRALS]
    assert referrals.refreshed == [None]
    assert window.focusWidget() is referrals.editor
    # Once loaded, it is left out of the collector's full collections, which walked every
    # widget and module of the app: 0.2 s at moments nobody chose (benchmarks: GUI stall).
    assert gc.get_freeze_count() > 0
    assert not any(o is referrals for o in gc.get_objects())


def test_a_screen_built_in_parts_takes_a_turn_of_the_event_loop_for_each(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    """The app's builders import a screen's code in one step and make the screen in the
    next (together they stalled the window 50-100 ms: benchmarks, GUI stall)."""
    parts: list[str] = []

    def register(window: MainWindow, key: ScreenKey) -> None:
        def make() -> QWidget:
            parts.append(f"made {key.name}")
            return FakeScreen(key.default_title)

        def build() -> ScreenBuilder:
            parts.append(f"imported {key.name}")
            return make

        window.add_screen_builder(key, build)

    window = make_window(register)
    # The first screen is built at once, both parts.
    assert parts == ["imported DASHBOARD", "made DASHBOARD"]
    ctrl(qtbot, window, Qt.Key.Key_2)
    QApplication.processEvents()
    assert parts[2:] == ["imported REFERRALS"]
    QApplication.processEvents()
    assert parts[2:] == ["imported REFERRALS", "made REFERRALS"]
    referrals = window.wait_shown(ScreenKey.REFERRALS)
    assert referrals is screen(window, ScreenKey.REFERRALS)
    assert referrals.refreshed == [None]
    # Asked for by code, a screen is made in full at once.
    audit_log = window.screen_widget(ScreenKey.AUDIT_LOG)
    assert parts[4:] == ["imported AUDIT_LOG", "made AUDIT_LOG"]
    assert screen(window, ScreenKey.AUDIT_LOG) is audit_log


def test_waiting_for_a_screen_that_cannot_show_gives_up(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[ScreenKey]]
) -> None:
    window, _built = lazy_window
    # Locked, the window shows no screen: waiting for one ends instead of running forever.
    window.lock()
    window.show_screen(ScreenKey.REFERRALS)
    with pytest.raises(TimeoutError, match="REFERRALS was never shown"):
        window.wait_shown(ScreenKey.REFERRALS, timeout=0.2)


def test_a_screen_asked_for_while_it_is_being_built_is_finished_at_once(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[ScreenKey]]
) -> None:
    window, built = lazy_window
    ctrl(qtbot, window, Qt.Key.Key_2)
    QApplication.processEvents()
    assert built == [ScreenKey.DASHBOARD, ScreenKey.REFERRALS]
    assert not window.is_screen_built(ScreenKey.REFERRALS)
    referrals = screen(window, ScreenKey.REFERRALS)
    assert window.is_screen_built(ScreenKey.REFERRALS)
    assert window.shown_screen_key() is ScreenKey.REFERRALS
    assert referrals.refreshed == [None]
    # Nothing is left to do: the steps do not run again.
    for _ in range(5):
        QApplication.processEvents()
    assert referrals.refreshed == [None]
    assert built == [ScreenKey.DASHBOARD, ScreenKey.REFERRALS]


def test_a_screen_left_before_it_was_built_is_finished_and_the_one_chosen_shown(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[ScreenKey]]
) -> None:
    window, _built = lazy_window
    ctrl(qtbot, window, Qt.Key.Key_2)
    QApplication.processEvents()
    ctrl(qtbot, window, Qt.Key.Key_9)
    wait_shown(window, ScreenKey.AUDIT_LOG)
    qtbot.waitUntil(lambda: window.is_screen_built(ScreenKey.REFERRALS))
    assert screen(window, ScreenKey.REFERRALS).refreshed == [None]
    assert window.shown_screen_key() is ScreenKey.AUDIT_LOG


def test_a_screen_not_built_yet_is_wired_when_built_and_skipped_by_refreshes(
    lazy_window: tuple[MainWindow, list[ScreenKey]],
) -> None:
    window, built = lazy_window
    wired: list[QWidget] = []
    window.when_screen_built(ScreenKey.AUDIT_LOG, wired.append)
    window.when_screen_built(ScreenKey.DASHBOARD, wired.append)
    # A screen already built is wired at once.
    assert wired == [window.screen_widget(ScreenKey.DASHBOARD)]

    window.refresh_screens(Changes.of_updated("referral", "R1"))
    assert built == [ScreenKey.DASHBOARD]

    audit_log = window.screen_widget(ScreenKey.AUDIT_LOG)
    assert built == [ScreenKey.DASHBOARD, ScreenKey.AUDIT_LOG]
    assert wired[-1] is audit_log
    assert screen(window, ScreenKey.AUDIT_LOG).refreshed == [None]


def test_a_screen_asked_for_while_locked_loads_only_after_unlocking(
    qtbot: QtBot, lazy_window: tuple[MainWindow, list[ScreenKey]]
) -> None:
    window, _built = lazy_window
    window.lock()
    audit_log = screen(window, ScreenKey.AUDIT_LOG)
    assert audit_log.refreshed == []
    assert audit_log.editor.text() == ""

    type_text(qtbot, window.lock_screen.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked):
        press(qtbot, window.lock_screen.passphrase, Qt.Key.Key_Return)
    assert audit_log.refreshed == [None]
    assert audit_log.editor.text() == CASE_TEXT


# --- tasks --------------------------------------------------------------------------------


def test_task_delivers_progress_and_result_on_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner
) -> None:
    gui_thread = threading.get_ident()
    seen: list[tuple[int, int, str]] = []
    results: list[int] = []
    result_threads: list[int] = []

    def work(context: TaskContext) -> int:
        assert threading.get_ident() != gui_thread
        for step in range(1, 4):
            context.progress(step, 3, f"Step {step}")
        return 42

    def on_result(value: int) -> None:
        results.append(value)
        result_threads.append(threading.get_ident())

    task = runner.start("Counting", work, on_result=on_result)
    task.progressed.connect(lambda done, total, text: seen.append((done, total, text)))
    with qtbot.waitSignal(task.finished):
        pass
    assert results == [42]
    assert result_threads == [gui_thread]
    assert seen[-1] == (3, 3, "Step 3")
    assert runner.running() == 0


def test_task_cancel_button_stops_the_work(
    qtbot: QtBot, runner: TaskRunner, prompter: ScriptedPrompter
) -> None:
    started = threading.Event()
    stopped_early: list[bool] = []

    def work(context: TaskContext) -> None:
        context.progress(0, 100, "Exporting")
        started.set()
        for step in range(100):
            if context.token.wait(0.05):
                stopped_early.append(step < 99)
                context.token.raise_if_cancelled()
            context.progress(step, 100)

    task = runner.start("Exporting", work)
    dialog = task.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None
    assert cancel.text() == "Cancel"
    with qtbot.waitSignal(task.cancelled, timeout=3000):
        click(qtbot, cancel)
    assert stopped_early == [True]
    assert not dialog.isVisible()
    assert prompter.shown == []
    assert runner.wait_for_done(3000)


def test_task_errors_are_shown_as_sentences_or_references(
    qtbot: QtBot, runner: TaskRunner, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    def known(_context: TaskContext) -> None:
        raise DatabaseInUse(tmp_path / "cases.crag")

    def unknown(_context: TaskContext) -> None:
        raise KeyError("Child Q's name")

    task = runner.start("Backing up", known)
    with qtbot.waitSignal(task.failed) as blocker:
        pass
    assert blocker.args == [str(DatabaseInUse(tmp_path / "cases.crag"))]
    assert prompter.shown[-1].kind == "error"
    assert prompter.shown[-1].title == "Backing up"

    task = runner.start("Backing up", unknown)
    with qtbot.waitSignal(task.failed) as blocker:
        pass
    message = str(blocker.args[0]) if blocker.args else ""
    assert message.startswith("Something went wrong (reference ")
    assert "Child Q" not in message
    assert prompter.shown[-1].text == message


# --- excepthook and shared widgets ------------------------------------------------------


def test_excepthook_shows_a_reference_and_logs_no_personal_data(
    prompter: ScriptedPrompter, caplog: pytest.LogCaptureFixture
) -> None:
    hook = make_excepthook(prompter=prompter)
    try:
        raise ValueError("Baby L born 01/02/2016")
    except ValueError:
        exc_type, exc, tb = sys.exc_info()
    assert exc_type is not None
    assert exc is not None
    hook(exc_type, exc, tb)
    shown = prompter.shown[-1].text
    assert shown.startswith("Something went wrong (reference ")
    assert "Your work has been saved" not in shown, "it cannot know that"
    assert "What you saved before is safe" in shown
    assert "Traceback" not in shown
    assert "Baby L" not in shown
    assert "ValueError" in caplog.text
    assert "Baby L" not in caplog.text
    assert "test_shell.py" in caplog.text


def test_uk_date_edit_reads_dd_mm_yyyy_and_may_be_empty(qtbot: QtBot) -> None:
    edit = UkDateEdit(accessible_name="Date received")
    qtbot.addWidget(edit)
    assert edit.value() is None
    type_text(qtbot, edit.line_edit, "29/02/2024")
    assert str(edit.value()) == "2024-02-29"
    edit.line_edit.clear()
    type_text(qtbot, edit.line_edit, "29022024")
    assert str(edit.value()) == "2024-02-29"
    # Leaving the field shows the date as the UK writes it.
    edit.line_edit.editingFinished.emit()
    assert edit.line_edit.text() == "29/02/2024"
    edit.line_edit.clear()
    type_text(qtbot, edit.line_edit, "29/02/2023")
    assert edit.error() == "29/02/2023 is not a real date: check the day and month."
    with pytest.raises(ValueError, match="not a date"):
        parse_uk_date("2023-02-01")


def test_field_row_labels_and_shows_errors(qtbot: QtBot) -> None:
    field = QLineEdit()
    row = FieldRow(label="&Pseudonym:", field=field, hint="As used in reports")
    qtbot.addWidget(row)
    row.show()
    assert row.label.buddy() is field
    assert field.accessibleName() == "Pseudonym"
    row.set_error("Type a pseudonym.")
    assert row.error_label.isVisible()
    assert row.error_label.text() == "⚠ Error: Type a pseudonym."
    assert field.property("invalid") is True
    row.set_error(None)
    assert not row.error_label.isVisible()


def test_search_box_reports_once_typing_pauses(qtbot: QtBot) -> None:
    box = SearchBox(placeholder="Search referrals", delay_ms=50)
    qtbot.addWidget(box)
    reported: list[str] = []
    box.search_changed.connect(reported.append)
    with qtbot.waitSignal(box.search_changed):
        type_text(qtbot, box, "Child")
    assert reported == ["Child"]
    with qtbot.waitSignal(box.search_changed):
        press(qtbot, box, Qt.Key.Key_Escape)
    assert reported == ["Child", ""]


def test_tab_moves_through_a_date_field_without_stopping_twice(qtbot: QtBot) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QFormLayout

    from crag_desktop.ui.widgets import UkDateEdit

    form = QWidget()
    qtbot.addWidget(form)
    layout = QFormLayout(form)
    before = QLineEdit()
    date_field = UkDateEdit(accessible_name="Received")
    after = QLineEdit()
    layout.addRow("Before", before)
    layout.addRow("Received", date_field)
    layout.addRow("After", after)
    form.show()
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    QTest.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(date_field.line_edit.hasFocus)
    QTest.keyClick(date_field.line_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(after.hasFocus)


def test_wrong_passphrases_on_the_lock_screen_bring_a_growing_delay(
    qtbot: QtBot, make_window: WindowFactory, databases: FakeDatabases
) -> None:
    from crag_desktop.ui.unlock_delay import UnlockDelay

    now = [500.0]
    window = make_window()
    window.lock_controller.delay = UnlockDelay(clock=lambda: now[0])
    window.lock()
    error = window.lock_screen.error_label

    def attempt(passphrase: str) -> str:
        window.lock_screen.passphrase.setText(passphrase)
        click(qtbot, window.lock_screen.unlock_button)
        return error.text()

    attempt("guess one")
    attempt("guess two")
    assert "Wait 2 seconds before the next try." in attempt("guess three")
    opened = len(databases.opened)
    assert "wait 2 seconds before trying again" in attempt(PASSPHRASE)
    assert window.is_locked
    assert len(databases.opened) == opened
    now[0] += 2
    attempt(PASSPHRASE)
    assert not window.is_locked
