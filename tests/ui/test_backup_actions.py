"""File > Back up, Restore and Properties, automatic backups and the status bar, on a real
encrypted database."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from crag_desktop.services.database import Database
from crag_desktop.services.interchange import export_document
from crag_desktop.ui.backup_actions import BackupActions, PropertiesDialog
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.settings import AppSettings
from tests.helpers.databases import fresh_copy
from tests.helpers.qt import choose_screen

PASSPHRASE = "correct horse battery staple"
SHOTS = Path("/tmp/safety-audit")


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """The demo database in a folder of its own, apart from the backups the tests write."""
    folder = tmp_path / "live"
    folder.mkdir()
    return fresh_copy(demo_template, folder / "demo.crag")


def _fixed(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def _actions(window: MainWindow) -> BackupActions:
    found = window.findChild(BackupActions)
    assert isinstance(found, BackupActions)
    return found


def _document(window: MainWindow) -> object:
    database = window.current.database
    assert isinstance(database, Database)
    return export_document(database)[0]


def test_file_back_up_writes_a_proven_backup_and_shows_it(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    actions = _actions(window)
    # Filled once the window has painted.
    qtbot.waitUntil(lambda: actions.backup_label.text() == "Last backup: never")
    assert actions.action_backup in window.menus.file_menu.actions()
    out = tmp_path / "monday"
    prompter.answer_path(out)
    actions.action_backup.trigger()
    qtbot.waitUntil(lambda: actions.last_result is not None, timeout=20_000)
    result = actions.last_result
    assert result is not None
    assert result.path == out.with_name("monday.crag-backup")
    # The dialog offered a name: the database's and the day's.
    assert prompter.suggested == [f"demo backup {datetime.now():%Y-%m-%d}.crag-backup"]
    assert result.path.is_file()
    assert oct(os.stat(result.path).st_mode & 0o777) == "0o600"
    assert actions.backup_label.text().startswith("Last backup: ")
    assert actions.backup_label.text() != "Last backup: never"
    assert prompter.shown == [] or all(s.kind != "error" for s in prompter.shown)


def test_file_restore_brings_back_the_backup_and_keeps_the_old_file(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path, demo_path: Path
) -> None:
    actions = _actions(window)
    before = _document(window)
    prompter.answer_path(tmp_path / "b.crag-backup")
    actions.back_up()
    qtbot.waitUntil(lambda: actions.last_result is not None, timeout=20_000)
    database = window.current.database
    assert isinstance(database, Database)
    with database.unit_of_work() as session:
        session.connection().exec_driver_sql("UPDATE agency SET name = 'Changed after'")
    assert _document(window) != before
    prompter.answer_path(tmp_path / "b.crag-backup")
    prompter.answer_confirm(True)
    actions._ask_passphrase = lambda _parent: PASSPHRASE
    actions.action_restore.trigger()
    qtbot.waitUntil(
        lambda: not window.is_locked and window.current.database is not None, timeout=30_000
    )
    assert _document(window) == before
    assert len(list(demo_path.parent.glob("demo.crag.replaced-*"))) == 1


def test_a_failed_restore_leaves_the_app_locked_on_the_file_as_it_was(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path, demo_path: Path
) -> None:
    actions = _actions(window)
    bogus = tmp_path / "not-a-backup.crag-backup"
    bogus.write_bytes(os.urandom(8192))
    before = demo_path.read_bytes()
    prompter.answer_path(bogus)
    prompter.answer_confirm(True)
    actions._ask_passphrase = lambda _parent: PASSPHRASE
    actions.restore()
    qtbot.waitUntil(
        lambda: "Nothing was restored" in window.lock_screen.error_label.text(), timeout=30_000
    )
    assert window.is_locked
    assert any(s.kind == "error" for s in prompter.shown)
    # Unlocking carries on with the file as it was.
    window.lock_screen.unlock_requested.emit(PASSPHRASE)
    assert not window.is_locked
    assert demo_path.read_bytes()[:16] == before[:16]


def test_file_properties_shows_where_the_database_is(
    qtbot: QtBot, window: MainWindow, demo_path: Path
) -> None:
    from crag_desktop.services.backups import database_properties
    from crag_desktop.storage.schema import head_revision

    database = window.current.database
    assert isinstance(database, Database)
    dialog = PropertiesDialog(properties=database_properties(database), parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.rows["Location"].text() == str(demo_path.resolve())
    assert dialog.rows["Last backup"].text() == "never"
    assert dialog.rows["Schema version"].text() == head_revision()
    assert "KB" in dialog.rows["Size"].text() or "MB" in dialog.rows["Size"].text()
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "properties.png"))


def test_automatic_backups_rotate_into_the_chosen_folder(
    qtbot: QtBot, window: MainWindow, settings: AppSettings, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    settings.set_backup_folder(folder)
    settings.set_backup_keep(2)
    actions = _actions(window)
    names: set[str] = set()
    for i in range(3):
        actions.last_result = None
        # Each backup is due: the clock says a day passed.
        moment = datetime.now(UTC) + timedelta(days=2 + i)
        actions._now = _fixed(moment)
        actions.backup_if_due()
        qtbot.waitUntil(lambda: actions.last_result is not None, timeout=20_000)
        assert actions.last_result is not None
        names.add(actions.last_result.path.name)
    kept = sorted(p.name for p in folder.glob("*.crag-backup"))
    assert len(kept) == 2
    # Not due again within the day.
    actions.last_result = None
    actions._now = lambda: datetime.now(UTC)
    actions.backup_if_due()
    assert actions.last_result is None


def test_a_lost_database_is_said_once_and_the_typing_kept_until_reopened(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, demo_path: Path
) -> None:
    from crag_desktop.services.drafts import DraftService
    from crag_desktop.storage.engine import raw_connect
    from crag_desktop.ui.navigation import ScreenKey

    screen: Any = window.screen_widget(ScreenKey.AGENCIES)
    choose_screen(window, ScreenKey.AGENCIES)
    list_screen = screen.agencies
    assert list_screen.new_record()
    form = list_screen.form
    form.name_edit.setText("Family Hubs")
    form.name_edit.textEdited.emit("Family Hubs")
    # The passphrase is changed behind the app's back (another machine on a share).
    other = raw_connect(demo_path, PASSPHRASE)
    other.execute("PRAGMA rekey = 'a passphrase changed elsewhere'")
    other.close()
    for _tick in range(5):
        form.autosave_now()  # the autosave timer's tick: never raises
    qtbot.waitUntil(lambda: any(s.kind == "warn" for s in prompter.shown))
    qtbot.wait(50)
    warnings = [s for s in prompter.shown if s.kind == "warn"]
    assert len(warnings) == 1
    assert "can no longer use the database demo.crag" in warnings[0].text
    assert "passphrase was changed elsewhere" in warnings[0].text
    assert form.name_edit.text() == "Family Hubs"
    actions = _actions(window)
    actions._ask_reopen = lambda _parent: "a passphrase changed elsewhere"
    actions.action_reopen.trigger()
    assert window.current.database is not None
    assert form.name_edit.text() == "Family Hubs"
    form.autosave_now()
    database = window.current.database
    assert isinstance(database, Database)
    drafts = DraftService(db=database).pending()
    assert [d.title for d in drafts if "Family Hubs" in d.title]
    form.discard_changes()


def test_preferences_choose_the_backup_folder_and_how_many_to_keep(
    qtbot: QtBot, settings: AppSettings, tmp_path: Path
) -> None:
    from crag_desktop.ui.settings import PreferencesDialog

    dialog = PreferencesDialog(settings=settings)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.backup_folder.text() == ""
    dialog.backup_folder.setText(str(tmp_path / "missing"))
    dialog.accept()
    assert dialog.isVisible()
    assert "does not exist" in dialog.error.text()
    assert settings.backup_folder() is None
    dialog.backup_folder.setText(str(tmp_path))
    dialog.backup_keep.setValue(3)
    dialog.accept()
    assert settings.backup_folder() == tmp_path
    assert settings.backup_keep() == 3
