"""Measure every target of design/performance.md against its raw baseline, in one run.

    python benchmarks/run.py [--rows N] [--json FILE] [--repeats R] [--only NAME[,NAME]]

Builds (or reuses, from /tmp/crag-benchmarks) a synthetic database of N referrals, measures
each figure and its baseline side by side, prints a table and writes the figures as JSON:
a list of {name, measured, baseline, ratio, target_ratio, pass}. Exit status 0 when every
figure passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script: make the checkout importable (`benchmarks.*`, `crag_desktop`).
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import GROUPS, run_all, table


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; 0 when every figure passes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="referrals (default 100000)")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions per figure")
    parser.add_argument(
        "--only",
        metavar="NAME[,NAME]",
        help=f"measure only these groups of figures ({', '.join(GROUPS)})",
    )
    args = parser.parse_args(argv)
    chosen = None
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in GROUPS]
        if unknown:
            parser.error(f"no figures called {', '.join(unknown)}; choose from {', '.join(GROUPS)}")
        chosen = [GROUPS[n] for n in names]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crag-bench-") as scratch:
        figures = run_all(
            rows=args.rows, scratch=Path(scratch), repeats=args.repeats, figures=chosen
        )
    print()
    print(table(figures))
    failed = [f.name for f in figures if not f.passed]
    print(
        f"\n{len(figures) - len(failed)} of {len(figures)} figures pass "
        f"({time.perf_counter() - start:.0f} s)."
    )
    if args.json is not None:
        # A list of figures, as the issue asks; each carries the size and the machine.
        payload = [{**f.as_json(), "rows": args.rows, "machine": machine()} for f in figures]
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
