"""Regenerate docs/screenshot.png: the main window on the demo data, off screen.

QT_QPA_PLATFORM=offscreen .venv/bin/python tools/readme_screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from crag_desktop.app import configure_application
from crag_desktop.services.database import Database
from crag_desktop.services.demo import build_demo
from crag_desktop.ui.lock import CurrentDatabase
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.settings import AppSettings
from crag_desktop.window import build_main_window

PASSPHRASE = "demo passphrase for the screenshot"


def main() -> int:
    """Build a demo database, open the Referrals screen on a decided case at the default
    window size, its children in view, save a PNG."""
    app = QApplication(sys.argv)
    configure_application(app)
    out = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.crag"
        with Database.create(path, PASSPHRASE, operator="Secretariat Officer") as db:
            build_demo(db, synthetic_referrals=0, seed=1)
        current = CurrentDatabase(
            database=Database.open(path, PASSPHRASE, operator="Secretariat Officer")
        )
        window = build_main_window(
            current=current,
            settings=AppSettings(),
            prompter=Prompter(),
            opener=Database.open,
            creator=Database.create,
        )
        window.resize(1200, 728)
        window.show()
        window.refresh_screens(None)
        window.show_screen(ScreenKey.REFERRALS)
        referrals = window.screen_widget(ScreenKey.REFERRALS)
        referrals.open_record("R6")  # type: ignore[attr-defined]
        for _ in range(5):
            app.processEvents()
        # The child's card: each field labelled, every choice whole.
        form = referrals.form  # type: ignore[attr-defined]
        referrals.form_scroll.ensureWidgetVisible(form.children_editor, 0, 0)  # type: ignore[attr-defined]
        referrals.table.setFocus()  # type: ignore[attr-defined]
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out))
        window.close()
        current.close()
    print(f"Saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
