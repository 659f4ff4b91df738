"""Encrypted copies: consistent, keyed, user-only, verified."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from crag_desktop.domain.errors import DatabaseExists, WrongPassphraseOrNotDatabase
from crag_desktop.services.database import Database
from crag_desktop.storage import repositories as repo
from crag_desktop.storage.maintenance import export_encrypted_copy, verify_copy

from .sample import rich_document

PASSPHRASE = "correct horse battery staple"


def test_copy_is_encrypted_verified_and_complete(database: Database, tmp_path: Path) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    copy = tmp_path / "copy.crag"
    export_encrypted_copy(database.engine, copy, "copy passphrase")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert b"Thames Valley" not in copy.read_bytes()
    assert verify_copy(copy, "copy passphrase") == []
    with pytest.raises(WrongPassphraseOrNotDatabase):
        verify_copy(copy, PASSPHRASE)
    reopened = Database.open(copy, "copy passphrase", operator="x")
    with reopened, reopened.unit_of_work() as session:
        assert repo.load_document(session) == document
        triggers = session.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
        assert {row[0] for row in triggers} >= {"audit_event_no_update", "audit_event_no_delete"}
    reopened = Database.open(copy, "copy passphrase", operator="x")
    with reopened:
        assert reopened.check() == []
    with pytest.raises(DatabaseExists):
        export_encrypted_copy(database.engine, copy, "copy passphrase")


def test_empty_passphrase_is_refused(database: Database, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="passphrase"):
        export_encrypted_copy(database.engine, tmp_path / "plain.db", "")
    assert not (tmp_path / "plain.db").exists()
