"""The one stylesheet every CRAG report uses, plus the text helpers that feed it.

Calm and legible on a council printer: dark navy headings, 10pt body on 14pt leading,
thin grey rules, no decoration that photocopies badly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import TableStyle

from crag_desktop.domain.wording import long_date, time_of_day
from crag_desktop.reports.fonts import (
    FONT_BOLD,
    FONT_ITALIC,
    FONT_REGULAR,
    register_fonts,
)

NAVY = colors.HexColor("#1F3A5F")
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#5A6270")
RULE = colors.HexColor("#B8C2CF")
HEADER_FILL = colors.HexColor("#1F3A5F")
BAND_FILL = colors.HexColor("#F3F5F8")
HIGHLIGHT_FILL = colors.HexColor("#EAF0F7")
WHITE = colors.white

BODY_SIZE = 10
BODY_LEADING = 14


@dataclass(frozen=True)
class Styles:
    """Named paragraph styles; attributes rather than a dict so a typo fails mypy."""

    title: Any
    subtitle: Any
    heading1: Any
    heading2: Any
    body: Any
    body_bold: Any
    quote: Any
    small: Any
    muted: Any
    table_header: Any
    table_body: Any
    table_body_bold: Any
    table_muted: Any
    box_label: Any
    box_value: Any
    marking: Any


def build_styles() -> Styles:
    """Build a fresh stylesheet (fonts registered first); callers may tweak their copy."""
    register_fonts()
    body = ParagraphStyle(
        "Body",
        fontName=FONT_REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=6,
    )
    table_body = ParagraphStyle(
        "TableBody", parent=body, fontSize=9, leading=12, spaceAfter=0, spaceBefore=0
    )
    return Styles(
        title=ParagraphStyle(
            "Title",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=20,
            leading=25,
            textColor=NAVY,
            spaceAfter=4,
        ),
        subtitle=ParagraphStyle(
            "Subtitle", parent=body, fontSize=11, leading=15, textColor=MUTED, spaceAfter=10
        ),
        heading1=ParagraphStyle(
            "Heading1",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=17,
            textColor=NAVY,
            spaceBefore=14,
            spaceAfter=6,
            # No keepWithNext: it wraps heading and a long table or box into one KeepTogether
            # that jumps whole to the next page. Reports use CondPageBreak before a heading.
        ),
        heading2=ParagraphStyle(
            "Heading2",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=10.5,
            leading=14,
            textColor=NAVY,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        body=body,
        body_bold=ParagraphStyle("BodyBold", parent=body, fontName=FONT_BOLD),
        quote=ParagraphStyle(
            "Quote",
            parent=body,
            leftIndent=6 * mm,
            rightIndent=4 * mm,
            textColor=colors.HexColor("#2E3B4E"),
            fontName=FONT_ITALIC,
        ),
        small=ParagraphStyle("Small", parent=body, fontSize=8.5, leading=11, spaceAfter=3),
        muted=ParagraphStyle("Muted", parent=body, textColor=MUTED),
        table_header=ParagraphStyle(
            "TableHeader", parent=table_body, fontName=FONT_BOLD, textColor=WHITE
        ),
        table_body=table_body,
        table_body_bold=ParagraphStyle("TableBodyBold", parent=table_body, fontName=FONT_BOLD),
        table_muted=ParagraphStyle("TableMuted", parent=table_body, textColor=MUTED),
        box_label=ParagraphStyle(
            "BoxLabel", parent=table_body, fontSize=8, leading=10, textColor=MUTED
        ),
        box_value=ParagraphStyle(
            "BoxValue", parent=table_body, fontName=FONT_BOLD, fontSize=10.5, leading=13
        ),
        marking=ParagraphStyle(
            "Marking",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=10,
            alignment=TA_CENTER,
            textColor=INK,
        ),
    )


def grid_table_style(*, header_rows: int = 1, banded: bool = True, first_band: int = 0) -> Any:
    """The house style for data tables: navy header row, light banding, thin grey rules.

    `first_band` is the number of body rows printed before this table, for a table that
    continues another one, so the banding carries on unbroken across the join.
    """
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    if header_rows:
        commands += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, NAVY),
        ]
    if banded:
        bands = [WHITE, BAND_FILL] if first_band % 2 == 0 else [BAND_FILL, WHITE]
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), bands))
    return TableStyle(commands)


def key_value_table_style() -> Any:
    """Label/value pairs: muted labels in the first column, no header, hairline rules."""
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
    )


def escape(text: str) -> str:
    """`text` with "&", "<" and ">" escaped, as `xml.sax.saxutils.escape` does: that module
    imports urllib.request and http.client, a hundredth of a second of a report's process."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str) -> str:
    """Escape user text for ReportLab Paragraph markup; single newlines become line breaks."""
    # Paragraph parses its text as XML-ish markup: "<b>" typed by a user would turn bold and
    # a bare "&" would raise, so everything a person typed goes through here.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(escape(line) for line in lines)


def paragraphs_of(text: str) -> list[str]:
    """Split typed text on blank lines into paragraphs of escaped markup, dropping empties."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[str] = []
    current: list[str] = []
    for line in normalised.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return [markup(block) for block in blocks]


def uk_date(value: dt.date | None, *, missing: str = "Not recorded") -> str:
    """A date as printed in UK board papers, "14 June 2016"; independent of the locale."""
    if value is None:
        return missing
    return long_date(value)


def uk_datetime(value: dt.datetime) -> str:
    """A timestamp as "14 June 2016 at 09:05" (local clock time as given)."""
    return f"{long_date(value.date())} at {time_of_day(value)}"
