"""The Recommendations screen (the tracker), driven as the secretariat would: keyboard first."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import openpyxl
import pikepdf
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import ActionUpdate, Recommendation
from crag_desktop.domain.vocabulary import MonitoringGroup, RecommendationStatus
from crag_desktop.reports.protection import decrypt_xlsx
from crag_desktop.services.database import Database
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.recommendation_list import (
    RecommendationList,
    RecommendationQuery,
    RecommendationSort,
)
from crag_desktop.services.records import RecordService
from crag_desktop.services.tracker_report import write_tracker
from crag_desktop.storage import audit
from crag_desktop.ui.forms.recommendation_form import RecommendationForm
from crag_desktop.ui.prompts import (
    PdfProtection,
    ScriptedPrompter,
    unencrypted_question,
    with_chosen_extension,
)
from crag_desktop.ui.qt_models.recommendations import (
    ActionUpdateTableModel,
    RecommendationTableModel,
)
from crag_desktop.ui.tasks import TaskRunner
from crag_desktop.ui.views.recommendations import (
    CSV_QUESTION,
    RecommendationsScreen,
)
from tests.helpers.pdf import pdf_text
from tests.helpers.qt import (
    click,
    focused,
    new_by_keyboard,
    press,
    show_list_screen,
    tab_to,
    type_text,
)

Column = RecommendationTableModel.Column

#: The day the tests work on: after some demo recommendations fell due, before others did.
TODAY = dt.date(2017, 8, 1)
#: Demo recommendations on track but due before TODAY.
OVERDUE = {"REC4", "REC6", "REC11", "REC19"}


def today() -> dt.date:
    return TODAY


@pytest.fixture
def records(demo_db: Database) -> RecordService:
    return RecordService(db=demo_db, today=today)


@pytest.fixture
def lists(demo_db: Database) -> RecommendationList:
    return RecommendationList(db=demo_db, today=today)


@pytest.fixture
def said() -> list[str]:
    """What the screen said in the status bar."""
    return []


@pytest.fixture
def screen(  # noqa: PLR0917
    qtbot: QtBot,
    demo_db: Database,
    records: RecordService,
    lists: RecommendationList,
    drafts: DraftService,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    said: list[str],
) -> Iterator[RecommendationsScreen]:
    made = RecommendationsScreen(
        records=records,
        lists=lists,
        drafts=drafts,
        prompter=prompter,
        today=today,
        export_tracker=functools.partial(write_tracker, demo_db),
        tasks=runner,
        status=said.append,
        autosave_ms=30,
        search_delay_ms=10,
    )
    show_list_screen(qtbot, made)
    yield made
    # No timer may outlive the test's database.
    made.form.discard_changes()


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Choose `text` with the arrow keys (Space would open the popup, as it does for users)."""
    press(qtbot, combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        press(qtbot, combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def save_with_status(
    qtbot: QtBot, screen: RecommendationsScreen, key: str, status: str
) -> RecommendationForm:
    """Open recommendation `key`, tab to its status, choose `status` and press Ctrl+S, as a
    user would; its form."""
    assert screen.open_record(key)
    form = screen.form
    tab_to(qtbot, form.status)
    choose(qtbot, form.status, status)
    press(qtbot, form.status, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return form


def column_texts(screen: RecommendationsScreen, column: Column) -> list[str]:
    return [str(screen.model.index(r, column).data()) for r in range(screen.model.rowCount())]


def test_models_pass_the_model_tester(
    screen: RecommendationsScreen, qtmodeltester: Any, records: RecordService
) -> None:
    assert screen.model.rowCount() == 19
    qtmodeltester.check(screen.model)
    updates = ActionUpdateTableModel()
    action = records.get(Recommendation, "REC1").actions[0]
    updates.set_updates(reversed(action.updates), names={"m3": "Tamsin Hale-Varney"})
    qtmodeltester.check(updates)
    assert updates.index(0, ActionUpdateTableModel.Column.ON).data() == "15/03/2016"
    assert updates.index(0, ActionUpdateTableModel.Column.BY).data() == "Tamsin Hale-Varney"


def test_list_columns_and_count(screen: RecommendationsScreen) -> None:
    assert screen.title == "Recommendations"
    assert screen.count_label.text() == "19 recommendations"
    row = screen.model.row_of("REC1")
    assert row is not None

    def cell(column: Column) -> object:
        return screen.model.index(row, column).data()

    assert cell(Column.REVIEW) == "Baby L"
    assert cell(Column.NUMBER) == "1"
    assert str(cell(Column.TEXT)).startswith("Child protection assessments and plans")
    assert cell(Column.DUE) == "31/12/2016"
    assert cell(Column.MONITORING_GROUP) == "Executive group"
    assert cell(Column.STATUS) == "Completed"
    headers = [screen.model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert "Derived status" in headers


def test_derived_status_is_said_in_words_when_it_disagrees(
    screen: RecommendationsScreen, qtbot: QtBot
) -> None:
    late = screen.model.row_of("REC4")  # on track, due 30/06/2017
    in_time = screen.model.row_of("REC3")  # on track, due 30/09/2017
    closed = screen.model.row_of("REC1")  # completed, due long ago
    assert late is not None
    assert in_time is not None
    assert closed is not None
    derived = Column.DERIVED_STATUS
    assert screen.model.index(late, derived).data() == "Overdue (differs)"
    # Set and derived side by side, so a stale "On track" is seen at a glance.
    assert screen.model.index(late, Column.STATUS).data() == "On track"
    assert Column.DERIVED_STATUS == Column.STATUS + 1
    assert "30/06/2017" in screen.model.index(late, derived).data(Qt.ItemDataRole.ToolTipRole)
    assert screen.model.index(in_time, derived).data() == "On track"
    assert screen.model.index(closed, derived).data() == "Completed"

    # The form says it too, next to the status.
    assert screen.open_record("REC4")
    label = screen.form.derived_label
    assert label.isVisible()
    assert "overdue" in label.text()
    assert "30/06/2017" in label.text()
    screen.form.status.setCurrentIndex(screen.form.status.findText("Completed"))
    assert not label.isVisible()


def test_apply_query_overdue_shows_exactly_the_overdue_ones(
    screen: RecommendationsScreen, lists: RecommendationList
) -> None:
    # As the dashboard's "overdue recommendations" tile asks for them.
    screen.apply_query(RecommendationQuery(overdue_on=TODAY, sort=RecommendationSort.DUE))
    shown = {screen.model.row_id(r) for r in range(screen.model.rowCount())}
    assert shown == OVERDUE
    assert screen.count_label.text() == "4 recommendations"
    assert screen.filter_combos[-1].currentText() == "Overdue only"
    assert all(t.startswith("Overdue") for t in column_texts(screen, Column.DERIVED_STATUS))
    dues = [screen.model.row_at(r).due or dt.date.max for r in range(screen.model.rowCount())]
    assert dues == sorted(dues)
    header = screen.table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.DUE

    # Back to every due date, and choosing "Overdue only" by hand gives the same four.
    due_filter = screen.filter_combos[-1]
    due_filter.setCurrentIndex(0)
    assert screen.model.total == 19
    due_filter.setCurrentIndex(due_filter.findText("Overdue only"))
    assert {screen.model.row_id(r) for r in range(screen.model.rowCount())} == OVERDUE


def test_filters_search_and_sort(screen: RecommendationsScreen, qtbot: QtBot) -> None:
    review = screen.filter_combos[3]
    # Going to the filter lists the reviews (see the test below).
    screen.complete_filter(3)
    review.setCurrentIndex(review.findText("Child Q"))
    qtbot.waitUntil(lambda: screen.model.total == 6)
    assert set(column_texts(screen, Column.REVIEW)) == {"Child Q"}
    status = screen.filter_combos[0]
    status.setCurrentIndex(status.findText("Completed"))
    qtbot.waitUntil(lambda: screen.model.total == 3)
    assert screen.count_label.text() == "3 recommendations"
    status.setCurrentIndex(0)
    review.setCurrentIndex(0)
    group = screen.filter_combos[1]
    group.setCurrentIndex(group.findText(MonitoringGroup.PAQA.label))
    qtbot.waitUntil(lambda: screen.model.total == 0)
    group.setCurrentIndex(0)

    type_text(qtbot, screen.search_box, "strategy discussion")
    qtbot.waitUntil(lambda: screen.model.total == 1)
    assert screen.model.row_id(0) == "REC12"
    press(qtbot, screen.search_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.model.total == 19)

    header = screen.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.LEAD_AGENCY) + 10
    cast(Any, qtbot).mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: screen.model.query.sort == RecommendationSort.LEAD_AGENCY)
    names = column_texts(screen, Column.LEAD_AGENCY)
    assert names == sorted(names, key=str.casefold) or names == sorted(names)


def test_new_recommendation_by_keyboard_is_stored(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService, lists: RecommendationList
) -> None:
    form = new_by_keyboard(screen)
    assert focused() is form.review
    choose(qtbot, form.review, "Child Q")
    assert form.number.value() == 7  # the next number of Child Q's six
    tab_to(qtbot, form.text)
    type_text(qtbot, form.text, "Schools share attendance concerns with the named nurse.")
    tab_to(qtbot, form.lead_agency)
    type_text(qtbot, form.lead_agency, "Police")
    tab_to(qtbot, form.due.line_edit)
    type_text(qtbot, form.due.line_edit, "31/03/2018")
    assert "(unsaved changes)" in screen.panel_heading.text()
    tab_to(qtbot, form.actions_editor.add_button)
    press(qtbot, form.actions_editor.add_button, Qt.Key.Key_Space)
    owner = form.actions_editor.cell_widget(0, "owner_agency")
    assert focused() is owner
    type_text(qtbot, owner, "Police")
    tab_to(qtbot, form.actions_editor.cell_widget(0, "description"))
    type_text(qtbot, cast(QWidget, focused()), "Brief every neighbourhood team.")
    # A new action cannot take updates until it is stored.
    assert not form.add_update_button.isEnabled()
    assert "not saved yet" in form.updates_heading.text()
    press(qtbot, cast(QWidget, focused()), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert form.record_id is not None
    assert not form.is_new
    assert not form.is_dirty
    stored = records.get(Recommendation, form.record_id)
    assert stored.review == "V2"
    assert stored.number == 7
    assert stored.text == "Schools share attendance concerns with the named nurse."
    assert stored.due == dt.date(2018, 3, 31)
    assert stored.status == RecommendationStatus.NOT_STARTED
    assert len(stored.actions) == 1
    assert stored.actions[0].description == "Brief every neighbourhood team."
    police = next(a.id for a in records.agencies() if a.name == "Police")
    assert stored.lead_agency == police
    assert stored.actions[0].owner_agency == police
    assert lists.count(RecommendationQuery()) == 20
    assert screen.count_label.text() == "20 recommendations"
    # Stored now: its action takes updates.
    assert form.add_update_button.isEnabled()


def test_not_implemented_without_a_reason_shows_the_error_and_saves_nothing(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService
) -> None:
    form = save_with_status(qtbot, screen, "REC3", "Not implemented")

    assert "reason" in form.error_of("reason_not_implemented")
    assert form.field_row("reason_not_implemented").error_label.isVisible()
    assert focused() is form.reason_not_implemented
    assert screen.save_error.isVisible()
    assert records.get(Recommendation, "REC3").status == RecommendationStatus.ON_TRACK

    type_text(qtbot, form.reason_not_implemented, "The pathway was replaced by a national one.")
    press(qtbot, form.reason_not_implemented, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.error_of("reason_not_implemented") == ""
    stored = records.get(Recommendation, "REC3")
    assert stored.status == RecommendationStatus.NOT_IMPLEMENTED
    assert stored.reason_not_implemented == "The pathway was replaced by a national one."


def test_appending_an_update_keeps_the_earlier_ones(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService
) -> None:
    before = records.get(Recommendation, "REC16")
    assert screen.open_record("REC16")
    form = screen.form
    # The second action: tabbing into its row shows its updates.
    tab_to(qtbot, form.actions_editor.cell_widget(1, "owner_agency"))
    assert form.actions_editor.current_action_id() == before.actions[1].id
    view = form.updates_view
    assert form.updates_model.rowCount() == len(before.actions[1].updates) == 1
    earlier = form.updates_model.row_at(0)

    tab_to(qtbot, form.update_on.line_edit)
    assert form.update_on.line_edit.text() == "01/08/2017"  # today, ready to keep
    tab_to(qtbot, form.update_status)
    choose(qtbot, form.update_status, "At risk")
    tab_to(qtbot, form.update_by)
    type_text(qtbot, form.update_by, "Bev")
    # The member's name is the choice, whole at 1024 px; their role shows under it.
    assert form.update_by.currentText() == "Bev Carrowmore"
    assert form._update_rows["by"].hint_label.text() == "Board Manager"
    tab_to(qtbot, form.update_note)
    type_text(qtbot, form.update_note, "Assessment backlog after staff changes.")
    with qtbot.waitSignal(screen.changed) as signal:
        press(qtbot, form.update_note, Qt.Key.Key_Return)
    # The main window passes the change back to every screen, this one included.
    screen.refresh(signal.args[0])

    after = records.get(Recommendation, "REC16")
    updates = after.actions[1].updates
    assert updates[: len(before.actions[1].updates)] == before.actions[1].updates
    assert updates[-1] == ActionUpdate(
        on=TODAY,
        status=RecommendationStatus.AT_RISK,
        note="Assessment backlog after staff changes.",
        by="m10",
    )
    assert after.actions[0] == before.actions[0]
    # Shown in date order, read-only; the note is ready for the next one.
    assert form.updates_model.rowCount() == 2
    assert form.updates_model.row_at(0) == earlier
    assert form.updates_model.row_at(1).note == "Assessment backlog after staff changes."
    assert not (
        form.updates_model.flags(form.updates_model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    )
    assert view.editTriggers() == view.EditTrigger.NoEditTriggers
    assert form.update_note.text() == ""
    assert form.actions_editor.current_action_id() == before.actions[1].id
    assert not form.is_dirty


def test_an_update_out_of_date_order_is_refused_at_its_field(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService
) -> None:
    before = records.get(Recommendation, "REC1")
    assert screen.open_record("REC1")
    form = screen.form
    form.update_on.line_edit.clear()
    type_text(qtbot, form.update_on.line_edit, "01/01/2016")  # before the stored ones
    type_text(qtbot, form.update_note, "Late entry.")
    click(qtbot, form.add_update_button)
    assert "date order" in form._update_rows["on"].error_label.message
    assert records.get(Recommendation, "REC1") == before


def test_an_action_with_updates_cannot_be_removed(
    screen: RecommendationsScreen, qtbot: QtBot
) -> None:
    assert screen.open_record("REC1")
    editor = screen.form.actions_editor
    click(qtbot, editor.remove_button(0))
    assert editor.row_count() == 2
    assert "never deleted" in editor.error_label.message


def test_editing_keeps_the_stored_updates(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService
) -> None:
    before = records.get(Recommendation, "REC1")
    assert screen.open_record("REC1")
    form = screen.form
    press(qtbot, form.evidence_of_impact, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, form.evidence_of_impact, " Audited in 2017.")
    assert screen.save()
    after = records.get(Recommendation, "REC1")
    assert [a.updates for a in after.actions] == [a.updates for a in before.actions]
    assert after == dataclasses.replace(
        before, evidence_of_impact=(before.evidence_of_impact or "") + " Audited in 2017."
    )


def test_agency_filter_and_form_offer_the_stored_agencies(
    screen: RecommendationsScreen, records: RecordService
) -> None:
    names = [a.name for a in records.agencies()]
    agency_filter = screen.filter_combos[2]
    assert [agency_filter.itemText(i) for i in range(1, agency_filter.count())] == names
    screen.new_record()
    screen.form.actions_editor.add_row()
    owner = screen.form.actions_editor.cell_widget(0, "owner_agency")
    assert isinstance(owner, QComboBox)
    assert [owner.itemText(i) for i in range(1, owner.count())] == names
    assert owner.accessibleName() == "Action 1 owner agency"


def test_clear_forgets_rows_and_fields(screen: RecommendationsScreen) -> None:
    assert screen.open_record("REC1")
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.form.text.toPlainText() == ""
    assert screen.form.updates_model.rowCount() == 0
    assert screen.panel.currentWidget() is screen.empty_panel


# --- closure steps ---------------------------------------------------------------------------


def test_verified_needs_its_dates_and_a_verifier_then_shows_in_the_list(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService
) -> None:
    form = save_with_status(qtbot, screen, "REC3", "Verified")

    # Each missing step is said next to its field, and nothing is stored.
    assert form.error_of("completed_on") == "give the date it was completed"
    assert form.error_of("verified_on") == "give the date its completion was verified"
    assert form.error_of("verified_by") == "name who verified it"
    assert screen.save_error.isVisible()
    assert records.get(Recommendation, "REC3").status == RecommendationStatus.ON_TRACK

    # The verification may not come before the completion.
    tab_to(qtbot, form.completed_on.line_edit)
    type_text(qtbot, form.completed_on.line_edit, "20/06/2017")
    tab_to(qtbot, form.completed_by)
    # Members are suggested as a name is typed; anyone may be named.
    completer = form.completed_by.completer()
    assert completer is not None
    offered = completer.model()
    names = [str(offered.index(r, 0).data()) for r in range(offered.rowCount())]
    assert "Sasha Lindqvist-Moor" in names
    type_text(qtbot, form.completed_by, "Health visiting lead")
    tab_to(qtbot, form.verified_on.line_edit)
    type_text(qtbot, form.verified_on.line_edit, "01/06/2017")
    tab_to(qtbot, form.verified_by)
    type_text(qtbot, form.verified_by, "PAQA subgroup audit")
    press(qtbot, form.verified_by, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "before the completion date (20/06/2017)" in form.error_of("verified_on")
    assert records.get(Recommendation, "REC3").status == RecommendationStatus.ON_TRACK

    form.verified_on.line_edit.selectAll()
    type_text(qtbot, form.verified_on.line_edit, "14/07/2017")
    press(qtbot, form.verified_on.line_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = records.get(Recommendation, "REC3")
    assert stored.status == RecommendationStatus.VERIFIED
    assert (stored.completed_on, stored.completed_by) == (
        dt.date(2017, 6, 20),
        "Health visiting lead",
    )
    assert (stored.verified_on, stored.verified_by) == (
        dt.date(2017, 7, 14),
        "PAQA subgroup audit",
    )
    # The tracker's "Status set" says the steps when pointed at.
    row = screen.model.row_of("REC3")
    assert row is not None
    tip = str(screen.model.index(row, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole))
    assert tip == (
        "Verified: Completed on 20/06/2017 by Health visiting lead; "
        "verified on 14/07/2017 by PAQA subgroup audit."
    )
    # Opened again, the form shows what was stored.
    screen.close_record()
    assert screen.open_record("REC3")
    assert form.verified_by.text() == "PAQA subgroup audit"
    assert form.completed_on.line_edit.text() == "20/06/2017"


def test_impact_evidenced_needs_evidence_and_its_date(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService
) -> None:
    assert screen.open_record("REC2")  # completed on 21/03/2017 in the demo
    form = screen.form
    assert form.completed_on.line_edit.text() == "21/03/2017"
    save_with_status(qtbot, screen, "REC2", "Impact evidenced")
    assert form.error_of("evidence_of_impact") == "describe the evidence of impact"
    assert form.error_of("impact_evidenced_on") == "give the date its impact was evidenced"
    assert form.error_of("verified_by") == "name who verified it"
    assert records.get(Recommendation, "REC2").status == RecommendationStatus.COMPLETED


def test_a_step_recorded_beyond_the_status_is_a_contradiction(
    screen: RecommendationsScreen, qtbot: QtBot, records: RecordService
) -> None:
    form = save_with_status(qtbot, screen, "REC2", "On track")
    assert form.error_of("completed_on").startswith(
        "it is recorded as completed on 21/03/2017 but its status is “On track”"
    )
    assert records.get(Recommendation, "REC2").status == RecommendationStatus.COMPLETED


# --- Export… (Alt+X): the filtered list as the tracker ----------------------------------

FILE_PASSPHRASE = "a passphrase for the executive group"
#: The Lead agency filter's choice the export tests list (8 of the 19 recommendations).
AGENCY = "Children's Social Care"


@pytest.fixture
def exporting(qtbot: QtBot, screen: RecommendationsScreen) -> RecommendationsScreen:
    """The screen listing the recommendations one lead agency leads."""
    lead = screen.filter_combos[2]
    lead.setCurrentIndex(lead.findText(AGENCY))
    qtbot.waitUntil(lambda: 0 < screen.model.total < 19)
    return screen


def listed_codes(screen: RecommendationsScreen) -> set[str]:
    rows = [screen.model.row_at(r) for r in range(screen.model.rowCount())]
    return {f"{row.review_title} R{row.number}" for row in rows}


def export_by_keyboard(
    qtbot: QtBot,
    screen: RecommendationsScreen,
    runner: TaskRunner,
) -> None:
    screen.table.setFocus()
    press(qtbot, screen.table, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=20000)


def workbook_codes(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Recommendations"]
    return [str(row[0]) for row in sheet.iter_rows(min_row=3, values_only=True)]


@pytest.mark.usefixtures("exporting")
def test_export_writes_the_filtered_list_as_a_protected_workbook(  # noqa: PLR0917
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    said: list[str],
    tmp_path: Path,
    demo_db: Database,
) -> None:
    assert screen.export_button.isVisible()
    assert screen.export_action.text() == "E&xport…"
    out = tmp_path / "tracker.xlsx"
    # Without a passphrase, the second question names the workbook; No writes nothing.
    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(False)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.questions[-2:] == [
        "Protect The recommendations tracker",
        unencrypted_question("workbook"),
    ]
    assert not out.exists()

    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(FILE_PASSPHRASE))
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown == []
    codes = workbook_codes(decrypt_xlsx(out.read_bytes(), FILE_PASSPHRASE))
    assert sorted(codes) == sorted(listed_codes(screen))
    assert len(codes) == screen.model.total == 8
    assert out.stat().st_mode & 0o777 == 0o600
    assert said == [f"Exported 8 recommendations to {out.name} (protected with its passphrase)."]
    with demo_db.unit_of_work() as session:
        events = audit.list_events(session, record_type="report", record_id="tracker")
    changes = {name: new for name, _old, new in events[-1].changes}
    assert events[-1].action == "export"
    assert changes["tracker"] == "tracker.xlsx"
    assert changes["selection"] == f"led by {AGENCY}"
    assert changes["protection"] == "AES-256, passphrase"


@pytest.mark.usefixtures("exporting")
def test_an_unprotected_pdf_needs_a_second_yes(
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    out = tmp_path / "tracker.pdf"
    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(False)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.questions[-1] == unencrypted_question("PDF")
    assert not out.exists()

    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(True)
    export_by_keyboard(qtbot, screen, runner)
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted
    text = " ".join(pdf_text(out, layout=False).split())
    for code in listed_codes(screen):
        assert code in text
    assert "led by Children's Social Care" in text


@pytest.mark.usefixtures("exporting")
def test_a_csv_file_says_it_cannot_be_protected_and_asks(
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    out = tmp_path / "tracker.csv"
    prompter.answer_path(out)
    prompter.answer_confirm(False)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.questions[-1] == CSV_QUESTION
    assert "cannot be protected" in CSV_QUESTION
    assert "choose .xlsx or .pdf" in CSV_QUESTION
    assert not out.exists()

    prompter.answer_path(out)
    prompter.answer_confirm(True)
    export_by_keyboard(qtbot, screen, runner)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert {row[0] for row in rows[2:]} == listed_codes(screen)
    assert len(rows) - 2 == screen.model.total


@pytest.mark.usefixtures("exporting")
def test_a_failed_export_is_a_sentence_and_leaves_no_file(  # noqa: PLR0917
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    said: list[str],
    tmp_path: Path,
) -> None:
    before = sorted(tmp_path.iterdir())
    prompter.answer_path(tmp_path / "tracker.docx")
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown[-1].kind == "error"
    assert "end the name with .pdf, .xlsx or .csv" in prompter.shown[-1].text

    prompter.answer_path(tmp_path / "no such folder" / "tracker.xlsx")
    prompter.answer_pdf_protection(PdfProtection(FILE_PASSPHRASE))
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown[-1].title == "Exporting the recommendations tracker"
    assert "does not exist; choose another place" in prompter.shown[-1].text
    assert said == []
    assert sorted(tmp_path.iterdir()) == before


@pytest.mark.usefixtures("exporting")
def test_an_empty_list_has_nothing_to_export(
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
) -> None:
    group = screen.filter_combos[1]
    group.setCurrentIndex(group.findText("PAQA subgroup"))
    qtbot.waitUntil(lambda: screen.model.total == 0)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown[-1].title == "Nothing to export"
    assert "change the search or the filters" in prompter.shown[-1].text


def test_a_name_typed_without_an_extension_takes_the_chosen_types() -> None:
    assert with_chosen_extension(Path("/x/tracker"), "PDF (*.pdf)") == Path("/x/tracker.pdf")
    assert with_chosen_extension(Path("tracker"), "CSV file, not protected (*.csv)") == Path(
        "tracker.csv"
    )
    assert with_chosen_extension(Path("t.xlsx"), "PDF (*.pdf)") == Path("t.xlsx")
    assert with_chosen_extension(Path("tracker"), "All files (*)") == Path("tracker")
    assert with_chosen_extension(Path("tracker"), "") == Path("tracker")


def test_the_review_filter_reads_every_review_only_when_the_user_goes_to_it(
    screen: RecommendationsScreen, records: RecordService, qtbot: QtBot
) -> None:
    review = screen.filter_combos[3]
    # Reading and listing every review waits until someone uses the filter…
    assert [review.itemText(i) for i in range(review.count())] == ["All reviews"]
    line = review.lineEdit()
    assert line is not None
    click(qtbot, line)
    # …which then offers each of them.
    titles = [c.label for c in records.reviews()]
    assert [review.itemText(i) for i in range(1, review.count())] == titles
    review.setCurrentIndex(review.findText("Child Q"))
    qtbot.waitUntil(lambda: screen.model.total == 6)


def test_a_query_naming_a_review_shows_it_in_the_filter(
    screen: RecommendationsScreen, records: RecordService
) -> None:
    child_q = next(c for c in records.reviews() if c.label == "Child Q")
    screen.apply_query(RecommendationQuery(review=child_q.id))
    assert screen.filter_combos[3].currentText() == "Child Q"
    assert screen.model.total == 6
