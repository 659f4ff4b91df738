"""The Audit log screen: the events of changes just made, newest first, with old → new, the
filters, and the chain check."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import ActionUpdate, Agency, Recommendation, Referral
from crag_desktop.domain.vocabulary import AgencyKind, RecommendationStatus
from crag_desktop.services.audit_log import AuditLog, AuditQuery
from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database
from crag_desktop.services.interchange import record_export
from crag_desktop.services.records import RecordService
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.audit import AuditScreen
from tests.helpers.qt import shown_screen


@pytest.fixture
def screen(qtbot: QtBot, demo_db: Database, prompter: ScriptedPrompter) -> Iterator[AuditScreen]:
    made = AuditScreen(
        log=AuditLog(db=demo_db),
        verify=AuditLog(db=demo_db).verify,
        prompter=prompter,
        operator=lambda: demo_db.operator,
        search_delay_ms=1,
    )
    with shown_screen(qtbot, made, 1300, 800):
        yield made


def test_the_model_passes_the_model_tester(screen: AuditScreen, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(screen.model)  # type: ignore[no-untyped-call]


def test_changes_just_made_are_listed_newest_first_with_old_and_new(
    screen: AuditScreen, records: RecordService
) -> None:
    changes = records.save(Agency(id="yos", name="Youth Offending Service", kind=AgencyKind.OTHER))
    changes = changes.merge(
        records.save(
            Agency(id="yos", name="Youth Justice Service", kind=AgencyKind.PROBATION),
            reason="renamed in 2017",
        )
    )
    screen.refresh(changes)
    model = screen.model
    column = model.Column
    newest = [model.index(0, c).data() for c in column]
    assert newest[column.OPERATOR] == "Test Officer"
    assert newest[column.ACTION] == "Changed"
    assert newest[column.RECORD_TYPE] == "Agency"
    # The agency by its name, the stored id on hover.
    assert newest[column.RECORD_ID] == "Youth Justice Service"
    assert model.index(0, column.RECORD_ID).data(Qt.ItemDataRole.ToolTipRole) == ("Record id: yos")
    assert newest[column.REASON] == "renamed in 2017"
    assert "Youth Offending Service → Youth Justice Service" in newest[column.CHANGES]
    assert model.index(1, column.ACTION).data() == "Created"
    assert int(model.index(0, column.SEQ).data()) > int(model.index(1, column.SEQ).data())
    # The event under the cursor is shown in full.
    detail = screen.detail.toPlainText()
    assert "Name: Youth Offending Service → Youth Justice Service" in detail
    assert "Kind: Other → Probation" in detail
    assert "Agency Youth Justice Service (id yos)" in detail
    assert "Reason: renamed in 2017" in detail


def test_filters_by_record_type_operator_and_text(
    qtbot: QtBot, screen: AuditScreen, records: RecordService
) -> None:
    records.save(Agency(id="yos", name="Youth Offending Service", kind=AgencyKind.OTHER))
    screen.refresh(None)
    everything = screen.model.total
    screen.type_combo.setFocus()
    QTest.keyClicks(screen.type_combo, "Agency")
    assert screen.type_combo.currentData() == "agency"
    assert screen.model.query.record_type == "agency"
    assert screen.model.total == 10  # nine demo agencies, one just added
    assert {
        screen.model.index(r, screen.model.Column.RECORD_TYPE).data()
        for r in range(screen.model.rowCount())
    } == {"Agency"}

    screen.search_box.setFocus()
    QTest.keyClicks(screen.search_box, "Youth")
    QTest.keyClick(screen.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.model.total == 1)

    operator = screen.operator_combo.lineEdit()
    assert operator is not None
    operator.setFocus()
    QTest.keyClicks(operator, "Somebody Else")
    QTest.keyClick(operator, Qt.Key.Key_Return)
    assert screen.model.query.operator == "Somebody Else"
    assert screen.model.total == 0

    screen.apply_query(AuditQuery())
    assert screen.model.total == everything
    assert screen.type_combo.currentIndex() == 0


def test_verify_reports_an_intact_trail(screen: AuditScreen, records: RecordService) -> None:
    records.save(Agency(id="yos", name="Youth Offending Service", kind=AgencyKind.OTHER))
    screen.verify_button.setFocus()
    QTest.keyClick(screen.verify_button, Qt.Key.Key_Space)
    assert "The audit trail is intact" in screen.verify_label.text()
    assert not screen.verify_error.isVisible()


def test_verify_lists_each_problem_when_the_trail_is_broken(
    qtbot: QtBot, database: Database, prompter: ScriptedPrompter
) -> None:
    broken = AuditScreen(
        log=AuditLog(db=database),
        verify=lambda: ["Audit event 3 was altered after it was written."],
        prompter=prompter,
    )
    qtbot.addWidget(broken)
    assert broken.verify_trail() is False
    assert "NOT intact" in broken.verify_error.message
    assert "Audit event 3 was altered" in broken.verify_error.message
    assert broken.verify_label.text() == ""


def test_records_and_changes_read_as_the_secretariat_knows_them(
    screen: AuditScreen, records: RecordService
) -> None:
    recommendation = records.get(Recommendation, "REC12")
    action = recommendation.actions[0]
    update = ActionUpdate(
        on=date(2017, 3, 20), status=RecommendationStatus.ON_TRACK, note="Fine.", by="m3"
    )
    changes = records.save(
        dataclasses.replace(
            recommendation,
            actions=(
                dataclasses.replace(action, updates=(*action.updates, update)),
                *recommendation.actions[1:],
            ),
        )
    )
    referral = records.get(Referral, "R9")
    changes = changes.merge(records.save(dataclasses.replace(referral, case_name="Child T2")))
    screen.refresh(changes)
    model = screen.model
    column = model.Column
    assert model.index(0, column.RECORD_ID).data() == "CRAG-2016-04 Child T2"
    assert model.index(1, column.RECORD_ID).data() == "Child Q rec. 5"
    assert model.index(1, column.RECORD_ID).data(Qt.ItemDataRole.ToolTipRole) == (
        "Record id: REC12"
    )
    screen.table.setFocus()
    QTest.keyClick(screen.table, Qt.Key.Key_Down)
    detail = screen.detail.toPlainText()
    # Readable field names, vocabulary labels, UK dates and names instead of ids.
    assert "Action 1, update 2, date: (empty) → 20/03/2017" in detail
    assert "Action 1, update 2, status: (empty) → On track" in detail
    assert "Action 1, update 2, by: (empty) → Tamsin Hale-Varney" in detail
    assert "on_track" not in detail
    assert "updates[" not in detail
    # Demo-built records were created without field changes; their names still show.
    titles = {
        model.index(r, column.RECORD_ID).data()
        for r in range(model.rowCount())
        if model.index(r, column.RECORD_TYPE).data() in ("Review", "Meeting")
    }
    assert {"Child Q", "25/04/2017"} <= titles
    assert not any(t.startswith(("V", "MT")) and t[-1].isdigit() for t in titles)


def test_an_export_shows_on_any_refresh_and_when_the_screen_is_shown(
    qtbot: QtBot, screen: AuditScreen, database: Database
) -> None:
    before = screen.model.total
    # An export tells the screens nothing specific: any refresh must still reload.
    record_export(database, destination="crag-2017.json")
    screen.refresh(Changes())
    assert screen.model.total == before + 1
    assert screen.model.index(0, screen.model.Column.ACTION).data() == "Exported"

    # Away on another screen when the next export happens: coming back shows it.
    screen.hide()
    record_export(database, destination="crag-2017-again.json")
    screen.show()
    qtbot.waitExposed(screen)
    assert screen.model.total == before + 2
    assert "crag-2017-again.json" in screen.model.index(0, screen.model.Column.CHANGES).data()


def test_a_created_record_is_not_described_by_its_internal_id() -> None:
    from datetime import UTC, datetime

    from crag_desktop.services.audit_log import AuditRow
    from crag_desktop.ui.qt_models.audit import change_lines

    row = AuditRow(
        seq=1,
        at=datetime(2017, 1, 1, tzinfo=UTC),
        operator="Test Officer",
        action="create",
        record_type="referral",
        record_id="R-bf5c4b",
        changes=(("id", None, "R-bf5c4b"), ("case_name", None, "Child Z")),
        reason=None,
        sort_key=(1,),
        record_label="CRAG-2026-01 Child Z",
        details=(("Id", None, "R-bf5c4b"), ("Case name", None, "Child Z")),
    )
    assert change_lines(row) == ["Case name: (empty) → Child Z"]


def test_filters_by_action_and_date_run_in_sql(
    qtbot: QtBot, screen: AuditScreen, database: Database
) -> None:
    from datetime import timedelta

    record_export(database, destination="minutes.json")
    screen.reload()
    everything = screen.model.total
    assert everything > 1
    screen.action_combo.setCurrentIndex(screen.action_combo.findData("export"))
    qtbot.waitUntil(lambda: screen.model.total == 1)
    assert screen.model.index(0, screen.model.Column.ACTION).data() == "Exported"
    screen.action_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: screen.model.total == everything)
    today = date.today()
    screen.until_edit.set_value(today - timedelta(days=1))
    qtbot.waitUntil(lambda: screen.model.total == 0)
    screen.until_edit.set_value(None)
    screen.since_edit.set_value(today)
    qtbot.waitUntil(lambda: screen.model.total == everything)
    screen.since_edit.set_value(today + timedelta(days=1))
    qtbot.waitUntil(lambda: screen.model.total == 0)
    # The service does the same for the command line and other screens.
    log = AuditLog(db=database)
    assert log.count(AuditQuery(action="export", since=today, until=today)) == 1
    assert log.count(AuditQuery(since=today + timedelta(days=1))) == 0
    screen.since_edit.set_value(None)
    screen.grab().save("/tmp/safety-audit/audit-filters.png")


def test_every_action_and_record_type_fits_its_column(screen: AuditScreen) -> None:
    from crag_desktop.ui.qt_models.audit import ACTIONS, RECORD_TYPES, AuditTableModel

    metrics = screen.table.fontMetrics()
    for column, words in (
        (AuditTableModel.Column.ACTION, ACTIONS.values()),
        (AuditTableModel.Column.RECORD_TYPE, RECORD_TYPES.values()),
    ):
        width = screen.table.columnWidth(column)
        # Not "Wrong pas…": the cell's margins come on top of the word itself.
        assert [w for w in words if metrics.horizontalAdvance(w) + 8 > width] == []


def test_the_filters_offer_every_kind_of_event_the_trail_can_hold(
    qtbot: QtBot, screen: AuditScreen, database: Database
) -> None:
    from crag_desktop.domain.audit_terms import ACTIONS, RECORD_TYPES

    # The trail refuses anything else (storage/audit.py), so nothing written is unfindable.
    for combo, vocabulary in ((screen.type_combo, RECORD_TYPES), (screen.action_combo, ACTIONS)):
        offered = {combo.itemData(i): combo.itemText(i) for i in range(1, combo.count())}
        assert offered == vocabulary
    # Reports printed and agency returns imported were once missing from the record types.
    with database.unit_of_work() as session:
        database.audit(session, action="print", record_type="report", record_id="tracker")
        database.audit(session, action="import", record_type="agency_return", record_id="r1")
    for words, code in (("Report", "report"), ("Agency return", "agency_return")):
        screen.type_combo.setCurrentIndex(screen.type_combo.findText(words))
        assert screen.model.query.record_type == code
        qtbot.waitUntil(lambda: screen.model.total == 1)
        assert screen.model.index(0, screen.model.Column.RECORD_TYPE).data() == words


def test_a_report_written_to_a_file_is_not_called_sent_to_a_printer(
    qtbot: QtBot, screen: AuditScreen, database: Database
) -> None:
    # The Reports screen both saves a report as a file ("print", the code the trail has
    # always stored) and sends it to a printer: the log tells the two apart.
    with database.unit_of_work() as session:
        database.audit(session, action="print", record_type="report", record_id="annual/2016")
        database.audit(
            session, action="send_to_printer", record_type="report", record_id="annual/2016"
        )
    screen.type_combo.setCurrentIndex(screen.type_combo.findText("Report"))
    qtbot.waitUntil(lambda: screen.model.total == 2)
    said = {screen.model.index(r, screen.model.Column.ACTION).data() for r in range(2)}
    assert said == {"Printed to a file", "Sent to a printer"}
