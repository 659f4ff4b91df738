"""`crag-desktop audit` and `check` on a trail that was wiped, truncated, edited or
reordered (issue 8, defect 4): exit 1 and a sentence naming the first bad or missing event."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crag_desktop.storage.engine import AUDIT_TRIGGERS, raw_connect
from tests.helpers.cli import cli
from tests.helpers.databases import PASSPHRASE

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "crag.db"
    assert cli("demo", str(path)).code == 0
    return path


def _attacker(path: Path) -> Any:
    connection = raw_connect(path, PASSPHRASE)
    for name in AUDIT_TRIGGERS:
        connection.execute(f"DROP TRIGGER IF EXISTS {name}")
    return connection


def _tamper(db: Path, *statements: str) -> None:
    """Run `statements` on the trail as an attacker would, the append-only guard dropped."""
    connection = _attacker(db)
    for statement in statements:
        connection.execute(statement)
    connection.close()


def _count(path: Path) -> int:
    connection = raw_connect(path, PASSPHRASE)
    try:
        return int(connection.execute("SELECT count(*) FROM audit_event").fetchone()[0])
    finally:
        connection.close()


def test_an_intact_trail_lists_and_verifies(db: Path) -> None:
    listing = cli("audit", str(db))
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert len(lines) == _count(db)
    assert "create  database" in lines[0]
    run = cli("audit", str(db), "--verify")
    assert run.code == 0
    assert "the audit trail is intact" in run.out
    assert cli("check", str(db)).code == 0


def _both_fail(db: Path, first: str) -> None:
    for argv in (("audit", str(db), "--verify"), ("check", str(db))):
        run = cli(*argv)
        assert run.code == 1, run.err
        assert first in run.err
        assert "unexpected problem" not in run.err


def test_a_wiped_trail_fails(db: Path) -> None:
    total = _count(db)
    _tamper(
        db,
        "DELETE FROM audit_event",
        "DELETE FROM audit_head",
    )
    _both_fail(db, f"Audit events 1 to {total} are missing")


def test_a_truncated_trail_with_an_edited_head_fails(db: Path) -> None:
    total = _count(db)
    connection = _attacker(db)
    keep = total - 3
    last = connection.execute("SELECT hash FROM audit_event WHERE seq = ?", (keep,)).fetchone()
    connection.execute("DELETE FROM audit_event WHERE seq > ?", (keep,))
    connection.execute(
        "UPDATE audit_head SET last_seq = ?, count = ?, last_hash = ?", (keep, keep, last[0])
    )
    connection.close()
    _both_fail(db, f"Audit events {keep + 1} to {total} are missing")


def test_an_edited_event_fails(db: Path) -> None:
    _tamper(db, "UPDATE audit_event SET operator = 'Someone Else' WHERE seq = 2")
    _both_fail(db, "Audit event 2 was altered after it was written")


def test_reordered_events_fail(db: Path) -> None:
    _tamper(
        db,
        "UPDATE audit_event SET seq = -1 WHERE seq = 2",
        "UPDATE audit_event SET seq = 2 WHERE seq = 3",
        "UPDATE audit_event SET seq = 3 WHERE seq = -1",
    )
    _both_fail(db, "Audit event 2 does not follow the event before it")


def test_a_dropped_event_table_fails_with_a_sentence(db: Path) -> None:
    _tamper(db, "DROP TABLE audit_event")
    _both_fail(db, "The audit trail's table is missing")
    # The GUI and other commands refuse it with a sentence too (they would append).
    run = cli("export", str(db), str(db.parent / "out.json"))
    assert run.code == 2
    assert "its audit trail has been removed" in run.err


def test_audit_cannot_open_exits_2(tmp_path: Path) -> None:
    run = cli("audit", str(tmp_path / "missing.db"), "--verify")
    assert run.code == 2
    assert "There is no database" in run.err
