"""Every export is audited before it takes its name, and no plaintext temporary outlives a
failure or a kill (issue 8, defect 2)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from crag_desktop.fileio import sweep_stale_temporaries, write_atomically
from crag_desktop.services.database import Database
from crag_desktop.storage import audit
from tests.helpers.cli import cli
from tests.helpers.databases import PASSPHRASE, fresh_copy

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return fresh_copy(demo_template, folder / "cases.crag")


def _exports(path: Path) -> list[str]:
    with (
        Database.open(path, PASSPHRASE, operator="t", record_unlock=False) as database,
        database.unit_of_work() as session,
    ):
        events = audit.list_events(session, action="export", limit=None)
    return [str(event.changes[0][2]) for event in events]


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def held_write_lock(db: Path) -> Iterator[None]:
    """Another program (an SQLCipher shell, say) holding SQLite's write lock on the file."""
    other = sqlcipher.connect(str(db), isolation_level=None)
    other.execute(f"PRAGMA key = '{PASSPHRASE}'")
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_an_export_that_cannot_be_audited_is_not_written(
    db: Path, tmp_path: Path, held_write_lock: None
) -> None:
    out = tmp_path / "all.json"
    run = cli("export", str(db), str(out))
    assert run.code == 2
    assert run.err.startswith("all.json was not written: every file that leaves the database")
    assert "is busy" in run.err
    assert not out.exists()
    assert _temporaries(tmp_path) == []


def test_a_report_that_cannot_be_audited_is_not_written(
    db: Path, tmp_path: Path, held_write_lock: None
) -> None:
    out = tmp_path / "record.pdf"
    run = cli("report", "decision", str(db), "--referral", "CRAG-2016-01", "--out", str(out))
    assert run.code == 2, run.err
    assert "was not written" in run.err
    assert not out.exists()
    assert _temporaries(tmp_path) == []


def test_the_audit_event_is_committed_before_the_file_takes_its_name(
    db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "all.json"
    seen: dict[str, Any] = {}
    real_append = audit.append

    def spying_append(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("action") == "export":
            seen["target_existed"] = out.exists()
            seen["temporaries"] = _temporaries(tmp_path)
        return real_append(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(audit, "append", spying_append)
        assert cli("export", str(db), str(out)).code == 0
    assert seen["target_existed"] is False
    assert len(seen["temporaries"]) == 1
    assert seen["temporaries"][0].startswith(".all.json.")
    assert _exports(db) == ["all.json"]
    assert _temporaries(tmp_path) == []


def test_a_failed_record_step_removes_the_temporary(tmp_path: Path) -> None:
    out = tmp_path / "out.json"

    def refuse() -> None:
        raise RuntimeError("the audit could not be written")

    def write(handle: BinaryIO) -> None:
        handle.write(b"{}")

    with pytest.raises(RuntimeError):
        write_atomically(out, write, record=refuse)
    assert _temporaries(tmp_path) == []
    assert not out.exists()


KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from crag_desktop.fileio import write_atomically

    def write(handle):
        handle.write(b'{"secret": "SENTINEL-PLAINTEXT"}')
        handle.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    write_atomically(Path(sys.argv[1]), write)
    """
)


def _left_by_a_killed_writer(folder: Path) -> str:
    """The name of the one temporary file left in `folder` by a writer of export.json killed
    mid-write (its note kept in folder/state)."""
    env = {**os.environ, "XDG_STATE_HOME": str(folder / "state")}
    out = folder / "export.json"
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(out)], env=env, check=False, timeout=60
    )
    assert done.returncode == -signal.SIGKILL
    (left,) = _temporaries(folder)
    assert left.startswith(".export.json.")
    return left


def test_a_temporary_left_by_a_kill_is_removed_at_the_next_start(db: Path, tmp_path: Path) -> None:
    _left_by_a_killed_writer(tmp_path)
    run = cli("check", str(db))
    assert run.code == 0, run.err
    assert _temporaries(tmp_path) == []
    assert not (tmp_path / "export.json").exists()


def test_the_sweep_touches_only_noted_temporaries_of_dead_writers(tmp_path: Path) -> None:
    left = _left_by_a_killed_writer(tmp_path)
    # A file of the same pattern that no writer noted, and a noted one whose writer lives.
    stranger = tmp_path / ".export.json.abcdefgh.tmp"
    stranger.write_text("someone else's")
    notes = tmp_path / "state" / "crag-desktop" / "pending-writes"
    living = tmp_path / ".other.json.ABCDEFGH.tmp"
    living.write_text("being written")
    (notes / "living.json").write_text(
        json.dumps({"pid": os.getppid(), "temporary": str(living)}), encoding="utf-8"
    )
    assert sweep_stale_temporaries() == 1
    assert not (tmp_path / left).exists()
    assert stranger.exists()
    assert living.exists()
    assert [p.name for p in notes.iterdir()] == ["living.json"]


def test_a_noted_temporary_replaced_by_a_symlink_is_not_followed(tmp_path: Path) -> None:
    left = _left_by_a_killed_writer(tmp_path)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    (tmp_path / left).unlink()
    (tmp_path / left).symlink_to(precious)
    assert sweep_stale_temporaries() == 0
    assert precious.read_text() == "keep me"


def test_a_temporary_is_noted_before_it_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kill between creating the temporary file and noting it would leave a file no
    # sweep knows about: the note must already name the file when it is created.
    from crag_desktop import fileio

    notes = tmp_path / "state" / "crag-desktop" / "pending-writes"
    created: list[str] = []
    real_open = os.open

    def open_checking_note(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(fileio.TEMP_SUFFIX) and flags & os.O_EXCL:
            noted = [
                json.loads(note.read_text(encoding="utf-8"))["temporary"]
                for note in notes.glob("*.json")
            ]
            assert str(path) in noted
            created.append(str(path))
        return real_open(path, flags, *args, **kwargs)

    def write(handle: BinaryIO) -> None:
        handle.write(b"{}")

    monkeypatch.setattr(os, "open", open_checking_note)
    write_atomically(tmp_path / "export.json", write)
    assert len(created) == 1
    assert (tmp_path / "export.json").read_bytes() == b"{}"
    assert list(notes.glob("*.json")) == []
    assert _temporaries(tmp_path) == []
