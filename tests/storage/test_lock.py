"""One process at a time per database; a crashed holder never leaves it locked."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from crag_desktop.domain.errors import DatabaseInUse
from crag_desktop.services.database import Database
from crag_desktop.storage.lock import DatabaseLock, lock_path

PASSPHRASE = "correct horse battery staple"


def test_second_holder_is_refused_until_release(tmp_db_path: Path) -> None:
    first, second = DatabaseLock(tmp_db_path), DatabaseLock(tmp_db_path)
    with first:
        assert first.held
        with pytest.raises(DatabaseInUse):
            second.acquire()
        assert not second.held
        assert stat.S_IMODE(lock_path(tmp_db_path).stat().st_mode) == 0o600
    second.acquire()
    second.release()
    second.release()  # idempotent


def test_open_database_refuses_a_second_open(database: Database) -> None:
    with pytest.raises(DatabaseInUse):
        Database.open(database.path, PASSPHRASE, operator="Another")
    database.close()
    database.close()
    with Database.open(database.path, PASSPHRASE, operator="Another") as again:
        assert again.operator == "Another"


def test_lock_of_a_killed_process_is_recovered(tmp_db_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from crag_desktop.storage.lock import DatabaseLock
        lock = DatabaseLock(Path({str(tmp_db_path)!r}))
        lock.acquire()
        print("locked", flush=True)
        sys.stdin.read()
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseInUse):
            DatabaseLock(tmp_db_path).acquire()
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
        assert child.stdin is not None
        child.stdin.close()
        assert child.stdout is not None
        child.stdout.close()
    with DatabaseLock(tmp_db_path) as recovered:
        assert recovered.held


def test_a_clean_release_leaves_no_lock_file(tmp_db_path: Path) -> None:
    with DatabaseLock(tmp_db_path):
        assert lock_path(tmp_db_path).exists()
    assert not lock_path(tmp_db_path).exists()
    # Taking it again afterwards works as before, and a refused holder removes nothing.
    with DatabaseLock(tmp_db_path) as first:
        with pytest.raises(DatabaseInUse):
            DatabaseLock(tmp_db_path).acquire()
        assert first.held
        assert lock_path(tmp_db_path).exists()
    assert not lock_path(tmp_db_path).exists()


def test_closing_a_database_leaves_only_the_database(database: Database) -> None:
    folder = database.path.parent
    database.close()
    assert sorted(p.name for p in folder.iterdir()) == [database.path.name]


def test_a_symlink_or_hard_link_cannot_open_a_database_twice(
    database: Database, tmp_path: Path
) -> None:
    # Issue 8, defect 5: the lock was keyed on the path string.
    symlink = tmp_path / "elsewhere.crag"
    symlink.symlink_to(database.path)
    hard = tmp_path / "hard.crag"
    os.link(database.path, hard)
    for name in (symlink, hard):
        with pytest.raises(DatabaseInUse):
            Database.open(name, PASSPHRASE, operator="Second window")
    database.close()
    with Database.open(hard, PASSPHRASE, operator="Second window"):
        with pytest.raises(DatabaseInUse):
            Database.open(symlink, PASSPHRASE, operator="Third")
        with pytest.raises(DatabaseInUse):
            Database.open(database.path, PASSPHRASE, operator="Third")


def test_passwd_through_a_link_is_refused_while_the_database_is_open(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from crag_desktop.cli import main

    link = tmp_path / "link.crag"
    link.symlink_to(database.path)
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CRAG_NEW_PASSPHRASE", "a brand new passphrase")
    err = io.StringIO()
    from crag_desktop.cli import Console

    console = Console(
        out=io.StringIO(), err=err, stdin_is_terminal=lambda: False, ask_secret=lambda _p: ""
    )
    assert main(["passwd", str(link)], console) == 2
    assert "in use" in err.getvalue()
    # The open database still works with its passphrase.
    assert database.check() == []


def test_a_clean_release_leaves_no_lock_files(tmp_db_path: Path, database: Database) -> None:
    from crag_desktop.storage.lock import file_lock_folder

    info = os.stat(database.path)
    inode_lock = file_lock_folder() / f"{info.st_dev}-{info.st_ino}.lock"
    assert inode_lock.exists()
    database.close()
    assert not inode_lock.exists()
    assert not lock_path(tmp_db_path).exists()
