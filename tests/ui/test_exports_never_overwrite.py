"""The GUI's export and print never write over the open database (issue 8, defect 1)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.prompts import PdfProtection, ScriptedPrompter
from tests.helpers.cli import digest
from tests.helpers.qt import open_referral


def test_export_to_a_link_to_the_open_database_is_refused(
    qtbot: QtBot,
    window: MainWindow,
    prompter: ScriptedPrompter,
    demo_path: Path,
    tmp_path: Path,
) -> None:
    link = tmp_path / "export.json"
    link.symlink_to(demo_path)
    before = digest(demo_path)
    prompter.answer_confirm(True)
    prompter.answer_path(link)
    window.menus.action_export.trigger()
    qtbot.waitUntil(lambda: bool(prompter.shown), timeout=20_000)
    shown = prompter.shown[-1]
    assert "never writes over a database" in shown.text
    assert digest(demo_path) == before
    assert link.is_symlink()


def test_printing_over_the_open_database_is_refused(
    qtbot: QtBot,
    window: MainWindow,
    prompter: ScriptedPrompter,
    demo_path: Path,
    tmp_path: Path,
) -> None:
    referrals, _decided = open_referral(window, decided=True)
    link = tmp_path / "record.pdf"
    link.symlink_to(demo_path)
    before = digest(demo_path)
    prompter.answer_path(link)
    prompter.answer_pdf_protection(PdfProtection("a long pdf passphrase"))
    referrals.form.save_record_button.click()
    qtbot.waitUntil(lambda: bool(prompter.shown), timeout=20_000)
    assert "never writes over a database" in prompter.shown[-1].text
    assert digest(demo_path) == before
