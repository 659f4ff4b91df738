"""Progress updates at a meeting: tick the items discussed, write each update, record them
all at once (one update per item, dated and linked to the meeting, all or nothing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import Meeting, Recommendation
from crag_desktop.domain.vocabulary import MonitoringGroup, RecommendationStatus
from crag_desktop.services.audit_log import AuditLog
from crag_desktop.services.database import Database
from crag_desktop.services.recommendation_list import RecommendationList
from crag_desktop.services.records import RecordService
from crag_desktop.ui.dialogs.meeting_updates import MeetingUpdatesDialog
from crag_desktop.ui.forms.fields import set_combo_code
from crag_desktop.ui.prompts import ScriptedPrompter

TODAY = dt.date(2017, 5, 1)


@pytest.fixture
def records(demo_db: Database) -> RecordService:
    return RecordService(db=demo_db, today=lambda: TODAY)


@pytest.fixture
def dialog(
    qtbot: QtBot, demo_db: Database, records: RecordService, prompter: ScriptedPrompter
) -> Iterator[MeetingUpdatesDialog]:
    made = MeetingUpdatesDialog(
        records=records,
        recommendations=RecommendationList(db=demo_db, today=lambda: TODAY),
        prompter=prompter,
        meeting_id="MT13",
        today=lambda: TODAY,
    )
    # Not qtbot.addWidget: pytest-qt closes its widgets before this fixture ends, and a close
    # with ticks asks a question no test answers. discard() closes it without asking.
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.discard()
    made.deleteLater()


def _row(dialog: MeetingUpdatesDialog, label: str) -> int:
    for row in range(dialog.model.rowCount()):
        if dialog.model.row_at(row).label == label:
            return row
    raise AssertionError(f"{label} is not listed")


def test_ticked_items_get_one_update_each_linked_to_the_meeting(
    qtbot: QtBot, dialog: MeetingUpdatesDialog, records: RecordService, qtmodeltester: Any
) -> None:
    assert dialog.meeting.currentText() == "Meeting of 25 April 2017"
    # Open recommendations only: the demo's Baby L 1 (completed) is not offered.
    labels = [dialog.model.row_at(r).label for r in range(dialog.model.rowCount())]
    assert "Baby L 3, action 1" in labels
    assert "Baby L 1, action 1" not in labels
    qtmodeltester.check(dialog.model)

    # The shared note, then Space ticks two items, each starting with the shared note.
    dialog.shared_note.setText("Reported to the PAQA subgroup.")
    for label in ("Baby L 3, action 1", "Child Q 3, action 1"):
        dialog.table.setFocus()
        dialog.table.selectRow(_row(dialog, label))
        QTest.keyClick(dialog.table, Qt.Key.Key_Space)
    assert dialog.count_label.text().startswith("2 items ticked")
    assert dialog.record_button.text() == "&Record 2 updates"
    # The second item's note and status are edited below the table.
    assert dialog.current_note.text() == "Reported to the PAQA subgroup."
    dialog.current_note.selectAll()
    QTest.keyClicks(dialog.current_note, "Audit delayed by staff changes.")
    set_combo_code(dialog.current_status, RecommendationStatus.AT_RISK.value)

    # Filtering keeps what was typed for the items it hides: Baby L 3 is led by the
    # community health provider, Child Q 3 by children's social care.
    set_combo_code(dialog.agency_filter, "csc")
    labels = [dialog.model.row_at(r).label for r in range(dialog.model.rowCount())]
    assert "Child Q 3, action 1" in labels
    assert "Baby L 3, action 1" not in labels
    assert dialog.count_label.text().startswith("2 items ticked")
    set_combo_code(dialog.group_filter, MonitoringGroup.PAQA.value)
    dialog.record_button.click()
    assert not dialog.isVisible()

    meeting = records.get(Meeting, "MT13")
    first = records.get(Recommendation, "REC3").actions[0].updates[-1]
    assert (first.on, first.meeting, first.status) == (
        meeting.date,
        "MT13",
        RecommendationStatus.ON_TRACK,
    )
    assert first.note == "Reported to the PAQA subgroup."
    second = records.get(Recommendation, "REC10").actions[0].updates[-1]
    assert (second.meeting, second.status, second.note) == (
        "MT13",
        RecommendationStatus.AT_RISK,
        "Audit delayed by staff changes.",
    )
    # One update per item: the other recommendations are untouched.
    assert all(
        u.meeting is None
        for key in ("REC4", "REC11")
        for a in records.get(Recommendation, key).actions
        for u in a.updates
    )
    # Audited, naming the meeting.
    events = [e for e in AuditLog(db=records.db).events() if e.record_type == "recommendation"]
    reasons = {e.record_id: e.reason for e in events[-2:]}
    assert reasons["REC3"] == reasons["REC10"] == "Progress update at the meeting of 25 April 2017"
    # The meeting's record lists them.
    lines = [line.text for line in records.updates_at_meeting("MT13")]
    assert lines == [
        "Baby L 3: On track — Reported to the PAQA subgroup.",
        "Child Q 3: At risk — Audit delayed by staff changes.",
    ]


def test_an_item_without_a_note_is_named_and_nothing_is_stored(
    dialog: MeetingUpdatesDialog, records: RecordService
) -> None:
    dialog.tick(_row(dialog, "Baby L 3, action 1"))
    dialog.tick(_row(dialog, "Baby L 4, action 1"))
    dialog.model.set_note(_row(dialog, "Baby L 3, action 1"), "Handover standard agreed.")
    before = records.get(Recommendation, "REC3")
    dialog.record_button.click()
    assert dialog.isVisible()
    assert dialog.error_label.message == (
        "Nothing was recorded; put these right and record again:\n"
        "Baby L 4, action 1: write what the meeting heard"
    )
    # All or nothing: the item with a note was not stored either.
    assert records.get(Recommendation, "REC3") == before


def test_a_meeting_before_the_latest_update_is_refused_with_the_item_named(
    dialog: MeetingUpdatesDialog, records: RecordService
) -> None:
    set_combo_code(dialog.meeting, "MT6")  # 10 May 2016, before Baby L 3's update
    row = _row(dialog, "Baby L 3, action 1")
    dialog.tick(row)
    dialog.model.set_note(row, "Discussed.")
    dialog.record_button.click()
    assert "Baby L 3, action 1: 10/05/2016 is before the previous update" in (
        dialog.error_label.message
    )
    assert all(u.meeting is None for u in records.get(Recommendation, "REC3").actions[0].updates)


def test_closing_with_ticks_asks_first(
    dialog: MeetingUpdatesDialog, prompter: ScriptedPrompter
) -> None:
    dialog.tick(0)
    prompter.answer_confirm(False)
    dialog.reject()
    assert dialog.isVisible()
    prompter.answer_confirm(True)
    dialog.reject()
    assert not dialog.isVisible()


def test_nothing_ticked_says_what_to_do(dialog: MeetingUpdatesDialog) -> None:
    dialog.record_button.click()
    assert "tick at least one item" in dialog.error_label.message
