"""Composition root of the GUI: starts the application, the unlock window and the main window.

The main window's own composition is in crag_desktop.window, loaded while the key is derived.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from crag_desktop import __version__
from crag_desktop.diagnostics import configure_logging, log_internal_error
from crag_desktop.domain.errors import CragError
from crag_desktop.fileio import sweep_stale_temporaries
from crag_desktop.ui.lock import CurrentDatabase
from crag_desktop.ui.opening import Creator, DatabaseHandle, Opener
from crag_desktop.ui.prompts import APP_NAME, Prompter, internal_error_text
from crag_desktop.ui.settings import AppSettings
from crag_desktop.ui.widgets import load_icon, load_style_sheet

__all__ = [
    "APP_NAME",
    "configure_application",
    "load_window_code",
    "make_excepthook",
    "run_gui",
]

log = logging.getLogger("crag_desktop")


def load_window_code() -> None:
    """Import the main window's code and its first screen's: what `Database.open` runs while
    the key is derived on another thread (about 150 ms in C), so that the window is ready to
    build when the database is (benchmarks: start to paint)."""
    from crag_desktop.window import load_first_screen

    load_first_screen()


def configure_application(app: QApplication) -> None:
    """Names (which also place QSettings and the data folder), icon and style sheet."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(load_icon("app"))
    app.setStyle("Fusion")
    app.setStyleSheet(load_style_sheet())


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def make_excepthook(*, prompter: Prompter) -> ExceptHook:
    """A sys.excepthook that logs (no personal data) and shows a reference, never a traceback."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        try:
            if isinstance(exc, CragError):
                prompter.error(APP_NAME, str(exc))
            else:
                prompter.error(APP_NAME, internal_error_text(log_internal_error(exc, tb)))
        except Exception:
            # Showing the message failed too; the log line is all that can be done.
            log.critical("Could not show an error message (%s)", exc_type.__qualname__)

    return hook


def _database_api() -> tuple[Opener, Creator]:
    # Imported here: SQLAlchemy and sqlcipher3 take a noticeable time to import, and the
    # window code must not depend on them.
    from crag_desktop.services.database import Database

    return Database.open, Database.create


def _quit_on_termination(app: QApplication) -> None:
    """Ctrl+C in the terminal or a logout's SIGTERM ends the event loop normally, so the
    database is closed and a demo's temporary folder removed (drafts are autosaved)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda _signum, _frame: app.quit())
    # Python runs signal handlers only between bytecodes: a timer lets it in regularly.
    ticker = QTimer(app)
    ticker.setInterval(300)
    ticker.timeout.connect(lambda: None)
    ticker.start()


def run_gui(*, database_path: Path | None = None, demo_passphrase: str | None = None) -> int:
    """Run the desktop app until the window closes; returns the exit status."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    configure_application(app)
    # The same single log file as the command line's (a no-op when cli.main set it up).
    configure_logging()
    # Plaintext temporaries of exports that a kill interrupted (the CLI does the same).
    sweep_stale_temporaries()
    prompter = Prompter()
    previous_hook = sys.excepthook
    sys.excepthook = make_excepthook(prompter=prompter)
    try:
        settings = AppSettings()
        opener, creator = _database_api()
        database: DatabaseHandle | None = None
        if database_path is not None and demo_passphrase is not None:
            try:
                database = opener(
                    database_path,
                    demo_passphrase,
                    operator=settings.operator(),
                    while_keying=load_window_code,
                )
            except CragError as exc:
                prompter.error(APP_NAME, str(exc))
            # A demo database lives in a temporary folder: it is never a recent file.
        if database is None:
            # Imported only when it is shown: see crag_desktop.ui.opening.
            from crag_desktop.ui.dialogs.unlock import UnlockDialog

            dialog = UnlockDialog(
                settings=settings,
                opener=opener,
                creator=creator,
                prompter=prompter,
                initial_path=database_path,
                while_keying=load_window_code,
            )
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.database is None:
                return 0
            database = dialog.database
            dialog.deleteLater()
        # Loaded while the key was derived (load_window_code).
        from crag_desktop.window import build_main_window

        current = CurrentDatabase(database=database)
        window = build_main_window(
            current=current,
            settings=settings,
            prompter=prompter,
            opener=opener,
            creator=creator,
        )
        # Each screen loads its first page now that the database is open, before the window
        # shows: a screen shown first would load once on showing and again on refresh.
        window.refresh_screens(None)
        window.show()
        _quit_on_termination(app)
        status = app.exec()
        current.close()
        return int(status)
    finally:
        sys.excepthook = previous_hook
