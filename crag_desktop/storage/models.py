"""The database schema as SQLAlchemy 2 typed ORM classes.

One table per record and per repeated part of a record, so that every field of the domain
dataclasses is stored and read back exactly. The main records' primary key is the
interchange id; `position` keeps the order of lists (and of the document's own lists) so
that an export gives back what was imported. Vocabulary codes are stored as plain strings
(no database enums) so that adding a code needs no migration and the SQL stays portable.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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

ID = String(200)
CODE = String(40)
NAME = String(400)
#: `date` is also a column name in two tables; the alias keeps annotations unambiguous.
Day = date

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Refuse naive datetimes: a timestamp without an offset is ambiguous."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware")
        utc = value.astimezone(UTC)
        # SQLite stores no offset; PostgreSQL's timestamptz keeps the instant either way.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Attach UTC to what SQLite gives back naive."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """Pounds and pence: NUMERIC(12, 2), read back as a Decimal on every database."""

    # asdecimal=False on the impl: SQLite has no decimal type and SQLAlchemy would warn;
    # two decimal places of at most 12 digits survive a double exactly once quantized.
    impl = Numeric(12, 2, asdecimal=False)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        """Round to pence before storing."""
        if value is None:
            return None
        return float(Decimal(value).quantize(Decimal("0.01")))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Back to an exact Decimal in pounds and pence."""
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal("0.01"))


class Base(DeclarativeBase):
    """Every table of the CRAG Desktop database."""

    metadata = metadata


def _owner(table_column: str) -> Any:
    # Parts of a record live and die with it.
    return ForeignKey(table_column, ondelete="CASCADE")


# --- Catalogues -----------------------------------------------------------------------------


class AgencyRow(Base):
    __tablename__ = "agency"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(NAME)
    kind: Mapped[str] = mapped_column(CODE)


class MemberRow(Base):
    __tablename__ = "member"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(NAME)
    agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"), index=True)
    role: Mapped[str | None] = mapped_column(NAME)


class LearningPointRow(Base):
    __tablename__ = "learning_point"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


# --- Referrals and decisions ------------------------------------------------------------------


class ReferralRow(Base):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_status_received", "status", "received"),
        # (column, id) pairs serve the keyset-paged list: ORDER BY column, id with no sort step.
        Index("ix_referral_received_id", "received", "id"),
        Index("ix_referral_case_name_id", "case_name", "id"),
        Index("ix_referral_reference_id", "reference", "id"),
        Index("ix_referral_status_id", "status", "id"),
        Index("ix_referral_incident_type_id", "incident_type", "id"),
        Index("ix_referral_notified_on_learned_on", "notified_on", "learned_on"),
        Index("ix_referral_referring_agency_id", "referring_agency_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(NAME)
    received: Mapped[date] = mapped_column(Date)
    referring_agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"))
    case_name: Mapped[str] = mapped_column(NAME)
    incident_date: Mapped[date | None] = mapped_column(Date)
    incident_type: Mapped[str] = mapped_column(CODE)
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(CODE)
    learned_on: Mapped[date | None] = mapped_column(Date)
    notified_on: Mapped[date | None] = mapped_column(Date)
    notification_reference: Mapped[str | None] = mapped_column(NAME)
    #: A `NotificationOwed` code worked out from the decision's answers whenever the referral
    #: is written, so the notification clock is read in SQL without reading the answers.
    notification_owed: Mapped[str] = mapped_column(CODE, server_default="not_yet_known")

    children: Mapped[list[ReferralChildRow]] = relationship(
        lazy="raise", order_by="ReferralChildRow.position", passive_deletes=True
    )
    decision: Mapped[CriteriaDecisionRow | None] = relationship(lazy="raise", passive_deletes=True)


class ReferralChildRow(Base):
    __tablename__ = "referral_child"

    referral_id: Mapped[str] = mapped_column(ID, _owner("referral.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(NAME)
    sex: Mapped[str] = mapped_column(CODE)
    age_years: Mapped[int | None] = mapped_column(Integer)
    age_months: Mapped[int | None] = mapped_column(Integer)
    disability_or_sen: Mapped[bool] = mapped_column(Boolean)
    legal_status: Mapped[str] = mapped_column(CODE)
    ethnicity: Mapped[str | None] = mapped_column(NAME)


class ReferralAbuseCategoryRow(Base):
    __tablename__ = "referral_abuse_category"

    referral_id: Mapped[str] = mapped_column(ID, _owner("referral.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(CODE)


class ReferralClockPauseRow(Base):
    __tablename__ = "referral_clock_pause"

    referral_id: Mapped[str] = mapped_column(ID, _owner("referral.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock: Mapped[str] = mapped_column(CODE)
    paused_on: Mapped[date] = mapped_column(Date)
    resumed_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)


class CriteriaDecisionRow(Base):
    """A referral's decision, with its National Panel loop inline (at most one each)."""

    __tablename__ = "criteria_decision"

    referral_id: Mapped[str] = mapped_column(ID, _owner("referral.id"), primary_key=True)
    rule_set: Mapped[str] = mapped_column(CODE)
    rule_set_version: Mapped[str] = mapped_column(CODE)
    #: JSON object: answer key -> code, true/false or null (order kept).
    answers: Mapped[str] = mapped_column(Text)
    #: JSON object: answer key -> evidence typed at the meeting.
    evidence: Mapped[str] = mapped_column(Text)
    rules_outcome: Mapped[str] = mapped_column(CODE)
    decided_outcome: Mapped[str] = mapped_column(CODE)
    alternative_review_type: Mapped[str | None] = mapped_column(CODE)
    reason_if_different: Mapped[str | None] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    meeting_id: Mapped[str | None] = mapped_column(ID, ForeignKey("meeting.id"), index=True)
    panel_sent_on: Mapped[date | None] = mapped_column(Date)
    panel_response: Mapped[str] = mapped_column(CODE)
    panel_responded_on: Mapped[date | None] = mapped_column(Date)
    panel_board_reply: Mapped[str | None] = mapped_column(Text)


class DecisionAttendeeRow(Base):
    __tablename__ = "decision_attendee"

    referral_id: Mapped[str] = mapped_column(
        ID, _owner("criteria_decision.referral_id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[str] = mapped_column(ID, ForeignKey("member.id"), index=True)


class DecisionInvitedRow(Base):
    """Someone invited to the decision who is not a member: a name and words, no member row."""

    __tablename__ = "decision_invited"

    referral_id: Mapped[str] = mapped_column(
        ID, _owner("criteria_decision.referral_id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(NAME)
    role: Mapped[str] = mapped_column(NAME)


# --- Reviews ----------------------------------------------------------------------------------


class ReviewRow(Base):
    __tablename__ = "review"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    referral_id: Mapped[str | None] = mapped_column(ID, ForeignKey("referral.id"), index=True)
    title: Mapped[str] = mapped_column(NAME)
    type: Mapped[str] = mapped_column(CODE)
    methodology: Mapped[str] = mapped_column(CODE)
    status: Mapped[str] = mapped_column(CODE, index=True)
    lead_reviewer: Mapped[str] = mapped_column(NAME)
    commissioned_on: Mapped[date] = mapped_column(Date)
    tor_agreed_on: Mapped[date | None] = mapped_column(Date)
    draft_on: Mapped[date | None] = mapped_column(Date)
    signed_off_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    cost_gbp: Mapped[Decimal | None] = mapped_column(Money)
    #: NULL when the review has no learning summary (its link is never NULL otherwise).
    learning_summary_link: Mapped[str | None] = mapped_column(Text)
    learning_summary_published_on: Mapped[date | None] = mapped_column(Date)


class ReviewChildRow(Base):
    __tablename__ = "review_child"

    review_id: Mapped[str] = mapped_column(ID, _owner("review.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(NAME)
    sex: Mapped[str] = mapped_column(CODE)
    age_years: Mapped[int | None] = mapped_column(Integer)
    age_months: Mapped[int | None] = mapped_column(Integer)
    disability_or_sen: Mapped[bool] = mapped_column(Boolean)
    legal_status: Mapped[str] = mapped_column(CODE)
    ethnicity: Mapped[str | None] = mapped_column(NAME)


class ReviewThemeRow(Base):
    __tablename__ = "review_theme"

    review_id: Mapped[str] = mapped_column(ID, _owner("review.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme: Mapped[str] = mapped_column(CODE)


class ParallelProcessRow(Base):
    __tablename__ = "parallel_process"

    review_id: Mapped[str] = mapped_column(ID, _owner("review.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(CODE)
    status: Mapped[str] = mapped_column(CODE)
    started_on: Mapped[date | None] = mapped_column(Date)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text)


class FamilyContributionRow(Base):
    __tablename__ = "family_contribution"

    review_id: Mapped[str] = mapped_column(ID, _owner("review.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    who: Mapped[str] = mapped_column(NAME)
    facilitated_by: Mapped[str] = mapped_column(NAME)
    on: Mapped[date | None] = mapped_column(Date)
    saw_report_before_publication: Mapped[bool] = mapped_column(Boolean)


class ReviewLearningPointRow(Base):
    __tablename__ = "review_learning_point"

    review_id: Mapped[str] = mapped_column(ID, _owner("review.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    learning_point_id: Mapped[str] = mapped_column(ID, ForeignKey("learning_point.id"), index=True)


class ReviewClockPauseRow(Base):
    __tablename__ = "review_clock_pause"

    review_id: Mapped[str] = mapped_column(ID, _owner("review.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    clock: Mapped[str] = mapped_column(CODE)
    paused_on: Mapped[date] = mapped_column(Date)
    resumed_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)


# --- Recommendations --------------------------------------------------------------------------


class RecommendationRow(Base):
    __tablename__ = "recommendation"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    review_id: Mapped[str] = mapped_column(ID, ForeignKey("review.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(CODE)
    lead_agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"), index=True)
    monitoring_group: Mapped[str] = mapped_column(CODE)
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(CODE)
    reason_not_implemented: Mapped[str | None] = mapped_column(Text)
    evidence_of_impact: Mapped[str | None] = mapped_column(Text)
    completed_on: Mapped[date | None] = mapped_column(Date)
    completed_by: Mapped[str | None] = mapped_column(NAME)
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[str | None] = mapped_column(NAME)
    impact_evidenced_on: Mapped[date | None] = mapped_column(Date)
    impact_evidenced_by: Mapped[str | None] = mapped_column(NAME)


class AgencyActionRow(Base):
    """An action under a recommendation; its id is unique within the recommendation."""

    __tablename__ = "agency_action"

    recommendation_id: Mapped[str] = mapped_column(
        ID, _owner("recommendation.id"), primary_key=True
    )
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    owner_agency_id: Mapped[str] = mapped_column(ID, ForeignKey("agency.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    due: Mapped[date | None] = mapped_column(Date)
    monitoring_group: Mapped[str] = mapped_column(CODE)


class ActionUpdateRow(Base):
    __tablename__ = "action_update"
    __table_args__ = (
        ForeignKeyConstraint(
            ["recommendation_id", "action_id"],
            ["agency_action.recommendation_id", "agency_action.id"],
            ondelete="CASCADE",
        ),
    )

    recommendation_id: Mapped[str] = mapped_column(ID, primary_key=True)
    action_id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(CODE)
    note: Mapped[str] = mapped_column(Text)
    by_member_id: Mapped[str | None] = mapped_column(ID, ForeignKey("member.id"), index=True)
    meeting_id: Mapped[str | None] = mapped_column(ID, ForeignKey("meeting.id"), index=True)


# --- Meetings and learning events -------------------------------------------------------------


class MeetingRow(Base):
    __tablename__ = "meeting"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    date: Mapped[Day] = mapped_column(Date, index=True)
    notes: Mapped[str] = mapped_column(Text)
    agenda: Mapped[str] = mapped_column(Text)
    quorate: Mapped[bool | None] = mapped_column(Boolean)
    declarations_of_interest: Mapped[str] = mapped_column(Text)


class MeetingAttendeeRow(Base):
    __tablename__ = "meeting_attendee"

    meeting_id: Mapped[str] = mapped_column(ID, _owner("meeting.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[str] = mapped_column(ID, ForeignKey("member.id"), index=True)


class MeetingApologyRow(Base):
    __tablename__ = "meeting_apology"

    meeting_id: Mapped[str] = mapped_column(ID, _owner("meeting.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[str] = mapped_column(ID, ForeignKey("member.id"), index=True)


class MeetingReferralRow(Base):
    __tablename__ = "meeting_referral"

    meeting_id: Mapped[str] = mapped_column(ID, _owner("meeting.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[str] = mapped_column(ID, ForeignKey("referral.id"), index=True)


class LearningEventRow(Base):
    __tablename__ = "learning_event"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    date: Mapped[Day] = mapped_column(Date)
    title: Mapped[str] = mapped_column(NAME)
    attendance: Mapped[int | None] = mapped_column(Integer)


class LearningEventReviewRow(Base):
    __tablename__ = "learning_event_review"

    learning_event_id: Mapped[str] = mapped_column(
        ID, _owner("learning_event.id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[str] = mapped_column(ID, ForeignKey("review.id"), index=True)


class ReportTextRow(Base):
    __tablename__ = "report_text"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    section: Mapped[str] = mapped_column(CODE, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


# --- Audit trail and drafts -------------------------------------------------------------------

#: The one row of `audit_head`.
AUDIT_HEAD_ID = 1


class AuditEventRow(Base):
    """One audit event; UPDATE and DELETE are refused by triggers (see the migrations)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_record", "record_type", "record_id"),
        Index("ix_audit_event_at", "at"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    operator: Mapped[str] = mapped_column(NAME)
    action: Mapped[str] = mapped_column(CODE)
    record_type: Mapped[str] = mapped_column(CODE)
    record_id: Mapped[str | None] = mapped_column(NAME)
    #: JSON list of [field, old, new].
    changes: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHeadRow(Base):
    """The last event's seq and hash, and the count: detects a truncated trail."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)


class DraftRow(Base):
    """A form autosaved while being typed, offered back after a crash."""

    __tablename__ = "draft"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(NAME)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    payload: Mapped[str] = mapped_column(Text)
