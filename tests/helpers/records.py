"""Records for hand-built datasets: each builder fills in every field a test does not care
about, so that a test names only what it is about."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from crag_desktop.domain import criteria
from crag_desktop.domain import vocabulary as v
from crag_desktop.domain.records import Child, CriteriaDecision, Recommendation, Referral, Review


def a_decision(**changes: object) -> CriteriaDecision:
    """A Working Together 2015 decision for a serious case review, made on 14 June 2016
    with no answers recorded (`changes` replace any field)."""
    base = CriteriaDecision(
        rule_set="WT2015",
        rule_set_version="2015.1",
        answers={},
        rules_outcome="insufficient_information",
        decided_outcome=v.DecidedOutcome.SCR,
        alternative_review_type=None,
        reason_if_different=None,
        rationale="",
        decided_on=date(2016, 6, 14),
        meeting=None,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def a_rules_decision(
    answers: dict[str, str | bool | None], *, rule_set: str = "WT2015", **changes: object
) -> CriteriaDecision:
    """`a_decision` on `answers`, with the rules outcome the rule set gives them unless
    `changes` say otherwise."""
    result = criteria.evaluate(rule_set, answers)
    ruled = {"rule_set_version": result.version, "rules_outcome": result.outcome}
    return a_decision(rule_set=rule_set, answers=answers, **{**ruled, **changes})


def a_child(**changes: object) -> Child:
    """Child Q, a girl of two years and three months (`changes` replace any field)."""
    base = Child(pseudonym="Child Q", sex=v.Sex.FEMALE, age_years=2, age_months=3)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def a_referral(key: str = "R1", **changes: object) -> Referral:
    """Referral `key`: Child Q's death on 20 April 2016, referred by Thames Valley Police on
    3 May 2016 as CRAG-2016-01, not yet decided (`changes` replace any field)."""
    base = Referral(
        id=key,
        reference="CRAG-2016-01",
        received=date(2016, 5, 3),
        referring_agency="tvp",
        case_name="Child Q",
        incident_date=date(2016, 4, 20),
        incident_type=v.IncidentType.DEATH,
        children=(a_child(),),
        summary="Summary.",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def a_review(key: str = "V1", **changes: object) -> Review:
    """Review `key`: the active, reviewer-led serious case review of referral R1 (Child Q),
    commissioned on 1 July 2016 (`changes` replace any field)."""
    base = Review(
        id=key,
        referral="R1",
        title="Child Q",
        type=v.ReviewType.SCR,
        methodology=v.Methodology.REVIEWER_LED,
        status=v.ReviewStatus.ACTIVE,
        lead_reviewer="A Reviewer",
        commissioned_on=date(2016, 7, 1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def a_recommendation(key: str = "REC1", **changes: object) -> Recommendation:
    """Recommendation `key`: review V1's first, multi-agency, led by Thames Valley Police for
    the executive group, due 30 September 2017, on track (`changes` replace any field)."""
    base = Recommendation(
        id=key,
        review="V1",
        number=1,
        text="Partners should ...",
        scope=v.RecommendationScope.MULTI_AGENCY,
        lead_agency="tvp",
        monitoring_group=v.MonitoringGroup.EXECUTIVE,
        due=date(2017, 9, 30),
        status=v.RecommendationStatus.ON_TRACK,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def keyed_referral(key: str, **changes: object) -> Referral:
    """Referral `key` ("P1": reference CRAG-2023-P1, case Child P1), received 2 January
    2024 from children's social care, still only received."""
    base = Referral(
        id=key,
        reference=f"CRAG-2023-{key}",
        received=date(2024, 1, 2),
        referring_agency="csc",
        case_name=f"Child {key}",
        incident_date=None,
        incident_type=v.IncidentType.SERIOUS_HARM,
        children=(Child(pseudonym=f"Child {key}", sex=v.Sex.FEMALE),),
        summary="",
        status=v.ReferralStatus.RECEIVED,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def keyed_review(key: str, commissioned_on: date, status: v.ReviewStatus) -> Review:
    """Review `key` (titled "Review V1"), a reviewer-led LCSPR of no referral."""
    return Review(
        id=key,
        referral=None,
        title=f"Review {key}",
        type=v.ReviewType.LCSPR,
        methodology=v.Methodology.REVIEWER_LED,
        status=status,
        lead_reviewer="A Reviewer",
        commissioned_on=commissioned_on,
    )


def keyed_recommendation(
    key: str, due: date | None, status: v.RecommendationStatus
) -> Recommendation:
    """Recommendation `key` ("REC4" is number 4) of review V1, led by children's social care."""
    return Recommendation(
        id=key,
        review="V1",
        number=int(key[3:]),
        text="Share information",
        scope=v.RecommendationScope.MULTI_AGENCY,
        lead_agency="csc",
        monitoring_group=v.MonitoringGroup.EXECUTIVE,
        due=due,
        status=status,
    )


def minimal_document() -> dict[str, Any]:
    """An interchange document with only what interchange.md requires at the top level."""
    return {
        "format": "crag-desktop",
        "version": 1,
        "agencies": [],
        "members": [],
        "learning_points": [],
        "referrals": [],
        "reviews": [],
        "recommendations": [],
        "meetings": [],
        "report_texts": [],
    }
