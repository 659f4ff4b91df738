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

from crag_desktop.domain.records import Child, Document, Recommendation, Referral, Review
from crag_desktop.domain.tracker import recommendation_code
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

#: Review types whose work ends at sign-off when they are not published: non-statutory
#: reviews are often never published.
ENDS_AT_SIGN_OFF = frozenset(
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
    if review.type in ENDS_AT_SIGN_OFF:
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
        # A baby is often recorded by months alone ("5 months"): that is 0 whole years.
        return "unknown" if child.age_months is None else "under_1"
    if years < 1:
        return "under_1"
    if years <= 3:
        return "1_to_3"
    if years <= 9:
        return "4_to_9"
    if years <= 17:
        return "10_to_17"
    return "18_plus"


#: A figure's place in the stats JSON, e.g. ("referral_outcomes", "pending").
FigureKey = tuple[str, ...]


def referral_label(referral: Referral) -> str:
    """How the report names a referral when it lists what a figure counts."""
    return referral.reference


def review_label(review: Review) -> str:
    """How the report names a review when it lists what a figure counts."""
    return review.title


def recommendation_label(recommendation: Recommendation, reviews: Mapping[str, Review]) -> str:
    """A recommendation's code as the tracker prints it: review title and number, "Baby L R3"."""
    review = reviews.get(recommendation.review)
    title = review.title if review is not None else recommendation.review
    return recommendation_code(title, recommendation.number)


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
    #: For every figure, the records it counts (by reference, title or code), so that the
    #: report's appendix lets a Board member check any number; one entry per thing counted.
    sources: Mapping[FigureKey, tuple[str, ...]]

    def counted(self, *key: str) -> tuple[str, ...]:
        """The records figure `key` counts; empty when it counts none."""
        return self.sources.get(tuple(key), ())

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


class _Tally:
    """Each figure counted once, as the list of the labels of what it counts: the count is
    the list's length, so the figure and the appendix that lists its records never differ."""

    def __init__(self, start: date, end: date) -> None:
        self.start = start
        self.end = end
        self.sources: dict[FigureKey, list[str]] = {}

    def in_year(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end

    def count(self, key: FigureKey, label: str) -> None:
        self.sources.setdefault(key, []).append(label)

    def n(self, *key: str) -> int:
        return len(self.sources.get(key, ()))

    def by(self, prefix: FigureKey, order: Iterable[str]) -> dict[str, int]:
        counts = Counter(
            {key[-1]: len(labels) for key, labels in self.sources.items() if key[:-1] == prefix}
        )
        return _in_order(order, counts)

    def largest_first(self, kind: str) -> list[tuple[str, int]]:
        """The figures under `kind` by what they count, largest first, then by name."""
        found = ((key[-1], len(labels)) for key, labels in self.sources.items() if key[0] == kind)
        return sorted(found, key=lambda item: (-item[1], item[0]))


def compute_annual_statistics(
    document: Document, year: int, *, as_of: date | None = None
) -> AnnualStatistics:
    """The typed figures for reporting year `year` (1 April `year` - 31 March `year + 1`).

    `as_of` defaults to 1 April `year + 1`; a decision dated after it counts as pending and
    only dues before it are past.
    """
    start, end = reporting_period(year)
    as_of = as_of if as_of is not None else date(year + 1, 4, 1)
    tally = _Tally(start, end)
    _count_referrals(tally, document, as_of)
    _count_panel(tally, document)
    worked = [v for v in document.reviews if is_worked_on(v, start, end)]
    referrals_by_id = {referral.id: referral for referral in document.referrals}
    for review in worked:
        _count_review(tally, review, referrals_by_id)
    overdue = _count_recommendations(tally, document, as_of)
    timeframes = _timeframes(tally, document)
    lp_text = {lp.id: lp.text for lp in document.learning_points}
    return AnnualStatistics(
        year=year,
        start=start,
        end=end,
        as_of=as_of,
        referrals_received=tally.n("referrals_received"),
        referrals_by_agency=dict(tally.largest_first("referrals_by_agency")),
        referral_outcomes={key: tally.n("referral_outcomes", key) for key in REFERRAL_OUTCOMES},
        panel_decisions_sent=tally.n("panel_decisions_sent"),
        panel_contested=tally.n("panel_contested"),
        worked_on=tuple(v.id for v in worked),
        statutory_reviews_worked_on=tally.n("statutory_reviews_worked_on"),
        reviews_by_status=tally.by(("reviews_by_status",), ReviewStatus.codes()),
        statutory_published_in_year=tally.n("statutory_published_in_year"),
        methodologies=tally.by(("methodologies",), Methodology.codes()),
        children=ChildrenStatistics(
            total=tally.n("children", "total"),
            by_age_band=tally.by(("children", "by_age_band"), AGE_BANDS),
            by_sex=tally.by(("children", "by_sex"), Sex.codes()),
        ),
        themes=tally.by(("themes",), Theme.codes()),
        parallel_processes=tally.by(("parallel_processes",), ParallelProcessType.codes()),
        family_contribution=tally.n("family_contribution"),
        learning_points=tuple(
            LearningPointCount(id=lp, text=lp_text.get(lp, lp), reviews=reviews)
            for lp, reviews in tally.largest_first("learning_points")
        ),
        recommendations=RecommendationStatistics(
            total=tally.n("recommendations", "total"),
            multi_agency=tally.n("recommendations", "multi_agency"),
            by_status=tally.by(("recommendations", "by_status"), RecommendationStatus.codes()),
            by_monitoring_group=tally.by(
                ("recommendations", "by_monitoring_group"), MonitoringGroup.codes()
            ),
            overdue=tuple(overdue),
        ),
        timeframes=timeframes,
        sources={key: tuple(labels) for key, labels in tally.sources.items()},
    )


def _count_referrals(tally: _Tally, document: Document, as_of: date) -> None:
    agency_names = {agency.id: agency.name for agency in document.agencies}
    for referral in document.referrals:
        if not tally.in_year(referral.received):
            continue
        label = referral_label(referral)
        agency = agency_names.get(referral.referring_agency, referral.referring_agency)
        tally.count(("referrals_received",), label)
        tally.count(("referrals_by_agency", agency), label)
        tally.count(("referral_outcomes", _referral_outcome(referral, as_of)), label)


def _count_panel(tally: _Tally, document: Document) -> None:
    for referral in document.referrals:
        decision = referral.decision
        if decision is None:
            continue
        if tally.in_year(decision.panel.sent_on):
            tally.count(("panel_decisions_sent",), referral_label(referral))
        if decision.panel.response == PanelResponse.CONTESTED and tally.in_year(
            decision.panel.responded_on
        ):
            tally.count(("panel_contested",), referral_label(referral))


def _count_review(tally: _Tally, review: Review, referrals_by_id: Mapping[str, Referral]) -> None:
    """A review worked on in the year: what it is about, and (statutory) its children."""
    label = review_label(review)
    tally.count(("reviews_worked_on",), label)
    tally.count(("methodologies", str(review.methodology)), label)
    for theme in dict.fromkeys(review.themes):
        tally.count(("themes", str(theme)), label)
    for process in review.parallel_processes:
        tally.count(("parallel_processes", str(process.type)), label)
    if review.family_contributions:
        tally.count(("family_contribution",), label)
    # Not in the stats JSON: the report's breakdown of those reviews by facilitator.
    for facilitator in dict.fromkeys(c.facilitated_by for c in review.family_contributions):
        tally.count(("family_contribution_by_facilitator", facilitator), label)
    for point in dict.fromkeys(review.learning_points):
        tally.count(("learning_points", point), label)
    if review.type.statutory:
        _count_statutory_review(tally, review, label, referrals_by_id)


def _count_statutory_review(
    tally: _Tally, review: Review, label: str, referrals_by_id: Mapping[str, Referral]
) -> None:
    tally.count(("statutory_reviews_worked_on",), label)
    tally.count(("reviews_by_status", str(review.status)), label)
    if tally.in_year(review.published_on):
        tally.count(("statutory_published_in_year",), label)
    for child in _review_children(review, referrals_by_id):
        child_label = f"{child.pseudonym} ({label})"
        tally.count(("children", "total"), child_label)
        tally.count(("children", "by_age_band", age_band(child)), child_label)
        tally.count(("children", "by_sex", str(child.sex)), child_label)


def _count_recommendations(tally: _Tally, document: Document, as_of: date) -> list[str]:
    """Count the recommendations of reviews published in the year; the overdue ones' ids."""
    reviews_by_id = {review.id: review for review in document.reviews}
    published_ids = {v.id for v in document.reviews if tally.in_year(v.published_on)}
    overdue: list[str] = []
    for rec in document.recommendations:
        if rec.review not in published_ids:
            continue
        label = recommendation_label(rec, reviews_by_id)
        tally.count(("recommendations", "total"), label)
        if rec.scope == RecommendationScope.MULTI_AGENCY:
            tally.count(("recommendations", "multi_agency"), label)
        tally.count(("recommendations", "by_status", str(rec.status)), label)
        tally.count(("recommendations", "by_monitoring_group", str(rec.monitoring_group)), label)
        if rec.due is not None and rec.due < as_of and not rec.status.closed:
            tally.count(("recommendations", "overdue"), label)
            overdue.append(rec.id)
    return overdue


def _timeframes(tally: _Tally, document: Document) -> tuple[Timeframe, ...]:
    """How long each review signed off in the year took, in the order they were signed off."""
    timeframes = tuple(
        Timeframe(
            review=v.id,
            title=v.title,
            commissioned_on=v.commissioned_on,
            signed_off_on=v.signed_off_on,
            months=whole_months(v.commissioned_on, v.signed_off_on),
            cost_gbp=v.cost_gbp,
        )
        for v in sorted(document.reviews, key=lambda v: (v.signed_off_on or tally.end, v.id))
        if v.signed_off_on is not None and tally.in_year(v.signed_off_on)
    )
    for timeframe in timeframes:
        tally.count(("timeframes",), timeframe.title)
    return timeframes


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


def _in_order(keys: Iterable[str], counts: Counter[str]) -> dict[str, int]:
    ordered = {key: counts[key] for key in keys if counts[key]}
    # A code outside the vocabulary cannot come from a valid document, but never drop it.
    ordered.update({key: n for key, n in counts.items() if key not in ordered and n})
    return ordered
