"""The Reports screen (Ctrl+8): choose a report and what it covers, generate it in the
background, read it page by page, then print or save it.

Generating renders the PDF in memory (the services' `*_pdf` functions); the preview reads
those bytes through QtPdf, and Print and Save use the same bytes, so what is printed or
saved is exactly what was read. Nothing unprotected is written to disk on the way. Cancel
stops the work at its next stage; generating again while a report is being generated
cancels the first. Locking drops the report shown and stops any generation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.record_types import RecordType
from crag_desktop.services.changes import Changes
from crag_desktop.services.lists import ReferralList
from crag_desktop.services.records import RecordService
from crag_desktop.services.report_texts import ReportTextService
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.tasks import Task, TaskContext, TaskRunner
from crag_desktop.ui.views.referral_picker import ReferralPicker
from crag_desktop.ui.views.report_makers import (
    Generated,
    Maker,
    ReportKind,
    decision_record_maker,
)
from crag_desktop.ui.views.report_parameters import (
    AnnualParameters,
    RegisterParameters,
    TrackerParameters,
)
from crag_desktop.ui.views.report_texts import last_complete_year
from crag_desktop.ui.working_day import WorkingDay

if TYPE_CHECKING:
    from crag_desktop.services.database import Database
    from crag_desktop.ui.report_output import ReportOutput
    from crag_desktop.ui.views.report_preview import ReportPreview

# QtPdf and Qt's print support load when the screen is first shown or used, not at start
# (every screen is built before the window paints).

__all__ = ["ReportsScreen", "create_screen"]

NO_REPORT_YET = (
    "Choose a report and what it covers, then press Generate: its pages appear here, to "
    "read before you print or save it."
)
STALE_NOTICE = "Records changed since this report was generated: generate it again to include them."


class ReportsScreen(QWidget):
    """Choose, generate, preview, print and save the printed reports."""

    def __init__(
        self,
        *,
        db: Database,
        prompter: Prompter,
        tasks: TaskRunner,
        status: Callable[[str], None],
        changed: Callable[[Changes], None],
        today: Callable[[], date] = date.today,
        search_delay_ms: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._prompter = prompter
        self._tasks = tasks
        self._status = status
        self._changed = changed
        self._today = today
        self._task: Task | None = None
        self._generation = 0
        self.generated: Generated | None = None
        self.texts_dialog: QWidget | None = None
        self._output: ReportOutput | None = None
        self._preview: ReportPreview | None = None
        year = last_complete_year(today())

        heading = QLabel("Reports")
        heading.setProperty("role", "title")

        # --- which report ----------------------------------------------------------------
        self.kind_buttons: dict[ReportKind, QRadioButton] = {}
        kinds = QGroupBox("Report")
        kinds_layout = QVBoxLayout(kinds)
        self._kind_group = QButtonGroup(self)
        self.parameters = QStackedWidget()
        self.annual = AnnualParameters(year=year)
        self.annual.texts_button.clicked.connect(self.open_report_texts)
        self.tracker = TrackerParameters()
        self._agencies_loaded = False
        self.register = RegisterParameters(year=year)
        self.picker = ReferralPicker(referrals=ReferralList(db=db), search_delay_ms=search_delay_ms)
        self.picker.matches.itemActivated.connect(lambda _item: self.generate())

        self._pages: dict[ReportKind, QWidget] = {
            ReportKind.ANNUAL: self.annual,
            ReportKind.TRACKER: self.tracker,
            ReportKind.REGISTER: self.register,
            ReportKind.DECISION: self.picker,
        }
        self._add_kinds(kinds_layout)
        left_panel = self._left_panel(kinds)
        right = self._right_column()

        body = QHBoxLayout()
        body.addWidget(left_panel)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(body, 1)

        self._add_shortcuts()

        self.kind_buttons[ReportKind.ANNUAL].setChecked(True)
        self._show_nothing()

    def _add_kinds(self, kinds_layout: QVBoxLayout) -> None:
        """One radio button a report, each showing its own parameters."""
        for kind, page in self._pages.items():
            button = QRadioButton(kind.label)
            self.kind_buttons[kind] = button
            self._kind_group.addButton(button)
            kinds_layout.addWidget(button)
            self.parameters.addWidget(page)
            button.toggled.connect(
                lambda on, chosen=kind: self._kind_chosen(chosen) if on else None
            )

    def _left_panel(self, kinds: QGroupBox) -> QWidget:
        """The report chosen, its parameters, Generate and Cancel with the progress, Print
        and Save."""
        self.generate_button = QPushButton("&Generate")
        self.generate_button.setProperty("role", "primary")
        self.generate_button.setToolTip("Make the report and show its pages (Ctrl+G)")
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop generating the report")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress of the report")
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        self.progress_label.setProperty("role", "hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)

        self.print_button = QPushButton("&Print…")
        self.print_button.setToolTip("Print the report shown (Ctrl+P)")
        self.print_button.clicked.connect(self.print_report)
        self.save_button = QPushButton("&Save…")
        self.save_button.setToolTip("Save the report shown as a PDF, protected by a passphrase")
        self.save_button.clicked.connect(self.save_report)
        output_buttons = QHBoxLayout()
        output_buttons.addWidget(self.print_button)
        output_buttons.addWidget(self.save_button)
        output_buttons.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(kinds)
        left.addWidget(self.parameters, 1)
        left.addLayout(buttons)
        left.addWidget(self.progress)
        left.addWidget(self.progress_label)
        left.addLayout(output_buttons)
        left_panel = QWidget()
        left_panel.setLayout(left)
        left_panel.setFixedWidth(260)
        return left_panel

    def _right_column(self) -> QVBoxLayout:
        """What the report shown is (the preview joins it when first needed)."""
        self.shown_label = QLabel()
        self.shown_label.setWordWrap(True)
        self.shown_label.setProperty("role", "subtitle")
        self.shown_label.setAccessibleName("The report shown")
        self.stale_label = QLabel()
        self.stale_label.setWordWrap(True)
        self.stale_label.setProperty("role", "hint")
        self.stale_label.hide()
        right = QVBoxLayout()
        right.addWidget(self.shown_label)
        right.addWidget(self.stale_label)
        self._right = right
        return right

    def _add_shortcuts(self) -> None:
        for keys, slot in (("Ctrl+G", self.generate), ("Ctrl+P", self.print_report)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    @property
    def title(self) -> str:
        """The screen's name."""
        return "Reports"

    @property
    def preview(self) -> ReportPreview:
        """The pages of the report shown (built when first needed)."""
        if self._preview is None:
            from crag_desktop.ui.views.report_preview import ReportPreview

            self._preview = ReportPreview()
            self._preview.set_placeholder(NO_REPORT_YET)
            self._right.addWidget(self._preview, 1)
        return self._preview

    @property
    def output(self) -> ReportOutput:
        """Prints and saves the report shown (built when first needed)."""
        if self._output is None:
            from crag_desktop.ui.report_output import ReportOutput

            self._output = ReportOutput(
                db=self._db,
                prompter=self._prompter,
                tasks=self._tasks,
                status=self._status,
                parent=self,
            )
        return self._output

    def showEvent(self, event: QShowEvent) -> None:
        """Build the preview as the screen first shows."""
        if self._preview is None:
            self.preview.set_placeholder(NO_REPORT_YET)
        super().showEvent(event)

    @property
    def kind(self) -> ReportKind:
        """The report chosen."""
        return next(k for k, b in self.kind_buttons.items() if b.isChecked())

    def choose(self, kind: ReportKind) -> None:
        """Choose the report `kind` (its parameters show)."""
        self.kind_buttons[kind].setChecked(True)

    @property
    def generating(self) -> bool:
        """Whether a report is being generated."""
        return self._task is not None

    # --- Screen protocol -----------------------------------------------------------------

    def refresh(self, changes: Changes | None) -> None:
        """A report shown is now out of date: say so (it is not regenerated unasked)."""
        if changes is None:
            if self.kind == ReportKind.DECISION:
                self.picker.search()
            self._agencies_loaded = False
            if self.kind == ReportKind.TRACKER:
                self._load_agencies()
            return
        if self.generated is not None:
            self.stale_label.setText(STALE_NOTICE)
            self.stale_label.show()
        if self.kind == ReportKind.DECISION and changes.touches(RecordType.REFERRAL):
            self.picker.search()
        if changes.touches(RecordType.AGENCY):
            self._agencies_loaded = False
            if self.kind == ReportKind.TRACKER:
                self._load_agencies()

    def clear(self) -> None:
        """Drop the report shown and stop any generation (the app is locking)."""
        self.cancel()
        self._show_nothing()
        self.picker.clear()

    # --- choosing ------------------------------------------------------------------------

    def _kind_chosen(self, kind: ReportKind) -> None:
        self.parameters.setCurrentWidget(self._pages[kind])
        if kind == ReportKind.DECISION and not self.picker.searched:
            self.picker.search()
        if kind == ReportKind.TRACKER and not self._agencies_loaded:
            self._load_agencies()

    def _load_agencies(self) -> None:
        """Offer every agency as a lead agency (keeping the one chosen)."""
        try:
            agencies = RecordService(db=self._db).agencies()
        except CragError as error:
            self._prompter.error("The agencies could not be read", str(error))
            return
        self.tracker.set_agencies(agencies)
        self._agencies_loaded = True

    def open_report_texts(self) -> None:
        """Edit the narrative texts of the chosen year's annual report (a dialog)."""
        from crag_desktop.ui.views.report_texts import ReportTextsDialog

        dialog = ReportTextsDialog(
            texts=ReportTextService(db=self._db),
            prompter=self._prompter,
            year=self.annual.year.value(),
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.editor.changed.connect(self._changed)
        self.texts_dialog = dialog
        dialog.open()

    # --- generating ----------------------------------------------------------------------

    def _maker(self) -> tuple[str, Maker]:
        """What the chosen report is called and the work that makes it; CragError (a
        sentence) when a parameter is wrong."""
        kind = self.kind
        if kind == ReportKind.ANNUAL:
            return self.annual.maker(self._db)
        if kind == ReportKind.TRACKER:
            return self.tracker.maker(self._db)
        if kind == ReportKind.REGISTER:
            return self.register.maker(self._db)
        referral = self.picker.chosen_id
        if referral is None:
            raise CragError(
                "Choose the referral whose decision record you want: type its reference or "
                "name, then pick it from the list."
            )
        return decision_record_maker(self._db, referral, self.picker.chosen_reference)

    def generate(self) -> bool:
        """Generate the chosen report in the background; a generation already running is
        cancelled first. False when a parameter is wrong (said in a sentence)."""
        try:
            what, make = self._maker()
        except CragError as error:
            self._prompter.error("The report was not generated", str(error))
            return False
        if self._task is not None:
            # A second Generate means "this one instead": the first stops at its next stage.
            self._task.cancel()
        self._generation += 1
        generation = self._generation

        def work(task: TaskContext) -> Generated:
            return make(task.progress)

        task = self._tasks.start(f"Generating {what}", work, show_progress=False)
        self._task = task
        task.progressed.connect(
            lambda done, total, text: self._progressed(generation, done, total, text)
        )
        task.succeeded.connect(lambda result: self._generated(generation, result))
        task.failed.connect(lambda _message: self._ended(generation, ""))
        task.cancelled.connect(
            lambda: self._ended(
                generation,
                "Generating was cancelled"
                + ("; the report shown before is still here." if self.generated else "."),
            )
        )
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText(f"Generating {what}…")
        self.cancel_button.setEnabled(True)
        return True

    def cancel(self) -> None:
        """Stop the generation running (it stops at its next stage)."""
        if self._task is not None:
            self._task.cancel()
            self.progress_label.setText("Cancelling…")
            self.cancel_button.setEnabled(False)

    def _progressed(self, generation: int, done: int, total: int, text: str) -> None:
        if generation != self._generation or self._task is None or self._task.token.cancelled:
            return
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done if total else 0)
        if text:
            self.progress_label.setText(text)

    def _generated(self, generation: int, result: object) -> None:
        if generation != self._generation or not isinstance(result, Generated):
            return
        self._ended(generation, "")
        try:
            self.preview.show_pdf(result.report.data)
        except CragError as error:
            self._prompter.error("The report could not be shown", str(error))
            return
        self.generated = result
        report = result.report
        noun = "page" if report.pages == 1 else "pages"
        self.shown_label.setText(
            f"{report.title[:1].upper()}{report.title[1:]} · {report.pages} {noun} · "
            f"generated at {datetime.now():%H:%M}"
        )
        self.stale_label.hide()
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.preview.view.setFocus()

    def _ended(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.progress.hide()
        self.progress_label.setText(message)
        self.cancel_button.setEnabled(False)

    def _show_nothing(self) -> None:
        self.generated = None
        if self._preview is not None:
            self.preview.set_placeholder(NO_REPORT_YET)
        self.shown_label.setText("No report generated yet.")
        self.stale_label.hide()
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.progress_label.clear()

    # --- printing and saving -------------------------------------------------------------

    def print_report(self) -> bool:
        """Print the report shown (the print dialog first); False when none or cancelled."""
        if self.generated is None:
            return False
        return self.output.print_report(self.generated.report)

    def save_report(self) -> bool:
        """Save the report shown (and its figures when asked); False when none or cancelled."""
        if self.generated is None:
            return False
        figures = self.generated.figures if self.annual.figures.isChecked() else None
        tracker = self.generated.tracker
        if tracker is None:
            return self.output.save_report(self.generated.report, figures=figures)
        db = self._db

        def write(path: Path, passphrase: str | None) -> None:
            from crag_desktop.services.tracker_report import write_tracker

            # The tracker's own export: audited as every tracker file is.
            write_tracker(
                db, path, as_of=tracker.as_of, passphrase=passphrase, selection=tracker.selection
            )

        return self.output.save_report(self.generated.report, write=write)


def create_screen(context: ScreenContext) -> ReportsScreen:
    """The screen for app.py, over whichever database is open."""
    return ReportsScreen(
        db=open_database(context),
        prompter=context.prompter,
        tasks=context.tasks,
        status=context.status,
        changed=context.changed,
        # The demo's year is 2016/17, as its dashboard is as of 1 April 2017.
        today=WorkingDay(current=context.current),
    )
