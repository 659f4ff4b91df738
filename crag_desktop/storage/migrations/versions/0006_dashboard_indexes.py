"""Indexes that answer the Dashboard's counts from the index alone.

Revision ID: 0006_dashboard_indexes
Revises: 0005_notification_owed

The Dashboard is the first screen at start, and at 100,000 referrals its counts read tens of
thousands of rows. Each index below holds every column its query filters on, so the rows are
counted from the index instead of a look-up of each table row:
- referrals awaiting a decision, oldest first: the (received, id) index gains the status;
- the statutory clocks: one index on the dates the clocks start from, with the status, the
  notification owed and the incident date, replacing the (notified_on, learned_on) index;
- overdue recommendations, soonest due first: (due, id, status);
- whether the database is a demo (its first referral event): (record_type, seq).
Plain composite indexes, so the same migration runs on PostgreSQL.
"""

from __future__ import annotations

from alembic import op

revision: str = "0006_dashboard_indexes"
down_revision: str | None = "0005_notification_owed"
branch_labels: str | None = None
depends_on: str | None = None

_CLOCK_COLUMNS = ["notified_on", "learned_on", "status", "notification_owed", "incident_date", "id"]


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_referral_received_id_status", "referral", ["received", "id", "status"])
    op.drop_index("ix_referral_received_id", table_name="referral")
    op.create_index("ix_referral_clocks", "referral", _CLOCK_COLUMNS)
    op.drop_index("ix_referral_notified_on_learned_on", table_name="referral")
    op.create_index("ix_recommendation_due_id_status", "recommendation", ["due", "id", "status"])
    op.create_index("ix_audit_event_record_type_seq", "audit_event", ["record_type", "seq"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_audit_event_record_type_seq", table_name="audit_event")
    op.drop_index("ix_recommendation_due_id_status", table_name="recommendation")
    op.create_index("ix_referral_notified_on_learned_on", "referral", ["notified_on", "learned_on"])
    op.drop_index("ix_referral_clocks", table_name="referral")
    op.create_index("ix_referral_received_id", "referral", ["received", "id"])
    op.drop_index("ix_referral_received_id_status", table_name="referral")
