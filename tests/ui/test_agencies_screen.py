"""The Agencies and members screen on the demo database, driven from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import Agency, Member
from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.services.records import RecordService
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.agencies import AgenciesScreen
from tests.helpers.qt import Editing, new_by_keyboard, shown_screen
from tests.helpers.qt import focused_widget as focused

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def screen(qtbot: QtBot, editing: Editing) -> Iterator[AgenciesScreen]:
    made = AgenciesScreen(**editing, autosave_ms=60_000, search_delay_ms=1)
    with shown_screen(qtbot, made, 1300, 800):
        yield made


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)


def select_row(screen: AgenciesScreen, tab: int, text: str) -> None:
    lists = screen.show_tab(tab)
    model = lists.model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == text)
    lists.table.setFocus()
    lists.table.setCurrentIndex(model.index(row, 0))


def delete_row(screen: AgenciesScreen, tab: int, text: str, prompter: ScriptedPrompter) -> None:
    """Select the row showing `text` and press Delete, answering yes when asked to confirm."""
    select_row(screen, tab, text)
    prompter.answer_confirm(True)
    QTest.keyClick(screen.show_tab(tab).table, Qt.Key.Key_Delete)


def test_models_pass_the_model_tester(screen: AgenciesScreen, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(screen.agencies.model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(screen.members.model)  # type: ignore[no-untyped-call]
    assert screen.agencies.model.rowCount() == 9
    assert screen.members.model.rowCount() == 11


def test_create_edit_and_delete_an_agency_by_keyboard(
    qtbot: QtBot, screen: AgenciesScreen, records: RecordService, prompter: ScriptedPrompter
) -> None:
    lists = screen.show_tab(0)
    new_by_keyboard(lists)
    assert focused() is lists.form.name_edit  # type: ignore[attr-defined]
    type_text("Youth Offending Service")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    # The kind combo: typing a label's first letters chooses it.
    type_text("Probation")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    stored = [a for a in records.agencies() if a.name == "Youth Offending Service"]
    assert len(stored) == 1
    assert stored[0].kind is AgencyKind.PROBATION
    assert lists.model.row_of(stored[0].id) is not None
    assert lists.count_label.text() == "10 agencies"

    select_row(screen, 0, "Youth Offending Service")
    QTest.keyClick(lists.table, Qt.Key.Key_Return)
    name = focused()
    assert name is lists.form.name_edit  # type: ignore[attr-defined]
    assert isinstance(name, QLineEdit)
    name.selectAll()
    type_text("Youth Justice Service")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert records.get(Agency, stored[0].id).name == "Youth Justice Service"

    delete_row(screen, 0, "Youth Justice Service", prompter)
    assert "Youth Justice Service" in prompter.questions[-1]
    assert all(a.id != stored[0].id for a in records.agencies())
    assert lists.model.row_of(stored[0].id) is None


def test_deleting_an_agency_still_named_says_why_and_deletes_nothing(
    screen: AgenciesScreen, records: RecordService, prompter: ScriptedPrompter
) -> None:
    delete_row(screen, 0, "Police", prompter)
    shown = prompter.shown[-1]
    assert shown.kind == "error"
    assert shown.text.startswith("Police cannot be deleted: ")
    assert "1 member belongs to it" in shown.text
    assert "Change or delete those records first." in shown.text
    assert records.get(Agency, "police").name == "Police"
    assert screen.agencies.model.row_of("police") is not None


def test_a_blank_name_is_shown_next_to_the_name_field(
    screen: AgenciesScreen, records: RecordService
) -> None:
    lists = screen.show_tab(0)
    new_by_keyboard(lists)
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert lists.form.error_of("name") != ""
    assert lists.form.field_row("name").error_label.isVisible()
    assert "not saved" in lists.save_error.message
    assert len(records.agencies()) == 9


def test_create_edit_and_delete_a_member_by_keyboard(
    screen: AgenciesScreen, records: RecordService, prompter: ScriptedPrompter
) -> None:
    lists = screen.show_tab(1)
    new_by_keyboard(lists)
    type_text("Priya Okonkwo-Hale")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    type_text("Police")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    type_text("Detective Sergeant")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    stored = [m for m in records.members() if m.name == "Priya Okonkwo-Hale"]
    assert len(stored) == 1
    assert (stored[0].agency, stored[0].role) == ("police", "Detective Sergeant")
    # The agency tab counts the new member.
    agencies = screen.agencies.model
    police = agencies.row_of("police")
    assert police is not None
    assert agencies.index(police, 2).data() == "2"

    select_row(screen, 1, "Priya Okonkwo-Hale")
    QTest.keyClick(lists.table, Qt.Key.Key_Return)
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    role = focused()
    assert isinstance(role, QLineEdit)
    role.selectAll()
    type_text("Detective Inspector")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert records.get(Member, stored[0].id).role == "Detective Inspector"

    delete_row(screen, 1, "Priya Okonkwo-Hale", prompter)
    assert all(m.id != stored[0].id for m in records.members())


def test_a_query_opens_the_tab_that_lists_it(screen: AgenciesScreen) -> None:
    from crag_desktop.services.memory_lists import AgencyQuery, MemberQuery

    screen.apply_query(MemberQuery(agency="police"))
    assert screen.tabs.currentIndex() == 1
    assert screen.members.model.total >= 1
    assert all(
        screen.members.model.row_at(i).agency_id == "police"
        for i in range(screen.members.model.rowCount())
    )
    screen.apply_query(AgencyQuery(kind=AgencyKind.POLICE))
    assert screen.tabs.currentIndex() == 0
    assert screen.agencies.model.total == 1
