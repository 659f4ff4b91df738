"""`crag-desktop backup` and `restore`: encrypted, proven copies; a restore that replaces
nothing until the backup is proven and keeps the replaced file aside."""

from __future__ import annotations

import itertools
import json
import stat
from pathlib import Path

import pytest

from crag_desktop.services.backups import BackupFailed, prove_backup
from crag_desktop.storage.engine import AUDIT_TRIGGERS, raw_connect
from tests.helpers.cli import cli, digest
from tests.helpers.databases import PASSPHRASE
from tests.storage.test_audit import _rewrite as rewrite

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "live" / "crag.db"
    path.parent.mkdir()
    assert cli("demo", str(path), "--size", "30").code == 0
    return path


def backed_up(db: Path, folder: Path) -> Path:
    """`crag-desktop backup` of `db` into `folder`; the backup written."""
    backup = folder / "b.crag-backup"
    assert cli("backup", str(db), str(backup)).code == 0
    return backup


def _export(db: Path, out: Path) -> dict[str, object]:
    assert cli("export", str(db), str(out)).code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    document.pop("exported_at", None)
    return dict(document)


def _actions(db: Path) -> list[str]:
    connection = raw_connect(db, PASSPHRASE)
    try:
        rows = connection.execute("SELECT action FROM audit_event ORDER BY seq").fetchall()
        return [str(r[0]) for r in rows]
    finally:
        connection.close()


def test_backup_then_restore_gives_the_same_export(db: Path, tmp_path: Path) -> None:
    before = _export(db, tmp_path / "before.json")
    backup = tmp_path / "crag-1.crag-backup"
    run = cli("backup", str(db), str(backup))
    assert run.code == 0, run.err
    assert "opened and checked after writing" in run.out
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert b"SQLite format 3" not in backup.read_bytes()[:16]
    assert not list(backup.parent.glob(".*.tmp"))
    # Work after the backup is undone by the restore.
    connection = raw_connect(db, PASSPHRASE)
    connection.execute("UPDATE agency SET name = 'Renamed after the backup'")
    connection.close()
    assert _export(db, tmp_path / "changed.json") != before
    restored = cli("restore", str(backup), str(db))
    assert restored.code == 0, restored.err
    assert "kept as crag.db.replaced-" in restored.out
    kept = list(db.parent.glob("crag.db.replaced-*"))
    assert len(kept) == 1
    assert _export(db, tmp_path / "after.json") == before
    assert cli("check", str(db)).code == 0
    assert cli("audit", str(db), "--verify").code == 0
    actions = _actions(db)
    assert "backup" in actions
    assert "restore" in actions


def test_backup_never_overwrites(db: Path, tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    existing.write_bytes(b"keep me")
    run = cli("backup", str(db), str(existing))
    assert run.code == 2
    assert "never overwrites" in run.err
    assert existing.read_bytes() == b"keep me"
    run = cli("backup", str(db), str(db))
    assert run.code == 2


def test_a_damaged_backup_is_refused_and_the_live_file_untouched(db: Path, tmp_path: Path) -> None:
    backup = backed_up(db, tmp_path)
    data = bytearray(backup.read_bytes())
    data[5000] ^= 0xFF
    backup.write_bytes(bytes(data))
    before = digest(db)
    run = cli("restore", str(backup), str(db))
    assert run.code == 2
    assert "unexpected problem" not in run.err
    assert digest(db) == before
    assert not list(db.parent.glob("crag.db.replaced-*"))


def test_a_backup_with_a_tampered_trail_is_not_restored(db: Path, tmp_path: Path) -> None:
    backup = backed_up(db, tmp_path)
    connection = raw_connect(backup, PASSPHRASE)
    for name in AUDIT_TRIGGERS:
        connection.execute(f"DROP TRIGGER {name}")
    connection.execute("DELETE FROM audit_event WHERE seq > 3")
    connection.close()
    with pytest.raises(BackupFailed, match="Audit events 4 to"):
        prove_backup(backup, PASSPHRASE)
    run = cli("restore", str(backup), str(db))
    assert run.code == 2
    assert "nothing was restored" in run.err


def test_restore_refuses_a_database_in_use(db: Path, tmp_path: Path) -> None:
    from crag_desktop.services.database import Database

    backup = backed_up(db, tmp_path)
    with Database.open(db, PASSPHRASE, operator="GUI"):
        run = cli("restore", str(backup), str(db))
    assert run.code == 2
    assert "in use" in run.err


def test_verify_against_a_backup_names_the_first_rewritten_event(db: Path, tmp_path: Path) -> None:
    backup = backed_up(db, tmp_path)
    assert cli("audit", str(db), "--verify", "--against", str(backup)).code == 0
    # A rewrite with every hash recomputed and the guards put back: only the seal shows it.
    rewrite(db, 2, "nothing to see")
    run = cli("audit", str(db), "--verify")
    assert run.code == 1
    assert "does not match the seal" in run.err
    run = cli("audit", str(db), "--verify", "--against", str(backup))
    assert run.code == 1
    assert "Audit event 2 differs from the one in the backup" in run.err.splitlines()[0]


def test_export_with_audit_includes_the_chained_trail_and_imports_cleanly(
    tmp_path: Path,
) -> None:
    db = tmp_path / "demo.crag"
    assert cli("demo", str(db)).code == 0
    out = tmp_path / "with-audit.json"
    run = cli("export", str(db), str(out), "--with-audit")
    assert run.code == 0, run.err
    assert "and the audit trail" in run.out
    data = json.loads(out.read_text(encoding="utf-8"))
    trail = data["audit_trail"]
    events = trail["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(a["hash"] == b["previous_hash"] for a, b in itertools.pairwise(events))
    assert trail["last_hash"] == events[-1]["hash"]
    plain = tmp_path / "plain.json"
    assert cli("export", str(db), str(plain)).code == 0
    assert "audit_trail" not in json.loads(plain.read_text(encoding="utf-8"))
    # An import accepts the file and leaves the trail behind: the new database records its
    # own events.
    fresh = tmp_path / "fresh.crag"
    run = cli("import", str(fresh), str(out))
    assert run.code == 0, run.err
    assert cli("audit", str(fresh), "--verify").code == 0
    assert len(_actions(fresh)) != len(events) + 1 or _actions(fresh)[0] == "create"
    assert "backup" not in _actions(fresh)
