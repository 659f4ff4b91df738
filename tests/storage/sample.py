"""A small document that uses every field of every record (with awkward text)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from crag_desktop.domain.records import (
    ActionUpdate,
    Agency,
    AgencyAction,
    Child,
    ClockPause,
    CriteriaDecision,
    Document,
    FamilyContribution,
    InvitedAttendee,
    LearningEvent,
    LearningPoint,
    LearningSummary,
    Meeting,
    Member,
    PanelLoop,
    ParallelProcess,
    Recommendation,
    Referral,
    ReportText,
    Review,
)
from crag_desktop.domain.vocabulary import (
    AbuseCategory,
    AgencyKind,
    AlternativeReviewType,
    DecidedOutcome,
    IncidentType,
    LegalStatus,
    Methodology,
    MonitoringGroup,
    PanelResponse,
    ParallelProcessStatus,
    ParallelProcessType,
    RecommendationScope,
    RecommendationStatus,
    ReferralStatus,
    ReportSection,
    ReviewStatus,
    ReviewType,
    Sex,
    Theme,
)

#: Text that trips naive storage: quotes, NUL, right-to-left, zero-width, emoji, newlines.
AWKWARD = 'O\'Brien "quoted"; DROP TABLE x; -- \x00 \u202eRTL\u202c zero\u200bwidth 👶🏽\r\n line'


def rich_document(prefix: str = "") -> Document:
    """Every record type with every optional field both set and unset somewhere."""
    p = prefix
    child_a = Child(
        pseudonym=f"Child A {AWKWARD}",
        sex=Sex.FEMALE,
        age_years=2,
        age_months=11,
        disability_or_sen=True,
        legal_status=LegalStatus.CP_PLAN,
        ethnicity="White British",
    )
    child_b = Child(pseudonym="Child B", sex=Sex.UNKNOWN)
    decision = CriteriaDecision(
        rule_set="WT2015",
        rule_set_version="2015.1",
        answers={"abuse_or_neglect": "suspected", "child_died": False, "concerns": None},
        rules_outcome="scr_required",
        decided_outcome=DecidedOutcome.ALTERNATIVE_REVIEW,
        alternative_review_type=AlternativeReviewType.PARTNERSHIP,
        reason_if_different=AWKWARD,
        rationale="Rationale typed live",
        decided_on=date(2016, 6, 14),
        meeting=f"{p}mt1",
        panel=PanelLoop(
            sent_on=date(2016, 6, 20),
            response=PanelResponse.CONTESTED,
            responded_on=date(2016, 8, 1),
            board_reply="We keep our view",
        ),
        evidence={"abuse_or_neglect": "Police report 12/3", "child_died": "ñ é ü"},
        attendees=(f"{p}m2", f"{p}m1"),
        invited=(
            InvitedAttendee(name="Sam O'Neill", role="Allocated social worker, Oxfordshire CSC"),
            InvitedAttendee(name="Dr Ngozi Eze"),
        ),
    )
    return Document(
        agencies=(
            Agency(id=f"{p}tvp", name="Thames Valley Police", kind=AgencyKind.POLICE),
            Agency(
                id=f"{p}occ", name="Children's social care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE
            ),
        ),
        members=(
            Member(id=f"{p}m1", name="Chair Person", agency=f"{p}tvp", role="Chair"),
            Member(id=f"{p}m2", name="Zoë Member", agency=f"{p}occ"),
        ),
        learning_points=(
            LearningPoint(id=f"{p}lp2", text="Second in id order, first in the list"),
            LearningPoint(id=f"{p}lp1", text=AWKWARD),
        ),
        referrals=(
            Referral(
                id=f"{p}R2",
                reference="CRAG-2016-02",
                received=date(2016, 5, 3),
                referring_agency=f"{p}occ",
                case_name="Child A and Child B",
                incident_date=date(2016, 2, 29),
                incident_type=IncidentType.SERIOUS_HARM,
                children=(child_a, child_b),
                summary=AWKWARD,
                decision=decision,
                status=ReferralStatus.DECIDED,
                abuse_categories=(AbuseCategory.PHYSICAL, AbuseCategory.NEGLECT),
                learned_on=date(2016, 4, 28),
                notified_on=date(2016, 5, 1),
                notification_reference="SIN-123",
                clock_pauses=(
                    ClockPause(
                        clock="rapid_review",
                        paused_on=date(2016, 5, 10),
                        resumed_on=None,
                        reason="Trial",
                    ),
                    ClockPause(
                        clock="notification",
                        paused_on=date(2016, 5, 1),
                        resumed_on=date(2016, 5, 2),
                        reason="",
                    ),
                ),
            ),
            Referral(
                id=f"{p}R1",
                reference="CRAG-2016-01",
                received=date(2016, 4, 1),
                referring_agency=f"{p}tvp",
                case_name="Baby L",
                incident_date=None,
                incident_type=IncidentType.DEATH,
                children=(),
                summary="",
            ),
        ),
        reviews=(
            Review(
                id=f"{p}V1",
                referral=f"{p}R2",
                title="Child A and Child B",
                type=ReviewType.PARTNERSHIP,
                methodology=Methodology.SCIE_SYSTEMS,
                status=ReviewStatus.PUBLISHED,
                lead_reviewer="A Reviewer",
                commissioned_on=date(2016, 7, 1),
                tor_agreed_on=date(2016, 7, 20),
                signed_off_on=date(2017, 9, 1),
                published_on=date(2017, 10, 1),
                cost_gbp=Decimal("18500.50"),
                children=(child_b,),
                themes=(Theme.SELF_HARM, Theme.NEGLECT),
                parallel_processes=(
                    ParallelProcess(
                        type=ParallelProcessType.CRIMINAL,
                        status=ParallelProcessStatus.CONCLUDED,
                        started_on=date(2016, 5, 1),
                        concluded_on=date(2017, 3, 1),
                        notes="Trial concluded",
                    ),
                    ParallelProcess(
                        type=ParallelProcessType.INQUEST, status=ParallelProcessStatus.ONGOING
                    ),
                ),
                family_contributions=(
                    FamilyContribution(
                        who="mother",
                        facilitated_by="family liaison officer",
                        on=date(2016, 9, 1),
                        saw_report_before_publication=True,
                    ),
                    FamilyContribution(
                        who="father",
                        facilitated_by="",
                        on=None,
                        saw_report_before_publication=False,
                    ),
                ),
                learning_points=(f"{p}lp1", f"{p}lp2"),
                learning_summary=LearningSummary(published_on=None, link=""),
                draft_on=date(2017, 5, 1),
                clock_pauses=(
                    ClockPause(
                        clock="completion",
                        paused_on=date(2016, 8, 1),
                        resumed_on=date(2016, 9, 1),
                        reason="Inquest",
                    ),
                ),
            ),
            Review(
                id=f"{p}V2",
                referral=None,
                title="Baby L",
                type=ReviewType.SCR,
                methodology=Methodology.OTHER,
                status=ReviewStatus.ACTIVE,
                lead_reviewer="",
                commissioned_on=date(2015, 1, 1),
            ),
        ),
        recommendations=(
            Recommendation(
                id=f"{p}REC1",
                review=f"{p}V1",
                number=1,
                text="Do better",
                scope=RecommendationScope.MULTI_AGENCY,
                lead_agency=f"{p}occ",
                monitoring_group=MonitoringGroup.EXECUTIVE,
                due=date(2017, 9, 30),
                status=RecommendationStatus.NOT_IMPLEMENTED,
                reason_not_implemented="Funding",
                evidence_of_impact="Audit 2018",
                actions=(
                    AgencyAction(
                        id="A1",
                        owner_agency=f"{p}tvp",
                        description="Train staff",
                        due=date(2017, 3, 31),
                        updates=(
                            ActionUpdate(
                                on=date(2017, 1, 10),
                                status=RecommendationStatus.ON_TRACK,
                                note="Half done",
                                by=f"{p}m1",
                            ),
                            ActionUpdate(
                                on=date(2017, 1, 9),
                                status=RecommendationStatus.AT_RISK,
                                note="",
                                by=None,
                            ),
                        ),
                    ),
                    AgencyAction(
                        id="A0",
                        owner_agency=f"{p}occ",
                        description="Audit",
                        due=None,
                        monitoring_group=MonitoringGroup.EXECUTIVE,
                    ),
                ),
            ),
            Recommendation(
                id=f"{p}REC2",
                review=f"{p}V1",
                number=2,
                text="Another",
                scope=RecommendationScope.SINGLE_AGENCY,
                lead_agency=f"{p}tvp",
                monitoring_group=MonitoringGroup.PAQA,
                due=None,
                status=RecommendationStatus.NOT_STARTED,
                actions=(
                    # Same action id as under REC1: ids are unique per list only.
                    AgencyAction(id="A1", owner_agency=f"{p}tvp", description="x", due=None),
                ),
            ),
        ),
        meetings=(
            Meeting(
                id=f"{p}mt1",
                date=date(2016, 6, 14),
                attendees=(f"{p}m2", f"{p}m1"),
                referrals_considered=(f"{p}R2", f"{p}R1"),
                notes=AWKWARD,
                agenda="1. Apologies",
                apologies=(f"{p}m1",),
                quorate=False,
                declarations_of_interest="None",
            ),
            Meeting(id=f"{p}mt2", date=date(2016, 7, 1), attendees=(), referrals_considered=()),
        ),
        learning_events=(
            LearningEvent(
                id=f"{p}le1",
                date=date(2016, 11, 2),
                title="Event",
                reviews=(f"{p}V2", f"{p}V1"),
                attendance=60,
            ),
            LearningEvent(
                id=f"{p}le2", date=date(2017, 1, 2), title="", reviews=(), attendance=None
            ),
        ),
        report_texts=(
            ReportText(year=2016, section=ReportSection.INTRODUCTION, text=AWKWARD),
            ReportText(year=2015, section=ReportSection.CONCLUSION, text=""),
        ),
    )
