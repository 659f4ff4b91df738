"""A report held in memory, read by QtPdf, sent to a printer or saved.

The unprotected bytes of a report never touch the disk on their way to the screen or the
printer: QtPdf reads them from a QBuffer. Printing draws each page on the QPrinter at the
printer's resolution, after the print is recorded in the audit trail. Saving goes through
the services' write path (protected when asked, audited as the file lands, atomic, 0600).
The Reports screen, the referral form's "Print decision record…" and the Recommendations
screen's tracker all print and save through `ReportOutput`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.wording import PDF_SUFFIX, file_name, with_suffix
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:
    from crag_desktop.domain.statistics import AnnualStatistics
    from crag_desktop.services.database import Database
    from crag_desktop.services.report_files import ReportPdf

#: Pages are drawn at the printer's resolution up to this many dots per inch: a page at
#: 1200 dpi is a 550 MB image, and text at 300 dpi already prints as sharp as the eye reads.
MAX_PRINT_DPI = 300

#: Told (pages sent, pages to send) as each page goes to the printer; may raise to stop.
PageProgress = Callable[[int, int], None]


class PrintFailed(CragError):
    """The printer refused or failed part way (nothing about the records changed)."""


def pdf_document(data: bytes, *, parent: QObject | None = None) -> QPdfDocument:
    """A QPdfDocument of `data`, read from memory (never from a temporary file)."""
    document = QPdfDocument(parent) if parent is not None else QPdfDocument()
    # The buffer is the document's child: it lives exactly as long as the document reads it.
    buffer = QBuffer(document)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        document.deleteLater()
        raise CragError(
            "The report could not be shown: it was not a readable PDF. Generate it again; "
            "if this happens again, tell your IT service desk."
        )
    return document


def printer_name(printer: QPrinter) -> str:
    """The printer as the audit trail and messages name it."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return f"PDF file {Path(printer.outputFileName()).name}"
    return printer.printerName() or "the default printer"


def prepare_printer(printer: QPrinter, data: bytes, title: str) -> None:
    """Name the print job and turn the paper the way the report's first page lies."""
    document = pdf_document(data)
    try:
        size = document.pagePointSize(0)
    finally:
        document.deleteLater()
    printer.setDocName(title)
    printer.setFullPage(True)
    printer.setPageOrientation(
        QPageLayout.Orientation.Landscape
        if size.width() > size.height()
        else QPageLayout.Orientation.Portrait
    )


def _pages_to_print(printer: QPrinter, count: int) -> range:
    first, last = printer.fromPage(), printer.toPage()
    if first <= 0:
        return range(count)
    return range(first - 1, min(last if last > 0 else count, count))


def _draw_text_layer(
    painter: QPainter, document: QPdfDocument, page: int, scale: float, origin: QRectF
) -> None:
    """The page's words, each line where it stands, under the page's image: a print to a
    PDF file stays searchable and its words can be copied; on paper the white page and its
    image cover them."""
    text = document.getAllText(page).text()
    painter.save()
    painter.setPen(QColor("black"))
    font = QFont()
    index = 0
    for line in text.split("\n"):
        shown = line.rstrip("\r")
        if shown.strip():
            bounds = document.getSelectionAtIndex(page, index, len(shown)).boundingRectangle()
            if bounds.height() > 0:
                font.setPixelSize(max(1, round(bounds.height() * scale * 0.8)))
                painter.setFont(font)
                painter.drawText(
                    QRectF(
                        origin.x() + bounds.x() * scale,
                        origin.y() + bounds.y() * scale,
                        bounds.width() * scale,
                        bounds.height() * scale,
                    ),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    shown,
                )
        index += len(line) + 1
    painter.restore()


def print_pdf(data: bytes, printer: QPrinter, *, progress: PageProgress | None = None) -> int:
    """Draw the pages of `data` the printer was set to print; return how many were sent.

    Safe on a worker thread (QPainter may paint on a QPrinter there); `progress` may raise
    to stop, and the job is then aborted rather than half-sent.
    """
    document = pdf_document(data)
    name = printer_name(printer)
    painter = QPainter()
    try:
        pages = _pages_to_print(printer, document.pageCount())
        if not painter.begin(printer):
            raise PrintFailed(
                f"Printing to {name} could not start: check that the printer is switched "
                "on and connected (or that the folder of a PDF file can be written), then "
                "print again."
            )
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        sent = 0
        for number, page in enumerate(pages):
            if progress is not None:
                try:
                    progress(number, len(pages))
                except BaseException:
                    printer.abort()
                    raise
            if number:
                printer.newPage()
            target = QRectF(painter.viewport())
            size = document.pagePointSize(page)
            scale = min(target.width() / size.width(), target.height() / size.height())
            # Centred when the paper's shape differs from the page's.
            drawn = QRectF(0, 0, size.width() * scale, size.height() * scale)
            drawn.moveCenter(target.center())
            image = document.render(
                page, QSize(round(size.width() / 72 * dpi), round(size.height() / 72 * dpi))
            )
            _draw_text_layer(painter, document, page, scale, drawn)
            # The rendered page is transparent where nothing is printed: paper white first,
            # or the words beneath would print through beside the page's own.
            painter.fillRect(drawn, QColor("white"))
            painter.drawImage(drawn, image)
            if printer.printerState() == QPrinter.PrinterState.Error:
                raise PrintFailed(
                    f"{name} reported an error after {sent} of {len(pages)} pages: check the "
                    "printer (paper, toner, connection) and print again."
                )
            sent += 1
    finally:
        if painter.isActive():
            painter.end()
        document.deleteLater()
    return sent


@dataclass(frozen=True, slots=True)
class AnnualFigures:
    """The figures of an annual report, saved as JSON beside it when asked."""

    year: int
    statistics: AnnualStatistics


class ReportOutput(QObject):
    """Prints and saves reports held in memory, in the background, each one audited."""

    def __init__(
        self,
        *,
        db: Database,
        prompter: Prompter,
        tasks: TaskRunner,
        status: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._prompter = prompter
        self._tasks = tasks
        self._status = status
        self._parent = parent

    def print_report(self, report: ReportPdf) -> bool:
        """Ask for a printer, then record the print and send the pages in the background;
        False when the user cancelled the print dialog."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        prepare_printer(printer, report.data, report.title)
        if not self._prompter.ask_printer(printer, f"Print {report.title}"):
            return False
        name = printer_name(printer)
        db = self._db

        def work(task: TaskContext) -> int:
            from crag_desktop.services.report_files import record_report_printed

            task.progress(0, 0, f"Recording the print of {report.title}…")
            # Recorded before the first page leaves: no print the trail does not know of.
            record_report_printed(db, report, printer=name)
            return print_pdf(
                report.data,
                printer,
                progress=lambda done, total: task.progress(
                    done, total, f"Sending page {done + 1} of {total} to {name}…"
                ),
            )

        def done(sent: int) -> None:
            noun = "page" if sent == 1 else "pages"
            self._status(f"Sent {report.title} ({sent} {noun}) to {name}.")

        self._tasks.start(
            f"Printing {report.title}", work, on_result=done, dialog_parent=self._parent
        )
        return True

    def save_report(
        self,
        report: ReportPdf,
        *,
        figures: AnnualFigures | None = None,
        write: Callable[[Path, str | None], object] | None = None,
    ) -> bool:
        """Ask where and how to protect it, then write it (and its figures as JSON when
        given) in the background; False when the user cancelled. `write(path, passphrase)`
        replaces the usual write path for a report whose own export writes it."""
        chosen = self._prompter.ask_save_path(
            f"Save {report.title} (OFFICIAL-SENSITIVE)",
            file_filter="PDF files (*.pdf)",
            suggested=report.suggested_name,
        )
        if chosen is None:
            return False
        path = with_suffix(chosen, PDF_SUFFIX)
        figures_path: Path | None = None
        if figures is not None:
            asked = self._prompter.ask_save_path(
                "Save the report's figures as JSON",
                directory=path.parent,
                file_filter="JSON files (*.json)",
                suggested=file_name(f"{path.stem} figures", ".json"),
            )
            if asked is None:
                return False
            figures_path = with_suffix(asked, ".json")
            if figures_path.resolve() == path.resolve():
                self._prompter.error(
                    "The report was not saved",
                    "The report and its figures need two different files; name another.",
                )
                return False
        protection = self._prompter.ask_pdf_protection(report.title[:1].upper() + report.title[1:])
        if protection is None:
            return False
        passphrase = protection.passphrase
        db = self._db

        def work(task: TaskContext) -> None:
            from crag_desktop.services.annual_report import write_annual_statistics
            from crag_desktop.services.report_files import write_report_pdf

            task.progress(0, 0, f"Saving {report.title}…")
            if write is not None:
                write(path, passphrase)
            else:
                write_report_pdf(db, report, path, passphrase=passphrase)
            if figures is not None and figures_path is not None:
                write_annual_statistics(db, figures.year, figures.statistics, figures_path)

        def done(_result: None) -> None:
            also = f" and its figures to {figures_path.name}" if figures_path is not None else ""
            self._status(f"Saved {report.title} to {path.name}{also}.")

        self._tasks.start(
            f"Saving {report.title}", work, on_result=done, dialog_parent=self._parent
        )
        return True
