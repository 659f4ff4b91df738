"""SIGKILL at seeded random moments during imports, edits, exports and passwd (issue 8).

After every kill: nothing committed is lost, no plaintext temporary is left once the next
start has swept, `check` is clean, and the trail holds a "rekey" event exactly when the new
passphrase took effect.

Cheap kills: one "zygote" subprocess imports the app once, then forks a worker per round
(a fork costs milliseconds, a fresh interpreter about a second). Each worker opens the
database and runs the four operations in a seeded order, appending a line to its progress
file before each operation and after each commit returns; a timer thread in the worker,
started once it is open, sends it SIGKILL at a seeded moment, so the kill is a real SIGKILL
with no chance to clean up. The test then checks the database in-process.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from crag_desktop.domain.errors import WrongPassphraseOrNotDatabase
from crag_desktop.domain.records import Agency
from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.fileio import sweep_stale_temporaries
from crag_desktop.services.database import Database
from crag_desktop.services.records import RecordService
from crag_desktop.storage import audit
from crag_desktop.storage.tables import agency

SEED = 20260805
KILLS = 100
PASSPHRASES = [f"kill test passphrase number {n:03d}" for n in range(KILLS * 4)]

ZYGOTE = textwrap.dedent(
    """
    import json, os, random, signal, sys, threading
    from dataclasses import replace
    from pathlib import Path

    from crag_desktop.services.database import Database
    from crag_desktop.services.interchange import export_file, import_document
    from crag_desktop.domain.records import Agency
    from crag_desktop.services.records import RecordService

    EMPTY = {"format": "crag-desktop", "version": 1, "agencies": [], "members": [],
             "learning_points": [], "referrals": [], "reviews": [], "recommendations": [],
             "meetings": [], "learning_events": [], "report_texts": []}

    def work(db_path, passphrases, generation, round_, delay, order, progress_path):
        progress = open(progress_path, "a", buffering=1)
        db = Database.open(Path(db_path), passphrases[generation], operator="Kill Test",
                           record_unlock=False)
        records = RecordService(db=db)
        progress.write("open\\n")
        # Timed from here: key derivation at open would otherwise take most kills.
        killer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGKILL))
        killer.start()
        step = 0
        while True:
            for op in order:
                progress.write(f"start {op}\\n")
                step += 1
                tag = f"r{round_}s{step}"
                if op == "import":
                    document = dict(EMPTY, agencies=[
                        {"id": f"ag-{tag}", "name": f"Agency {tag}", "kind": "police"}])
                    import_document(db, document, source_name=f"{tag}.json", source_size=200)
                    progress.write(f"import ag-{tag}\\n")
                elif op == "edit":
                    agency = records.get(Agency, "police")
                    records.save(replace(agency, name=f"Police {round_:04d}-{step:04d}"))
                    progress.write(f"edit {round_:04d}-{step:04d}\\n")
                elif op == "export":
                    export_file(db, Path(db_path).parent / "exports" / "all.json")
                    progress.write("export\\n")
                else:
                    db.rekey(passphrases[generation + 1])
                    generation += 1
                    progress.write(f"rekey {generation}\\n")

    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                work(**job)
            finally:
                os._exit(3)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None}),
              flush=True)
    """
)


class Committed:
    """What the workers said was committed, across rounds."""

    def __init__(self) -> None:
        self.agencies: set[str] = set()
        self.last_edit = "0000-0000"
        self.generation = 0
        self.exports = 0
        #: How many kills fell during each kind of operation.
        self.killed_during: dict[str, int] = {}

    def read(self, progress: Path) -> None:
        in_flight = "open"
        for line in progress.read_text(encoding="utf-8").splitlines():
            kind, _, detail = line.partition(" ")
            in_flight = detail if kind == "start" else "between operations"
            if kind == "import":
                self.agencies.add(detail)
            elif kind == "edit":
                self.last_edit = max(self.last_edit, detail)
            elif kind == "rekey":
                self.generation = int(detail)
            elif kind == "export":
                self.exports += 1
        self.killed_during[in_flight] = self.killed_during.get(in_flight, 0) + 1


def _open_current(path: Path, committed: Committed) -> Database:
    """The database under the last passphrase reported, or the one a kill left in flight."""
    try:
        return Database.open(path, PASSPHRASES[committed.generation], operator="Checker")
    except WrongPassphraseOrNotDatabase:
        committed.generation += 1
        return Database.open(path, PASSPHRASES[committed.generation], operator="Checker")


def _verify(path: Path, committed: Committed) -> None:
    with _open_current(path, committed) as db:
        assert db.check() == []
        with db.unit_of_work() as session:
            ids = {str(i) for i in session.scalars(select(agency.c.id))}
            rekeys = audit.list_events(session, action="rekey", limit=None)
        assert committed.agencies <= ids
        name = RecordService(db=db).get(Agency, "police").name
        assert name == "Police" or name.removeprefix("Police ") >= committed.last_edit
        # The trail holds a passphrase change exactly when a new passphrase is in force:
        # never one missing, never one that did not take effect.
        assert len(rekeys) == committed.generation


@pytest.mark.slow
def test_sigkill_at_seeded_moments_loses_nothing_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "exports").mkdir()
    path = folder / "cases.crag"
    with Database.create(path, PASSPHRASES[0], operator="Kill Test") as db:
        RecordService(db=db).save(_police())

    rng = random.Random(SEED)
    committed = Committed()
    zygote = subprocess.Popen(
        [sys.executable, "-c", ZYGOTE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "XDG_STATE_HOME": str(state)},
    )
    assert zygote.stdin is not None
    assert zygote.stdout is not None
    signals = []
    try:
        for round_ in range(KILLS):
            order = rng.sample(["import", "edit", "export", "rekey"], 4)
            progress = tmp_path / f"progress-{round_}.log"
            job = {
                "db_path": str(path),
                "passphrases": PASSPHRASES,
                "generation": committed.generation,
                "round_": round_,
                "delay": rng.uniform(0.0, 0.4),
                "order": order,
                "progress_path": str(progress),
            }
            zygote.stdin.write(json.dumps(job) + "\n")
            zygote.stdin.flush()
            signals.append(json.loads(zygote.stdout.readline())["signal"])
            if progress.exists():
                committed.read(progress)
            # The next start sweeps what the kill left.
            sweep_stale_temporaries()
            leftovers = [p.name for p in folder.rglob("*.tmp")]
            assert leftovers == [], f"round {round_}: {leftovers}"
            _verify(path, committed)
            exported = folder / "exports" / "all.json"
            if exported.exists():
                assert json.loads(exported.read_text(encoding="utf-8"))["format"] == "crag-desktop"
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=60)
        zygote.stdout.close()
    assert signals == [9] * KILLS
    print(
        f"{KILLS} kills: {committed.killed_during}; committed {len(committed.agencies)} "
        f"imports, {committed.exports} exports, {committed.generation} passphrase changes"
    )
    # The kills landed inside every kind of operation, not only between them.
    for kind in ("import", "edit", "export", "rekey"):
        assert committed.killed_during.get(kind, 0) > 0, committed.killed_during
    assert committed.agencies


def _police() -> Agency:
    return Agency(id="police", name="Police", kind=AgencyKind("police"))
