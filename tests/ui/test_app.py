"""The whole application on a real encrypted demo database, as the secretariat meets it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.services.database import Database
from crag_desktop.services.records import RecordService
from crag_desktop.ui.lock import CurrentDatabase
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import UNENCRYPTED_PDF_QUESTION, PdfProtection, ScriptedPrompter
from crag_desktop.ui.settings import AppSettings
from crag_desktop.ui.wizard.criteria_wizard import CriteriaWizard
from crag_desktop.window import SCREENS
from tests.helpers.dashboard import days_asked
from tests.helpers.databases import OPERATOR, PASSPHRASE
from tests.helpers.qt import (
    choose_screen,
    last_event,
    main_window,
    open_referral,
    unlock_dialog,
    wait_shown,
)
from tests.helpers.records import minimal_document
from tests.ui.conftest import last_printed_line


@pytest.fixture
def unshown_window(
    qtbot: QtBot, demo_path: Path, settings: AppSettings, prompter: ScriptedPrompter
) -> Iterator[Callable[[], MainWindow]]:
    """Builds the app's window on the demo database as run_gui builds it, not yet shown (a
    test patches what it watches first); its database is closed afterwards."""
    made: list[MainWindow] = []

    def build() -> MainWindow:
        current = CurrentDatabase(database=Database.open(demo_path, PASSPHRASE, operator=OPERATOR))
        made.append(main_window(qtbot, current, settings=settings, prompter=prompter))
        return made[-1]

    yield build
    for window in made:
        window.current.close()


def _screen(window: MainWindow, key: ScreenKey) -> Any:
    return cast(Any, window.screen_widget(key))


def _shown(window: MainWindow, key: ScreenKey) -> Any:
    """Screen `key`, chosen as Ctrl+number chooses it and shown in the window."""
    return choose_screen(window, key)


def test_every_screen_is_in_the_navigation(window: MainWindow) -> None:
    assert window.screen_keys() == list(SCREENS)
    titles = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert titles[:3] == ["Dashboard", "Referrals", "Meetings and decisions"]
    assert window.windowTitle() == "CRAG Desktop — demo.crag"


def test_only_the_dashboard_is_built_at_start_and_each_screen_when_first_chosen(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert [k for k in SCREENS if window.is_screen_built(k)] == [ScreenKey.DASHBOARD]
    # The shortcut builds the screen a step at a time; it shows with the demo's rows.
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() == ScreenKey.REVIEWS
    wait_shown(window, ScreenKey.REVIEWS)
    assert window.is_screen_built(ScreenKey.REVIEWS)
    reviews = _screen(window, ScreenKey.REVIEWS)
    assert window.screen_stack.currentWidget() is reviews
    assert _screen(window, ScreenKey.REVIEWS).model.total == 7
    assert not window.is_screen_built(ScreenKey.REFERRALS)


def test_the_dashboard_counts_its_figures_once_at_start(
    unshown_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = days_asked(monkeypatch, "figures")
    main = unshown_window()
    # As run_gui does: first pages, then show.
    main.refresh_screens(None)
    main.show()
    assert len(counted) == 1
    dashboard = _screen(main, ScreenKey.DASHBOARD)
    assert dashboard.tiles["pending_decisions"].content.count == 2


def test_the_page_check_and_the_backup_label_wait_for_the_first_paint(
    qtbot: QtBot, unshown_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    import crag_desktop.window as window_module
    from crag_desktop.ui.backup_actions import BackupActions

    checked: list[dict[str, object]] = []
    monkeypatch.setattr(
        window_module, "check_pages_in_background", lambda **kwargs: checked.append(kwargs)
    )
    main = unshown_window()
    main.refresh_screens(None)
    main.show()
    label = main.findChild(BackupActions).backup_label  # type: ignore[union-attr]
    # Shown but not yet painted: neither has run.
    assert checked == []
    assert label.text() == ""
    qtbot.waitUntil(lambda: len(checked) == 1)
    assert label.text() == "Last backup: never"
    assert checked[0]["database"] is main.current.database


def test_importing_the_app_loads_no_database_code(tmp_path: Path) -> None:
    # The window is built before the database is opened: SQLAlchemy and the models are
    # imported when opening, not with the window's code (benchmarks: start to paint).
    script = (
        "import sys\n"
        "import crag_desktop.app\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy'"
        " or m.startswith('crag_desktop.storage')))\n"
    )
    assert last_printed_line(script, home=tmp_path) == "[]"


def test_the_window_code_loads_after_the_passphrase_is_known(tmp_path: Path) -> None:
    # The unlock window shows before the main window's code is imported; that code loads
    # while the key is derived (app.load_window_code, Database.open's while_keying).
    loaded = (
        "print(sorted(m for m in ('crag_desktop.window', 'crag_desktop.ui.main_window',"
        " 'crag_desktop.ui.views.dashboard') if m in sys.modules))\n"
    )
    before = "import sys\nimport crag_desktop.app\n" + loaded
    assert last_printed_line(before, home=tmp_path) == "[]"
    after = before + "crag_desktop.app.load_window_code()\n" + loaded
    assert last_printed_line(after, home=tmp_path) == str(
        ["crag_desktop.ui.main_window", "crag_desktop.ui.views.dashboard", "crag_desktop.window"]
    )


def test_starting_on_a_database_paints_the_dashboard_without_the_orm(
    demo_path: Path, tmp_path: Path
) -> None:
    # Opening, the unlock event and the Dashboard's figures use the Core tables alone: the
    # ORM, the migrations, the interchange format's JSON Schema and ReportLab are imported
    # when first needed, not to paint the first window (benchmarks: start to painted window).
    # So are the unlock window (a start given its passphrase never shows it) and the annual
    # statistics (a list asks for them when a reporting year is chosen).
    script = (
        "import json, sys\n"
        "import crag_desktop.app\n"
        "from benchmarks.children import app_window\n"
        # What loads in the background once painted is the next test's.
        "import crag_desktop.window\n"
        "crag_desktop.window.load_record_code_in_background = lambda: None\n"
        f"app, window, current = app_window({str(demo_path)!r}, {PASSPHRASE!r})\n"
        "dashboard = window.screen_widget(window.current_screen_key())\n"
        "tile = dashboard.tiles['pending_decisions'].content\n"
        "late = ('sqlalchemy.orm', 'alembic', 'jsonschema', 'reportlab',"
        " 'crag_desktop.ui.dialogs.unlock', 'crag_desktop.domain.statistics')\n"
        "print(json.dumps([tile.count, [m for m in late if m in sys.modules]]))\n"
    )
    count, imported = json.loads(last_printed_line(script, home=tmp_path))
    # The painted window shows the real figures: the demo's two referrals awaiting a decision.
    assert count == 2
    assert imported == []


def test_after_the_first_paint_the_record_code_loads_off_the_gui_thread(
    demo_path: Path, tmp_path: Path
) -> None:
    # The ORM left out of the start is loaded on a thread of its own once the window has
    # painted, so that the first record opened does not wait for it on the GUI thread.
    script = (
        "import json, sys, threading, time\n"
        "from benchmarks.children import app_window\n"
        f"app, window, current = app_window({str(demo_path)!r}, {PASSPHRASE!r})\n"
        "deadline = time.monotonic() + 30\n"
        "def loading():\n"
        "    return [t for t in threading.enumerate() if t.name == 'load record code']\n"
        "while (not loading() and 'crag_desktop.storage.repositories' not in sys.modules\n"
        "        and time.monotonic() < deadline):\n"
        "    app.processEvents()\n"
        "    time.sleep(0.02)\n"
        "for thread in loading():\n"
        "    thread.join(60)\n"
        "print(json.dumps(['crag_desktop.storage.repositories' in sys.modules, 'sqlalchemy.orm' in"
        " sys.modules]))\n"
    )
    assert json.loads(last_printed_line(script, home=tmp_path)) == [True, True]


def test_no_screen_loads_the_pdf_library_until_something_is_printed(tmp_path: Path) -> None:
    # ReportLab takes a fifth of a second to import: loaded with a screen, it was most of
    # that screen's first showing (benchmarks: GUI stall).
    script = (
        "import importlib, pkgutil, sys\n"
        "import crag_desktop.ui.views as views\n"
        "for found in pkgutil.iter_modules(views.__path__):\n"
        "    importlib.import_module(f'crag_desktop.ui.views.{found.name}')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('reportlab')}))\n"
    )
    assert last_printed_line(script, home=tmp_path) == "[]"


def test_each_screen_shows_demo_data_after_opening(window: MainWindow) -> None:
    referrals = _screen(window, ScreenKey.REFERRALS)
    assert referrals.model.total == 9
    reviews = _screen(window, ScreenKey.REVIEWS)
    assert reviews.model.total == 7


def test_a_dashboard_tile_opens_the_filtered_list(qtbot: QtBot, window: MainWindow) -> None:
    dashboard = _screen(window, ScreenKey.DASHBOARD)
    tile = dashboard.tiles["pending_decisions"]
    assert tile.content is not None
    assert tile.content.count == 2
    tile.setFocus()
    QTest.keyClick(tile, Qt.Key.Key_Return)
    assert window.current_screen_key() == ScreenKey.REFERRALS
    referrals = _screen(window, ScreenKey.REFERRALS)
    # The demo's two referrals still awaiting a decision.
    qtbot.waitUntil(lambda: referrals.model.total == tile.content.count)
    assert referrals.model.total == 2


def test_ctrl_d_opens_the_criteria_wizard(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, CriteriaWizard) for w in QApplication.topLevelWidgets() if w.isVisible()
        )
    )
    wizard = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, CriteriaWizard) and w.isVisible()
    )
    wizard.reject()


def test_the_referral_form_opens_the_wizard_for_that_referral(
    qtbot: QtBot, window: MainWindow
) -> None:
    choose_screen(window, ScreenKey.REFERRALS)
    referrals, _pending = open_referral(window, decided=False)
    referrals.form.wizard_button.click()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, CriteriaWizard) and w.isVisible() for w in QApplication.topLevelWidgets()
        )
    )
    wizard = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, CriteriaWizard) and w.isVisible()
    )
    wizard.reject()


def test_printing_a_decision_record_from_a_decided_referral(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    referrals, decided = open_referral(window, decided=True)
    assert referrals.form.save_record_button.isEnabled()
    target = tmp_path / "record"
    prompter.answer_path(target)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(True)
    referrals.form.save_record_button.click()
    pdf = tmp_path / "record.pdf"
    qtbot.waitUntil(pdf.exists, timeout=20_000)
    assert prompter.suggested[-1] == f"Decision record {decided.reference}.pdf"
    # Without a passphrase the PDF is written only after a second, explicit yes.
    assert prompter.questions[-1] == UNENCRYPTED_PDF_QUESTION
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_mode & 0o777 == 0o600


def test_a_decision_record_printed_with_a_passphrase_opens_only_with_it(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    import pikepdf

    referrals, _decided = open_referral(window, decided=True)
    pdf = tmp_path / "protected.pdf"
    prompter.answer_path(pdf)
    prompter.answer_pdf_protection(PdfProtection("a passphrase for the board"))
    referrals.form.save_record_button.click()
    qtbot.waitUntil(pdf.exists, timeout=20_000)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(pdf)
    with pikepdf.open(pdf, password="a passphrase for the board") as opened:
        assert opened.encryption.R == 6
    last = last_event(window)
    assert last.action == "print"
    assert ("decision_record", None, "protected.pdf") in last.changes
    assert ("protection", None, "AES-256, passphrase") in last.changes


def test_cancelling_the_protection_question_writes_nothing(
    window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    referrals, _decided = open_referral(window, decided=True)
    prompter.answer_path(tmp_path / "no.pdf")
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(False)
    referrals.form.save_record_button.click()
    assert not (tmp_path / "no.pdf").exists()


def export_everything(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, path: Path
) -> None:
    """File > Export to `path`, yes to the warning, and wait until it is done."""
    prompter.answer_confirm(True)
    prompter.answer_path(path)
    window.menus.action_export.trigger()
    qtbot.waitUntil(
        lambda: any(s.title == "Export finished" for s in prompter.shown), timeout=20_000
    )


def test_export_warns_then_writes_json(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    export_everything(qtbot, window, prompter, tmp_path / "all")
    assert "NOT encrypted" in prompter.questions[0]
    document = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert document["marking"] == "OFFICIAL-SENSITIVE"
    assert len(document["referrals"]) == 9


def test_declining_the_export_warning_writes_nothing(
    window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    prompter.answer_confirm(False)
    window.menus.action_export.trigger()
    assert list(tmp_path.glob("*.json")) == []


def test_import_of_a_broken_file_lists_the_problems_and_adds_nothing(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps(
            {**minimal_document(), "agencies": [{"id": "x", "name": "", "kind": "martian"}]}
        ),
        encoding="utf-8",
    )
    prompter.answer_path(broken)
    window.menus.action_import.trigger()
    qtbot.waitUntil(lambda: any(s.kind == "error" for s in prompter.shown), timeout=20_000)
    message = next(s for s in prompter.shown if s.kind == "error").text
    assert "Nothing was imported" in message
    assert "$.agencies[0].kind" in message
    records = RecordService(db=window.current.require())  # type: ignore[arg-type]
    assert all(a.id != "x" for a in records.agencies())


def test_lock_and_unlock_return_to_the_screen_with_its_data(
    qtbot: QtBot, window: MainWindow
) -> None:
    choose_screen(window, ScreenKey.REVIEWS)
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    reviews = _screen(window, ScreenKey.REVIEWS)
    assert reviews.model.rowCount() == 0
    assert window.windowTitle() == "CRAG Desktop — Locked"
    window.lock_screen.passphrase.setText(PASSPHRASE)
    QTest.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked)
    assert window.current_screen_key() == ScreenKey.REVIEWS
    assert reviews.model.total == 7


def test_closing_with_unsaved_typing_asks_first(
    window: MainWindow, prompter: ScriptedPrompter
) -> None:
    referrals = _shown(window, ScreenKey.REFERRALS)
    referrals.new_record()
    QTest.keyClicks(referrals.form.case_name, "Child Z")
    # Cancel: neither save nor discard; the window stays open.
    prompter.answer_confirm(False, False)
    assert not window.close()
    assert window.isVisible()
    assert window.current.database is not None
    # Discard: the window closes.
    prompter.answer_confirm(False, True)
    assert window.close()


def test_screens_are_widgets(window: MainWindow) -> None:
    for key in window.screen_keys():
        assert isinstance(window.screen_widget(key), QWidget)


def test_lock_and_wrong_passphrases_are_audited(qtbot: QtBot, window: MainWindow) -> None:
    from crag_desktop.services.audit_log import AuditLog, AuditQuery

    window.lock()
    window.lock_screen.passphrase.setText("not it")
    QTest.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    assert window.is_locked
    window.lock_screen.passphrase.setText(PASSPHRASE)
    QTest.keyClick(window.lock_screen.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.is_locked)
    log = AuditLog(db=window.current.require())  # type: ignore[arg-type]
    rows = log.page(AuditQuery(record_type="database"), limit=5)
    # Newest first: the unlock, the failed attempt that preceded it (written with it, at
    # its own time), then the lock.
    assert [row.action for row in rows[:3]] == ["unlock", "failed_unlock", "lock"]
    assert rows[0].at >= rows[1].at >= rows[2].at
    assert log.verify() == []


def test_recent_files_offer_only_files_that_exist(settings: AppSettings, tmp_path: Path) -> None:
    kept = tmp_path / "kept.crag"
    kept.write_bytes(b"x")
    gone = tmp_path / "gone.crag"
    settings.add_recent_file(gone)
    settings.add_recent_file(kept)
    assert settings.recent_files() == [kept.resolve()]


def test_ctrl_d_on_an_open_referral_decides_that_referral(qtbot: QtBot, window: MainWindow) -> None:
    choose_screen(window, ScreenKey.REFERRALS)
    _referrals, pending = open_referral(window, decided=False)
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(CriteriaWizard) is not None)
    wizard = window.findChild(CriteriaWizard)
    assert wizard is not None
    assert wizard.state.referral is not None
    assert wizard.state.referral.id == pending.id
    wizard.reject()


def _screens_with_new_records_open(window: MainWindow) -> Iterator[tuple[ScreenKey, QWidget]]:
    """Each screen in turn, shown with a new record open in each of its forms, so that what
    a form shows only while editing is on screen too."""
    for key in window.screen_keys():
        choose_screen(window, key)
        screen = _screen(window, key)
        parts = list(getattr(screen, "screens", [])) or [getattr(screen, "meetings", screen)]
        for part in parts:
            new_record = getattr(part, "new_record", None)
            if callable(new_record):
                new_record()
        yield key, screen


def test_every_visible_input_has_an_accessible_name(window: MainWindow) -> None:
    from PySide6.QtWidgets import (
        QAbstractSpinBox,
        QCheckBox,
        QComboBox,
        QLineEdit,
        QListWidget,
        QPlainTextEdit,
        QRadioButton,
        QTextEdit,
    )

    inputs = (
        QLineEdit,
        QComboBox,
        QPlainTextEdit,
        QTextEdit,
        QAbstractSpinBox,
        QCheckBox,
        QListWidget,
        QRadioButton,
    )
    unnamed: list[str] = []
    checked = 0
    for key, screen in _screens_with_new_records_open(window):
        for widget in screen.findChildren(QWidget):
            if not isinstance(widget, inputs) or not widget.isVisibleTo(screen):
                continue
            owner = widget.parentWidget()
            if isinstance(widget, QLineEdit) and isinstance(owner, QAbstractSpinBox | QComboBox):
                continue  # the editor inside a spin box or combo is named through its owner
            if isinstance(widget, QCheckBox | QRadioButton) and widget.text():
                continue  # its own text is its name
            checked += 1
            if not widget.accessibleName():
                unnamed.append(f"{key.name}: {type(widget).__name__}")
    assert unnamed == []
    # The forms were open: dozens of inputs were looked at, not none.
    assert checked > 60


def test_a_database_in_use_by_a_command_is_refused_with_a_sentence(
    qtbot: QtBot, demo_path: Path, settings: AppSettings, prompter: ScriptedPrompter
) -> None:
    import subprocess
    import sys

    # Another process (a command-line export, say) holds the database.
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from crag_desktop.services.database import "
            f"Database; db = Database.open(Path({str(demo_path)!r}), {PASSPHRASE!r}, "
            "operator='cli'); print('open', flush=True); sys.stdin.readline(); db.close()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        before = demo_path.read_bytes()
        dialog = unlock_dialog(qtbot, settings=settings, prompter=prompter, initial_path=demo_path)
        dialog.open_passphrase.setText(PASSPHRASE)
        QTest.keyClick(dialog.open_passphrase, Qt.Key.Key_Return)
        assert dialog.database is None
        assert "in use by another copy of CRAG Desktop or a command" in dialog.open_error.text()
        assert demo_path.read_bytes() == before
        holder.communicate("\n", timeout=30)


def test_importing_what_is_already_there_says_so_in_one_sentence(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    export_everything(qtbot, window, prompter, tmp_path / "all.json")
    prompter.answer_path(tmp_path / "all.json")
    window.menus.action_import.trigger()
    qtbot.waitUntil(lambda: any(s.kind == "error" for s in prompter.shown), timeout=20_000)
    message = next(s for s in prompter.shown if s.kind == "error").text
    assert message.startswith("These records are already in this database")
    assert "$." not in message


def _mnemonic(text: str) -> str | None:
    import re

    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def test_no_two_alt_keys_clash_on_any_screen(window: MainWindow) -> None:
    menus = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    clashes: list[str] = []
    for key, screen in _screens_with_new_records_open(window):
        owners: dict[str, list[str]] = {}
        shown = [(f"menu {m}", m) for m in menus]
        shown += [(text, text) for text in _mnemonic_texts(screen)]
        for owner, text in shown:
            letter = _mnemonic(text)
            if letter:
                owners.setdefault(letter, []).append(owner)
        clashes += [f"{key.name} Alt+{k}: {v}" for k, v in owners.items() if len(v) > 1]
    # Two owners of one Alt key: the key cycles between them or does nothing, and what
    # is typed next lands in the wrong field.
    assert clashes == []


def _mnemonic_texts(screen: QWidget) -> list[str]:
    """The texts that may carry an Alt key on what `screen` shows: buttons, labels of a
    field, group boxes and tabs."""
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QTabWidget

    texts: list[str] = []
    for widget in screen.findChildren(QWidget):
        if not widget.isVisibleTo(screen):
            continue
        labelled = isinstance(widget, QLabel) and widget.buddy() is not None
        if labelled or isinstance(widget, QAbstractButton):
            texts.append(cast(QLabel, widget).text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return texts


def test_a_review_opens_its_recommendation_on_the_recommendations_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    reviews = _shown(window, ScreenKey.REVIEWS)
    assert reviews.open_record("V1")
    view = reviews.form.recommendations_view
    third = reviews.form.recommendation_ids()[2]
    view.setFocus()
    view.setCurrentIndex(reviews.form.recommendations_model.index(2, 2))
    QTest.keyClick(view, Qt.Key.Key_Return)
    recommendations = _screen(window, ScreenKey.RECOMMENDATIONS)
    qtbot.waitUntil(lambda: window.current_screen_key() == ScreenKey.RECOMMENDATIONS)
    assert recommendations.form.record_id == third
    assert recommendations.form.describe() == "recommendation 3 of Baby L"


def _meeting_updates_dialog() -> Any:
    from crag_desktop.ui.dialogs.meeting_updates import MeetingUpdatesDialog

    return next(
        (
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MeetingUpdatesDialog) and w.isVisible()
        ),
        None,
    )


def test_meeting_updates_from_the_meeting_are_listed_on_its_form(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter
) -> None:
    choose_screen(window, ScreenKey.MEETINGS)
    meetings = _screen(window, ScreenKey.MEETINGS).meetings
    assert meetings.open_record("MT13")
    form = meetings.form
    assert form.update_lines() == []
    assert form.field_row("notes").label.text() == "Minutes and &notes"
    form.updates_button.click()
    qtbot.waitUntil(lambda: _meeting_updates_dialog() is not None)
    dialog = _meeting_updates_dialog()
    assert dialog.meeting.currentText() == "Meeting of 25 April 2017"
    row = next(
        r
        for r in range(dialog.model.rowCount())
        if dialog.model.row_at(r).label.startswith("Baby L 3")
    )
    dialog.tick(row)
    dialog.model.set_note(row, "Handover standard agreed by both services.")
    dialog.record_button.click()
    qtbot.waitUntil(lambda: _meeting_updates_dialog() is None)
    # Every screen refreshed: the meeting lists the update, the tracker has it.
    assert form.update_lines() == [
        "Baby L 3: On track — Handover standard agreed by both services."
    ]
    recommendations = _shown(window, ScreenKey.RECOMMENDATIONS)
    assert recommendations.open_record("REC3")
    assert recommendations.form.updates_model.rowCount() == 2


def test_the_recommendations_screen_and_case_menu_open_the_meeting_updates(
    qtbot: QtBot, window: MainWindow
) -> None:
    recommendations = _shown(window, ScreenKey.RECOMMENDATIONS)
    recommendations.meeting_updates_button.click()
    qtbot.waitUntil(lambda: _meeting_updates_dialog() is not None)
    dialog = _meeting_updates_dialog()
    # The newest meeting is offered first.
    assert dialog.meeting.currentText() == "Meeting of 25 April 2017"
    dialog.reject()
    qtbot.waitUntil(lambda: _meeting_updates_dialog() is None)
    case_menu = [a for a in window.menus.case_menu.actions() if "meeting" in a.text()]
    assert [a.text() for a in case_menu] == ["Recommendation u&pdates at a meeting…"]
    case_menu[0].trigger()
    qtbot.waitUntil(lambda: _meeting_updates_dialog() is not None)
    _meeting_updates_dialog().reject()


# --- the day the app works at: 1 April 2017 on the demo -----------------------------------------


def _open_wizard_on(qtbot: QtBot, window: MainWindow, reference: str) -> CriteriaWizard:
    referrals = _shown(window, ScreenKey.REFERRALS)
    row = next(
        r
        for r in (referrals.model.row_at(i) for i in range(referrals.model.rowCount()))
        if r.reference == reference
    )
    assert referrals.open_record(row.id)
    referrals.form.wizard_button.click()
    qtbot.waitUntil(lambda: window.findChild(CriteriaWizard) is not None)
    wizard = window.findChild(CriteriaWizard)
    assert wizard is not None
    return wizard


def test_on_the_demo_the_wizard_holds_a_new_meeting_on_1_april_2017(
    qtbot: QtBot, window: MainWindow
) -> None:
    from crag_desktop.ui.wizard.state import PageId

    wizard = _open_wizard_on(qtbot, window, "CRAG-2016-04")
    for _ in range(20):
        if wizard.currentId() == PageId.DECISION:
            break
        wizard.next()
    page = wizard.decision_page
    assert wizard.currentId() == PageId.DECISION
    # Not the real today: the demo is the 2016/17 year as seen at its end.
    assert page.meeting_date.value() == date(2017, 4, 1)
    assert page.decided_on.value() == date(2017, 4, 1)
    # No meeting on or after that day lists Child T: the chair chooses, nothing is guessed.
    assert page.meeting_id() is None
    wizard.close_keeping_draft()


def test_on_the_demo_nothing_due_after_1_april_2017_reads_as_overdue(
    qtbot: QtBot, window: MainWindow
) -> None:
    recommendations = _shown(window, ScreenKey.RECOMMENDATIONS)
    column = recommendations.model.Column
    shown = {
        (
            recommendations.model.index(r, column.REVIEW).data(),
            recommendations.model.index(r, column.NUMBER).data(),
        ): recommendations.model.index(r, column.DERIVED_STATUS).data()
        for r in range(recommendations.model.rowCount())
    }
    # Baby L 3 is due 30 September 2017 and on track: on 1 April 2017 it was not overdue.
    assert shown[("Baby L", "3")] == "On track"
    assert not any(text.startswith("Overdue") for text in shown.values())
    # So does the review's own list, and a new progress update is dated that day.
    reviews = _shown(window, ScreenKey.REVIEWS)
    assert reviews.open_record("V1")
    listed = reviews.form.recommendations_model
    assert listed.index(2, column.DERIVED_STATUS).data() == "On track"
    choose_screen(window, ScreenKey.RECOMMENDATIONS)
    assert recommendations.open_record("REC3")
    assert recommendations.form.update_on.value() == date(2017, 4, 1)


def test_on_the_demo_a_new_referral_is_received_on_1_april_2017(window: MainWindow) -> None:
    referrals = _shown(window, ScreenKey.REFERRALS)
    assert referrals.new_record()
    assert referrals.form.received.value() == date(2017, 4, 1)
    # 1 April opens the 2017/18 reporting year.
    assert referrals.form.reference.text() == "CRAG-2017-01"


def test_on_the_demo_the_reports_screen_offers_the_2016_17_year(window: MainWindow) -> None:
    reports = _shown(window, ScreenKey.REPORTS)
    assert reports.annual.year.value() == 2016
    assert reports.register.year.value() == 2016


def test_alt_p_on_the_recommendations_screen_opens_the_meeting_updates(
    qtbot: QtBot, window: MainWindow
) -> None:
    recommendations = _shown(window, ScreenKey.RECOMMENDATIONS)
    window.activateWindow()
    recommendations.table.setFocus()
    QTest.keyClick(recommendations.table, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: _meeting_updates_dialog() is not None)
    assert "(Alt+P)" in recommendations.meeting_updates_button.toolTip()
    _meeting_updates_dialog().reject()
