"""Indexes led by the status, so the Dashboard's counts read the open records alone.

Revision ID: 0008_status_led_indexes
Revises: 0007_review_title_index

Most referrals are closed and most recommendations finished (at 100,000 referrals, 78,000
closed; of 52,000 recommendations, 8,000 overdue), and the Dashboard, the first screen at
start, counts the open ones. The Dashboard's counts now ask for the open statuses by name (an
IN list), which an index led by the status answers by reading the open records' entries:
- referrals awaiting a decision, oldest first: (status, received, id), replacing
  (status, received), which served the list by status and does as well with the id;
- the statutory clocks: the clocks' index led by the status instead of the date the clock
  starts from, replacing it (that one read every referral notified in the window, closed
  or not, and looked for a decision of each);
- overdue recommendations: (status, due, id), beside (due, id, status), which the list
  sorted by date due keeps.
Plain composite indexes, so the same migration runs on PostgreSQL.
"""

from __future__ import annotations

from alembic import op

revision: str = "0008_status_led_indexes"
down_revision: str | None = "0007_review_title_index"
branch_labels: str | None = None
depends_on: str | None = None

_CLOCK_COLUMNS = ["notified_on", "learned_on", "status", "notification_owed", "incident_date", "id"]
# The same columns, led by the status.
_STATUS_CLOCK_COLUMNS = ["status", *(c for c in _CLOCK_COLUMNS if c != "status")]


def upgrade() -> None:
    """Apply this revision."""
    op.create_index("ix_referral_status_received_id", "referral", ["status", "received", "id"])
    op.drop_index("ix_referral_status_received", table_name="referral")
    op.create_index("ix_referral_status_clocks", "referral", _STATUS_CLOCK_COLUMNS)
    op.drop_index("ix_referral_clocks", table_name="referral")
    op.create_index("ix_recommendation_status_due_id", "recommendation", ["status", "due", "id"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_recommendation_status_due_id", table_name="recommendation")
    op.create_index("ix_referral_clocks", "referral", _CLOCK_COLUMNS)
    op.drop_index("ix_referral_status_clocks", table_name="referral")
    op.create_index("ix_referral_status_received", "referral", ["status", "received"])
    op.drop_index("ix_referral_status_received_id", table_name="referral")
