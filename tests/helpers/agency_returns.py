"""Filling in an agency's return as the agency would (openpyxl, like Excel saving it)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from crag_desktop.reports.agency_return import RETURN_SHEET

#: Columns of the return sheet, as the agency sees them.
CODE, RECOMMENDATION, UPDATE, PROPOSED, KEY = 1, 3, 9, 10, 11
FIRST_ROW = 4


def codes(data: bytes) -> list[str]:
    """The codes of the items listed in a return, in order."""
    sheet: Any = load_workbook(io.BytesIO(data))[RETURN_SHEET]
    return [
        str(row[0])
        for row in sheet.iter_rows(min_row=FIRST_ROW, max_col=1, values_only=True)
        if row[0]
    ]


def row_of(sheet: Any, code: str) -> int:
    """The sheet row holding `code`."""
    for row in range(FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=CODE).value == code:
            return row
    raise AssertionError(f"{code} is not in the return")


def fill(
    data: bytes,
    answers: Mapping[str, tuple[str | None, str | None]],
    *,
    edit: Mapping[tuple[str, int], object] | None = None,
) -> bytes:
    """The return with `answers` ({code: (update, proposed status)}) filled in, and `edit`
    ({(code, column): value}) written over other cells."""
    book = load_workbook(io.BytesIO(data))
    sheet: Any = book[RETURN_SHEET]
    for code, (update, status) in answers.items():
        row = row_of(sheet, code)
        # `.value =`, not cell(value=...): openpyxl ignores a None given to cell().
        sheet.cell(row=row, column=UPDATE).value = update
        sheet.cell(row=row, column=PROPOSED).value = status
    for (code, column), value in (edit or {}).items():
        sheet.cell(row=row_of(sheet, code), column=column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fill_file(path: Path, answers: Mapping[str, tuple[str | None, str | None]]) -> None:
    """Fill in the (unencrypted) return at `path` in place."""
    path.write_bytes(fill(path.read_bytes(), answers))
