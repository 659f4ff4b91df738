"""Export… on the Recommendations screen (Alt+X): the filtered list as the tracker, a
workbook, a PDF or a CSV file, protected unless the user says twice it should not be,
written off the GUI thread, audited; a failure is a sentence."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.reports.protection import decrypt_xlsx
from crag_desktop.services.database import Database
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.lists import RecommendationList
from crag_desktop.services.records import RecordService
from crag_desktop.services.tracker_report import write_tracker
from crag_desktop.storage import audit
from crag_desktop.ui.prompts import (
    PdfProtection,
    ScriptedPrompter,
    unencrypted_question,
    with_chosen_extension,
)
from crag_desktop.ui.tasks import TaskRunner
from crag_desktop.ui.views.recommendations import (
    CSV_QUESTION,
    RecommendationsScreen,
    create_recommendations_screen,
)
from tests.test_cli_annual_report import pdf_text
from tests.ui.conftest import press
from tests.ui.test_recommendations_screen import (
    demo_db,  # noqa: F401 - a fixture
    drafts,  # noqa: F401 - a fixture
    lists,  # noqa: F401 - a fixture
    records,  # noqa: F401 - a fixture
    today,
)

FILE_PASSPHRASE = "a passphrase for the executive group"
#: The Lead agency filter's choice, and the codes of the recommendations it lists.
AGENCY = "Children's Social Care"


@pytest.fixture
def runner(qtbot: QtBot, prompter: ScriptedPrompter) -> Iterator[TaskRunner]:
    host = QWidget()
    qtbot.addWidget(host)
    task_runner = TaskRunner(prompter=prompter, parent=host)
    yield task_runner
    assert task_runner.wait_for_done(10000)


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def screen(  # noqa: PLR0917
    qtbot: QtBot,
    demo_db: Database,  # noqa: F811
    records: RecordService,  # noqa: F811
    lists: RecommendationList,  # noqa: F811
    drafts: DraftService,  # noqa: F811
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    said: list[str],
) -> Iterator[RecommendationsScreen]:
    made = create_recommendations_screen(
        records=records,
        lists=lists,
        drafts=drafts,
        prompter=prompter,
        today=today,
        export_tracker=functools.partial(write_tracker, demo_db),
        tasks=runner,
        status=said.append,
        autosave_ms=30,
        search_delay_ms=10,
    )
    qtbot.addWidget(made)
    made.resize(1400, 900)
    made.refresh(None)
    made.show()
    made.activateWindow()
    qtbot.waitExposed(made)
    lead = made.filter_combos[2]
    lead.setCurrentIndex(lead.findText(AGENCY))
    qtbot.waitUntil(lambda: 0 < made.model.total < 19)
    yield made
    made.form.discard_changes()


def listed_codes(screen: RecommendationsScreen) -> set[str]:
    rows = [screen.model.row_at(r) for r in range(screen.model.rowCount())]
    return {f"{row.review_title} R{row.number}" for row in rows}


def export_by_keyboard(qtbot: QtBot, screen: RecommendationsScreen, runner: TaskRunner) -> None:
    screen.table.setFocus()
    press(qtbot, screen.table, Qt.Key.Key_X, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=20000)


def workbook_codes(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Recommendations"]
    return [str(row[0]) for row in sheet.iter_rows(min_row=3, values_only=True)]


def test_export_writes_the_filtered_list_as_a_protected_workbook(  # noqa: PLR0917
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    said: list[str],
    tmp_path: Path,
    demo_db: Database,  # noqa: F811
) -> None:
    assert screen.export_button.isVisible()
    assert screen.export_action.text() == "E&xport…"
    out = tmp_path / "tracker.xlsx"
    # Without a passphrase, the second question names the workbook; No writes nothing.
    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(False)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.questions[-2:] == [
        "Protect The recommendations tracker",
        unencrypted_question("workbook"),
    ]
    assert not out.exists()

    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(FILE_PASSPHRASE))
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown == []
    codes = workbook_codes(decrypt_xlsx(out.read_bytes(), FILE_PASSPHRASE))
    assert sorted(codes) == sorted(listed_codes(screen))
    assert len(codes) == screen.model.total == 8
    assert out.stat().st_mode & 0o777 == 0o600
    assert said == [f"Exported 8 recommendations to {out.name} (protected with its passphrase)."]
    with demo_db.unit_of_work() as session:
        events = audit.list_events(session, record_type="report", record_id="tracker")
    changes = {name: new for name, _old, new in events[-1].changes}
    assert events[-1].action == "export"
    assert changes["tracker"] == "tracker.xlsx"
    assert changes["selection"] == f"led by {AGENCY}"
    assert changes["protection"] == "AES-256, passphrase"


def test_an_unprotected_pdf_needs_a_second_yes(
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    out = tmp_path / "tracker.pdf"
    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(False)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.questions[-1] == unencrypted_question("PDF")
    assert not out.exists()

    prompter.answer_path(out)
    prompter.answer_pdf_protection(PdfProtection(None))
    prompter.answer_confirm(True)
    export_by_keyboard(qtbot, screen, runner)
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted
    text = " ".join(pdf_text(out, layout=False).split())
    for code in listed_codes(screen):
        assert code in text
    assert "led by Children's Social Care" in text


def test_a_csv_file_says_it_cannot_be_protected_and_asks(
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    tmp_path: Path,
) -> None:
    out = tmp_path / "tracker.csv"
    prompter.answer_path(out)
    prompter.answer_confirm(False)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.questions[-1] == CSV_QUESTION
    assert "cannot be protected" in CSV_QUESTION
    assert "choose .xlsx or .pdf" in CSV_QUESTION
    assert not out.exists()

    prompter.answer_path(out)
    prompter.answer_confirm(True)
    export_by_keyboard(qtbot, screen, runner)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "OFFICIAL-SENSITIVE"
    assert {row[0] for row in rows[2:]} == listed_codes(screen)
    assert len(rows) - 2 == screen.model.total


def test_a_failed_export_is_a_sentence_and_leaves_no_file(  # noqa: PLR0917
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
    said: list[str],
    tmp_path: Path,
) -> None:
    before = sorted(tmp_path.iterdir())
    prompter.answer_path(tmp_path / "tracker.docx")
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown[-1].kind == "error"
    assert "end the name with .pdf, .xlsx or .csv" in prompter.shown[-1].text

    prompter.answer_path(tmp_path / "no such folder" / "tracker.xlsx")
    prompter.answer_pdf_protection(PdfProtection(FILE_PASSPHRASE))
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown[-1].title == "Exporting the recommendations tracker"
    assert "does not exist; choose another place" in prompter.shown[-1].text
    assert said == []
    assert sorted(tmp_path.iterdir()) == before


def test_an_empty_list_has_nothing_to_export(
    qtbot: QtBot,
    screen: RecommendationsScreen,
    prompter: ScriptedPrompter,
    runner: TaskRunner,
) -> None:
    group = screen.filter_combos[1]
    group.setCurrentIndex(group.findText("PAQA subgroup"))
    qtbot.waitUntil(lambda: screen.model.total == 0)
    export_by_keyboard(qtbot, screen, runner)
    assert prompter.shown[-1].title == "Nothing to export"
    assert "change the search or the filters" in prompter.shown[-1].text


def test_a_name_typed_without_an_extension_takes_the_chosen_types() -> None:
    assert with_chosen_extension(Path("/x/tracker"), "PDF (*.pdf)") == Path("/x/tracker.pdf")
    assert with_chosen_extension(Path("tracker"), "CSV file, not protected (*.csv)") == Path(
        "tracker.csv"
    )
    assert with_chosen_extension(Path("t.xlsx"), "PDF (*.pdf)") == Path("t.xlsx")
    assert with_chosen_extension(Path("tracker"), "All files (*)") == Path("tracker")
    assert with_chosen_extension(Path("tracker"), "") == Path("tracker")
