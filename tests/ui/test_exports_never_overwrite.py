"""The GUI's export and print never write over the open database (issue 8, defect 1)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, cast

from pytestqt.qtbot import QtBot

from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import PdfProtection, ScriptedPrompter
from tests.ui.test_app import demo_path, demo_template, window  # noqa: F401


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_export_to_a_link_to_the_open_database_is_refused(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    prompter: ScriptedPrompter,
    demo_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    link = tmp_path / "export.json"
    link.symlink_to(demo_path)
    before = _digest(demo_path)
    prompter.answer_confirm(True)
    prompter.answer_path(link)
    window.action_export.trigger()
    qtbot.waitUntil(lambda: bool(prompter.shown), timeout=20_000)
    shown = prompter.shown[-1]
    assert "never writes over a database" in shown.text
    assert _digest(demo_path) == before
    assert link.is_symlink()


def test_printing_over_the_open_database_is_refused(
    qtbot: QtBot,
    window: MainWindow,  # noqa: F811
    prompter: ScriptedPrompter,
    demo_path: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    referrals = cast(Any, window.screen_widget(ScreenKey.REFERRALS))
    decided = next(
        row
        for row in (referrals.model.row_at(i) for i in range(referrals.model.rowCount()))
        if row.decided_outcome is not None
    )
    assert referrals.open_record(decided.id)
    link = tmp_path / "record.pdf"
    link.symlink_to(demo_path)
    before = _digest(demo_path)
    prompter.answer_path(link)
    prompter.answer_pdf_protection(PdfProtection("a long pdf passphrase"))
    referrals.form.save_record_button.click()
    qtbot.waitUntil(lambda: bool(prompter.shown), timeout=20_000)
    assert "never writes over a database" in prompter.shown[-1].text
    assert _digest(demo_path) == before
