"""File > Export agency return… and File > Import agency return…: the menu entries, the
file and passphrase questions, and the screens' refresh after an import."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.wording import file_date, file_name
from crag_desktop.services.changes import Changes
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.working_day import WorkingDay

if TYPE_CHECKING:
    # Imported when first used: the returns' service and dialogs load SQLAlchemy's ORM,
    # the models and openpyxl's helpers, which the start of the app must not wait for.
    from crag_desktop.services.agency_returns import AgencyReturns, ExportedReturn
    from crag_desktop.ui.dialogs.agency_return import ImportReturnDialog

__all__ = ["AgencyReturnActions"]


def _xlsx(path: Path) -> Path:
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


class AgencyReturnActions(QObject):
    """Export an agency's return to fill in; import it back."""

    def __init__(self, *, window: MainWindow, context: ScreenContext) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._db = open_database(context)
        self.import_dialog: ImportReturnDialog | None = None
        self.last_export: ExportedReturn | None = None

    def wire(self) -> None:
        """Add the two File menu entries."""
        self.action_export: QAction = self._window.menus.add_file_action(
            "E&xport agency return…", self.export_return
        )
        self.action_import: QAction = self._window.menus.add_file_action(
            "I&mport agency return…", self.import_return
        )
        self._window.locked.connect(self._close_import)

    def _returns(self) -> AgencyReturns:
        from crag_desktop.services.agency_returns import AgencyReturns

        # Dated, and counted overdue, as of the day the window works at (the demo's 1 April
        # 2017), as the screens are.
        return AgencyReturns(db=self._db, today=WorkingDay(current=self._context.current))

    def export_return(self) -> None:
        """Choose the agency, where to save and how to protect it; then write the return."""
        from crag_desktop.ui.dialogs.agency_return import ChooseAgencyDialog

        prompter = self._context.prompter
        try:
            chooser = ChooseAgencyDialog(returns=self._returns(), parent=self._window)
        except CragError as error:
            prompter.error("The agency return was not exported", str(error))
            return
        if chooser.exec() != QDialog.DialogCode.Accepted:
            return
        self.export_for(chooser.agency_id(), chooser.agency.currentText())

    def export_for(self, agency_id: str | None, agency_name: str) -> None:
        """Ask where to save the return of `agency_id` and its passphrase, then write it."""
        if agency_id is None:
            return
        prompter = self._context.prompter
        chosen = prompter.ask_save_path(
            "Save the agency return (OFFICIAL-SENSITIVE)",
            file_filter="Excel workbooks (*.xlsx)",
            suggested=file_name(f"Return {agency_name} {file_date(date.today())}", ".xlsx"),
        )
        if chosen is None:
            return
        path = _xlsx(chosen)
        protection = prompter.ask_pdf_protection("The agency return", document="workbook")
        if protection is None:
            return
        try:
            written = self._returns().export(agency_id, path, passphrase=protection.passphrase)
        except CragError as error:
            prompter.error("The agency return was not exported", str(error))
            return
        self.last_export = written
        self._window.show_status(
            f"The return of {written.agency_name} ({written.items} open action"
            f"{'s' if written.items != 1 else ''}) was saved to {path.name}."
        )

    def import_return(self) -> None:
        """Open the import dialog (or bring it forward)."""
        if self.import_dialog is not None and self.import_dialog.isVisible():
            self.import_dialog.raise_()
            self.import_dialog.activateWindow()
            return
        from crag_desktop.ui.dialogs.agency_return import ImportReturnDialog

        dialog = ImportReturnDialog(
            returns=self._returns(), prompter=self._context.prompter, parent=self._window
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.appended.connect(lambda changes: self._appended(dialog, changes))
        dialog.destroyed.connect(self._forget_import)
        self.import_dialog = dialog
        dialog.open()

    def _appended(self, dialog: ImportReturnDialog, changes: Changes) -> None:
        from crag_desktop.ui.dialogs.agency_return import appended_message

        self._context.changed(changes)
        self._window.show_status(appended_message(dialog.plan, changes))

    def _forget_import(self) -> None:
        self.import_dialog = None

    def _close_import(self) -> None:
        # Locking hides every record, the preview of the return included.
        if self.import_dialog is not None:
            self.import_dialog.reject()
