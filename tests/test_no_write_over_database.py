"""No command writes over a database, its journal, WAL, wal-index or lock (issue 8, defect 1).

`export DB DB` once replaced the encrypted database with plaintext JSON and said "nothing was
changed"; `report decision DB --out DB` did the same with a PDF.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from crag_desktop.domain.errors import WouldOverwriteDatabase
from crag_desktop.fileio import database_content, refuse_database_target, write_bytes_atomically
from tests.helpers.cli import cli, digest
from tests.helpers.databases import fresh_copy

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Path:
    return fresh_copy(demo_template, tmp_path / "cases.crag")


def _decided_reference(db: Path) -> str:
    run = cli("export", str(db), str(db.parent / "peek.json"))
    assert run.code == 0, run.err
    document = json.loads((db.parent / "peek.json").read_text(encoding="utf-8"))
    (db.parent / "peek.json").unlink()
    return str(next(r["reference"] for r in document["referrals"] if r.get("decision")))


def _assert_refused(run_code: int, err: str, db: Path, before: str) -> None:
    assert run_code == 2
    assert "never writes over a database" in err
    assert "Traceback" not in err
    assert "nothing was changed" not in err.lower()
    assert digest(db) == before
    # The database still opens and holds its records.
    assert cli("check", str(db)).code == 0


def test_export_over_the_database_itself_is_refused(db: Path) -> None:
    before = digest(db)
    run = cli("export", str(db), str(db))
    _assert_refused(run.code, run.err, db, before)
    assert run.err.count("\n") == 1, "one sentence"


def test_export_through_a_symlink_to_the_database_is_refused(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(db)
    before = digest(db)
    run = cli("export", str(db), str(link))
    _assert_refused(run.code, run.err, db, before)
    assert link.is_symlink()


def test_export_through_a_hard_link_to_the_database_is_refused(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "other-name.json"
    os.link(db, link)
    before = digest(db)
    run = cli("export", str(db), str(link))
    _assert_refused(run.code, run.err, db, before)


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm", ".lock"])
def test_export_over_a_working_file_of_the_database_is_refused(db: Path, suffix: str) -> None:
    target = db.with_name(db.name + suffix)
    before = digest(db)
    run = cli("export", str(db), str(target))
    _assert_refused(run.code, run.err, db, before)
    assert not target.exists()


def _assert_export_over_refused(db: Path, target: Path, said: str) -> None:
    """Exporting `db` over `target` fails (exit 2) naming what `target` is, and leaves it."""
    before = digest(target)
    run = cli("export", str(db), str(target))
    assert run.code == 2
    assert said in run.err
    assert digest(target) == before


def test_export_over_another_encrypted_database_is_refused(
    db: Path, demo_template: Path, tmp_path: Path
) -> None:
    other = tmp_path / "another.crag"
    shutil.copyfile(demo_template, other)
    _assert_export_over_refused(db, other, "an encrypted database")


def test_export_over_a_plain_sqlite_file_is_refused(db: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.json"
    with sqlite3.connect(plain) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    _assert_export_over_refused(db, plain, "an SQLite database")


def test_export_over_an_earlier_export_still_works(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    assert cli("export", str(db), str(out)).code == 0
    run = cli("export", str(db), str(out))
    assert run.code == 0, run.err


def test_report_decision_over_the_database_is_refused(db: Path) -> None:
    reference = _decided_reference(db)
    before = digest(db)
    run = cli("report", "decision", str(db), "--referral", reference, "--out", str(db))
    _assert_refused(run.code, run.err, db, before)


def test_report_decision_through_a_symlink_is_refused(db: Path, tmp_path: Path) -> None:
    reference = _decided_reference(db)
    link = tmp_path / "record.pdf"
    link.symlink_to(db)
    before = digest(db)
    run = cli("report", "decision", str(db), "--referral", reference, "--out", str(link))
    _assert_refused(run.code, run.err, db, before)


def test_report_decision_over_the_lock_file_is_refused(db: Path) -> None:
    reference = _decided_reference(db)
    lock = db.with_name(db.name + ".lock")
    before = digest(db)
    run = cli("report", "decision", str(db), "--referral", reference, "--out", str(lock))
    _assert_refused(run.code, run.err, db, before)


# --- the guard itself, for every writer (reports to come call write_atomically) -------------


def test_write_atomically_refuses_a_database_without_being_told_which(db: Path) -> None:
    before = digest(db)
    with pytest.raises(WouldOverwriteDatabase):
        write_bytes_atomically(db, b"{}")
    assert digest(db) == before
    assert [p.name for p in db.parent.iterdir()] == [db.name]


def test_a_journal_or_wal_is_recognised_by_its_content(tmp_path: Path) -> None:
    plain = tmp_path / "p.sqlite"
    connection = sqlite3.connect(plain)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("INSERT INTO t VALUES (1)")
    connection.commit()
    wal = tmp_path / "p.sqlite-wal"
    copy = tmp_path / "copied-wal.bin"
    shutil.copyfile(wal, copy)
    connection.close()
    assert database_content(copy) == "a database's write-ahead log"
    journal = tmp_path / "j.bin"
    journal.write_bytes(bytes.fromhex("d9d505f920a163d7") + bytes(504))
    assert database_content(journal) == "a database's rollback journal"


@pytest.mark.parametrize(
    "content",
    [
        b'{"format": "crag-desktop"}' + b" " * 998,
        b"%PDF-1.4\n" + os.urandom(4087),
        b"PK\x03\x04" + os.urandom(4092),
        "Référence,Date\n".encode() + b"x" * 1006,
        b"",
    ],
    ids=["json", "pdf", "xlsx", "csv", "empty"],
)
def test_documents_the_app_writes_are_not_taken_for_databases(
    tmp_path: Path, content: bytes
) -> None:
    target = tmp_path / "earlier"
    target.write_bytes(content)
    assert database_content(target) is None
    refuse_database_target(target)


def test_random_pages_are_taken_for_an_encrypted_database(tmp_path: Path) -> None:
    target = tmp_path / "mystery.bin"
    target.write_bytes(os.urandom(8192))
    assert database_content(target) == "an encrypted database"


def test_a_fifo_does_not_hang_the_guard(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert database_content(fifo) is None
