"""The annual report's narrative texts, edited per year and section.

Self-contained so that any screen can offer it: the Case menu opens it in a dialog
(`ReportTextsDialog`), and the Reports screen can embed `ReportTextsEditor` beside the
annual report it previews. A section left empty prints its short template; the template
is shown as the editor's placeholder and can be taken as a starting point.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.report_texts import SECTIONS, period_label, template_text
from crag_desktop.domain.validation import FIRST_REPORT_YEAR, LAST_REPORT_YEAR
from crag_desktop.domain.vocabulary import ReportSection
from crag_desktop.services.report_texts import ReportTextService
from crag_desktop.ui.prompts import Prompter, UnsavedChoice

_SECTION_ROLE = Qt.ItemDataRole.UserRole


def last_complete_year(today: date) -> int:
    """The reporting year that ended most recently (April-March): the one a report is
    usually written for."""
    return today.year - 1 if today.month >= 4 else today.year - 2


class ReportTextsEditor(QWidget):
    """Year, sections (written or template), and the text of the chosen section."""

    #: Emitted with what a save changed, so other screens (audit log) can refresh.
    changed = Signal(object)

    def __init__(
        self,
        *,
        texts: ReportTextService,
        prompter: Prompter,
        year: int | None = None,
        today: date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._texts = texts
        self._prompter = prompter
        self._saved: dict[ReportSection, str] = {}
        self._section: ReportSection = SECTIONS[0].section

        self.year = QSpinBox()
        self.year.setRange(FIRST_REPORT_YEAR, LAST_REPORT_YEAR)
        self.year.setValue(year if year is not None else last_complete_year(today or date.today()))
        self.year.setAccessibleName("Reporting year")
        self.year.setToolTip("The reporting year: 2016 means April 2016 to March 2017")
        self.period = QLabel()
        year_label = QLabel("Reporting &year")
        year_label.setBuddy(self.year)

        self._build_sections()
        self._build_editor()
        self._lay_out(year_label)

        self._year = self.year.value()
        self.year.valueChanged.connect(self._year_chosen)
        self.sections.currentRowChanged.connect(self._section_chosen)
        self.text.textChanged.connect(self._show_state)
        self.use_template.clicked.connect(self._start_from_template)
        self.revert.clicked.connect(self._revert)
        self.save_button.clicked.connect(self.save)
        self._load_year()
        self.sections.setCurrentRow(0)

    def _build_sections(self) -> None:
        """The report's sections, one row each."""
        self.sections = QListWidget()
        self.sections.setAccessibleName("Sections of the annual report")
        for info in SECTIONS:
            item = QListWidgetItem(info.heading)
            item.setData(_SECTION_ROLE, info.section.value)
            self.sections.addItem(item)
        self.sections.setMaximumWidth(320)

    def _build_editor(self) -> None:
        """The chosen section's heading, guidance and text, and its buttons."""
        self.heading = QLabel()
        self.heading.setObjectName("formHeading")
        self.guidance = QLabel()
        self.guidance.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Text of the section")
        self.text.setTabChangesFocus(True)
        self.state = QLabel()
        self.state.setWordWrap(True)

        self.use_template = QPushButton("Start from the &template")
        self.use_template.setToolTip("Put the short template in the editor to edit it")
        self.revert = QPushButton("&Revert")
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Save this section's text (Ctrl+S)")
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    def _lay_out(self, year_label: QLabel) -> None:
        """The year above, the sections beside the editor."""
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addWidget(self.period)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_template)
        buttons.addStretch(1)
        buttons.addWidget(self.revert)
        buttons.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.guidance)
        right.addWidget(self.text, 1)
        right.addWidget(self.state)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.sections)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)

    # --- state ---------------------------------------------------------------------------

    @property
    def current_section(self) -> ReportSection:
        """The section being edited."""
        return self._section

    @property
    def is_modified(self) -> bool:
        """Whether the editor holds text not yet saved."""
        return self.text.toPlainText() != self._saved.get(self._section, "")

    def _load_year(self) -> None:
        try:
            self._saved = self._texts.texts_for(self._year)
        except CragError as error:
            self._prompter.error("The report texts could not be read", str(error))
            self._saved = {}
        self.period.setText(
            f"{period_label(self._year)} (1 April {self._year} to 31 March {self._year + 1})"
        )
        for row, info in enumerate(SECTIONS):
            item = self.sections.item(row)
            written = bool(self._saved.get(info.section, "").strip())
            item.setText(info.heading if written else f"{info.heading} (template)")
            item.setToolTip("Written" if written else "Not written: the report prints the template")
        self._show_section()

    def _show_section(self) -> None:
        info = next(i for i in SECTIONS if i.section == self._section)
        self.heading.setText(f"{info.heading}, {period_label(self._year)}")
        self.guidance.setText(info.guidance)
        self.text.setPlaceholderText(template_text(info.section, self._year))
        self.text.blockSignals(True)
        self.text.setPlainText(self._saved.get(self._section, ""))
        self.text.blockSignals(False)
        self._show_state()

    def _show_state(self) -> None:
        modified = self.is_modified
        self.save_button.setEnabled(modified)
        self.revert.setEnabled(modified)
        if modified:
            self.state.setText("Not saved yet.")
        elif self._saved.get(self._section, "").strip():
            self.state.setText("Saved; the report prints this text at the start of the section.")
        else:
            self.state.setText("Empty: the report prints the template shown in grey.")

    def may_leave(self) -> bool:
        """Ask about unsaved text before it would be lost; False means stay."""
        if not self.is_modified:
            return True
        choice = self._prompter.ask_save_discard_cancel(
            f"The text of “{next(i.heading for i in SECTIONS if i.section == self._section)}” "
            "has not been saved. Save it?"
        )
        if choice == UnsavedChoice.SAVE:
            return self.save()
        return choice == UnsavedChoice.DISCARD

    # --- actions -------------------------------------------------------------------------

    def _year_chosen(self, year: int) -> None:
        if year == self._year:
            return
        if not self.may_leave():
            self.year.blockSignals(True)
            self.year.setValue(self._year)
            self.year.blockSignals(False)
            return
        self._year = year
        self._load_year()

    def _section_chosen(self, row: int) -> None:
        if row < 0:
            return
        section = ReportSection(self.sections.item(row).data(_SECTION_ROLE))
        if section == self._section:
            return
        if not self.may_leave():
            back = next(i for i, info in enumerate(SECTIONS) if info.section == self._section)
            self.sections.blockSignals(True)
            self.sections.setCurrentRow(back)
            self.sections.blockSignals(False)
            return
        self._section = section
        self._show_section()

    def choose(self, year: int, section: ReportSection) -> None:
        """Show `section` of `year` (asking about unsaved text first)."""
        self.year.setValue(year)
        if self.year.value() != year:
            return
        self.sections.setCurrentRow(next(i for i, s in enumerate(SECTIONS) if s.section == section))

    def _start_from_template(self) -> None:
        self.text.setPlainText(template_text(self._section, self._year))
        # Ready to go on writing after the template's last sentence.
        self.text.moveCursor(QTextCursor.MoveOperation.End)
        self.text.setFocus()

    def _revert(self) -> None:
        self._show_section()

    def save(self) -> bool:
        """Save the section's text (empty removes it); True when nothing is left unsaved."""
        if not self.is_modified:
            return True
        text = self.text.toPlainText()
        try:
            changes = self._texts.save(self._year, self._section, text)
        except CragError as error:
            self._prompter.error("The text was not saved", str(error))
            return False
        if text.strip():
            self._saved[self._section] = text
        else:
            self._saved.pop(self._section, None)
        row = next(i for i, s in enumerate(SECTIONS) if s.section == self._section)
        info = SECTIONS[row]
        self.sections.item(row).setText(
            info.heading if text.strip() else f"{info.heading} (template)"
        )
        self.text.blockSignals(True)
        self.text.setPlainText(self._saved.get(self._section, ""))
        self.text.blockSignals(False)
        self._show_state()
        if changes is not None:
            self.changed.emit(changes)
        return True


class ReportTextsDialog(QDialog):
    """The editor in a window of its own (Case > Annual report texts…)."""

    def __init__(
        self,
        *,
        texts: ReportTextService,
        prompter: Prompter,
        year: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annual report texts")
        self.editor = ReportTextsEditor(texts=texts, prompter=prompter, year=year)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(close)
        self.resize(900, 560)

    def reject(self) -> None:
        """Close, after asking about unsaved text."""
        if self.editor.may_leave():
            super().reject()
