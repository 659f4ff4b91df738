"""The Recommendations screen: the tracker of every review's recommendations, their agency
actions and dated progress updates."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import ActionUpdate, Recommendation
from crag_desktop.domain.vocabulary import MonitoringGroup, RecommendationStatus
from crag_desktop.domain.wording import file_date, file_name
from crag_desktop.services.changes import Changes
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.recommendation_list import (
    RecommendationList,
    RecommendationQuery,
    RecommendationRow,
    RecommendationSort,
)
from crag_desktop.services.records import RecordService
from crag_desktop.ui.forms.base import AUTOSAVE_MS
from crag_desktop.ui.forms.recommendation_form import RecommendationForm
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.recommendations import RecommendationTableModel
from crag_desktop.ui.tasks import TaskContext, TaskRunner
from crag_desktop.ui.views.filter_bar import FilterSpec
from crag_desktop.ui.views.list_screen import ListScreen
from crag_desktop.ui.widgets import load_icon
from crag_desktop.ui.working_day import WorkingDay

if TYPE_CHECKING:
    from crag_desktop.services.database import Database
    from crag_desktop.services.tracker_report import TrackerWritten

__all__ = ["RecommendationsScreen", "create_screen"]

_Choices = list[tuple[str, Mapping[str, object]]]

#: The "Due" filter's index of "Overdue only".
_OVERDUE_CHOICE = 1

_EXPORT_FILTER = "Excel workbook (*.xlsx);;PDF (*.pdf);;CSV file, not protected (*.csv)"

#: Asked before a CSV file is written: it cannot be protected with a passphrase.
CSV_QUESTION = (
    "A CSV file cannot be protected with a passphrase: anyone who has the file can read it. "
    "It is marked OFFICIAL-SENSITIVE; keep it on an encrypted drive and delete it when it "
    "has served its purpose. To protect the tracker, choose .xlsx or .pdf instead.\n\n"
    "Save the CSV file without protection?"
)


class TrackerExporter(Protocol):
    """Writes the tracker of a selection to a file (services.tracker_report.write_tracker,
    over the open database)."""

    def __call__(
        self,
        out: Path,
        *,
        as_of: date | None = None,
        passphrase: str | None = None,
        selection: RecommendationQuery | None = None,
    ) -> TrackerWritten:
        """Write it; return what was written."""
        ...


def _filters(records: RecordService, today: date) -> list[FilterSpec]:
    statuses: _Choices = [("All statuses", {"status": None})]
    statuses += [(s.label, {"status": s}) for s in RecommendationStatus]
    groups: _Choices = [("All groups", {"monitoring_group": None})]
    groups += [(g.label, {"monitoring_group": g}) for g in MonitoringGroup]
    agencies: _Choices = [("All agencies", {"lead_agency": None})]
    agencies += [(a.name, {"lead_agency": a.id}) for a in records.agencies()]
    reviews: _Choices = [("All reviews", {"review": None})]
    due: _Choices = [
        ("Any due date", {"overdue_on": None}),
        ("Overdue only", {"overdue_on": today}),
    ]
    return [
        FilterSpec(label="Status", choices=statuses),
        FilterSpec(label="Monitored by", choices=groups),
        FilterSpec(label="Lead agency", choices=agencies),
        FilterSpec(
            label="Review",
            choices=reviews,
            searchable=True,
            more_choices=lambda: [(c.label, {"review": c.id}) for c in records.reviews()],
        ),
        FilterSpec(label="Due", choices=due),
    ]


class RecommendationsScreen(ListScreen[RecommendationQuery, RecommendationRow, Recommendation]):
    """Every recommendation: search, filter, sort, open, create, save, delete, and append
    progress updates to its actions."""

    RECORD_TYPE = RecordType.RECOMMENDATION
    RELATED_TYPES = (RecordType.AGENCY, RecordType.MEMBER, RecordType.REVIEW)

    #: Record progress updates at a meeting (the meeting's id, or "" to choose one).
    meeting_updates_requested = Signal(str)
    #: Print the tracker of the recommendations listed (the list's RecommendationQuery).
    tracker_print_requested = Signal(object)

    def __init__(
        self,
        *,
        records: RecordService,
        lists: RecommendationList,
        drafts: DraftService,
        prompter: Prompter,
        today: Callable[[], date] = date.today,
        export_tracker: TrackerExporter | None = None,
        tasks: TaskRunner | None = None,
        status: Callable[[str], None] | None = None,
        autosave_ms: int = AUTOSAVE_MS,
        search_delay_ms: int = 250,
        page_size: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        self._records = records
        self._lists = lists
        self._today = today
        self._export_tracker = export_tracker
        self._tasks = tasks
        self._status = status
        form = RecommendationForm(
            records=records,
            drafts=drafts,
            prompter=prompter,
            today=today,
            suggest_number=self._next_number,
            autosave_ms=autosave_ms,
        )
        super().__init__(
            title="Recommendations",
            plural="recommendations",
            model=RecommendationTableModel(service=lists, page_size=page_size),
            form=form,
            filters=_filters(records, today()),
            prompter=prompter,
            search_delay_ms=search_delay_ms,
            parent=parent,
        )
        self.form: RecommendationForm = form
        self.search_box.setToolTip("Search recommendations by their text")
        form.update_requested.connect(self._append_update)
        self.meeting_updates_action = QAction("U&pdates at a meeting…", self)
        self.meeting_updates_action.setToolTip(
            "Tick the items a meeting discussed and record an update for each at once"
        )
        self.meeting_updates_action.triggered.connect(
            lambda _checked=False: self.meeting_updates_requested.emit("")
        )
        self.meeting_updates_button = self._add_screen_action(self.meeting_updates_action)
        self.export_action = QAction(load_icon("export"), "E&xport…", self)
        self.export_action.setToolTip(
            "Export the recommendations listed (with the filters chosen) as the tracker: an "
            "Excel workbook, a PDF or a CSV file"
        )
        self.export_action.triggered.connect(lambda _checked=False: self.export_listed())
        # A screen built without the database's exporter (some tests) cannot export.
        self.export_action.setEnabled(export_tracker is not None and tasks is not None)
        self.export_button = self._add_screen_action(self.export_action)
        self.print_tracker_action = QAction("Print tracker…", self)
        self.print_tracker_action.setToolTip(
            "Print the tracker of the recommendations listed, with the filters chosen (Ctrl+P)"
        )
        # Bound here (a tool button drops the "&"), for the whole screen.
        self.print_tracker_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_tracker_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.print_tracker_action)
        self.print_tracker_action.triggered.connect(
            lambda _checked=False: self.tracker_print_requested.emit(self.model.query)
        )
        self.print_tracker_button = self._add_screen_action(self.print_tracker_action)

    def refresh(self, changes: Changes | None) -> None:
        """Reload the list, and the filters when agencies or reviews changed."""
        if (
            changes is None
            or changes.touches(RecordType.AGENCY)
            or changes.touches(RecordType.REVIEW)
        ):
            self.set_filters(_filters(self._records, self._today()))
        super().refresh(changes)

    # --- ListScreen ---------------------------------------------------------------------------

    def _row_label(self, row: RecommendationRow) -> str:
        return f"recommendation {row.number} of {row.review_title}"

    def _query_with(self, **values: object) -> RecommendationQuery:
        # "Overdue only" means overdue today, not on the day the filter list was built.
        if values.get("overdue_on") is not None:
            values["overdue_on"] = self._today()
        return super()._query_with(**values)

    def _show_query(self, query: RecommendationQuery) -> None:
        super()._show_query(query)
        # The dashboard may ask for overdue on another day than the filter offers: still
        # "Overdue only".
        if query.overdue_on is not None:
            combo = self.filter_combos[-1]
            blocked = combo.blockSignals(True)
            combo.setCurrentIndex(_OVERDUE_CHOICE)
            combo.blockSignals(blocked)

    # --- export -------------------------------------------------------------------------------

    def export_listed(self) -> None:
        """Export the recommendations the filters list as the tracker, in the format the
        file name chosen says (.xlsx, .pdf or .csv), protected unless the user says twice
        that it should not be; written off the GUI thread and audited."""
        exporter, tasks = self._export_tracker, self._tasks
        if exporter is None or tasks is None:
            return
        selection = self.model.query
        if self.model.total == 0:
            self._prompter.info(
                "Nothing to export",
                "No recommendation is listed: change the search or the filters first.",
            )
            return
        chosen = self._prompter.ask_save_path(
            "Export the recommendations tracker (OFFICIAL-SENSITIVE)",
            file_filter=_EXPORT_FILTER,
            suggested=file_name(f"Recommendations tracker {file_date(self._today())}", ".xlsx"),
        )
        if chosen is None:
            return
        # Imported on export: the tracker's module loads ReportLab (a fifth of a second), which
        # the screen's first showing must not wait for.
        from crag_desktop.services.tracker_report import tracker_format

        try:
            kind = tracker_format(chosen)
        except CragError as error:
            self._prompter.error("The tracker was not exported", str(error))
            return
        passphrase: str | None = None
        if kind.protectable:
            protection = self._prompter.ask_pdf_protection(
                "The recommendations tracker", document=kind.noun
            )
            if protection is None:
                return
            passphrase = protection.passphrase
        elif not self._prompter.confirm(CSV_QUESTION, title="Save without protection"):
            return
        as_of = self._today()
        out = chosen

        def work(_task: TaskContext) -> TrackerWritten:
            return exporter(out, as_of=as_of, passphrase=passphrase, selection=selection)

        def done(written: TrackerWritten) -> None:
            count = written.recommendations
            protected = "protected with its passphrase" if written.protected else "not protected"
            message = (
                f"Exported {count:,} recommendation{'' if count == 1 else 's'} to "
                f"{written.path.name} ({protected})."
            )
            if self._status is not None:
                self._status(message)

        tasks.start(
            "Exporting the recommendations tracker", work, on_result=done, dialog_parent=self
        )

    # --- progress updates ---------------------------------------------------------------------

    def _append_update(self, action_id: str, update: object) -> None:
        record_id = self.form.record_id
        if record_id is None or not isinstance(update, ActionUpdate):
            return
        try:
            changes = self._records.add_action_update(record_id, action_id, update)
            stored = self._records.get(Recommendation, record_id)
        except ValidationFailed as failed:
            self.form.show_update_errors(failed.errors)
            return
        except CragError as error:
            self._prompter.error("The progress update was not added", str(error))
            return
        # Only the updates change in the form: anything typed elsewhere in it stays.
        self.form.update_added(stored)
        self.model.apply_changes(updated=[record_id])
        self._select(record_id)
        self.changed.emit(changes)

    def _next_number(self, review_id: str) -> int:
        query = RecommendationQuery(
            review=review_id, sort=RecommendationSort.NUMBER, descending=True
        )
        rows = self._lists.page(query, limit=1)
        return rows[0].number + 1 if rows else 1


def _write_tracker(
    db: Database,
    out: Path,
    *,
    as_of: date | None = None,
    passphrase: str | None = None,
    selection: RecommendationQuery | None = None,
) -> TrackerWritten:
    # Imported on export, off the GUI thread (see export_listed).
    from crag_desktop.services.tracker_report import write_tracker

    return write_tracker(db, out, as_of=as_of, passphrase=passphrase, selection=selection)


def create_screen(context: ScreenContext) -> RecommendationsScreen:
    """The screen for app.py, over whichever database is open."""
    db = open_database(context)
    today = WorkingDay(current=context.current)
    screen = RecommendationsScreen(
        records=RecordService(db=db),
        lists=RecommendationList(db=db, today=today),
        drafts=DraftService(db=db),
        prompter=context.prompter,
        today=today,
        export_tracker=functools.partial(_write_tracker, db),
        tasks=context.tasks,
        status=context.status,
    )
    screen.changed.connect(context.changed)
    return screen
