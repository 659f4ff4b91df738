"""The dashboard on a hand-built dataset: each tile's number, sentence and first records, and
the filtered list a tile opens when clicked or activated from the keyboard."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from crag_desktop.services.dashboard import DashboardService
from crag_desktop.services.database import Database
from crag_desktop.services.interchange import add_document
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReviewList, ReviewQuery
from crag_desktop.services.recommendation_list import (
    RecommendationList,
    RecommendationQuery,
    RecommendationSort,
)
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.dashboard import (
    DashboardScreen,
    calendar_span,
    lateness,
)
from tests.helpers.dashboard import DOCUMENT as DASHBOARD
from tests.helpers.dashboard import TODAY, only
from tests.helpers.qt import show_screen, type_text

#: The dashboard's dataset cut down to a record or two a tile.
DOCUMENT = only(DASHBOARD, "P1", "P2", "P3", "P5", "V1", "V3", "V4", "V5", "REC1", "REC2", "REC5")


def dashboard_screen(qtbot: QtBot, db: Database) -> DashboardScreen:
    """The dashboard on `db`, TODAY being 1 March 2024, shown as the window shows it."""
    widget = DashboardScreen(
        dashboard=DashboardService(db=db),
        referrals=ReferralList(db=db),
        reviews=ReviewList(db=db),
        recommendations=RecommendationList(db=db, today=lambda: TODAY),
        prompter=ScriptedPrompter(),
        today=lambda: TODAY,
    )
    return show_screen(qtbot, widget, 1000, 900)


@pytest.fixture
def screen(qtbot: QtBot, database: Database) -> DashboardScreen:
    add_document(database, DOCUMENT, reason="test data")
    return dashboard_screen(qtbot, database)


def test_each_tile_shows_its_count_as_a_number_and_in_words(screen: DashboardScreen) -> None:
    shown = {
        key: (tile.number_label.text(), tile.title_label.text())
        for key, tile in screen.tiles.items()
    }
    assert shown == {
        "pending_decisions": ("2", "referrals await a decision"),
        "clocks": ("3", "statutory clocks due within 10 working days or late"),
        "review_6": (
            "1",
            "review not signed off after the 6-month completion aim (not yet 12 months)",
        ),
        "review_12": ("1", "review not signed off after 12 months (not yet 18 months)"),
        "review_18": ("1", "review not signed off after 18 months"),
        "overdue_recommendations": ("2", "recommendations are overdue"),
    }
    assert screen.tiles["clocks"].accessibleName() == (
        "3 statutory clocks due within 10 working days or late"
    )


def test_tiles_name_the_most_urgent_records(screen: DashboardScreen) -> None:
    clocks = screen.tiles["clocks"].items_label.text().splitlines()
    assert clocks == [
        # 38 working days is past the short-span limit: said in calendar terms instead.
        "• Serious incident notification for CRAG-2023-P3 (Child P3) late by 1 month 3 weeks"
        " (was due Tue 9 Jan)",
        "• Serious incident notification for CRAG-2023-P1 (Child P1) due in 2 working days"
        " (Tue 5 Mar)",
        "• Rapid review for CRAG-2023-P5 (Child P5) due in 9 working days (Thu 14 Mar)",
    ]
    pending = screen.tiles["pending_decisions"].items_label.text()
    assert "CRAG-2023-P5 Child P5: awaiting decision" in pending
    assert "CRAG-2023-P3" not in pending
    # Each band lists only its own reviews.
    assert "Review V3" in screen.tiles["review_18"].items_label.text()
    assert "Review V3" not in screen.tiles["review_12"].items_label.text()
    assert "Review V3" not in screen.tiles["review_6"].items_label.text()
    assert "Review V5" in screen.tiles["review_12"].items_label.text()
    assert "Review V5" not in screen.tiles["review_6"].items_label.text()
    assert "Review V1" in screen.tiles["review_6"].items_label.text()
    overdue = screen.tiles["overdue_recommendations"].items_label.text().splitlines()
    assert overdue[0].startswith("• Recommendation 5 of Review V1, lead ")


def test_clicking_a_tile_opens_the_pending_referrals(qtbot: QtBot, screen: DashboardScreen) -> None:
    with qtbot.waitSignal(screen.open_list) as blocker:
        QTest.mouseClick(screen.tiles["pending_decisions"], Qt.MouseButton.LeftButton)
    assert blocker.args == [ScreenKey.REFERRALS, ReferralQuery(pending_decision=True)]


def test_enter_on_a_focused_tile_opens_its_list(
    qtbot: QtBot, screen: DashboardScreen, database: Database
) -> None:
    tile = screen.tiles["overdue_recommendations"]
    tile.setFocus()
    with qtbot.waitSignal(screen.open_list) as blocker:
        QTest.keyClick(tile, Qt.Key.Key_Return)
    assert blocker.args == [
        ScreenKey.RECOMMENDATIONS,
        RecommendationQuery(overdue_on=TODAY, sort=RecommendationSort.DUE),
    ]
    screen.tiles["review_12"].setFocus()
    with qtbot.waitSignal(screen.open_list) as blocker:
        QTest.keyClick(screen.tiles["review_12"], Qt.Key.Key_Space)
    key, query = blocker.args
    assert key == ScreenKey.REVIEWS
    assert isinstance(query, ReviewQuery)
    # The list the tile opens holds exactly the reviews the tile counted.
    assert {row.title for row in ReviewList(db=database).page(query)} == {"Review V5"}


def test_a_focused_tile_shows_it_in_its_border_and_nowhere_else(
    qtbot: QtBot, screen: DashboardScreen
) -> None:
    tile = screen.tiles["pending_decisions"]
    screen.tiles["clocks"].setFocus()
    plain = tile.grab().toImage()
    # Reached by the keyboard, as the style draws focus only after a Tab.
    QTest.keyClick(screen.tiles["clocks"], Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(tile.hasFocus)
    focused = tile.grab().toImage()
    assert plain.size() == focused.size()
    band = 8  # the border, left bar included (6 px), and its rounded corners
    inside: list[tuple[int, int]] = []
    edge: list[tuple[int, int]] = []
    for y in range(plain.height()):
        for x in range(plain.width()):
            if plain.pixel(x, y) == focused.pixel(x, y):
                continue
            near_edge = min(x, y, plain.width() - 1 - x, plain.height() - 1 - y) < band
            (edge if near_edge else inside).append((x, y))
    assert edge, "the focus is visible"
    # A focus rectangle drawn inside the card looked like a glitch: nothing inside changes.
    assert inside == []


def test_clear_forgets_the_figures_and_refresh_brings_them_back(
    screen: DashboardScreen,
) -> None:
    screen.clear()
    assert all(t.number_label.text() == "–" for t in screen.tiles.values())
    assert screen.tiles["clocks"].items_label.text() == ""
    screen.refresh(None)
    assert screen.tiles["clocks"].number_label.text() == "3"


def test_tile_items_never_nest_parentheses(screen: DashboardScreen) -> None:
    # V3's status label carries its own brackets: "(completed as far as possible (parallel
    # process))" read badly on the tile.
    items = screen.tiles["review_18"].items_label.text()
    assert "Review V3 – completed as far as possible (parallel process): commissioned" in items
    for tile in screen.tiles.values():
        for line in tile.items_label.text().splitlines():
            depth = 0
            for char in line:
                depth += {"(": 1, ")": -1}.get(char, 0)
                assert depth <= 1, line


@pytest.mark.parametrize(
    ("working_days", "due_on", "expected"),
    [
        (1, date(2024, 2, 29), "1 working day"),
        (19, date(2024, 2, 2), "19 working days"),
        (20, date(2024, 2, 2), "4 weeks"),
        (2814, date(2012, 12, 20), "11 years 2 months"),
        (261, date(2023, 3, 1), "1 year"),
        (70, date(2023, 11, 20), "3 months 1 week"),
    ],
)
def test_lateness_is_in_working_days_when_short_and_calendar_terms_when_long(
    working_days: int, due_on: date, expected: str
) -> None:
    assert lateness(working_days, due_on, TODAY) == expected


def test_calendar_span_counts_whole_units_either_way_round() -> None:
    assert calendar_span(date(2024, 1, 31), date(2024, 3, 1)) == "1 month"
    assert calendar_span(date(2024, 3, 1), date(2024, 1, 9)) == "1 month 3 weeks"
    assert calendar_span(date(2024, 3, 1), date(2024, 3, 1)) == "less than a week"


def test_the_as_of_date_defaults_to_today_and_recounts_when_changed(
    qtbot: QtBot, screen: DashboardScreen
) -> None:
    assert screen.as_of.value() == TODAY
    assert screen.figures is not None
    assert screen.figures.today == TODAY
    screen.as_of.line_edit.clear()
    type_text(qtbot, screen.as_of.line_edit, "01/09/2023")
    qtbot.waitUntil(lambda: screen.figures is not None and screen.figures.today == date(2023, 9, 1))
    # On 1 September 2023 only V3 and V5 were past their marks: V1 was not yet 6 months old.
    assert "Review V1" not in screen.tiles["review_6"].items_label.text()
    screen.today_button.click()
    qtbot.waitUntil(lambda: screen.figures is not None and screen.figures.today == TODAY)


def test_a_demo_database_opens_as_of_1_april_2017(qtbot: QtBot, demo_db: Database) -> None:
    widget = dashboard_screen(qtbot, demo_db)
    assert widget.as_of.value() == date(2017, 4, 1)
    assert widget.figures is not None
    assert widget.figures.today == date(2017, 4, 1)
    assert "1 April 2017" in widget.date_label.text()
    widget.clear()


def test_a_clock_due_in_another_year_says_which_year() -> None:
    from crag_desktop.domain.clock import ClockKind, ClockState, ClockStatus
    from crag_desktop.services.dashboard import ClockDue
    from crag_desktop.ui.views.dashboard import clock_sentence

    def due_on(day: date, remaining: int) -> ClockDue:
        state = ClockState(
            kind=ClockKind.RAPID_REVIEW,
            start=date(2016, 12, 1),
            base_due_on=day,
            due_on=day,
            aim_on=None,
            status=ClockStatus.DUE,
            working_days_remaining=remaining,
            paused_days=0,
            completed_on=None,
            explanation="",
        )
        return ClockDue(
            referral_id="R1", reference="CRAG-2016-09", case_name="Child T", state=state
        )

    # The dashboard's day (a demo opened as of 28 December 2016), not the computer's.
    assert clock_sentence(due_on(date(2017, 1, 5), 6), date(2016, 12, 28)) == (
        "Rapid review for CRAG-2016-09 (Child T) due in 6 working days (Thu 5 Jan 2017)"
    )
    assert clock_sentence(due_on(date(2016, 12, 30), 2), date(2016, 12, 28)) == (
        "Rapid review for CRAG-2016-09 (Child T) due in 2 working days (Fri 30 Dec)"
    )
