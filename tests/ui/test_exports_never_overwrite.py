"""The GUI's export and print never write over the open database (issue 8, defect 1)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.prompts import PdfProtection, ScriptedPrompter
from tests.helpers.cli import digest
from tests.helpers.qt import open_referral


def export_everything(window: MainWindow, prompter: ScriptedPrompter) -> None:
    prompter.answer_confirm(True)
    window.menus.action_export.trigger()


def save_a_decision_record(window: MainWindow, prompter: ScriptedPrompter) -> None:
    referrals, _decided = open_referral(window, decided=True)
    prompter.answer_pdf_protection(PdfProtection("a long pdf passphrase"))
    referrals.form.save_record_button.click()


@pytest.mark.parametrize(
    ("name", "write"),
    [("export.json", export_everything), ("record.pdf", save_a_decision_record)],
    ids=["export", "decision record"],
)
def test_writing_to_a_link_to_the_open_database_is_refused(
    *,
    qtbot: QtBot,
    window: MainWindow,
    prompter: ScriptedPrompter,
    demo_path: Path,
    tmp_path: Path,
    name: str,
    write: Callable[[MainWindow, ScriptedPrompter], None],
) -> None:
    link = tmp_path / name
    link.symlink_to(demo_path)
    before = digest(demo_path)
    prompter.answer_path(link)
    write(window, prompter)
    qtbot.waitUntil(lambda: bool(prompter.shown), timeout=20_000)
    assert "never writes over a database" in prompter.shown[-1].text
    assert digest(demo_path) == before
    assert link.is_symlink()
