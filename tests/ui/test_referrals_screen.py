"""The Referrals screen, driven as the secretariat would: keyboard first."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crag_desktop.domain.errors import RecordNotFound
from crag_desktop.domain.records import Child, ClockPause, Referral
from crag_desktop.domain.vocabulary import IncidentType, Sex
from crag_desktop.services.database import Database
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReferralSort
from crag_desktop.services.records import RecordService
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.qt_models.referrals import ReferralTableModel
from crag_desktop.ui.views.referrals import ReferralsScreen
from tests.helpers.qt import (
    Editing,
    click,
    focused,
    focused_widget,
    list_screen_fixture,
    make_list_screen,
    new_by_keyboard,
    press,
    tab_to,
    type_text,
)

Column = ReferralTableModel.Column


@pytest.fixture
def lists(demo_db: Database) -> ReferralList:
    return ReferralList(db=demo_db)


screen = list_screen_fixture(ReferralsScreen)


@pytest.fixture
def recent_referral(screen: ReferralsScreen, records: RecordService) -> str:
    """A referral under Working Together 2018 (the demo's predate rapid reviews), stored and
    open in the form."""
    changes = records.save(
        Referral(
            id="R-2024",
            reference="CRAG-2024-01",
            received=dt.date(2024, 3, 4),
            referring_agency=records.agencies()[0].id,
            case_name="Child T",
            incident_date=dt.date(2024, 2, 27),
            incident_type=IncidentType.SERIOUS_HARM,
            children=(Child(pseudonym="Child T", sex=Sex.MALE),),
            summary="",
            learned_on=dt.date(2024, 2, 28),
            notified_on=dt.date(2024, 3, 1),
        )
    )
    screen.refresh(changes)
    assert screen.open_record("R-2024")
    return "R-2024"


def add_pause_by_keyboard(
    qtbot: QtBot, screen: ReferralsScreen, clock: str, paused_on: str, reason: str
) -> None:
    """From the summary, Tab to "Add pause", press Space and fill the new row by keyboard."""
    form = screen.form
    editor = form.pauses_editor
    form.summary.setFocus()
    tab_to(qtbot, editor.add_button, limit=40)
    press(qtbot, editor.add_button, Qt.Key.Key_Space)
    row = editor.row_count() - 1
    assert focused() is editor.cell_widget(row, "clock")
    type_text(qtbot, focused_widget(), clock)
    press(qtbot, focused_widget(), Qt.Key.Key_Tab)
    assert focused() is cast(Any, editor.cell_widget(row, "paused_on")).line_edit
    type_text(qtbot, focused_widget(), paused_on)
    press(qtbot, focused_widget(), Qt.Key.Key_Tab)  # resumed on: empty, still paused
    press(qtbot, focused_widget(), Qt.Key.Key_Tab)
    assert focused() is editor.cell_widget(row, "reason")
    type_text(qtbot, focused_widget(), reason)


def test_list_shows_every_referral_with_a_count(screen: ReferralsScreen) -> None:
    assert screen.model.rowCount() == 9
    assert screen.count_label.text() == "9 referrals"
    assert screen.title == "Referrals"


def test_typing_in_search_filters_in_sql(screen: ReferralsScreen, qtbot: QtBot) -> None:
    type_text(qtbot, screen.search_box, "Child Q")
    qtbot.waitUntil(lambda: screen.model.total == 1)
    assert screen.count_label.text() == "1 referral"
    assert screen.model.index(0, Column.CASE_NAME).data() == "Child Q"
    press(qtbot, screen.search_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.model.total == 9)


def test_filter_combo_narrows_the_list(screen: ReferralsScreen, qtbot: QtBot) -> None:
    decision = screen.filter_combos[4]
    decision.setCurrentIndex(decision.findText("Pending decision"))
    qtbot.waitUntil(lambda: screen.model.query.pending_decision)
    assert 0 < screen.model.total < 9
    assert all(
        screen.model.index(r, Column.OUTCOME).data() == "Pending"
        for r in range(screen.model.rowCount())
    )


def test_clicking_a_heading_sorts(screen: ReferralsScreen, qtbot: QtBot) -> None:
    header = screen.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.CASE_NAME) + 10
    cast(Any, qtbot).mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: screen.model.query.sort == ReferralSort.CASE_NAME)
    names = [screen.model.index(r, Column.CASE_NAME).data() for r in range(9)]
    assert names == sorted(names)
    assert header.sortIndicatorSection() == Column.CASE_NAME
    cast(Any, qtbot).mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: screen.model.query.descending)
    names = [screen.model.index(r, Column.CASE_NAME).data() for r in range(9)]
    assert names == sorted(names, reverse=True)


def test_new_referral_by_keyboard_is_stored(
    screen: ReferralsScreen, qtbot: QtBot, records: RecordService, lists: ReferralList
) -> None:
    form = new_by_keyboard(screen)
    assert focused() is form.reference
    assert form.reference.text().startswith("CRAG-")  # suggested from the date received
    tab_to(qtbot, form.referring_agency, limit=40)
    type_text(qtbot, form.referring_agency, "Police")
    tab_to(qtbot, form.case_name, limit=40)
    type_text(qtbot, form.case_name, "Child Z")
    tab_to(qtbot, form.incident_type, limit=40)
    type_text(qtbot, form.incident_type, "Death")
    pseudonym = form.children_editor.cell_widget(0, "pseudonym")
    tab_to(qtbot, pseudonym, limit=40)
    type_text(qtbot, pseudonym, "Child Z")
    assert "(unsaved changes)" in screen.panel_heading.text()
    press(qtbot, pseudonym, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert form.record_id is not None
    stored = records.get(Referral, form.record_id)
    assert stored.case_name == "Child Z"
    assert stored.incident_type == IncidentType.DEATH
    assert stored.children[0].pseudonym == "Child Z"
    assert stored.referring_agency == next(a.id for a in records.agencies() if a.name == "Police")
    assert lists.count(ReferralQuery()) == 10
    assert screen.count_label.text() == "10 referrals"
    assert not form.is_new
    assert not form.is_dirty
    assert "unsaved" not in screen.panel_heading.text()
    # Saved, it can go to the criteria wizard at once (the button was greyed while new).
    assert form.wizard_button.isEnabled()
    with qtbot.waitSignal(screen.criteria_wizard_requested) as signal:
        click(qtbot, form.wizard_button)
    assert signal.args == [form.record_id]


def test_validation_error_shows_at_its_field_and_nothing_is_saved(
    screen: ReferralsScreen, qtbot: QtBot, lists: ReferralList
) -> None:
    form = new_by_keyboard(screen)
    form.referring_agency.setCurrentIndex(1)
    form.incident_type.setCurrentIndex(1)
    type_text(qtbot, form.incident_date.line_edit, "31/02/2016")
    press(qtbot, form.reference, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert "not a real date" in form.error_of("incident_date")
    assert form.field_row("incident_date").error_label.isVisible()
    assert focused() is form.incident_date.line_edit
    assert lists.count(ReferralQuery()) == 9

    # Now a date that reads, but a blank case name and child: the service's own checks.
    form.incident_date.line_edit.clear()
    type_text(qtbot, form.incident_date.line_edit, "01/02/2016")
    press(qtbot, form.reference, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.error_of("incident_date") == ""
    assert form.error_of("case_name") != ""
    assert focused() is form.case_name
    assert "Child 1, pseudonym" in form.children_editor.error_label.message
    assert screen.save_error.isVisible()
    assert lists.count(ReferralQuery()) == 9


def test_enter_opens_the_current_row(screen: ReferralsScreen, qtbot: QtBot) -> None:
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(2, 0))
    press(qtbot, screen.table, Qt.Key.Key_Return)
    assert screen.form.record_id == screen.model.row_id(2)
    assert screen.form.case_name.text() == screen.model.index(2, Column.CASE_NAME).data()


def test_unsaved_changes_prompt_on_close(
    screen: ReferralsScreen, qtbot: QtBot, prompter: ScriptedPrompter, records: RecordService
) -> None:
    assert screen.open_record("R1")
    press(qtbot, screen.form.summary, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, screen.form.summary, " Added at the meeting.")
    assert screen.form.is_dirty

    prompter.answer_confirm(False, False)  # not Save, not Discard: Cancel
    assert not screen.close_record()
    assert screen.form.record_id == "R1"
    assert prompter.questions[-2].startswith("Save the changes to referral CRAG-2014-03")

    prompter.answer_confirm(False, True)  # Discard
    assert screen.close_record()
    assert screen.panel.currentWidget() is screen.empty_panel
    assert "Added at the meeting" not in records.get(Referral, "R1").summary

    assert screen.open_record("R1")
    press(qtbot, screen.form.summary, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, screen.form.summary, " Kept.")
    prompter.answer_confirm(True)  # Save
    assert screen.open_record("R2")
    assert records.get(Referral, "R1").summary.endswith("Kept.")


def test_delete_asks_first(
    screen: ReferralsScreen,
    qtbot: QtBot,
    prompter: ScriptedPrompter,
    records: RecordService,
) -> None:
    agency = records.agencies()[0].id
    changes = records.save(
        Referral(
            id="R-del",
            reference="CRAG-2016-99",
            received=dt.date(2016, 5, 1),
            referring_agency=agency,
            case_name="Child D",
            incident_date=None,
            incident_type=IncidentType.OTHER,
            children=(Child(pseudonym="Child D", sex=Sex.FEMALE),),
            summary="",
        )
    )
    screen.refresh(changes)
    assert screen.model.total == 10
    row = screen.model.row_of("R-del")
    assert row is not None
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(row, 0))

    prompter.answer_confirm(False)
    press(qtbot, screen.table, Qt.Key.Key_Delete)
    assert "Delete referral CRAG-2016-99 (Child D)?" in prompter.questions[-1]
    assert records.get(Referral, "R-del").case_name == "Child D"

    prompter.answer_confirm(True)
    with qtbot.waitSignal(screen.changed) as signal:
        press(qtbot, screen.table, Qt.Key.Key_Delete)
    assert ("referral", "R-del") in signal.args[0].deleted
    with pytest.raises(RecordNotFound):
        records.get(Referral, "R-del")
    assert screen.count_label.text() == "9 referrals"


def test_a_refused_delete_says_why(
    screen: ReferralsScreen, qtbot: QtBot, prompter: ScriptedPrompter, records: RecordService
) -> None:
    row = screen.model.row_of("R1")  # a review was commissioned from it
    assert row is not None
    screen.table.setCurrentIndex(screen.model.index(row, 0))
    prompter.answer_confirm(True)
    screen.delete_current()
    assert prompter.shown[-1].kind == "error"
    assert "cannot be deleted" in prompter.shown[-1].text
    assert records.get(Referral, "R1").case_name == "Baby L"


def test_autosaved_draft_is_offered_back_after_a_crash(
    qtbot: QtBot, editing: Editing, lists: ReferralList, prompter: ScriptedPrompter
) -> None:
    drafts = editing["drafts"]
    first = make_list_screen(ReferralsScreen, qtbot, editing, lists)
    first.new_record()
    type_text(qtbot, first.form.case_name, "Child W")
    qtbot.waitUntil(lambda: any(d.key.startswith("referral:new:") for d in drafts.pending()))
    # The crash: the window goes away without saving or asking.
    first.form._autosave.stop()
    first.hide()
    first.deleteLater()
    qtbot.waitUntil(lambda: not first.isVisible())

    second = make_list_screen(ReferralsScreen, qtbot, editing, lists)
    prompter.answer_confirm(False)  # "Delete it?" No: the safe answer restores it
    second.new_record()
    assert "No restores the unsaved work" in prompter.questions[-1]
    assert "unsaved work on a new referral" in prompter.questions[-1] or (
        "Child W" in prompter.questions[-1]
    )
    assert second.form.case_name.text() == "Child W"
    assert second.form.is_dirty
    assert lists.count(ReferralQuery()) == 9
    # Saving the restored work forgets the draft.
    second.form.referring_agency.setCurrentIndex(1)
    second.form.incident_type.setCurrentIndex(1)
    second.form.children_editor.cell_widget(0, "pseudonym").setFocus()
    type_text(qtbot, second.form.children_editor.cell_widget(0, "pseudonym"), "Child W")
    assert second.save()
    assert not [d for d in drafts.pending() if d.key.startswith("referral:")]
    second.form.discard_changes()


def leave_a_draft_of_r2(qtbot: QtBot, screen: ReferralsScreen, drafts: DraftService) -> None:
    """Type into referral R2 until its draft is kept, then stop keeping drafts."""
    assert screen.open_record("R2")
    type_text(qtbot, screen.form.notification_reference, "X")
    qtbot.waitUntil(lambda: drafts.load("referral:R2") is not None)
    screen.form._autosave.stop()


def test_deleting_an_offered_draft_is_a_deliberate_yes(
    screen: ReferralsScreen, qtbot: QtBot, prompter: ScriptedPrompter, drafts: DraftService
) -> None:
    leave_a_draft_of_r2(qtbot, screen, drafts)
    # The form goes away without saving (a lock): the draft waits.
    screen.form.clear()
    assert drafts.load("referral:R2") is not None
    prompter.answer_confirm(True)  # "Delete it and open the record as saved?" Yes
    assert screen.open_record("R2")
    assert "Delete it" in prompter.questions[-1]
    assert drafts.load("referral:R2") is None
    assert screen.form.notification_reference.text() != "X"


def test_declining_a_draft_discards_it(
    screen: ReferralsScreen, qtbot: QtBot, prompter: ScriptedPrompter, drafts: DraftService
) -> None:
    leave_a_draft_of_r2(qtbot, screen, drafts)
    prompter.answer_confirm(False, True)  # don't save, discard
    assert screen.close_record()
    assert drafts.load("referral:R2") is None


def test_criteria_wizard_button_asks_for_the_wizard(screen: ReferralsScreen, qtbot: QtBot) -> None:
    screen.open_record("R3")
    assert screen.form.decision_label.text()
    with qtbot.waitSignal(screen.criteria_wizard_requested) as signal:
        click(qtbot, screen.form.wizard_button)
    assert signal.args == ["R3"]


def test_apply_query_shows_the_filter_chosen(screen: ReferralsScreen, lists: ReferralList) -> None:
    query = ReferralQuery(pending_decision=True)
    screen.apply_query(query)
    assert screen.filter_combos[4].currentText() == "Pending decision"
    assert screen.model.total == lists.count(query)


def test_clear_forgets_rows_and_fields(screen: ReferralsScreen) -> None:
    screen.open_record("R1")
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.form.case_name.text() == ""
    assert screen.form.summary.toPlainText() == ""
    assert screen.panel.currentWidget() is screen.empty_panel


def test_every_field_has_a_label_and_a_name(screen: ReferralsScreen) -> None:
    form = screen.form
    for path in ("reference", "received", "case_name", "incident_type", "summary", "children"):
        row = form.field_row(path)
        assert row.label.buddy() is row.field
        target = row.field.focusProxy() or row.field
        assert target.accessibleName(), path
    cell = form.children_editor
    screen.new_record()
    assert cell.cell_widget(0, "age_years").accessibleName() == "Child 1 age (years)"


def test_clock_lines_follow_the_dates_typed(
    screen: ReferralsScreen, qtbot: QtBot, recent_referral: str
) -> None:
    form = screen.form
    lines = form.clocks_label.text().splitlines()
    # Notified on 01/03/2024, 2 working days after learning of it on 28/02/2024: in time.
    assert lines[0] == ("Serious incident notification: met, notified 01/03/2024 (due 06/03/2024)")
    assert lines[1].startswith("Rapid review: breached")  # 15 working days: 22/03/2024
    assert "(due 22/03/2024)" in lines[1]
    form.notified_on.line_edit.selectAll()
    type_text(qtbot, form.notified_on.line_edit, "01/03/2")
    qtbot.waitUntil(lambda: "type the notification date as dd/mm/yyyy" in form.clocks_label.text())
    type_text(qtbot, form.notified_on.line_edit, "016")
    qtbot.waitUntil(lambda: "(due 22/03/2016)" in form.clocks_label.text())
    # The incident (27/02/2024) is under Working Together 2018; cleared, the 2016
    # notification date decides, and rapid reviews did not exist then.
    form.incident_date.line_edit.setFocus()
    form.incident_date.line_edit.selectAll()
    press(qtbot, form.incident_date.line_edit, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "Rapid review: does not apply" in form.clocks_label.text())


def test_a_referral_whose_answers_owe_no_notification_shows_no_notification_clock(
    screen: ReferralsScreen,
) -> None:
    # Child P (WT2015): seriously harmed, abuse or neglect neither known nor suspected.
    assert screen.open_record("R5")
    lines = screen.form.clocks_label.text().splitlines()
    assert lines[0] == (
        "Serious incident notification: none owed (the criteria answers recorded on "
        "08/12/2015 show no serious incident to notify)."
    )
    assert lines[1] == "Rapid review: none (no notification owed)."
    # Child R (WT2015): seriously harmed with abuse suspected, never notified: late.
    assert screen.open_record("R7")
    lines = screen.form.clocks_label.text().splitlines()
    assert lines[0].startswith("Serious incident notification: breached")


def test_pausing_the_rapid_review_by_keyboard_is_stored(
    screen: ReferralsScreen, qtbot: QtBot, records: RecordService, recent_referral: str
) -> None:
    form = screen.form
    add_pause_by_keyboard(qtbot, screen, "Rapid", "05/03/2024", "the criminal trial")
    assert form.pauses_editor.cell_widget(0, "clock").property("currentText") == "Rapid review"
    # Recomputed as typed: still paused (no resumption date), so neither breached nor due.
    rapid = form.clocks_label.text().splitlines()[1]
    assert rapid.startswith("Rapid review: paused since 05/03/2024 for the criminal trial")
    press(qtbot, focused_widget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert records.get(Referral, recent_referral).clock_pauses == (
        ClockPause(
            clock="rapid_review",
            paused_on=dt.date(2024, 3, 5),
            resumed_on=None,
            reason="the criminal trial",
        ),
    )
    assert not form.is_dirty

    # Resumed a week later: 5 working days held move the due date from 22/03 to 02/04/2024
    # (Good Friday and Easter Monday are not working days).
    resumed = cast(Any, form.pauses_editor.cell_widget(0, "resumed_on")).line_edit
    resumed.setFocus()
    type_text(qtbot, resumed, "12/03/2024")
    qtbot.waitUntil(lambda: "extended by 5 working days" in form.clocks_label.text())
    rapid = form.clocks_label.text().splitlines()[1]
    assert "due 02/04/2024; extended by 5 working days: paused for the criminal trial" in rapid


def test_a_pause_without_a_reason_is_refused_at_the_field(
    screen: ReferralsScreen, qtbot: QtBot, records: RecordService, recent_referral: str
) -> None:
    form = screen.form
    add_pause_by_keyboard(qtbot, screen, "Serious", "29/02/2024", "")
    press(qtbot, focused_widget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    reason = form.pauses_editor.cell_widget(0, "reason")
    assert form.pauses_editor.error_label.isVisible()
    assert "Pause 1, reason: must not be blank" in form.pauses_editor.error_label.message
    assert reason.property("invalid") is True
    assert focused() is reason
    assert form.is_dirty
    assert records.get(Referral, recent_referral).clock_pauses == ()

    type_text(qtbot, reason, "inquest")
    press(qtbot, reason, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not form.pauses_editor.error_label.isVisible()
    assert [p.reason for p in records.get(Referral, recent_referral).clock_pauses] == ["inquest"]


def test_a_new_child_defaults_to_unknown_not_the_first_choice(screen: ReferralsScreen) -> None:
    assert screen.new_record()
    editor = screen.form.children_editor
    assert editor.cell_widget(0, "sex").property("currentText") == "Unknown"
    assert editor.cell_widget(0, "legal_status").property("currentText") == "Unknown"
    editor.add_row()
    assert editor.rows()[1]["sex"] == Sex.UNKNOWN.value


def test_a_new_pause_names_no_clock_until_one_is_chosen(
    screen: ReferralsScreen, records: RecordService, recent_referral: str
) -> None:
    editor = screen.form.pauses_editor
    editor.add_row({"paused_on": "05/03/2024", "reason": "trial"})
    assert editor.rows()[0]["clock"] is None
    assert not screen.save()
    assert "Pause 1, clock: choose the clock the pause holds" in editor.error_label.message
    assert records.get(Referral, recent_referral).clock_pauses == ()


def test_dates_typed_without_slashes_are_read(
    screen: ReferralsScreen, qtbot: QtBot, recent_referral: str, records: RecordService
) -> None:
    form = screen.form
    form.incident_date.line_edit.setFocus()
    form.incident_date.line_edit.selectAll()
    type_text(qtbot, form.incident_date.line_edit, "26022024")
    assert screen.save()
    assert records.get(Referral, recent_referral).incident_date == dt.date(2024, 2, 26)


def test_with_no_agencies_the_form_says_where_to_add_them(
    qtbot: QtBot, database: Database, prompter: ScriptedPrompter
) -> None:
    records = RecordService(db=database)
    assert records.agencies() == []
    editing = Editing(records=records, drafts=DraftService(db=database), prompter=prompter)
    empty = make_list_screen(ReferralsScreen, qtbot, editing, ReferralList(db=database))
    assert empty.new_record()
    row = empty.form.field_row("referring_agency")
    hint = "No agencies yet: add them on the Agencies and members screen (Ctrl+7)."
    assert row.hint_label.text() == hint
    assert row.hint_label.isVisible()
    assert not empty.save()
    assert "Agencies and members screen (Ctrl+7)" in empty.form.error_of("referring_agency")
    empty.form.discard_changes()


def test_the_mouse_wheel_never_changes_an_unfocused_age(screen: ReferralsScreen) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QSpinBox

    assert screen.open_record("R7")
    age = screen.form.children_editor.cell_widget(0, "age_years")
    assert isinstance(age, QSpinBox)
    before = age.value()
    screen.form.case_name.setFocus()
    wheel = QWheelEvent(
        QPointF(5, 5),
        QPointF(age.mapToGlobal(QPoint(5, 5))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(age, wheel)
    assert age.value() == before
    assert not screen.form.is_dirty
    # The number is visible in its cell (the style sheet once squeezed it to nothing).
    assert age.lineEdit().text() == str(before)
    assert age.lineEdit().width() > age.fontMetrics().horizontalAdvance("24") + 4
