"""SIGKILL during `passwd` at chosen points (issue 8, defect 6): the audit trail holds the
"rekey" event exactly when the new passphrase is in force.

The event is written in the transaction that SQLCipher's re-encryption commits
(`storage.engine.rekey`), so a kill before that commit leaves the old passphrase and no
event, and a kill after it the new passphrase and its event; `check` (which verifies the
trail) is clean either way. Each worker is a fresh process that opens the database and
changes its passphrase; it kills itself with SIGKILL once the event is written and just
before the re-encryption, or a seeded moment after the re-encryption starts (a timer thread:
SQLCipher runs without Python's lock, so the kill lands inside it).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from crag_desktop.domain.errors import WrongPassphraseOrNotDatabase
from crag_desktop.services.database import Database
from crag_desktop.storage import audit
from tests.helpers.cli import cli
from tests.helpers.databases import PASSPHRASE

NEW_PASSPHRASE = "the passphrase after the member left"
SEED = 20261205
TIMED_KILLS = 12

WORKER = textwrap.dedent(
    """
    import os, signal, sys, threading
    from pathlib import Path
    from crag_desktop.services.database import Database
    from crag_desktop.storage import engine

    path, old, new, delay = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    real_quote = engine._quote
    armed = []

    def quote(passphrase):
        # The rekey statement is built once the event is written in its transaction.
        if passphrase == new and not armed:
            armed.append(True)
            if delay < 0:
                os.kill(os.getpid(), signal.SIGKILL)
            threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL)).start()
        return real_quote(passphrase)

    engine._quote = quote
    db = Database.open(Path(path), old, operator="Kill Test", record_unlock=False)
    db.rekey(new, reason="member left")
    db.close()
    # Not killed in time: the rekey finished; wait for the timer like a slow process would.
    threading.Event().wait(30)
    """
)


def _state(path: Path) -> tuple[str, int, list[str]]:
    """Which passphrase opens the file, how many rekey events it holds, what check finds."""
    for name, passphrase in (("old", PASSPHRASE), ("new", NEW_PASSPHRASE)):
        try:
            db = Database.open(path, passphrase, operator="Checker", record_unlock=False)
        except WrongPassphraseOrNotDatabase:
            continue
        with db:
            problems = db.check()
            with db.unit_of_work() as session:
                rekeys = audit.list_events(session, action="rekey", limit=None)
        return name, len(rekeys), problems
    raise AssertionError("neither passphrase opens the database")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cases.crag"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
        # Big enough (a few MB) that re-encrypting it takes a while to land kills in.
        assert cli("demo", str(path), "--size", "400").code == 0
    return path


def _kill(template: Path, folder: Path, delay: float) -> tuple[str, int, list[str], bool]:
    folder.mkdir()
    path = folder / "cases.crag"
    shutil.copyfile(template, path)
    path.chmod(0o600)
    worker = subprocess.run(
        [sys.executable, "-c", WORKER, str(path), PASSPHRASE, NEW_PASSPHRASE, str(delay)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert worker.returncode == -9, worker.stderr
    journal = path.with_name("cases.crag-journal")
    hot = journal.exists() and journal.stat().st_size > 0
    return (*_state(path), hot)


def test_a_kill_after_the_event_and_before_the_reencryption_leaves_neither(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    opened_by, rekeys, problems, _hot = _kill(template, tmp_path / "before", -1.0)
    assert (opened_by, rekeys, problems) == ("old", 0, [])
    run = cli("audit", str(tmp_path / "before" / "cases.crag"), "--verify")
    assert run.code == 0, run.err


@pytest.mark.slow
def test_kills_during_the_reencryption_leave_the_event_exactly_when_it_took_effect(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    # How long a rekey of this file takes here, to spread the kills over it.
    probe = tmp_path / "probe.crag"
    shutil.copyfile(template, probe)
    with Database.open(probe, PASSPHRASE, operator="t", record_unlock=False) as db:
        started = time.perf_counter()
        db.rekey(NEW_PASSPHRASE)
        duration = time.perf_counter() - started
    rng = random.Random(SEED)
    outcomes: dict[str, int] = {}
    for n in range(TIMED_KILLS):
        delay = rng.uniform(0.0, duration * 1.3)
        opened_by, rekeys, problems, hot = _kill(template, tmp_path / f"kill-{n}", delay)
        assert problems == [], (delay, problems)
        # The event is there exactly when the new passphrase took effect.
        assert rekeys == (1 if opened_by == "new" else 0), (delay, opened_by, rekeys)
        key = f"{opened_by} passphrase{' after a hot journal' if hot else ''}"
        outcomes[key] = outcomes.get(key, 0) + 1
    print(f"rekey of {template.stat().st_size / 1e6:.1f} MB; {TIMED_KILLS} kills: {outcomes}")
