"""The wizard's last page: commission the review, print, and what was recorded."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crag_desktop.domain.vocabulary import Methodology
from crag_desktop.ui.widgets import ErrorLabel
from crag_desktop.ui.wizard.pages.parts import (
    buddy_of,
    select_data,
    strip_mnemonic,
    text_label,
)
from crag_desktop.ui.wizard.state import (
    Snapshot,
    WizardState,
    text_value,
)


class FinishPage(QWizardPage):
    """Optionally commission the review at once and print the decision record."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("Commission and print")
        self.setSubTitle("Finish saves the decision, and any review commissioned, in one go.")
        self.summary_label = text_label("", rich=True)
        self.summary_label.setObjectName("decisionSummary")
        self.commission = QCheckBox("&Commission the review now")
        self.review_title = QLineEdit()
        self.methodology = QComboBox()
        for method in Methodology:
            self.methodology.addItem(method.label, method.value)
        self.lead_reviewer = QLineEdit()
        self.commission_box = QGroupBox("The review")
        form = QFormLayout(self.commission_box)
        for text, widget in (
            ("&Title:", self.review_title),
            ("&Methodology:", self.methodology),
            ("&Lead reviewer:", self.lead_reviewer),
        ):
            label = QLabel(text)
            label.setBuddy(buddy_of(widget))
            widget.setAccessibleName(strip_mnemonic(text).rstrip(":"))
            form.addRow(label, widget)
        self.print_record = QCheckBox("&Print the decision record (PDF) after saving")
        self.error_label = ErrorLabel()
        self.error_label.setObjectName("saveErrors")
        # Shown once Finish has saved: what was stored, in words, and printing on demand.
        self.recorded_label = text_label("", rich=True)
        self.recorded_label.setObjectName("recordedSummary")
        self.recorded_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("&Print decision record…")
        self.print_button.setAccessibleName("Print decision record")
        self.print_button.setAutoDefault(False)
        print_row = QHBoxLayout()
        print_row.addWidget(self.print_button)
        print_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.commission)
        layout.addWidget(self.commission_box)
        layout.addWidget(self.print_record)
        layout.addWidget(self.error_label)
        layout.addWidget(self.recorded_label)
        layout.addLayout(print_row)
        layout.addStretch(1)
        self.recorded_label.hide()
        self.print_button.hide()
        self.recorded = False
        self.commission.toggled.connect(self._commission_toggled)
        self.review_title.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.lead_reviewer.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.commission_box.setEnabled(False)
        self.review_type_label = ""

    def initializePage(self) -> None:
        """Say what will be saved, and offer the review the decision calls for."""
        self.error_label.clear_error()

    def set_summary(self, html_text: str, review_label: str | None, case_name: str) -> None:
        """Show what Finish saves; `review_label` is None when no review follows."""
        self.summary_label.setText(html_text)
        self.commission.setEnabled(review_label is not None)
        if review_label is None:
            self.commission.setChecked(False)
            self.commission.setText("&Commission the review now (no review was decided)")
        else:
            self.commission.setText(f"&Commission the {review_label.lower()} now")
            if not self.review_title.text().strip() or self.review_type_label != review_label:
                self.review_title.setText(f"{case_name}: {review_label.lower()}")
        self.review_type_label = review_label or ""

    def show_recorded(self, html_text: str) -> None:
        """Turn the page into the record of what was saved: nothing here can be changed
        any more, so the controls go and the plain statement and Print take their place."""
        self.recorded = True
        self.setTitle("Decision recorded")
        self.setSubTitle("Saved. Print the decision record now, or close the wizard.")
        for widget in (
            self.summary_label,
            self.commission,
            self.commission_box,
            self.print_record,
            self.error_label,
        ):
            widget.hide()
        self.recorded_label.setText(html_text)
        self.recorded_label.show()
        self.print_button.show()
        self.print_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_printed(self, html_text: str) -> None:
        """Say that the record was printed, and where; Print stays, to print it again."""
        self.setSubTitle("Saved and printed. Close the wizard, or print the record again.")
        self.recorded_label.setText(html_text)
        self.print_button.setText("&Print again…")
        self.print_button.setAccessibleName("Print the decision record again")

    def isComplete(self) -> bool:
        """A review to commission needs a title and a lead reviewer."""
        if self.recorded or not self.commission.isChecked():
            return True
        return bool(self.review_title.text().strip() and self.lead_reviewer.text().strip())

    def cleanupPage(self) -> None:
        """Keep what was typed when going back (QWizard would reset fields)."""

    def _commission_toggled(self, checked: bool) -> None:
        self.commission_box.setEnabled(checked)
        self.completeChanged.emit()

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {
            "commission": self.commission.isChecked(),
            "title": self.review_title.text(),
            "methodology": self.methodology.currentData(),
            "lead_reviewer": self.lead_reviewer.text(),
            "print": self.print_record.isChecked(),
        }

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft."""
        self.commission.setChecked(bool(data.get("commission")))
        self.review_title.setText(text_value(data.get("title")))
        select_data(self.methodology, data.get("methodology"))
        self.lead_reviewer.setText(text_value(data.get("lead_reviewer")))
        self.print_record.setChecked(bool(data.get("print")))
