"""`check` on a file with many damaged pages (issue 8, defect 6): exit 1 with a sentence per
problem, at most 50 listed and then a count, never "unexpected problem"."""

from __future__ import annotations

from pathlib import Path

import pytest

from crag_desktop.cli import MAX_PROBLEMS_SHOWN
from tests.helpers.cli import cli
from tests.helpers.databases import PASSPHRASE

PAGE = 4096


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def test_check_lists_fifty_damaged_pages_then_counts_the_rest(tmp_path: Path) -> None:
    db = tmp_path / "big.crag"
    assert cli("demo", str(db), "--size", "300").code == 0
    pages = db.stat().st_size // PAGE
    # Page 1 and the catalogue stay whole so the file still opens; the rest is spoiled.
    damaged = range(pages // 3, pages)
    with db.open("r+b") as handle:
        for page in damaged:
            handle.seek(page * PAGE + 200)
            handle.write(b"\xff" * 8)
    assert len(damaged) > MAX_PROBLEMS_SHOWN
    run = cli("check", str(db))
    assert run.code == 1, run.err
    assert "unexpected problem" not in run.err
    lines = run.err.splitlines()
    assert lines[0].startswith(f"{db}: ")
    assert "problem(s) found" in lines[0]
    listed = lines[1:-1]
    assert len(listed) == MAX_PROBLEMS_SHOWN
    assert all(line.startswith("Damaged page") for line in listed)
    assert lines[-1].startswith("… and ")
    assert f"more problems (the first {MAX_PROBLEMS_SHOWN} are listed)." in lines[-1]
