"""Asking how a PDF (or a workbook) about to be written is protected: a passphrase
(AES-256), or none.

Every PDF and workbook the app writes passes through here (via
`Prompter.ask_pdf_protection`), so a report never leaves unencrypted without the user
having said so twice.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

#: The same floor as reports.protection (the UI may not import it through services).
MIN_LENGTH = 12


class PdfProtectionDialog(QDialog):
    """Protect with a passphrase (the default) or save without encryption."""

    def __init__(self, *, what: str, document: str = "PDF", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Protect the {document}")
        intro = QLabel(
            f"{what} holds OFFICIAL-SENSITIVE information about children. Protect it with "
            f"a passphrase (AES-256): the {document} then opens only with that passphrase, so "
            "give it to its readers separately from the file."
        )
        intro.setWordWrap(True)
        self.protect = QRadioButton("&Protect with a passphrase (recommended)")
        self.plain = QRadioButton("Save &without encryption")
        group = QButtonGroup(self)
        group.addButton(self.protect)
        group.addButton(self.plain)
        self.protect.setChecked(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(f"Passphrase for the {document}")
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("The same passphrase again")
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("fieldError")
        form = QFormLayout()
        form.addRow("Pass&phrase", self.passphrase)
        form.addRow("&Again", self.again)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.protect)
        layout.addLayout(form)
        layout.addWidget(self.plain)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.protect.toggled.connect(self._update)
        self.passphrase.textChanged.connect(self._update)
        self.again.textChanged.connect(self._update)
        self._update()

    def chosen_passphrase(self) -> str | None:
        """The passphrase typed, or None for "without encryption"."""
        if self.plain.isChecked():
            return None
        return unicodedata.normalize("NFC", self.passphrase.text())

    def problem_text(self) -> str:
        """Why Save is not yet possible; empty when it is."""
        if self.plain.isChecked():
            return ""
        typed = unicodedata.normalize("NFC", self.passphrase.text())
        if len(typed) < MIN_LENGTH:
            return f"The passphrase needs at least {MIN_LENGTH} characters."
        if typed != unicodedata.normalize("NFC", self.again.text()):
            return "The two passphrases differ."
        return ""

    def _update(self) -> None:
        protect = self.protect.isChecked()
        self.passphrase.setEnabled(protect)
        self.again.setEnabled(protect)
        problem = self.problem_text()
        self.problem.setText(problem)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not problem)
