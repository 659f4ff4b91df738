"""An agency's return as an Excel workbook: written for the agency to fill in, read back.

The agency sees one sheet: OFFICIAL-SENSITIVE in its first row and page header, a row of
instructions, a header row, then one row per action it owns that is still open, with two
empty columns to fill in (its update and a proposed status, chosen from a list). Every
other cell is locked (sheet protection without a password: it discourages edits, it does
not prevent them). So the import can tell a filled row from a tampered one, each row
carries a hidden key, the record ids and a fingerprint of the text exported, and a
hidden sheet names the return (its id, the agency, the day it was exported for).

Writing and reading live together so that the layout is known in one place. Both are pure:
bytes in, bytes out, no database (the service checks the rows against the records).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.wording import short_date

__all__ = [
    "FORMAT_VERSION",
    "RETURN_SHEET",
    "AgencyReturnSheet",
    "FilledRow",
    "NotAReturn",
    "ReturnItem",
    "ReturnWorkbook",
    "fingerprint",
    "read_return",
    "write_return",
]

MARKING = "OFFICIAL-SENSITIVE"
RETURN_SHEET = "Agency return"
#: The hidden sheet that says what the workbook is; `veryHidden` so Excel's menus do not
#: offer to show it.
_META_SHEET = "CRAG Desktop"
_MARKER = "CRAG Desktop agency return"
FORMAT_VERSION = 1
#: The sheet of the plain tracker export (reports/tracker.py), named in the refusal.
_TRACKER_SHEET = "Recommendations"

_INSTRUCTIONS_ROW = 2
_HEADER_ROW = 3
_FIRST_ROW = 4

HEADERS = (
    "Code",
    "Review",
    "Recommendation",
    "Action",
    "Due",
    "Current status",
    "Latest update",
    "Latest update on",
    "Update",
    "Proposed status",
    "Key (do not change)",
)
# 1-based column numbers, as openpyxl counts them.
_CODE, _REVIEW, _RECOMMENDATION, _ACTION, _DUE = 1, 2, 3, 4, 5
_STATUS, _LATEST, _LATEST_ON, _UPDATE, _PROPOSED, _KEY = 6, 7, 8, 9, 10, 11
_WIDTHS = (16, 18, 46, 40, 11, 15, 40, 12, 50, 18, 30)
_DATE_FORMAT = "DD/MM/YYYY"

#: A workbook larger than this, unpacked, is not a return (a return of 1,000 rows is
#: about 200 kB): refused before openpyxl parses it.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024


class NotAReturn(CragError):
    """The file is not an agency return this app can read; the message says what it is."""

    @classmethod
    def not_a_workbook(cls, name: str) -> NotAReturn:
        """A file that is no Excel workbook at all, protected or not."""
        return cls(
            f"{name} is not an Excel workbook (.xlsx): choose the agency return that "
            "CRAG Desktop exported."
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnItem:
    """One action in the return, as the agency reads it."""

    recommendation_id: str
    action_id: str
    #: "Baby L R3 A1": the review, the recommendation's number and the action's.
    code: str
    review_title: str
    recommendation_text: str
    action_text: str
    due: date | None
    #: The status the item has now ("On track", "Overdue", ...).
    status_label: str
    latest_note: str
    latest_on: date | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencyReturnSheet:
    """What a return holds: its id, whose it is, as of when, and the items."""

    return_id: str
    agency_id: str
    agency_name: str
    as_of: date
    exported_at: datetime
    #: The proposed statuses offered in the list, in order.
    status_labels: tuple[str, ...]
    items: tuple[ReturnItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FilledRow:
    """One row of a returned workbook that holds anything, as read."""

    #: The row's number in the sheet, as the agency sees it.
    row: int
    code: str
    #: The ids and fingerprint the row was exported with; None when the key is missing or
    #: unreadable (a row typed in, or a key cell edited).
    recommendation_id: str | None
    action_id: str | None
    exported_fingerprint: str | None
    #: The fingerprint of the row's exported columns as they are now.
    fingerprint: str
    update: str
    proposed_status: str
    #: The update or the status cell holds a formula rather than what was typed.
    has_formula: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ReturnWorkbook:
    """A returned workbook: the return's identity and every row that holds anything."""

    return_id: str
    agency_id: str
    agency_name: str
    as_of: date
    exported_at: datetime
    rows: tuple[FilledRow, ...]


def fingerprint(code: str, review: str, recommendation: str, action: str, due: str) -> str:
    """A short hash of a row's exported columns (`due` as YYYY-MM-DD, or ""): the import
    compares it to tell an edited code or text (a row that would then be applied to the
    wrong action) from a filled one."""
    text = "\x1f".join((code, review, recommendation, action, due))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _clean(text: str) -> str:
    """`text` without the control characters a workbook cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _put(sheet: Any, row: int, column: int, value: object) -> Any:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        # A text that starts with "=" is a text here, never a formula Excel would run.
        cell.data_type = "s"
    return cell


def write_return(view: AgencyReturnSheet) -> bytes:
    """The return as XLSX bytes (not yet protected by a passphrase)."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    book = Workbook()
    # openpyxl's stubs make most sheet parts optional; a new workbook has them all.
    sheet: Any = book.active
    sheet.title = RETURN_SHEET
    _write_heading(sheet, view)
    _write_items(sheet, view)
    _offer_statuses(sheet, view)
    _lay_out_pages(sheet, view)
    _write_meta(book.create_sheet(_META_SHEET), view)
    # Sheets cannot be renamed, moved, added or deleted (no password, like the sheet's).
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.title = f"Agency return: {_clean(view.agency_name)}"
    book.properties.creator = "CRAG Desktop"
    book.properties.keywords = MARKING

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_heading(sheet: Any, view: AgencyReturnSheet) -> None:
    """The marking, what the agency is asked to do, and the column titles."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    last_column = get_column_letter(len(HEADERS))
    wrap = Alignment(wrap_text=True, vertical="top")
    marking = _put(sheet, 1, 1, MARKING)
    marking.font = Font(bold=True, color="B00020", size=12)
    sheet.merge_cells(f"A1:{last_column}1")
    as_of = short_date(view.as_of)
    instructions = _put(
        sheet,
        _INSTRUCTIONS_ROW,
        1,
        f"Return of {view.agency_name} on the open actions it owns, as of {as_of}. For each "
        "action with progress to report, write the update in the column “Update” and choose "
        "the status you propose under “Proposed status” (without one the status stays as it "
        "is). Leave a row empty when there is nothing to report. Do not change, add, move or "
        "delete rows or the other columns: a changed row is refused. Send the file back to "
        "the CRAG secretariat; each update is recorded once, dated the day it is received.",
    )
    instructions.alignment = wrap
    sheet.merge_cells(f"A{_INSTRUCTIONS_ROW}:{last_column}{_INSTRUCTIONS_ROW}")
    sheet.row_dimensions[_INSTRUCTIONS_ROW].height = 62
    fill = PatternFill("solid", fgColor="DDE4EE")
    for column, title in enumerate(HEADERS, start=1):
        cell = _put(sheet, _HEADER_ROW, column, title)
        cell.font = Font(bold=True)
        cell.alignment = wrap
        cell.fill = _to_fill() if column in (_UPDATE, _PROPOSED) else fill


def _to_fill() -> Any:
    """The colour of the cells the agency fills in."""
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor="FFF4CC")


def _write_items(sheet: Any, view: AgencyReturnSheet) -> None:
    """One row an open action: what it is, its latest progress, and two cells to fill in."""
    from openpyxl.styles import Alignment, Protection

    wrap = Alignment(wrap_text=True, vertical="top")
    open_cell = Protection(locked=False)
    to_fill = _to_fill()
    for offset, item in enumerate(view.items):
        row = _FIRST_ROW + offset
        code = _clean(item.code)
        review = _clean(item.review_title)
        recommendation = _clean(item.recommendation_text)
        action = _clean(item.action_text)
        key = json.dumps(
            [
                item.recommendation_id,
                item.action_id,
                fingerprint(code, review, recommendation, action, _text(item.due)),
            ]
        )
        values: Sequence[tuple[int, object]] = (
            (_CODE, code),
            (_REVIEW, review),
            (_RECOMMENDATION, recommendation),
            (_ACTION, action),
            (_DUE, item.due),
            (_STATUS, item.status_label),
            (_LATEST, _clean(item.latest_note)),
            (_LATEST_ON, item.latest_on),
            (_KEY, key),
        )
        for column, value in values:
            cell = _put(sheet, row, column, value)
            cell.alignment = wrap
            if isinstance(value, date):
                cell.number_format = _DATE_FORMAT
        for column in (_UPDATE, _PROPOSED):
            cell = sheet.cell(row=row, column=column)
            cell.protection = open_cell
            cell.alignment = wrap
            cell.fill = to_fill


def _offer_statuses(sheet: Any, view: AgencyReturnSheet) -> None:
    """The proposed status is chosen from a list in every item's row."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    last_row = _FIRST_ROW + max(len(view.items), 1) - 1
    statuses = DataValidation(
        type="list",
        formula1='"' + ",".join(view.status_labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Proposed status",
        error="Choose one of the statuses in the list.",
        showInputMessage=True,
        promptTitle="Proposed status",
        prompt="Choose the status you propose (leave empty to keep the current one).",
    )
    sheet.add_data_validation(statuses)
    column_letter = get_column_letter(_PROPOSED)
    statuses.add(f"{column_letter}{_FIRST_ROW}:{column_letter}{last_row}")


def _lay_out_pages(sheet: Any, view: AgencyReturnSheet) -> None:
    """Column widths, the frozen heading, landscape pages with the marking, and the sheet
    protected: the agency may resize rows and columns, nothing else."""
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.column_dimensions[get_column_letter(_KEY)].hidden = True
    sheet.freeze_panes = f"B{_FIRST_ROW}"
    sheet.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.center.text = f"&B{MARKING}"
    sheet.oddFooter.center.text = f"{MARKING} — Page &P of &N"
    sheet.oddFooter.left.text = f"Return of {_footer_text(view.agency_name)}"
    # Protected without a password.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _write_meta(meta: Any, view: AgencyReturnSheet) -> None:
    """The hidden sheet that says which return this is, read back on import."""
    for row, (name, value) in enumerate(
        (
            ("format", _MARKER),
            ("version", FORMAT_VERSION),
            ("return", view.return_id),
            ("agency", view.agency_id),
            ("agency name", _clean(view.agency_name)),
            ("as of", view.as_of.isoformat()),
            ("exported at", view.exported_at.isoformat()),
            ("items", len(view.items)),
        ),
        start=1,
    ):
        _put(meta, row, 1, name)
        _put(meta, row, 2, value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True


def _footer_text(text: str) -> str:
    # "&" starts a code in a page header or footer; "&&" prints one.
    return _clean(text).replace("&", "&&")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_key(value: object) -> tuple[str, str, str] | None:
    if not isinstance(value, str):
        return None
    try:
        parts = json.loads(value)
    except ValueError:
        return None
    if (
        not isinstance(parts, list)
        or len(parts) != 3
        or not all(isinstance(part, str) and part for part in parts)
    ):
        return None
    return parts[0], parts[1], parts[2]


def _refuse_oversized(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise NotAReturn.not_a_workbook(name) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise NotAReturn(
            f"{name} is far larger than an agency return ({unpacked / 1e6:.0f} MB unpacked): "
            "choose the return that CRAG Desktop exported."
        )


def read_return(data: bytes, *, name: str) -> ReturnWorkbook:
    """The return in `data` (an unencrypted XLSX), every row that holds anything; NotAReturn
    with one sentence when it is not a return (`name` is the file's name for it)."""
    from openpyxl import load_workbook

    _refuse_oversized(data, name)
    try:
        book = load_workbook(io.BytesIO(data), data_only=False)
    except Exception:
        # openpyxl raises a dozen types for a damaged or foreign workbook; all say the same.
        raise NotAReturn(
            f"{name} could not be read as an Excel workbook: ask the agency to save it again "
            "as .xlsx, or choose the return that CRAG Desktop exported."
        ) from None
    if _META_SHEET not in book.sheetnames:
        if _TRACKER_SHEET in book.sheetnames:
            raise NotAReturn(
                f"{name} is a tracker export, not an agency return: export the agency's "
                "return (File > Export agency return…, or report tracker --agency) and have "
                "the agency fill in that one."
            )
        raise NotAReturn(
            f"{name} is not an agency return exported by CRAG Desktop: choose the return "
            "the agency filled in."
        )
    meta = {
        _text(row[0]): row[1]
        for row in book[_META_SHEET].iter_rows(min_col=1, max_col=2, values_only=True)
    }
    if meta.get("format") != _MARKER:
        raise NotAReturn(f"{name} is not an agency return exported by CRAG Desktop.")
    version = meta.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise NotAReturn(
            f"{name} was exported by a newer version of CRAG Desktop: import it with that version."
        )
    try:
        as_of = date.fromisoformat(_text(meta.get("as of")))
        exported_at = datetime.fromisoformat(_text(meta.get("exported at")))
    except ValueError:
        raise NotAReturn(
            f"{name}: its hidden description was changed, so it cannot be trusted: export "
            "a new return for the agency."
        ) from None
    return_id = _text(meta.get("return"))
    agency_id = _text(meta.get("agency"))
    if not return_id or not agency_id:
        raise NotAReturn(
            f"{name}: its hidden description was changed, so it cannot be trusted: export "
            "a new return for the agency."
        )
    if RETURN_SHEET not in book.sheetnames:
        raise NotAReturn(
            f"{name}: its sheet “{RETURN_SHEET}” was renamed or removed: ask the agency for "
            "the return as it was exported, with only the update and status columns filled."
        )
    sheet = book[RETURN_SHEET]
    header = tuple(
        _text(cell)
        for cell in next(
            sheet.iter_rows(
                min_row=_HEADER_ROW, max_row=_HEADER_ROW, max_col=len(HEADERS), values_only=True
            )
        )
    )
    if header != HEADERS:
        raise NotAReturn(
            f"{name}: the columns of the return were changed (moved, added or renamed): ask "
            "the agency for the return as it was exported, with only the update and status "
            "columns filled."
        )
    rows: list[FilledRow] = []
    for number, cells in enumerate(
        sheet.iter_rows(min_row=_FIRST_ROW, max_col=len(HEADERS)), start=_FIRST_ROW
    ):
        values = [cell.value for cell in cells]
        if all(_text(value).strip() == "" for value in values):
            continue
        key = _parse_key(values[_KEY - 1])
        code = _text(values[_CODE - 1])
        rows.append(
            FilledRow(
                row=number,
                code=code.strip(),
                recommendation_id=key[0] if key else None,
                action_id=key[1] if key else None,
                exported_fingerprint=key[2] if key else None,
                fingerprint=fingerprint(
                    code,
                    _text(values[_REVIEW - 1]),
                    _text(values[_RECOMMENDATION - 1]),
                    _text(values[_ACTION - 1]),
                    _text(values[_DUE - 1]),
                ),
                update=_text(values[_UPDATE - 1]).strip(),
                proposed_status=_text(values[_PROPOSED - 1]).strip(),
                has_formula=any(
                    cells[column - 1].data_type == "f" for column in (_UPDATE, _PROPOSED)
                ),
            )
        )
    return ReturnWorkbook(
        return_id=return_id,
        agency_id=agency_id,
        agency_name=_text(meta.get("agency name")) or agency_id,
        as_of=as_of,
        exported_at=exported_at,
        rows=tuple(rows),
    )
