"""ORM classes mapped onto the Core tables of `storage.tables` (the schema is described there,
once).

The app no longer reads or writes through them: the repositories use Core statements on the
tables themselves, so that opening a database, the Dashboard and a report printed from the
command line import no mapper (benchmarks: start to painted window, decision record, annual
report). Tests still name tables by these classes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from crag_desktop.storage import tables
from crag_desktop.storage.tables import AUDIT_HEAD_ID, Money, UTCDateTime, metadata

__all__ = [
    "AUDIT_HEAD_ID",
    "ActionUpdateRow",
    "AgencyActionRow",
    "AgencyRow",
    "AuditEventRow",
    "AuditHeadRow",
    "Base",
    "CriteriaDecisionRow",
    "DecisionAttendeeRow",
    "DecisionInvitedRow",
    "DraftRow",
    "FamilyContributionRow",
    "LearningEventReviewRow",
    "LearningEventRow",
    "LearningPointRow",
    "MeetingApologyRow",
    "MeetingAttendeeRow",
    "MeetingReferralRow",
    "MeetingRow",
    "MemberRow",
    "Money",
    "ParallelProcessRow",
    "RecommendationRow",
    "ReferralAbuseCategoryRow",
    "ReferralChildRow",
    "ReferralClockPauseRow",
    "ReferralRow",
    "ReportTextRow",
    "ReviewChildRow",
    "ReviewClockPauseRow",
    "ReviewLearningPointRow",
    "ReviewRow",
    "ReviewThemeRow",
    "UTCDateTime",
    "metadata",
]

#: `date` is also a column name in two tables; the alias keeps annotations unambiguous.
Day = date


class Base(DeclarativeBase):
    """Every table of the CRAG Desktop database."""

    metadata = metadata


class AgencyRow(Base):
    __table__ = tables.agency

    id: Mapped[str]
    position: Mapped[int]
    name: Mapped[str]
    kind: Mapped[str]


class MemberRow(Base):
    __table__ = tables.member

    id: Mapped[str]
    position: Mapped[int]
    name: Mapped[str]
    agency_id: Mapped[str]
    role: Mapped[str | None]


class LearningPointRow(Base):
    __table__ = tables.learning_point

    id: Mapped[str]
    position: Mapped[int]
    text: Mapped[str]


class ReferralRow(Base):
    __table__ = tables.referral

    id: Mapped[str]
    position: Mapped[int]
    reference: Mapped[str]
    received: Mapped[date]
    referring_agency_id: Mapped[str]
    case_name: Mapped[str]
    incident_date: Mapped[date | None]
    incident_type: Mapped[str]
    summary: Mapped[str]
    status: Mapped[str]
    learned_on: Mapped[date | None]
    notified_on: Mapped[date | None]
    notification_reference: Mapped[str | None]
    notification_owed: Mapped[str]

    children: Mapped[list[ReferralChildRow]] = relationship(
        lazy="raise", order_by="ReferralChildRow.position", passive_deletes=True
    )

    decision: Mapped[CriteriaDecisionRow | None] = relationship(lazy="raise", passive_deletes=True)


class ReferralChildRow(Base):
    __table__ = tables.referral_child

    referral_id: Mapped[str]
    position: Mapped[int]
    pseudonym: Mapped[str]
    sex: Mapped[str]
    age_years: Mapped[int | None]
    age_months: Mapped[int | None]
    disability_or_sen: Mapped[bool]
    legal_status: Mapped[str]
    ethnicity: Mapped[str | None]


class ReferralAbuseCategoryRow(Base):
    __table__ = tables.referral_abuse_category

    referral_id: Mapped[str]
    position: Mapped[int]
    category: Mapped[str]


class ReferralClockPauseRow(Base):
    __table__ = tables.referral_clock_pause

    referral_id: Mapped[str]
    position: Mapped[int]
    clock: Mapped[str]
    paused_on: Mapped[date]
    resumed_on: Mapped[date | None]
    reason: Mapped[str]


class CriteriaDecisionRow(Base):
    """A referral's decision, with its National Panel loop inline (at most one each)."""

    __table__ = tables.criteria_decision

    referral_id: Mapped[str]
    rule_set: Mapped[str]
    rule_set_version: Mapped[str]
    answers: Mapped[str]
    evidence: Mapped[str]
    rules_outcome: Mapped[str]
    decided_outcome: Mapped[str]
    alternative_review_type: Mapped[str | None]
    reason_if_different: Mapped[str | None]
    rationale: Mapped[str]
    decided_on: Mapped[date]
    meeting_id: Mapped[str | None]
    panel_sent_on: Mapped[date | None]
    panel_response: Mapped[str]
    panel_responded_on: Mapped[date | None]
    panel_board_reply: Mapped[str | None]


class DecisionAttendeeRow(Base):
    __table__ = tables.decision_attendee

    referral_id: Mapped[str]
    position: Mapped[int]
    member_id: Mapped[str]


class DecisionInvitedRow(Base):
    """Someone invited to the decision who is not a member: a name and words, no member row."""

    __table__ = tables.decision_invited

    referral_id: Mapped[str]
    position: Mapped[int]
    name: Mapped[str]
    role: Mapped[str]


class ReviewRow(Base):
    __table__ = tables.review

    id: Mapped[str]
    position: Mapped[int]
    referral_id: Mapped[str | None]
    title: Mapped[str]
    type: Mapped[str]
    methodology: Mapped[str]
    status: Mapped[str]
    lead_reviewer: Mapped[str]
    commissioned_on: Mapped[date]
    tor_agreed_on: Mapped[date | None]
    draft_on: Mapped[date | None]
    signed_off_on: Mapped[date | None]
    published_on: Mapped[date | None]
    cost_gbp: Mapped[Decimal | None]
    learning_summary_link: Mapped[str | None]
    learning_summary_published_on: Mapped[date | None]


class ReviewChildRow(Base):
    __table__ = tables.review_child

    review_id: Mapped[str]
    position: Mapped[int]
    pseudonym: Mapped[str]
    sex: Mapped[str]
    age_years: Mapped[int | None]
    age_months: Mapped[int | None]
    disability_or_sen: Mapped[bool]
    legal_status: Mapped[str]
    ethnicity: Mapped[str | None]


class ReviewThemeRow(Base):
    __table__ = tables.review_theme

    review_id: Mapped[str]
    position: Mapped[int]
    theme: Mapped[str]


class ParallelProcessRow(Base):
    __table__ = tables.parallel_process

    review_id: Mapped[str]
    position: Mapped[int]
    type: Mapped[str]
    status: Mapped[str]
    started_on: Mapped[date | None]
    concluded_on: Mapped[date | None]
    notes: Mapped[str]


class FamilyContributionRow(Base):
    __table__ = tables.family_contribution

    review_id: Mapped[str]
    position: Mapped[int]
    who: Mapped[str]
    facilitated_by: Mapped[str]
    on: Mapped[date | None]
    saw_report_before_publication: Mapped[bool]


class ReviewLearningPointRow(Base):
    __table__ = tables.review_learning_point

    review_id: Mapped[str]
    position: Mapped[int]
    learning_point_id: Mapped[str]


class ReviewClockPauseRow(Base):
    __table__ = tables.review_clock_pause

    review_id: Mapped[str]
    position: Mapped[int]
    clock: Mapped[str]
    paused_on: Mapped[date]
    resumed_on: Mapped[date | None]
    reason: Mapped[str]


class RecommendationRow(Base):
    __table__ = tables.recommendation

    id: Mapped[str]
    position: Mapped[int]
    review_id: Mapped[str]
    number: Mapped[int]
    text: Mapped[str]
    scope: Mapped[str]
    lead_agency_id: Mapped[str]
    monitoring_group: Mapped[str]
    due: Mapped[date | None]
    status: Mapped[str]
    reason_not_implemented: Mapped[str | None]
    evidence_of_impact: Mapped[str | None]
    completed_on: Mapped[date | None]
    completed_by: Mapped[str | None]
    verified_on: Mapped[date | None]
    verified_by: Mapped[str | None]
    impact_evidenced_on: Mapped[date | None]
    impact_evidenced_by: Mapped[str | None]


class AgencyActionRow(Base):
    """An action under a recommendation; its id is unique within the recommendation."""

    __table__ = tables.agency_action

    recommendation_id: Mapped[str]
    id: Mapped[str]
    position: Mapped[int]
    owner_agency_id: Mapped[str]
    description: Mapped[str]
    due: Mapped[date | None]
    monitoring_group: Mapped[str]


class ActionUpdateRow(Base):
    __table__ = tables.action_update

    recommendation_id: Mapped[str]
    action_id: Mapped[str]
    position: Mapped[int]
    on: Mapped[date]
    status: Mapped[str]
    note: Mapped[str]
    by_member_id: Mapped[str | None]
    meeting_id: Mapped[str | None]


class MeetingRow(Base):
    __table__ = tables.meeting

    id: Mapped[str]
    position: Mapped[int]
    date: Mapped[Day]
    notes: Mapped[str]
    agenda: Mapped[str]
    quorate: Mapped[bool | None]
    declarations_of_interest: Mapped[str]


class MeetingAttendeeRow(Base):
    __table__ = tables.meeting_attendee

    meeting_id: Mapped[str]
    position: Mapped[int]
    member_id: Mapped[str]


class MeetingApologyRow(Base):
    __table__ = tables.meeting_apology

    meeting_id: Mapped[str]
    position: Mapped[int]
    member_id: Mapped[str]


class MeetingReferralRow(Base):
    __table__ = tables.meeting_referral

    meeting_id: Mapped[str]
    position: Mapped[int]
    referral_id: Mapped[str]


class LearningEventRow(Base):
    __table__ = tables.learning_event

    id: Mapped[str]
    position: Mapped[int]
    date: Mapped[Day]
    title: Mapped[str]
    attendance: Mapped[int | None]


class LearningEventReviewRow(Base):
    __table__ = tables.learning_event_review

    learning_event_id: Mapped[str]
    position: Mapped[int]
    review_id: Mapped[str]


class ReportTextRow(Base):
    __table__ = tables.report_text

    year: Mapped[int]
    section: Mapped[str]
    position: Mapped[int]
    text: Mapped[str]


class AuditEventRow(Base):
    """One audit event; UPDATE and DELETE are refused by triggers (see the migrations)."""

    __table__ = tables.audit_event

    seq: Mapped[int]
    at: Mapped[datetime]
    operator: Mapped[str]
    action: Mapped[str]
    record_type: Mapped[str]
    record_id: Mapped[str | None]
    changes: Mapped[str]
    reason: Mapped[str | None]
    previous_hash: Mapped[str]
    hash: Mapped[str]


class AuditHeadRow(Base):
    """The last event's seq and hash, and the count: detects a truncated trail."""

    __table__ = tables.audit_head

    id: Mapped[int]
    last_seq: Mapped[int]
    last_hash: Mapped[str]
    count: Mapped[int]


class DraftRow(Base):
    """A form autosaved while being typed, offered back after a crash."""

    __table__ = tables.draft

    key: Mapped[str]
    title: Mapped[str]
    updated_at: Mapped[datetime]
    payload: Mapped[str]
