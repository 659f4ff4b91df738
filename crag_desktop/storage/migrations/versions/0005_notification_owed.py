"""Whether a serious incident notification is owed, stored per referral.

Revision ID: 0005_notification_owed
Revises: 0004_closure_steps

The notification clock runs only where a notification may be owed. The answers that settle
it are stored as JSON text, which SQL cannot read portably, so each referral keeps the fact
in a column of its own: "owed", "not_owed" or "not_yet_known". Every referral starts as not
yet known (no decision, so its clock runs as before); those with a criteria decision are then
worked out in Python by the same rules the app applies when it saves one.

The column is added in place (ALTER TABLE ... ADD COLUMN), never by batch mode's copy of the
table: copying `referral` drops the old table, and with foreign keys on that deletion
cascades to its children, pauses and decision.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from crag_desktop.domain.criteria import NotificationOwed, notification_owed

revision: str = "0005_notification_owed"
down_revision: str | None = "0004_closure_steps"
branch_labels: str | None = None
depends_on: str | None = None

_REFERRAL = sa.table("referral", sa.column("id"), sa.column("notification_owed"))
_DECISION = sa.table(
    "criteria_decision",
    sa.column("referral_id"),
    sa.column("rule_set"),
    sa.column("rule_set_version"),
    sa.column("answers"),
)


def _owed(rule_set: str, version: str, answers: str) -> NotificationOwed:
    try:
        return notification_owed(rule_set, json.loads(answers), version=version)
    except ValueError:
        # Answers the rules cannot read settle nothing: the clock keeps running, as before.
        return NotificationOwed.NOT_YET_KNOWN


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "referral",
        sa.Column(
            "notification_owed",
            sa.String(length=40),
            server_default=NotificationOwed.NOT_YET_KNOWN.value,
            nullable=False,
        ),
    )
    bind = op.get_bind()
    decisions = bind.execute(
        sa.select(
            _DECISION.c.referral_id,
            _DECISION.c.rule_set,
            _DECISION.c.rule_set_version,
            _DECISION.c.answers,
        )
    )
    settled = [
        {"key": referral_id, "owed": owed.value}
        for referral_id, rule_set, version, answers in decisions
        if (owed := _owed(rule_set, version, answers)) is not NotificationOwed.NOT_YET_KNOWN
    ]
    if settled:
        bind.execute(
            sa.update(_REFERRAL)
            .where(_REFERRAL.c.id == sa.bindparam("key"))
            .values(notification_owed=sa.bindparam("owed")),
            settled,
        )


def downgrade() -> None:
    """Undo this revision."""
    op.execute("ALTER TABLE referral DROP COLUMN notification_owed")
