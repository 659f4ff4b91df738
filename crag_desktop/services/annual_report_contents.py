"""What the annual report to the Board says: its figure tables (each year compared with
the two before), charts, review and learning lines, criteria texts and Appendix C's lists of
the records behind every figure, built from the records without a database.

`services.annual_report` reads the records and calls `build_annual_report_view`; the report
itself renders the view it returns.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from crag_desktop.domain.criteria import choose_rule_set, rule_set
from crag_desktop.domain.records import Document
from crag_desktop.domain.report_texts import (
    GLOSSARY,
    SECTIONS,
    period_label,
    template_text,
)
from crag_desktop.domain.statistics import (
    AGE_BANDS,
    REFERRAL_OUTCOMES,
    AnnualStatistics,
    FigureKey,
    compute_annual_statistics,
    recommendation_label,
)
from crag_desktop.domain.validation import FIRST_REPORT_YEAR
from crag_desktop.domain.vocabulary import (
    Methodology,
    MonitoringGroup,
    ParallelProcessType,
    RecommendationStatus,
    ReviewStatus,
    Sex,
    Theme,
)
from crag_desktop.reports.annual_report_view import (
    AnnualReportView,
    ChartData,
    CriteriaText,
    FigureRow,
    FigureSource,
    FigureTable,
    LearningPointLine,
    Narrative,
    OverdueLine,
    PublishedReview,
    ReviewLine,
    SourceGroup,
    TimeframeLine,
)

#: How many earlier years the figure tables compare the year with.
YEARS_COMPARED = 2
#: The report ranks this many common learning points (the seed's "ten most common").
TOP_LEARNING_POINTS = 10
#: Working Together's aim for completing a review, and the local range the seed reports.
AIM_MONTHS = 6
LOCAL_RANGE_MONTHS = (12, 18)

OUTCOME_LABELS = {
    "scr_commissioned": "Statutory review commissioned (SCR or LCSPR)",
    "alternative_review": "Criteria not met: another kind of review",
    "no_further_action": "No further action",
    "pending": "Pending a decision",
}
AGE_BAND_LABELS = {
    "under_1": "Under 1 year",
    "1_to_3": "1 to 3 years",
    "4_to_9": "4 to 9 years",
    "10_to_17": "10 to 17 years",
    "18_plus": "18 years and over",
    "unknown": "Age not recorded",
}


def _earlier_as_of(year: int, as_of: dt.date) -> dt.date:
    # An earlier year is shown as its own report would have shown it, never with knowledge
    # from after this report's as-of date.
    return min(dt.date(year + 1, 4, 1), as_of)


class _Figures:
    """Figure tables and the appendix entries of the same figures, from one set of keys."""

    def __init__(self, years: Sequence[AnnualStatistics]) -> None:
        self.years = years
        self.groups: list[SourceGroup] = []
        self._current: list[FigureSource] = []
        self._heading = ""

    def group(self, heading: str) -> None:
        self._close()
        self._heading = heading

    def _close(self) -> None:
        if self._current:
            self.groups.append(SourceGroup(self._heading, tuple(self._current)))
        self._current = []

    def finish(self) -> tuple[SourceGroup, ...]:
        self._close()
        return tuple(self.groups)

    def row(self, label: str, *key: str, level: int = 0) -> FigureRow:
        values = tuple(len(stats.counted(*key)) for stats in self.years)
        records = self.years[0].counted(*key)
        if records:
            self._current.append(FigureSource(label, len(records), records))
        return FigureRow(label, values, level)

    def keys_of(self, prefix: FigureKey, order: Iterable[str]) -> list[str]:
        """The codes under `prefix` that any compared year counts, in `order` first."""
        seen = {
            key[len(prefix)]
            for stats in self.years
            for key in stats.sources
            if key[: len(prefix)] == prefix and len(key) == len(prefix) + 1
        }
        ordered = [code for code in order if code in seen]
        # Codes outside the order (agency names) follow by this year's count, then name.
        rest = sorted(
            seen - set(ordered), key=lambda c: (-len(self.years[0].counted(*prefix, c)), c)
        )
        return ordered + rest

    def rows(
        self,
        prefix: FigureKey,
        order: Iterable[str],
        label: Callable[[str], str],
        *,
        level: int = 1,
    ) -> list[FigureRow]:
        return [
            self.row(label(code), *prefix, code, level=level)
            for code in self.keys_of(prefix, order)
        ]


def _chart(
    title: str,
    stats: AnnualStatistics,
    prefix: FigureKey,
    order: Iterable[str],
    label: Callable[[str], str],
) -> ChartData:
    bars = []
    for code in order:
        n = len(stats.counted(*prefix, code))
        if n:
            bars.append((label(code), n))
    return ChartData(title, tuple(bars))


def _label_of(
    vocabulary: type[Methodology]
    | type[ReviewStatus]
    | type[Sex]
    | type[Theme]
    | type[ParallelProcessType]
    | type[RecommendationStatus]
    | type[MonitoringGroup],
) -> Callable[[str], str]:
    codes = set(vocabulary.codes())
    return lambda code: vocabulary(code).label if code in codes else code


def _against_aim(months: int) -> str:
    if months <= AIM_MONTHS:
        return "Within"
    return f"{months - AIM_MONTHS} months over"


def _against_range(months: int) -> str:
    low, high = LOCAL_RANGE_MONTHS
    if months < low:
        return "Quicker"
    if months <= high:
        return "Within"
    return f"{months - high} months over"


def build_annual_report_view(
    document: Document,
    year: int,
    *,
    as_of: dt.date | None,
    now: dt.datetime,
    operator: str,
    this_year: AnnualStatistics | None = None,
) -> AnnualReportView:
    """The view of `document`'s annual report for `year` (no database needed); `this_year`
    is the year's figures when the caller has counted them already."""
    if this_year is None:
        this_year = compute_annual_statistics(document, year, as_of=as_of)
    as_of = this_year.as_of
    earlier = [
        compute_annual_statistics(document, y, as_of=_earlier_as_of(y, as_of))
        for y in range(year - 1, year - 1 - YEARS_COMPARED, -1)
        if y >= FIRST_REPORT_YEAR
    ]
    years = [this_year, *earlier]
    figures = _Figures(years)
    agencies = {a.id: a.name for a in document.agencies}
    reviews = {v.id: v for v in document.reviews}

    # 4. Cases considered.
    figures.group("4. Cases considered for review")
    cases_rows = [
        figures.row("Referrals received", "referrals_received"),
        *figures.rows(("referrals_by_agency",), (), lambda name: f"from {name}"),
        FigureRow("Outcome of those referrals"),
        *[
            figures.row(OUTCOME_LABELS[code], "referral_outcomes", code, level=1)
            for code in REFERRAL_OUTCOMES
        ],
        figures.row("Decisions sent to the National Panel", "panel_decisions_sent"),
        figures.row("Decisions the National Panel contested", "panel_contested"),
    ]
    cases = FigureTable("Referrals and decisions", tuple(cases_rows))

    # 5. Methodologies.
    figures.group("5. Review methodologies")
    methodology_label = _label_of(Methodology)
    methodologies = FigureTable(
        "Reviews worked on, by methodology",
        (
            figures.row("Reviews worked on (all types)", "reviews_worked_on"),
            *figures.rows(("methodologies",), Methodology.codes(), methodology_label),
        ),
    )

    # 6. Parallel processes.
    figures.group("6. Parallel processes")
    process_rows = figures.rows(
        ("parallel_processes",),
        ParallelProcessType.codes(),
        _label_of(ParallelProcessType),
        level=0,
    )
    parallel = FigureTable(
        "Parallel processes alongside the reviews worked on",
        tuple(process_rows) or (FigureRow("No parallel process recorded", (0,) * len(years)),),
    )

    # 7. Family contribution.
    figures.group("7. Family contribution")
    family = FigureTable(
        "Reviews worked on with a family contribution",
        (
            figures.row("Reviews with a family contribution", "family_contribution"),
            *figures.rows(
                ("family_contribution_by_facilitator",), (), lambda who: f"facilitated by {who}"
            ),
        ),
    )

    # 8. Reviews, children and themes.
    figures.group("8. Reviews worked on")
    review_rows = (
        figures.row("Reviews worked on (all types)", "reviews_worked_on"),
        figures.row("Statutory reviews worked on (SCR and LCSPR)", "statutory_reviews_worked_on"),
        *figures.rows(("reviews_by_status",), ReviewStatus.codes(), _label_of(ReviewStatus)),
        figures.row("Statutory reviews published in the year", "statutory_published_in_year"),
    )
    figures.group("8. The children")
    children_rows = (
        figures.row("Children (statutory reviews worked on)", "children", "total"),
        FigureRow("By age at the incident"),
        *figures.rows(("children", "by_age_band"), AGE_BANDS, AGE_BAND_LABELS.__getitem__),
        FigureRow("By sex"),
        *figures.rows(("children", "by_sex"), Sex.codes(), _label_of(Sex)),
    )
    figures.group("8. Safeguarding themes")
    theme_rows = figures.rows(("themes",), Theme.codes(), _label_of(Theme), level=0)

    # 9. Learning points (the table lists this year's, ranked; the appendix their reviews).
    figures.group("9. Learning points in common")
    for lp in this_year.learning_points[:TOP_LEARNING_POINTS]:
        figures.row(lp.text, "learning_points", lp.id)

    # 11. Recommendations.
    figures.group("11. Recommendations and agency actions")
    recommendation_rows = (
        figures.row("Recommendations of the reviews published", "recommendations", "total"),
        figures.row("of which multi-agency", "recommendations", "multi_agency", level=1),
        FigureRow("By status"),
        *figures.rows(
            ("recommendations", "by_status"),
            RecommendationStatus.codes(),
            _label_of(RecommendationStatus),
        ),
        FigureRow("By monitoring group"),
        *figures.rows(
            ("recommendations", "by_monitoring_group"),
            MonitoringGroup.codes(),
            _label_of(MonitoringGroup),
        ),
        figures.row("Past due and not completed", "recommendations", "overdue"),
    )

    # 12. Timeframes.
    figures.group("12. Costs and timeframes")
    figures.row("Reviews signed off in the year", "timeframes")

    narratives = {}
    texts = {t.section.value: t.text for t in document.report_texts if t.year == year}
    for info in SECTIONS:
        written = texts.get(info.section.value, "")
        narratives[info.section.value] = (
            Narrative(written, False)
            if written.strip()
            else Narrative(template_text(info.section, year), True)
        )

    member_agencies = dict.fromkeys(m.agency for m in document.members)
    represented = tuple(agencies.get(a, a) for a in member_agencies)

    worked_lines = tuple(
        ReviewLine(
            title=v.title,
            type=v.type.label,
            methodology=v.methodology.label,
            status=v.status.label,
            commissioned_on=v.commissioned_on,
            ended_on=v.published_on or (v.signed_off_on if not v.type.statutory else None),
        )
        for v in (reviews[i] for i in this_year.worked_on)
    )

    recommendations = {r.id: r for r in document.recommendations}
    overdue = tuple(
        OverdueLine(
            code=recommendation_label(rec, reviews),
            lead_agency=agencies.get(rec.lead_agency, rec.lead_agency),
            due=rec.due,
            status=rec.status.label,
            text=rec.text,
        )
        for rec in (recommendations[i] for i in this_year.recommendations.overdue)
    )

    start, end = this_year.start, this_year.end
    used = Counter(
        (r.decision.rule_set, r.decision.rule_set_version)
        for r in document.referrals
        if r.decision is not None and start <= r.decision.decided_on <= end
    )
    if used:
        criteria_note = (
            f"The criteria of the rule sets under which the subgroup's {sum(used.values())} "
            f"decision{'s' if sum(used.values()) != 1 else ''} of {period_label(year)} were made."
        )
        chosen = sorted(used)
    else:
        in_force = choose_rule_set(start).rule_set_id
        criteria_note = (
            f"No decision was recorded in {period_label(year)}; these are the criteria in "
            f"force when the year began."
        )
        chosen = [(in_force, rule_set(in_force).version)]
    criteria = []
    for rule_set_id, version in chosen:
        try:
            rs = rule_set(rule_set_id, version)
        except ValueError:
            continue
        criteria.append(
            CriteriaText(
                rs.title, rs.version, rs.statutory_text, used.get((rule_set_id, version), 0)
            )
        )

    published = tuple(
        PublishedReview(
            title=v.title,
            published_on=v.published_on,
            link=v.learning_summary.link if v.learning_summary is not None else "",
        )
        for v in sorted(document.reviews, key=lambda v: (v.published_on or end, v.id))
        if v.published_on is not None and start <= v.published_on <= end
    )

    lp_shown = this_year.learning_points[:TOP_LEARNING_POINTS]
    columns = tuple(period_label(stats.year) for stats in years)
    return AnnualReportView(
        year=year,
        period=period_label(year),
        start=start,
        end=end,
        as_of=as_of,
        generated_at=now,
        operator=operator,
        columns=columns,
        narratives=narratives,
        agencies_represented=represented,
        cases=cases,
        referrals_by_agency_chart=ChartData(
            "Referrals received, by referring agency",
            tuple(this_year.referrals_by_agency.items()),
        ),
        referral_outcomes_chart=_chart(
            "Referrals received, by outcome",
            this_year,
            ("referral_outcomes",),
            REFERRAL_OUTCOMES,
            OUTCOME_LABELS.__getitem__,
        ),
        methodologies=methodologies,
        methodologies_chart=_chart(
            "Reviews worked on, by methodology",
            this_year,
            ("methodologies",),
            Methodology.codes(),
            methodology_label,
        ),
        parallel_processes=parallel,
        family_contribution=family,
        reviews=FigureTable("Reviews worked on", review_rows),
        reviews_worked_on=worked_lines,
        children=FigureTable("Subject children", children_rows),
        age_chart=_chart(
            "Children, by age at the incident",
            this_year,
            ("children", "by_age_band"),
            AGE_BANDS,
            AGE_BAND_LABELS.__getitem__,
        ),
        sex_chart=_chart(
            "Children, by sex", this_year, ("children", "by_sex"), Sex.codes(), _label_of(Sex)
        ),
        themes=FigureTable(
            "Reviews worked on carrying each theme",
            tuple(theme_rows) or (FigureRow("No theme recorded", (0,) * len(years)),),
        ),
        themes_chart=_chart(
            "Safeguarding themes (reviews worked on)",
            this_year,
            ("themes",),
            Theme.codes(),
            _label_of(Theme),
        ),
        learning_points=tuple(
            LearningPointLine(rank, lp.text, lp.reviews) for rank, lp in enumerate(lp_shown, 1)
        ),
        learning_points_total=len(this_year.learning_points),
        recommendations=FigureTable("Recommendations", recommendation_rows),
        recommendation_status_chart=_chart(
            "Recommendations of the reviews published, by status",
            this_year,
            ("recommendations", "by_status"),
            RecommendationStatus.codes(),
            _label_of(RecommendationStatus),
        ),
        overdue=overdue,
        timeframes=tuple(
            TimeframeLine(
                title=t.title,
                commissioned_on=t.commissioned_on,
                signed_off_on=t.signed_off_on,
                months=t.months,
                cost_gbp=t.cost_gbp,
                against_aim=_against_aim(t.months),
                against_local_range=_against_range(t.months),
            )
            for t in this_year.timeframes
        ),
        criteria=tuple(criteria),
        criteria_note=criteria_note,
        published_reviews=published,
        sources=figures.finish(),
        glossary=GLOSSARY,
    )
