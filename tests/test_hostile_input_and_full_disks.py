"""A full disk, hostile import files, odd lock paths and passphrase files (issue 8, defects 3
and 6): each gives a sentence and exit 2, and the database is as it was."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from collections import namedtuple
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from crag_desktop.services.database import Database
from crag_desktop.services.demo import demo_data
from crag_desktop.storage import audit
from tests.helpers.cli import cli, digest
from tests.helpers.databases import PASSPHRASE

NEW_PASSPHRASE = "a brand new passphrase for the board"


pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.crag"
    with Database.create(path, PASSPHRASE, operator="Test Officer"):
        pass
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "cases.crag"
    shutil.copyfile(template, path)
    path.chmod(0o600)
    return path


@pytest.fixture
def demo_json(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_data()), encoding="utf-8")
    return path


def _referral_count(path: Path, passphrase: str = PASSPHRASE) -> int:
    connection = sqlcipher.connect(str(path))
    connection.execute(f"PRAGMA key = '{passphrase}'")
    count = int(connection.execute("SELECT count(*) FROM referral").fetchone()[0])
    connection.close()
    return count


Usage = namedtuple("Usage", "total used free")


def _little_free_space(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    monkeypatch.setattr(shutil, "disk_usage", lambda _folder: Usage(10**9, 0, free))


# --- defect 3: a full disk during an import ----------------------------------------------


def test_an_import_that_cannot_fit_is_refused_before_writing(
    db: Path, demo_json: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _little_free_space(monkeypatch, 100_000)
    before = digest(db)
    run = cli("import", str(db), str(demo_json))
    assert run.code == 2
    assert run.err.startswith(
        f"There is not enough free disk space to import demo.json into {db.name}"
    )
    assert "free some space and try again" in run.err
    assert digest(db) == before


FULL_DISK_IMPORT = textwrap.dedent(
    """
    import resource, sys
    from crag_desktop.cli import main
    # The disk "fills" once the database has grown by a few pages: writes past the limit fail
    # with a short write (SQLITE_FULL) or EFBIG, as on a full disk; SIGXFSZ is ignored by Python.
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    sys.exit(main(["import", sys.argv[1], sys.argv[2]]))
    """
)


def _run_script(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `script` in a fresh interpreter (where a file size limit harms no one else)."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_disk_that_fills_during_an_import_leaves_the_database_as_it_was(
    db: Path, demo_json: Path, tmp_path: Path
) -> None:
    # RLIMIT_FSIZE is a real kernel refusal mid-write, in a subprocess, as root and without
    # mounting anything: SQLite meets it exactly where it would meet a full disk.
    limit = db.stat().st_size + 3 * 4096 + 1000
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state2")}
    done = _run_script(FULL_DISK_IMPORT, str(db), str(demo_json), str(limit), env=env)
    assert done.returncode == 2, done.stderr
    assert "Nothing was saved" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not db.with_name(db.name + "-journal").exists()
    assert _referral_count(db) == 0
    assert cli("check", str(db)).code == 0
    # And the same import succeeds once there is room.
    assert cli("import", str(db), str(demo_json)).code == 0
    assert _referral_count(db) == 9


@pytest.fixture
def disk_full_on_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """Storing an import's records fails as a full disk fails it."""
    from crag_desktop.storage import repositories

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(repositories, "add_document", full)


@pytest.mark.usefixtures("disk_full_on_import")
def test_an_import_failure_not_proven_undone_says_so(
    db: Path, demo_json: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Database, "prove_unchanged", lambda _self, _mark: False)
    run = cli("import", str(db), str(demo_json))
    assert run.code == 2
    assert "Nothing was saved" not in run.err
    assert "could not confirm that cases.crag is back as it was" in run.err
    assert f"crag-desktop check {db.name}" in run.err


@pytest.mark.usefixtures("disk_full_on_import")
def test_a_proven_import_failure_says_nothing_was_saved(db: Path, demo_json: Path) -> None:
    run = cli("import", str(db), str(demo_json))
    assert run.code == 2
    assert "Nothing was saved" in run.err


# --- defect 6: hostile import files -------------------------------------------------------


def _one_sentence_refusal(db: Path, source: str) -> str:
    before = digest(db)
    run = cli("import", str(db), source)
    assert run.code == 2
    assert len(run.err_lines) == 1, run.err
    assert "unexpected problem" not in run.err
    assert digest(db) == before
    return run.err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused(db: Path, device: str) -> None:
    assert "is not a regular file" in _one_sentence_refusal(db, device)


def test_a_fifo_is_refused_without_waiting_for_a_writer(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "import.json"
    os.mkfifo(fifo)
    assert "is not a regular file" in _one_sentence_refusal(db, str(fifo))


def test_a_file_over_the_size_limit_is_refused(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crag_desktop.services import interchange

    monkeypatch.setattr(interchange, "MAX_DOCUMENT_BYTES", 1000)
    big = tmp_path / "big.json"
    big.write_text(" " * 2000 + "{}")
    assert "larger than any interchange file" in _one_sentence_refusal(db, str(big))


def _header(rest: str) -> str:
    return '{"format": "crag-desktop", "version": 1, ' + rest + "}"


def test_a_number_of_5000_digits_is_refused(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "n.json"
    source.write_text(_header('"referrals": [' + "9" * 5000 + "]"))
    assert "a number has 5,000 characters" in _one_sentence_refusal(db, str(source))


def test_arrays_nested_2000_deep_are_refused(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "deep.json"
    source.write_text(_header('"referrals": ' + "[" * 2000 + "]" * 2000))
    assert "nest far deeper" in _one_sentence_refusal(db, str(source))


def test_duplicate_keys_are_an_error(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "dup.json"
    source.write_text(_header('"referrals": [], "referrals": []'))
    assert 'the key "referrals" appears twice' in _one_sentence_refusal(db, str(source))


def test_nan_is_refused(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "nan.json"
    source.write_text(_header('"referrals": [NaN]'))
    assert "NaN is not a JSON number" in _one_sentence_refusal(db, str(source))


def test_at_most_50_problems_are_printed_then_a_count(db: Path, tmp_path: Path) -> None:
    document = demo_data()
    assert isinstance(document, dict)
    document["agencies"] = [{"id": f"a{i}", "name": "", "kind": "martian"} for i in range(80)]
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    run = cli("import", str(db), str(source))
    assert run.code == 2
    lines = run.err_lines
    assert len(lines) == 1 + 50 + 1
    assert lines[-1].startswith("… and ")
    assert "more problems (the first 50 are listed)" in lines[-1]


# --- defect 6: locks, passphrases, disks in passwd ----------------------------------------


def test_a_folder_where_the_lock_file_goes_is_named(db: Path) -> None:
    db.with_name(db.name + ".lock").mkdir()
    run = cli("check", str(db))
    assert run.code == 2
    assert "is a folder, where CRAG Desktop keeps the database's lock file" in run.err


def test_a_symlink_where_the_lock_file_goes_is_not_followed(db: Path, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    db.with_name(db.name + ".lock").symlink_to(precious)
    run = cli("check", str(db))
    assert run.code == 2
    assert "is a link, where CRAG Desktop keeps" in run.err
    assert precious.read_text() == "keep me"


def test_a_held_sqlite_lock_during_an_import_is_a_sentence(db: Path, demo_json: Path) -> None:
    other = sqlcipher.connect(str(db), isolation_level=None)
    other.execute(f"PRAGMA key = '{PASSPHRASE}'")
    other.execute("BEGIN IMMEDIATE")
    try:
        run = cli("import", str(db), str(demo_json))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run.code == 2
    assert "is busy: another program is writing to it" in run.err
    assert _referral_count(db) == 0


def test_a_passphrase_file_with_a_bom_and_newline_opens_the_database(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRAG_PASSPHRASE")
    secret = tmp_path / "pass.txt"
    secret.write_bytes(b"\xef\xbb\xbf" + PASSPHRASE.encode() + b"\r\n")
    run = cli("check", str(db), "--passphrase-file", str(secret))
    assert run.code == 0, run.err


def test_a_new_passphrase_of_only_spaces_is_refused(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRAG_NEW_PASSPHRASE", " " * 20)
    before = digest(db)
    run = cli("passwd", str(db))
    assert run.code == 2
    assert "only spaces" in run.err
    assert digest(db) == before


def test_passwd_on_a_nearly_full_disk_changes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRAG_NEW_PASSPHRASE", NEW_PASSPHRASE)
    _little_free_space(monkeypatch, db.stat().st_size // 2)
    before = digest(db)
    run = cli("passwd", str(db))
    assert run.code == 2
    assert "not enough free disk space to change the passphrase" in run.err
    assert digest(db) == before
    assert _referral_count(db, PASSPHRASE) == 0


def _rekey_events(path: Path, passphrase: str) -> list[str | None]:
    with (
        Database.open(path, passphrase, operator="t", record_unlock=False) as database,
        database.unit_of_work() as session,
    ):
        return [e.reason for e in audit.list_events(session, action="rekey", limit=None)]


def test_the_rekey_event_commits_with_the_reencryption(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crag_desktop.storage import engine as engine_module

    real_quote = engine_module._quote
    seen: list[int] = []

    def spy(passphrase: str) -> str:
        # Called just before the re-encryption, once the event is written in its
        # transaction: a kill now must leave no event (and the old passphrase).
        if passphrase == NEW_PASSPHRASE and not seen:
            seen.append(len(_rekey_events_raw(db)))
        return real_quote(passphrase)

    monkeypatch.setattr(engine_module, "_quote", spy)
    monkeypatch.setenv("CRAG_NEW_PASSPHRASE", NEW_PASSPHRASE)
    assert cli("passwd", str(db)).code == 0
    assert seen == [0]
    assert _rekey_events(db, NEW_PASSPHRASE) == [None]


def _rekey_events_raw(path: Path) -> list[object]:
    connection = sqlcipher.connect(str(path))
    connection.execute(f"PRAGMA key = '{PASSPHRASE}'")
    rows = connection.execute("SELECT seq FROM audit_event WHERE action = 'rekey'").fetchall()
    connection.close()
    return list(rows)


FULL_DISK_PASSWD = textwrap.dedent(
    """
    import resource, sys
    from crag_desktop.cli import main
    # The journal of the re-encryption outgrows the limit half way: the write fails as on a
    # full disk, after the rekey event was written in the same transaction.
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    sys.exit(main(["passwd", sys.argv[1]]))
    """
)


def test_a_failed_rekey_leaves_the_old_passphrase_and_no_event(db: Path, tmp_path: Path) -> None:
    before = digest(db)
    env = {
        **os.environ,
        "XDG_STATE_HOME": str(tmp_path / "state2"),
        "CRAG_NEW_PASSPHRASE": NEW_PASSPHRASE,
    }
    done = _run_script(FULL_DISK_PASSWD, str(db), str(db.stat().st_size // 2), env=env)
    assert done.returncode == 2, done.stderr
    assert "The passphrase of cases.crag was not changed" in done.stderr
    assert NEW_PASSPHRASE not in done.stderr
    assert _rekey_events(db, PASSPHRASE) == []
    assert cli("check", str(db)).code == 0
    assert digest(db) == before


def test_rlimit_is_available() -> None:
    # The full-disk test relies on it; fail loudly rather than silently test nothing.
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    assert soft == resource.RLIM_INFINITY or soft > 10**8
