"""The referral register: every referral received in a reporting year, one row each.

A pure function of its view-model. The listing is cut into tables of at most
`MAX_TABLE_ROWS` rows (design/performance.md), each repeating its header on every page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from crag_desktop.domain.wording import short_date
from crag_desktop.reports.pages import CONTENT_WIDTH, build_document, chunked_tables
from crag_desktop.reports.styles import build_styles, grid_table_style, markup, uk_date

TITLE = "Referral register"


@dataclass(frozen=True)
class RegisterRow:
    """One referral as the register prints it (labels resolved, dates as dates)."""

    reference: str
    received: dt.date
    agency: str
    pseudonym: str
    children: str
    incident_type: str
    incident_date: dt.date | None
    status: str
    decision: str
    decided_on: dt.date | None
    panel: str


@dataclass(frozen=True)
class RegisterView:
    year: int
    period: str
    start: dt.date
    end: dt.date
    generated_at: dt.datetime
    operator: str
    rows: tuple[RegisterRow, ...]


def _short_date(value: dt.date | None) -> str:
    return "Not recorded" if value is None else short_date(value)


def _cell(text: str, style: Any) -> Any:
    return Paragraph(text, style)


def render_referral_register(
    view: RegisterView, out: BinaryIO | Path, *, passphrase: str | None = None
) -> int:
    """Render the register to a stream, or atomically (0600, protected when a passphrase is
    given) to a path; return the page count."""
    styles = build_styles()
    # A register is a dense listing: 8pt keeps seven columns legible on a portrait page.
    small = ParagraphStyle("RegisterCell", parent=styles.table_body, fontSize=8, leading=10)
    header = [
        _cell(h, styles.table_header)
        for h in (
            "Reference, received",
            "Referred by",
            "Case and children",
            "Incident",
            "Status",
            "Decision",
            "National Panel",
        )
    ]
    body = [
        [
            _cell(f"<b>{markup(r.reference)}</b><br/>{_short_date(r.received)}", small),
            _cell(markup(r.agency), small),
            _cell(f"<b>{markup(r.pseudonym)}</b><br/>{markup(r.children)}", small),
            _cell(f"{markup(r.incident_type)}<br/>{_short_date(r.incident_date)}", small),
            _cell(markup(r.status), small),
            _cell(
                markup(r.decision)
                + (f"<br/>{_short_date(r.decided_on)}" if r.decided_on is not None else ""),
                small,
            ),
            _cell(markup(r.panel), small),
        ]
        for r in view.rows
    ]
    w = CONTENT_WIDTH
    count = len(view.rows)
    story: list[Any] = [
        Paragraph(f"{TITLE} {markup(view.period)}", styles.title),
        Paragraph(
            f"Every referral received from {uk_date(view.start)} to {uk_date(view.end)}: "
            f"{count:,} referral{'s' if count != 1 else ''}, in the order received.",
            styles.subtitle,
        ),
        Spacer(1, 2 * mm),
    ]
    if view.rows:
        story += chunked_tables(
            header,
            body,
            col_widths=[w * 0.16, w * 0.13, w * 0.2, w * 0.13, w * 0.12, w * 0.14, w * 0.12],
            style=grid_table_style(),
        )
    else:
        story.append(Paragraph(f"No referral was received in {markup(view.period)}.", styles.muted))
    return build_document(
        out,
        story,
        title=f"{TITLE} {view.period}",
        subject=f"Referrals received by the Case Review and Governance group, {view.period}",
        generated_at=view.generated_at,
        footer_note=f"Reporting year {view.period}",
        passphrase=passphrase,
    )
