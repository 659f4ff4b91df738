"""Printing from the Referrals screen (the decision record) through the print dialog."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from pytestqt.qtbot import QtBot

from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import ScriptedPrompter
from tests.helpers.pdf import pdf_text
from tests.helpers.qt import choose_screen, last_event, open_referral

Printing = Callable[[str, Callable[[], object], str], str]


@pytest.fixture
def print_to(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter, tmp_path: Path
) -> Printing:
    """Prints with a button or action, choosing the print dialog's PDF printer at a file of
    the given name, waits until the status bar says the pages were sent, and returns their
    text."""

    def print_pages(name: str, press: Callable[[], object], sent: str) -> str:
        printed = tmp_path / name
        prompter.answer_printer(printed)
        press()
        qtbot.waitUntil(
            lambda: window.statusBar().currentMessage().startswith(sent), timeout=60_000
        )
        return pdf_text(printed)

    return print_pages


def test_print_decision_record_from_the_referral_form_sends_the_audited_pages(
    window: MainWindow, prompter: ScriptedPrompter, print_to: Printing
) -> None:
    referrals, decided = open_referral(window, decided=True)
    form = referrals.form
    assert form.print_button.isEnabled()
    assert form.save_record_button.isEnabled()
    text = print_to("printed.pdf", form.print_button.click, "Sent the decision record")
    assert prompter.questions[-1] == f"Print the decision record of {decided.reference}"
    assert decided.reference in text
    assert "OFFICIAL-SENSITIVE" in text
    last = last_event(window)
    assert last.action == "send_to_printer"
    assert last.record_type == "referral"
    assert last.record_id == decided.id
    assert ("decision_record", None, "PDF file printed.pdf") in last.changes


def test_a_referral_without_a_decision_offers_neither_save_nor_print(
    window: MainWindow,
) -> None:
    referrals, _waiting = open_referral(window, decided=False)
    assert not referrals.form.print_button.isEnabled()
    assert not referrals.form.save_record_button.isEnabled()


def test_print_tracker_on_the_recommendations_screen_prints_the_filtered_list(
    window: MainWindow, print_to: Printing
) -> None:
    from crag_desktop.domain.vocabulary import MonitoringGroup

    choose_screen(window, ScreenKey.RECOMMENDATIONS)
    screen = cast(Any, window.screen_widget(ScreenKey.RECOMMENDATIONS))
    screen.apply_query(
        dataclasses.replace(screen.model.query, monitoring_group=MonitoringGroup.PAQA)
    )
    listed = screen.model.rowCount()
    text = print_to(
        "tracker.pdf", screen.print_tracker_action.trigger, "Sent the recommendations tracker"
    )
    assert "OFFICIAL-SENSITIVE" in text
    last = last_event(window)
    assert last.action == "send_to_printer"
    assert last.record_id == "tracker"
    assert ("recommendations", None, str(listed)) in last.changes
