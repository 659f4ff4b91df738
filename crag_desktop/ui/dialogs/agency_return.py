"""Agency returns in the app: choose whose return to export; import a filled one.

The import shows what will be appended (one line per filled row) and every problem, row by
row; nothing can be appended while there is one, and "Append" appends every update in one
transaction. The screens then refresh from the `Changes` it returns.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.wording import short_date
from crag_desktop.reports.agency_return import ReturnWorkbook
from crag_desktop.services.agency_returns import AgencyReturns, ReturnPlan, ReturnRefused
from crag_desktop.services.changes import Changes
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.return_rows import ReturnRowsModel
from crag_desktop.ui.widgets import ErrorLabel, row_picker_table

__all__ = ["ChooseAgencyDialog", "ImportReturnDialog"]


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class ChooseAgencyDialog(QDialog):
    """Whose return to export: one agency, chosen from a list."""

    def __init__(self, *, returns: AgencyReturns, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export agency return")
        intro = QLabel(
            "The return lists the open actions the agency owns, with empty columns for its "
            "update and the status it proposes. Send it to the agency; import it, filled in, "
            "with File > Import agency return."
        )
        intro.setWordWrap(True)
        self.agency = QComboBox()
        self.agency.setAccessibleName("Agency")
        self._counts = returns.open_action_counts()
        for agency in returns.agencies():
            self.agency.addItem(agency.name, agency.id)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Open actions of the agency")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.export_button.setText("&Export…")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(_label("&Agency:", self.agency))
        row.addWidget(self.agency, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self.agency.currentIndexChanged.connect(lambda _i: self._show_count())
        self._show_count()
        self.resize(520, self.sizeHint().height())

    def _show_count(self) -> None:
        agency_id = self.agency_id()
        count = self._counts.get(agency_id, 0) if agency_id is not None else 0
        if agency_id is None:
            self.count_label.setText("There are no agencies yet: add them on Agencies and members.")
        elif count == 0:
            self.count_label.setText(
                "It owns no open action: its return would have nothing to fill in."
            )
        else:
            self.count_label.setText(
                f"Its return lists {count} open action{'s' if count != 1 else ''}."
            )
        self.export_button.setEnabled(count > 0)

    def agency_id(self) -> str | None:
        """The agency chosen."""
        value = self.agency.currentData()
        return str(value) if value is not None else None


class ImportReturnDialog(QDialog):
    """Choose an agency's filled return, see what it appends and what stops it, append."""

    #: The updates were appended: the `Changes` for every screen to refresh from.
    appended = Signal(object)

    def __init__(
        self, *, returns: AgencyReturns, prompter: Prompter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._returns = returns
        self._prompter = prompter
        self._path: Path | None = None
        self._workbook: ReturnWorkbook | None = None
        self.plan: ReturnPlan | None = None
        self.setWindowTitle("Import agency return")
        # Fits a 1024x700 screen with the window frame around it.
        self.resize(900, 560)

        self._build_file_choice()
        self._build_preview()
        self._build_buttons()
        self._lay_out()
        self._show_plan(None)
        self._show_passphrase(False)
        self.choose_button.setFocus()

    def _build_file_choice(self) -> None:
        """The return chosen, its passphrase when protected, and what it will append."""
        self.file_label = QLabel("No file chosen.")
        self.file_label.setWordWrap(True)
        self.file_label.setAccessibleName("Return chosen")
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase of the return")
        self.passphrase.returnPressed.connect(self.open_protected)
        self.open_button = QPushButton("&Open")
        self.open_button.clicked.connect(self.open_protected)
        self.passphrase_label = _label("Pass&phrase:", self.passphrase)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What will be appended")

    def _build_preview(self) -> None:
        """The updates the return appends, and the problems that stop it."""
        self.model = ReturnRowsModel(parent=self)
        self.table = row_picker_table(self.model, accessible_name="Updates to append")
        header = self.table.horizontalHeader()
        column = ReturnRowsModel.Column
        for kind, width in ((column.ROW, 50), (column.CODE, 220), (column.STATUS, 140)):
            header.resizeSection(kind, width)
        header.setSectionResizeMode(column.UPDATE, QHeaderView.ResizeMode.Stretch)
        self.problems_label = QLabel("Problems (nothing is appended until they are put right):")
        self.problems = QListWidget()
        self.problems.setAccessibleName("Problems")
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.problems_label.setBuddy(self.problems)
        self.error_label = ErrorLabel()

    def _build_buttons(self) -> None:
        """Append updates, Cancel; none pressed by Return."""
        self.buttons = QDialogButtonBox()
        self.append_button = self.buttons.addButton(
            "&Append updates", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.append)
        self.buttons.rejected.connect(self.reject)
        # Return in the passphrase field opens the return and nothing more: no button is a
        # default that Return would also press (appending before the preview was seen).
        for button in (self.choose_button, self.open_button, *self.buttons.buttons()):
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)

    def _lay_out(self) -> None:
        top = QGridLayout()
        top.addWidget(QLabel("Return:"), 0, 0)
        top.addWidget(self.file_label, 0, 1)
        top.addWidget(self.choose_button, 0, 2)
        top.addWidget(self.passphrase_label, 1, 0)
        top.addWidget(self.passphrase, 1, 1)
        top.addWidget(self.open_button, 1, 2)
        top.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 2)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    # --- public API ---------------------------------------------------------------------------

    def choose_file(self) -> None:
        """Ask for the return, then read it (asking its passphrase when it is protected)."""
        chosen = self._prompter.ask_open_path(
            "Import an agency return", file_filter="Excel workbooks (*.xlsx);;All files (*)"
        )
        if chosen is not None:
            self.load(chosen)

    def load(self, path: Path) -> None:
        """Read the return at `path` and show what it would append."""
        self._path = path
        self._workbook = None
        self.file_label.setText(str(path))
        self.error_label.clear_error()
        self._show_plan(None)
        try:
            protected = self._returns.is_protected(path)
        except CragError as error:
            self._fail(str(error))
            return
        self.passphrase.clear()
        self._show_passphrase(protected)
        if protected:
            self.summary.setText(
                f"{path.name} is protected: type the passphrase it was exported with, then Open."
            )
            self.passphrase.setFocus()
            return
        self._read(None)

    def open_protected(self) -> None:
        """Read the protected return with the passphrase typed."""
        if self._path is None:
            return
        typed = unicodedata.normalize("NFC", self.passphrase.text())
        if not typed:
            self.error_label.show_error("Type the return's passphrase first.")
            self.passphrase.setFocus()
            return
        self._read(typed)

    def append(self) -> None:
        """Append every update in one transaction; nothing while there are problems."""
        if self._workbook is None or self._path is None:
            self.error_label.show_error("Choose the agency's return first.")
            return
        try:
            plan, changes = self._returns.append(self._workbook, name=self._path.name)
        except ReturnRefused as refused:
            # Something changed since the preview (another window, another user).
            self._show_problems(refused.problems)
            self.error_label.show_error(str(refused))
            return
        except CragError as error:
            self._fail(str(error))
            return
        self.plan = plan
        self.appended.emit(changes)
        self.accept()

    # --- internals ----------------------------------------------------------------------------

    def _read(self, passphrase: str | None) -> None:
        assert self._path is not None
        try:
            workbook = self._returns.read(self._path, passphrase=passphrase)
            plan = self._returns.plan(workbook, name=self._path.name)
        except CragError as error:
            self._fail(str(error))
            if passphrase is not None:
                self.passphrase.selectAll()
                self.passphrase.setFocus()
            return
        self._workbook = workbook
        self.error_label.clear_error()
        self._show_passphrase(False)
        self._show_plan(plan)
        (self.append_button if self.append_button.isEnabled() else self.table).setFocus()

    def _fail(self, message: str) -> None:
        self._show_plan(None)
        self.error_label.show_error(message)

    def _show_passphrase(self, shown: bool) -> None:
        for widget in (self.passphrase_label, self.passphrase, self.open_button):
            widget.setVisible(shown)

    def _show_problems(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems.clear()
        self.problems.addItems(list(problems))
        self.problems_label.setVisible(bool(problems))
        self.problems.setVisible(bool(problems))

    def _show_plan(self, plan: ReturnPlan | None) -> None:
        self.plan = plan
        self.model.set_updates(plan.updates if plan is not None else ())
        self._show_problems(plan.problems if plan is not None else ())
        count = len(plan.updates) if plan is not None else 0
        ready = plan is not None and not plan.problems and count > 0
        self.append_button.setEnabled(ready)
        noun = f"{count} update{'s' if count != 1 else ''}"
        self.append_button.setText(f"&Append {noun}" if ready else "&Append updates")
        if plan is None:
            self.summary.setText("Choose the return the agency filled in.")
            return
        empty = f"; {plan.skipped} row{'s' if plan.skipped != 1 else ''} left empty"
        if plan.problems:
            self.summary.setText(
                f"The return of {plan.agency_name} cannot be appended yet: put the problems "
                "below right (in the file, or ask the agency), then choose it again."
            )
        elif count == 0:
            self.summary.setText(
                f"Nothing to append: no row of the return of {plan.agency_name} has an update "
                "or a proposed status."
            )
        else:
            self.summary.setText(
                f"The return of {plan.agency_name}: {noun} will be appended, each dated "
                f"{short_date(plan.on)}{empty if plan.skipped else ''}."
            )


def appended_message(plan: ReturnPlan | None, changes: Changes) -> str:
    """The status bar's line after an import."""
    count = len(plan.updates) if plan is not None else 0
    who = plan.agency_name if plan is not None else "the agency"
    items = len(changes.ids(RecordType.RECOMMENDATION))
    return (
        f"Appended {count} update{'s' if count != 1 else ''} from the return of {who} "
        f"({items} recommendation{'s' if items != 1 else ''})."
    )
