"""The benchmark harness runs end to end on a tiny database (figures only, no timing asserts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import harness, run


@pytest.mark.slow
def test_the_harness_measures_every_in_process_figure(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    lines: list[str] = []
    figures = harness.run_all(
        rows=12,
        scratch=scratch,
        repeats=1,
        log=lines.append,
        cache=tmp_path / "cache",
        figures=[harness.unlock, harness.lists, harness.save_record, harness.import_export],
    )
    names = [f.name for f in figures]
    assert names == [
        "unlock",
        "list: first page",
        "list: sort by case name",
        "list: filter (search text)",
        "list: deep page (middle)",
        "save one record (p95)",
        "export (whole database)",
        "import (interchange JSON)",
    ]
    for f in figures:
        assert f.measured > 0
        assert f.baseline > 0
        assert f.ratio == pytest.approx(f.measured / f.baseline, rel=1e-2)
    # The database is built once per size and generator version, then reused.
    assert len(list((tmp_path / "cache").glob("synthetic-12-*.crag"))) == 1
    objects = [f.as_json() for f in figures]
    assert set(objects[0]) >= {"name", "measured", "baseline", "ratio", "target_ratio", "pass"}
    json.dumps(objects)
    assert "unlock" in harness.table(figures)
    assert run.machine()["cpus"]


def test_only_names_the_groups_it_measures(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        run.main(["--only", "unlock,nothing"])
    assert stopped.value.code == 2
    assert "no figures called nothing" in capsys.readouterr().err
    assert {"unlock", "import_export", "decision_record", "annual_report"} <= set(harness.GROUPS)
