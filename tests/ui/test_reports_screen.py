"""The Reports screen: generate each report in the background, read it in the preview,
cancel, print (to a PDF file through QPrinter) and save, each print and save audited."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import AuditEvent, Document
from crag_desktop.reports import annual_report as annual_layout
from crag_desktop.reports.protection import is_encrypted
from crag_desktop.services import annual_report as annual_service
from crag_desktop.services import report_files
from crag_desktop.services.annual_report import statistics_json_text
from crag_desktop.services.database import Database
from crag_desktop.storage import audit
from crag_desktop.ui.prompts import PdfProtection, ScriptedPrompter
from crag_desktop.ui.tasks import TaskRunner
from crag_desktop.ui.views.report_makers import ReportKind
from crag_desktop.ui.views.reports import ReportsScreen
from tests.helpers.databases import PASSPHRASE, fresh_copy
from tests.helpers.qt import main_window, press, show_screen, type_text, wait_shown
from tests.ui.conftest import last_printed_line

PDF_PASSPHRASE = "a long pdf passphrase"


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = fresh_copy(demo_template, tmp_path / "demo.crag")
    with Database.open(path, PASSPHRASE, operator="Board Manager") as database:
        yield database


@pytest.fixture
def statuses() -> list[str]:
    return []


@pytest.fixture
def screen(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter, statuses: list[str]
) -> Iterator[ReportsScreen]:
    tasks = TaskRunner(prompter=prompter)
    widget = ReportsScreen(
        db=db,
        prompter=prompter,
        tasks=tasks,
        status=statuses.append,
        changed=lambda _changes: None,
        search_delay_ms=0,
    )
    show_screen(qtbot, widget, 1100, 760)
    yield widget
    tasks.cancel_all()
    tasks.wait_for_done(30_000)


@dataclass(frozen=True)
class Outbox:
    """Where a print or a save goes and what it leaves behind: the folder, the status bar's
    sentences and the audit trail."""

    folder: Path
    statuses: list[str]
    db: Database

    def events(self, action: str) -> list[AuditEvent]:
        return events(self.db, action)

    def wait_for_status(self, qtbot: QtBot) -> None:
        """Wait until the status bar says the print or save is done."""
        qtbot.waitUntil(lambda: bool(self.statuses), timeout=60_000)


@pytest.fixture
def outbox(tmp_path: Path, statuses: list[str], db: Database) -> Outbox:
    return Outbox(folder=tmp_path, statuses=statuses, db=db)


def generate(qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter) -> None:
    assert screen.generate()
    qtbot.waitUntil(lambda: not screen.generating, timeout=60_000)
    assert [s for s in prompter.shown if s.kind == "error"] == []
    assert screen.generated is not None


def generate_register_2016(qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter) -> None:
    """The register of the demo's 2016/17 referrals, generated and previewed."""
    screen.choose(ReportKind.REGISTER)
    screen.register.year.setValue(2016)
    generate(qtbot, screen, prompter)


def choose_referral(qtbot: QtBot, screen: ReportsScreen, reference: str) -> None:
    screen.choose(ReportKind.DECISION)
    type_text(qtbot, screen.picker.search_box, reference)
    screen.picker.search_box.flush()
    qtbot.waitUntil(lambda: screen.picker.chosen_reference == reference, timeout=5000)


def events(db: Database, action: str) -> list[AuditEvent]:
    with db.unit_of_work() as session:
        return [e for e in audit.list_events(session) if e.action == action]


def pdf_pages_text(path: Path) -> list[str]:
    pages = int(
        next(
            line.split()[-1]
            for line in subprocess.run(
                ["pdfinfo", str(path)], capture_output=True, text=True, check=True
            ).stdout.splitlines()
            if line.startswith("Pages:")
        )
    )
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, pages + 1)
    ]


def dark_pixels(pdf: bytes, page: int, folder: Path) -> int:
    """How many pixels of `page` print dark (grey at 100 dpi, as pdftoppm draws it); the
    PDF is read from memory."""
    out = folder / f"page-{page}"
    first_last = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "100", *first_last, "-singlefile", "-", str(out)],
        input=pdf,
        check=True,
        capture_output=True,
    )
    header, pixels = out.with_suffix(".pgm").read_bytes().split(b"\n255\n", 1)
    assert header.startswith(b"P5")
    return sum(1 for value in pixels if value < 128)


# --- generating and previewing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (ReportKind.ANNUAL, "The annual report 2016/17"),
        (ReportKind.REGISTER, "The referral register 2016/17"),
        (ReportKind.DECISION, "The decision record of CRAG-2016-01"),
    ],
)
def test_each_report_is_generated_and_shown_page_by_page(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter, kind: ReportKind, title: str
) -> None:
    if kind == ReportKind.DECISION:
        choose_referral(qtbot, screen, "CRAG-2016-01")
    else:
        screen.choose(kind)
        screen.annual.year.setValue(2016)
        screen.register.year.setValue(2016)
    generate(qtbot, screen, prompter)
    assert screen.generated is not None
    report = screen.generated.report
    assert report.data.startswith(b"%PDF")
    assert report.pages >= 1
    # The preview reads the same bytes: its page count is the report's.
    assert screen.preview.page_count == report.pages
    assert screen.preview.page_count_label.text() == f"of {report.pages}"
    assert screen.shown_label.text().startswith(f"{title} · {report.pages} page")
    assert screen.print_button.isEnabled()
    assert screen.save_button.isEnabled()


def test_the_preview_moves_by_page_and_zooms_from_the_keyboard(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter
) -> None:
    screen.annual.year.setValue(2016)
    generate(qtbot, screen, prompter)
    preview = screen.preview
    assert preview.page_count > 5
    assert preview.current_page == 0
    assert not preview.previous_button.isEnabled()
    press(qtbot, preview.view, Qt.Key.Key_PageDown)
    assert preview.current_page == 1
    assert preview.page_box.value() == 2
    press(qtbot, preview.view, Qt.Key.Key_PageDown)
    press(qtbot, preview.view, Qt.Key.Key_PageUp)
    assert preview.current_page == 1
    preview.page_box.setValue(5)
    assert preview.current_page == 4
    press(qtbot, preview.view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert preview.current_page == preview.page_count - 1
    assert not preview.next_button.isEnabled()
    press(qtbot, preview.view, Qt.Key.Key_PageDown)
    assert preview.current_page == preview.page_count - 1

    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth
    assert preview.fit_width_button.isChecked()
    fitted = preview._effective_zoom()
    press(qtbot, preview.view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.Custom
    assert preview.zoom_factor == pytest.approx(fitted * 1.25)
    assert preview.zoom_label.text() == f"{round(fitted * 125)}%"
    press(qtbot, preview.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, preview.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom_factor == pytest.approx(fitted / 1.25)
    # Zooming kept the page being read.
    assert preview.current_page == preview.page_count - 1
    preview.fit_page_button.click()
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitInView
    assert preview.fit_page_button.isChecked()
    assert not preview.fit_width_button.isChecked()
    # A whole page fits: smaller than the width-fitted zoom on a wide preview.
    assert preview._effective_zoom() < fitted
    press(qtbot, preview.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomMode() == QPdfView.ZoomMode.FitToWidth


def test_ctrl_g_generates_and_the_decision_list_is_searched_not_listed_whole(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter
) -> None:
    screen.choose(ReportKind.DECISION)
    qtbot.waitUntil(lambda: screen.picker.matches.count() > 0, timeout=5000)
    type_text(qtbot, screen.picker.search_box, "Child R")
    screen.picker.search_box.flush()
    assert screen.picker.matches.count() == 1
    assert screen.picker.chosen_reference == "CRAG-2016-02"
    type_text(qtbot, screen.picker.search_box, " nobody")
    screen.picker.search_box.flush()
    assert screen.picker.matches.count() == 0
    assert "No referral matches" in screen.picker.hint.text()
    screen.picker.search_box.clear()
    choose_referral(qtbot, screen, "CRAG-2016-02")
    press(qtbot, screen.picker.search_box, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.generated is not None, timeout=60_000)
    assert "CRAG-2016-02" in screen.shown_label.text()


# --- cancelling --------------------------------------------------------------------------


@pytest.fixture
def held_load(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Reading the records waits until the test lets it go; rendering is recorded."""
    release = threading.Event()
    real = annual_service._load

    def slow_load(db: Database, year: int) -> Document:
        release.wait(30)
        return real(db, year)

    monkeypatch.setattr(annual_service, "_load", slow_load)
    yield release
    release.set()


def test_cancel_stops_the_generation_before_its_next_stage(
    qtbot: QtBot,
    screen: ReportsScreen,
    *,
    prompter: ScriptedPrompter,
    held_load: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered: list[object] = []
    # The service imports the layout when it lays out, so the layout's own is replaced.
    real_render = annual_layout.render_annual_report

    def recording_render(*args: Any, **kwargs: Any) -> int:
        rendered.append(args)
        return int(real_render(*args, **kwargs))

    monkeypatch.setattr(annual_layout, "render_annual_report", recording_render)
    screen.annual.year.setValue(2016)
    assert screen.generate()
    assert screen.cancel_button.isEnabled()
    screen.cancel_button.click()
    assert screen.progress_label.text() == "Cancelling…"
    held_load.set()
    qtbot.waitUntil(lambda: not screen.generating, timeout=30_000)
    assert rendered == []
    assert screen.generated is None
    assert screen.preview.page_count == 0
    assert screen.progress_label.text() == "Generating was cancelled."
    assert prompter.shown == []


def test_a_second_generate_cancels_the_first(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter, held_load: threading.Event
) -> None:
    screen.annual.year.setValue(2016)
    assert screen.generate()
    screen.choose(ReportKind.REGISTER)
    screen.register.year.setValue(2016)
    assert screen.generate()
    held_load.set()
    qtbot.waitUntil(lambda: screen.generated is not None, timeout=60_000)
    assert screen.generated is not None
    assert screen.generated.report.what == "referral_register"
    # The first one stopped: it never replaces the register shown.
    screen._tasks.wait_for_done(30_000)
    qtbot.wait(50)
    assert screen.generated.report.what == "referral_register"
    assert not screen.generating


# --- printing ----------------------------------------------------------------------------


def test_print_sends_every_marked_page_after_recording_it(
    qtbot: QtBot,
    screen: ReportsScreen,
    prompter: ScriptedPrompter,
    outbox: Outbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen.annual.year.setValue(2016)
    generate(qtbot, screen, prompter)
    printed = outbox.folder / "printed.pdf"
    seen_before_audit: list[bool] = []
    real_record = report_files.record_report_printed

    def record(*args: Any, **kwargs: Any) -> None:
        # Audited before the printer has a page: the output does not exist yet.
        seen_before_audit.append(printed.exists())
        real_record(*args, **kwargs)

    monkeypatch.setattr(report_files, "record_report_printed", record)
    prompter.answer_printer(printed)
    assert screen.print_report()
    outbox.wait_for_status(qtbot)
    assert seen_before_audit == [False]
    assert screen.generated is not None
    count = screen.generated.report.pages
    assert (
        outbox.statuses[-1]
        == f"Sent the annual report 2016/17 ({count} pages) to PDF file printed.pdf."
    )
    pages = pdf_pages_text(printed)
    assert len(pages) == count
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    text = "\n".join(pages)
    assert "Reporting year 2016/17" in text
    assert "Contents" in pages[0]
    subprocess.run(["qpdf", "--check", str(printed)], check=True, capture_output=True)
    # The paper shows the page as the preview does: the searchable words laid under each
    # page never print through beside its own (that would make the page darker).
    shown = dark_pixels(screen.generated.report.data, 1, outbox.folder)
    sent_page = dark_pixels(printed.read_bytes(), 1, outbox.folder)
    assert abs(sent_page - shown) < shown * 0.02
    sent = outbox.events("send_to_printer")
    assert len(sent) == 1
    assert sent[0].record_type == "report"
    assert sent[0].record_id == "annual/2016"
    assert ("annual_report", None, "PDF file printed.pdf") in sent[0].changes
    assert prompter.questions[-1] == "Print the annual report 2016/17"


def test_cancelling_the_print_dialog_prints_and_records_nothing(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter, db: Database
) -> None:
    generate_register_2016(qtbot, screen, prompter)
    prompter.answer_printer(None)
    assert not screen.print_report()
    assert events(db, "send_to_printer") == []


# Qt says so on its own channel too; the user gets the sentence.
@pytest.mark.qt_log_ignore("QPainter::begin")
def test_a_printer_that_cannot_start_is_one_sentence_and_the_preview_stays(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    generate_register_2016(qtbot, screen, prompter)
    prompter.answer_printer(tmp_path / "no such folder" / "printed.pdf")
    assert screen.print_report()
    qtbot.waitUntil(lambda: bool(prompter.shown), timeout=30_000)
    message = prompter.shown[-1]
    assert message.kind == "error"
    assert message.text.startswith("Printing to PDF file printed.pdf could not start:")
    assert "Traceback" not in message.text
    assert screen.preview.page_count == 1


# --- saving ------------------------------------------------------------------------------


def test_save_writes_the_protected_report_and_its_figures_each_audited(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter, outbox: Outbox
) -> None:
    screen.annual.year.setValue(2016)
    generate(qtbot, screen, prompter)
    screen.annual.figures.setChecked(True)
    out = outbox.folder / "Annual report"
    figures = outbox.folder / "figures"
    prompter.answer_path(out, figures)
    prompter.answer_pdf_protection(PdfProtection(PDF_PASSPHRASE))
    assert screen.save_report()
    outbox.wait_for_status(qtbot)
    pdf = outbox.folder / "Annual report.pdf"
    stats = outbox.folder / "figures.json"
    assert outbox.statuses[-1] == (
        "Saved the annual report 2016/17 to Annual report.pdf and its figures to figures.json."
    )
    assert prompter.suggested[:2] == ["Annual report 2016-17.pdf", "Annual report figures.json"]
    assert is_encrypted(pdf)
    assert pdf.stat().st_mode & 0o777 == 0o600
    assert screen.generated is not None
    assert screen.generated.figures is not None
    assert stats.read_text("utf-8") == statistics_json_text(screen.generated.figures.statistics)
    assert json.loads(stats.read_text("utf-8"))["year"] == 2016
    printed = [e for e in outbox.events("print") if e.record_id == "annual/2016"]
    assert len(printed) == 1
    assert ("annual_report", None, "Annual report.pdf") in printed[0].changes
    assert ("protection", None, "AES-256, passphrase") in printed[0].changes
    exported = [e for e in outbox.events("export") if e.record_id == "annual/2016"]
    assert [c[2] for c in exported[0].changes] == ["figures.json"]


def test_saving_unprotected_needs_a_second_yes(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter, outbox: Outbox
) -> None:
    choose_referral(qtbot, screen, "CRAG-2016-01")
    generate(qtbot, screen, prompter)
    out = outbox.folder / "record.pdf"
    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(False)
    assert not screen.save_report()
    assert not out.exists()
    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(True)
    assert screen.save_report()
    outbox.wait_for_status(qtbot)
    assert screen.generated is not None
    assert out.read_bytes() == screen.generated.report.data
    saved = [
        e for e in outbox.events("print") if ("protection", None, "not encrypted") in e.changes
    ]
    assert len(saved) == 1
    assert saved[0].record_type == "referral"


def test_a_full_disk_is_one_sentence_and_the_report_is_still_there(
    qtbot: QtBot,
    screen: ReportsScreen,
    *,
    prompter: ScriptedPrompter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    generate_register_2016(qtbot, screen, prompter)

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # os.fsync as the atomic write calls it, after the content: the disk filled up.
    monkeypatch.setattr(os, "fsync", full)
    prompter.answer_path(tmp_path / "register.pdf")
    prompter.answer_pdf_protection(PdfProtection(PDF_PASSPHRASE))
    assert screen.save_report()
    qtbot.waitUntil(lambda: bool(prompter.shown), timeout=30_000)
    assert prompter.shown[-1].text == (
        "There is not enough free disk space to write register.pdf. Nothing was saved: "
        "free some space and try again."
    )
    assert list(tmp_path.glob("*.pdf")) == []
    assert list(tmp_path.glob(".register.pdf.*")) == []
    # The report is still shown, ready to save elsewhere.
    assert screen.preview.page_count == 1
    assert screen.save_button.isEnabled()


# --- failures in a sentence --------------------------------------------------------------


@pytest.mark.parametrize(
    ("prepare", "sentence"),
    [
        (
            lambda s: (s.choose(ReportKind.REGISTER), s.register.year.setValue(2040)),
            "No referral was received in 2040/41, so its register would be empty; choose "
            "another year.",
        ),
        (
            lambda s: s.annual.year.setValue(2040),
            "2040/41 has not begun yet (it starts on 01/04/2040), so there is nothing to "
            "report; choose an earlier year.",
        ),
        (
            lambda s: s.annual.year.setValue(2000),
            "Nothing was recorded for 2000/01: no referral received and no review worked on, "
            "so its annual report would be empty; choose another year.",
        ),
    ],
)
def test_an_empty_year_is_one_sentence(
    qtbot: QtBot,
    screen: ReportsScreen,
    *,
    prompter: ScriptedPrompter,
    prepare: Callable[[ReportsScreen], object],
    sentence: str,
) -> None:
    prepare(screen)
    assert screen.generate()
    qtbot.waitUntil(lambda: not screen.generating, timeout=30_000)
    assert [s.text for s in prompter.shown] == [sentence]
    assert screen.generated is None


def test_a_referral_without_a_decision_is_one_sentence(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter
) -> None:
    choose_referral(qtbot, screen, "CRAG-2016-04")
    assert screen.generate()
    qtbot.waitUntil(lambda: not screen.generating, timeout=30_000)
    assert [s.text for s in prompter.shown] == [
        "Referral CRAG-2016-04 has no recorded decision yet: record one with the criteria "
        "wizard first."
    ]


def test_a_date_that_is_not_one_is_refused_before_anything_runs(
    screen: ReportsScreen, prompter: ScriptedPrompter
) -> None:
    screen.annual.as_of.line_edit.setText("31/02/2017")
    assert not screen.generate()
    assert not screen.generating
    assert prompter.shown[-1].text.startswith("The “figures as of” date is not a date:")


def test_locking_drops_the_report_shown(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter
) -> None:
    choose_referral(qtbot, screen, "CRAG-2016-01")
    generate(qtbot, screen, prompter)
    screen.clear()
    assert screen.generated is None
    assert screen.preview.document is None
    assert screen.picker.matches.count() == 0
    assert not screen.print_button.isEnabled()


def test_ctrl_8_opens_the_reports_screen(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter, tmp_path: Path
) -> None:
    from crag_desktop.ui.lock import CurrentDatabase
    from crag_desktop.ui.navigation import ScreenKey
    from crag_desktop.ui.settings import AppSettings

    window = main_window(
        qtbot, CurrentDatabase(database=db), settings=AppSettings(), prompter=prompter
    )
    window.show()
    window.refresh_screens(None)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window.navigation, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen_key() is ScreenKey.REPORTS
    wait_shown(window, ScreenKey.REPORTS)
    assert isinstance(window.screen_stack.currentWidget(), ReportsScreen)
    assert "Reports (Ctrl+8)" in [
        window.navigation.item(i).toolTip() for i in range(window.navigation.count())
    ]


def test_starting_the_app_loads_neither_qtpdf_nor_printing(
    demo_template: Path, tmp_path: Path
) -> None:
    path = fresh_copy(demo_template, tmp_path / "start.crag")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from crag_desktop.window import build_main_window\n"
        "from crag_desktop.services.database import Database\n"
        "from crag_desktop.ui.lock import CurrentDatabase\n"
        "from crag_desktop.ui.prompts import ScriptedPrompter\n"
        "from crag_desktop.ui.settings import AppSettings\n"
        f"db = Database.open(Path({str(path)!r}), {PASSPHRASE!r}, operator='x')\n"
        "window = build_main_window(current=CurrentDatabase(database=db), "
        "settings=AppSettings(), prompter=ScriptedPrompter(), opener=Database.open, "
        "creator=Database.create)\n"
        "window.refresh_screens(None)\n"
        "window.show()\n"
        "app.processEvents()\n"
        "loaded = [m for m in ('PySide6.QtPdf', 'PySide6.QtPrintSupport') if m in sys.modules]\n"
        "db.close()\n"
        "print(loaded)\n"
    )
    assert last_printed_line(script, home=tmp_path) == "[]"


# --- the tracker -------------------------------------------------------------------------


def test_the_tracker_of_a_monitoring_group_is_generated_printed_and_saved_as_an_export(
    qtbot: QtBot, screen: ReportsScreen, prompter: ScriptedPrompter, outbox: Outbox
) -> None:
    from crag_desktop.domain.vocabulary import MonitoringGroup

    screen.choose(ReportKind.TRACKER)
    assert screen.tracker.agency.count() > 1
    screen.tracker.group.setCurrentIndex(screen.tracker.group.findData(MonitoringGroup.PAQA.value))
    generate(qtbot, screen, prompter)
    assert screen.generated is not None
    report = screen.generated.report
    assert report.what == "tracker"
    assert screen.preview.page_count == report.pages
    assert any(name == "selection" for name, _value in report.details)
    printed = outbox.folder / "tracker printed.pdf"
    prompter.answer_printer(printed)
    assert screen.print_report()
    outbox.wait_for_status(qtbot)
    pages = pdf_pages_text(printed)
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    sent = outbox.events("send_to_printer")
    assert [e.record_id for e in sent] == ["tracker"]
    outbox.statuses.clear()
    prompter.answer_path(outbox.folder / "tracker")
    prompter.answer_pdf_protection(PdfProtection(PDF_PASSPHRASE))
    assert screen.save_report()
    outbox.wait_for_status(qtbot)
    saved = outbox.folder / "tracker.pdf"
    assert is_encrypted(saved)
    exported = [e for e in outbox.events("export") if e.record_id == "tracker"]
    assert len(exported) == 1
    assert ("tracker", None, "tracker.pdf") in exported[0].changes
