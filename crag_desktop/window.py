"""The main window's composition: every screen plugged in, the File menu's actions, and
what runs after the first paint.

Kept apart from app.py, which starts the app and shows the unlock window: app.run_gui loads
this module (and the first screen's) while the database's key is derived on another thread,
so the window's code costs the start nothing (benchmarks: start to paint).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from crag_desktop.services.changes import Changes
from crag_desktop.services.warm_up import load_record_code_in_background
from crag_desktop.ui.agency_return_actions import AgencyReturnActions
from crag_desktop.ui.backup_actions import BackupActions
from crag_desktop.ui.case_actions import CaseActions
from crag_desktop.ui.lock import CurrentDatabase
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenContext, ScreenKey
from crag_desktop.ui.opening import Creator, Opener
from crag_desktop.ui.prompts import APP_NAME, Prompter
from crag_desktop.ui.settings import AppSettings
from crag_desktop.ui.tasks import TaskRunner
from crag_desktop.ui.workspace import ScreenBuilder

__all__ = [
    "SCREENS",
    "build_main_window",
    "check_pages_in_background",
    "load_first_screen",
    "register_screens",
]

log = logging.getLogger("crag_desktop")

ScreenMaker = Callable[[ScreenContext], ScreenBuilder]
#: A screen module's `create_screen`: the screen over whichever database is open.
CreateScreen = Callable[[ScreenContext], QWidget]


# Each screen's module is imported when the screen is first built (when first shown): every
# screen module at start cost time and memory (benchmarks: start to paint, memory). Each
# loader names its module in an import statement, so the type checker, the layer contracts
# and a reader's "go to definition" all see which screen is which.
def _dashboard() -> CreateScreen:
    from crag_desktop.ui.views.dashboard import create_screen

    return create_screen


def _referrals() -> CreateScreen:
    from crag_desktop.ui.views.referrals import create_screen

    return create_screen


def _meetings() -> CreateScreen:
    from crag_desktop.ui.views.meetings_and_decisions import create_screen

    return create_screen


def _reviews() -> CreateScreen:
    from crag_desktop.ui.views.reviews import create_screen

    return create_screen


def _recommendations() -> CreateScreen:
    from crag_desktop.ui.views.recommendations import create_screen

    return create_screen


def _learning() -> CreateScreen:
    from crag_desktop.ui.views.learning import create_screen

    return create_screen


def _agencies() -> CreateScreen:
    from crag_desktop.ui.views.agencies import create_screen

    return create_screen


def _reports() -> CreateScreen:
    from crag_desktop.ui.views.reports import create_screen

    return create_screen


def _audit() -> CreateScreen:
    from crag_desktop.ui.views.audit import create_screen

    return create_screen


def _in_two_steps(load: Callable[[], CreateScreen]) -> ScreenMaker:
    """What builds a screen in two turns of the event loop: its code is imported in the
    first and the screen made in the next (together 50-100 ms for the larger screens, one
    stall: benchmarks, GUI stall)."""

    def import_screen(context: ScreenContext) -> ScreenBuilder:
        return partial(load(), context)

    return import_screen


#: Every screen, in the navigation's order, and what builds it (a QWidget that implements
#: navigation.Screen).
SCREENS: dict[ScreenKey, ScreenMaker] = {
    ScreenKey.DASHBOARD: _in_two_steps(_dashboard),
    ScreenKey.REFERRALS: _in_two_steps(_referrals),
    ScreenKey.MEETINGS: _in_two_steps(_meetings),
    ScreenKey.REVIEWS: _in_two_steps(_reviews),
    ScreenKey.RECOMMENDATIONS: _in_two_steps(_recommendations),
    ScreenKey.LEARNING_POINTS: _in_two_steps(_learning),
    ScreenKey.AGENCIES: _in_two_steps(_agencies),
    ScreenKey.REPORTS: _in_two_steps(_reports),
    ScreenKey.AUDIT_LOG: _in_two_steps(_audit),
}


#: How long after the first paint the code that loads and saves records starts loading.
RECORD_CODE_DELAY_MS = 1000


def register_screens(window: MainWindow, context: ScreenContext) -> None:
    """Plug every screen into the window; each is built when first shown."""
    for key, make in SCREENS.items():
        window.add_screen_builder(key, partial(make, context))


def build_main_window(
    *,
    current: CurrentDatabase,
    settings: AppSettings,
    prompter: Prompter,
    opener: Opener,
    creator: Creator,
) -> MainWindow:
    """The main window with every available screen plugged in."""
    window = MainWindow(
        current=current, settings=settings, prompter=prompter, opener=opener, creator=creator
    )
    tasks = TaskRunner(prompter=prompter, parent=window)

    def changed(changes: Changes) -> None:
        window.refresh_screens(changes)
        window.show_saved()

    context = ScreenContext(
        current=current,
        prompter=prompter,
        tasks=tasks,
        settings=settings,
        changed=changed,
        status=window.show_status,
    )
    register_screens(window, context)
    window.fit_navigation()
    CaseActions(window=window, context=context).wire()
    backups = BackupActions(window=window, context=context, opener=opener)
    backups.wire()
    AgencyReturnActions(window=window, context=context).wire()
    current.opened.connect(
        lambda database: check_pages_in_background(
            tasks=tasks, database=database, prompter=prompter, parent=window
        )
    )

    def after_painting() -> None:
        # The backup label reads the audit trail and the page check reads the whole file:
        # neither is on the first screen, so the window paints without waiting for them.
        # The label first, on the connection the first screen left warm; the check then
        # keys a connection of its own in the background.
        backups.update_label()
        if current.database is not None:
            check_pages_in_background(
                tasks=tasks, database=current.database, prompter=prompter, parent=window
            )
        # Opening and the Dashboard need no ORM; loading and saving records do. It loads on
        # a thread of its own rather than on the GUI thread at the first record opened, once
        # the window has settled: started at once, the import held the interpreter while the
        # window's first frames were still being painted (benchmarks: start to paint).
        QTimer.singleShot(RECORD_CODE_DELAY_MS, load_record_code_in_background)

    AfterFirstPaint(window, after_painting)
    return window


class AfterFirstPaint(QObject):
    """Runs `work` once, as soon as the event loop is free after `window` first paints."""

    def __init__(self, window: QWidget, work: Callable[[], None]) -> None:
        super().__init__(window)
        self._work = work
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the window's first paint, queue the work for when painting is done."""
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._work)
        return False


DAMAGED_PAGES_TEXT = (
    "CRAG Desktop found damaged pages in {name} ({count}). What is there can still be read, "
    "but do not keep working in it: close the app and restore your latest backup, or ask "
    "for help with `crag-desktop check`."
)


def check_pages_in_background(
    *, tasks: TaskRunner, database: object, prompter: Prompter, parent: QWidget | None = None
) -> None:
    """Check every page's HMAC off the GUI thread (unlocking reads only the pages it needs)."""
    damaged_pages = getattr(database, "damaged_pages", None)
    if damaged_pages is None:
        return
    name = Path(str(getattr(database, "path", "the database"))).name

    def work(_context: object) -> list[str]:
        try:
            return list(damaged_pages())
        except Exception:
            # Locked or switched while checking: the next unlock checks again.
            return []

    def done(damaged: list[str]) -> None:
        if damaged:
            log.error("Damaged pages found after unlocking: %d", len(damaged))
            prompter.error(APP_NAME, DAMAGED_PAGES_TEXT.format(name=name, count=len(damaged)))

    tasks.start(
        "Checking the database", work, on_result=done, dialog_parent=parent, show_progress=False
    )


def load_first_screen() -> None:
    """Import the code of the screen the window opens on (the Dashboard)."""
    _dashboard()
