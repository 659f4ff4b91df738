"""Nothing readable at rest: a sentinel written to the database is in no file of the folder."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crag_desktop.domain.records import Referral
from crag_desktop.services.database import Database
from crag_desktop.storage import repositories as repo
from crag_desktop.storage.engine import journal_mode

from .sample import rich_document

PASSPHRASE = "correct horse battery staple"
SENTINEL = "Sentinel-Qx7-Zebra-Pseudonym"


def _files_holding(folder: Path, needle: str) -> list[str]:
    patterns = [needle.encode("ascii"), needle.encode("utf-16-le"), needle.encode("utf-16-be")]
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if any(pattern in data for pattern in patterns):
                found.append(path.name)
    return found


def _write_sentinel(db: Database) -> None:
    document = rich_document()
    referral = dataclasses.replace(document.referrals[0], summary=SENTINEL * 50)
    with db.unit_of_work() as session:
        repo.add_document(
            session, dataclasses.replace(document, referrals=(referral, *document.referrals[1:]))
        )
        repo.save_draft(
            session,
            repo.StoredDraft(
                key="d", title=SENTINEL, updated_at=datetime.now(UTC), payload=SENTINEL
            ),
        )
    with db.unit_of_work() as session:
        # A sort big enough for a temp b-tree: with temp_store=FILE it would hit the disk.
        session.connection().exec_driver_sql(
            "SELECT summary FROM referral ORDER BY summary || random()"
        ).fetchall()


def test_scanner_finds_plaintext(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text(f"xx{SENTINEL}xx", encoding="utf-16-le")
    assert _files_holding(tmp_path, SENTINEL) == ["plain.txt"]


@pytest.mark.parametrize("mode", ["DELETE", "WAL"])
def test_sentinel_is_absent_from_every_file(tmp_db_path: Path, mode: str) -> None:
    folder = tmp_db_path.parent
    db = Database.create(tmp_db_path, PASSPHRASE, operator="x", journal=mode)
    try:
        assert journal_mode(db.engine) == mode
        _write_sentinel(db)
        # While open (the WAL holds the latest pages then) ...
        assert sorted(p.name for p in folder.iterdir()) != []
        assert _files_holding(folder, SENTINEL) == []
        # ... and in the middle of an uncommitted change (the rollback journal exists).
        with db.unit_of_work() as session:
            repo.save_draft(
                session,
                repo.StoredDraft(
                    key="e", title=SENTINEL, updated_at=datetime.now(UTC), payload=SENTINEL * 9
                ),
            )
            session.flush()
            assert _files_holding(folder, SENTINEL) == []
    finally:
        db.close()
    assert _files_holding(folder, SENTINEL) == []
    with Database.open(tmp_db_path, PASSPHRASE, operator="x", journal=None) as reopened:
        assert journal_mode(reopened.engine) == mode
        with reopened.unit_of_work() as session:
            assert SENTINEL in repo.get(session, Referral, "R2").summary
