"""The Learning screen on the demo database: the catalogue with its review counts, and the
learning events, driven from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import LearningEvent, LearningPoint
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.fields import CheckList
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.learning import LearningScreen
from tests.helpers.qt import Editing, new_by_keyboard, shown_screen
from tests.helpers.qt import focused_widget as focused

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def screen(qtbot: QtBot, editing: Editing) -> Iterator[LearningScreen]:
    made = LearningScreen(
        **editing,
        carriers=editing["records"].learning_point_review_titles,
        autosave_ms=60_000,
        search_delay_ms=1,
    )
    with shown_screen(qtbot, made, 1300, 800):
        yield made


def test_models_pass_the_model_tester(screen: LearningScreen, qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(screen.points.model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(screen.events.model)  # type: ignore[no-untyped-call]
    assert screen.events.model.rowCount() == 3


def test_the_catalogue_counts_the_reviews_carrying_each_point(screen: LearningScreen) -> None:
    model = screen.points.model
    counts = {model.row_id(r): model.index(r, 1).data() for r in range(model.rowCount())}
    # lp9 is in five of the demo's seven reviews; lp7 only in Child A and Child B's.
    assert counts["lp9"] == "5"
    assert counts["lp7"] == "1"
    # Most carried first.
    assert model.row_id(0) == "lp9"


def test_an_open_point_names_the_reviews_that_carry_it(screen: LearningScreen) -> None:
    lists = screen.points
    screen.show_tab(0)
    lists.table.setFocus()
    lists.table.setCurrentIndex(lists.model.index(lists.model.row_of("lp7") or 0, 0))
    QTest.keyClick(lists.table, Qt.Key.Key_Return)
    assert lists.form.usage_label.text() == (
        "1 review carries this learning point: Child A and Child B."
    )
    lists.table.setFocus()
    lists.table.setCurrentIndex(lists.model.index(lists.model.row_of("lp9") or 0, 0))
    QTest.keyClick(lists.table, Qt.Key.Key_Return)
    usage = lists.form.usage_label.text()
    assert usage.startswith("5 reviews carry this learning point: ")
    # Every one of the five is named, and the count column's tooltip lists the same.
    tooltip = lists.model.index(lists.model.row_of("lp9") or 0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert len(tooltip.splitlines()) == 5
    assert all(line in usage for line in tooltip.splitlines())
    assert "Baby L" in usage


def test_create_edit_and_delete_a_learning_point_by_keyboard(
    screen: LearningScreen, records: RecordService, prompter: ScriptedPrompter
) -> None:
    lists = screen.show_tab(0)
    new_by_keyboard(lists)
    QTest.keyClicks(focused(), "Hear the child's own words in every assessment.")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    point_id = lists.form.record_id
    assert point_id is not None
    assert records.get(LearningPoint, point_id).text == (
        "Hear the child's own words in every assessment."
    )
    row = lists.model.row_of(point_id)
    assert row is not None
    assert lists.model.index(row, 1).data() == "0"

    lists.table.setFocus()
    lists.table.setCurrentIndex(lists.model.index(row, 0))
    QTest.keyClick(lists.table, Qt.Key.Key_Return)
    QTest.keyClick(focused(), Qt.Key.Key_End, CTRL)
    QTest.keyClicks(focused(), " Write them down.")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert records.get(LearningPoint, point_id).text.endswith("Write them down.")

    row = lists.model.row_of(point_id)
    assert row is not None
    lists.table.setFocus()
    lists.table.setCurrentIndex(lists.model.index(row, 0))
    prompter.answer_confirm(True)
    QTest.keyClick(lists.table, Qt.Key.Key_Delete)
    assert all(p.id != point_id for p in records.learning_points())


def test_a_point_reviews_carry_is_not_deleted(
    screen: LearningScreen, records: RecordService, prompter: ScriptedPrompter
) -> None:
    lists = screen.show_tab(0)
    lists.table.setFocus()
    lists.table.setCurrentIndex(lists.model.index(0, 0))
    prompter.answer_confirm(True)
    QTest.keyClick(lists.table, Qt.Key.Key_Delete)
    assert prompter.shown[-1].kind == "error"
    assert "5 reviews list it as learning" in prompter.shown[-1].text
    assert records.get(LearningPoint, "lp9").id == "lp9"


def test_create_edit_and_delete_a_learning_event_by_keyboard(
    screen: LearningScreen, records: RecordService, prompter: ScriptedPrompter
) -> None:
    lists = screen.show_tab(1)
    new_by_keyboard(lists)
    QTest.keyClicks(focused(), "20/03/2017")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    QTest.keyClicks(focused(), "Neglect: noticing the long view")
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    check_list = focused()
    assert isinstance(check_list, CheckList)
    baby_l = next(i for i in range(check_list.count()) if check_list.item(i).text() == "Baby L")
    check_list.setCurrentRow(baby_l)
    QTest.keyClick(check_list, Qt.Key.Key_Space)
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    QTest.keyClicks(focused(), "45")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    event_id = lists.form.record_id
    assert event_id is not None
    stored = records.get(LearningEvent, event_id)
    assert (stored.date, stored.title, stored.reviews, stored.attendance) == (
        date(2017, 3, 20),
        "Neglect: noticing the long view",
        ("V1",),
        45,
    )
    assert lists.count_label.text() == "4 learning events"

    opened = lists.model.row_of(event_id)
    assert opened is not None
    lists.table.setFocus()
    lists.table.setCurrentIndex(lists.model.index(opened, 0))
    QTest.keyClick(lists.table, Qt.Key.Key_Return)
    QTest.keyClick(focused(), Qt.Key.Key_Tab)
    title = focused()
    assert isinstance(title, QLineEdit)
    title.selectAll()
    QTest.keyClicks(title, "Neglect: the long view")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert records.get(LearningEvent, event_id).title == "Neglect: the long view"

    deleting = lists.model.row_of(event_id)
    assert deleting is not None
    lists.table.setFocus()
    lists.table.setCurrentIndex(lists.model.index(deleting, 0))
    prompter.answer_confirm(True)
    QTest.keyClick(lists.table, Qt.Key.Key_Delete)
    assert lists.model.row_of(event_id) is None
    assert lists.count_label.text() == "3 learning events"


def test_an_event_without_a_title_shows_the_error_at_the_title(screen: LearningScreen) -> None:
    lists = screen.show_tab(1)
    new_by_keyboard(lists)
    QTest.keyClicks(focused(), "20/03/2017")
    QTest.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert lists.form.error_of("title") != ""
    assert lists.form.field_row("title").error_label.isVisible()
