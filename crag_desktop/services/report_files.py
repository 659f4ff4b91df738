"""What every printed report shares on its way to disk or a printer: protection and the
audit trail.

A report is rendered in memory (`ReportPdf`: the unprotected bytes and what the audit trail
says about it). The Reports screen previews and prints those bytes; saving protects them in
memory when a passphrase is given, then hands them to `file_output.write_recorded_file`:
audited in the same step as it is written (never an unaudited file on disk), atomically,
user-only, never over a database. Sending them to a printer is audited before the first
page leaves (`record_report_printed`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from crag_desktop.domain.errors import CragError
from crag_desktop.reports.protection import encrypt_pdf, normalise_pdf_passphrase
from crag_desktop.services.collector import collector_paused
from crag_desktop.services.database import Database
from crag_desktop.services.file_output import write_recorded_file
from crag_desktop.storage import audit

#: Audit record type of reports that are about no single record (annual report, register).
REPORT_RECORD = "report"

#: Audit action of a report written to a file (the name the trail has always used).
PRINT_ACTION = "print"
#: Audit action of a report sent to a printer (paper, or whatever the print dialog chose).
SENT_TO_PRINTER_ACTION = "send_to_printer"

PROTECTED = "AES-256, passphrase"
NOT_PROTECTED = "not encrypted"

#: Told (step, steps, what is being done) before each stage of rendering a report. It may
#: raise to stop the work: the Reports screen's Cancel does, so a cancelled report stops at
#: the next stage instead of running to the end unseen.
Stage = Callable[[int, int, str], None]


def no_stage(_step: int, _steps: int, _text: str) -> None:
    """A Stage that reports nowhere (the command line)."""


@dataclass(frozen=True, slots=True)
class ReportPdf:
    """A report rendered in memory, NOT protected: kept in memory only, never on disk as is."""

    #: What it is, in a sentence's words ("the annual report 2016/17").
    title: str
    #: The file name offered when it is saved ("Annual report 2016-17.pdf").
    suggested_name: str
    data: bytes
    pages: int
    #: What the audit trail names: the record (or report) and the kind of report.
    record_type: str
    record_id: str
    what: str
    details: tuple[tuple[str, str], ...] = ()


def protection_text(passphrase: str | None) -> str:
    """How a written report was protected, as the audit trail says it."""
    return PROTECTED if passphrase is not None else NOT_PROTECTED


def render_pdf(render: Callable[[BinaryIO], int]) -> tuple[bytes, int]:
    """The bytes `render` writes to a stream, and the page count it returns."""
    buffer = io.BytesIO()
    # Laying out allocates fragments, lines and page operators by the hundred thousand.
    with collector_paused():
        pages = render(buffer)
    return buffer.getvalue(), pages


def write_report_pdf(
    db: Database, report: ReportPdf, out: Path, *, passphrase: str | None = None
) -> None:
    """Write `report` to `out` (protected in memory when `passphrase` is given, audited as
    it lands, atomically, 0600)."""
    write_audited_file(
        db,
        out,
        report.data,
        protect=encrypt_pdf,
        action=PRINT_ACTION,
        record_type=report.record_type,
        record_id=report.record_id,
        what=report.what,
        details=report.details,
        passphrase=passphrase,
    )


def write_audited_file(
    db: Database,
    out: Path,
    data: bytes,
    *,
    protect: Callable[[bytes, str], bytes] | None,
    action: str,
    record_type: str,
    record_id: str,
    what: str,
    details: Sequence[tuple[str, str]] = (),
    passphrase: str | None = None,
) -> None:
    """Write `data` (a report in any format) to `out`, auditing `action` on `what` as it
    lands; `protect(data, passphrase)` encrypts it in memory when a passphrase is given (a
    format that cannot be protected passes None, and is refused a passphrase)."""
    if passphrase is not None:
        if protect is None:
            raise CragError(f"{out.name} cannot be protected with a passphrase.")
        # A passphrase too short fails before anything is audited.
        passphrase = normalise_pdf_passphrase(passphrase)
    changes: list[audit.Change] = [
        (what, None, out.name),
        ("protection", None, protection_text(passphrase)),
    ]
    changes += [(name, None, value) for name, value in details]
    if passphrase is not None and protect is not None:
        # Encrypted in memory: no unprotected copy of the report ever reaches the disk.
        data = protect(data, passphrase)

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    write_recorded_file(
        db,
        out,
        write,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes=changes,
    )


def write_audited_pdf(
    db: Database,
    out: Path,
    render: Callable[[BinaryIO], object],
    *,
    record_type: str,
    record_id: str,
    what: str,
    details: Sequence[tuple[str, str]] | None = None,
    passphrase: str | None = None,
) -> None:
    """Write the PDF `render` produces to `out`, auditing the print of `what` as it lands.

    The tracker, the register and the annual report all come through here (or through
    `write_report_pdf` when already rendered), so each is audited, protected when asked and
    written atomically in one way.
    """
    if passphrase is not None:
        # A passphrase too short fails before anything is rendered or audited.
        passphrase = normalise_pdf_passphrase(passphrase)
    buffer = io.BytesIO()
    render(buffer)
    report = ReportPdf(
        title=what.replace("_", " "),
        suggested_name=out.name,
        data=buffer.getvalue(),
        pages=0,
        record_type=record_type,
        record_id=record_id,
        what=what,
        details=tuple(details or ()),
    )
    write_report_pdf(db, report, out, passphrase=passphrase)


def record_report_printed(db: Database, report: ReportPdf, *, printer: str) -> None:
    """Audit that `report` is being sent to `printer`: called before the first page goes,
    so a print the trail does not know of never reaches paper."""
    changes: list[audit.Change] = [
        (report.what, None, printer),
        ("pages", None, str(report.pages)),
    ]
    changes += [(name, None, value) for name, value in report.details]
    with db.unit_of_work() as session:
        db.audit(
            session,
            action=SENT_TO_PRINTER_ACTION,
            record_type=report.record_type,
            record_id=report.record_id,
            changes=changes,
        )
