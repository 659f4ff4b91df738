"""The unlock dialog, driven by keyboard and mouse as a user would."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.domain.errors import (
    CragError,
    DatabaseEmptyFile,
    DatabaseExists,
    DatabaseInUse,
    DatabaseIsFolder,
    DatabaseMissing,
    DiskFull,
    PlainSQLiteFile,
    WrongPassphraseOrNotDatabase,
)
from crag_desktop.ui.dialogs.unlock import UnlockDialog, passphrase_strength
from crag_desktop.ui.opening import UnlockMode
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.settings import AppSettings
from tests.helpers.databases import PASSPHRASE
from tests.helpers.qt import click, press, type_text, unlock_dialog
from tests.ui.conftest import FakeDatabases


def make_dialog(qtbot: QtBot, *, databases: FakeDatabases, **options: Any) -> UnlockDialog:
    """The dialog shown on the fake databases."""
    return unlock_dialog(qtbot, opener=databases.open, creator=databases.create, **options)


def paths(databases: FakeDatabases) -> list[Path]:
    return sorted(databases.passphrases)


@pytest.fixture
def cases(databases: FakeDatabases) -> Path:
    """cases.crag, one of the two databases the fakes hold."""
    _archive, cases = paths(databases)
    return cases


@pytest.fixture
def dialog(
    qtbot: QtBot,
    settings: AppSettings,
    databases: FakeDatabases,
    prompter: ScriptedPrompter,
    cases: Path,
) -> UnlockDialog:
    """The dialog shown with cases.crag chosen, its passphrase still to type."""
    return make_dialog(
        qtbot, settings=settings, databases=databases, prompter=prompter, initial_path=cases
    )


def test_recent_list_shows_file_names_only(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> None:
    archive, cases = paths(databases)
    settings.add_recent_file(archive)
    settings.add_recent_file(cases)

    dialog = make_dialog(qtbot, settings=settings, databases=databases, prompter=prompter)

    assert dialog.recent_names() == ["cases.crag", "archive.crag"]
    for row in range(dialog.recent_list.count()):
        item = dialog.recent_list.item(row)
        assert "Child Q" not in item.text()
        assert "Child Q" not in item.toolTip()
    # The newest is preselected, so typing the passphrase and Enter is all it takes.
    assert dialog.selected_path() == cases.resolve()


def test_enter_opens_the_preselected_database_and_remembers_it(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, dialog: UnlockDialog, cases: Path
) -> None:
    dialog.open_operator.clear()
    type_text(qtbot, dialog.open_operator, "Ann Secretary")
    type_text(qtbot, dialog.open_passphrase, PASSPHRASE)

    with qtbot.waitSignal(dialog.accepted):
        press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)

    assert dialog.database is databases.opened[0]
    assert databases.opened[0].operator == "Ann Secretary"
    assert settings.recent_files()[0] == cases.resolve()
    assert settings.operator() == "Ann Secretary"
    assert dialog.open_passphrase.text() == ""


def test_the_app_loads_its_window_while_the_key_is_derived(
    qtbot: QtBot,
    settings: AppSettings,
    databases: FakeDatabases,
    prompter: ScriptedPrompter,
    cases: Path,
) -> None:
    loads: list[int] = []
    dialog = make_dialog(
        qtbot,
        settings=settings,
        databases=databases,
        prompter=prompter,
        initial_path=cases,
        while_keying=lambda: loads.append(len(databases.opened)),
    )
    # A wrong passphrase, then the right one: each unlock hands the loading to the opener,
    # which runs it before the unlock is known to succeed (the fake runs it as Database.open
    # does: on the caller's thread, while keying).
    type_text(qtbot, dialog.open_passphrase, "not the passphrase")
    press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)
    type_text(qtbot, dialog.open_passphrase, PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted):
        press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)
    assert loads == [0, 0]
    assert dialog.database is databases.opened[0]


def test_wrong_passphrase_is_shown_inline_and_selected_for_retyping(
    qtbot: QtBot, databases: FakeDatabases, prompter: ScriptedPrompter, dialog: UnlockDialog
) -> None:
    type_text(qtbot, dialog.open_passphrase, "not the passphrase")
    press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)

    assert dialog.isVisible()
    assert dialog.open_error.isVisible()
    assert dialog.open_error.text().startswith("⚠ Error: cases.crag: wrong passphrase")
    assert dialog.open_error.property("role") == "alert"
    assert dialog.focusWidget() is dialog.open_passphrase
    assert dialog.open_passphrase.selectedText() == "not the passphrase"
    assert prompter.shown == []

    # Typing again replaces the selection and clears the stale error.
    type_text(qtbot, dialog.open_passphrase, PASSPHRASE)
    assert not dialog.open_error.isVisible()
    with qtbot.waitSignal(dialog.accepted):
        press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)
    # The wrong one is handed to the open that succeeds, to be audited before the unlock.
    assert len(databases.opened[0].failed_unlocks) == 1


@pytest.mark.parametrize(
    "error_type",
    [
        WrongPassphraseOrNotDatabase,
        DatabaseMissing,
        DatabaseIsFolder,
        DatabaseEmptyFile,
        PlainSQLiteFile,
        DatabaseInUse,
        DiskFull,
    ],
)
def test_each_open_failure_shows_its_own_message(
    qtbot: QtBot,
    databases: FakeDatabases,
    dialog: UnlockDialog,
    cases: Path,
    error_type: type[CragError],
) -> None:
    error = error_type(cases)
    databases.fail_next = error
    type_text(qtbot, dialog.open_passphrase, PASSPHRASE)
    press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)

    assert dialog.open_error.isVisible()
    assert dialog.open_error.message == str(error)
    assert dialog.open_error.text() == f"⚠ Error: {error}"
    assert dialog.focusWidget() is dialog.open_passphrase
    assert dialog.database is None


def test_unexpected_failure_shows_a_reference_not_a_traceback(
    qtbot: QtBot, databases: FakeDatabases, dialog: UnlockDialog
) -> None:
    databases.fail_next = RuntimeError("Child Q's secret detail")
    type_text(qtbot, dialog.open_passphrase, PASSPHRASE)
    press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)

    text = dialog.open_error.text()
    assert "Something went wrong (reference " in text
    assert "Traceback" not in text
    assert "secret detail" not in text


def test_browse_picks_a_file_and_shows_its_name_only(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> None:
    archive, _cases = paths(databases)
    dialog = make_dialog(qtbot, settings=settings, databases=databases, prompter=prompter)
    assert dialog.recent_names() == []
    prompter.answer_path(archive)

    click(qtbot, dialog.browse_button)

    assert dialog.recent_names() == ["archive.crag"]
    assert dialog.selected_path() == archive
    assert dialog.focusWidget() is dialog.open_passphrase


def test_submitting_with_nothing_chosen_says_what_to_do(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> None:
    dialog = make_dialog(qtbot, settings=settings, databases=databases, prompter=prompter)
    type_text(qtbot, dialog.open_passphrase, PASSPHRASE)
    press(qtbot, dialog.open_passphrase, Qt.Key.Key_Return)
    assert dialog.open_error.message == "Choose a database from the list, or use Browse."
    assert databases.opened == []


def test_show_passphrase_toggle(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> None:
    dialog = make_dialog(qtbot, settings=settings, databases=databases, prompter=prompter)
    field = dialog.open_passphrase
    assert field.echoMode() == QLineEdit.EchoMode.Password
    field.toggle_action.trigger()
    assert field.echoMode() == QLineEdit.EchoMode.Normal
    assert field.toggle_action.text() == "Hide passphrase"
    field.toggle_action.trigger()
    assert field.echoMode() == QLineEdit.EchoMode.Password


def create_dialog(
    qtbot: QtBot,
    settings: AppSettings,
    databases: FakeDatabases,
    prompter: ScriptedPrompter,
    target: Path,
) -> UnlockDialog:
    dialog = make_dialog(
        qtbot, settings=settings, databases=databases, prompter=prompter, mode=UnlockMode.CREATE
    )
    assert dialog.submit_button.text() == "Create"
    prompter.answer_path(target)
    click(qtbot, dialog.choose_file_button)
    assert prompter.suggested[-1] == "CRAG cases.crag", "the save dialog suggests a name"
    assert dialog.create_file_label.text() == (target.name if target.suffix else "board.crag")
    return dialog


#: Opens the dialog in Create mode with `target` chosen in the save dialog.
CreateAt = Callable[[Path], UnlockDialog]


@pytest.fixture
def create_at(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> CreateAt:
    return functools.partial(create_dialog, qtbot, settings, databases, prompter)


def test_create_refuses_a_short_passphrase(
    qtbot: QtBot, create_at: CreateAt, databases: FakeDatabases, tmp_path: Path
) -> None:
    dialog = create_at(tmp_path / "new.crag")
    type_text(qtbot, dialog.create_passphrase, "short pass")
    type_text(qtbot, dialog.create_confirm, "short pass")
    assert dialog.strength_bar.text() == "Too short"
    assert "Too short: 10 of at least 12" in dialog.strength_label.text()

    press(qtbot, dialog.create_confirm, Qt.Key.Key_Return)

    assert databases.created == []
    assert dialog.create_error.message == (
        "The passphrase must have at least 12 characters (it has 10)."
    )
    assert dialog.focusWidget() is dialog.create_passphrase
    assert dialog.create_passphrase.selectedText() == "short pass"


def test_create_refuses_mismatched_passphrases(
    qtbot: QtBot, create_at: CreateAt, databases: FakeDatabases, tmp_path: Path
) -> None:
    dialog = create_at(tmp_path / "new.crag")
    type_text(qtbot, dialog.create_passphrase, PASSPHRASE)
    type_text(qtbot, dialog.create_confirm, PASSPHRASE + "!")
    press(qtbot, dialog.create_confirm, Qt.Key.Key_Return)

    assert databases.created == []
    assert "two passphrases are different" in dialog.create_error.message
    assert dialog.focusWidget() is dialog.create_confirm


def test_create_succeeds_with_enter(
    qtbot: QtBot,
    create_at: CreateAt,
    databases: FakeDatabases,
    settings: AppSettings,
    tmp_path: Path,
) -> None:
    # No suffix typed: the usual one is added.
    dialog = create_at(tmp_path / "board")
    type_text(qtbot, dialog.create_passphrase, PASSPHRASE)
    assert dialog.strength_bar.text() == "Good"
    type_text(qtbot, dialog.create_confirm, PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted):
        press(qtbot, dialog.create_confirm, Qt.Key.Key_Return)
    assert databases.created[0].path == tmp_path / "board.crag"
    assert settings.recent_files()[0] == (tmp_path / "board.crag").resolve()


def test_create_shows_database_exists_inline(
    qtbot: QtBot,
    settings: AppSettings,
    databases: FakeDatabases,
    prompter: ScriptedPrompter,
) -> None:
    existing = paths(databases)[0]
    dialog = create_dialog(qtbot, settings, databases, prompter, existing)
    type_text(qtbot, dialog.create_passphrase, PASSPHRASE)
    type_text(qtbot, dialog.create_confirm, PASSPHRASE)
    press(qtbot, dialog.create_confirm, Qt.Key.Key_Return)
    assert dialog.create_error.message == str(DatabaseExists(existing))
    assert dialog.isVisible()


def test_strength_is_described_in_words() -> None:
    assert passphrase_strength("")[0] == 0
    assert passphrase_strength("aaaaaaaaaaaa")[1].startswith("Weak")
    assert passphrase_strength("aaaaaaaaaaaaaaaa")[1].startswith("Fair")
    assert passphrase_strength("Four Random Words 2024 here")[1].startswith("Strong")


def test_every_input_has_a_label_and_an_accessible_name(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> None:
    dialog = make_dialog(qtbot, settings=settings, databases=databases, prompter=prompter)
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if label.buddy()}
    inputs: list[QWidget] = [*dialog.findChildren(QLineEdit), dialog.recent_list]
    for widget in inputs:
        assert widget.accessibleName(), widget
        assert widget in buddies, widget.accessibleName()


class _Clock:
    """A clock the test moves by hand (no sleeps)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_passphrases_bring_a_growing_delay(
    qtbot: QtBot, settings: AppSettings, databases: FakeDatabases, prompter: ScriptedPrompter
) -> None:
    from crag_desktop.ui.unlock_delay import UnlockDelay

    _archive, cases = paths(databases)
    clock = _Clock()
    dialog = make_dialog(
        qtbot,
        settings=settings,
        databases=databases,
        prompter=prompter,
        initial_path=cases,
        delay=UnlockDelay(clock=clock),
    )

    def attempt(passphrase: str) -> str:
        dialog.open_passphrase.setText(passphrase)
        dialog.submit()
        return dialog.open_error.text()

    # Two typos cost nothing.
    assert "Wait" not in attempt("wrong one")
    assert "Wait" not in attempt("wrong two")
    assert "Wait 2 seconds before the next try." in attempt("wrong three")
    tries = len(databases.opened)
    # Too soon: refused without even trying the passphrase, the right one included.
    assert "3 wrong passphrases: wait 2 seconds before trying again." in attempt(PASSPHRASE)
    clock.now += 1
    assert "wait 1 second before trying again" in attempt(PASSPHRASE)
    assert dialog.database is None
    clock.now += 1
    assert "Wait 4 seconds before the next try." in attempt("wrong four")
    clock.now += 4
    assert "Wait 8 seconds" in attempt("wrong five")
    clock.now += 8
    attempt(PASSPHRASE)
    assert dialog.database is not None
    assert len(databases.opened) == tries + 1
    assert dialog.delay.failures == 0
