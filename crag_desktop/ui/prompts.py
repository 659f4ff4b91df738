"""Messages and file choosers behind one injectable object, so tests never patch Qt."""

from __future__ import annotations

import enum
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# The message box and file dialog classes are looked up when a dialog is shown: PySide6
# builds a class's enum types when the class is first looked up, and at start-up no
# dialog shows (see crag_desktop.ui.widgets).
from PySide6 import QtWidgets
from PySide6.QtWidgets import QDialog, QWidget

from crag_desktop.domain.wording import with_suffix

if TYPE_CHECKING:
    from typing import TypeAlias

    from PySide6.QtPrintSupport import QPrinter

    #: How a ScriptedPrompter answers a print dialog (`ScriptedPrompter.answer_printer`).
    PrinterAnswer: TypeAlias = Path | Callable[[QPrinter], None] | None


#: The title of the app's messages and windows.
APP_NAME = "CRAG Desktop"


def internal_error_text(reference: str) -> str:
    """The sentence shown for a failure the program did not expect."""
    # It must not claim the work was saved: the failure may have stopped a save. What was
    # saved before is safe, and forms keep an autosaved draft of what is being typed.
    return (
        f"Something went wrong (reference {reference}). What you saved before is safe, and "
        "what you were typing is kept as a draft where the screen autosaves; check that "
        "your last change is there. If this happens again, tell your IT service desk and "
        "quote the reference."
    )


@dataclass(frozen=True, slots=True)
class PdfProtection:
    """How a PDF about to be written is protected: a passphrase, or None for none."""

    passphrase: str | None


def unencrypted_question(document: str = "PDF") -> str:
    """Asked after "without encryption" was chosen for a `document` ("PDF", "workbook"): a
    plaintext report needs a second yes."""
    return (
        f"The {document} will NOT be encrypted: anyone who has the file can read it. It is marked "
        "OFFICIAL-SENSITIVE; keep it on an encrypted drive and delete it when it has served "
        "its purpose.\n\nSave it without encryption?"
    )


UNENCRYPTED_PDF_QUESTION = unencrypted_question()


def with_chosen_extension(path: Path, chosen_filter: str) -> Path:
    """`path`, or, typed without an extension, `path` with the extension of the file type
    chosen below the name ("PDF (*.pdf)"): the type chosen then says what is written."""
    extension = re.fullmatch(r"[^(]*\(\*(\.\w+)\)", chosen_filter or "")
    if path.suffix or extension is None:
        return path
    return with_suffix(path, extension.group(1))


class UnsavedChoice(enum.Enum):
    """The answer to "Save the changes?" when leaving a form."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Prompter:
    """Asks the user things through standard dialogs; the window passes itself as parent."""

    def __init__(self, *, parent: QWidget | None = None) -> None:
        self._parent = parent

    def set_parent(self, parent: QWidget | None) -> None:
        """Use `parent` as the owner of later dialogs (the main window once it exists)."""
        self._parent = parent

    def info(self, title: str, text: str) -> None:
        """Tell the user something."""
        QtWidgets.QMessageBox.information(self._parent, title, text)

    def warn(self, title: str, text: str) -> None:
        """Warn the user about something they can fix."""
        QtWidgets.QMessageBox.warning(self._parent, title, text)

    def error(self, title: str, text: str) -> None:
        """Tell the user something failed."""
        QtWidgets.QMessageBox.critical(self._parent, title, text)

    def confirm(self, question: str, *, title: str = APP_NAME) -> bool:
        """Ask a yes/no question; No is the safe default."""
        button = QtWidgets.QMessageBox.StandardButton
        answer = QtWidgets.QMessageBox.question(
            self._parent, title, question, button.Yes | button.No, button.No
        )
        return answer == button.Yes

    def ask_save_discard_cancel(self, question: str) -> UnsavedChoice:
        """Save, Discard or Cancel; Escape (and closing the box) cancels."""
        box = QtWidgets.QMessageBox(self._parent)
        button = QtWidgets.QMessageBox.StandardButton
        box.setIcon(QtWidgets.QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved changes")
        box.setText(question)
        box.setStandardButtons(button.Save | button.Discard | button.Cancel)
        box.setDefaultButton(button.Save)
        box.setEscapeButton(button.Cancel)
        answer = box.exec()
        if answer == button.Save:
            return UnsavedChoice.SAVE
        if answer == button.Discard:
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL

    def ask_save_path(
        self,
        title: str,
        *,
        directory: Path | None = None,
        file_filter: str = "",
        suggested: str,
    ) -> Path | None:
        """Ask for a file to write, offering `suggested` as its name (every save dialog
        suggests one); None if cancelled."""
        start = directory or Path.home()
        name, chosen_filter = QtWidgets.QFileDialog.getSaveFileName(
            self._parent, title, str(start / suggested if suggested else start), file_filter
        )
        return with_chosen_extension(Path(name), chosen_filter) if name else None

    def ask_open_path(
        self, title: str, *, directory: Path | None = None, file_filter: str = ""
    ) -> Path | None:
        """Ask for an existing file to read; None if the user cancelled."""
        name, _ = QtWidgets.QFileDialog.getOpenFileName(
            self._parent, title, str(directory or Path.home()), file_filter
        )
        return Path(name) if name else None

    def ask_pdf_protection(self, what: str, *, document: str = "PDF") -> PdfProtection | None:
        """A passphrase for the PDF `what` (e.g. "The annual report"), or no encryption
        after a confirmation; None if the user cancelled either question. `document` names
        the file in the questions ("workbook" for an agency return)."""
        chosen = self._pdf_protection_choice(what, document)
        if chosen is None:
            return None
        if chosen.passphrase is None and not self.confirm(
            unencrypted_question(document), title="Save without encryption"
        ):
            return None
        return chosen

    def ask_printer(self, printer: QPrinter, title: str) -> bool:
        """Let the user choose the printer, pages and copies for `printer` (the print
        dialog); False if they cancelled."""
        # Qt's print support loads only when something is printed (start-up time).
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(printer, self._parent)
        dialog.setWindowTitle(title)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _pdf_protection_choice(self, what: str, document: str = "PDF") -> PdfProtection | None:
        from crag_desktop.ui.dialogs.pdf_protection import PdfProtectionDialog

        dialog = PdfProtectionDialog(what=what, document=document, parent=self._parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return PdfProtection(dialog.chosen_passphrase())


@dataclass(frozen=True, slots=True)
class Shown:
    """One message a ScriptedPrompter was asked to show."""

    kind: str
    title: str
    text: str


class ScriptedPrompter(Prompter):
    """A Prompter for tests: answers come from queues, messages are recorded."""

    def __init__(self) -> None:
        super().__init__(parent=None)
        self.shown: list[Shown] = []
        self.questions: list[str] = []
        self.suggested: list[str] = []
        self._confirm_answers: deque[bool] = deque()
        self._path_answers: deque[Path | None] = deque()
        self._protection_answers: deque[PdfProtection | None] = deque()
        self._printer_answers: deque[PrinterAnswer] = deque()

    def answer_confirm(self, *answers: bool) -> None:
        """Queue answers for later confirm() calls."""
        self._confirm_answers.extend(answers)

    def answer_pdf_protection(self, *answers: PdfProtection | None) -> None:
        """Queue answers for the protection dialog of later ask_pdf_protection() calls
        (choosing no encryption then also takes a confirm() answer)."""
        self._protection_answers.extend(answers)

    def _pdf_protection_choice(self, what: str, document: str = "PDF") -> PdfProtection | None:
        self.questions.append(f"Protect {what}")
        if not self._protection_answers:
            raise AssertionError(f"unexpected protection question for {what}")
        return self._protection_answers.popleft()

    def answer_printer(self, *answers: PrinterAnswer) -> None:
        """Queue answers for later ask_printer() calls: a Path prints to that PDF file
        (Qt's own PDF output, as "Print to file" does), a function sets the printer up
        itself, None cancels the print dialog."""
        self._printer_answers.extend(answers)

    def ask_printer(self, printer: QPrinter, title: str) -> bool:
        """Set `printer` up from the next queued answer."""
        self.questions.append(title)
        if not self._printer_answers:
            raise AssertionError(f"unexpected print dialog: {title}")
        answer = self._printer_answers.popleft()
        if answer is None:
            return False
        if isinstance(answer, Path):
            from PySide6.QtPrintSupport import QPrinter

            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(answer))
            return True
        answer(printer)
        return True

    def answer_path(self, *answers: Path | None) -> None:
        """Queue answers for later ask_save_path() / ask_open_path() calls."""
        self._path_answers.extend(answers)

    def info(self, title: str, text: str) -> None:
        """Record the message."""
        self.shown.append(Shown("info", title, text))

    def warn(self, title: str, text: str) -> None:
        """Record the message."""
        self.shown.append(Shown("warn", title, text))

    def error(self, title: str, text: str) -> None:
        """Record the message."""
        self.shown.append(Shown("error", title, text))

    def confirm(self, question: str, *, title: str = APP_NAME) -> bool:
        """Return the next queued answer."""
        self.questions.append(question)
        if not self._confirm_answers:
            raise AssertionError(f"unexpected question: {question}")
        return self._confirm_answers.popleft()

    def ask_save_discard_cancel(self, question: str) -> UnsavedChoice:
        """Answered from the confirm queue: True is Save; False then True is Discard;
        False twice is Cancel."""
        if self.confirm(question, title="Unsaved changes"):
            return UnsavedChoice.SAVE
        if self.confirm(f"Discard? {question}", title="Unsaved changes"):
            return UnsavedChoice.DISCARD
        return UnsavedChoice.CANCEL

    def ask_save_path(
        self,
        title: str,
        *,
        directory: Path | None = None,
        file_filter: str = "",
        suggested: str,
    ) -> Path | None:
        """Return the next queued path (the suggested name is recorded)."""
        self.suggested.append(suggested)
        return self._next_path(title)

    def ask_open_path(
        self, title: str, *, directory: Path | None = None, file_filter: str = ""
    ) -> Path | None:
        """Return the next queued path."""
        return self._next_path(title)

    def _next_path(self, title: str) -> Path | None:
        self.questions.append(title)
        if not self._path_answers:
            raise AssertionError(f"unexpected file chooser: {title}")
        return self._path_answers.popleft()
