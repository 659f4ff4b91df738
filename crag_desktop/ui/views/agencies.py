"""The Agencies and members screen: the partnership's agencies and the subgroup's members,
one tab each, each a searchable list beside its form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import Agency, Member
from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.services.changes import Changes
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.memory_lists import (
    AgencyLines,
    AgencyQuery,
    AgencyRow,
    MemberLines,
    MemberQuery,
    MemberRow,
)
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.agency_form import AgencyForm
from crag_desktop.ui.forms.base import AUTOSAVE_MS
from crag_desktop.ui.forms.member_form import MemberForm
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.agencies import AgencyTableModel
from crag_desktop.ui.qt_models.members import MemberTableModel
from crag_desktop.ui.views.filter_bar import FilterSpec
from crag_desktop.ui.views.list_screen import ListScreen

__all__ = [
    "AgenciesScreen",
    "AgencyListScreen",
    "MemberListScreen",
    "TabbedScreen",
    "create_screen",
]


class AgencyListScreen(ListScreen[AgencyQuery, AgencyRow, Agency]):
    """Every agency: search, filter by kind, open, create, save and delete."""

    RECORD_TYPE = RecordType.AGENCY
    RELATED_TYPES = (RecordType.MEMBER,)

    def __init__(
        self,
        *,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records
        kinds = [("All kinds", {"kind": None})] + [(k.label, {"kind": k}) for k in AgencyKind]
        super().__init__(
            title="Agencies",
            plural="agencies",
            model=AgencyTableModel(service=AgencyLines(records=records)),
            form=AgencyForm(drafts=drafts, prompter=prompter, autosave_ms=autosave_ms),
            filters=[FilterSpec(label="Kind", choices=kinds)],
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )

    def _row_label(self, row: AgencyRow) -> str:
        return f"the agency {row.name}"


def _agency_filter(records: RecordService) -> FilterSpec:
    choices: list[tuple[str, dict[str, object]]] = [("All agencies", {"agency": None})]
    choices += [(a.name, {"agency": a.id}) for a in records.agencies()]
    return FilterSpec(label="Agency", choices=choices)


class MemberListScreen(ListScreen[MemberQuery, MemberRow, Member]):
    """Every member of the subgroup: search, filter by agency, open, create, save, delete."""

    RECORD_TYPE = RecordType.MEMBER
    RELATED_TYPES = (RecordType.AGENCY,)

    def __init__(
        self,
        *,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records
        super().__init__(
            title="Members",
            plural="members",
            model=MemberTableModel(service=MemberLines(records=records)),
            form=MemberForm(
                drafts=drafts, prompter=prompter, records=records, autosave_ms=autosave_ms
            ),
            # The agency choices are read at the first refresh (the database may be locked now).
            filters=[FilterSpec(label="Agency", choices=[("All agencies", {"agency": None})])],
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )

    def refresh(self, changes: Changes | None) -> None:
        """Reload the list, and the agency filter when agencies changed."""
        if changes is None or changes.touches(RecordType.AGENCY):
            self.set_filters([_agency_filter(self._records)])
        super().refresh(changes)

    def _row_label(self, row: MemberRow) -> str:
        return f"the member {row.name}"


class TabbedScreen(QWidget):
    """Two or more list screens as tabs of one screen (Ctrl+Tab moves between them)."""

    #: Every change stored in any tab, for the main window to pass on to the other screens.
    changed = Signal(object)

    def __init__(
        self,
        *,
        title: str,
        tabs: Sequence[tuple[str, ListScreen[Any, Any, Any]]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self.screens = [screen for _label, screen in tabs]
        heading = QLabel(title)
        heading.setProperty("role", "title")
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for label, screen in tabs:
            self.tabs.addTab(screen, label)
            # Siblings show what a change in one tab alters (an agency's member count).
            screen.changed.connect(self._changed_in_tab)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)
        heading.hide()  # each tab's list carries its own title
        self.setFocusProxy(self.tabs)
        self.tabs.currentChanged.connect(self._tab_changed)

    @property
    def title(self) -> str:
        """The screen's name."""
        return self._title

    def refresh(self, changes: Changes | None) -> None:
        """Pass `changes` to every tab."""
        for screen in self.screens:
            screen.refresh(changes)

    def clear(self) -> None:
        """Forget every row and field value in every tab."""
        for screen in self.screens:
            screen.clear()

    def apply_query(self, query: object) -> None:
        """Show the tab whose list takes this kind of query, filtered by it."""
        for index, screen in enumerate(self.screens):
            if isinstance(query, type(screen.model.query)):
                self.show_tab(index)
                screen.apply_query(query)
                return
        raise TypeError(f"no tab of {self._title} lists {type(query).__name__}")

    def show_tab(self, index: int) -> ListScreen[Any, Any, Any]:
        """Bring tab `index` to the front and return its list screen."""
        self.tabs.setCurrentIndex(index)
        return self.screens[index]

    def may_close(self) -> bool:
        """Whether every tab may go away (asks about unsaved changes)."""
        return all(screen.may_close() for screen in self.screens)

    def _changed_in_tab(self, changes: Changes) -> None:
        sender = self.sender()
        for screen in self.screens:
            if screen is not sender:
                screen.refresh(changes)
        self.changed.emit(changes)

    def _tab_changed(self, index: int) -> None:
        if 0 <= index < len(self.screens):
            self.screens[index].setFocus(Qt.FocusReason.TabFocusReason)


class AgenciesScreen(TabbedScreen):
    """Agencies and members."""

    def __init__(
        self,
        *,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        parent: QWidget | None = None,
    ) -> None:
        options: dict[str, Any] = {
            "records": records,
            "drafts": drafts,
            "prompter": prompter,
            "autosave_ms": autosave_ms,
            "search_delay_ms": search_delay_ms,
        }
        self.agencies = AgencyListScreen(**options)
        self.members = MemberListScreen(**options)
        super().__init__(
            title="Agencies and members",
            tabs=[("&Agencies", self.agencies), ("&Members", self.members)],
            parent=parent,
        )


def create_screen(context: ScreenContext) -> AgenciesScreen:
    """The screen for app.py, over whichever database is open."""
    db = open_database(context)
    screen = AgenciesScreen(
        records=RecordService(db=db), drafts=DraftService(db=db), prompter=context.prompter
    )
    screen.changed.connect(context.changed)
    return screen
