"""The Referrals screen: the list of every referral and the referral form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import Referral
from crag_desktop.domain.vocabulary import DecidedOutcome, IncidentType, ReferralStatus
from crag_desktop.services.changes import Changes
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReferralRow
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS
from crag_desktop.ui.forms.referral_form import ReferralForm
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.referrals import ReferralTableModel
from crag_desktop.ui.views.filter_bar import FilterSpec, reporting_year_choices
from crag_desktop.ui.views.list_screen import ListScreen
from crag_desktop.ui.working_day import WorkingDay

__all__ = ["ReferralsScreen"]

_Choices = list[tuple[str, Mapping[str, object]]]


def _filters(records: RecordService) -> list[FilterSpec]:
    statuses: _Choices = [("All statuses", {"status": None})]
    statuses += [(s.label, {"status": s}) for s in ReferralStatus]
    agencies: _Choices = [("All agencies", {"referring_agency": None})]
    agencies += [(a.name, {"referring_agency": a.id}) for a in records.agencies()]
    years: _Choices = [("All years", {"reporting_year": None})]
    years += reporting_year_choices("reporting_year")
    incidents: _Choices = [("All incidents", {"incident_type": None})]
    incidents += [(t.label, {"incident_type": t}) for t in IncidentType]
    outcomes: _Choices = [
        ("All decisions", {"decided_outcome": None, "pending_decision": False}),
        ("Pending decision", {"pending_decision": True}),
    ]
    outcomes += [(o.label, {"decided_outcome": o}) for o in DecidedOutcome]
    return [
        FilterSpec(label="Status", choices=statuses),
        FilterSpec(label="Agency", choices=agencies),
        FilterSpec(label="Year", choices=years),
        FilterSpec(label="Incident", choices=incidents),
        FilterSpec(label="Decision", choices=outcomes),
    ]


class ReferralsScreen(ListScreen[ReferralQuery, ReferralRow, Referral]):
    """Every referral: search, filter, sort, open, create, save and delete."""

    RECORD_TYPE = RecordType.REFERRAL
    RELATED_TYPES = (RecordType.AGENCY,)

    #: Run the criteria wizard for this referral id (the app opens the wizard).
    criteria_wizard_requested = Signal(str)
    #: Print the decision record of this referral id (the app asks where and writes it).
    decision_record_requested = Signal(str)
    #: Send the decision record of this referral id to a printer (the app asks which).
    decision_record_print_requested = Signal(str)

    def __init__(
        self,
        *,
        records: RecordService,
        lists: ReferralList,
        drafts: DraftService,
        prompter: Prompter,
        today: Callable[[], date] = date.today,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        page_size: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records
        form = ReferralForm(
            records=records, drafts=drafts, prompter=prompter, autosave_ms=autosave_ms, today=today
        )
        super().__init__(
            title="Referrals",
            plural="referrals",
            model=ReferralTableModel(service=lists, page_size=page_size),
            form=form,
            filters=_filters(records),
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )
        self.form: ReferralForm = form
        form.criteria_wizard_requested.connect(self.criteria_wizard_requested)
        form.decision_record_requested.connect(self.decision_record_requested)
        form.decision_record_print_requested.connect(self.decision_record_print_requested)

    def refresh(self, changes: Changes | None) -> None:
        """Reload the list, and the agency filter when agencies changed."""
        if changes is None or changes.touches(RecordType.AGENCY):
            self.set_filters(_filters(self._records))
        super().refresh(changes)

    def _row_label(self, row: ReferralRow) -> str:
        return f"referral {row.reference} ({row.case_name})"


def create_screen(context: ScreenContext) -> ReferralsScreen:
    """The screen for app.py, over whichever database is open."""
    db = open_database(context)
    screen = ReferralsScreen(
        records=RecordService(db=db),
        lists=ReferralList(db=db),
        drafts=DraftService(db=db),
        prompter=context.prompter,
        today=WorkingDay(current=context.current),
    )
    screen.changed.connect(context.changed)
    return screen
