"""People invited to a criteria decision who are not members of the subgroup.

Revision ID: 0003_decision_invited
Revises: 0002_audit_seal

A new part table of the decision (name and role or agency, in order); existing decisions
have none, so nothing is copied.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_decision_invited"
down_revision: str | None = "0002_audit_seal"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "decision_invited",
        sa.Column("referral_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("role", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["criteria_decision.referral_id"],
            name=op.f("fk_decision_invited_referral_id_criteria_decision"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("referral_id", "position", name=op.f("pk_decision_invited")),
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("decision_invited")
