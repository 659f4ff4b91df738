"""Seal the audit trail in the file header.

Revision ID: 0002_audit_seal
Revises: 0001_initial

The trail as it stands when this runs is taken as the truth (it was verifiable before only by
its head row); from now on every append moves the seal with it. See `storage.audit`.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.orm import Session

from crag_desktop.storage import audit

revision: str = "0002_audit_seal"
down_revision: str | None = "0001_initial"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with Session(bind=bind) as session:
            audit.stamp_seal(session)


def downgrade() -> None:
    """Undo this revision."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # An unsealed file: version 0001 of the app knows nothing of the header.
        bind.exec_driver_sql("PRAGMA user_version = 0")
        bind.exec_driver_sql("PRAGMA application_id = 0")
