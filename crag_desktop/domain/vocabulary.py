"""The secretariat's vocabularies: every coded value the records use, with its label.

The codes are the interchange format's (version 1); the labels are what screens and
printed reports show. Keep both here so that a label is never spelled twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar


class Vocabulary(StrEnum):
    """A coded value with a human label; the label defaults to the code made readable."""

    @property
    def label(self) -> str:
        """The wording shown to the secretariat."""
        # Keyed by class too: StrEnum members equal their codes, and codes repeat across
        # vocabularies ("neglect" is a theme and an abuse category, labelled differently).
        return _LABELS.get((type(self), self.value), self.value.replace("_", " ").capitalize())

    @classmethod
    def codes(cls) -> list[str]:
        """Every code, in declaration order."""
        return [m.value for m in cls]


_V = TypeVar("_V", bound=Vocabulary)


def by_code(vocabulary: type[_V]) -> Mapping[str, _V]:
    """Each member of `vocabulary` by its code, for reading codes in bulk: a dict lookup is
    several times faster than calling the enum, and an import or an export reads a code for
    every choice of every record (235,000 for 20,000 referrals). A code that is not one of
    the vocabulary's raises KeyError."""
    return {member.value: member for member in vocabulary}


class AgencyKind(Vocabulary):
    POLICE = "police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    LEGAL = "legal"
    HEALTH_COMMISSIONER = "health_commissioner"
    HEALTH_PROVIDER = "health_provider"
    EDUCATION = "education"
    PROBATION = "probation"
    OTHER = "other"


class IncidentType(Vocabulary):
    DEATH = "death"
    SUSPECTED_SUICIDE = "suspected_suicide"
    SERIOUS_HARM = "serious_harm"
    OTHER = "other"


class AbuseCategory(Vocabulary):
    NEGLECT = "neglect"
    PHYSICAL = "physical"
    EMOTIONAL = "emotional"
    SEXUAL = "sexual"


class Sex(Vocabulary):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class LegalStatus(Vocabulary):
    CP_PLAN = "cp_plan"
    CHILD_IN_NEED = "child_in_need"
    LOOKED_AFTER = "looked_after"
    CARE_LEAVER = "care_leaver"
    NONE = "none"
    UNKNOWN = "unknown"


class ReferralStatus(Vocabulary):
    RECEIVED = "received"
    GATHERING_INFORMATION = "gathering_information"
    AWAITING_DECISION = "awaiting_decision"
    DECIDED = "decided"
    CLOSED = "closed"


class DecidedOutcome(Vocabulary):
    SCR = "scr"
    LCSPR = "lcspr"
    ALTERNATIVE_REVIEW = "alternative_review"
    NO_FURTHER_ACTION = "no_further_action"


class AlternativeReviewType(Vocabulary):
    PARTNERSHIP = "partnership"
    LEARNING = "learning"
    SINGLE_AGENCY = "single_agency"


class PanelResponse(Vocabulary):
    PENDING = "pending"
    AGREED = "agreed"
    INFORMATION_REQUESTED = "information_requested"
    CONTESTED = "contested"


class ReviewType(Vocabulary):
    SCR = "scr"
    LCSPR = "lcspr"
    PARTNERSHIP = "partnership"
    LEARNING = "learning"
    SINGLE_AGENCY = "single_agency"

    @property
    def statutory(self) -> bool:
        """SCRs and LCSPRs are the statutory reviews the annual report counts apart."""
        return self in (ReviewType.SCR, ReviewType.LCSPR)


class Methodology(Vocabulary):
    SCIE_SYSTEMS = "scie_systems"
    REVIEWER_LED = "reviewer_led"
    WT2010 = "wt2010"
    OTHER = "other"


class ReviewStatus(Vocabulary):
    COMMISSIONED = "commissioned"
    ACTIVE = "active"
    COMPLETED_PENDING_PARALLEL = "completed_pending_parallel"
    SIGNED_OFF = "signed_off"
    PUBLISHED = "published"


class Theme(Vocabulary):
    NEGLECT = "neglect"
    PHYSICAL_ABUSE = "physical_abuse"
    SELF_HARM = "self_harm"
    EMOTIONAL_WELLBEING = "emotional_wellbeing"
    PEER_VIOLENCE_DOMESTIC_ABUSE = "peer_violence_domestic_abuse"
    PARENTAL_SUBSTANCE_MISUSE = "parental_substance_misuse"
    SEXUAL_ABUSE_EXPLOITATION = "sexual_abuse_exploitation"
    ONLINE_SAFETY = "online_safety"
    LEARNING_DISABILITY_SEN = "learning_disability_sen"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health"
    OTHER = "other"


class ParallelProcessType(Vocabulary):
    CRIMINAL = "criminal"
    INQUEST = "inquest"
    DISCIPLINARY = "disciplinary"
    COMPLAINT = "complaint"
    PROFESSIONAL = "professional"
    INTERNAL_INVESTIGATION = "internal_investigation"
    DOMESTIC_HOMICIDE_REVIEW = "domestic_homicide_review"


class ParallelProcessStatus(Vocabulary):
    ONGOING = "ongoing"
    CONCLUDED = "concluded"


class RecommendationScope(Vocabulary):
    MULTI_AGENCY = "multi_agency"
    SINGLE_AGENCY = "single_agency"


class MonitoringGroup(Vocabulary):
    EXECUTIVE = "executive"
    PAQA = "paqa"


class RecommendationStatus(Vocabulary):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    COMPLETED = "completed"
    VERIFIED = "verified"
    IMPACT_EVIDENCED = "impact_evidenced"
    NOT_IMPLEMENTED = "not_implemented"

    @property
    def closed(self) -> bool:
        """A closed recommendation is never overdue."""
        return self in _CLOSED_RECOMMENDATION


_CLOSED_RECOMMENDATION = frozenset(
    {
        RecommendationStatus.COMPLETED,
        RecommendationStatus.VERIFIED,
        RecommendationStatus.IMPACT_EVIDENCED,
        RecommendationStatus.NOT_IMPLEMENTED,
    }
)


class ReportSection(Vocabulary):
    INTRODUCTION = "introduction"
    LOCAL_CONTEXT = "local_context"
    NATIONAL_CONTEXT = "national_context"
    CASES_CONSIDERED = "cases_considered"
    METHODOLOGIES = "methodologies"
    PARALLEL_PROCESSES = "parallel_processes"
    FAMILY_CONTRIBUTION = "family_contribution"
    THEMES = "themes"
    LEARNING_POINTS = "learning_points"
    NATIONAL_LEARNING = "national_learning"
    RECOMMENDATIONS = "recommendations"
    OUTCOMES = "outcomes"
    COSTS = "costs"
    CONCLUSION = "conclusion"


_LABELS: dict[tuple[type[Vocabulary], str], str] = {
    (type(k), k.value): v
    for k, v in (
        (AgencyKind.CHILDRENS_SOCIAL_CARE, "Children's social care"),
        (AgencyKind.HEALTH_COMMISSIONER, "Health commissioner"),
        (AgencyKind.HEALTH_PROVIDER, "Health provider"),
        (LegalStatus.CP_PLAN, "Child protection plan"),
        (LegalStatus.CHILD_IN_NEED, "Child in need"),
        (LegalStatus.NONE, "None"),
        (DecidedOutcome.SCR, "Serious case review"),
        (DecidedOutcome.LCSPR, "Local child safeguarding practice review"),
        (DecidedOutcome.ALTERNATIVE_REVIEW, "Another kind of review"),
        (DecidedOutcome.NO_FURTHER_ACTION, "No further action"),
        (AlternativeReviewType.PARTNERSHIP, "Partnership review"),
        (AlternativeReviewType.LEARNING, "Learning review"),
        (AlternativeReviewType.SINGLE_AGENCY, "Single-agency review"),
        (PanelResponse.INFORMATION_REQUESTED, "Information requested"),
        (ReviewType.SCR, "Serious case review"),
        (ReviewType.LCSPR, "Local child safeguarding practice review"),
        (ReviewType.PARTNERSHIP, "Partnership review"),
        (ReviewType.LEARNING, "Learning review"),
        (ReviewType.SINGLE_AGENCY, "Single-agency review"),
        (Methodology.SCIE_SYSTEMS, "SCIE systems model"),
        (Methodology.REVIEWER_LED, "Reviewer-led"),
        (Methodology.WT2010, "Working Together 2010 style"),
        (
            ReviewStatus.COMPLETED_PENDING_PARALLEL,
            "Completed as far as possible (parallel process)",
        ),
        (ReviewStatus.SIGNED_OFF, "Signed off"),
        (Theme.NEGLECT, "Long-lasting impact of neglect"),
        (Theme.EMOTIONAL_WELLBEING, "Child and parental emotional wellbeing"),
        (Theme.PEER_VIOLENCE_DOMESTIC_ABUSE, "Peer violence (domestic abuse)"),
        (Theme.SEXUAL_ABUSE_EXPLOITATION, "Sexual abuse / exploitation"),
        (Theme.LEARNING_DISABILITY_SEN, "Learning disability / SEN"),
        (ParallelProcessType.CRIMINAL, "Criminal investigation / proceedings"),
        (ParallelProcessType.DOMESTIC_HOMICIDE_REVIEW, "Domestic homicide review"),
        (ParallelProcessType.PROFESSIONAL, "Other professional proceedings"),
        (RecommendationScope.MULTI_AGENCY, "Multi-agency"),
        (RecommendationScope.SINGLE_AGENCY, "Single-agency"),
        (MonitoringGroup.EXECUTIVE, "Executive group"),
        (MonitoringGroup.PAQA, "PAQA subgroup"),
        (ReportSection.NATIONAL_LEARNING, "Learning from national reviews"),
        (ReportSection.COSTS, "Costs and timeframes"),
    )
}


# Each vocabulary's members by code (`by_code`), built once for every reader of stored or
# imported codes: the JSON reader and the database's rows-to-records read one for every
# choice of every record.
ABUSE_CATEGORY_BY_CODE = by_code(AbuseCategory)
AGENCY_KIND_BY_CODE = by_code(AgencyKind)
ALTERNATIVE_REVIEW_TYPE_BY_CODE = by_code(AlternativeReviewType)
DECIDED_OUTCOME_BY_CODE = by_code(DecidedOutcome)
INCIDENT_TYPE_BY_CODE = by_code(IncidentType)
LEGAL_STATUS_BY_CODE = by_code(LegalStatus)
METHODOLOGY_BY_CODE = by_code(Methodology)
MONITORING_GROUP_BY_CODE = by_code(MonitoringGroup)
PANEL_RESPONSE_BY_CODE = by_code(PanelResponse)
PARALLEL_PROCESS_STATUS_BY_CODE = by_code(ParallelProcessStatus)
PARALLEL_PROCESS_TYPE_BY_CODE = by_code(ParallelProcessType)
RECOMMENDATION_SCOPE_BY_CODE = by_code(RecommendationScope)
RECOMMENDATION_STATUS_BY_CODE = by_code(RecommendationStatus)
REFERRAL_STATUS_BY_CODE = by_code(ReferralStatus)
REPORT_SECTION_BY_CODE = by_code(ReportSection)
REVIEW_STATUS_BY_CODE = by_code(ReviewStatus)
REVIEW_TYPE_BY_CODE = by_code(ReviewType)
SEX_BY_CODE = by_code(Sex)
THEME_BY_CODE = by_code(Theme)
