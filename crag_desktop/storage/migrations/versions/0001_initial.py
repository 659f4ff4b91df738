"""initial schema

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from crag_desktop.storage.engine import create_sqlite_triggers, drop_sqlite_triggers

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "agency",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator", sa.String(length=400), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=400), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_event_record", ["record_type", "record_id"], unique=False)

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "draft",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_draft")),
    )
    op.create_table(
        "learning_event",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_event")),
    )
    op.create_table(
        "learning_point",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_point")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("quorate", sa.Boolean(), nullable=True),
        sa.Column("declarations_of_interest", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_date"), ["date"], unique=False)

    op.create_table(
        "report_text",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("year", "section", name=op.f("pk_report_text")),
    )
    op.create_table(
        "member",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("agency_id", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_member_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=400), nullable=False),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("referring_agency_id", sa.String(length=200), nullable=False),
        sa.Column("case_name", sa.String(length=400), nullable=False),
        sa.Column("incident_date", sa.Date(), nullable=True),
        sa.Column("incident_type", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("learned_on", sa.Date(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("notification_reference", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["referring_agency_id"],
            ["agency.id"],
            name=op.f("fk_referral_referring_agency_id_agency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index("ix_referral_case_name_id", ["case_name", "id"], unique=False)
        batch_op.create_index("ix_referral_incident_type_id", ["incident_type", "id"], unique=False)
        batch_op.create_index(
            "ix_referral_notified_on_learned_on", ["notified_on", "learned_on"], unique=False
        )
        batch_op.create_index("ix_referral_received_id", ["received", "id"], unique=False)
        batch_op.create_index("ix_referral_reference_id", ["reference", "id"], unique=False)
        batch_op.create_index("ix_referral_status_id", ["status", "id"], unique=False)
        batch_op.create_index(
            "ix_referral_referring_agency_id", ["referring_agency_id"], unique=False
        )
        batch_op.create_index("ix_referral_status_received", ["status", "received"], unique=False)

    op.create_table(
        "criteria_decision",
        sa.Column("referral_id", sa.String(length=200), nullable=False),
        sa.Column("rule_set", sa.String(length=40), nullable=False),
        sa.Column("rule_set_version", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("rules_outcome", sa.String(length=40), nullable=False),
        sa.Column("decided_outcome", sa.String(length=40), nullable=False),
        sa.Column("alternative_review_type", sa.String(length=40), nullable=True),
        sa.Column("reason_if_different", sa.Text(), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("meeting_id", sa.String(length=200), nullable=True),
        sa.Column("panel_sent_on", sa.Date(), nullable=True),
        sa.Column("panel_response", sa.String(length=40), nullable=False),
        sa.Column("panel_responded_on", sa.Date(), nullable=True),
        sa.Column("panel_board_reply", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_criteria_decision_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_criteria_decision_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_criteria_decision")),
    )
    with op.batch_alter_table("criteria_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_criteria_decision_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "meeting_apology",
        sa.Column("meeting_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_apology_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_meeting_apology_member_id_member")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "position", name=op.f("pk_meeting_apology")),
    )
    with op.batch_alter_table("meeting_apology", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_apology_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "meeting_attendee",
        sa.Column("meeting_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_attendee_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_meeting_attendee_member_id_member")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "position", name=op.f("pk_meeting_attendee")),
    )
    with op.batch_alter_table("meeting_attendee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_attendee_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "meeting_referral",
        sa.Column("meeting_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_referral_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_meeting_referral_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "position", name=op.f("pk_meeting_referral")),
    )
    with op.batch_alter_table("meeting_referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_referral_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "referral_abuse_category",
        sa.Column("referral_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_abuse_category_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "position", name=op.f("pk_referral_abuse_category")),
    )
    op.create_table(
        "referral_child",
        sa.Column("referral_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=400), nullable=False),
        sa.Column("sex", sa.String(length=40), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("age_months", sa.Integer(), nullable=True),
        sa.Column("disability_or_sen", sa.Boolean(), nullable=False),
        sa.Column("legal_status", sa.String(length=40), nullable=False),
        sa.Column("ethnicity", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_child_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "position", name=op.f("pk_referral_child")),
    )
    op.create_table(
        "referral_clock_pause",
        sa.Column("referral_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=40), nullable=False),
        sa.Column("paused_on", sa.Date(), nullable=False),
        sa.Column("resumed_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_referral_clock_pause_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "position", name=op.f("pk_referral_clock_pause")),
    )
    op.create_table(
        "review",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.String(length=200), nullable=True),
        sa.Column("title", sa.String(length=400), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("methodology", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("lead_reviewer", sa.String(length=400), nullable=False),
        sa.Column("commissioned_on", sa.Date(), nullable=False),
        sa.Column("tor_agreed_on", sa.Date(), nullable=True),
        sa.Column("draft_on", sa.Date(), nullable=True),
        sa.Column("signed_off_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("cost_gbp", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("learning_summary_link", sa.Text(), nullable=True),
        sa.Column("learning_summary_published_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_review_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_status"), ["status"], unique=False)

    op.create_table(
        "decision_attendee",
        sa.Column("referral_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_decision_attendee_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["criteria_decision.referral_id"],
            name=op.f("fk_decision_attendee_referral_id_criteria_decision"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "position", name=op.f("pk_decision_attendee")),
    )
    with op.batch_alter_table("decision_attendee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_attendee_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "family_contribution",
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=400), nullable=False),
        sa.Column("facilitated_by", sa.String(length=400), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("saw_report_before_publication", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_family_contribution_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "position", name=op.f("pk_family_contribution")),
    )
    op.create_table(
        "learning_event_review",
        sa.Column("learning_event_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["learning_event_id"],
            ["learning_event.id"],
            name=op.f("fk_learning_event_review_learning_event_id_learning_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["review.id"], name=op.f("fk_learning_event_review_review_id_review")
        ),
        sa.PrimaryKeyConstraint(
            "learning_event_id", "position", name=op.f("pk_learning_event_review")
        ),
    )
    with op.batch_alter_table("learning_event_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_event_review_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "parallel_process",
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("concluded_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_parallel_process_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "position", name=op.f("pk_parallel_process")),
    )
    op.create_table(
        "recommendation",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("lead_agency_id", sa.String(length=200), nullable=False),
        sa.Column("monitoring_group", sa.String(length=40), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("reason_not_implemented", sa.Text(), nullable=True),
        sa.Column("evidence_of_impact", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_agency_id"], ["agency.id"], name=op.f("fk_recommendation_lead_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["review.id"], name=op.f("fk_recommendation_review_id_review")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendation_lead_agency_id"), ["lead_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recommendation_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "review_child",
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=400), nullable=False),
        sa.Column("sex", sa.String(length=40), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("age_months", sa.Integer(), nullable=True),
        sa.Column("disability_or_sen", sa.Boolean(), nullable=False),
        sa.Column("legal_status", sa.String(length=40), nullable=False),
        sa.Column("ethnicity", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_child_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "position", name=op.f("pk_review_child")),
    )
    op.create_table(
        "review_clock_pause",
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("clock", sa.String(length=40), nullable=False),
        sa.Column("paused_on", sa.Date(), nullable=False),
        sa.Column("resumed_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_clock_pause_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "position", name=op.f("pk_review_clock_pause")),
    )
    op.create_table(
        "review_learning_point",
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("learning_point_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["learning_point_id"],
            ["learning_point.id"],
            name=op.f("fk_review_learning_point_learning_point_id_learning_point"),
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_learning_point_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "position", name=op.f("pk_review_learning_point")),
    )
    with op.batch_alter_table("review_learning_point", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_learning_point_learning_point_id"),
            ["learning_point_id"],
            unique=False,
        )

    op.create_table(
        "review_theme",
        sa.Column("review_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review.id"],
            name=op.f("fk_review_theme_review_id_review"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", "position", name=op.f("pk_review_theme")),
    )
    op.create_table(
        "agency_action",
        sa.Column("recommendation_id", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("owner_agency_id", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("monitoring_group", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_agency_id"], ["agency.id"], name=op.f("fk_agency_action_owner_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_agency_action_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recommendation_id", "id", name=op.f("pk_agency_action")),
    )
    with op.batch_alter_table("agency_action", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_action_owner_agency_id"), ["owner_agency_id"], unique=False
        )

    op.create_table(
        "action_update",
        sa.Column("recommendation_id", sa.String(length=200), nullable=False),
        sa.Column("action_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_member_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["by_member_id"], ["member.id"], name=op.f("fk_action_update_by_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id", "action_id"],
            ["agency_action.recommendation_id", "agency_action.id"],
            name=op.f("fk_action_update_recommendation_id_action_id_agency_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "recommendation_id", "action_id", "position", name=op.f("pk_action_update")
        ),
    )
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_update_by_member_id"), ["by_member_id"], unique=False
        )
    # SQLite has no GRANTs: triggers are what keep the audit trail append-only there.
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        create_sqlite_triggers(bind)


def downgrade() -> None:
    """Undo this revision."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        drop_sqlite_triggers(bind)
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_update_by_member_id"))

    op.drop_table("action_update")
    with op.batch_alter_table("agency_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_action_owner_agency_id"))

    op.drop_table("agency_action")
    op.drop_table("review_theme")
    with op.batch_alter_table("review_learning_point", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_learning_point_learning_point_id"))

    op.drop_table("review_learning_point")
    op.drop_table("review_clock_pause")
    op.drop_table("review_child")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_review_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_lead_agency_id"))

    op.drop_table("recommendation")
    op.drop_table("parallel_process")
    with op.batch_alter_table("learning_event_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learning_event_review_review_id"))

    op.drop_table("learning_event_review")
    op.drop_table("family_contribution")
    with op.batch_alter_table("decision_attendee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_attendee_member_id"))

    op.drop_table("decision_attendee")
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_status"))
        batch_op.drop_index(batch_op.f("ix_review_referral_id"))

    op.drop_table("review")
    op.drop_table("referral_clock_pause")
    op.drop_table("referral_child")
    op.drop_table("referral_abuse_category")
    with op.batch_alter_table("meeting_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_referral_referral_id"))

    op.drop_table("meeting_referral")
    with op.batch_alter_table("meeting_attendee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_attendee_member_id"))

    op.drop_table("meeting_attendee")
    with op.batch_alter_table("meeting_apology", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_apology_member_id"))

    op.drop_table("meeting_apology")
    with op.batch_alter_table("criteria_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criteria_decision_meeting_id"))

    op.drop_table("criteria_decision")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_status_received")
        batch_op.drop_index("ix_referral_referring_agency_id")
        batch_op.drop_index("ix_referral_status_id")
        batch_op.drop_index("ix_referral_reference_id")
        batch_op.drop_index("ix_referral_received_id")
        batch_op.drop_index("ix_referral_notified_on_learned_on")
        batch_op.drop_index("ix_referral_incident_type_id")
        batch_op.drop_index("ix_referral_case_name_id")

    op.drop_table("referral")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_agency_id"))

    op.drop_table("member")
    op.drop_table("report_text")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_date"))

    op.drop_table("meeting")
    op.drop_table("learning_point")
    op.drop_table("learning_event")
    op.drop_table("draft")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_record")
        batch_op.drop_index("ix_audit_event_at")

    op.drop_table("audit_event")
    op.drop_table("agency")
