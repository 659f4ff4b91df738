"""Printing from the Referrals screen (the decision record) through the print dialog."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import Any, cast

from pytestqt.qtbot import QtBot

from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import ScriptedPrompter
from tests.helpers.qt import choose_screen, last_event, open_referral


def test_print_decision_record_from_the_referral_form_sends_the_audited_pages(
    qtbot: QtBot,
    window: MainWindow,
    prompter: ScriptedPrompter,
    tmp_path: Path,
) -> None:
    referrals, decided = open_referral(window, decided=True)
    form = referrals.form
    assert form.print_button.isEnabled()
    assert form.save_record_button.isEnabled()
    printed = tmp_path / "printed.pdf"
    prompter.answer_printer(printed)
    form.print_button.click()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Sent the decision record"),
        timeout=30_000,
    )
    assert prompter.questions[-1] == f"Print the decision record of {decided.reference}"
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
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
    qtbot: QtBot,
    window: MainWindow,
    prompter: ScriptedPrompter,
    tmp_path: Path,
) -> None:
    from crag_desktop.domain.vocabulary import MonitoringGroup

    choose_screen(window, ScreenKey.RECOMMENDATIONS)
    screen = cast(Any, window.screen_widget(ScreenKey.RECOMMENDATIONS))
    screen.apply_query(
        dataclasses.replace(screen.model.query, monitoring_group=MonitoringGroup.PAQA)
    )
    listed = screen.model.rowCount()
    printed = tmp_path / "tracker.pdf"
    prompter.answer_printer(printed)
    screen.print_tracker_action.trigger()
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage().startswith("Sent the recommendations tracker"),
        timeout=60_000,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "OFFICIAL-SENSITIVE" in text
    last = last_event(window)
    assert last.action == "send_to_printer"
    assert last.record_id == "tracker"
    assert ("recommendations", None, str(listed)) in last.changes
