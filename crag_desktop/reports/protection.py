"""AES-256 protection for every PDF the app writes, and the one way to put a PDF on disk.

A report is rendered into memory, encrypted there (pikepdf/qpdf, AES-256, revision 6, the
only strong PDF encryption: ReportLab's own is RC4 or the deprecated revision 5) and only
then written, atomically and user-only. No plaintext copy of a protected report ever
touches the disk, not even as a temporary file.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from crag_desktop.domain.errors import CragError
from crag_desktop.fileio import write_bytes_atomically

#: Shortest passphrase accepted for a protected PDF (the same floor as a database's).
MIN_PDF_PASSPHRASE_LENGTH = 12


class WeakPdfPassphrase(CragError):
    """A passphrase too short to protect a report."""

    def __init__(self) -> None:
        super().__init__(
            f"The passphrase for the PDF must be at least {MIN_PDF_PASSPHRASE_LENGTH} "
            "characters long; choose a longer one."
        )


def normalise_pdf_passphrase(passphrase: str) -> str:
    """The passphrase as the PDF is keyed with: NFC, so any keyboard opens it; checked long."""
    normalised = unicodedata.normalize("NFC", passphrase)
    if len(normalised) < MIN_PDF_PASSPHRASE_LENGTH:
        raise WeakPdfPassphrase()
    return normalised


def encrypt_pdf(data: bytes, passphrase: str) -> bytes:
    """`data` (a PDF) encrypted with AES-256, revision 6, opening only with `passphrase`.

    The same passphrase is the owner password, so whoever may read the report may also
    print and copy from it: the protection is against the file going astray, not against
    the people it was sent to.
    """
    # Imported here: most reports are written unprotected, and pikepdf (qpdf) is a fifth
    # of a one-report process's imports.
    import pikepdf

    key = normalise_pdf_passphrase(passphrase)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(
            out,
            encryption=pikepdf.Encryption(user=key, owner=key, R=6, aes=True, metadata=True),
            # The ID must change with the content; qpdf derives it deterministically here.
            static_id=False,
        )
    return out.getvalue()


def is_encrypted(path: Path) -> bool:
    """Whether the PDF at `path` needs a passphrase to open."""
    import pikepdf

    try:
        with pikepdf.open(path):
            return False
    except pikepdf.PasswordError:
        return True


def write_pdf(
    path: Path, render: Callable[[BinaryIO], object], *, passphrase: str | None = None
) -> None:
    """Render a PDF with `render(stream)`, protect it when `passphrase` is given, and write
    it to `path` atomically (temporary file in the same folder, fsync, rename, 0600).

    Every PDF the app writes goes through here, so none can be written unprotected by
    forgetting a step; an earlier file at `path` survives a failure untouched.
    """
    if passphrase is not None:
        # Checked before the work of rendering, so a short passphrase fails at once.
        normalise_pdf_passphrase(passphrase)
    buffer = io.BytesIO()
    render(buffer)
    data = buffer.getvalue()
    if passphrase is not None:
        data = encrypt_pdf(data, passphrase)
    write_bytes_atomically(path, data)
