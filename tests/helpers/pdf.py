"""Reading and checking a written PDF with the tools a reader would use."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest


def pdf_text(path: Path, password: str | None = None, *, layout: bool = True) -> str:
    """The PDF's text, laid out as on the page, or (`layout` False) in reading order, which
    keeps a table cell's wrapped lines together."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    args = ["pdftotext"] + (["-layout"] if layout else [])
    if password is not None:
        args += ["-upw", password]
    result = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True)
    return result.stdout


def check_pdf(path: Path, password: str | None = None) -> None:
    """qpdf --check when qpdf is installed, else pikepdf's own structural check."""
    if shutil.which("qpdf") is not None:
        args = ["qpdf"] + ([f"--password={password}"] if password else []) + ["--check"]
        result = subprocess.run([*args, str(path)], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        return
    with pikepdf.open(path, password=password or "") as pdf:
        assert pdf.check_pdf_syntax() == []


def pdf_info(path: Path) -> str:
    """What `pdfinfo` says of the PDF's metadata (title, author, subject...)."""
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    return subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
