"""What joins the screens together: the criteria wizard, printing, import and export.

The screens only emit what the user asked for (open this filtered list, run the wizard for
this referral, print its decision record); this object carries it out, so that no screen
needs to know about another.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import Referral
from crag_desktop.domain.wording import PDF_SUFFIX, file_date, file_name, pdf_name, with_suffix
from crag_desktop.services.changes import Changes
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenContext, ScreenKey, open_database
from crag_desktop.ui.tasks import TaskContext
from crag_desktop.ui.working_day import WorkingDay

if TYPE_CHECKING:
    from crag_desktop.services.recommendation_list import RecommendationQuery
    from crag_desktop.services.report_files import ReportPdf
    from crag_desktop.ui.dialogs.meeting_updates import MeetingUpdatesDialog
    from crag_desktop.ui.report_output import ReportOutput
    from crag_desktop.ui.views.report_texts import ReportTextsDialog
    from crag_desktop.ui.wizard.criteria_wizard import CriteriaWizard

# The wizard, the report texts dialog, printing (ReportLab), the interchange format
# (jsonschema) and the services (SQLAlchemy's ORM and the models) are imported when first
# used: loading them at start cost a third of the time to a painted window and tens of
# megabytes (benchmarks: start to paint, memory).

#: How many import problems a message box lists before it says how many more there are.
SHOWN_PROBLEMS = 15


class ImportRefused(CragError):
    """An import that found problems, with the first of them in the message."""

    def __init__(self, failure: ValidationFailed) -> None:
        from crag_desktop.services.interchange import ALREADY_IMPORTED, already_imported

        if already_imported(failure):
            super().__init__(ALREADY_IMPORTED)
            return
        lines = [str(e) for e in failure.errors[:SHOWN_PROBLEMS]]
        more = len(failure.errors) - len(lines)
        if more > 0:
            lines.append(f"… and {more} more.")
        super().__init__(
            "Nothing was imported: the file has "
            f"{len(failure.errors)} problem{'s' if len(failure.errors) != 1 else ''}. "
            "Correct them and import the file again.\n\n" + "\n".join(lines)
        )


class CaseActions(QObject):
    """Connects the screens' requests to the wizard, the printer and the file menu."""

    def __init__(self, *, window: MainWindow, context: ScreenContext) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._db = open_database(context)
        # Defaults and clocks count from the day the app works at (1 April 2017 on the demo).
        self._today = WorkingDay(current=context.current)
        self.wizard: CriteriaWizard | None = None
        self.meeting_updates: MeetingUpdatesDialog | None = None
        self.report_texts: ReportTextsDialog | None = None
        self._report_output: ReportOutput | None = None

    def wire(self) -> None:
        """Wire the screens, the Case menu and File > Import/Export."""
        window = self._window
        # Each screen is wired when it is built (screens are built when first shown).
        window.when_screen_built(ScreenKey.DASHBOARD, self._wire_dashboard)
        window.when_screen_built(ScreenKey.REFERRALS, self._wire_referrals)
        window.when_screen_built(ScreenKey.REVIEWS, self._wire_reviews)
        window.when_screen_built(ScreenKey.RECOMMENDATIONS, self._wire_recommendations)
        window.when_screen_built(ScreenKey.MEETINGS, self._wire_meetings)
        self.action_wizard = window.menus.add_case_action(
            "Criteria &decision…",
            lambda: self.open_wizard(self._referral_in_view()),
            shortcut="Ctrl+D",
            icon="wizard",
            tooltip="Run the criteria decision wizard for a referral (Ctrl+D)",
        )
        self.action_meeting_updates = window.menus.add_case_action(
            "Recommendation u&pdates at a meeting…",
            lambda: self.open_meeting_updates(""),
            icon="recommendations",
            tooltip="Tick the items a meeting discussed and record an update for each",
        )
        # The Case menu and the Recommendations and Meetings screens offer it; the toolbar
        # keeps to what fits beside the file actions at 1024 pixels.
        window.menus.toolbar.removeAction(self.action_meeting_updates)
        self.action_report_texts = window.menus.add_case_action(
            "Annual report &texts…",
            self.open_report_texts,
            icon="reports",
            tooltip="Write the narrative sections of a year's annual report",
        )
        window.menus.set_import_handler(self.import_file)
        window.menus.set_export_handler(self.export_file)
        window.locked.connect(self._forget_wizard)
        window.locked.connect(self._close_meeting_updates)

    def _wire_dashboard(self, dashboard: Any) -> None:
        dashboard.open_list.connect(self.open_list)

    def _wire_referrals(self, referrals: Any) -> None:
        referrals.criteria_wizard_requested.connect(self.open_wizard)
        referrals.decision_record_requested.connect(self.save_decision_record)
        referrals.decision_record_print_requested.connect(self.print_decision_record)

    def _wire_reviews(self, reviews: Any) -> None:
        reviews.recommendation_open_requested.connect(self.open_recommendation)

    def _wire_recommendations(self, recommendations: Any) -> None:
        recommendations.meeting_updates_requested.connect(self.open_meeting_updates)
        recommendations.tracker_print_requested.connect(self.print_tracker)

    def _wire_meetings(self, meetings: Any) -> None:
        meetings.meeting_updates_requested.connect(self.open_meeting_updates)

    # --- the dashboard -------------------------------------------------------------------

    def open_list(self, key: object, query: object) -> None:
        """Show `key`'s screen filtered by `query` (a dashboard tile was chosen)."""
        if not isinstance(key, ScreenKey):
            return
        self._window.show_screen(key)
        screen: Any = self._window.screen_widget(key)
        apply_query = getattr(screen, "apply_query", None)
        if callable(apply_query):
            apply_query(query)

    def open_recommendation(self, recommendation_id: str) -> None:
        """Show the Recommendations screen with `recommendation_id` open (from a review)."""
        self._window.show_screen(ScreenKey.RECOMMENDATIONS)
        # Unsaved changes on the review may keep the user there (they chose Cancel).
        if self._window.current_screen_key() != ScreenKey.RECOMMENDATIONS:
            return
        screen: Any = self._window.screen_widget(ScreenKey.RECOMMENDATIONS)
        screen.open_record(recommendation_id)

    def open_meeting_updates(self, meeting_id: str) -> None:
        """Open the bulk update at a meeting (for `meeting_id`, or the newest meeting)."""
        if self.meeting_updates is not None and self.meeting_updates.isVisible():
            self.meeting_updates.raise_()
            self.meeting_updates.activateWindow()
            return
        from crag_desktop.services.recommendation_list import RecommendationList
        from crag_desktop.services.records import RecordService
        from crag_desktop.ui.dialogs.meeting_updates import MeetingUpdatesDialog

        dialog = MeetingUpdatesDialog(
            records=RecordService(db=self._db),
            recommendations=RecommendationList(db=self._db, today=self._today),
            prompter=self._context.prompter,
            meeting_id=meeting_id or None,
            today=self._today,
            parent=self._window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.recorded.connect(self._meeting_updates_recorded)
        dialog.destroyed.connect(self._forget_meeting_updates)
        self.meeting_updates = dialog
        dialog.open()

    def _meeting_updates_recorded(self, changes: Changes) -> None:
        self._context.changed(changes)
        count = len(changes.ids(RecordType.RECOMMENDATION))
        noun = "recommendation" if count == 1 else "recommendations"
        self._window.show_status(f"The meeting's updates were recorded on {count} {noun}.")

    def _forget_meeting_updates(self) -> None:
        self.meeting_updates = None

    def _close_meeting_updates(self) -> None:
        # Locking hides every record: the ticks and notes typed go with the dialog.
        if self.meeting_updates is not None:
            self.meeting_updates.discard()

    # --- the criteria wizard -------------------------------------------------------------

    def _referral_in_view(self) -> str | None:
        """The referral open on the Referrals screen, when that screen is in front: Ctrl+D
        at a meeting means "decide the case we are looking at"."""
        if self._window.current_screen_key() != ScreenKey.REFERRALS:
            return None
        referrals: Any = self._window.screen_widget(ScreenKey.REFERRALS)
        form = referrals.form
        if form.record_id is None or form.is_new:
            return None
        return str(form.record_id)

    def open_wizard(self, referral_id: str | None) -> None:
        """Open the criteria wizard, for `referral_id` or for a referral chosen in it."""
        if self.wizard is not None and self.wizard.isVisible():
            self.wizard.raise_()
            self.wizard.activateWindow()
            return
        from crag_desktop.services.decisions import DecisionService
        from crag_desktop.services.drafts import DraftService
        from crag_desktop.services.records import RecordService
        from crag_desktop.ui.wizard.criteria_wizard import CriteriaWizard

        wizard = CriteriaWizard(
            decisions=DecisionService(db=self._db),
            records=RecordService(db=self._db),
            drafts=DraftService(db=self._db),
            prompter=self._context.prompter,
            referral_id=referral_id,
            today=self._today,
            parent=self._window,
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.decision_recorded.connect(self._decision_recorded)
        wizard.destroyed.connect(self._forget_wizard)
        self.wizard = wizard
        wizard.open()

    def _decision_recorded(self, changes: Changes) -> None:
        self._context.changed(changes)
        self._window.show_status("The decision was recorded.")

    def _forget_wizard(self) -> None:
        self.wizard = None

    # --- the annual report's texts -------------------------------------------------------

    def open_report_texts(self) -> None:
        """Case > Annual report texts…: edit the narrative sections, per year and section."""
        from crag_desktop.services.report_texts import ReportTextService
        from crag_desktop.ui.views.report_texts import ReportTextsDialog

        dialog = ReportTextsDialog(
            texts=ReportTextService(db=self._db),
            prompter=self._context.prompter,
            parent=self._window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.editor.changed.connect(self._context.changed)
        self.report_texts = dialog
        dialog.open()

    # --- printing ------------------------------------------------------------------------

    def report_output(self) -> ReportOutput:
        """Prints and saves reports for the screens (Qt's print support loads when used)."""
        if self._report_output is None:
            from crag_desktop.ui.report_output import ReportOutput

            self._report_output = ReportOutput(
                db=self._db,
                prompter=self._context.prompter,
                tasks=self._context.tasks,
                status=self._window.show_status,
                parent=self._window,
            )
        return self._report_output

    def print_decision_record(self, referral_id: str) -> None:
        """Make the referral's decision record in the background, then the print dialog;
        the print is audited before its pages go."""

        def work(task: TaskContext) -> ReportPdf:
            from crag_desktop.services.decision_records import decision_record_pdf

            return decision_record_pdf(self._db, referral_id, stage=task.progress)

        self._make_then_print("Preparing the decision record", work)

    def _make_then_print(self, title: str, make: Callable[[TaskContext], ReportPdf]) -> None:
        def made(report: ReportPdf) -> None:
            self.report_output().print_report(report)

        self._context.tasks.start(title, make, on_result=made, dialog_parent=self._window)

    def print_tracker(self, selection: RecommendationQuery) -> None:
        """Make the tracker of `selection` (the Recommendations screen's filters) in the
        background, then the print dialog; the print is audited before its pages go."""

        def work(task: TaskContext) -> ReportPdf:
            from crag_desktop.services.tracker_report import tracker_pdf

            return tracker_pdf(self._db, selection=selection, stage=task.progress)

        self._make_then_print("Preparing the tracker", work)

    def save_decision_record(self, referral_id: str) -> None:
        """Ask where, then write the referral's decision record PDF in the background."""
        from crag_desktop.services.records import RecordService

        try:
            reference = RecordService(db=self._db).get(Referral, referral_id).reference
        except CragError as error:
            self._context.prompter.error("The decision record was not printed", str(error))
            return
        chosen = self._context.prompter.ask_save_path(
            "Save the decision record (OFFICIAL-SENSITIVE)",
            file_filter="PDF files (*.pdf)",
            suggested=pdf_name(f"Decision record {reference}"),
        )
        if chosen is None:
            return
        path = with_suffix(chosen, PDF_SUFFIX)
        protection = self._context.prompter.ask_pdf_protection("The decision record")
        if protection is None:
            return
        passphrase = protection.passphrase

        def work(_task: TaskContext) -> str:
            from crag_desktop.services.decision_records import write_decision_record

            return write_decision_record(self._db, referral_id, path, passphrase=passphrase)

        def done(reference: str) -> None:
            self._window.show_status(f"Decision record for {reference} saved to {path.name}.")

        self._context.tasks.start(
            "Printing the decision record", work, on_result=done, dialog_parent=self._window
        )

    # --- import and export ---------------------------------------------------------------

    def import_file(self) -> None:
        """File > Import: add a JSON interchange file's records, all or nothing."""
        chosen = self._context.prompter.ask_open_path(
            "Import a CRAG Desktop JSON file", file_filter="JSON files (*.json);;All files (*)"
        )
        if chosen is None:
            return
        path = chosen

        def work(task: TaskContext) -> tuple[str, Changes]:
            from crag_desktop.services.interchange import import_document, read_document_file

            task.progress(0, 0, f"Reading {path.name}…")
            data = read_document_file(path)
            task.progress(0, 0, "Checking and adding the records…")
            try:
                document, changes = import_document(
                    self._db, data, source_name=path.name, source_size=path.stat().st_size
                )
            except ValidationFailed as failure:
                raise ImportRefused(failure) from None
            return f"{len(document.referrals)} referrals and their records", changes

        def done(result: tuple[str, Changes]) -> None:
            summary, changes = result
            self._context.changed(changes)
            self._context.prompter.info("Import finished", f"Imported {summary} from {path.name}.")

        self._context.tasks.start("Importing", work, on_result=done, dialog_parent=self._window)

    def export_file(self) -> None:
        """File > Export: the whole database as JSON, after a warning that it is not encrypted."""
        prompter = self._context.prompter
        if not prompter.confirm(
            "The exported file is NOT encrypted: anyone who has it can read every record. "
            "It is marked OFFICIAL-SENSITIVE; keep it on an encrypted drive and delete it "
            "when it has served its purpose.\n\nExport anyway?",
            title="Export without encryption",
        ):
            return
        chosen = prompter.ask_save_path(
            "Export the database as JSON (OFFICIAL-SENSITIVE)",
            file_filter="JSON files (*.json)",
            suggested=file_name(f"CRAG export {file_date(date.today())}", ".json"),
        )
        if chosen is None:
            return
        path = with_suffix(chosen, ".json")

        def work(task: TaskContext) -> str:
            from crag_desktop.services.interchange import export_file

            task.progress(0, 0, "Writing the export…")
            return export_file(self._db, path)

        def done(summary: str) -> None:
            prompter.info("Export finished", f"Exported {summary} to {path.name}.")

        self._context.tasks.start("Exporting", work, on_result=done, dialog_parent=self._window)
