"""The view-model of the annual report to the Board: everything it prints, as plain
frozen values (built by `services.annual_report_contents`, rendered by
`reports.annual_report`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class FigureRow:
    """One line of a figure table: this year's count first, then each earlier year's.

    A row with no values is a group label; `level` 1 rows are a breakdown of the row above.
    """

    label: str
    values: tuple[int, ...] = ()
    level: int = 0


@dataclass(frozen=True)
class FigureTable:
    caption: str
    rows: tuple[FigureRow, ...]


@dataclass(frozen=True)
class ChartData:
    title: str
    bars: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Narrative:
    """A section's text for the year, or the template printed while none is written."""

    text: str
    is_template: bool


@dataclass(frozen=True)
class ReviewLine:
    title: str
    type: str
    methodology: str
    status: str
    commissioned_on: dt.date
    ended_on: dt.date | None


@dataclass(frozen=True)
class LearningPointLine:
    rank: int
    text: str
    reviews: int


@dataclass(frozen=True)
class OverdueLine:
    code: str
    lead_agency: str
    due: dt.date | None
    status: str
    text: str


@dataclass(frozen=True)
class TimeframeLine:
    title: str
    commissioned_on: dt.date
    signed_off_on: dt.date
    months: int
    cost_gbp: Decimal | None
    against_aim: str
    against_local_range: str


@dataclass(frozen=True)
class CriteriaText:
    title: str
    version: str
    paragraphs: tuple[str, ...]
    decisions: int


@dataclass(frozen=True)
class PublishedReview:
    title: str
    published_on: dt.date | None
    link: str


@dataclass(frozen=True)
class FigureSource:
    """A figure and the references of the records it counts."""

    label: str
    count: int
    records: tuple[str, ...]


@dataclass(frozen=True)
class SourceGroup:
    heading: str
    figures: tuple[FigureSource, ...]


@dataclass(frozen=True)
class AnnualReportView:
    """Everything the annual report prints; built by services.annual_report_contents."""

    year: int
    period: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    generated_at: dt.datetime
    operator: str
    #: Column headings of the figure tables: this year, then the earlier years compared.
    columns: tuple[str, ...]
    narratives: Mapping[str, Narrative]
    agencies_represented: tuple[str, ...]
    cases: FigureTable
    referrals_by_agency_chart: ChartData
    referral_outcomes_chart: ChartData
    methodologies: FigureTable
    methodologies_chart: ChartData
    parallel_processes: FigureTable
    family_contribution: FigureTable
    reviews: FigureTable
    reviews_worked_on: tuple[ReviewLine, ...]
    children: FigureTable
    age_chart: ChartData
    sex_chart: ChartData
    themes: FigureTable
    themes_chart: ChartData
    learning_points: tuple[LearningPointLine, ...]
    learning_points_total: int
    recommendations: FigureTable
    recommendation_status_chart: ChartData
    overdue: tuple[OverdueLine, ...]
    timeframes: tuple[TimeframeLine, ...]
    criteria: tuple[CriteriaText, ...]
    criteria_note: str
    published_reviews: tuple[PublishedReview, ...]
    sources: tuple[SourceGroup, ...]
    glossary: tuple[tuple[str, str], ...] = field(default_factory=tuple)
