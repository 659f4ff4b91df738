"""Meetings and decisions: the meetings list and the decisions awaiting the National Panel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from crag_desktop.services.changes import Changes
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import MeetingList, ReferralList
from crag_desktop.services.records import RecordService
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.views.meetings import MeetingsScreen
from crag_desktop.ui.views.panel import PanelScreen
from crag_desktop.ui.working_day import WorkingDay

TITLE = "Meetings and decisions"


class MeetingsAndDecisionsScreen(QWidget):
    """Two tabs: the meetings, and the decisions sent to (or due to go to) the Panel."""

    #: Every change stored in either tab, for the main window to pass on.
    changed = Signal(object)
    #: Record recommendation updates at this meeting (its id).
    meeting_updates_requested = Signal(str)

    MEETINGS_TAB = 0
    PANEL_TAB = 1

    def __init__(
        self, *, meetings: MeetingsScreen, panel: PanelScreen, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.meetings = meetings
        self.panel = panel
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(meetings, "&Meetings")
        self.tabs.addTab(panel, "National &Panel")
        self.tabs.setAccessibleName(TITLE)
        meetings.changed.connect(self._meetings_changed)
        meetings.meeting_updates_requested.connect(self.meeting_updates_requested)
        panel.changed.connect(self._panel_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.setFocusProxy(self.tabs)

    @property
    def title(self) -> str:
        """The screen's name."""
        return TITLE

    def refresh(self, changes: Changes | None) -> None:
        """Pass `changes` to both tabs."""
        self.meetings.refresh(changes)
        self.panel.refresh(changes)

    def clear(self) -> None:
        """Forget everything shown (the app is locking)."""
        self.meetings.clear()
        self.panel.clear()

    def may_close(self) -> bool:
        """Whether the meetings form may go away (asks about unsaved changes)."""
        return self.meetings.may_close()

    def show_tab(self, index: int) -> QWidget:
        """Bring tab `index` to the front."""
        self.tabs.setCurrentIndex(index)
        widget = self.tabs.widget(index)
        assert widget is not None
        return widget

    def _meetings_changed(self, changes: Changes) -> None:
        self.panel.refresh(changes)
        self.changed.emit(changes)

    def _panel_changed(self, changes: Changes) -> None:
        self.meetings.refresh(changes)
        self.changed.emit(changes)


def create_screen(context: ScreenContext) -> MeetingsAndDecisionsScreen:
    """The screen for app.py, over whichever database is open."""
    db = open_database(context)
    decisions = DecisionService(db=db)
    screen = MeetingsAndDecisionsScreen(
        meetings=MeetingsScreen(
            records=RecordService(db=db),
            meetings=MeetingList(db=db),
            referrals=ReferralList(db=db),
            drafts=DraftService(db=db),
            prompter=context.prompter,
            decisions=decisions,
        ),
        panel=PanelScreen(
            decisions=decisions,
            prompter=context.prompter,
            today=WorkingDay(current=context.current),
        ),
    )
    screen.changed.connect(context.changed)
    return screen
