"""The National Panel screen: what waits on the Panel, for how long, and recording replies."""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import Meeting, Referral
from crag_desktop.domain.vocabulary import (
    PanelResponse,
)
from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database
from crag_desktop.services.decisions import DecisionService
from crag_desktop.storage import repositories
from crag_desktop.ui.navigation import Screen
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.qt_models.panel_model import Column
from crag_desktop.ui.views.panel import PanelScreen
from tests.helpers.databases import with_partnership
from tests.helpers.decisions import panel_response
from tests.helpers.qt import press, show_screen, type_text
from tests.helpers.records import a_child, a_referral, a_rules_decision

TODAY = date(2016, 7, 4)  # a Monday
ANSWERS: dict[str, str | bool | None] = {
    "abuse_or_neglect": "suspected",
    "child_died": True,
    "suspected_suicide": False,
    "death_in_custody": False,
}


@pytest.fixture
def db(database: Database) -> Database:
    """Two of the partnership's referrals, decided on 1 and 20 June 2016."""
    referrals = [
        dataclasses.replace(
            a_referral(key, reference=reference, referring_agency="police", case_name=case),
            summary="",
            children=(a_child(pseudonym=case, age_years=15, age_months=None),),
        )
        for key, reference, case in (
            ("R1", "CRAG-2016-01", "Child A"),
            ("R2", "CRAG-2016-02", "Child B"),
        )
    ]
    with_partnership(database, *referrals)
    service = DecisionService(db=database)
    for key, decided_on in (("R1", date(2016, 6, 1)), ("R2", date(2016, 6, 20))):
        with database.unit_of_work() as session:
            referral = repositories.get(session, Referral, key)
            meeting = repositories.get(session, Meeting, "mt1")
        service.record_decision(
            referral=referral,
            decision=a_rules_decision(
                ANSWERS, rationale="Criteria met.", decided_on=decided_on, meeting="mt1"
            ),
            meeting=meeting,
            commission=None,
        )
    return database


@pytest.fixture
def screen(qtbot: QtBot, db: Database, prompter: ScriptedPrompter) -> PanelScreen:
    made = PanelScreen(decisions=DecisionService(db=db), prompter=prompter, today=lambda: TODAY)
    made.refresh(None)
    show_screen(qtbot, made, 900, 600)
    made.activateWindow()
    qtbot.waitUntil(made.isActiveWindow)
    return made


def cell(screen: PanelScreen, row: int, column: Column) -> str:
    return str(screen.proxy.index(row, column).data())


def test_the_model_passes_the_model_tester(screen: PanelScreen, qtmodeltester: Any) -> None:
    qtmodeltester.check(screen.model)
    assert isinstance(screen, Screen)
    assert screen.title == "National Panel"


def test_decisions_are_listed_oldest_first_with_their_age(screen: PanelScreen) -> None:
    assert screen.proxy.rowCount() == 2
    assert cell(screen, 0, Column.REFERENCE) == "CRAG-2016-01"
    # 1 June to 4 July 2016: 33 days, 23 working days; 20 June: 14 days, 10 working days.
    assert cell(screen, 0, Column.AGE) == "23"
    assert cell(screen, 1, Column.AGE) == "10"
    assert cell(screen, 0, Column.SENT) == "Not yet sent"
    assert cell(screen, 0, Column.WAITING_FOR) == "Sending to the Panel"


def test_recording_the_loop_from_the_keyboard(
    qtbot: QtBot, screen: PanelScreen, db: Database
) -> None:
    screen.table.setFocus()
    qtbot.waitUntil(screen.form.isEnabled)
    assert "CRAG-2016-01" in screen.form.title()
    press(qtbot, screen.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.sent_on.line_edit
    type_text(qtbot, screen.sent_on.line_edit, "03/06/2016")
    screen.response.setFocus()
    press(qtbot, screen.response, Qt.Key.Key_End)  # Contested
    assert screen.response.currentData() == PanelResponse.CONTESTED.value
    # A response without its date is refused with a sentence, nothing saved.
    press(qtbot, screen.response, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(screen.error_label.message))
    assert "Response received on" in screen.error_label.message
    type_text(qtbot, screen.responded_on.line_edit, "01/07/2016")
    press(qtbot, screen.response, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: cell(screen, 0, Column.WAITING_FOR) == "The Board's reply")
    assert cell(screen, 0, Column.SENT) == "03/06/2016"
    with db.unit_of_work() as session:
        decision = repositories.get(session, Referral, "R1").decision
    assert decision is not None
    assert decision.panel.response == PanelResponse.CONTESTED
    assert decision.panel.responded_on == date(2016, 7, 1)

    assert screen.form.isEnabled(), "the decision stays selected after saving"
    type_text(qtbot, screen.board_reply, "The Board keeps its view.")
    cast(Any, qtbot).mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.proxy.rowCount() == 1)
    assert cell(screen, 0, Column.REFERENCE) == "CRAG-2016-02"
    assert not screen.form.isEnabled()


def test_answered_loops_are_one_filter_away_and_the_list_says_it_is_filtered(
    qtbot: QtBot, screen: PanelScreen, db: Database
) -> None:
    service = DecisionService(db=db)
    panel_response(
        service,
        PanelResponse.CONTESTED,
        board_reply="The Board keeps its view and commissions a partnership review.",
    )
    screen.refresh(Changes.of_updated("referral", "R1"))
    # The default view: only what awaits a response, and it says what it leaves out.
    assert screen.show_combo.currentText() == "Awaiting a response"
    assert screen.proxy.rowCount() == 1
    assert screen.count_label.text() == (
        "Showing 1 decision that awaits a response; 1 decision already answered is not shown."
    )
    # Choose "All decisions sent or due" from the keyboard (Alt+H is the label's shortcut).
    press(qtbot, screen, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is screen.show_combo
    press(qtbot, screen.show_combo, Qt.Key.Key_Down)
    assert screen.proxy.rowCount() == 2
    assert screen.count_label.text() == (
        "Showing all 2 decisions sent or due; 1 awaits a response."
    )
    row = next(r for r in range(2) if cell(screen, r, Column.REFERENCE) == "CRAG-2016-01")
    # Contested in words, never by colour alone, and the Board's reply on the row.
    assert cell(screen, row, Column.RESPONSE) == "Contested"
    assert cell(screen, row, Column.BOARD_REPLY).startswith("The Board keeps its view")
    assert cell(screen, row, Column.WAITING_FOR) == "Nothing: the Board replied"
    # Selecting it shows the reply in the form, ready to amend.
    assert screen.select("R1")
    assert screen.board_reply.toPlainText().startswith("The Board keeps its view")


def test_refresh_ignores_other_records_and_clear_forgets_everything(
    qtbot: QtBot, screen: PanelScreen
) -> None:
    screen.table.setFocus()
    qtbot.waitUntil(screen.form.isEnabled)
    screen.refresh(Changes.of_updated("review", "V1"))
    assert screen.form.isEnabled()
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.sent_on.line_edit.text() == ""
    assert not screen.form.isEnabled()
    screen.refresh(None)
    assert screen.model.rowCount() == 2
    if os.environ.get("CRAG_SCREENSHOTS"):
        screen.table.setFocus()
        screen.grab().save(str(Path(os.environ["CRAG_SCREENSHOTS"]) / "panel.png"))
