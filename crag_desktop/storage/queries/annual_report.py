"""Which records an annual report can count, chosen in SQL (portable SQLAlchemy Core).

The annual report counts a year and the years it is compared with; reading the whole
database for it meant every referral, review and recommendation ever recorded, with their
actions and updates. These SELECTs give the ids of the records that any figure of
design/annual-report.md can count for a day between `start` and `end`, a superset the
statistics then count exactly as the definitions say (tests hold the figures to those of
the whole database, year by year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, or_, select, union

from crag_desktop.domain.statistics import ENDS_AT_SIGN_OFF
from crag_desktop.storage import tables


@dataclass(frozen=True, slots=True)
class ReportRecords:
    """SELECTs of the ids of the referrals, reviews and recommendations a report reads."""

    referrals: Select[tuple[str]]
    reviews: Select[tuple[str]]
    recommendations: Select[tuple[str]]

    def selects(self) -> dict[str, Select[tuple[str]]]:
        """The SELECTs by the name `repositories.load_chosen` takes them."""
        return {
            "referrals": self.referrals,
            "reviews": self.reviews,
            "recommendations": self.recommendations,
        }


def annual_report_records(start: date, end: date) -> ReportRecords:
    """The records that any annual report figure of a reporting year between `start` and
    `end` (both inclusive) can count:

    - reviews worked on at some point in the span (commissioned by its end, not ended
      before its start), which includes those published or signed off in it;
    - referrals received in it, or decided in it, or sent to the National Panel or answered
      by it in it, and the referrals of those reviews (their children are counted when a
      review lists none of its own);
    - the recommendations of the reviews published in it.
    """
    review = tables.review.c
    ends_at_sign_off = [str(t) for t in ENDS_AT_SIGN_OFF]
    # A review's end (statistics.review_end) is its publication, else its sign-off for the
    # types that end there, else none: it is worked on in the span unless it ended before.
    not_ended_before = or_(
        review.published_on >= start,
        and_(
            review.published_on.is_(None),
            or_(
                review.type.not_in(ends_at_sign_off),
                review.signed_off_on.is_(None),
                review.signed_off_on >= start,
            ),
        ),
    )
    # Validation keeps sign-off and publication on or after commissioning and publication on
    # or after sign-off, so a review published or signed off in the span is worked on in it.
    reviews = select(review.id).where(review.commissioned_on <= end, not_ended_before)
    referral = tables.referral.c
    decision = tables.criteria_decision.c
    referrals = union(
        select(referral.id).where(referral.received.between(start, end)),
        select(decision.referral_id).where(
            or_(
                decision.decided_on.between(start, end),
                decision.panel_sent_on.between(start, end),
                decision.panel_responded_on.between(start, end),
            )
        ),
        select(review.referral_id).where(review.referral_id.is_not(None), review.id.in_(reviews)),
    )
    published = select(review.id).where(review.published_on.between(start, end))
    recommendation = tables.recommendation.c
    return ReportRecords(
        referrals=select(referrals.subquery().c[0]),
        reviews=reviews,
        recommendations=select(recommendation.id).where(recommendation.review_id.in_(published)),
    )
