"""Every record the secretariat keeps, as frozen dataclasses.

Field names follow the interchange format (version 1, design/interchange.md) so that the
JSON document, the database and the screens speak one language. Records refer to each
other by id (strings chosen by whoever wrote the record). Collections are tuples so that
a record is immutable and hashable; a changed record is a new value (`dataclasses.replace`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

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

#: A criteria answer: a vocabulary code, a yes/no, or None for "not yet known".
Answer = str | bool | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Agency:
    id: str
    name: str
    kind: AgencyKind


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    id: str
    name: str
    agency: str
    role: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningPoint:
    """One of the subgroup's catalogue of common learning points."""

    id: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Child:
    """A subject child, by pseudonym only: the app never stores a real name or address."""

    pseudonym: str
    sex: Sex
    age_years: int | None = None
    age_months: int | None = None
    disability_or_sen: bool = False
    legal_status: LegalStatus = LegalStatus.UNKNOWN
    ethnicity: str | None = None

    def summary(self) -> str:
        """ "Child Q (female, 2 y)": pseudonym, sex and age, as registers and forms list them."""
        age = "age not recorded"
        if self.age_years:
            age = f"{self.age_years} y"
        elif self.age_months is not None or self.age_years == 0:
            age = f"{self.age_months or 0} m"
        return f"{self.pseudonym} ({self.sex.label.lower()}, {age})"


@dataclass(frozen=True, slots=True, kw_only=True)
class PanelLoop:
    """The decision's journey to the National Panel and back."""

    sent_on: date | None = None
    response: PanelResponse = PanelResponse.PENDING
    responded_on: date | None = None
    board_reply: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InvitedAttendee:
    """Someone present at a decision who is not a member of the subgroup (an allocated
    social worker, a reviewer, a designated nurse), named with their role or agency."""

    name: str
    role: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CriteriaDecision:
    """What the subgroup decided about a referral, and under which rules."""

    rule_set: str
    rule_set_version: str
    answers: Mapping[str, Answer]
    rules_outcome: str
    decided_outcome: DecidedOutcome
    alternative_review_type: AlternativeReviewType | None
    reason_if_different: str | None
    rationale: str
    decided_on: date
    meeting: str | None
    panel: PanelLoop = field(default_factory=PanelLoop)
    #: Evidence typed at the meeting for each answer key (optional in the interchange).
    evidence: Mapping[str, str] = field(default_factory=dict)
    #: Members present when the decision was made, when no meeting record lists them.
    attendees: tuple[str, ...] = ()
    #: People invited to the decision who are not members (optional in the interchange).
    invited: tuple[InvitedAttendee, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockPause:
    """A statutory clock held while something outside the review runs (a trial, an inquest)."""

    clock: str
    paused_on: date
    resumed_on: date | None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Referral:
    id: str
    reference: str
    received: date
    referring_agency: str
    case_name: str
    incident_date: date | None
    incident_type: IncidentType
    children: tuple[Child, ...]
    summary: str
    decision: CriteriaDecision | None = None
    status: ReferralStatus = ReferralStatus.RECEIVED
    abuse_categories: tuple[AbuseCategory, ...] = ()
    #: When the local authority learned of the incident (starts the 5-working-day clock).
    learned_on: date | None = None
    #: Serious incident notification to Ofsted / the National Panel.
    notified_on: date | None = None
    notification_reference: str | None = None
    clock_pauses: tuple[ClockPause, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelProcess:
    type: ParallelProcessType
    status: ParallelProcessStatus
    started_on: date | None = None
    concluded_on: date | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FamilyContribution:
    who: str
    facilitated_by: str
    on: date | None
    saw_report_before_publication: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningSummary:
    published_on: date | None
    link: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    id: str
    referral: str | None
    title: str
    type: ReviewType
    methodology: Methodology
    status: ReviewStatus
    lead_reviewer: str
    commissioned_on: date
    tor_agreed_on: date | None = None
    signed_off_on: date | None = None
    published_on: date | None = None
    cost_gbp: Decimal | None = None
    children: tuple[Child, ...] = ()
    themes: tuple[Theme, ...] = ()
    parallel_processes: tuple[ParallelProcess, ...] = ()
    family_contributions: tuple[FamilyContribution, ...] = ()
    learning_points: tuple[str, ...] = ()
    learning_summary: LearningSummary | None = None
    draft_on: date | None = None
    clock_pauses: tuple[ClockPause, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionUpdate:
    """A dated progress note: appended, never overwritten."""

    on: date
    status: RecommendationStatus
    note: str
    by: str | None
    #: The meeting the update was given at (a meeting's bulk update links each one).
    meeting: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgencyAction:
    id: str
    owner_agency: str
    description: str
    due: date | None
    monitoring_group: MonitoringGroup = MonitoringGroup.PAQA
    updates: tuple[ActionUpdate, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Recommendation:
    id: str
    review: str
    number: int
    text: str
    scope: RecommendationScope
    lead_agency: str
    monitoring_group: MonitoringGroup
    due: date | None
    status: RecommendationStatus
    reason_not_implemented: str | None = None
    evidence_of_impact: str | None = None
    actions: tuple[AgencyAction, ...] = ()
    # The closure steps, each with its date and who (free text: a verifier is often not a
    # member of the subgroup). `tracker.closure_problems` says which a status needs.
    completed_on: date | None = None
    completed_by: str | None = None
    verified_on: date | None = None
    verified_by: str | None = None
    impact_evidenced_on: date | None = None
    impact_evidenced_by: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    id: str
    date: date
    attendees: tuple[str, ...]
    referrals_considered: tuple[str, ...]
    notes: str = ""
    agenda: str = ""
    apologies: tuple[str, ...] = ()
    quorate: bool | None = None
    declarations_of_interest: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class LearningEvent:
    id: str
    date: date
    title: str
    reviews: tuple[str, ...]
    attendance: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportText:
    """Narrative text for one section of one year's annual report."""

    year: int
    section: ReportSection
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """A whole database's records: what the interchange JSON holds."""

    agencies: tuple[Agency, ...] = ()
    members: tuple[Member, ...] = ()
    learning_points: tuple[LearningPoint, ...] = ()
    referrals: tuple[Referral, ...] = ()
    reviews: tuple[Review, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    learning_events: tuple[LearningEvent, ...] = ()
    report_texts: tuple[ReportText, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEvent:
    """One entry of the append-only, hash-chained audit trail."""

    seq: int
    at: datetime
    operator: str
    action: str
    record_type: str
    record_id: str | None
    changes: tuple[tuple[str, str | None, str | None], ...]
    reason: str | None
    previous_hash: str
    hash: str
