"""The Meetings screen on the demo database, driven from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import Meeting, Referral
from crag_desktop.services.database import Database
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.lists import MeetingList, ReferralList
from crag_desktop.services.records import RecordService
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.meetings import MeetingsScreen
from tests.helpers.qt import Editing, new_by_keyboard, shown_screen
from tests.helpers.qt import focused_widget as focused

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def screen(qtbot: QtBot, demo_db: Database, editing: Editing) -> Iterator[MeetingsScreen]:
    made = MeetingsScreen(
        **editing,
        meetings=MeetingList(db=demo_db),
        referrals=ReferralList(db=demo_db),
        decisions=DecisionService(db=demo_db),
        autosave_ms=60_000,
        search_delay_ms=1,
    )
    with shown_screen(qtbot, made, 1300, 850):
        yield made


def tick(screen: MeetingsScreen, check_list: QWidget, label_start: str) -> None:
    """Move to the member whose label starts with `label_start` and press Space."""
    form = screen.form
    lists = {"attendees": form.attendees_list, "apologies": form.apologies_list}
    target = next(v for v in lists.values() if v is check_list)
    row = next(i for i in range(target.count()) if target.item(i).text().startswith(label_start))
    target.setFocus()
    target.setCurrentRow(row)
    QTest.keyClick(target, Qt.Key.Key_Space)


def test_the_model_passes_the_model_tester(
    screen: MeetingsScreen, qtmodeltester: ModelTester
) -> None:
    qtmodeltester.check(screen.model)  # type: ignore[no-untyped-call]
    assert screen.model.rowCount() == 13
    # Newest first.
    assert screen.model.index(0, 0).data().startswith("25/04/2017")


def test_create_edit_and_delete_a_meeting_by_keyboard(
    screen: MeetingsScreen, records: RecordService, prompter: ScriptedPrompter
) -> None:
    new_by_keyboard(screen)
    form = screen.form
    assert focused() is form.date_edit.line_edit
    QTest.keyClicks(focused(), "14/03/2017")
    # The calendar button is not a Tab stop (Alt+Down opens the calendar).
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is form.quorate_combo
    QTest.keyClicks(focused(), "Quorate")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    QTest.keyClicks(focused(), "Child T: rapid review findings")
    tick(screen, form.attendees_list, "Harriet Quillfeather")
    tick(screen, form.attendees_list, "Marcus Penhallow")
    tick(screen, form.apologies_list, "Tamsin Hale-Varney")
    form.declarations_edit.setFocus()
    QTest.keyClicks(focused(), "None declared.")
    picker = form.referral_picker
    picker.search_edit.setFocus()
    QTest.keyClicks(focused(), "Child T")
    assert picker.matches.count() == 1
    QTest.keyClick(focused(), Qt.Key.Key_Return)
    assert picker.chosen.count() == 1
    form.notes_edit.setFocus()
    QTest.keyClicks(focused(), "Criteria met; LCSPR recommended.")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)

    meeting_id = form.record_id
    assert meeting_id is not None
    stored = records.get(Meeting, meeting_id)
    assert stored.date == date(2017, 3, 14)
    assert stored.quorate is True
    assert stored.agenda == "Child T: rapid review findings"
    assert stored.attendees == ("m1", "m2")
    assert stored.apologies == ("m3",)
    assert stored.declarations_of_interest == "None declared."
    assert [records.get(Referral, r).case_name for r in stored.referrals_considered] == ["Child T"]
    assert stored.notes == "Criteria met; LCSPR recommended."
    assert screen.count_label.text() == "14 meetings"

    # Edit: open from the list and move the date.
    row = screen.model.row_of(meeting_id)
    assert row is not None
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(row, 0))
    QTest.keyClick(screen.table, Qt.Key.Key_Return)
    assert focused() is form.date_edit.line_edit
    form.date_edit.line_edit.selectAll()
    QTest.keyClicks(focused(), "15/03/2017")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert records.get(Meeting, meeting_id).date == date(2017, 3, 15)

    row = screen.model.row_of(meeting_id)
    assert row is not None
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(row, 0))
    prompter.answer_confirm(True)
    QTest.keyClick(screen.table, Qt.Key.Key_Delete)
    assert "15 March 2017" in prompter.questions[-1]
    assert screen.model.row_of(meeting_id) is None
    assert screen.count_label.text() == "13 meetings"


def test_a_member_attending_and_sending_apologies_is_shown_at_apologies(
    screen: MeetingsScreen, records: RecordService
) -> None:
    new_by_keyboard(screen)
    QTest.keyClicks(focused(), "14/03/2017")
    tick(screen, screen.form.attendees_list, "Harriet Quillfeather")
    tick(screen, screen.form.apologies_list, "Harriet Quillfeather")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert "also listed as attending" in screen.form.error_of("apologies")
    assert screen.form.field_row("apologies").error_label.isVisible()
    assert screen.count_label.text() == "13 meetings"


def test_a_date_that_is_not_a_date_is_shown_at_the_date(screen: MeetingsScreen) -> None:
    new_by_keyboard(screen)
    QTest.keyClicks(focused(), "31/02/2017")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert "not a real date" in screen.form.error_of("date")
    assert focused() is screen.form.date_edit.line_edit


def open_meeting(screen: MeetingsScreen, meeting_id: str) -> None:
    row = screen.model.row_of(meeting_id)
    assert row is not None
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(row, 0))
    QTest.keyClick(screen.table, Qt.Key.Key_Return)


def test_the_meeting_shows_the_decisions_taken_there_read_only(screen: MeetingsScreen) -> None:
    # MT9 (13 September 2016) decided Child R: not an SCR, a partnership review instead.
    open_meeting(screen, "MT9")
    form = screen.form
    assert form.decision_lines() == ["CRAG-2016-02 Child R: Partnership review"]
    assert form.decisions_list.accessibleName() == "Decisions taken at this meeting"
    assert not form.decisions_list.item(0).flags() & Qt.ItemFlag.ItemIsEditable
    open_meeting(screen, "MT3")
    assert form.decision_lines() == ["CRAG-2014-09 Child Q: Serious case review"]
    # A meeting where nothing was decided says so in words.
    open_meeting(screen, "MT13")
    assert form.decision_lines() == []
    assert form.decisions_list.item(0).text() == (
        "No criteria decision was recorded at this meeting"
    )
    assert not form.is_dirty


def test_the_meeting_is_named_once_not_twice(screen: MeetingsScreen) -> None:
    open_meeting(screen, "MT9")
    shown = [
        label.text()
        for label in screen.findChildren(QLabel)
        if label.isVisible() and "13 September 2016" in label.text()
    ]
    assert shown == ["The meeting of 13 September 2016"]
