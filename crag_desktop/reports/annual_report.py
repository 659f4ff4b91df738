"""The subgroup's annual report to the Board, as design/annual-report.md lays it out.

A pure function of its view-model: every figure arrives already counted (services build
the view from `domain.statistics`, so the PDF and the stats JSON share one count), every
label already resolved. The document is laid out once: the contents' page numbers are
printed when it is saved (`PageOfHeading`), once every heading has found its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table, TableStyle

from crag_desktop.reports.annual_report_view import (
    AnnualReportView,
    ChartData,
    FigureSource,
    FigureTable,
)
from crag_desktop.reports.charts import bar_chart
from crag_desktop.reports.pages import (
    CONTENT_WIDTH,
    MAX_TABLE_ROWS,
    OutlineHeading,
    PageOfHeading,
    ParagraphMaker,
    build_document,
    chunked_tables,
    fit_column_widths,
    keep_whole,
    outline_hook,
    write_pdf_atomically,
)
from crag_desktop.reports.styles import (
    HIGHLIGHT_FILL,
    NAVY,
    RULE,
    Styles,
    build_styles,
    grid_table_style,
    markup,
    paragraphs_of,
    uk_date,
)

TITLE = "Annual report of the Case Review and Governance group"
#: How many references one paragraph of the figures' appendix holds before starting another
#: (a paragraph is laid out as one block, so a 5,000-reference one would be slow to split).
REFERENCES_PER_PARAGRAPH = 150


# --- the contents ------------------------------------------------------------------------


@dataclass
class _Contents:
    """Headings in story order, and the page each landed on (filled in as it is laid out)."""

    entries: list[tuple[str, str, int]] = field(default_factory=list)  # (key, text, level)
    pages: dict[str, int] = field(default_factory=dict)


class _Builder:
    """Builds the story; shared state is the stylesheet and the contents being gathered."""

    def __init__(self, view: AnnualReportView, contents: _Contents) -> None:
        self.view = view
        self.styles: Styles = build_styles()
        self.paragraph = ParagraphMaker()
        self.contents = contents
        self.number = 0
        self.sub = 0

    # -- pieces ---------------------------------------------------------------------------

    def p(self, text: str, style: Any = None) -> Paragraph:
        return self.paragraph(text, style or self.styles.body)

    def heading(self, text: str, *, numbered: bool = True) -> list[Any]:
        if numbered:
            self.number += 1
            self.sub = 0
            label = f"{self.number}.&nbsp;&nbsp;{markup(text)}"
            outline = f"{self.number}. {text}"
        else:
            label = markup(text)
            outline = text
        key = f"s{len(self.contents.entries)}"
        self.contents.entries.append((key, outline, 0))
        return [
            CondPageBreak(40 * mm),
            OutlineHeading(label, self.styles.heading1, key=key, outline=outline, level=0),
        ]

    def subheading(self, text: str) -> list[Any]:
        self.sub += 1
        outline = f"{self.number}.{self.sub} {text}"
        key = f"s{len(self.contents.entries)}"
        self.contents.entries.append((key, outline, 1))
        return [
            CondPageBreak(30 * mm),
            OutlineHeading(
                f"{self.number}.{self.sub}&nbsp;&nbsp;{markup(text)}",
                self.styles.heading2,
                key=key,
                outline=outline,
                level=1,
            ),
        ]

    def narrative(self, section: str) -> list[Any]:
        narrative = self.view.narratives.get(section)
        if narrative is None or not narrative.text.strip():
            return []
        style = self.styles.muted if narrative.is_template else self.styles.body
        return [self.p(block, style) for block in paragraphs_of(narrative.text)]

    def figure_table(self, table: FigureTable) -> list[Any]:
        styles = self.styles
        columns = self.view.columns
        value_width = 22 * mm
        label_width = CONTENT_WIDTH - value_width * len(columns)
        header = [self.p(markup(table.caption), styles.table_header)] + [
            self.p(f"<para alignment='right'>{markup(c)}</para>", styles.table_header)
            for c in columns
        ]
        rows: list[list[Any]] = []
        commands: list[tuple[Any, ...]] = []
        for i, row in enumerate(table.rows, start=1):
            indent = "&nbsp;" * 5 * row.level
            if not row.values:
                rows.append(
                    [self.p(f"<i>{markup(row.label)}</i>", styles.table_muted)]
                    + [""] * len(columns)
                )
                continue
            style = styles.table_body_bold if row.level == 0 else styles.table_body
            cells = [self.p(indent + markup(row.label), style)]
            for value in row.values:
                cells.append(self.p(f"<para alignment='right'>{value:,}</para>", style))
            cells += [""] * (len(columns) - len(row.values))
            rows.append(cells)
            if row.level == 0:
                commands.append(("BACKGROUND", (0, i), (-1, i), HIGHLIGHT_FILL))
        out = chunked_tables(
            header,
            rows,
            col_widths=[label_width] + [value_width] * len(columns),
            style=grid_table_style(banded=False),
        )
        for t in out:
            t.setStyle(TableStyle(commands))
            # The first column of this year's figures is the one a reader looks for.
            t.setStyle(TableStyle([("LINEBEFORE", (1, 0), (1, -1), 0.8, NAVY)]))
        return [*out, Spacer(1, 4 * mm)]

    def chart(self, chart: ChartData) -> list[Any]:
        return [bar_chart(chart.title, chart.bars, width=CONTENT_WIDTH), Spacer(1, 5 * mm)]

    def charts(self, *charts: ChartData) -> list[Any]:
        out: list[Any] = []
        for chart in charts:
            out += keep_whole(self.chart(chart))
        return out

    def listing(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> list[Any]:
        styles = self.styles
        head = [self.p(markup(h), styles.table_header) for h in header]
        body = [[self.p(markup(cell), styles.table_body) for cell in row] for row in rows]
        return [
            *chunked_tables(
                head,
                body,
                col_widths=fit_column_widths(widths, rows, header=header),
                style=grid_table_style(),
                max_rows=MAX_TABLE_ROWS,
            ),
            Spacer(1, 4 * mm),
        ]

    def none_line(self, text: str) -> Paragraph:
        return self.p(markup(text), self.styles.muted)

    # -- the document ---------------------------------------------------------------------

    def front(self) -> list[Any]:
        view, styles = self.view, self.styles
        story: list[Any] = [
            Spacer(1, 30 * mm),
            self.p("Annual report to the Board", styles.subtitle),
            self.p("Case Review and Governance group (CRAG)", styles.title),
            self.p(f"Reporting year {markup(view.period)}", styles.title),
            Spacer(1, 4 * mm),
            self.p(
                f"1 April {view.year} to 31 March {view.year + 1}. Figures as of "
                f"{uk_date(view.as_of)}, counted from the subgroup's records; each table "
                f"compares {markup(view.columns[0])} with the "
                f"{'two previous years' if len(view.columns) == 3 else 'previous years'}, "
                "and Appendix C lists the records behind every figure.",
                styles.body,
            ),
            Spacer(1, 10 * mm),
            self.p("Contents", styles.heading1),
        ]
        rows = []
        for key, text, level in self.contents.entries:
            indent = "&nbsp;" * 6 * level
            style = styles.table_body if level else styles.table_body_bold
            rows.append(
                [
                    self.p(f'{indent}<a href="#{key}">{markup(text)}</a>', style),
                    PageOfHeading(key, self.contents.pages, style),
                ]
            )
        if rows:
            table = Table(rows, colWidths=[CONTENT_WIDTH - 18 * mm, 18 * mm])
            table.setStyle(
                TableStyle(
                    [
                        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
        story.append(PageBreak())
        return story

    def body(self) -> list[Any]:
        story = self._context() + self._cases() + self._reviews() + self._learning()
        story += self._recommendations() + self._costs()
        story += self.heading("Conclusion")
        story += self.narrative("conclusion")
        return story

    def _context(self) -> list[Any]:
        """The introduction and the local and national context."""
        view = self.view
        story: list[Any] = []
        story += self.heading("Introduction")
        story += self.narrative("introduction")

        story += self.heading("Local context")
        story += self.narrative("local_context")
        if view.agencies_represented:
            story.append(
                self.p(
                    "Agencies represented on the subgroup: "
                    + ", ".join(markup(a) for a in view.agencies_represented)
                    + "."
                )
            )

        story += self.heading("National context")
        story += self.narrative("national_context")
        return story

    def _cases(self) -> list[Any]:
        """The cases considered, the methodologies, parallel processes and family contribution."""
        view = self.view
        story: list[Any] = []
        story += self.heading("Cases considered for review")
        story += self.narrative("cases_considered")
        story += keep_whole(self.figure_table(view.cases))
        story += self.charts(view.referrals_by_agency_chart, view.referral_outcomes_chart)

        story += self.heading("Review methodologies")
        story += self.narrative("methodologies")
        story += keep_whole(self.figure_table(view.methodologies))
        story += self.charts(view.methodologies_chart)

        story += self.heading("Parallel processes")
        story += self.narrative("parallel_processes")
        story += keep_whole(self.figure_table(view.parallel_processes))

        story += self.heading("Family contribution")
        story += self.narrative("family_contribution")
        story += keep_whole(self.figure_table(view.family_contribution))
        return story

    def _reviews(self) -> list[Any]:
        """The reviews worked on, their children and their safeguarding themes."""
        view = self.view
        story: list[Any] = []
        story += self.heading("Reviews: subject details and safeguarding themes")
        story += self.narrative("themes")
        story += keep_whole(self.figure_table(view.reviews))
        if view.reviews_worked_on:
            story += self.subheading("Reviews worked on")
            w = CONTENT_WIDTH
            story += self.listing(
                ("Review", "Type", "Methodology", "Status", "Commissioned", "Ended"),
                [
                    (
                        r.title,
                        r.type,
                        r.methodology,
                        r.status,
                        uk_date(r.commissioned_on),
                        uk_date(r.ended_on, missing="Continuing"),
                    )
                    for r in view.reviews_worked_on
                ],
                (w * 0.17, w * 0.15, w * 0.15, w * 0.17, w * 0.18, w * 0.18),
            )
        # A subheading travels with its table, never alone at a page foot.
        story += keep_whole(self.subheading("The children") + self.figure_table(view.children))
        story += self.charts(view.age_chart, view.sex_chart)
        story += keep_whole(self.subheading("Safeguarding themes") + self.figure_table(view.themes))
        story += self.charts(view.themes_chart)
        return story

    def _learning(self) -> list[Any]:
        """The learning points the reviews share, and learning from national reviews."""
        view = self.view
        story: list[Any] = []
        story += self.heading("Learning points in common")
        story += self.narrative("learning_points")
        if view.learning_points:
            shown = len(view.learning_points)
            story.append(
                self.p(
                    f"The {shown} learning point{'s' if shown != 1 else ''} carried by the most "
                    f"reviews worked on in {markup(view.period)}"
                    + (
                        f" (of {view.learning_points_total} recorded)"
                        if view.learning_points_total > shown
                        else ""
                    )
                    + ":"
                )
            )
            w = CONTENT_WIDTH
            story += self.listing(
                ("Rank", "Learning point", "Reviews"),
                [(str(lp.rank), lp.text, str(lp.reviews)) for lp in view.learning_points],
                (w * 0.08, w * 0.77, w * 0.15),
            )
        else:
            story.append(self.none_line("No learning points are linked to the reviews worked on."))

        story += self.heading("Learning from national reviews")
        story += self.narrative("national_learning")
        return story

    def _recommendations(self) -> list[Any]:
        """The recommendations, the overdue ones, and their outcomes."""
        view = self.view
        story: list[Any] = []
        story += self.heading("Recommendations and agency actions")
        story += self.narrative("recommendations")
        story += keep_whole(self.figure_table(view.recommendations))
        story += self.charts(view.recommendation_status_chart)
        story += self.subheading("Overdue recommendations")
        if view.overdue:
            w = CONTENT_WIDTH
            story += self.listing(
                ("Recommendation", "Lead agency", "Due", "Status", "Recommendation text"),
                [(o.code, o.lead_agency, uk_date(o.due), o.status, o.text) for o in view.overdue],
                (w * 0.15, w * 0.17, w * 0.14, w * 0.12, w * 0.42),
            )
        else:
            story.append(
                self.none_line(
                    f"No recommendation of the reviews published in {view.period} was past "
                    f"its due date on {uk_date(view.as_of)}."
                )
            )
        story += self.subheading("Outcomes")
        story += self.narrative("outcomes")
        return story

    def _costs(self) -> list[Any]:
        """What the reviews signed off in the year cost and how long they took."""
        view = self.view
        story: list[Any] = []
        story += self.heading("Costs and timeframes")
        story += self.narrative("costs")
        if view.timeframes:
            w = CONTENT_WIDTH
            rows = [
                (
                    t.title,
                    uk_date(t.commissioned_on),
                    uk_date(t.signed_off_on),
                    str(t.months),
                    t.against_aim,
                    t.against_local_range,
                    _money(t.cost_gbp),
                )
                for t in view.timeframes
            ]
            costs = [t.cost_gbp for t in view.timeframes if t.cost_gbp is not None]
            if costs:
                rows.append(("Total", "", "", "", "", "", _money(sum(costs, Decimal(0)))))
            story += self.listing(
                (
                    "Review",
                    "Commissioned",
                    "Signed off",
                    "Months",
                    "6-month aim",
                    "12-18 months",
                    "Cost",
                ),
                rows,
                (w * 0.19, w * 0.17, w * 0.15, w * 0.1, w * 0.13, w * 0.13, w * 0.13),
            )
        else:
            story.append(self.none_line(f"No review was signed off in {view.period}."))
        return story

    def appendices(self) -> list[Any]:
        view, styles = self.view, self.styles
        story: list[Any] = [PageBreak()]
        story += self.heading("Appendix A: the criteria", numbered=False)
        story.append(self.p(markup(view.criteria_note)))
        for criteria in view.criteria:
            story.append(
                self.p(
                    f"{markup(criteria.title)} (version {markup(criteria.version)})",
                    styles.heading2,
                )
            )
            story += [self.p(markup(text)) for text in criteria.paragraphs]

        story += self.heading(
            "Appendix B: published reviews and learning summaries", numbered=False
        )
        if view.published_reviews:
            w = CONTENT_WIDTH
            head = [
                self.p(h, styles.table_header) for h in ("Review", "Published", "Learning summary")
            ]
            body = [
                [
                    self.p(markup(r.title), styles.table_body),
                    self.p(uk_date(r.published_on), styles.table_body),
                    self.p(
                        f'<a href="{markup(r.link)}" color="#1F3A5F">{markup(r.link)}</a>'
                        if r.link
                        else "No learning summary recorded",
                        styles.table_body if r.link else styles.table_muted,
                    ),
                ]
                for r in view.published_reviews
            ]
            story += chunked_tables(
                head, body, col_widths=[w * 0.22, w * 0.18, w * 0.6], style=grid_table_style()
            )
        else:
            story.append(self.none_line(f"No review was published in {view.period}."))

        story += self.heading("Appendix C: the records behind each figure", numbered=False)
        story.append(
            self.p(
                "For every figure of this report for "
                f"{markup(view.period)}, the records it counts: referrals by their reference, "
                "reviews by their title, children by pseudonym and review, recommendations by "
                "review and number. A figure of 0 counts no records and is not listed."
            )
        )
        for group in view.sources:
            story.append(self.p(markup(group.heading), styles.heading2))
            for figure in group.figures:
                story += self.source_paragraphs(figure)

        story += self.heading("Glossary", numbered=False)
        if view.glossary:
            w = CONTENT_WIDTH
            story += chunked_tables(
                [self.p("Term", styles.table_header), self.p("Meaning", styles.table_header)],
                [
                    [
                        self.p(markup(term), styles.table_body_bold),
                        self.p(markup(meaning), styles.table_body),
                    ]
                    for term, meaning in view.glossary
                ],
                col_widths=[w * 0.2, w * 0.8],
                style=grid_table_style(),
            )
        return story

    def source_paragraphs(self, figure: FigureSource) -> list[Any]:
        records = figure.records
        head = f"<b>{markup(figure.label)}: {figure.count:,}</b>"
        if not records:
            return [self.p(head, self.styles.small)]
        out = []
        for start in range(0, len(records), REFERENCES_PER_PARAGRAPH):
            part = "; ".join(markup(r) for r in records[start : start + REFERENCES_PER_PARAGRAPH])
            out.append(self.p(f"{head} — {part}" if start == 0 else part, self.styles.small))
        return out

    def story(self) -> list[Any]:
        self.contents.entries.clear()
        self.number = 0
        # Body first, so the contents know every heading; the front goes before it.
        body = self.body() + self.appendices()
        return self.front() + body


def _money(value: Decimal | None) -> str:
    return "Not recorded" if value is None else f"£{value:,.0f}"


def render_annual_report(
    view: AnnualReportView, out: BinaryIO | Path, *, passphrase: str | None = None
) -> int:
    """Render the annual report to a stream or (atomically, 0600, protected when a
    passphrase is given) to a path; return its page count."""
    if isinstance(out, Path):
        pages = 0

        def render(stream: BinaryIO) -> None:
            nonlocal pages
            pages = render_annual_report(view, stream)

        write_pdf_atomically(out, render, passphrase=passphrase)
        return pages

    contents = _Contents()
    return build_document(
        out,
        _Builder(view, contents).story(),
        after_flowable=outline_hook(contents.pages),
        title=f"{TITLE} {view.period}",
        subject=f"Annual report of the Case Review and Governance group, {view.period}",
        generated_at=view.generated_at,
        footer_note=f"Reporting year {view.period} · figures as of {uk_date(view.as_of)}",
    )
