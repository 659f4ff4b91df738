"""Workbooks are protected with AES-256 and open only with their passphrase."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from crag_desktop.reports.protection import (
    NotAWorkbook,
    WeakPdfPassphrase,
    WrongWorkbookPassphrase,
    decrypt_xlsx,
    encrypt_xlsx,
    is_encrypted_xlsx,
    workbook_is_encrypted,
)

PASSPHRASE = "a long enough passphrase"


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "OFFICIAL-SENSITIVE"
    sheet["A2"] = "Baby L R3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_protected_workbook_opens_only_with_its_passphrase(tmp_path: Path) -> None:
    plain = _workbook()
    protected = encrypt_xlsx(plain, PASSPHRASE)
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(protected)

    assert is_encrypted_xlsx(path)
    assert b"Baby L" not in protected
    with pytest.raises(Exception):  # noqa: B017, PT011 - openpyxl cannot read it at all
        openpyxl.load_workbook(io.BytesIO(protected))
    with pytest.raises(WrongWorkbookPassphrase):
        decrypt_xlsx(protected, "not the passphrase at all")
    with pytest.raises(WrongWorkbookPassphrase):
        decrypt_xlsx(protected, "")
    opened = openpyxl.load_workbook(io.BytesIO(decrypt_xlsx(protected, PASSPHRASE)))
    assert opened.active is not None
    assert opened.active["A2"].value == "Baby L R3"


def test_the_agile_encryption_is_aes_256() -> None:
    import msoffcrypto

    document = msoffcrypto.OfficeFile(io.BytesIO(encrypt_xlsx(_workbook(), PASSPHRASE)))
    info = document.file.openstream("EncryptionInfo").read()
    assert b'keyBits="256"' in info
    assert b'cipherAlgorithm="AES"' in info


def test_plain_workbooks_pass_through_and_others_are_refused(tmp_path: Path) -> None:
    plain = _workbook()
    assert not workbook_is_encrypted(plain)
    assert decrypt_xlsx(plain, "anything") == plain
    with pytest.raises(NotAWorkbook):
        workbook_is_encrypted(b"%PDF-1.7")
    with pytest.raises(NotAWorkbook):
        decrypt_xlsx(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000), PASSPHRASE)
    with pytest.raises(NotAWorkbook):
        encrypt_xlsx(b"not a workbook", PASSPHRASE)
    with pytest.raises(WeakPdfPassphrase, match="report or workbook must be at least 12"):
        encrypt_xlsx(plain, "short")
