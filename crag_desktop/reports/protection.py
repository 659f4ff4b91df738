"""AES-256 protection for every PDF and workbook the app writes, and the one way to put a
PDF on disk.

A report is rendered into memory, encrypted there (pikepdf/qpdf, AES-256, revision 6, the
only strong PDF encryption: ReportLab's own is RC4 or the deprecated revision 5) and only
then written, atomically and user-only. No plaintext copy of a protected report ever
touches the disk, not even as a temporary file. Workbooks (XLSX) are protected the way
Excel itself does it: ECMA-376 agile encryption, AES-256 with SHA-512 (msoffcrypto-tool),
which Excel and LibreOffice open with the passphrase.
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
            "The passphrase protecting a report or workbook must be at least "
            f"{MIN_PDF_PASSPHRASE_LENGTH} characters long; choose a longer one."
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


class WrongWorkbookPassphrase(CragError):
    """A protected workbook that the passphrase given does not open."""

    def __init__(self) -> None:
        super().__init__(
            "That passphrase does not open the workbook; check it with whoever sent the "
            "file and try again."
        )


class NotAWorkbook(CragError):
    """A file that is neither a workbook nor a protected one."""

    def __init__(self) -> None:
        super().__init__(
            "The file is not an Excel workbook (.xlsx); choose the workbook the app wrote."
        )


# An encrypted workbook is an OLE compound file holding the encrypted package; a plain one
# is a ZIP archive.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def encrypt_xlsx(data: bytes, passphrase: str) -> bytes:
    """`data` (an XLSX workbook) encrypted with AES-256, opening only with `passphrase`."""
    # Imported here, as pikepdf is: only protected workbooks need it.
    from msoffcrypto.format.ooxml import OOXMLFile

    key = normalise_pdf_passphrase(passphrase)
    if not data.startswith(_ZIP_MAGIC):
        raise NotAWorkbook()
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(key, out)
    return out.getvalue()


def workbook_is_encrypted(data: bytes) -> bool:
    """Whether the workbook bytes need a passphrase to open (NotAWorkbook if not a workbook)."""
    if data.startswith(_ZIP_MAGIC):
        return False
    if data.startswith(_OLE_MAGIC):
        return True
    raise NotAWorkbook()


def is_encrypted_xlsx(path: Path) -> bool:
    """Whether the workbook at `path` needs a passphrase to open."""
    with open(path, "rb") as handle:
        return workbook_is_encrypted(handle.read(len(_OLE_MAGIC)))


def decrypt_xlsx(data: bytes, passphrase: str) -> bytes:
    """The plain workbook inside protected `data`; WrongWorkbookPassphrase if it does not open.

    Plain workbook bytes are returned as they are, so a caller need not ask first.
    """
    if not workbook_is_encrypted(data):
        return data
    if not passphrase:
        raise WrongWorkbookPassphrase()
    import msoffcrypto
    from msoffcrypto.exceptions import InvalidKeyError

    try:
        document = msoffcrypto.OfficeFile(io.BytesIO(data))
        document.load_key(password=unicodedata.normalize("NFC", passphrase))
        out = io.BytesIO()
        document.decrypt(out, verify_integrity=True)
    except InvalidKeyError:
        raise WrongWorkbookPassphrase() from None
    except Exception:
        # The bytes come from outside (a return sent back by an agency): whatever the
        # parser trips on in a damaged or foreign file, the answer is the same sentence.
        raise NotAWorkbook() from None
    return out.getvalue()
