"""What the benchmark runs in fresh processes: start-up, memory and the PDF reports.

Each role is run as `python -m benchmarks.children ROLE DB [ARGS]` with the passphrase in
CRAG_PASSPHRASE. A role prints one line `RESULT <number>` when it is done: the parent times
start-up from spawning to that line (interpreter start is the same for both sides), and
memory is the number itself (resident set, in bytes).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _rss_bytes() -> int:
    """The process's resident set now (Linux), in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def _qt_app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    # Settings of the benchmark's own, never the user's.
    folder = tempfile.mkdtemp(prefix="crag-bench-settings-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("crag-benchmark")
    return app


def _paint(app: Any, window: Any) -> None:
    """Show the window and paint it now (synchronously), as the user first sees it."""
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.repaint()
    app.processEvents()


def app_window(db_path: str, passphrase: str) -> tuple[Any, Any, Any]:
    """The real app's start: import, unlock, build the main window, first pages, paint."""
    # As `crag-desktop` (cli.run_gui) does: the database code is imported before Qt.
    import crag_desktop.services.database  # noqa: F401

    app = _qt_app()
    from crag_desktop.app import _database_api, configure_application, load_window_code
    from crag_desktop.ui.lock import CurrentDatabase
    from crag_desktop.ui.prompts import ScriptedPrompter
    from crag_desktop.ui.settings import AppSettings

    configure_application(app)
    settings = AppSettings()
    opener, creator = _database_api()
    # As app.run_gui does, given the passphrase (or the unlock window, once it is typed): the
    # window's code loads while the key is derived.
    database = opener(
        Path(db_path), passphrase, operator="benchmark", while_keying=load_window_code
    )
    from crag_desktop.window import build_main_window

    current = CurrentDatabase(database=database)
    window = build_main_window(
        current=current,
        settings=settings,
        prompter=ScriptedPrompter(),
        opener=opener,
        creator=creator,
    )
    # As app.run_gui does: first pages, then show.
    window.refresh_screens(None)
    _paint(app, window)
    return app, window, current


# The referral list's first page as raw SQL (the same columns the Referrals screen shows).
FIRST_PAGE_SQL = (
    "SELECT r.id, r.reference, r.received, r.case_name, a.name, r.incident_type, r.status, "
    "d.decided_outcome, (SELECT count(*) FROM referral_child c WHERE c.referral_id = r.id) "
    "FROM referral r JOIN agency a ON a.id = r.referring_agency_id "
    "LEFT JOIN criteria_decision d ON d.referral_id = r.id "
    "ORDER BY r.received, r.id LIMIT 200"
)
ALL_ROWS_SQL = FIRST_PAGE_SQL.replace(" LIMIT 200", "")


def raw_connection(db_path: str, passphrase: str) -> Any:
    """A raw sqlcipher3 connection keyed with the passphrase: the floor every figure uses."""
    import sqlcipher3.dbapi2 as sqlcipher

    connection = sqlcipher.connect(db_path, isolation_level=None)
    connection.execute("PRAGMA cipher_log_level = NONE")
    escaped = passphrase.replace("'", "''")
    connection.execute(f"PRAGMA key = '{escaped}'")
    connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return connection


def bare_window(db_path: str, passphrase: str, sql: str = FIRST_PAGE_SQL) -> tuple[Any, Any]:
    """The baseline: a bare window with a table of the first page, read with the raw key."""
    app = _qt_app()
    from PySide6.QtWidgets import QMainWindow, QTableWidget, QTableWidgetItem

    connection = raw_connection(db_path, passphrase)
    rows = connection.execute(sql).fetchall()
    window = QMainWindow()
    table = QTableWidget(min(len(rows), 200), 9)
    for r, row in enumerate(rows[:200]):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(str(value)))
    window.setCentralWidget(table)
    _paint(app, window)
    return app, (window, rows, connection)


def start_app(db_path: str, passphrase: str) -> None:
    """Role: the app from nothing to a painted main window."""
    _app, _window, _current = app_window(db_path, passphrase)
    print("RESULT 0", flush=True)
    os._exit(0)


def start_bare(db_path: str, passphrase: str) -> None:
    """Role: baseline of start_app."""
    _app, _keep = bare_window(db_path, passphrase)
    print("RESULT 0", flush=True)
    os._exit(0)


def memory_app(db_path: str, passphrase: str) -> None:
    """Role: the app with the Referrals screen showing its list."""
    _app, window, _current = app_window(db_path, passphrase)
    from crag_desktop.ui.navigation import ScreenKey

    window.show_screen(ScreenKey.REFERRALS)
    # Built, loaded and shown over several turns of the event loop, as a user sees it.
    window.wait_shown(ScreenKey.REFERRALS)
    window.repaint()
    gc.collect()
    print(f"RESULT {_rss_bytes()}", flush=True)
    os._exit(0)


def memory_bare(db_path: str, passphrase: str) -> None:
    """Role: baseline of memory_app: Qt, a window, and every listed row as raw tuples."""
    _app, keep = bare_window(db_path, passphrase, ALL_ROWS_SQL)
    gc.collect()
    print(f"RESULT {_rss_bytes()} rows={len(keep[1])}", flush=True)
    os._exit(0)


def decision_bare(db_path: str, passphrase: str, referral: str, out: str) -> None:
    """Role: baseline of `crag-desktop report decision`: read the referral, its decision and
    its children with the raw key and write a Platypus document of the same fields."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    connection = raw_connection(db_path, passphrase)
    cursor = connection.execute("SELECT * FROM referral WHERE id = ?", (referral,))
    names = [d[0] for d in cursor.description]
    values = cursor.fetchone()
    cursor = connection.execute(
        "SELECT * FROM criteria_decision WHERE referral_id = ?", (referral,)
    )
    decision_names = [d[0] for d in cursor.description]
    decision = cursor.fetchone() or ()
    children = connection.execute(
        "SELECT * FROM referral_child WHERE referral_id = ?", (referral,)
    ).fetchall()
    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph("Criteria decision record", styles["Title"])]
    for name, value in [
        *zip(names, values, strict=True),
        *zip(decision_names, decision, strict=False),
    ]:
        story.append(Paragraph(f"<b>{name}</b>: {value}", styles["BodyText"]))
    story.append(Spacer(1, 12))
    story.append(Table([[str(v) for v in child] for child in children] or [[""]]))
    SimpleDocTemplate(out, pagesize=A4).build(story)
    print("RESULT 0", flush=True)
    os._exit(0)


def annual_bare(db_path: str, passphrase: str, year: str, content: str, out: str) -> None:
    """Role: baseline of `crag-desktop report annual`: read the year's referrals, reviews
    and recommendations with the raw key, and write a Platypus document of the report's
    tables, charts and paragraphs (`content`: JSON from `annual_content`), long tables in
    chunks of 250 rows."""
    import json

    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

    start, end = f"{year}-04-01", f"{int(year) + 1}-03-31"
    connection = raw_connection(db_path, passphrase)
    for sql in (
        "SELECT * FROM referral WHERE received BETWEEN ? AND ?",
        "SELECT c.* FROM referral_child c JOIN referral r ON r.id = c.referral_id "
        "WHERE r.received BETWEEN ? AND ?",
        "SELECT d.* FROM criteria_decision d JOIN referral r ON r.id = d.referral_id "
        "WHERE r.received BETWEEN ? AND ?",
        "SELECT * FROM review WHERE commissioned_on <= ? OR published_on >= ?",
        "SELECT c.* FROM recommendation c JOIN review v ON v.id = c.review_id "
        "WHERE v.commissioned_on <= ? OR v.published_on >= ?",
    ):
        connection.execute(sql, (start, end)).fetchall()
    data = json.loads(Path(content).read_text(encoding="utf-8"))
    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph("Annual report", styles["Title"])]
    for kind, title, body in data:
        story.append(Paragraph(title, styles["Heading2"]))
        if kind == "table":
            for i in range(0, max(len(body), 1), 250):
                story.append(Table(body[i : i + 250] or [[""]], repeatRows=0))
        elif kind == "chart":
            drawing = Drawing(400, 200)
            chart = VerticalBarChart()
            chart.x, chart.y, chart.width, chart.height = 40, 30, 340, 150
            chart.data = [[value for _label, value in body] or [0]]
            chart.categoryAxis.categoryNames = [label for label, _value in body] or [""]
            drawing.add(chart)
            story.append(drawing)
        else:
            story.extend(Paragraph(text, styles["BodyText"]) for text in body)
        if kind == "section":
            story.append(PageBreak())
    SimpleDocTemplate(out, pagesize=A4).build(story)
    print("RESULT 0", flush=True)
    os._exit(0)


ROLES: dict[str, Callable[..., None]] = {
    "start_app": start_app,
    "start_bare": start_bare,
    "memory_app": memory_app,
    "memory_bare": memory_bare,
    "decision_bare": decision_bare,
    "annual_bare": annual_bare,
}


def main(argv: list[str]) -> None:
    """`ROLE DB [ARGS...]`, passphrase in CRAG_PASSPHRASE."""
    role, db_path, *rest = argv
    ROLES[role](db_path, os.environ["CRAG_PASSPHRASE"], *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
