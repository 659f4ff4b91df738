"""The annual report's definitions (design/annual-report.md), on small hand-built documents."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from crag_desktop.domain.records import (
    Agency,
    Child,
    CriteriaDecision,
    Document,
    FamilyContribution,
    LearningPoint,
    PanelLoop,
    ParallelProcess,
    Recommendation,
    Referral,
    Review,
)
from crag_desktop.domain.statistics import (
    age_band,
    annual_statistics,
    compute_annual_statistics,
    review_end,
    whole_months,
)
from crag_desktop.domain.vocabulary import (
    AgencyKind,
    AlternativeReviewType,
    DecidedOutcome,
    IncidentType,
    Methodology,
    MonitoringGroup,
    PanelResponse,
    ParallelProcessStatus,
    ParallelProcessType,
    RecommendationScope,
    RecommendationStatus,
    ReviewStatus,
    ReviewType,
    Sex,
    Theme,
)

START = date(2016, 4, 1)
END = date(2017, 3, 31)
AGENCIES = (
    Agency(id="pol", name="Police", kind=AgencyKind.POLICE),
    Agency(id="csc", name="Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE),
)

JSON_KEYS = {
    "year",
    "start",
    "end",
    "as_of",
    "referrals_received",
    "referrals_by_agency",
    "referral_outcomes",
    "panel_decisions_sent",
    "panel_contested",
    "reviews_worked_on",
    "statutory_reviews_worked_on",
    "reviews_by_status",
    "statutory_published_in_year",
    "methodologies",
    "children",
    "themes",
    "parallel_processes",
    "family_contribution",
    "learning_points",
    "recommendations",
    "timeframes",
}


def child(name: str = "Child X", *, years: int | None = 2, sex: Sex = Sex.FEMALE) -> Child:
    return Child(pseudonym=name, sex=sex, age_years=years, age_months=0 if years else None)


def decision(
    outcome: DecidedOutcome = DecidedOutcome.SCR,
    *,
    on: date = date(2016, 6, 14),
    panel: PanelLoop | None = None,
) -> CriteriaDecision:
    return CriteriaDecision(
        rule_set="WT2015",
        rule_set_version="2015.1",
        answers={},
        rules_outcome="insufficient_information",
        decided_outcome=outcome,
        alternative_review_type=(
            AlternativeReviewType.PARTNERSHIP
            if outcome == DecidedOutcome.ALTERNATIVE_REVIEW
            else None
        ),
        reason_if_different="hand-built",
        rationale="",
        decided_on=on,
        meeting=None,
        panel=panel or PanelLoop(),
    )


def referral(
    rid: str = "R1",
    *,
    received: date = date(2016, 5, 3),
    agency: str = "csc",
    children: tuple[Child, ...] = (),
    decided: CriteriaDecision | None = None,
) -> Referral:
    return Referral(
        id=rid,
        reference=rid,
        received=received,
        referring_agency=agency,
        case_name=rid,
        incident_date=None,
        incident_type=IncidentType.SERIOUS_HARM,
        children=children or (child(),),
        summary="",
        decision=decided,
    )


def review(
    vid: str = "V1",
    *,
    type_: ReviewType = ReviewType.SCR,
    commissioned: date = date(2016, 7, 1),
    signed_off: date | None = None,
    published: date | None = None,
    **fields: object,
) -> Review:
    base = Review(
        id=vid,
        referral=None,
        title=f"Review {vid}",
        type=type_,
        methodology=Methodology.REVIEWER_LED,
        status=ReviewStatus.ACTIVE,
        lead_reviewer="",
        commissioned_on=commissioned,
        signed_off_on=signed_off,
        published_on=published,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def recommendation(
    rid: str,
    review_id: str = "V1",
    *,
    due: date | None = date(2017, 9, 30),
    status: RecommendationStatus = RecommendationStatus.ON_TRACK,
    scope: RecommendationScope = RecommendationScope.MULTI_AGENCY,
    group: MonitoringGroup = MonitoringGroup.EXECUTIVE,
) -> Recommendation:
    return Recommendation(
        id=rid,
        review=review_id,
        number=1,
        text="",
        scope=scope,
        lead_agency="csc",
        monitoring_group=group,
        due=due,
        status=status,
    )


def stats(document: Document, *, as_of: date | None = None) -> dict[str, object]:
    return annual_statistics(document, 2016, as_of=as_of)


def test_empty_document_gives_every_key_with_zero_counts() -> None:
    result = stats(Document())
    assert set(result) == JSON_KEYS
    assert result["year"] == 2016
    assert (result["start"], result["end"], result["as_of"]) == (
        "2016-04-01",
        "2017-03-31",
        "2017-04-01",
    )
    assert result["referrals_received"] == 0
    assert result["referral_outcomes"] == {
        "scr_commissioned": 0,
        "alternative_review": 0,
        "no_further_action": 0,
        "pending": 0,
    }
    assert result["children"] == {"total": 0, "by_age_band": {}, "by_sex": {}}
    assert result["recommendations"] == {
        "total": 0,
        "multi_agency": 0,
        "by_status": {},
        "by_monitoring_group": {},
        "overdue": 0,
    }
    assert result["learning_points"] == []
    assert result["timeframes"] == []


def test_as_of_given_is_reported() -> None:
    assert stats(Document(), as_of=date(2017, 6, 30))["as_of"] == "2017-06-30"


def test_the_result_is_plain_json() -> None:
    document = Document(
        agencies=AGENCIES,
        referrals=(referral(decided=decision()),),
        reviews=(review(signed_off=date(2016, 12, 1), cost_gbp=Decimal("1234.50")),),
    )
    result = stats(document)
    assert json.loads(json.dumps(result)) == result


def test_referrals_received_counts_both_ends_of_the_year_and_nothing_outside() -> None:
    days = [date(2016, 3, 31), START, date(2016, 10, 1), END, date(2017, 4, 1)]
    document = Document(
        agencies=AGENCIES,
        referrals=tuple(referral(f"R{i}", received=d) for i, d in enumerate(days)),
    )
    assert stats(document)["referrals_received"] == 3


def test_referrals_by_agency_uses_the_agency_name() -> None:
    document = Document(
        agencies=AGENCIES,
        referrals=(
            referral("R1", agency="pol"),
            referral("R2", agency="csc"),
            referral("R3", agency="csc"),
            referral("R4", agency="csc", received=date(2015, 5, 1)),
        ),
    )
    assert stats(document)["referrals_by_agency"] == {"Children's Social Care": 2, "Police": 1}


def test_referral_outcomes_sum_to_referrals_received() -> None:
    document = Document(
        agencies=AGENCIES,
        referrals=(
            referral("R1", decided=decision(DecidedOutcome.SCR)),
            referral("R2", decided=decision(DecidedOutcome.LCSPR)),
            referral("R3", decided=decision(DecidedOutcome.ALTERNATIVE_REVIEW)),
            referral("R4", decided=decision(DecidedOutcome.NO_FURTHER_ACTION)),
            referral("R5"),
        ),
    )
    result = stats(document)
    assert result["referral_outcomes"] == {
        "scr_commissioned": 2,
        "alternative_review": 1,
        "no_further_action": 1,
        "pending": 1,
    }
    outcomes = result["referral_outcomes"]
    assert isinstance(outcomes, dict)
    assert sum(outcomes.values()) == result["referrals_received"] == 5


def test_a_decision_dated_after_as_of_counts_as_pending() -> None:
    late = referral("R1", decided=decision(on=date(2017, 4, 18)))
    on_the_day = referral("R2", decided=decision(on=date(2017, 4, 1)))
    document = Document(agencies=AGENCIES, referrals=(late, on_the_day))
    assert stats(document)["referral_outcomes"] == {
        "scr_commissioned": 1,
        "alternative_review": 0,
        "no_further_action": 0,
        "pending": 1,
    }
    later = stats(document, as_of=date(2017, 5, 1))["referral_outcomes"]
    assert isinstance(later, dict)
    assert later["scr_commissioned"] == 2
    assert later["pending"] == 0


def test_panel_counts_go_by_date_sent_and_date_of_contested_response() -> None:
    def panel(sent: date, response: PanelResponse, responded: date | None) -> CriteriaDecision:
        return decision(panel=PanelLoop(sent_on=sent, response=response, responded_on=responded))

    document = Document(
        agencies=AGENCIES,
        referrals=(
            # Sent last year, contested this year: contested counts, sent does not.
            referral(
                "R1",
                received=date(2015, 10, 1),
                decided=panel(date(2015, 12, 15), PanelResponse.CONTESTED, date(2016, 5, 10)),
            ),
            referral(
                "R2", decided=panel(date(2016, 6, 21), PanelResponse.AGREED, date(2016, 7, 1))
            ),
            referral("R3", decided=panel(date(2017, 3, 31), PanelResponse.PENDING, None)),
            # Contested, but the response came after the year.
            referral(
                "R4",
                decided=panel(date(2017, 1, 10), PanelResponse.CONTESTED, date(2017, 4, 3)),
            ),
            referral("R5", decided=panel(date(2017, 4, 1), PanelResponse.PENDING, None)),
        ),
    )
    result = stats(document)
    assert result["panel_decisions_sent"] == 3
    assert result["panel_contested"] == 1


def test_review_end_is_publication_or_sign_off_for_non_statutory_reviews() -> None:
    signed, published = date(2016, 9, 1), date(2016, 12, 1)
    assert review_end(review(signed_off=signed, published=published)) == published
    assert review_end(review(signed_off=signed)) is None
    for kind in (ReviewType.PARTNERSHIP, ReviewType.LEARNING, ReviewType.SINGLE_AGENCY):
        assert review_end(review(type_=kind, signed_off=signed)) == signed
        assert review_end(review(type_=kind, signed_off=signed, published=published)) == published
    assert review_end(review(type_=ReviewType.LCSPR, signed_off=signed)) is None


def test_reviews_worked_on() -> None:
    reviews = (
        # Worked on:
        review("ongoing", commissioned=date(2014, 1, 1)),
        review("published-in-year", published=date(2016, 9, 20)),
        review("published-on-first-day", commissioned=date(2015, 1, 1), published=START),
        review("commissioned-on-last-day", commissioned=END),
        review(
            "scr-signed-off-not-published",
            commissioned=date(2014, 1, 1),
            signed_off=date(2015, 6, 1),
        ),
        review(
            "partnership-signed-off-in-year",
            type_=ReviewType.PARTNERSHIP,
            commissioned=date(2015, 6, 1),
            signed_off=date(2016, 6, 1),
        ),
        # Not worked on:
        review("published-before", commissioned=date(2014, 1, 1), published=date(2016, 3, 31)),
        review("commissioned-after", commissioned=date(2017, 4, 1)),
        review(
            "partnership-signed-off-before",
            type_=ReviewType.PARTNERSHIP,
            commissioned=date(2014, 6, 1),
            signed_off=date(2016, 3, 1),
        ),
    )
    typed = compute_annual_statistics(Document(reviews=reviews), 2016)
    assert typed.worked_on == (
        "ongoing",
        "published-in-year",
        "published-on-first-day",
        "commissioned-on-last-day",
        "scr-signed-off-not-published",
        "partnership-signed-off-in-year",
    )
    result = typed.to_json()
    assert result["reviews_worked_on"] == 6
    assert result["statutory_reviews_worked_on"] == 5
    assert result["statutory_published_in_year"] == 2
    assert result["reviews_by_status"] == {"active": 5}
    assert result["methodologies"] == {"reviewer_led": 6}


def test_reviews_by_status_counts_only_statutory_reviews() -> None:
    document = Document(
        reviews=(
            review("V1", status=ReviewStatus.PUBLISHED, published=date(2016, 9, 1)),
            review("V2", type_=ReviewType.LCSPR, status=ReviewStatus.COMPLETED_PENDING_PARALLEL),
            review("V3", type_=ReviewType.LEARNING, status=ReviewStatus.COMMISSIONED),
        )
    )
    assert stats(document)["reviews_by_status"] == {
        "completed_pending_parallel": 1,
        "published": 1,
    }


def test_methodologies_count_every_review_worked_on() -> None:
    document = Document(
        reviews=(
            review("V1", methodology=Methodology.SCIE_SYSTEMS),
            review("V2", methodology=Methodology.WT2010),
            review("V3", type_=ReviewType.PARTNERSHIP, methodology=Methodology.WT2010),
            review("V4", methodology=Methodology.OTHER, commissioned=date(2017, 5, 1)),
        )
    )
    assert stats(document)["methodologies"] == {"scie_systems": 1, "wt2010": 2}


@pytest.mark.parametrize(
    ("years", "band"),
    [
        (0, "under_1"),
        (1, "1_to_3"),
        (3, "1_to_3"),
        (4, "4_to_9"),
        (9, "4_to_9"),
        (10, "10_to_17"),
        (17, "10_to_17"),
        (18, "18_plus"),
        (24, "18_plus"),
        (None, "unknown"),
    ],
)
def test_age_bands(years: int | None, band: str) -> None:
    assert age_band(child(years=years)) == band


def test_children_come_from_statutory_reviews_or_their_referrals() -> None:
    referrals = (
        referral("R1", children=(child("Child A", years=0), child("Child B", years=3))),
        referral("R2", children=(child("Child C", years=15, sex=Sex.MALE),)),
        referral("R3", children=(child("Child D", years=7),)),
    )
    document = Document(
        referrals=referrals,
        reviews=(
            # No children of its own: the referral's two count.
            review("V1", referral="R1"),
            # Its own children win over the referral's.
            review("V2", referral="R2", children=(child("Child E", years=None, sex=Sex.MALE),)),
            # Not statutory: not counted.
            review("V3", referral="R3", type_=ReviewType.PARTNERSHIP),
            # Statutory but not worked on in the year.
            review("V4", referral="R3", commissioned=date(2017, 6, 1)),
        ),
    )
    assert stats(document)["children"] == {
        "total": 3,
        "by_age_band": {"under_1": 1, "1_to_3": 1, "unknown": 1},
        "by_sex": {"female": 2, "male": 1},
    }


def test_themes_count_reviews_and_processes_count_processes() -> None:
    criminal = ParallelProcess(
        type=ParallelProcessType.CRIMINAL, status=ParallelProcessStatus.ONGOING
    )
    inquest = ParallelProcess(
        type=ParallelProcessType.INQUEST, status=ParallelProcessStatus.CONCLUDED
    )
    document = Document(
        reviews=(
            review(
                "V1",
                themes=(Theme.NEGLECT, Theme.NEGLECT, Theme.SELF_HARM),
                parallel_processes=(criminal, criminal),
            ),
            review(
                "V2",
                type_=ReviewType.LEARNING,
                themes=(Theme.NEGLECT,),
                parallel_processes=(inquest,),
            ),
            review("V3", themes=(Theme.ONLINE_SAFETY,), commissioned=date(2017, 4, 2)),
        )
    )
    result = stats(document)
    assert result["themes"] == {"neglect": 2, "self_harm": 1}
    assert result["parallel_processes"] == {"criminal": 2, "inquest": 1}


def test_family_contribution_counts_reviews_with_at_least_one() -> None:
    contribution = FamilyContribution(
        who="mother", facilitated_by="social worker", on=None, saw_report_before_publication=False
    )
    document = Document(
        reviews=(
            review("V1", family_contributions=(contribution, contribution)),
            review("V2", type_=ReviewType.PARTNERSHIP, family_contributions=(contribution,)),
            review("V3"),
            review("V4", family_contributions=(contribution,), commissioned=date(2018, 1, 1)),
        )
    )
    assert stats(document)["family_contribution"] == 2


def test_learning_points_are_ranked_by_reviews_then_id() -> None:
    document = Document(
        learning_points=(
            LearningPoint(id="lp1", text="one"),
            LearningPoint(id="lp2", text="two"),
            LearningPoint(id="lp3", text="three"),
            LearningPoint(id="lp4", text="never used"),
        ),
        reviews=(
            review("V1", learning_points=("lp3", "lp2", "lp2")),
            review("V2", learning_points=("lp3", "lp1")),
            review("V3", type_=ReviewType.PARTNERSHIP, learning_points=("lp3",)),
            review("V4", learning_points=("lp1", "lp1"), commissioned=date(2017, 4, 2)),
        ),
    )
    assert stats(document)["learning_points"] == [
        {"id": "lp3", "text": "three", "reviews": 3},
        {"id": "lp1", "text": "one", "reviews": 1},
        {"id": "lp2", "text": "two", "reviews": 1},
    ]


def test_recommendations_of_reviews_published_in_the_year() -> None:
    document = Document(
        reviews=(
            review("V1", published=date(2016, 9, 20)),
            review("V2", type_=ReviewType.PARTNERSHIP, published=date(2017, 3, 31)),
            review("V3", published=date(2016, 3, 31)),
            review("V4", type_=ReviewType.PARTNERSHIP, signed_off=date(2016, 10, 1)),
        ),
        recommendations=(
            recommendation("REC1", "V1", status=RecommendationStatus.COMPLETED),
            recommendation("REC2", "V1"),
            recommendation(
                "REC3",
                "V2",
                scope=RecommendationScope.SINGLE_AGENCY,
                group=MonitoringGroup.PAQA,
                status=RecommendationStatus.AT_RISK,
            ),
            # Published the year before, or signed off but not published: not counted.
            recommendation("REC4", "V3"),
            recommendation("REC5", "V4"),
        ),
    )
    assert stats(document)["recommendations"] == {
        "total": 3,
        "multi_agency": 2,
        "by_status": {"on_track": 1, "at_risk": 1, "completed": 1},
        "by_monitoring_group": {"executive": 2, "paqa": 1},
        "overdue": 0,
    }


def test_overdue_means_past_due_and_not_closed() -> None:
    past = date(2017, 3, 31)
    open_statuses = [
        RecommendationStatus.NOT_STARTED,
        RecommendationStatus.ON_TRACK,
        RecommendationStatus.AT_RISK,
        RecommendationStatus.OVERDUE,
    ]
    closed_statuses = [
        RecommendationStatus.COMPLETED,
        RecommendationStatus.VERIFIED,
        RecommendationStatus.IMPACT_EVIDENCED,
        RecommendationStatus.NOT_IMPLEMENTED,
    ]
    recs = [recommendation(f"open-{s}", due=past, status=s) for s in open_statuses]
    recs += [recommendation(f"closed-{s}", due=past, status=s) for s in closed_statuses]
    # Due on the as-of date is not yet past; no due date is never overdue.
    recs += [
        recommendation("due-on-as-of", due=date(2017, 4, 1)),
        recommendation("no-due", due=None),
    ]
    document = Document(
        reviews=(review("V1", published=date(2016, 9, 20)),), recommendations=tuple(recs)
    )
    typed = compute_annual_statistics(document, 2016)
    assert typed.recommendations.overdue == tuple(f"open-{s}" for s in open_statuses)
    assert stats(document)["recommendations"]["overdue"] == 4  # type: ignore[index]
    later = stats(document, as_of=date(2017, 4, 2))["recommendations"]
    assert later["overdue"] == 5  # type: ignore[index]


def test_whole_months_round_down() -> None:
    assert whole_months(date(2015, 5, 12), date(2016, 10, 18)) == 17
    assert whole_months(date(2015, 5, 12), date(2016, 10, 12)) == 17
    assert whole_months(date(2015, 5, 12), date(2016, 10, 11)) == 16
    assert whole_months(date(2016, 1, 31), date(2016, 2, 29)) == 0
    assert whole_months(date(2016, 1, 31), date(2016, 3, 31)) == 2
    assert whole_months(date(2016, 7, 1), date(2016, 7, 1)) == 0


def test_timeframes_list_reviews_signed_off_in_the_year() -> None:
    document = Document(
        reviews=(
            review(
                "V2",
                title="Child Q",
                commissioned=date(2015, 5, 12),
                signed_off=date(2016, 10, 18),
                published=date(2017, 1, 24),
                cost_gbp=Decimal("21000.00"),
            ),
            review(
                "V1",
                type_=ReviewType.PARTNERSHIP,
                commissioned=date(2016, 1, 4),
                signed_off=date(2016, 4, 1),
            ),
            review("V3", commissioned=date(2014, 8, 5), signed_off=date(2016, 1, 19)),
            review("V4", commissioned=date(2016, 1, 1), signed_off=date(2017, 4, 1)),
        )
    )
    assert stats(document)["timeframes"] == [
        {"review": "V1", "title": "Review V1", "months": 2, "cost_gbp": None},
        {"review": "V2", "title": "Child Q", "months": 17, "cost_gbp": 21000.0},
    ]


def test_typed_statistics_match_the_json() -> None:
    document = Document(
        agencies=AGENCIES,
        referrals=(referral("R1", agency="pol", decided=decision()),),
        reviews=(review("V1", referral="R1", published=date(2016, 9, 20)),),
        recommendations=(recommendation("REC1"),),
    )
    typed = compute_annual_statistics(document, 2016)
    assert typed.as_of == date(2017, 4, 1)
    assert typed.reviews_worked_on == 1
    assert typed.to_json() == stats(document)
