"""File > Export agency return… and File > Import agency return…: the return written, then
read back with a preview of what will be appended, the problems row by row, and Append."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import Recommendation
from crag_desktop.reports.protection import decrypt_xlsx, encrypt_xlsx
from crag_desktop.services.database import Database
from crag_desktop.services.records import RecordService
from crag_desktop.ui.agency_return_actions import AgencyReturnActions
from crag_desktop.ui.dialogs.agency_return import ChooseAgencyDialog, ImportReturnDialog
from crag_desktop.ui.dialogs.pdf_protection import PdfProtectionDialog
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import PdfProtection, ScriptedPrompter, unencrypted_question
from tests.helpers.agency_returns import fill_file
from tests.helpers.qt import choose_screen

PASSPHRASE = "correct horse battery staple"
RETURN_PASSPHRASE = "a return for the agency only"
TWO_ROWS = {
    "Child Q R3 A1": ("First audit report sent to PAQA.", "At risk"),
    "Child A and Child B R4 A1": ("Working group met twice.", None),
}


def _actions(window: MainWindow) -> AgencyReturnActions:
    found = window.findChild(AgencyReturnActions)
    assert isinstance(found, AgencyReturnActions)
    return found


def _export(
    window: MainWindow, prompter: ScriptedPrompter, out: Path, passphrase: str | None = None
) -> Path:
    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(passphrase))
    if passphrase is None:
        prompter.answer_confirm(True)
    _actions(window).export_for("csc", "Children's Social Care")
    assert out.exists()
    return out


def _open_import(qtbot: QtBot, window: MainWindow) -> ImportReturnDialog:
    entry = next(
        a for a in window.menus.file_menu.actions() if a.text() == "I&mport agency return…"
    )
    entry.trigger()
    qtbot.waitUntil(lambda: _actions(window).import_dialog is not None)
    dialog = _actions(window).import_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _update_count(window: MainWindow, key: str) -> int:
    database = window.current.database
    assert isinstance(database, Database)
    return sum(len(a.updates) for a in RecordService(db=database).get(Recommendation, key).actions)


def test_import_previews_then_appends_and_the_screens_refresh(
    qtbot: QtBot,
    window: MainWindow,
    prompter: ScriptedPrompter,
    tmp_path: Path,
    qtmodeltester: Any,
) -> None:
    out = _export(window, prompter, tmp_path / "csc.xlsx")
    # As of the day the window works at: the demo's 1 April 2017, as the screens count.
    exported = _actions(window).last_export
    assert exported is not None
    assert exported.as_of == date(2017, 4, 1)
    # Saved without encryption only after a second yes, asked about the workbook.
    assert prompter.questions[-2:] == [
        "Protect The agency return",
        unencrypted_question("workbook"),
    ]
    assert "The workbook will NOT be encrypted" in prompter.questions[-1]
    fill_file(out, TWO_ROWS)
    # The tracker's form shows Child Q 3 (REC10) with its one update.
    choose_screen(window, ScreenKey.RECOMMENDATIONS)
    recommendations = cast(Any, window.screen_widget(ScreenKey.RECOMMENDATIONS))
    assert recommendations.open_record("REC10")
    assert recommendations.form.updates_model.rowCount() == 1

    dialog = _open_import(qtbot, window)
    assert not dialog.append_button.isEnabled()
    prompter.answer_path(out)
    QTest.keyClick(dialog.choose_button, Qt.Key.Key_Space)

    assert dialog.model.rowCount() == 2
    qtmodeltester.check(dialog.model)
    shown = [
        [dialog.model.index(r, c).data() for c in range(dialog.model.columnCount())]
        for r in range(dialog.model.rowCount())
    ]
    assert shown == [
        ["5", "Child A and Child B R4 A1", "On track (kept)", "Working group met twice."],
        ["7", "Child Q R3 A1", "At risk", "First audit report sent to PAQA."],
    ]
    assert dialog.problems.isHidden()
    assert "2 updates will be appended" in dialog.summary.text()
    assert dialog.append_button.text() == "&Append 2 updates"
    assert dialog.append_button.isEnabled()

    with qtbot.waitSignal(dialog.appended):
        QTest.keyClick(dialog.append_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: _actions(window).import_dialog is None)
    assert _update_count(window, "REC10") == 2
    database = window.current.database
    assert isinstance(database, Database)
    (latest, *_earlier) = sorted(
        (u.on for a in RecordService(db=database).get(Recommendation, "REC10").actions
         for u in a.updates),
        reverse=True,
    )  # fmt: skip
    assert latest == date(2017, 4, 1)  # dated the working day, as a meeting's updates are
    assert _update_count(window, "REC17") == 2
    # The open form refreshed from the Changes: the new update is listed.
    assert recommendations.form.updates_model.rowCount() == 2
    assert window.statusBar().currentMessage() == (
        "Appended 2 updates from the return of Children's Social Care (2 recommendations)."
    )


def test_problems_are_listed_and_nothing_can_be_appended(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    out = _export(window, prompter, tmp_path / "csc.xlsx")
    fill_file(out, {**TWO_ROWS, "Child A and Child B R5 A1": ("Provider started.", "Finished")})
    dialog = _open_import(qtbot, window)
    dialog.load(out)
    assert dialog.problems.isVisible()
    assert [dialog.problems.item(i).text() for i in range(dialog.problems.count())] == [
        "Row 6 (Child A and Child B R5 A1): “Finished” is not a status: choose one of Not "
        "started, On track, At risk, Overdue, Completed, Verified, Impact evidenced, Not "
        "implemented."
    ]
    assert dialog.model.rowCount() == 2
    assert not dialog.append_button.isEnabled()
    assert "cannot be appended yet" in dialog.summary.text()
    # Even asked directly, the service refuses: nothing is appended.
    dialog.append()
    assert dialog.error_label.message.startswith("Nothing was appended from csc.xlsx")
    assert _update_count(window, "REC10") == 1
    dialog.reject()


def test_a_file_that_is_not_a_return_is_one_sentence(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    dialog = _open_import(qtbot, window)
    other = tmp_path / "notes.xlsx"
    other.write_text("minutes of the meeting")
    dialog.load(other)
    assert dialog.error_label.message == (
        "notes.xlsx is not an Excel workbook (.xlsx): choose the agency return that CRAG "
        "Desktop exported."
    )
    assert dialog.model.rowCount() == 0
    assert not dialog.append_button.isEnabled()
    dialog.reject()


def test_a_protected_return_asks_its_passphrase(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    out = _export(window, prompter, tmp_path / "csc.xlsx", passphrase=RETURN_PASSPHRASE)
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(decrypt_xlsx(out.read_bytes(), RETURN_PASSPHRASE))
    fill_file(plain, TWO_ROWS)
    out.write_bytes(encrypt_xlsx(plain.read_bytes(), RETURN_PASSPHRASE))

    dialog = _open_import(qtbot, window)
    dialog.load(out)
    assert dialog.passphrase.isVisible()
    assert dialog.focusWidget() is dialog.passphrase
    assert dialog.model.rowCount() == 0
    QTest.keyClicks(dialog.passphrase, "not the right passphrase")
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.error_label.message
    assert dialog.model.rowCount() == 0
    dialog.passphrase.setText(RETURN_PASSPHRASE)
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.model.rowCount() == 2
    assert not dialog.passphrase.isVisible()
    assert dialog.append_button.isEnabled()
    dialog.reject()


def test_the_agency_is_chosen_from_the_list(qtbot: QtBot, window: MainWindow) -> None:
    database = window.current.database
    assert isinstance(database, Database)
    from crag_desktop.services.agency_returns import AgencyReturns

    chooser = ChooseAgencyDialog(returns=AgencyReturns(db=database), parent=window)
    qtbot.addWidget(chooser)
    names = [chooser.agency.itemText(i) for i in range(chooser.agency.count())]
    assert "Children's Social Care" in names
    assert names == sorted(names, key=str.casefold)
    chooser.agency.setCurrentIndex(names.index("Police"))
    assert chooser.agency_id() == "police"
    assert chooser.count_label.text() == "Its return lists 1 open action."
    assert chooser.export_button.isEnabled()
    chooser.agency.setCurrentIndex(names.index("Children's Social Care"))
    assert chooser.count_label.text() == "Its return lists 4 open actions."
    # Probation owns no action in the demo: there is nothing to send it.
    chooser.agency.setCurrentIndex(names.index("Probation Service"))
    assert "owns no open action" in chooser.count_label.text()
    assert not chooser.export_button.isEnabled()
    entries = [a.text() for a in window.menus.file_menu.actions()]
    assert "E&xport agency return…" in entries


def test_the_import_dialog_fits_a_small_screen(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _open_import(qtbot, window)
    assert dialog.width() <= 1000
    assert dialog.height() <= 640
    assert dialog.minimumSizeHint().height() <= 640
    dialog.reject()


def test_the_protection_question_speaks_of_the_workbook(qtbot: QtBot) -> None:
    dialog = PdfProtectionDialog(what="The agency return", document="workbook")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Protect the workbook"
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "the workbook then opens only with that passphrase" in texts
    assert "PDF" not in texts
