"""Recommendation closure steps, and progress updates given at a meeting.

Revision ID: 0004_closure_steps
Revises: 0003_decision_invited

Completed, verified and impact evidenced each record a date and who; a progress update may
name the meeting it was given at (a meeting's bulk update). Every new column may be NULL,
so the records already stored stay as they are.

Columns are added in place (ALTER TABLE ... ADD COLUMN), never by batch mode's copy of the
table: copying `recommendation` drops the old table, and with foreign keys on that deletion
cascades to every agency action and progress update.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_closure_steps"
down_revision: str | None = "0003_decision_invited"
branch_labels: str | None = None
depends_on: str | None = None

_STEPS = ("completed", "verified", "impact_evidenced")


def upgrade() -> None:
    """Apply this revision."""
    for step in _STEPS:
        op.add_column("recommendation", sa.Column(f"{step}_on", sa.Date(), nullable=True))
        op.add_column(
            "recommendation", sa.Column(f"{step}_by", sa.String(length=400), nullable=True)
        )
    if op.get_bind().dialect.name == "sqlite":
        # Alembic adds no constraint in place on SQLite; SQLite itself takes one inline.
        op.execute(
            "ALTER TABLE action_update ADD COLUMN meeting_id VARCHAR(200) "
            "CONSTRAINT fk_action_update_meeting_id_meeting REFERENCES meeting (id)"
        )
    else:
        op.add_column(
            "action_update", sa.Column("meeting_id", sa.String(length=200), nullable=True)
        )
        op.create_foreign_key(
            "fk_action_update_meeting_id_meeting",
            "action_update",
            "meeting",
            ["meeting_id"],
            ["id"],
        )
    op.create_index("ix_action_update_meeting_id", "action_update", ["meeting_id"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index("ix_action_update_meeting_id", table_name="action_update")
    # A column under a foreign key cannot be dropped in place on SQLite: copy the table
    # (nothing refers to action_update, so dropping the old copy cascades nowhere).
    with op.batch_alter_table("action_update", schema=None) as batch_op:
        batch_op.drop_column("meeting_id")
    for step in reversed(_STEPS):
        op.execute(f"ALTER TABLE recommendation DROP COLUMN {step}_by")
        op.execute(f"ALTER TABLE recommendation DROP COLUMN {step}_on")
