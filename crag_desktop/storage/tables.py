"""The database schema as SQLAlchemy Core tables.

One table per record and per repeated part of a record, so that every field of the domain
dataclasses is stored and read back exactly. The main records' primary key is the
interchange id; `position` keeps the order of lists (and of the document's own lists) so
that an export gives back what was imported. Vocabulary codes are stored as plain strings
(no database enums) so that adding a code needs no migration and the SQL stays portable.

Core tables rather than ORM classes: opening a database, its unlock event and the Dashboard
read and write through these alone, so the start of the app imports no ORM and configures no
mapper (benchmarks: start to painted window). The repositories read and write whole records
with Core statements on these same tables too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
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
    Table,
    Text,
    TypeDecorator,
)

ID = String(200)
CODE = String(40)
NAME = String(400)

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


def _owner(table_column: str) -> Any:
    # Parts of a record live and die with it.
    return ForeignKey(table_column, ondelete="CASCADE")


# --- Catalogues -----------------------------------------------------------------------------

agency = Table(
    "agency",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", NAME, nullable=False),
    Column("kind", CODE, nullable=False),
)

member = Table(
    "member",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", NAME, nullable=False),
    Column("agency_id", ID, ForeignKey("agency.id"), index=True, nullable=False),
    Column("role", NAME),
)

learning_point = Table(
    "learning_point",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
)


# --- Referrals and decisions ------------------------------------------------------------------

referral = Table(
    "referral",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("reference", NAME, nullable=False),
    Column("received", Date, nullable=False),
    Column("referring_agency_id", ID, ForeignKey("agency.id"), nullable=False),
    Column("case_name", NAME, nullable=False),
    Column("incident_date", Date),
    Column("incident_type", CODE, nullable=False),
    Column("summary", Text, nullable=False),
    Column("status", CODE, nullable=False),
    Column("learned_on", Date),
    Column("notified_on", Date),
    Column("notification_reference", NAME),
    #: A `NotificationOwed` code worked out from the decision's answers whenever the referral
    #: is written, so the notification clock is read in SQL without reading the answers.
    Column("notification_owed", CODE, server_default="not_yet_known", nullable=False),
    # The open referrals alone, oldest first: the Dashboard's count of those awaiting a
    # decision (with their first ids), and the list by status in order received (0008).
    Index("ix_referral_status_received_id", "status", "received", "id"),
    # (column, id) pairs serve the keyset-paged list: ORDER BY column, id with no sort step.
    # The status after (received, id) lets a page of referrals awaiting a decision be found
    # walking the index in order, the status read from the index alone.
    Index("ix_referral_received_id_status", "received", "id", "status"),
    Index("ix_referral_case_name_id", "case_name", "id"),
    Index("ix_referral_reference_id", "reference", "id"),
    Index("ix_referral_status_id", "status", "id"),
    Index("ix_referral_incident_type_id", "incident_type", "id"),
    # Every column the Dashboard's statutory clocks filter on, led by the status so that
    # only the open referrals' entries are read (migrations 0006, 0008).
    Index(
        "ix_referral_status_clocks",
        "status",
        "notified_on",
        "learned_on",
        "notification_owed",
        "incident_date",
        "id",
    ),
    Index("ix_referral_referring_agency_id", "referring_agency_id"),
)

referral_child = Table(
    "referral_child",
    metadata,
    Column("referral_id", ID, _owner("referral.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("pseudonym", NAME, nullable=False),
    Column("sex", CODE, nullable=False),
    Column("age_years", Integer),
    Column("age_months", Integer),
    Column("disability_or_sen", Boolean, nullable=False),
    Column("legal_status", CODE, nullable=False),
    Column("ethnicity", NAME),
)

referral_abuse_category = Table(
    "referral_abuse_category",
    metadata,
    Column("referral_id", ID, _owner("referral.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("category", CODE, nullable=False),
)

referral_clock_pause = Table(
    "referral_clock_pause",
    metadata,
    Column("referral_id", ID, _owner("referral.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("clock", CODE, nullable=False),
    Column("paused_on", Date, nullable=False),
    Column("resumed_on", Date),
    Column("reason", Text, nullable=False),
)

# A referral's decision, with its National Panel loop inline (at most one each).
criteria_decision = Table(
    "criteria_decision",
    metadata,
    Column("referral_id", ID, _owner("referral.id"), primary_key=True),
    Column("rule_set", CODE, nullable=False),
    Column("rule_set_version", CODE, nullable=False),
    #: JSON object: answer key -> code, true/false or null (order kept).
    Column("answers", Text, nullable=False),
    #: JSON object: answer key -> evidence typed at the meeting.
    Column("evidence", Text, nullable=False),
    Column("rules_outcome", CODE, nullable=False),
    Column("decided_outcome", CODE, nullable=False),
    Column("alternative_review_type", CODE),
    Column("reason_if_different", Text),
    Column("rationale", Text, nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("meeting_id", ID, ForeignKey("meeting.id"), index=True),
    Column("panel_sent_on", Date),
    Column("panel_response", CODE, nullable=False),
    Column("panel_responded_on", Date),
    Column("panel_board_reply", Text),
)

decision_attendee = Table(
    "decision_attendee",
    metadata,
    Column("referral_id", ID, _owner("criteria_decision.referral_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("member_id", ID, ForeignKey("member.id"), index=True, nullable=False),
)

# Someone invited to the decision who is not a member: a name and words, no member row.
decision_invited = Table(
    "decision_invited",
    metadata,
    Column("referral_id", ID, _owner("criteria_decision.referral_id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", NAME, nullable=False),
    Column("role", NAME, nullable=False),
)


# --- Reviews ----------------------------------------------------------------------------------

review = Table(
    "review",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("referral_id", ID, ForeignKey("referral.id"), index=True),
    Column("title", NAME, nullable=False),
    Column("type", CODE, nullable=False),
    Column("methodology", CODE, nullable=False),
    Column("status", CODE, index=True, nullable=False),
    Column("lead_reviewer", NAME, nullable=False),
    Column("commissioned_on", Date, nullable=False),
    Column("tor_agreed_on", Date),
    Column("draft_on", Date),
    Column("signed_off_on", Date),
    Column("published_on", Date),
    Column("cost_gbp", Money),
    #: NULL when the review has no learning summary (its link is never NULL otherwise).
    Column("learning_summary_link", Text),
    Column("learning_summary_published_on", Date),
    # The lists by review title, in order without sorting every review (migration 0007): the
    # Reviews list, and the Recommendations list, which reads reviews by title first.
    Index("ix_review_title_id", "title", "id"),
)

review_child = Table(
    "review_child",
    metadata,
    Column("review_id", ID, _owner("review.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("pseudonym", NAME, nullable=False),
    Column("sex", CODE, nullable=False),
    Column("age_years", Integer),
    Column("age_months", Integer),
    Column("disability_or_sen", Boolean, nullable=False),
    Column("legal_status", CODE, nullable=False),
    Column("ethnicity", NAME),
)

review_theme = Table(
    "review_theme",
    metadata,
    Column("review_id", ID, _owner("review.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("theme", CODE, nullable=False),
)

parallel_process = Table(
    "parallel_process",
    metadata,
    Column("review_id", ID, _owner("review.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("type", CODE, nullable=False),
    Column("status", CODE, nullable=False),
    Column("started_on", Date),
    Column("concluded_on", Date),
    Column("notes", Text, nullable=False),
)

family_contribution = Table(
    "family_contribution",
    metadata,
    Column("review_id", ID, _owner("review.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("who", NAME, nullable=False),
    Column("facilitated_by", NAME, nullable=False),
    Column("on", Date),
    Column("saw_report_before_publication", Boolean, nullable=False),
)

review_learning_point = Table(
    "review_learning_point",
    metadata,
    Column("review_id", ID, _owner("review.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("learning_point_id", ID, ForeignKey("learning_point.id"), index=True, nullable=False),
)

review_clock_pause = Table(
    "review_clock_pause",
    metadata,
    Column("review_id", ID, _owner("review.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("clock", CODE, nullable=False),
    Column("paused_on", Date, nullable=False),
    Column("resumed_on", Date),
    Column("reason", Text, nullable=False),
)


# --- Recommendations --------------------------------------------------------------------------

recommendation = Table(
    "recommendation",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("review_id", ID, ForeignKey("review.id"), index=True, nullable=False),
    Column("number", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("scope", CODE, nullable=False),
    Column("lead_agency_id", ID, ForeignKey("agency.id"), index=True, nullable=False),
    Column("monitoring_group", CODE, nullable=False),
    Column("due", Date),
    Column("status", CODE, nullable=False),
    Column("reason_not_implemented", Text),
    Column("evidence_of_impact", Text),
    Column("completed_on", Date),
    Column("completed_by", NAME),
    Column("verified_on", Date),
    Column("verified_by", NAME),
    Column("impact_evidenced_on", Date),
    Column("impact_evidenced_by", NAME),
    # The list sorted by date due; the status after (due, id) lets a page of overdue ones be
    # found walking the index in order.
    Index("ix_recommendation_due_id_status", "due", "id", "status"),
    # The Dashboard's overdue count: the open recommendations' entries alone (0008).
    Index("ix_recommendation_status_due_id", "status", "due", "id"),
)

# An action under a recommendation; its id is unique within the recommendation.
agency_action = Table(
    "agency_action",
    metadata,
    Column("recommendation_id", ID, _owner("recommendation.id"), primary_key=True),
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("owner_agency_id", ID, ForeignKey("agency.id"), index=True, nullable=False),
    Column("description", Text, nullable=False),
    Column("due", Date),
    Column("monitoring_group", CODE, nullable=False),
)

action_update = Table(
    "action_update",
    metadata,
    Column("recommendation_id", ID, primary_key=True),
    Column("action_id", ID, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("on", Date, nullable=False),
    Column("status", CODE, nullable=False),
    Column("note", Text, nullable=False),
    Column("by_member_id", ID, ForeignKey("member.id"), index=True),
    Column("meeting_id", ID, ForeignKey("meeting.id"), index=True),
    ForeignKeyConstraint(
        ["recommendation_id", "action_id"],
        ["agency_action.recommendation_id", "agency_action.id"],
        ondelete="CASCADE",
    ),
)


# --- Meetings and learning events -------------------------------------------------------------

meeting = Table(
    "meeting",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("date", Date, index=True, nullable=False),
    Column("notes", Text, nullable=False),
    Column("agenda", Text, nullable=False),
    Column("quorate", Boolean),
    Column("declarations_of_interest", Text, nullable=False),
)

meeting_attendee = Table(
    "meeting_attendee",
    metadata,
    Column("meeting_id", ID, _owner("meeting.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("member_id", ID, ForeignKey("member.id"), index=True, nullable=False),
)

meeting_apology = Table(
    "meeting_apology",
    metadata,
    Column("meeting_id", ID, _owner("meeting.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("member_id", ID, ForeignKey("member.id"), index=True, nullable=False),
)

meeting_referral = Table(
    "meeting_referral",
    metadata,
    Column("meeting_id", ID, _owner("meeting.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("referral_id", ID, ForeignKey("referral.id"), index=True, nullable=False),
)

learning_event = Table(
    "learning_event",
    metadata,
    Column("id", ID, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("date", Date, nullable=False),
    Column("title", NAME, nullable=False),
    Column("attendance", Integer),
)

learning_event_review = Table(
    "learning_event_review",
    metadata,
    Column("learning_event_id", ID, _owner("learning_event.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("review_id", ID, ForeignKey("review.id"), index=True, nullable=False),
)

report_text = Table(
    "report_text",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("section", CODE, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
)


# --- Audit trail and drafts -------------------------------------------------------------------

#: The one row of `audit_head`.
AUDIT_HEAD_ID = 1

# One audit event; UPDATE and DELETE are refused by triggers (see the migrations).
audit_event = Table(
    "audit_event",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("operator", NAME, nullable=False),
    Column("action", CODE, nullable=False),
    Column("record_type", CODE, nullable=False),
    Column("record_id", NAME),
    #: JSON list of [field, old, new].
    Column("changes", Text, nullable=False),
    Column("reason", Text),
    Column("previous_hash", String(64), nullable=False),
    Column("hash", String(64), unique=True, nullable=False),
    Index("ix_audit_event_record", "record_type", "record_id"),
    Index("ix_audit_event_at", "at"),
    # The first event of a record type (the Dashboard asks whether a database is a demo).
    Index("ix_audit_event_record_type_seq", "record_type", "seq"),
)

# The last event's seq and hash, and the count: detects a truncated trail.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
    Column("count", Integer, nullable=False),
)

# A form autosaved while being typed, offered back after a crash.
draft = Table(
    "draft",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("title", NAME, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("payload", Text, nullable=False),
)
