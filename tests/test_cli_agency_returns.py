"""`crag-desktop import-returns`: an agency's filled return, shown, confirmed, appended."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from crag_desktop.cli import EXIT_FAILED, EXIT_OK, Console, main
from crag_desktop.domain.records import Recommendation
from crag_desktop.domain.vocabulary import RecommendationStatus
from crag_desktop.services.agency_returns import AgencyReturns
from crag_desktop.services.database import Database
from crag_desktop.services.demo import build_demo
from crag_desktop.services.records import RecordService
from crag_desktop.storage import audit
from tests.helpers.agency_returns import fill_file

PASSPHRASE = "correct horse battery staple"
RETURN_PASSPHRASE = "a return for the agency only"
TWO_ROWS = {
    "Child Q R3 A1": ("First audit report sent to PAQA.", "At risk"),
    "Child A and Child B R4 A1": ("Working group met twice.", None),
}


def run(
    *argv: str, terminal: bool = False, typed: str = "", secret: str = ""
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    asked: list[str] = []

    def ask_line(prompt: str) -> str:
        asked.append(prompt)
        return typed

    console = Console(
        out=out,
        err=err,
        stdin_is_terminal=lambda: terminal,
        ask_secret=lambda _p: secret,
        ask_line=ask_line,
    )
    code = main(list(argv), console)
    return code, out.getvalue() + "".join(f"[asked] {a}\n" for a in asked), err.getvalue()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CRAG_OPERATOR", "Returns Officer")
    monkeypatch.delenv("CRAG_PDF_PASSPHRASE", raising=False)
    path = tmp_path / "crag.db"
    with Database.create(path, PASSPHRASE, operator="Setup") as db:
        build_demo(db, synthetic_referrals=0, seed=1)
    return path


def _with_db(db_path: Path, work: Callable[[Database], object]) -> object:
    with Database.open(db_path, PASSPHRASE, operator="Test") as db:
        return work(db)


def _export(db_path: Path, out: Path, passphrase: str | None = None) -> Path:
    _with_db(db_path, lambda db: AgencyReturns(db=db).export("csc", out, passphrase=passphrase))
    return out


def _notes(db_path: Path) -> dict[str, list[tuple[date, RecommendationStatus, str]]]:
    def read(db: Database) -> dict[str, list[tuple[date, RecommendationStatus, str]]]:
        records = RecordService(db=db)
        return {
            key: [
                (u.on, u.status, u.note)
                for a in records.get(Recommendation, key).actions
                for u in a.updates
            ]
            for key in ("REC10", "REC16", "REC17", "REC18")
        }

    found = _with_db(db_path, read)
    assert isinstance(found, dict)
    return found


def test_import_shows_then_appends_the_two_filled_rows(db_path: Path, tmp_path: Path) -> None:
    out = _export(db_path, tmp_path / "csc.xlsx")
    fill_file(out, TWO_ROWS)
    before = _notes(db_path)

    code, stdout, stderr = run("import-returns", str(db_path), str(out), "--yes")

    assert (code, stderr) == (EXIT_OK, "")
    today = date(2017, 4, 1)  # the demo works at 1 April 2017, as its window does
    assert stdout.splitlines() == [
        f"csc.xlsx, the return of Children's Social Care, will append 2 updates, each dated "
        f"{today:%d/%m/%Y}:",
        "  Row 5: Child A and Child B R4 A1 — On track (kept) — Working group met twice.",
        "  Row 7: Child Q R3 A1 — At risk — First audit report sent to PAQA.",
        f"Appended 2 updates from csc.xlsx (Children's Social Care), dated {today:%d/%m/%Y}.",
    ]
    after = _notes(db_path)
    assert after["REC10"] == [
        *before["REC10"],
        (today, RecommendationStatus.AT_RISK, "First audit report sent to PAQA."),
    ]
    assert after["REC17"] == [
        *before["REC17"],
        (today, RecommendationStatus.ON_TRACK, "Working group met twice."),
    ]
    assert after["REC16"] == before["REC16"]
    assert after["REC18"] == before["REC18"]

    def import_events(db: Database) -> list[str]:
        with db.unit_of_work() as session:
            events = audit.list_events(session, record_type="agency_return", action="import")
        return [f"{e.operator}: {e.changes}" for e in events]

    events = _with_db(db_path, import_events)
    assert isinstance(events, list)
    (event,) = events
    assert isinstance(event, str)
    assert event.startswith("Returns Officer: ")
    assert "('file', None, 'csc.xlsx')" in event
    assert "('agency', None, \"Children's Social Care\")" in event

    # The same return again: refused, one sentence, nothing more appended.
    code, stdout, stderr = run("import-returns", str(db_path), str(out), "--yes")
    assert code == EXIT_FAILED
    lines = stderr.splitlines()
    assert lines[0] == "Nothing was appended from csc.xlsx: 1 problem to put right first."
    assert lines[1].startswith("csc.xlsx was already imported on ")
    assert _notes(db_path) == after


def test_without_a_terminal_or_yes_it_shows_and_appends_nothing(
    db_path: Path, tmp_path: Path
) -> None:
    out = _export(db_path, tmp_path / "csc.xlsx")
    fill_file(out, TWO_ROWS)
    before = _notes(db_path)
    code, stdout, stderr = run("import-returns", str(db_path), str(out))
    assert code == EXIT_FAILED
    assert "Row 7: Child Q R3 A1 — At risk" in stdout
    assert stderr == (
        "Nothing was appended: run the command again with --yes to append these 2 updates.\n"
    )
    assert _notes(db_path) == before


@pytest.mark.parametrize(("typed", "appended"), [("y", True), ("", False), ("no", False)])
def test_on_a_terminal_it_asks_first(
    db_path: Path, tmp_path: Path, typed: str, appended: bool
) -> None:
    out = _export(db_path, tmp_path / "csc.xlsx")
    fill_file(out, TWO_ROWS)
    before = _notes(db_path)
    code, stdout, _stderr = run(
        "import-returns", str(db_path), str(out), terminal=True, typed=typed
    )
    assert code == EXIT_OK
    assert "[asked] Append these 2 updates? [y/N] " in stdout
    assert (_notes(db_path) != before) is appended
    if not appended:
        assert "Nothing was appended." in stdout


def test_one_bad_row_refuses_the_whole_return(db_path: Path, tmp_path: Path) -> None:
    out = _export(db_path, tmp_path / "csc.xlsx")
    fill_file(out, {**TWO_ROWS, "Child A and Child B R5 A1": (None, "Completed")})
    before = _notes(db_path)
    code, stdout, stderr = run("import-returns", str(db_path), str(out), "--yes")
    assert code == EXIT_FAILED
    assert stdout == ""
    assert stderr.splitlines() == [
        "Nothing was appended from csc.xlsx: 1 problem to put right first.",
        "Row 6 (Child A and Child B R5 A1) proposes a status but gives no update: write the "
        "progress the status rests on, or clear the status.",
    ]
    assert _notes(db_path) == before


def test_a_file_that_is_not_a_return_is_one_sentence(db_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "minutes.xlsx"
    other.write_text("not a workbook")
    code, _stdout, stderr = run("import-returns", str(db_path), str(other), "--yes")
    assert code == EXIT_FAILED
    assert stderr == (
        "minutes.xlsx is not an Excel workbook (.xlsx): choose the agency return that "
        "CRAG Desktop exported.\n"
    )


def test_an_encrypted_return_round_trip(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crag_desktop.reports.protection import decrypt_xlsx, encrypt_xlsx

    out = _export(db_path, tmp_path / "csc.xlsx", passphrase=RETURN_PASSPHRASE)
    assert out.read_bytes()[:4] == bytes.fromhex("d0cf11e0")  # an encrypted Office file
    # The agency opens it with the passphrase, fills it in and saves it protected again.
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(decrypt_xlsx(out.read_bytes(), RETURN_PASSPHRASE))
    fill_file(plain, TWO_ROWS)
    out.write_bytes(encrypt_xlsx(plain.read_bytes(), RETURN_PASSPHRASE))
    plain.unlink()
    before = _notes(db_path)

    code, _stdout, stderr = run("import-returns", str(db_path), str(out), "--yes")
    assert code == EXIT_FAILED
    assert stderr == (
        "csc.xlsx is protected with a passphrase: set CRAG_PDF_PASSPHRASE or give "
        "--pdf-passphrase-file FILE.\n"
    )
    key_file = tmp_path / "wrong.txt"
    key_file.write_text("not the passphrase at all\n")
    code, _stdout, stderr = run(
        "import-returns", str(db_path), str(out), "--yes", "--pdf-passphrase-file", str(key_file)
    )
    assert code == EXIT_FAILED
    assert "passphrase" in stderr
    assert len(stderr.splitlines()) == 1
    assert _notes(db_path) == before

    monkeypatch.setenv("CRAG_PDF_PASSPHRASE", RETURN_PASSPHRASE)
    code, stdout, stderr = run("import-returns", str(db_path), str(out), "--yes")
    assert (code, stderr) == (EXIT_OK, "")
    assert "Appended 2 updates from csc.xlsx" in stdout
    assert len(_notes(db_path)["REC10"]) == len(before["REC10"]) + 1


def test_report_tracker_agency_writes_the_return_that_import_reads(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "csc.xlsx"
    code, stdout, stderr = run(
        "report", "tracker", str(db_path), "--agency", "children's social care",
        "--out", str(out), "--as-of", "2017-05-01",
    )  # fmt: skip
    assert (code, stderr) == (EXIT_OK, "")
    assert stdout == (
        f"Wrote the return of Children's Social Care to {out}: 4 open actions as of "
        "01/05/2017 (OFFICIAL-SENSITIVE, not encrypted). Import it, filled in, with "
        "crag-desktop import-returns.\n"
    )
    fill_file(out, TWO_ROWS)
    before = _notes(db_path)
    code, stdout, _stderr = run("import-returns", str(db_path), str(out), "--yes")
    assert code == EXIT_OK
    assert "Appended 2 updates from csc.xlsx" in stdout
    after = _notes(db_path)
    assert sum(map(len, after.values())) == sum(map(len, before.values())) + 2

    # Protected on request, with the passphrase from the environment.
    monkeypatch.setenv("CRAG_PDF_PASSPHRASE", RETURN_PASSPHRASE)
    protected = tmp_path / "protected.xlsx"
    code, stdout, _stderr = run(
        "report", "tracker", str(db_path), "--agency", "Police", "--out", str(protected),
        "--encrypt",
    )  # fmt: skip
    assert code == EXIT_OK
    assert "AES-256 encrypted" in stdout
    assert AgencyReturns.is_protected(protected)


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (
            ["--agency", "Fire service", "--out", "r.xlsx"],
            "There is no agency “Fire service”. The agencies are: ",
        ),
        (
            ["--agency", "Police", "--out", "r.pdf"],
            "An agency return is an Excel workbook: give --out FILE.xlsx",
        ),
        (
            ["--agency", "Police", "--lead-agency", "Police", "--out", "r.xlsx"],
            "--agency writes one agency's return of the actions it owns: leave out",
        ),
    ],
)
def test_report_tracker_agency_refusals(
    db_path: Path, tmp_path: Path, argv: list[str], sentence: str
) -> None:
    argv = [str(tmp_path / a) if a.startswith("r.") else a for a in argv]
    code, _stdout, stderr = run("report", "tracker", str(db_path), *argv)
    assert code == EXIT_FAILED
    assert stderr.startswith(sentence)
    assert len(stderr.splitlines()) == 1
    assert not list(tmp_path.glob("r.*"))
