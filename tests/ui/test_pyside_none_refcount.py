"""PySide6 6.12.0 on Python 3.11 loses a reference to None on every call that returns None and
aborts the process ("deallocating None") after a few thousand. The pin in pyproject.toml
keeps that release away; this test fails (or crashes) if it ever comes back."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

CALLS = 50_000


def test_calls_returning_none_keep_none_alive(qtbot: QtBot) -> None:
    widget = QWidget()
    label = QLabel(widget)
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)

    for i in range(CALLS // 2):
        widget.setEnabled(i % 2 == 0)
        label.setText("x" if i % 2 else "y")

    after = sys.getrefcount(None)
    # On Python 3.12+ None is immortal and its count is a constant; on 3.11 it may move a
    # little with unrelated allocations, but never by one per call.
    assert after > before - CALLS // 10, (before, after)
    assert label.text() == "x"
    assert widget.isEnabled() is False
