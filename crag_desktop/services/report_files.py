"""What every printed report shares on its way to disk: protection and the audit trail.

A report is rendered in memory, protected there when a passphrase is given, then handed to
`file_output.write_recorded_file`: audited in the same step as it is written (never an
unaudited file on disk), atomically, user-only, never over a database.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from crag_desktop.reports.protection import encrypt_pdf, normalise_pdf_passphrase
from crag_desktop.services.database import Database
from crag_desktop.services.file_output import write_recorded_file
from crag_desktop.storage import audit

#: Audit record type of reports that are about no single record (annual report, register).
REPORT_RECORD = "report"

PROTECTED = "AES-256, passphrase"
NOT_PROTECTED = "not encrypted"


def protection_text(passphrase: str | None) -> str:
    """How a written report was protected, as the audit trail says it."""
    return PROTECTED if passphrase is not None else NOT_PROTECTED


def write_audited_pdf(
    db: Database,
    out: Path,
    render: Callable[[BinaryIO], object],
    *,
    record_type: str,
    record_id: str,
    what: str,
    details: list[tuple[str, str]] | None = None,
    passphrase: str | None = None,
) -> None:
    """Write the PDF `render` produces to `out`, auditing the print of `what` as it lands.

    The tracker, the register and the annual report all come through here, so each is
    audited, protected when asked and written atomically in one way.
    """
    if passphrase is not None:
        # A passphrase too short fails before anything is rendered or audited.
        passphrase = normalise_pdf_passphrase(passphrase)
    changes: list[audit.Change] = [
        (what, None, out.name),
        ("protection", None, protection_text(passphrase)),
    ]
    changes += [(name, None, value) for name, value in details or []]
    buffer = io.BytesIO()
    render(buffer)
    data = buffer.getvalue()
    if passphrase is not None:
        # Encrypted in memory: no unprotected copy of the report ever reaches the disk.
        data = encrypt_pdf(data, passphrase)

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    write_recorded_file(
        db,
        out,
        write,
        action="print",
        record_type=record_type,
        record_id=record_id,
        changes=changes,
    )
