"""The Meetings screen: every meeting of the subgroup, newest first, beside the meeting form."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import Meeting
from crag_desktop.domain.wording import long_date
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import MeetingList, MeetingQuery, MeetingRow, ReferralList
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS
from crag_desktop.ui.forms.meeting_form import MeetingForm
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.meetings import MeetingTableModel
from crag_desktop.ui.views.filter_bar import FilterSpec, reporting_year_choices
from crag_desktop.ui.views.list_screen import ListScreen

__all__ = ["MeetingsScreen", "create_screen"]


class MeetingsScreen(ListScreen[MeetingQuery, MeetingRow, Meeting]):
    """Every meeting: search agenda and notes, filter by year, open, create, save, delete."""

    RECORD_TYPE = RecordType.MEETING
    # A referral's decision names its meeting: the form lists the decisions taken there.
    RELATED_TYPES = (
        RecordType.MEMBER,
        RecordType.AGENCY,
        RecordType.REFERRAL,
        RecordType.RECOMMENDATION,
    )

    #: Record recommendation updates at this meeting (its id).
    meeting_updates_requested = Signal(str)

    def __init__(
        self,
        *,
        records: RecordService,
        meetings: MeetingList,
        referrals: ReferralList,
        drafts: DraftService,
        prompter: Prompter,
        decisions: DecisionService | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        page_size: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records
        years: list[tuple[str, dict[str, object]]] = [("All years", {"reporting_year": None})]
        years += [(text, dict(values)) for text, values in reporting_year_choices("reporting_year")]
        form = MeetingForm(
            drafts=drafts,
            prompter=prompter,
            referrals=referrals,
            records=records,
            decisions_at=None if decisions is None else decisions.decisions_at_meeting,
            autosave_ms=autosave_ms,
        )
        super().__init__(
            title="Meetings",
            plural="meetings",
            model=MeetingTableModel(service=meetings, page_size=page_size),
            form=form,
            filters=[FilterSpec(label="Year", choices=years)],
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )
        self.form: MeetingForm = form
        form.updates_requested.connect(self.meeting_updates_requested)
        self.search_box.setPlaceholderText("Search agendas and notes")
        self.search_box.setAccessibleName("Search agendas and notes")

    def _sync_sort_indicator(self) -> None:
        # The meeting list sorts by date only (newest first by default).
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        order = (
            Qt.SortOrder.DescendingOrder
            if self.model.query.descending
            else Qt.SortOrder.AscendingOrder
        )
        header.setSortIndicator(MeetingTableModel.Column.DATE, order)
        header.blockSignals(False)

    def _row_label(self, row: MeetingRow) -> str:
        return f"the meeting of {long_date(row.date)}"


def create_screen(context: ScreenContext) -> MeetingsScreen:
    """The screen for app.py, over whichever database is open."""
    db = open_database(context)
    screen = MeetingsScreen(
        records=RecordService(db=db),
        meetings=MeetingList(db=db),
        referrals=ReferralList(db=db),
        drafts=DraftService(db=db),
        prompter=context.prompter,
        decisions=DecisionService(db=db),
    )
    screen.changed.connect(context.changed)
    return screen
