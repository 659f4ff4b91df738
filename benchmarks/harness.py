"""The benchmark figures: each target of design/performance.md against its raw baseline.

Every figure is measured side by side with a raw baseline in the same run, alternating
measured and baseline repetitions so that the load other programs put on the machine falls
on both, and taking medians (p95 where the target says so). A figure is a `Figure`:
`measured / baseline = ratio`, passing when the ratio is at most `target_ratio` (and, for a
figure with an absolute limit such as a page fetch within 2 ms, when `measured` is within it).
"""

from __future__ import annotations

import compileall
import functools
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from crag_desktop.domain.records import Referral

PASSPHRASE = "benchmark passphrase, not a secret"
SEED = 20_16
ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("CRAG_BENCH_CACHE", "/tmp/crag-benchmarks"))


@dataclass(slots=True)
class Figure:
    """One line of the table and one object of the JSON."""

    name: str
    measured: float
    baseline: float
    ratio: float
    target_ratio: float
    passed: bool
    unit: str = "s"
    limit: float | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        """The JSON object: name, measured, baseline, ratio, target_ratio, pass (+ extras)."""
        data = asdict(self)
        data["pass"] = data.pop("passed")
        return data


def figure(
    name: str,
    measured: float,
    baseline: float,
    target_ratio: float,
    *,
    unit: str = "s",
    limit: float | None = None,
    note: str = "",
) -> Figure:
    """A figure from its two numbers; `limit` is an absolute bound `measured` must also meet."""
    ratio = measured / baseline if baseline > 0 else float("inf")
    passed = ratio <= target_ratio and (limit is None or measured <= limit)
    return Figure(
        name=name,
        measured=measured,
        baseline=baseline,
        ratio=round(ratio, 3),
        target_ratio=target_ratio,
        passed=passed,
        unit=unit,
        limit=limit,
        note=note,
    )


def median(values: list[float]) -> float:
    """The median."""
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def interleaved(
    measured: Callable[[], float], baseline: Callable[[], float], repeats: int
) -> tuple[list[float], list[float]]:
    """Alternate the two (baseline first, then measured, then the other way round)."""
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(repeats):
        if i % 2:
            ours.append(measured())
            theirs.append(baseline())
        else:
            theirs.append(baseline())
            ours.append(measured())
    return ours, theirs


def timed(action: Callable[[], object]) -> float:
    """Seconds `action` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# --- The database ------------------------------------------------------------------------------


def generator_version() -> str:
    """A fingerprint of the code that shapes the benchmark database (generator, schema)."""
    digest = hashlib.sha256()
    package = ROOT / "crag_desktop"
    for path in (
        *sorted((package / "domain/synthetic").glob("*.py")),
        package / "storage/tables.py",
        *sorted((package / "storage/repositories").glob("*.py")),
    ):
        digest.update(path.read_bytes())
    for migration in sorted((package / "storage/migrations/versions").glob("*.py")):
        digest.update(migration.read_bytes())
    return digest.hexdigest()[:12]


def build_database(rows: int, *, cache: Path = CACHE) -> Path:
    """The synthetic database of `rows` referrals, built once per size and generator version."""
    from crag_desktop.domain.synthetic import synthetic_document
    from crag_desktop.services.database import Database
    from crag_desktop.services.interchange import add_document

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"synthetic-{rows}-{generator_version()}.crag"
    if path.exists():
        return path
    partial = path.with_suffix(".building")
    for stale in cache.glob(partial.name + "*"):
        stale.unlink()
    with Database.create(partial, PASSPHRASE, operator="benchmark") as db:
        add_document(db, synthetic_document(size=rows, seed=SEED), reason="benchmark data")
    partial.rename(path)
    return path


def empty_database(cache: Path = CACHE) -> Path:
    """An empty database of the current schema (copied for each import)."""
    from crag_desktop.services.database import Database

    path = cache / f"empty-{generator_version()}.crag"
    if not path.exists():
        partial = path.with_suffix(".building")
        for stale in cache.glob(partial.name + "*"):
            stale.unlink()
        with Database.create(partial, PASSPHRASE, operator="benchmark"):
            pass
        partial.rename(path)
    return path


def working_copy(source: Path, folder: Path, name: str) -> Path:
    """A private copy of a closed database file (the benchmark changes its copies only)."""
    target = folder / name
    for leftover in folder.glob(name + "*"):
        leftover.unlink()
    shutil.copyfile(source, target)
    return target


# --- Subprocesses ------------------------------------------------------------------------------


@functools.cache
def _compile_bytecode() -> None:
    """Compile the app's modules to bytecode once, as installing the app does.

    pip compiles an installed package's bytecode; a source checkout (an editable install)
    gets it written at first import, unless PYTHONDONTWRITEBYTECODE is set (some machines
    set it), when every start compiled the app's own modules from source again: 60-80 ms of
    start-up that no installed app pays and the raw baseline, having no modules of its own,
    never does. py_compile writes whatever that setting says.
    """
    for folder in ("crag_desktop", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1)


def run_child(role: str, db: Path, *args: str) -> tuple[float, str]:
    """Run a `benchmarks.children` role; (seconds from spawn to its RESULT line, the line)."""
    _compile_bytecode()
    env = dict(os.environ, CRAG_PASSPHRASE=PASSPHRASE, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "benchmarks.children", role, str(db), *args]
    return _spawn(command, env)


def _spawn(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    result = ""
    for line in process.stdout:
        if line.startswith("RESULT"):
            result = line.strip()
            break
    elapsed = time.perf_counter() - start
    _out, err = process.communicate()
    if not result:
        raise RuntimeError(f"{command[3:5]} failed: {err.strip()[-2000:]}")
    return elapsed, result


# --- The figures -------------------------------------------------------------------------------


@dataclass
class Context:
    """What every figure needs: the database, a scratch folder, repetitions."""

    rows: int
    db_path: Path
    scratch: Path
    repeats: int
    log: Callable[[str], None] = print
    cache: Path = CACHE


def _open(path: Path, *, record_unlock: bool = False) -> Any:
    from crag_desktop.services.database import Database

    return Database.open(path, PASSPHRASE, operator="benchmark", record_unlock=record_unlock)


def _raw(path: Path) -> Any:
    from benchmarks.children import raw_connection

    return raw_connection(str(path), PASSPHRASE)


def unlock(ctx: Context) -> list[Figure]:
    """Unlock (open, check, audit the unlock) against keying and reading page 1 raw."""
    path = working_copy(ctx.db_path, ctx.scratch, "unlock.crag")

    def measured() -> float:
        start = time.perf_counter()
        db = _open(path, record_unlock=True)
        elapsed = time.perf_counter() - start
        db.close()
        return elapsed

    def baseline() -> float:
        start = time.perf_counter()
        connection = _raw(path)
        elapsed = time.perf_counter() - start
        connection.close()
        return elapsed

    measured()  # imports and the file cache, for both sides
    ours, theirs = interleaved(measured, baseline, max(ctx.repeats, 5))
    return [figure("unlock", median(ours), median(theirs), 1.3)]


def start_to_paint(ctx: Context) -> list[Figure]:
    """Process start to a painted main window (DB unlocked) against a bare window + page."""
    path = working_copy(ctx.db_path, ctx.scratch, "start.crag")
    run_child("start_bare", path)  # warm the file cache
    ours, theirs = interleaved(
        lambda: run_child("start_app", path)[0],
        lambda: run_child("start_bare", path)[0],
        ctx.repeats,
    )
    return [figure("start to painted window", median(ours), median(theirs), 2.0)]


def memory(ctx: Context) -> list[Figure]:
    """Resident memory with the Referrals screen listing, against the rows as raw tuples."""
    path = working_copy(ctx.db_path, ctx.scratch, "memory.crag")
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(max(1, ctx.repeats // 2)):
        theirs.append(float(run_child("memory_bare", path)[1].split()[1]))
        ours.append(float(run_child("memory_app", path)[1].split()[1]))
    mib = 1024 * 1024
    return [figure("memory (RSS)", median(ours) / mib, median(theirs) / mib, 1.5, unit="MiB")]


def _compiled_sql(statement: Any) -> str:
    from sqlalchemy.dialects import sqlite

    return str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


class _Recorder:
    """Catches the SQL a service runs, so the baseline runs exactly that SQL raw."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.statements: list[tuple[str, Any]] = []
        self._engine = engine
        event.listen(engine, "before_cursor_execute", self._catch)

    def _catch(self, _conn: Any, _cursor: Any, sql: str, params: Any, *_: Any) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            self.statements.append((sql, params))

    def stop(self) -> None:
        from sqlalchemy import event

        event.remove(self._engine, "before_cursor_execute", self._catch)


def lists(ctx: Context) -> list[Figure]:
    """The referral list: first page, sort, filter, deep page, against the same SQL raw."""
    from crag_desktop.services.lists import ReferralList, ReferralQuery, ReferralSort

    path = working_copy(ctx.db_path, ctx.scratch, "lists.crag")
    db = _open(path)
    raw = _raw(path)
    service = ReferralList(db=db)
    try:
        middle_key: Any = None
        query = ReferralQuery()
        # The sort key of the row in the middle, by walking pages as a scrolling view does.
        after = None
        seen = 0
        while seen < ctx.rows // 2:
            page = service.page(query, after=after, limit=500)
            if not page:
                break
            seen += len(page)
            after = page[-1].sort_key
        middle_key = after
        cases: list[tuple[str, Callable[[], object], float, float | None]] = [
            ("list: first page", lambda: (service.count(query), service.page(query)), 3.0, None),
            (
                "list: sort by case name",
                lambda: service.page(ReferralQuery(sort=ReferralSort.CASE_NAME)),
                3.0,
                None,
            ),
            (
                "list: filter (search text)",
                lambda: (
                    service.count(ReferralQuery(text="Gre")),
                    service.page(ReferralQuery(text="Gre")),
                ),
                3.0,
                None,
            ),
            (
                "list: deep page (middle)",
                lambda: service.page(query, after=middle_key),
                3.0,
                0.002,
            ),
        ]
        figures = []
        for name, action, target, limit in cases:
            recorder = _Recorder(db.engine)
            action()
            recorder.stop()
            statements = list(recorder.statements)

            def baseline(statements: list[tuple[str, Any]] = statements) -> float:
                start = time.perf_counter()
                for sql, params in statements:
                    raw.execute(sql, params).fetchall()
                return time.perf_counter() - start

            def ours_once(action: Callable[[], object] = action) -> float:
                return timed(action)

            ours, theirs = interleaved(ours_once, baseline, 15)
            figures.append(figure(name, median(ours), median(theirs), target, limit=limit))
        return figures
    finally:
        raw.close()
        db.close()


def save_record(ctx: Context) -> list[Figure]:
    """Saving one referral (at the middle of the list): p95 against a raw update + commit."""
    import dataclasses

    from crag_desktop.services.records import RecordService

    path = working_copy(ctx.db_path, ctx.scratch, "save.crag")
    db = _open(path)
    raw = _raw(path)
    raw.execute("PRAGMA synchronous = FULL")
    try:
        records = RecordService(db=db)
        with db.unit_of_work() as session:
            from sqlalchemy import text

            ids = list(session.execute(text("SELECT id FROM referral ORDER BY received, id")))
        referral_id = str(ids[len(ids) // 2][0])
        counter = iter(range(1_000_000))

        def measured() -> float:
            record = records.get(Referral, referral_id)
            changed = dataclasses.replace(record, summary=f"{record.summary[:200]} {next(counter)}")
            return timed(lambda: records.save(changed))

        def baseline() -> float:
            summary = f"raw {next(counter)}"

            def write() -> None:
                raw.execute("BEGIN")
                raw.execute("UPDATE referral SET summary = ? WHERE id = ?", (summary, referral_id))
                raw.execute("COMMIT")

            return timed(write)

        measured()
        ours, theirs = interleaved(measured, baseline, 20)
        return [figure("save one record (p95)", p95(ours), p95(theirs), 3.0)]
    finally:
        raw.close()
        db.close()


def _data_tables() -> list[str]:
    from crag_desktop.storage.tables import metadata

    skip = {"audit_event", "audit_head", "draft", "alembic_version"}
    return [t.name for t in metadata.sorted_tables if t.name not in skip]


def import_export(ctx: Context) -> list[Figure]:
    """Export the whole database and import it into an empty one, against raw SQL."""
    from crag_desktop.services.interchange import export_file, import_file, read_document_file

    source = working_copy(ctx.db_path, ctx.scratch, "export.crag")
    template = empty_database(ctx.cache)
    exported = ctx.scratch / "export.json"
    tables = _data_tables()
    db = _open(source)
    raw_source = _raw(source)
    try:
        data: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in tables:
            cursor = raw_source.execute(f"SELECT * FROM {table}")
            data[table] = ([d[0] for d in cursor.description], cursor.fetchall())

        def export_measured() -> float:
            return timed(lambda: export_file(db, exported))

        def export_baseline() -> float:
            target = ctx.scratch / "raw-export.json"

            def dump() -> None:
                document = {}
                for table in tables:
                    cursor = raw_source.execute(f"SELECT * FROM {table}")
                    names = [d[0] for d in cursor.description]
                    document[table] = [dict(zip(names, row, strict=True)) for row in cursor]
                target.write_bytes(json.dumps(document, default=str).encode("utf-8"))

            return timed(dump)

        export_repeats = max(3, ctx.repeats // 2)
        ours, theirs = interleaved(export_measured, export_baseline, export_repeats)
        figures = [figure("export (whole database)", median(ours), median(theirs), 4.0)]
    finally:
        raw_source.close()
        db.close()

    def import_measured() -> float:
        target = working_copy(template, ctx.scratch, "import.crag")
        with _open(target) as fresh:
            start = time.perf_counter()
            # As File > Import and `crag-desktop import` call it: with the file's size.
            import_file(
                fresh,
                read_document_file(exported),
                source_name=exported.name,
                source_size=exported.stat().st_size,
            )
            return time.perf_counter() - start

    def import_baseline() -> float:
        target = working_copy(template, ctx.scratch, "raw-import.crag")
        connection = _raw(target)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = FULL")
        start = time.perf_counter()
        connection.execute("BEGIN")
        for table in tables:
            names, rows = data[table]
            if rows:
                marks = ", ".join("?" for _ in names)
                quoted = ", ".join(f'"{n}"' for n in names)
                connection.executemany(
                    f"INSERT INTO {table} ({quoted}) VALUES ({marks})",
                    rows,
                )
        connection.execute("COMMIT")
        elapsed = time.perf_counter() - start
        connection.close()
        return elapsed

    import_repeats = max(1, min(3, ctx.repeats // 2))
    ours, theirs = interleaved(import_measured, import_baseline, import_repeats)
    figures.append(figure("import (interchange JSON)", median(ours), median(theirs), 4.0))
    return figures


def _report_process(out: Path, *report_args: str) -> Callable[[], float]:
    """Timing of `crag-desktop report ... --out out` as a new process (from spawn to exit
    code), checking that it wrote the file."""
    env = dict(os.environ, CRAG_PASSPHRASE=PASSPHRASE, CRAG_OPERATOR="benchmark")
    command = [
        sys.executable,
        "-c",
        "import sys; from crag_desktop.cli import main; code = main(sys.argv[1:]); "
        "print('RESULT', code, flush=True)",
        "report",
        *report_args,
        "--out",
        str(out),
    ]

    def measured() -> float:
        out.unlink(missing_ok=True)
        elapsed, line = _spawn(command, env)
        if line.split()[1] != "0" or not out.exists():
            raise RuntimeError(f"crag-desktop report {report_args[0]} did not write {out.name}")
        return elapsed

    return measured


def decision_record(ctx: Context) -> list[Figure]:
    """`crag-desktop report decision` as a whole process, against raw key + Platypus."""
    path = working_copy(ctx.db_path, ctx.scratch, "decision.crag")
    raw = _raw(path)
    row = raw.execute(
        "SELECT r.id, r.reference FROM referral r JOIN criteria_decision d "
        "ON d.referral_id = r.id ORDER BY r.received DESC LIMIT 1"
    ).fetchone()
    raw.close()
    if row is None:
        return []
    referral_id, reference = str(row[0]), str(row[1])
    measured = _report_process(
        ctx.scratch / "decision.pdf", "decision", str(path), "--referral", reference
    )

    def baseline() -> float:
        return run_child("decision_bare", path, referral_id, str(ctx.scratch / "raw.pdf"))[0]

    ours, theirs = interleaved(measured, baseline, ctx.repeats)
    return [figure("decision record (whole process)", median(ours), median(theirs), 2.0)]


def annual_content(view: Any) -> list[tuple[str, str, Any]]:
    """What an annual report view prints, as plain tables, charts and paragraphs (for the
    raw baseline to lay out the same amount of content)."""
    import dataclasses
    from collections.abc import Mapping

    from crag_desktop.reports.annual_report_view import ChartData, FigureTable, SourceGroup

    def cells(item: Any) -> list[str]:
        return [str(getattr(item, f.name)) for f in dataclasses.fields(item)]

    content: list[tuple[str, str, Any]] = []
    for field in dataclasses.fields(view):
        value = getattr(view, field.name)
        if isinstance(value, FigureTable):
            rows = [[r.label, *map(str, r.values)] for r in value.rows]
            content.append(("table", value.caption, rows))
        elif isinstance(value, ChartData):
            content.append(("chart", value.title, [list(bar) for bar in value.bars]))
        elif isinstance(value, Mapping):
            texts = [getattr(n, "text", str(n)) for n in value.values()]
            content.append(("section", field.name, [t for t in texts if t]))
        elif isinstance(value, tuple) and value and isinstance(value[0], SourceGroup):
            for group in value:
                content.append(
                    (
                        "paragraphs",
                        group.heading,
                        [f"{s.label}: {s.count}: {', '.join(s.records)}" for s in group.figures],
                    )
                )
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            content.append(("table", field.name, [cells(item) for item in value]))
    return content


def _largest_year(path: Path) -> int | None:
    """The ended reporting year (April to March) that received the most referrals."""
    import datetime as dt

    today = dt.date.today()
    current = today.year - (today.month < 4)
    raw = _raw(path)
    try:
        counts = raw.execute(
            "SELECT CAST(strftime('%Y', received) AS INTEGER) "
            "- (CAST(strftime('%m', received) AS INTEGER) < 4) AS year, count(*) AS n "
            "FROM referral GROUP BY year"
        ).fetchall()
    finally:
        raw.close()
    ended = [(int(n), int(year)) for year, n in counts if int(year) < current]
    return max(ended)[1] if ended else None


def annual_report(ctx: Context) -> list[Figure]:
    """`crag-desktop report annual` for the largest year, as a whole process, against a raw
    process laying out the same tables, charts and paragraphs with Platypus."""
    import datetime as dt

    from crag_desktop.services.annual_report_contents import build_annual_report_view
    from crag_desktop.storage.repositories import load_document

    path = working_copy(ctx.db_path, ctx.scratch, "annual.crag")
    year = _largest_year(path)
    if year is None:
        return []
    with _open(path) as db, db.unit_of_work() as session:
        document = load_document(session)
    view = build_annual_report_view(
        document, year, as_of=None, now=dt.datetime.now().astimezone(), operator="benchmark"
    )
    content = ctx.scratch / "annual-content.json"
    content.write_text(json.dumps(annual_content(view)), encoding="utf-8")
    measured = _report_process(ctx.scratch / "annual.pdf", "annual", str(path), "--year", str(year))

    def baseline() -> float:
        raw_out = str(ctx.scratch / "raw-annual.pdf")
        return run_child("annual_bare", path, str(year), str(content), raw_out)[0]

    ours, theirs = interleaved(measured, baseline, max(1, min(ctx.repeats, 3)))
    return [
        figure(
            "annual report (largest year, process)",
            median(ours),
            median(theirs),
            2.0,
            note=f"year {year}/{(year + 1) % 100:02d}",
        )
    ]


# --- In-process GUI figures ----------------------------------------------------------------------


@dataclass
class _Gui:
    app: Any
    window: Any
    current: Any


def _gui(path: Path) -> Iterator[_Gui]:
    from benchmarks.children import app_window

    app, window, current = app_window(str(path), PASSPHRASE)
    try:
        yield _Gui(app=app, window=window, current=current)
    finally:
        window.close()
        current.close()
        window.deleteLater()
        app.processEvents()


def scrolling(ctx: Context, gui: _Gui) -> list[Figure]:
    """p95 frame scrolling the Referrals list, against the same view over an in-memory model."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QTableView

    from crag_desktop.ui.navigation import ScreenKey

    window = gui.window
    window.show_screen(ScreenKey.REFERRALS)
    screen = window.wait_shown(ScreenKey.REFERRALS)
    table = screen.table
    model = screen.model
    columns = model.columnCount()
    rows = [
        tuple(model.data(model.index(r, c)) for c in range(columns))
        for r in range(min(model.rowCount(), 200))
    ]

    class Memory(QAbstractTableModel):
        """Every row in a Python list: the floor a table model can reach."""

        def __init__(self, data: list[tuple[Any, ...]], total: int) -> None:
            super().__init__()
            self._data = data
            self._total = total

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else self._total

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else columns

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            return self._data[index.row() % len(self._data)][index.column()]

    memory_view = QTableView()
    memory_model = Memory(rows or [("",) * columns], max(model.total, 1))
    memory_view.setModel(memory_model)
    memory_view.resize(table.viewport().width(), table.viewport().height())
    memory_view.show()
    gui.app.processEvents()

    def frame(view: Any, step: int) -> float:
        bar = view.verticalScrollBar()
        start = time.perf_counter()
        bar.setValue(min(bar.maximum(), bar.value() + step))
        view.viewport().repaint()
        return time.perf_counter() - start

    step = max(1, table.viewport().height() // max(1, table.rowHeight(0) or 24))
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(150):
        ours.append(frame(table, step * table.verticalScrollBar().singleStep()))
        theirs.append(frame(memory_view, step * memory_view.verticalScrollBar().singleStep()))
    memory_view.close()
    memory_view.deleteLater()
    return [
        figure(
            "scroll frame (p95)",
            p95(ours),
            p95(theirs),
            2.0,
            note=f"{len(ours)} frames; rows loaded {model.loaded} of {model.total}",
        )
    ]


def gui_stalls(ctx: Context, gui: _Gui) -> list[Figure]:
    """The longest GUI-thread stall in a scripted session, against the 100 ms limit."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    from crag_desktop.ui.navigation import ScreenKey

    window = gui.window
    app = gui.app
    stalls: list[tuple[float, str]] = []
    # The GUI thread's CPU time per step beside the wall clock: on shared cores the wall clock
    # is mostly waiting for a core, and the CPU time says what the step itself costs.
    cpu: dict[int, float] = {}

    def run(label: str, action: Callable[[], object] = lambda: None) -> None:
        start, start_cpu = time.perf_counter(), time.thread_time()
        action()
        # Everything the action queued (paints, timers due now, fetches) counts with it.
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
        cpu[len(stalls)] = time.thread_time() - start_cpu
        stalls.append((time.perf_counter() - start, label))

    def switch(key: ScreenKey) -> Any:
        # A screen shown for the first time is built over several turns of the event loop:
        # each turn is a step of its own, and the session goes on once the screen is in front.
        label = f"switch to {key.name.lower()}"
        run(label, partial(window.show_screen, key))
        return window.wait_shown(key, turn=partial(run, f"{label} (building)"))

    def wait(ms: int) -> None:
        # The event loop runs (timers such as the search delay fire): time each event.
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    class Watch:
        """Times every event the GUI thread handles while the script waits."""

        def __init__(self) -> None:
            self.longest = 0.0
            self.last = time.perf_counter()
            self.timer = QTimer()
            self.timer.setInterval(5)
            self.timer.timeout.connect(self.tick)

        def tick(self) -> None:
            now = time.perf_counter()
            self.longest = max(self.longest, now - self.last - 0.005)
            self.last = now

    watch = Watch()
    watch.timer.start()
    for key in window.screen_keys():
        switch(key)
        wait(30)
    referrals = switch(ScreenKey.REFERRALS)
    run("search", lambda: referrals.search_box.setText("Gre"))
    wait(400)
    run("clear search", lambda: referrals.search_box.setText(""))
    wait(400)
    table = referrals.table
    run("sort by case", lambda: table.sortByColumn(2, Qt.SortOrder.AscendingOrder))
    run("sort by received", lambda: table.sortByColumn(1, Qt.SortOrder.AscendingOrder))
    model = referrals.model
    bar = table.verticalScrollBar()
    guard = 0
    while model.loaded < model.total // 2 and guard < 10_000:
        guard += 1
        run("scroll to the middle", lambda: bar.setValue(bar.maximum()))
    middle = model.loaded - 1
    run("open", lambda: referrals.open_record(model.row_id(middle)))
    wait(50)

    def edit_and_save() -> None:
        form = referrals.form
        form.summary.setPlainText(form.summary.toPlainText()[:200] + " (benchmark)")
        referrals.save()

    run("save", edit_and_save)
    wait(100)
    watch.timer.stop()
    longest = sorted(range(len(stalls)), key=lambda i: stalls[i][0], reverse=True)[:5]
    costliest = sorted(cpu, key=cpu.__getitem__, reverse=True)[:5]
    for heading, steps in (("longest steps", longest), ("most CPU", costliest)):
        ctx.log(f"    {heading} (wall / GUI-thread CPU, ms):")
        for i in steps:
            ctx.log(f"      {stalls[i][0] * 1000:7.1f} / {cpu[i] * 1000:6.1f}  {stalls[i][1]}")
    worst, label = max(stalls)
    event_worst = watch.longest
    if event_worst > worst:
        worst, label = event_worst, "an event while waiting"
    return [
        figure(
            "longest GUI stall (scripted session)",
            worst,
            0.1,
            1.0,
            note=f"worst step: {label}; {len(stalls)} steps",
        )
    ]


FIGURES: list[Callable[[Context], list[Figure]]] = [
    unlock,
    lists,
    save_record,
    import_export,
    start_to_paint,
    memory,
    decision_record,
    annual_report,
]


def gui_figures(ctx: Context) -> list[Figure]:
    """The figures that need the window in this process."""
    path = working_copy(ctx.db_path, ctx.scratch, "gui.crag")
    figures: list[Figure] = []
    # Each on a window of its own: the session's first showing of the Referrals screen is
    # one of its steps, and scrolling starts at the top of a list nobody has sorted.
    for gui in _gui(path):
        figures += scrolling(ctx, gui)
    for gui in _gui(path):
        figures += gui_stalls(ctx, gui)
    return figures


#: Every group of figures by the name `run.py --only` takes.
GROUPS: dict[str, Callable[[Context], list[Figure]]] = {
    measure.__name__: measure for measure in [*FIGURES, gui_figures]
}


def run_all(
    *,
    rows: int,
    scratch: Path,
    repeats: int,
    log: Callable[[str], None] = print,
    cache: Path = CACHE,
    figures: list[Callable[[Context], list[Figure]]] | None = None,
) -> list[Figure]:
    """Build (or reuse) the database and measure every figure (or those given)."""
    start = time.perf_counter()
    db_path = build_database(rows, cache=cache)
    log(f"database of {rows} referrals ready ({time.perf_counter() - start:.1f} s): {db_path}")
    ctx = Context(
        rows=rows, db_path=db_path, scratch=scratch, repeats=repeats, log=log, cache=cache
    )
    results: list[Figure] = []
    for measure in [*FIGURES, gui_figures] if figures is None else figures:
        start = time.perf_counter()
        results += measure(ctx)
        log(f"  {measure.__name__}: {time.perf_counter() - start:.1f} s")
    return results


def table(figures: list[Figure]) -> str:
    """The figures as a text table."""
    lines = [
        f"{'figure':40} {'measured':>12} {'baseline':>12} {'ratio':>7} {'target':>7}  pass",
    ]
    for f in figures:
        scale, unit = (1000.0, "ms") if f.unit == "s" else (1.0, f.unit)
        limit = f" (<= {f.limit * scale:g} {unit})" if f.limit is not None else ""
        lines.append(
            f"{f.name:40} {f.measured * scale:>9.1f} {unit:2} {f.baseline * scale:>9.1f} {unit:2} "
            f"{f.ratio:>7.2f} {f.target_ratio:>7.2f}  {'yes' if f.passed else 'NO'}{limit}"
        )
    return "\n".join(lines)
