"""The recommendations tracker as the Executive group and PAQA read it at every meeting.

The view-model (`TrackerView`) serves every format the tracker is written in; this module
renders the PDF: the overdue recommendations first, then every recommendation grouped by
monitoring group and lead agency, each with its code, full text, the status set beside the
status its dates and updates give, its due date and latest update; a chart of the statuses.

A tracker can hold thousands of recommendations, so a row is two Paragraphs (the text and
the latest update, which wrap) and plain strings for the short cells, which ReportLab lays
out without parsing markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, BinaryIO

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table

from crag_desktop.domain.records import ActionUpdate
from crag_desktop.domain.vocabulary import (
    MonitoringGroup,
    RecommendationScope,
    RecommendationStatus,
)
from crag_desktop.domain.wording import count_of, short_date
from crag_desktop.reports.charts import bar_chart
from crag_desktop.reports.fonts import FONT_BOLD, FONT_REGULAR
from crag_desktop.reports.pages import (
    CONTENT_WIDTH,
    OutlineHeading,
    build_document,
    chunked_tables,
    keep_whole,
    outline_hook,
)
from crag_desktop.reports.styles import (
    INK,
    MUTED,
    NAVY,
    Styles,
    build_styles,
    grid_table_style,
    markup,
    uk_date,
)

TITLE = "Recommendations tracker"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerAction:
    """One agency action of a recommendation, as the tracker lists it."""

    recommendation_id: str
    #: The recommendation's code, "Baby L R3".
    code: str
    #: Its place among the recommendation's actions, from 1.
    number: int
    description: str
    owner_agency: str
    monitoring_group: MonitoringGroup
    due: dt.date | None
    #: Its latest progress update on or before the tracker's date, if any.
    latest: ActionUpdate | None
    #: Not yet done: its recommendation is open and its latest update does not close it.
    open: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerRecommendation:
    """One recommendation: the status set beside the status its dates and updates give."""

    id: str
    code: str
    review: str
    number: int
    text: str
    scope: RecommendationScope
    lead_agency: str
    monitoring_group: MonitoringGroup
    due: dt.date | None
    status: RecommendationStatus
    #: What the dates and the actions' latest updates say (`domain.tracker.derived_status`).
    derived: RecommendationStatus
    #: The latest progress update of any of its actions, on or before the tracker's date.
    latest: ActionUpdate | None
    actions: tuple[TrackerAction, ...]

    @property
    def overdue(self) -> bool:
        """Whether its dates or its updates say it is overdue."""
        return self.derived == RecommendationStatus.OVERDUE

    @property
    def open_actions(self) -> tuple[TrackerAction, ...]:
        """The actions not yet done."""
        return tuple(action for action in self.actions if action.open)


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many recommendations have a status as set, and as derived."""

    status: RecommendationStatus
    set: int
    derived: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TrackerView:
    """Everything any format of the tracker shows."""

    as_of: dt.date
    generated_at: dt.datetime
    operator: str
    #: Which recommendations are listed, in words ("" when every one is).
    selection: str
    #: By review title and number.
    recommendations: tuple[TrackerRecommendation, ...]
    #: The overdue ones, the longest overdue first.
    overdue: tuple[TrackerRecommendation, ...]
    #: Every status, in the vocabulary's order.
    status_counts: tuple[StatusCount, ...]
    #: Every action of the listed recommendations, by recommendation then number.
    actions: tuple[TrackerAction, ...]


def update_text(update: ActionUpdate | None) -> str:
    """The latest update as one line of text: its status, then its note."""
    if update is None:
        return ""
    note = update.note.strip()
    return f"{update.status.label}: {note}" if note else update.status.label


def _short_date(value: dt.date | None) -> str:
    return "Not set" if value is None else short_date(value)


#: Rows per table: a table is measured again each time it splits across a page, so short
#: tables keep a long tracker's layout time proportional to its length.
_TABLE_ROWS = 60
_CELL_SIZE = 8
_CELL_LEADING = 10


@dataclass(frozen=True, slots=True)
class _Run:
    """A piece of a cell's text in one font and colour, starting on a new line."""

    text: str
    font: str = FONT_REGULAR
    color: Any = INK


class TextLines(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Wrapped plain text for a table cell, several times faster than a Paragraph.

    A Paragraph parses markup and measures fragments; a tracker has tens of thousands of
    cells of plain text, so each run is split into lines by word widths alone (cached per
    width: a table measures its cells again at every page it splits over) and drawn line
    by line. It splits between lines, so a long recommendation can continue overleaf.
    """

    def __init__(self, runs: Sequence[_Run]) -> None:
        super().__init__()
        self.runs = tuple(runs)
        # By width: a table measures a cell at its column's width and again at its own.
        self._lines: dict[float, list[tuple[str, str, Any]]] = {}

    def _split_lines(self, width: float) -> list[tuple[str, str, Any]]:
        # Rounded: the same column's width comes back differing in the last bits.
        key = round(width, 3)
        lines = self._lines.get(key)
        if lines is None:
            lines = self._lines[key] = [
                (line, run.font, run.color)
                for run in self.runs
                for line in simpleSplit(run.text, run.font, _CELL_SIZE, width)
            ]
        return lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """Split into lines at this width; the height is one leading a line."""
        self.width = avail_width
        self.height = len(self._split_lines(avail_width)) * _CELL_LEADING
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        """The lines that fit in `avail_height`, and the rest; [] when not even one fits."""
        lines = self._split_lines(avail_width)
        fit = int(avail_height // _CELL_LEADING)
        if fit <= 0 or fit >= len(lines):
            return []
        return [_FixedLines(lines[:fit]), _FixedLines(lines[fit:])]

    def draw(self) -> None:
        """Each line in its run's font and colour, top down, as one text object."""
        text = self.canv.beginText(0, self.height - _CELL_SIZE)
        current: tuple[str, Any] | None = None
        for line, font, color in self._split_lines(self.width):
            if (font, color) != current:
                current = (font, color)
                text.setFont(font, _CELL_SIZE, _CELL_LEADING)
                text.setFillColor(color)
            text.textLine(line)
        self.canv.drawText(text)


class _FixedLines(TextLines):
    """Lines already split (one part of a TextLines that continues on the next page)."""

    def __init__(self, lines: list[tuple[str, str, Any]]) -> None:
        super().__init__(())
        self._fixed = lines

    def _split_lines(self, width: float) -> list[tuple[str, str, Any]]:
        return self._fixed


class _Builder:
    """Builds the story; the headings are numbered as they are made."""

    def __init__(self, view: TrackerView) -> None:
        self.view = view
        self.styles: Styles = build_styles()
        # Dense listing: 8pt keeps five columns legible on a portrait page.
        self.cell = ParagraphStyle(
            "TrackerCell", parent=self.styles.table_body, fontSize=8, leading=10
        )
        self.section = 0
        self.sub = 0
        self.keys = 0

    # -- pieces ---------------------------------------------------------------------------

    def _key(self) -> str:
        self.keys += 1
        return f"t{self.keys}"

    def heading(self, text: str) -> list[Any]:
        self.section += 1
        self.sub = 0
        outline = f"{self.section}. {text}"
        return [
            CondPageBreak(40 * mm),
            OutlineHeading(
                f"{self.section}.&nbsp;&nbsp;{markup(text)}",
                self.styles.heading1,
                key=self._key(),
                outline=outline,
                level=0,
            ),
        ]

    def subheading(self, text: str) -> list[Any]:
        self.sub += 1
        number = f"{self.section}.{self.sub}"
        # Not keepWithNext (which would hold the heading and a long table together and
        # move both to a new page): a conditional break keeps the heading off a page's foot.
        return [
            CondPageBreak(30 * mm),
            OutlineHeading(
                f"{number}&nbsp;&nbsp;{markup(text)}",
                self.heading2,
                key=self._key(),
                outline=f"{number} {text}",
                level=1,
            ),
        ]

    @property
    def heading2(self) -> Any:
        return ParagraphStyle("TrackerHeading2", parent=self.styles.heading2, keepWithNext=0)

    def table(
        self, recommendations: Sequence[TrackerRecommendation], *, with_agency: bool
    ) -> list[Any]:
        """One row per recommendation: code (and lead agency), text, due, status, latest
        update. Rows split across pages inside a cell, so a long text never jumps whole."""
        styles = self.styles
        header = [
            Paragraph(h, styles.table_header)
            for h in ("Recommendation", "", "Due", "Status", "Latest update")
        ]
        rows: list[list[Any]] = []
        for rec in recommendations:
            code = [_Run(rec.code, FONT_BOLD)]
            if with_agency:
                code.append(_Run(rec.lead_agency, FONT_REGULAR, MUTED))
            status = [_Run(rec.status.label)]
            if rec.derived != rec.status:
                status.append(_Run(f"now {rec.derived.label.lower()}", FONT_BOLD, NAVY))
            latest = rec.latest
            update = (
                [_Run(short_date(latest.on), FONT_BOLD), _Run(update_text(latest))]
                if latest is not None
                else [_Run("No update yet", FONT_REGULAR, MUTED)]
            )
            rows.append(
                [
                    TextLines(code),
                    TextLines([_Run(rec.text)]),
                    TextLines([_Run(_short_date(rec.due))]),
                    TextLines(status),
                    TextLines(update),
                ]
            )
        w = CONTENT_WIDTH
        tables = chunked_tables(
            header,
            rows,
            col_widths=[w * 0.17, w * 0.37, w * 0.115, w * 0.135, w * 0.21],
            max_rows=_TABLE_ROWS,
        )
        start = 0
        for table in tables:
            style = grid_table_style(first_band=start)
            # The first heading names both code and text, over their two columns.
            style.add("SPAN", (0, 0), (1, 0))
            table.setStyle(style)
            start += len(table._cellvalues) - 1
        return tables

    # -- sections -------------------------------------------------------------------------

    def front(self) -> list[Any]:
        view = self.view
        styles = self.styles
        total = len(view.recommendations)
        which = f" {view.selection}" if view.selection else ""
        open_actions = sum(len(r.open_actions) for r in view.recommendations)
        story: list[Any] = [
            Paragraph(TITLE, styles.title),
            Paragraph(
                f"As of {uk_date(view.as_of)}: {count_of(total, 'recommendation')}{markup(which)}, "
                f"{len(view.overdue):,} overdue and "
                f"{count_of(open_actions, 'open action')}.",
                styles.subtitle,
            ),
            Paragraph(
                "Each recommendation shows the status the group set. Where its due date or "
                "its actions' latest updates say otherwise, the status they give follows in "
                "bold (“now overdue”): overdue once the due date has passed or an action's "
                "latest update says so, at risk when an action's latest update says at risk.",
                styles.body,
            ),
        ]
        number_header = ParagraphStyle(
            "NumberHeader", parent=styles.table_header, alignment=TA_RIGHT
        )
        header = [
            Paragraph("Status", styles.table_header),
            Paragraph("As set", number_header),
            Paragraph("From dates and updates", number_header),
        ]
        rows = [
            [
                Paragraph(markup(count.status.label), styles.table_body),
                f"{count.set:,}",
                f"{count.derived:,}",
            ]
            for count in view.status_counts
        ]
        rows.append(
            [
                Paragraph("<b>All recommendations</b>", styles.table_body),
                f"{total:,}",
                f"{total:,}",
            ]
        )
        w = CONTENT_WIDTH
        counts = Table([header, *rows], colWidths=[w * 0.5, w * 0.2, w * 0.3], repeatRows=1)
        style = grid_table_style()
        style.add("ALIGN", (1, 1), (-1, -1), "RIGHT")
        style.add("FONTSIZE", (1, 1), (-1, -1), 9)
        style.add("FONTNAME", (1, -1), (-1, -1), FONT_BOLD)
        counts.setStyle(style)
        chart = bar_chart(
            "Recommendations by status from dates and updates",
            [(count.status.label, count.derived) for count in view.status_counts],
            width=CONTENT_WIDTH,
            empty="No recommendation is listed.",
        )
        story += keep_whole([counts, Spacer(1, 5 * mm), chart])
        return story

    def overdue(self) -> list[Any]:
        view = self.view
        story = self.heading("Overdue recommendations")
        if not view.overdue:
            story.append(
                Paragraph(
                    f"No recommendation was overdue on {uk_date(view.as_of)}.", self.styles.muted
                )
            )
            return story
        story.append(
            Paragraph(
                f"{count_of(len(view.overdue), 'recommendation')} overdue on "
                f"{uk_date(view.as_of)}, the longest overdue first.",
                self.styles.body,
            )
        )
        return story + self.table(view.overdue, with_agency=True)

    def groups(self) -> list[Any]:
        story: list[Any] = []
        current: MonitoringGroup | None = None
        for group, agency, recs in grouped(self.view.recommendations):
            if group != current:
                current = group
                count = sum(1 for r in self.view.recommendations if r.monitoring_group == group)
                story += self.heading(f"Monitored by the {group.label}")
                story.append(
                    Paragraph(
                        f"{count_of(count, 'recommendation')}, by lead agency.", self.styles.body
                    )
                )
            story += self.subheading(f"{agency} ({len(recs):,})")
            story += self.table(recs, with_agency=False)
        if not story:
            story += self.heading("Recommendations")
            story.append(Paragraph("No recommendation is listed.", self.styles.muted))
        return story

    def story(self) -> list[Any]:
        return self.front() + self.overdue() + self.groups()


_GROUP_ORDER = {group: index for index, group in enumerate(MonitoringGroup)}


def grouped(
    recommendations: Iterable[TrackerRecommendation],
) -> list[tuple[MonitoringGroup, str, list[TrackerRecommendation]]]:
    """The recommendations by monitoring group, then lead agency, as the PDF prints them."""
    ordered = sorted(
        recommendations,
        key=lambda r: (_GROUP_ORDER[r.monitoring_group], r.lead_agency.casefold()),
    )
    return [
        (group, agency, list(recs))
        for (group, agency), recs in groupby(
            ordered, key=lambda r: (r.monitoring_group, r.lead_agency)
        )
    ]


def render_tracker(view: TrackerView, out: BinaryIO) -> int:
    """Render the tracker PDF to a stream; return its page count."""
    selection = f" · {view.selection}" if view.selection else ""
    return build_document(
        out,
        _Builder(view).story(),
        title=TITLE,
        subject="Recommendations tracker of the Case Review and Governance group",
        generated_at=view.generated_at,
        footer_note=f"As of {uk_date(view.as_of)}{selection}",
        after_flowable=outline_hook({}),
    )
