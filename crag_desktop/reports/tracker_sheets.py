"""The recommendations tracker as a workbook (XLSX) or a CSV file: pure functions of its
view-model (`reports.tracker.TrackerView`).

The workbook's sheet "Recommendations" holds the marking in its first row, a header row,
then exactly one row per recommendation; sheet "Actions" one row per agency action. The
CSV file is the first sheet's rows. Text a person typed never starts a cell with = + - @
(nor a tab or carriage return): a spreadsheet would run it as a formula (CSV injection), so
such text gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from typing import Any, BinaryIO

from crag_desktop.domain.wording import short_date
from crag_desktop.reports.pages import MARKING
from crag_desktop.reports.styles import uk_date
from crag_desktop.reports.tracker import TITLE, TrackerAction, TrackerView, update_text

#: One cell's value: text, a date, a whole number, or nothing.
Cell = str | dt.date | int | None

RECOMMENDATIONS_SHEET = "Recommendations"
ACTIONS_SHEET = "Actions"

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class Column:
    """A sheet's column: its heading, its width in characters, and whether its text wraps."""

    heading: str
    width: float
    wrap: bool = False


RECOMMENDATION_COLUMNS = (
    Column("Code", 16),
    Column("Review", 18),
    Column("Recommendation", 60, wrap=True),
    Column("Scope", 14),
    Column("Lead agency", 24, wrap=True),
    Column("Monitoring group", 17),
    Column("Due", 11),
    Column("Status (set)", 16),
    Column("Status (from dates and updates)", 18, wrap=True),
    Column("Latest update", 48, wrap=True),
    Column("Latest update on", 12),
    Column("Open actions", 48, wrap=True),
)

ACTION_COLUMNS = (
    Column("Recommendation", 16),
    Column("Action", 8),
    Column("Description", 60, wrap=True),
    Column("Owner agency", 24, wrap=True),
    Column("Monitoring group", 17),
    Column("Due", 11),
    Column("Latest update", 48, wrap=True),
    Column("Latest update on", 12),
    Column("Open", 7),
)


def safe_text(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: a leading apostrophe when it
    would start a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _text(text: str) -> str | None:
    return safe_text(text) if text else None


def _open_actions_text(actions: Sequence[TrackerAction]) -> str:
    lines = []
    for action in actions:
        due = f", due {short_date(action.due)}" if action.due is not None else ""
        lines.append(
            f"Action {action.number} ({action.owner_agency}{due}): {action.description.strip()}"
        )
    return "\n".join(lines)


def marking_row(view: TrackerView) -> list[Cell]:
    """The first row of every sheet: the marking, then what the sheet is."""
    which = f" ({view.selection})" if view.selection else ""
    return [MARKING, safe_text(f"{TITLE} as of {uk_date(view.as_of)}{which}")]


def recommendation_rows(view: TrackerView) -> list[list[Cell]]:
    """The first sheet's rows: marking, header, then one row per recommendation."""
    rows: list[list[Cell]] = [marking_row(view), [c.heading for c in RECOMMENDATION_COLUMNS]]
    for rec in view.recommendations:
        latest = rec.latest
        rows.append(
            [
                _text(rec.code),
                _text(rec.review),
                _text(rec.text),
                rec.scope.label,
                _text(rec.lead_agency),
                rec.monitoring_group.label,
                rec.due,
                rec.status.label,
                rec.derived.label,
                _text(update_text(latest)),
                latest.on if latest is not None else None,
                _text(_open_actions_text(rec.open_actions)),
            ]
        )
    return rows


def action_rows(view: TrackerView) -> list[list[Cell]]:
    """The Actions sheet's rows: marking, header, then one row per action."""
    rows: list[list[Cell]] = [marking_row(view), [c.heading for c in ACTION_COLUMNS]]
    for action in view.actions:
        latest = action.latest
        rows.append(
            [
                _text(action.code),
                action.number,
                _text(action.description.strip()),
                _text(action.owner_agency),
                action.monitoring_group.label,
                action.due,
                _text(update_text(latest)),
                latest.on if latest is not None else None,
                "Yes" if action.open else "No",
            ]
        )
    return rows


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        # ISO dates: read the same by every spreadsheet, whatever its locale.
        return value.isoformat()
    return str(value)


def render_tracker_csv(view: TrackerView, out: BinaryIO) -> None:
    """The first sheet's rows as CSV: UTF-8 with a byte order mark (so Excel reads the
    accents right), marking row first."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    for row in recommendation_rows(view):
        writer.writerow([_csv_value(value) for value in row])
    out.write(text.getvalue().encode("utf-8-sig"))


def _sheet(
    sheet: Any, rows: list[list[Cell]], columns: Sequence[Column], *, landscape: bool = True
) -> None:
    """Fill `sheet` with `rows` (marking, header, body) in the house style."""
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", start_color="1F3A5F")
    for values in rows:
        sheet.append(values)
    sheet["A1"].font = Font(bold=True, color="C00000")
    sheet["B1"].font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        head = sheet.cell(row=2, column=index)
        head.font = header_font
        head.fill = header_fill
        head.alignment = wrap
        # One style per column, copied into each cell: setting a style through openpyxl's
        # attributes looks it up in the workbook's tables every time (most of the run time).
        proto = Cell(sheet, row=1, column=index)
        proto.alignment = wrap if column.wrap else top
        dated = Cell(sheet, row=1, column=index)
        dated.alignment = top
        dated.number_format = "DD/MM/YYYY"
        for (cell,) in sheet.iter_rows(min_row=3, max_row=len(rows), min_col=index, max_col=index):
            source = dated if isinstance(cell.value, dt.date) else proto
            cell._style = copy(source._style)  # type: ignore[attr-defined]
    last = get_column_letter(len(columns))
    sheet.freeze_panes = "B3"
    sheet.auto_filter.ref = f"A2:{last}{max(len(rows), 2)}"
    # Printed, every page repeats the marking and the header, and is marked itself.
    sheet.print_title_rows = "1:2"
    sheet.oddHeader.center.text = MARKING
    sheet.oddHeader.center.font = "Arial,Bold"
    sheet.oddFooter.center.text = MARKING
    sheet.oddFooter.right.text = "Page &P of &N"
    sheet.oddFooter.left.text = f"{TITLE}, &A"
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def render_tracker_xlsx(view: TrackerView, out: BinaryIO) -> None:
    """The tracker as a workbook: sheets "Recommendations" and "Actions"."""
    # Imported here: openpyxl is only needed when a workbook is written.
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = RECOMMENDATIONS_SHEET
    _sheet(first, recommendation_rows(view), RECOMMENDATION_COLUMNS)
    _sheet(book.create_sheet(ACTIONS_SHEET), action_rows(view), ACTION_COLUMNS)
    book.properties.title = TITLE
    book.properties.creator = "CRAG Desktop"
    book.properties.keywords = MARKING
    book.save(out)
