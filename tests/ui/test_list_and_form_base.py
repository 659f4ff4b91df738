"""What every list screen and record form shares: fitting a laptop screen, master-detail
selection, errors that follow the typing, collection editors, and dates as people type them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, cast

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crag_desktop.domain.vocabulary import LegalStatus, ParallelProcessType, Sex
from crag_desktop.services.database import Database
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import ReferralList, ReviewList
from crag_desktop.services.recommendation_list import RecommendationList
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.collection import Cell, CellKind, CollectionEditor
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.agencies import AgenciesScreen
from crag_desktop.ui.views.list_screen import ListScreen
from crag_desktop.ui.views.recommendations import RecommendationsScreen
from crag_desktop.ui.views.referrals import ReferralsScreen
from crag_desktop.ui.views.reviews import ReviewsScreen
from crag_desktop.ui.widgets import UkDateEdit, parse_uk_date
from tests.helpers.qt import press, show_screen, type_text
from tests.ui.conftest import combo_text_room, longest_choice_width

#: The window is 1280 px wide at most on the smallest laptop; the navigation takes ~220.
SCREEN_WIDTH = 1000


def _show(qtbot: QtBot, screen: QWidget, width: int = 1220) -> None:
    show_screen(qtbot, screen, width, 860)


@pytest.fixture
def screens(
    qtbot: QtBot, demo_db: Database, prompter: ScriptedPrompter
) -> Iterator[list[ListScreen[Any, Any, Any]]]:
    records = RecordService(db=demo_db)
    drafts = DraftService(db=demo_db)
    made: list[ListScreen[Any, Any, Any]] = [
        ReferralsScreen(
            records=records, lists=ReferralList(db=demo_db), drafts=drafts, prompter=prompter
        ),
        ReviewsScreen(
            records=records, lists=ReviewList(db=demo_db), drafts=drafts, prompter=prompter
        ),
        RecommendationsScreen(
            records=records,
            lists=RecommendationList(db=demo_db),
            drafts=drafts,
            prompter=prompter,
        ),
    ]
    for screen in made:
        screen.refresh(None)
        _show(qtbot, screen, SCREEN_WIDTH)
    yield made
    for screen in made:
        screen.form.discard_changes()


@pytest.fixture
def referrals(
    qtbot: QtBot, demo_db: Database, prompter: ScriptedPrompter
) -> Iterator[ReferralsScreen]:
    screen = ReferralsScreen(
        records=RecordService(db=demo_db),
        lists=ReferralList(db=demo_db),
        drafts=DraftService(db=demo_db),
        prompter=prompter,
        autosave_ms=60_000,
        search_delay_ms=1,
    )
    screen.refresh(None)
    _show(qtbot, screen)
    yield screen
    screen.form.discard_changes()


def _rect_in(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


def _visible_in_scroll(screen: ListScreen[Any, Any, Any], widget: QWidget) -> bool:
    viewport = screen.form_scroll.viewport()
    top_left = widget.mapTo(viewport, QPoint(0, 0))
    return viewport.rect().contains(QRect(top_left, widget.size()))


# --- 1, 2: fitting a laptop screen ------------------------------------------------------------


def test_every_list_screen_fits_beside_the_navigation(
    screens: list[ListScreen[Any, Any, Any]],
) -> None:
    for screen in screens:
        assert screen.minimumSizeHint().width() <= SCREEN_WIDTH, screen.title
        assert screen.width() <= SCREEN_WIDTH, screen.title


def test_filter_labels_and_the_search_box_never_overlap(
    screens: list[ListScreen[Any, Any, Any]],
) -> None:
    for screen in screens:
        box = screen.search_box
        placeholder = box.fontMetrics().horizontalAdvance(box.placeholderText())
        assert box.width() >= placeholder + 40, screen.title  # icon and clear button too
        pieces: list[QWidget] = [box]
        for combo in screen.filter_combos:
            label = next(
                w for w in screen.findChildren(QLabel) if w.buddy() is combo and w.isVisible()
            )
            pieces += [label, combo]
        rects = [_rect_in(w, screen) for w in pieces]
        for i, first in enumerate(rects):
            assert first.right() < screen.width(), (screen.title, pieces[i])
            for j in range(i + 1, len(rects)):
                assert not first.intersects(rects[j]), (screen.title, pieces[i], pieces[j])


# --- 3: room for the list, and the hint's article ---------------------------------------------


def test_the_list_has_most_of_the_room_until_a_record_opens(
    referrals: ReferralsScreen,
) -> None:
    list_width, panel_width = referrals.splitter.sizes()
    assert list_width > panel_width
    assert "Choose a referral in the list" in referrals.empty_panel.text()
    assert referrals.open_record("R1")
    list_width, panel_width = referrals.splitter.sizes()
    assert panel_width > list_width


def test_the_hint_says_an_before_a_vowel(
    qtbot: QtBot, demo_db: Database, prompter: ScriptedPrompter
) -> None:
    screen = AgenciesScreen(
        records=RecordService(db=demo_db), drafts=DraftService(db=demo_db), prompter=prompter
    )
    _show(qtbot, screen)
    assert "Choose an agency in the list" in screen.agencies.empty_panel.text()
    assert "Choose a member in the list" in screen.members.empty_panel.text()


# --- 4: master-detail ---------------------------------------------------------------------------


def _click_row(qtbot: QtBot, screen: ListScreen[Any, Any, Any], row: int) -> None:
    rect = screen.table.visualRect(screen.model.index(row, 0))
    cast(Any, qtbot).mouseClick(
        screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
    )


def test_a_click_opens_the_row_and_delete_names_it(
    qtbot: QtBot, referrals: ReferralsScreen, prompter: ScriptedPrompter
) -> None:
    referrals.table.setFocus()
    _click_row(qtbot, referrals, 2)
    assert QApplication.focusWidget() is referrals.table
    assert referrals.form.record_id == referrals.model.row_id(2)
    assert referrals.panel.currentWidget() is not referrals.empty_panel
    # The list keeps the keyboard: arrowing down opens the next record.
    press(qtbot, referrals.table, Qt.Key.Key_Down)
    opened = referrals.model.row_id(3)
    assert referrals.form.record_id == opened
    assert QApplication.focusWidget() is referrals.table

    prompter.answer_confirm(False)
    referrals.delete_action.trigger()
    reference = referrals.form.reference.text()
    name = referrals.form.case_name.text()
    assert f"Delete referral {reference} ({name})?" in prompter.questions[-1]


def test_cancelling_the_unsaved_question_keeps_the_open_record_selected(
    qtbot: QtBot, referrals: ReferralsScreen, prompter: ScriptedPrompter
) -> None:
    _click_row(qtbot, referrals, 1)
    open_id = referrals.model.row_id(1)
    type_text(qtbot, referrals.form.summary, " Typed.")
    assert referrals.form.is_dirty

    prompter.answer_confirm(False, False)  # not Save, not Discard: Cancel
    _click_row(qtbot, referrals, 4)
    assert prompter.questions[-2].startswith("Save the changes to referral")
    assert referrals.form.record_id == open_id
    assert referrals.form.is_dirty
    qtbot.waitUntil(lambda: referrals.table.currentIndex().row() == 1)
    selected = referrals.table.selectionModel().selectedRows()
    assert [i.row() for i in selected] == [1]

    prompter.answer_confirm(False, True)  # Discard
    _click_row(qtbot, referrals, 4)
    assert referrals.form.record_id == referrals.model.row_id(4)


# --- 5: errors that follow the typing ---------------------------------------------------------


def test_ctrl_s_scrolls_to_the_first_error_and_editing_clears_it(
    qtbot: QtBot, referrals: ReferralsScreen
) -> None:
    assert referrals.new_record()
    form = referrals.form
    form.referring_agency.setCurrentIndex(1)
    form.incident_type.setCurrentIndex(1)
    form.case_name.setText("Child E")
    form.children_editor.cell_widget(0, "pseudonym").setProperty("text", "Child E")
    # A bad date far down the form, with the top of the form in view.
    pauses = form.pauses_editor
    pauses.add_row({"clock": "rapid_review", "paused_on": "99/99/2024", "reason": "trial"})
    referrals.form_scroll.verticalScrollBar().setValue(0)
    form.reference.setFocus()
    press(qtbot, form.reference, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    date = pauses.cell_widget(0, "paused_on")
    assert isinstance(date, UkDateEdit)
    bad = date.line_edit
    assert QApplication.focusWidget() is date.line_edit
    assert referrals.form_scroll.verticalScrollBar().value() > 0
    assert _visible_in_scroll(referrals, bad)
    assert "Pause 1, paused on" in pauses.error_label.message

    press(qtbot, bad, Qt.Key.Key_Backspace)
    assert not pauses.error_label.isVisible()
    assert date.property("invalid") is False


def test_choosing_the_agency_clears_its_error(qtbot: QtBot, referrals: ReferralsScreen) -> None:
    assert referrals.new_record()
    form = referrals.form
    assert not referrals.save()
    assert form.error_of("referring_agency") == "choose the referring agency"
    form.referring_agency.setFocus()
    type_text(qtbot, form.referring_agency, "Police")
    assert form.error_of("referring_agency") == ""
    assert not form.field_row("referring_agency").error_label.isVisible()


# --- 6, 9: collection editors -------------------------------------------------------------------


def test_a_new_child_row_starts_on_unknown(referrals: ReferralsScreen) -> None:
    assert referrals.new_record()
    row = referrals.form.children_editor.rows()[0]
    assert row["sex"] == Sex.UNKNOWN.value
    assert row["legal_status"] == LegalStatus.UNKNOWN.value


def test_a_choice_without_unknown_starts_empty(qtbot: QtBot) -> None:
    editor = CollectionEditor(
        cells=(
            Cell(
                name="type",
                title="Process",
                kind=CellKind.CHOICE,
                vocabulary=ParallelProcessType,
                empty="Choose the process",
            ),
        ),
        noun="process",
    )
    qtbot.addWidget(editor)
    editor.add_row()
    assert editor.rows() == [{"type": None}]
    assert editor.cell_widget(0, "type").property("currentText") == "Choose the process"


def _heading(editor: CollectionEditor, row: int) -> QLabel:
    """The card's heading ("Child 2"): its first label."""
    label = editor.card(row).findChild(QLabel)
    assert label is not None
    return label


# The screen's width beside the navigation in a 1024 px and a 1200 px window.
@pytest.mark.parametrize("width", [760, 940])
def test_each_child_is_a_card_with_every_label_and_choice_whole(
    qtbot: QtBot, referrals: ReferralsScreen, width: int
) -> None:
    referrals.resize(width, 640)
    assert referrals.new_record()
    editor = referrals.form.children_editor
    editor.add_row({"legal_status": "child_protection_plan", "ethnicity": "White British"})
    referrals.form_scroll.ensureWidgetVisible(editor)
    heading = _heading(editor, 1)
    qtbot.waitUntil(lambda: heading.width() >= heading.sizeHint().width())
    for row in range(editor.row_count()):
        card = editor.card(row)
        # The card says which child it is, and its Remove button says it too.
        assert _heading(editor, row).text() == f"Child {row + 1}"
        assert editor.remove_button(row).accessibleName() == f"Remove child {row + 1}"
        for label in card.findChildren(QLabel):
            if label.isVisible():
                assert label.width() >= label.sizeHint().width(), label.text()
        for combo in card.findChildren(QComboBox):
            # The longest choice, not only the one shown, fits: no "Child prot…".
            assert longest_choice_width(combo) <= combo_text_room(combo), combo.accessibleName()
        years = editor.cell_widget(row, "age_years")
        assert isinstance(years, QSpinBox)
        assert years.text() == "Not known"
        assert years.lineEdit().width() >= years.fontMetrics().horizontalAdvance("Not known")
        # The card fits the form: nothing runs under its right edge.
        for widget in card.findChildren(QWidget):
            if widget.isVisible():
                assert widget.geometry().right() <= card.contentsRect().right(), widget


def test_removing_a_card_keeps_the_keyboard_in_the_list_of_children(
    qtbot: QtBot, referrals: ReferralsScreen
) -> None:
    assert referrals.new_record()
    editor = referrals.form.children_editor
    editor.add_row({"pseudonym": "Child F"})
    editor.add_row({"pseudonym": "Child G"})
    editor.remove_button(0).setFocus()
    press(qtbot, editor.remove_button(0), Qt.Key.Key_Space)
    assert [r["pseudonym"] for r in editor.rows()] == ["Child F", "Child G"]
    # The next child's Remove button has the keyboard; the cards are numbered again.
    assert QApplication.focusWidget() is editor.remove_button(0)
    assert _heading(editor, 0).text() == "Child 1"
    assert editor.cell_widget(0, "pseudonym").accessibleName() == "Child 1 pseudonym"
    assert editor.current_row() == 0
    press(qtbot, editor.remove_button(0), Qt.Key.Key_Space)
    press(qtbot, editor.remove_button(0), Qt.Key.Key_Space)
    assert editor.row_count() == 0
    assert QApplication.focusWidget() is editor.add_button
    assert editor.empty_label.isVisible()
    assert editor.empty_label.text() == "No children listed."


# --- 10: dates as people type them ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["01/11/2026", "01112026", "1/11/2026", "1.11.26", "1-11-2026"])
def test_dates_are_read_however_they_are_typed(typed: str) -> None:
    assert parse_uk_date(typed) == dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("31/02/2016", "is not a real date: check the day and month"),
        ("01132026", "is not a real date: check the day and month"),
        ("1/11", "is not a date: type it as dd/mm/yyyy"),
        ("123456789", "is not a date: type it as dd/mm/yyyy"),
    ],
)
def test_dates_that_are_not_dates_say_why(typed: str, sentence: str) -> None:
    with pytest.raises(ValueError, match=sentence):
        parse_uk_date(typed)
