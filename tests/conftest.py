"""Fixtures shared by every test package (no Qt here: the UI tests add their own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crag_desktop.services.database import Database
from crag_desktop.storage.models import ReferralRow

#: The passphrase of the test databases.
PASSPHRASE = "correct horse battery staple"
#: Who the test databases record as the operator.
OPERATOR = "Test Officer"


@pytest.fixture
def tmp_db_path(tmp_path: Path) -> Path:
    """Where a test's database file goes (not yet created), in a folder of its own."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder / "crag.db"


@pytest.fixture
def database(tmp_db_path: Path) -> Iterator[Database]:
    """A new, open database (passphrase PASSPHRASE, operator OPERATOR), closed afterwards."""
    db = Database.create(tmp_db_path, PASSPHRASE, operator=OPERATOR)
    try:
        yield db
    finally:
        db.close()


def stored_notification_owed(db: Database) -> dict[str, str]:
    """Each referral's stored "notification owed" code, by id (no screen shows the code)."""
    with db.engine.connect() as connection:
        rows = connection.execute(select(ReferralRow.id, ReferralRow.notification_owed))
        return {row.id: row.notification_owed for row in rows}
