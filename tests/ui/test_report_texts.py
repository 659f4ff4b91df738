"""The annual report's texts editor and the PDF protection dialog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crag_desktop.domain.report_texts import template_text
from crag_desktop.domain.vocabulary import ReportSection
from crag_desktop.services.annual_report import annual_report_view
from crag_desktop.services.database import Database
from crag_desktop.services.report_texts import ReportTextService
from crag_desktop.storage import audit
from crag_desktop.ui.dialogs.pdf_protection import PdfProtectionDialog
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.report_texts import ReportTextsEditor, last_complete_year
from tests.helpers.databases import PASSPHRASE, fresh_copy
from tests.helpers.qt import type_text


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = fresh_copy(demo_template, tmp_path / "demo.crag")
    with Database.open(path, PASSPHRASE, operator="Board Manager") as database:
        yield database


def make_editor(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter, year: int
) -> ReportTextsEditor:
    editor = ReportTextsEditor(texts=ReportTextService(db=db), prompter=prompter, year=year)
    qtbot.addWidget(editor)
    editor.show()
    return editor


def test_the_years_written_text_is_shown_and_an_empty_section_shows_the_template(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    editor = make_editor(qtbot, db, prompter, 2016)
    assert editor.current_section == ReportSection.INTRODUCTION
    assert "looks back over April 2016" in editor.text.toPlainText()
    editor.year.setValue(2019)
    assert editor.text.toPlainText() == ""
    assert editor.text.placeholderText() == template_text(ReportSection.INTRODUCTION, 2019)
    assert editor.sections.item(0).text().endswith("(template)")


def test_saving_a_section_is_audited_and_printed_in_the_report(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    editor = make_editor(qtbot, db, prompter, 2019)
    editor.sections.setCurrentRow(12)  # Costs and timeframes
    assert editor.current_section == ReportSection.COSTS
    assert not editor.save_button.isEnabled()
    editor.use_template.click()
    type_text(qtbot, editor.text, " Two reviews cost more than planned.")
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(editor.changed, timeout=5000):
        editor.save_button.click()
    view = annual_report_view(db, 2019)
    costs = view.narratives["costs"]
    assert not costs.is_template
    assert costs.text.endswith("Two reviews cost more than planned.")
    with db.unit_of_work() as session:
        last = audit.list_events(session)[-1]
    assert (last.record_type, last.record_id, last.operator) == (
        "report_text",
        "2019/costs",
        "Board Manager",
    )
    # Emptying the text removes it: the report prints the template again.
    editor.text.clear()
    editor.save()
    assert annual_report_view(db, 2019).narratives["costs"].is_template


def test_leaving_a_section_with_unsaved_text_asks_first(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    editor = make_editor(qtbot, db, prompter, 2019)
    type_text(qtbot, editor.text, "Unsaved words")
    prompter.answer_confirm(False, False)  # neither save nor discard: cancel
    editor.sections.setCurrentRow(3)
    assert editor.current_section == ReportSection.INTRODUCTION
    assert editor.text.toPlainText() == "Unsaved words"
    prompter.answer_confirm(True)  # save
    editor.sections.setCurrentRow(3)
    assert str(editor.current_section) == "cases_considered"
    assert ReportTextService(db=db).texts_for(2019)[ReportSection.INTRODUCTION] == "Unsaved words"


def test_the_default_year_is_the_last_complete_one() -> None:
    assert last_complete_year(date(2017, 4, 1)) == 2016
    assert last_complete_year(date(2017, 3, 31)) == 2015


def test_protection_dialog_needs_a_long_matching_passphrase(qtbot: QtBot) -> None:
    dialog = PdfProtectionDialog(what="The annual report")
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert dialog.protect.isChecked()
    assert not save.isEnabled()
    type_text(qtbot, dialog.passphrase, "short")
    assert "at least 12" in dialog.problem.text()
    dialog.passphrase.setText("a long passphrase")
    dialog.again.setText("a long passphrase!")
    assert "differ" in dialog.problem.text()
    dialog.again.setText("a long passphrase")
    assert save.isEnabled()
    assert dialog.chosen_passphrase() == "a long passphrase"
    dialog.plain.setChecked(True)
    assert save.isEnabled()
    assert dialog.chosen_passphrase() is None
