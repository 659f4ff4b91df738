"""The Reviews screen and the review form: every field, the clock, errors, drafts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from crag_desktop.domain.clock import ClockKind, ClockStatus, clock_state
from crag_desktop.domain.records import (
    Child,
    ClockPause,
    FamilyContribution,
    LearningSummary,
    ParallelProcess,
    Recommendation,
    Referral,
    Review,
)
from crag_desktop.domain.vocabulary import (
    LegalStatus,
    Methodology,
    ParallelProcessStatus,
    ParallelProcessType,
    ReviewStatus,
    ReviewType,
    Sex,
    Theme,
)
from crag_desktop.services.database import Database
from crag_desktop.services.lists import ReviewList, ReviewQuery
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.clocks import review_clock_text
from crag_desktop.ui.forms.review_form import parse_pounds
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.reviews import ReviewsScreen
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
from tests.helpers.records import keyed_review


@pytest.fixture
def lists(demo_db: Database) -> ReviewList:
    return ReviewList(db=demo_db)


screen = list_screen_fixture(ReviewsScreen)


@pytest.fixture
def full_review(records: RecordService) -> Review:
    """A review with every field filled, stored."""
    points = [p.id for p in records.learning_points()]
    review = Review(
        id="V-full",
        referral="R1",
        title="Child F",
        type=ReviewType.LCSPR,
        methodology=Methodology.SCIE_SYSTEMS,
        status=ReviewStatus.COMPLETED_PENDING_PARALLEL,
        lead_reviewer="Independent reviewer (fictional): A. Reviewer",
        commissioned_on=dt.date(2016, 4, 4),
        tor_agreed_on=dt.date(2016, 5, 3),
        signed_off_on=dt.date(2017, 6, 1),
        published_on=dt.date(2017, 9, 1),
        cost_gbp=Decimal("18250.50"),
        children=(
            Child(
                pseudonym="Child F",
                sex=Sex.MALE,
                age_years=15,
                age_months=2,
                disability_or_sen=True,
                legal_status=LegalStatus.LOOKED_AFTER,
                ethnicity="White British",
            ),
            Child(pseudonym="Child G", sex=Sex.FEMALE),
        ),
        themes=(Theme.SELF_HARM, Theme.ONLINE_SAFETY),
        parallel_processes=(
            ParallelProcess(
                type=ParallelProcessType.INQUEST,
                status=ParallelProcessStatus.ONGOING,
                started_on=dt.date(2016, 6, 1),
                notes="Coroner asked the review to wait.",
            ),
            ParallelProcess(
                type=ParallelProcessType.CRIMINAL,
                status=ParallelProcessStatus.CONCLUDED,
                started_on=dt.date(2016, 5, 1),
                concluded_on=dt.date(2017, 1, 9),
            ),
        ),
        family_contributions=(
            FamilyContribution(
                who="mother",
                facilitated_by="advocacy service",
                on=dt.date(2016, 10, 12),
                saw_report_before_publication=True,
            ),
        ),
        learning_points=(points[3], points[0]),
        learning_summary=LearningSummary(
            published_on=dt.date(2017, 9, 1), link="https://example.org/child-f"
        ),
        draft_on=dt.date(2017, 3, 1),
        clock_pauses=(
            ClockPause(
                clock="scr_completion_aim",
                paused_on=dt.date(2016, 6, 1),
                resumed_on=dt.date(2016, 7, 1),
                reason="inquest",
            ),
        ),
    )
    records.save(review)
    return records.get(Review, "V-full")


def test_list_shows_reviews_with_labels(screen: ReviewsScreen) -> None:
    assert screen.model.rowCount() == screen.model.total == 7
    assert screen.count_label.text() == "7 reviews"
    types = {screen.model.index(r, 1).data() for r in range(7)}
    assert "Serious case review" in types


def test_search_and_filter(screen: ReviewsScreen, qtbot: QtBot, lists: ReviewList) -> None:
    type_text(qtbot, screen.search_box, "Baby L")
    qtbot.waitUntil(lambda: screen.model.total == 1)
    press(qtbot, screen.search_box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.model.total == 7)
    status = screen.filter_combos[0]
    status.setCurrentIndex(status.findText("Not yet signed off"))
    qtbot.waitUntil(lambda: screen.model.query.unfinished)
    assert screen.model.total == lists.count(ReviewQuery(unfinished=True)) < 7


def test_form_round_trips_every_field(
    screen: ReviewsScreen, full_review: Review, records: RecordService
) -> None:
    screen.refresh(None)
    assert screen.open_record("V-full")
    form = screen.form
    assert form.cost.text() == "18,250.50"
    assert form.referral_label.text().startswith("CRAG-2014-03")
    assert form.record() == full_review
    assert form.children_editor.row_count() == 2
    assert form.processes_editor.row_count() == 2
    # Saving unchanged changes nothing.
    assert screen.save()
    assert records.get(Review, "V-full") == full_review


def test_review_draft_restores_every_field(
    qtbot: QtBot,
    editing: Editing,
    lists: ReviewList,
    prompter: ScriptedPrompter,
    full_review: Review,
) -> None:
    drafts = editing["drafts"]
    first = make_list_screen(ReviewsScreen, qtbot, editing, lists)
    first.open_record("V-full")
    type_text(qtbot, first.form.lead_reviewer, " Jr")
    qtbot.waitUntil(lambda: drafts.load("review:V-full") is not None)
    first.form._autosave.stop()
    first.hide()
    first.deleteLater()

    second = make_list_screen(ReviewsScreen, qtbot, editing, lists)
    prompter.answer_confirm(False)  # "Delete it?" No: restore
    second.open_record("V-full")
    assert "No restores the unsaved work" in prompter.questions[-1]
    expected = dataclasses.replace(full_review, lead_reviewer=full_review.lead_reviewer + " Jr")
    assert second.form.record() == expected
    assert second.save()
    assert editing["records"].get(Review, "V-full") == expected
    assert drafts.load("review:V-full") is None


def test_new_review_by_keyboard(
    screen: ReviewsScreen, qtbot: QtBot, records: RecordService, lists: ReviewList
) -> None:
    form = new_by_keyboard(screen)
    type_text(qtbot, form.title_edit, "Child N")
    press(qtbot, form.title_edit, Qt.Key.Key_Tab)
    type_text(qtbot, form.type, "Learning")
    press(qtbot, form.type, Qt.Key.Key_Tab)
    type_text(qtbot, form.methodology, "Reviewer")
    form.themes.item(2).setCheckState(Qt.CheckState.Checked)
    click(qtbot, form.processes_editor.add_button)
    # A new process names no kind until one is chosen: nobody saves a guess by accident.
    process = form.processes_editor.cell_widget(0, "type")
    assert process.property("currentText") == "Choose the process"
    type_text(qtbot, process, "Inquest")
    type_text(qtbot, form.cost, "£1,200")
    press(qtbot, form.cost, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert form.record_id is not None
    assert not form.is_new
    stored = records.get(Review, form.record_id)
    assert stored.title == "Child N"
    assert stored.type == ReviewType.LEARNING
    assert stored.methodology == Methodology.REVIEWER_LED
    assert stored.cost_gbp == Decimal("1200.00")
    assert stored.themes == (Theme.SELF_HARM,)
    assert [p.type for p in stored.parallel_processes] == [ParallelProcessType.INQUEST]
    assert lists.count(ReviewQuery()) == 8
    assert screen.count_label.text() == "8 reviews"


def test_errors_show_at_their_fields(
    screen: ReviewsScreen, qtbot: QtBot, full_review: Review, records: RecordService
) -> None:
    screen.open_record("V-full")
    form = screen.form
    form.cost.clear()
    type_text(qtbot, form.cost, "lots")
    pseudonym = form.children_editor.cell_widget(1, "pseudonym")
    assert not screen.save()
    assert "not an amount" in form.error_of("cost_gbp")

    form.cost.clear()
    type_text(qtbot, form.cost, "-5")
    pseudonym.setFocus()
    press(qtbot, pseudonym, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, pseudonym, Qt.Key.Key_Delete)
    form.published_on.line_edit.setText("01/01/2017")  # before sign-off
    assert not screen.save()
    assert form.error_of("cost_gbp") == "must be zero or more"
    assert "sign-off" in form.error_of("published_on")
    assert "Child 2, pseudonym" in form.children_editor.error_label.message
    assert pseudonym.property("invalid") is True
    assert records.get(Review, "V-full") == full_review


def test_clock_text_against_the_marks() -> None:
    text = review_clock_text(dt.date(2016, 1, 4), None, (), today=dt.date(2016, 12, 1))
    assert "Running for 10 months" in text
    assert "6-month completion aim: breached, 150 days overdue (due 04/07/2016)" in text
    assert "Local sign-off: due 04/07/2017, local aim 04/01/2017 (215 days left)" in text
    done = review_clock_text(
        dt.date(2014, 8, 5), dt.date(2016, 1, 19), (), today=dt.date(2017, 1, 1)
    )
    assert "17 months after commissioning" in done
    assert (
        "Local sign-off: met, signed off 19/01/2016 (due 05/02/2016, local aim 05/08/2015 missed)"
        in done
    )
    assert "LCSPR" not in done  # only an LCSPR has the final report clock


def test_clock_shown_in_form(screen: ReviewsScreen, full_review: Review) -> None:
    screen.open_record("V-full")
    lines = screen.form.clock_label.text().splitlines()
    # The inquest pause held the 6-month clock for 30 days: 04/10/2016 became 03/11/2016.
    assert (
        "6-month completion aim: breached, signed off 01/06/2017, 210 days late "
        "(due 03/11/2016; extended by 30 days: paused for inquest)"
    ) in lines
    assert any(line.startswith("Local sign-off: met") for line in lines)
    # An LCSPR: the final report was due 7 working days before publication on 01/09/2017.
    assert any(
        line.startswith("Final LCSPR report to the Panel: was due 22/08/2017") for line in lines
    )
    assert screen.form.pauses_editor.row_count() == 1


def test_a_long_running_demo_review_shows_its_aim_breached(
    screen: ReviewsScreen, qtbot: QtBot
) -> None:
    # V5 (Young Person N) was commissioned on 04/08/2015 and never signed off; the screen
    # counts to the real today, so the expectation is computed the same way.
    assert screen.open_record("V5")
    state = clock_state(ClockKind.SCR_COMPLETION_AIM, dt.date(2015, 8, 4), today=dt.date.today())
    assert state.status is ClockStatus.BREACHED
    overdue = (dt.date.today() - state.due_on).days
    line = f"6-month completion aim: breached, {overdue:,} days overdue (due 04/02/2016)"
    assert line in screen.form.clock_label.text().splitlines()


def test_pausing_a_review_clock_by_keyboard_moves_its_line(
    screen: ReviewsScreen, qtbot: QtBot, records: RecordService
) -> None:
    assert screen.open_record("V5")
    form = screen.form
    editor = form.pauses_editor
    form.published_on.line_edit.setFocus()
    tab_to(qtbot, editor.add_button)
    press(qtbot, editor.add_button, Qt.Key.Key_Space)
    clock = editor.cell_widget(0, "clock")
    assert isinstance(clock, QComboBox)
    assert focused() is clock
    type_text(qtbot, clock, "Local")
    assert clock.currentData() == "local_sign_off"
    press(qtbot, clock, Qt.Key.Key_Tab)
    type_text(qtbot, focused_widget(), "01/09/2015")
    press(qtbot, focused_widget(), Qt.Key.Key_Tab)
    type_text(qtbot, focused_widget(), "01/03/2016")
    press(qtbot, focused_widget(), Qt.Key.Key_Tab)
    assert focused() is editor.cell_widget(0, "reason")
    type_text(qtbot, focused_widget(), "the criminal trial")
    # Recomputed while typing: 182 days held move the 18-month mark from 04/02/2017.
    qtbot.waitUntil(lambda: "paused for the criminal trial" in form.clock_label.text())
    assert "extended by 182 days" in form.clock_label.text()
    press(qtbot, focused_widget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert records.get(Review, "V5").clock_pauses == (
        ClockPause(
            clock="local_sign_off",
            paused_on=dt.date(2015, 9, 1),
            resumed_on=dt.date(2016, 3, 1),
            reason="the criminal trial",
        ),
    )
    assert not form.is_dirty


def test_pounds_are_read_as_typed() -> None:
    assert parse_pounds("£24,500") == Decimal("24500.00")
    assert parse_pounds("  ") is None
    with pytest.raises(ValueError, match="not an amount"):
        parse_pounds("twelve")


def test_delete_review_after_confirmation(
    screen: ReviewsScreen, prompter: ScriptedPrompter, records: RecordService, lists: ReviewList
) -> None:
    changes = records.save(keyed_review("V-del", dt.date(2016, 6, 1), ReviewStatus.COMMISSIONED))
    screen.refresh(changes)
    screen.open_record("V-del")
    prompter.answer_confirm(True)
    screen.delete_open_record()
    assert "Delete review “Review V-del”?" in prompter.questions[-1]
    assert lists.count(ReviewQuery()) == 7
    assert screen.panel.currentWidget() is screen.empty_panel


def test_learning_points_follow_the_catalogue(
    screen: ReviewsScreen, records: RecordService
) -> None:
    offered = screen.form.learning_points.count()
    assert offered == len(records.learning_points()) == 10


def test_the_referral_is_found_by_typing_never_by_id(
    screen: ReviewsScreen, qtbot: QtBot, full_review: Review, records: RecordService
) -> None:
    screen.refresh(None)
    assert screen.open_record("V-full")
    chooser = screen.form.referral
    assert chooser.chosen_label.text() == "CRAG-2014-03 — Baby L"
    chooser.search_edit.setFocus()
    type_text(qtbot, chooser.search_edit, "Child Q")
    assert chooser.matches.isVisible()
    assert [chooser.matches.item(i).text() for i in range(chooser.matches.count())] == [
        "CRAG-2014-09 — Child Q"
    ]
    press(qtbot, chooser.search_edit, Qt.Key.Key_Return)
    assert chooser.chosen_label.text() == "CRAG-2014-09 — Child Q"
    assert chooser.search_edit.text() == ""
    assert screen.form.is_dirty
    assert screen.save()
    chosen = records.get(Review, "V-full").referral
    assert chosen is not None
    assert records.get(Referral, chosen).reference == "CRAG-2014-09"

    # Matches are searched in SQL, 20 at most; a search that finds nothing says so.
    type_text(qtbot, chooser.search_edit, "CRAG")
    assert chooser.matches.count() == 9
    chooser.search_edit.clear()
    type_text(qtbot, chooser.search_edit, "nobody at all")
    assert chooser.matches.item(0).text() == "No referral matches"
    press(qtbot, chooser.search_edit, Qt.Key.Key_Return)
    assert chooser.chosen_label.text() == "CRAG-2014-09 — Child Q"

    click(qtbot, chooser.clear_button)
    assert chooser.chosen_label.text() == "Not commissioned from a referral."
    assert screen.save()
    assert records.get(Review, "V-full").referral is None


# --- the review's own recommendations --------------------------------------------------------


def test_baby_l_lists_its_recommendations_and_its_referrals_child(
    qtbot: QtBot, screen: ReviewsScreen, records: RecordService, qtmodeltester: Any
) -> None:
    assert screen.open_record("V1")
    form = screen.form
    ids = form.recommendation_ids()
    # The demo's Baby L review made recommendations 1 to 7, listed in number order.
    numbers = [records.get(Recommendation, i).number for i in ids]
    assert numbers == list(range(1, 8))
    assert all(records.get(Recommendation, i).review == "V1" for i in ids)
    assert form.recommendations_view.isVisibleTo(form)
    assert "7 recommendations" in form.recommendations_label.text()
    qtmodeltester.check(form.recommendations_model)
    # Baby L's review records no children of its own: its referral's child counts, named.
    assert form.referral_children_label.isVisibleTo(form)
    assert "Baby L (" in form.referral_children_label.text()

    # Another review shows only its own.
    assert screen.open_record("V2")
    assert {records.get(Recommendation, i).review for i in form.recommendation_ids()} == {"V2"}
    assert not form.referral_children_label.isVisibleTo(form)


def test_enter_or_a_double_click_opens_the_recommendation(
    qtbot: QtBot, screen: ReviewsScreen
) -> None:
    assert screen.open_record("V1")
    view = screen.form.recommendations_view
    second = screen.form.recommendation_ids()[1]
    view.setFocus()
    text = screen.form.recommendations_model.Column.TEXT
    view.setCurrentIndex(screen.form.recommendations_model.index(1, text))
    with qtbot.waitSignal(screen.recommendation_open_requested) as opened:
        press(qtbot, view, Qt.Key.Key_Return)
    assert opened.args == [second]
    first = screen.form.recommendation_ids()[0]
    rect = view.visualRect(screen.form.recommendations_model.index(0, text))
    # A real double-click is a press and release, then the double-click: QTest needs both.
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(screen.recommendation_open_requested) as opened:
        QTest.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [first]


def test_a_new_review_says_where_its_recommendations_go(screen: ReviewsScreen) -> None:
    screen.new_record()
    assert screen.form.recommendation_ids() == []
    assert "Save the review first" in screen.form.recommendations_label.text()
