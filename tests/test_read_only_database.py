"""A database the user may not write: a read-only file, or a file in a read-only folder
(issue 8, defect 6).

`check` and `audit` read it as it is and report (exit 0 or 1), writing nothing to it or
beside it: no journal, no lock file, no audit event. Every command that would write says one
sentence, exits 2 and leaves the file as it was.

The commands run in a subprocess that really may not write. As root, mode bits stop nothing
(CAP_DAC_OVERRIDE), so the subprocess runs as root without any capability (setpriv drops them
all): the kernel then applies the file's and the folder's permissions to it exactly as to an
ordinary user. Switching to another user (nobody) instead does not work in every container:
the interpreter may live where only root can reach it (here under /root, mode 0700). Not
root, the mode bits alone do it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from crag_desktop.domain.errors import DatabaseNotWritable
from crag_desktop.storage.engine import AUDIT_TRIGGERS, raw_connect
from tests.helpers.cli import cli
from tests.helpers.databases import PASSPHRASE
from tests.test_cli_audit import _count as _events

NEW_PASSPHRASE = "a new and longer passphrase"


def _without_privilege() -> list[str]:
    """The command prefix that makes a subprocess subject to file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    # Not a skip: as root without setpriv this test could not fail, so it must not pass.
    assert setpriv is not None, "setpriv (util-linux) is needed to test read-only files as root"
    return [setpriv, "--inh-caps=-all", "--bounding-set=-all"]


@dataclass
class Place:
    """A database made read-only one way, and everything to compare before and after."""

    db: Path
    folder: Path
    env: dict[str, str]
    how: str

    def snapshot(self) -> tuple[list[str], str]:
        names = sorted(p.name for p in self.folder.iterdir())
        return names, hashlib.sha256(self.db.read_bytes()).hexdigest()

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*_without_privilege(), sys.executable, "-m", "crag_desktop.cli", *argv],
            check=False,
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(params=["file", "folder"])
def place(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Place]:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "cases.crag"
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    for writable in (home, runtime):
        writable.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(runtime),
        "CRAG_PASSPHRASE": PASSPHRASE,
        "CRAG_NEW_PASSPHRASE": NEW_PASSPHRASE,
        "CRAG_OPERATOR": "Read Only",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    assert cli("demo", str(db)).code == 0
    # Files the writing commands would need, written while the place is still writable.
    export = tmp_path / "all.json"
    backup = tmp_path / "backup.crag"
    assert cli("export", str(db), str(export)).code == 0
    assert cli("backup", str(db), str(backup)).code == 0
    if request.param == "file":
        db.chmod(0o444)
    else:
        folder.chmod(0o555)
    try:
        yield Place(db=db, folder=folder, env=env, how=request.param)
    finally:
        folder.chmod(0o755)
        db.chmod(0o600)


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def _may_not_write(place: Place) -> None:
    # The test proves nothing if the subprocess could write after all.
    target = place.db if place.how == "file" else place.folder / "probe"
    mode = "ab" if place.how == "file" else "xb"
    code = f"open({str(target)!r}, {mode!r})"
    probe = subprocess.run(
        [*_without_privilege(), sys.executable, "-c", code],
        check=False,
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0
    assert "Permission denied" in probe.stderr


def test_check_and_audit_read_a_read_only_database_and_write_nothing(place: Place) -> None:
    _may_not_write(place)
    before = place.snapshot()
    events = _events(place.db)
    run = place.run("check", str(place.db))
    assert run.returncode == 0, run.stderr
    assert "read-only for you: it was checked as it is" in run.stdout
    assert "audit trail are all good" in run.stdout
    verify = place.run("audit", str(place.db), "--verify")
    assert verify.returncode == 0, verify.stderr
    assert f"the audit trail is intact ({events} events" in verify.stdout
    listing = place.run("audit", str(place.db))
    assert listing.returncode == 0
    assert len(listing.stdout.splitlines()) == events
    # No journal, no lock file, no unlock or check event: the bytes are the same.
    assert place.snapshot() == before
    assert _events(place.db) == events


def test_check_of_a_read_only_database_still_finds_tampering(place: Place) -> None:
    place.folder.chmod(0o755)
    place.db.chmod(0o600)
    connection = raw_connect(place.db, PASSPHRASE)
    for name in AUDIT_TRIGGERS:
        connection.execute(f"DROP TRIGGER IF EXISTS {name}")
    connection.execute("DELETE FROM audit_event")
    connection.execute("DELETE FROM audit_head")
    connection.close()
    if place.how == "file":
        place.db.chmod(0o444)
    else:
        place.folder.chmod(0o555)
    before = place.snapshot()
    for argv in (("check", str(place.db)), ("audit", str(place.db), "--verify")):
        run = place.run(*argv)
        assert run.returncode == 1, run.stderr
        assert "are missing" in run.stderr
        assert "unexpected problem" not in run.stderr
    assert place.snapshot() == before


def test_every_writing_command_refuses_with_a_sentence(place: Place, tmp_path: Path) -> None:
    _may_not_write(place)
    before = place.snapshot()
    db = str(place.db)
    commands = [
        ("passwd", db),
        ("import", db, str(tmp_path / "all.json")),
        ("export", db, str(tmp_path / "again.json")),
        ("backup", db, str(tmp_path / "again.crag")),
        ("restore", str(tmp_path / "backup.crag"), db),
        ("report", "decision", db, "--referral", "R-1", "--out", str(tmp_path / "r.pdf")),
        ("report", "tracker", db, "--out", str(tmp_path / "t.xlsx")),
    ]
    for argv in commands:
        run = place.run(*argv)
        assert run.returncode == 2, (argv, run.stdout, run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1, (argv, run.stderr)
        assert lines[0].startswith("cases.crag is read-only for you"), (argv, lines)
        assert "Copy it to a folder you may write to" in lines[0]
        assert place.snapshot() == before, argv
    assert not (tmp_path / "again.json").exists()
    assert not (tmp_path / "again.crag").exists()
    assert not (tmp_path / "r.pdf").exists()
    assert not (tmp_path / "t.xlsx").exists()


def test_no_new_database_in_a_read_only_folder(place: Place) -> None:
    run = place.run("init", str(place.folder / "new.crag"))
    if place.how == "file":
        # A read-only file does not stop a new database beside it.
        assert run.returncode == 0, run.stderr
        assert (place.folder / "new.crag").exists()
        return
    assert run.returncode == 2
    assert "new.crag cannot be created in" in run.stderr
    assert "read-only for you" in run.stderr
    assert sorted(p.name for p in place.folder.iterdir()) == ["cases.crag"]


def test_the_app_refuses_to_open_a_read_only_database_with_a_sentence(place: Place) -> None:
    # The GUI's unlock dialog calls Database.open and shows the error's sentence.
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from crag_desktop.services.database import Database\n"
        "from crag_desktop.domain.errors import DatabaseNotWritable\n"
        "try:\n"
        f"    Database.open(Path({str(place.db)!r}), {PASSPHRASE!r}, operator='x')\n"
        "except DatabaseNotWritable as error:\n"
        "    print(error)\n"
        "    sys.exit(7)\n"
    )
    before = place.snapshot()
    run = subprocess.run(
        [*_without_privilege(), sys.executable, "-c", code],
        check=False,
        env=place.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 7, run.stderr
    assert str(DatabaseNotWritable(place.db)) == run.stdout.strip()
    assert place.snapshot() == before


def test_an_interrupted_change_beside_a_read_only_database_is_explained(place: Place) -> None:
    place.folder.chmod(0o755)
    place.db.chmod(0o600)
    # A writer killed in the middle of a transaction leaves a hot journal.
    killed = (
        "import os\n"
        "import sqlcipher3.dbapi2 as s\n"
        f"c = s.connect({str(place.db)!r}, isolation_level=None)\n"
        f"c.execute(\"PRAGMA key = '{PASSPHRASE}'\")\n"
        "c.execute('PRAGMA cache_size = 2')\n"
        "c.execute('BEGIN')\n"
        "c.execute('CREATE TABLE junk(x)')\n"
        "for _ in range(500): c.execute('INSERT INTO junk VALUES (randomblob(500))')\n"
        "os._exit(9)\n"
    )
    assert subprocess.run([sys.executable, "-c", killed], check=False).returncode == 9
    journal = place.db.with_name("cases.crag-journal")
    assert journal.stat().st_size > 0
    if place.how == "file":
        place.db.chmod(0o444)
    else:
        place.folder.chmod(0o555)
    before = place.snapshot()
    run = place.run("check", str(place.db))
    assert run.returncode == 2
    assert "has a change that was interrupted before it finished" in run.stderr
    assert "unexpected problem" not in run.stderr
    assert place.snapshot() == before
    # Once writable again, the next open undoes the change and the check is clean.
    place.folder.chmod(0o755)
    place.db.chmod(0o600)
    assert cli("check", str(place.db)).code == 0
    assert not journal.exists() or journal.stat().st_size == 0
    assert stat.S_IMODE(place.db.stat().st_mode) == 0o600
