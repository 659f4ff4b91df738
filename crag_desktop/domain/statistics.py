"""The annual report's figures, computed from a whole document as a pure function.

Every definition follows design/annual-report.md ("Definitions") to the letter, so that the
PDF, the `--stats-json` file and the tests count the same things the same way. The typed
`AnnualStatistics` keeps a little more than the JSON (for example which reviews were worked
on and which recommendations are overdue) so the report can list them without recounting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crag_desktop.domain.records import Child, Document, Referral, Review
from crag_desktop.domain.vocabulary import (
    DecidedOutcome,
    Methodology,
    MonitoringGroup,
    PanelResponse,
    ParallelProcessType,
    RecommendationScope,
    RecommendationStatus,
    ReviewStatus,
    ReviewType,
    Sex,
    Theme,
    Vocabulary,
)

#: Age bands in the order the report prints them.
AGE_BANDS: tuple[str, ...] = ("under_1", "1_to_3", "4_to_9", "10_to_17", "18_plus", "unknown")

#: The four referral outcomes; always all present in the JSON so that they visibly sum up.
REFERRAL_OUTCOMES: tuple[str, ...] = (
    "scr_commissioned",
    "alternative_review",
    "no_further_action",
    "pending",
)

# Non-statutory reviews are often never published: for them sign-off is the end of the work.
_ENDS_AT_SIGN_OFF = frozenset(
    {ReviewType.PARTNERSHIP, ReviewType.LEARNING, ReviewType.SINGLE_AGENCY}
)


def reporting_period(year: int) -> tuple[date, date]:
    """The reporting year `year`: 1 April `year` to 31 March `year + 1`, both inclusive."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def review_end(review: Review) -> date | None:
    """When a review's work ended: its publication, or for a partnership, learning or
    single-agency review that is not published, its sign-off; None while it goes on."""
    if review.published_on is not None:
        return review.published_on
    if review.type in _ENDS_AT_SIGN_OFF:
        return review.signed_off_on
    return None


def is_worked_on(review: Review, start: date, end: date) -> bool:
    """True when the review was under way at some point between `start` and `end`."""
    finished = review_end(review)
    return review.commissioned_on <= end and (finished is None or finished >= start)


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from `start` to `end`, rounded down (31 Jan -> 28 Feb is 0)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def age_band(child: Child) -> str:
    """The report's age band for a child, by whole years at the incident."""
    years = child.age_years
    if years is None:
        return "unknown"
    if years < 1:
        return "under_1"
    if years <= 3:
        return "1_to_3"
    if years <= 9:
        return "4_to_9"
    if years <= 17:
        return "10_to_17"
    return "18_plus"


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningPointCount:
    """A catalogue learning point and how many reviews worked on carry it."""

    id: str
    text: str
    reviews: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Timeframe:
    """A review signed off in the year, with how long it took and what it cost."""

    review: str
    title: str
    commissioned_on: date
    signed_off_on: date
    months: int
    cost_gbp: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChildrenStatistics:
    """The subject children of the statutory reviews worked on."""

    total: int
    by_age_band: Mapping[str, int]
    by_sex: Mapping[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecommendationStatistics:
    """The recommendations of the reviews published in the year."""

    total: int
    multi_agency: int
    by_status: Mapping[str, int]
    by_monitoring_group: Mapping[str, int]
    #: Ids of the overdue recommendations, in document order: the report lists them.
    overdue: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnualStatistics:
    """Every figure of one year's annual report; `to_json` gives the stats JSON."""

    year: int
    start: date
    end: date
    as_of: date
    referrals_received: int
    referrals_by_agency: Mapping[str, int]
    referral_outcomes: Mapping[str, int]
    panel_decisions_sent: int
    panel_contested: int
    #: Ids of the reviews worked on, in document order (any type).
    worked_on: tuple[str, ...]
    statutory_reviews_worked_on: int
    reviews_by_status: Mapping[str, int]
    statutory_published_in_year: int
    methodologies: Mapping[str, int]
    children: ChildrenStatistics
    themes: Mapping[str, int]
    parallel_processes: Mapping[str, int]
    family_contribution: int
    learning_points: tuple[LearningPointCount, ...]
    recommendations: RecommendationStatistics
    timeframes: tuple[Timeframe, ...]

    @property
    def reviews_worked_on(self) -> int:
        """How many reviews of any type were worked on in the year."""
        return len(self.worked_on)

    def to_json(self) -> dict[str, object]:
        """The stats JSON of design/annual-report.md: plain dicts, lists, ints and strings."""
        return {
            "year": self.year,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "referrals_received": self.referrals_received,
            "referrals_by_agency": dict(self.referrals_by_agency),
            "referral_outcomes": dict(self.referral_outcomes),
            "panel_decisions_sent": self.panel_decisions_sent,
            "panel_contested": self.panel_contested,
            "reviews_worked_on": self.reviews_worked_on,
            "statutory_reviews_worked_on": self.statutory_reviews_worked_on,
            "reviews_by_status": dict(self.reviews_by_status),
            "statutory_published_in_year": self.statutory_published_in_year,
            "methodologies": dict(self.methodologies),
            "children": {
                "total": self.children.total,
                "by_age_band": dict(self.children.by_age_band),
                "by_sex": dict(self.children.by_sex),
            },
            "themes": dict(self.themes),
            "parallel_processes": dict(self.parallel_processes),
            "family_contribution": self.family_contribution,
            "learning_points": [
                {"id": lp.id, "text": lp.text, "reviews": lp.reviews} for lp in self.learning_points
            ],
            "recommendations": {
                "total": self.recommendations.total,
                "multi_agency": self.recommendations.multi_agency,
                "by_status": dict(self.recommendations.by_status),
                "by_monitoring_group": dict(self.recommendations.by_monitoring_group),
                "overdue": len(self.recommendations.overdue),
            },
            "timeframes": [
                {
                    "review": t.review,
                    "title": t.title,
                    "months": t.months,
                    "cost_gbp": None if t.cost_gbp is None else float(t.cost_gbp),
                }
                for t in self.timeframes
            ],
        }


def compute_annual_statistics(
    document: Document, year: int, *, as_of: date | None = None
) -> AnnualStatistics:
    """The typed figures for reporting year `year` (1 April `year` - 31 March `year + 1`).

    `as_of` defaults to 1 April `year + 1`; a decision dated after it counts as pending and
    only dues before it are past.
    """
    start, end = reporting_period(year)
    as_of = as_of if as_of is not None else date(year + 1, 4, 1)

    def in_year(day: date | None) -> bool:
        return day is not None and start <= day <= end

    agency_names = {agency.id: agency.name for agency in document.agencies}
    referrals_by_id = {referral.id: referral for referral in document.referrals}

    received = [r for r in document.referrals if in_year(r.received)]
    by_agency = Counter(agency_names.get(r.referring_agency, r.referring_agency) for r in received)
    outcomes = Counter(_referral_outcome(r, as_of) for r in received)

    decisions = [r.decision for r in document.referrals if r.decision is not None]
    panel_sent = sum(1 for d in decisions if in_year(d.panel.sent_on))
    panel_contested = sum(
        1
        for d in decisions
        if d.panel.response == PanelResponse.CONTESTED and in_year(d.panel.responded_on)
    )

    worked = [v for v in document.reviews if is_worked_on(v, start, end)]
    statutory = [v for v in worked if v.type.statutory]

    children = [child for v in statutory for child in _review_children(v, referrals_by_id)]

    lp_counts = Counter(lp for v in worked for lp in dict.fromkeys(v.learning_points))
    lp_text = {lp.id: lp.text for lp in document.learning_points}
    learning_points = tuple(
        LearningPointCount(id=lp, text=lp_text.get(lp, lp), reviews=count)
        for lp, count in sorted(lp_counts.items(), key=lambda item: (-item[1], item[0]))
    )

    published_ids = {v.id for v in document.reviews if in_year(v.published_on)}
    recommendations = [rec for rec in document.recommendations if rec.review in published_ids]
    overdue = tuple(
        rec.id
        for rec in recommendations
        if rec.due is not None and rec.due < as_of and not rec.status.closed
    )

    timeframes = tuple(
        Timeframe(
            review=v.id,
            title=v.title,
            commissioned_on=v.commissioned_on,
            signed_off_on=v.signed_off_on,
            months=whole_months(v.commissioned_on, v.signed_off_on),
            cost_gbp=v.cost_gbp,
        )
        for v in sorted(document.reviews, key=lambda v: (v.signed_off_on or end, v.id))
        if v.signed_off_on is not None and in_year(v.signed_off_on)
    )

    return AnnualStatistics(
        year=year,
        start=start,
        end=end,
        as_of=as_of,
        referrals_received=len(received),
        referrals_by_agency=dict(sorted(by_agency.items(), key=lambda item: (-item[1], item[0]))),
        referral_outcomes={key: outcomes[key] for key in REFERRAL_OUTCOMES},
        panel_decisions_sent=panel_sent,
        panel_contested=panel_contested,
        worked_on=tuple(v.id for v in worked),
        statutory_reviews_worked_on=len(statutory),
        reviews_by_status=_by_code(ReviewStatus, (v.status for v in statutory)),
        statutory_published_in_year=sum(1 for v in statutory if in_year(v.published_on)),
        methodologies=_by_code(Methodology, (v.methodology for v in worked)),
        children=ChildrenStatistics(
            total=len(children),
            by_age_band=_in_order(AGE_BANDS, Counter(age_band(c) for c in children)),
            by_sex=_by_code(Sex, (c.sex for c in children)),
        ),
        themes=_by_code(Theme, (t for v in worked for t in dict.fromkeys(v.themes))),
        parallel_processes=_by_code(
            ParallelProcessType, (p.type for v in worked for p in v.parallel_processes)
        ),
        family_contribution=sum(1 for v in worked if v.family_contributions),
        learning_points=learning_points,
        recommendations=RecommendationStatistics(
            total=len(recommendations),
            multi_agency=sum(
                1 for rec in recommendations if rec.scope == RecommendationScope.MULTI_AGENCY
            ),
            by_status=_by_code(RecommendationStatus, (rec.status for rec in recommendations)),
            by_monitoring_group=_by_code(
                MonitoringGroup, (rec.monitoring_group for rec in recommendations)
            ),
            overdue=overdue,
        ),
        timeframes=timeframes,
    )


def annual_statistics(
    document: Document, year: int, *, as_of: date | None = None
) -> dict[str, object]:
    """The stats JSON of design/annual-report.md for reporting year `year`, as of `as_of`
    (default 1 April `year + 1`)."""
    return compute_annual_statistics(document, year, as_of=as_of).to_json()


def _referral_outcome(referral: Referral, as_of: date) -> str:
    # A decision recorded after the as-of date had not been made on that date.
    decision = referral.decision
    if decision is None or decision.decided_on > as_of:
        return "pending"
    if decision.decided_outcome in (DecidedOutcome.SCR, DecidedOutcome.LCSPR):
        return "scr_commissioned"
    if decision.decided_outcome == DecidedOutcome.ALTERNATIVE_REVIEW:
        return "alternative_review"
    return "no_further_action"


def _review_children(review: Review, referrals: Mapping[str, Referral]) -> tuple[Child, ...]:
    if review.children:
        return review.children
    referral = referrals.get(review.referral) if review.referral is not None else None
    return referral.children if referral is not None else ()


def _by_code(vocabulary: type[Vocabulary], values: Iterable[str]) -> dict[str, int]:
    """Counts keyed by code, in the vocabulary's declaration order, zero counts left out."""
    return _in_order(vocabulary.codes(), Counter(str(value) for value in values))


def _in_order(keys: Iterable[str], counts: Counter[str]) -> dict[str, int]:
    ordered = {key: counts[key] for key in keys if counts[key]}
    # A code outside the vocabulary cannot come from a valid document, but never drop it.
    ordered.update({key: n for key, n in counts.items() if key not in ordered and n})
    return ordered
