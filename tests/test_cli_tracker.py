"""`crag-desktop report tracker`: the recommendations tracker from the command line, in the
format its file's extension names, filtered by monitoring group and lead agency, protected
with --encrypt; every wrong way is one sentence, exit 2 and no file."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pikepdf
import pytest

from crag_desktop.cli import EXIT_FAILED, EXIT_OK
from crag_desktop.reports.protection import (
    WrongWorkbookPassphrase,
    decrypt_xlsx,
    is_encrypted_xlsx,
)
from tests.test_cli_annual_report import (
    PDF_PASSPHRASE,
    demo_db,  # noqa: F401 - a fixture
    env,  # noqa: F401 - a fixture
    run,
)


def _codes(path: Path, password: str | None = None) -> list[str]:
    data = path.read_bytes()
    if password is not None:
        data = decrypt_xlsx(data, password)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Recommendations"]
    return [str(row[0]) for row in sheet.iter_rows(min_row=3, values_only=True)]


@pytest.mark.usefixtures("env")
def test_each_extension_writes_its_format(demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    for name, head in (("t.pdf", b"%PDF"), ("t.xlsx", b"PK\x03\x04"), ("t.csv", b"\xef\xbb\xbf")):
        out = tmp_path / name
        code, said, err = run("report", "tracker", str(demo_db), "--out", str(out))
        assert code == EXIT_OK, err
        assert out.read_bytes().startswith(head)
        # The demo works at 1 April 2017, as its window does (nothing overdue then).
        assert f"as of 01/04/2017 to {out}: 19 recommendations, 0 overdue" in said
        assert "not encrypted" in said
    assert "pages" in run("report", "tracker", str(demo_db), "--out", str(tmp_path / "u.pdf"))[1]
    later = tmp_path / "later.csv"
    code, said, err = run("report", "tracker", demo_db, "--out", later, "--as-of", "2026-01-01")
    assert code == EXIT_OK, err
    assert f"as of 01/01/2026 to {later}: 19 recommendations, 12 overdue" in said


@pytest.mark.usefixtures("env")
def test_filters_and_the_date_choose_what_is_listed(
    demo_db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "police.xlsx"
    police = ("--monitoring-group", "Executive", "--lead-agency", "POLICE", "--as-of", "2017-04-01")
    code, said, err = run("report", "tracker", demo_db, "--out", out, *police)
    assert code == EXIT_OK, err
    assert "as of 01/04/2017" in said
    assert ": 1 recommendation, 0 overdue" in said
    assert _codes(out) == ["Child Q R5"]
    book = openpyxl.load_workbook(out)
    assert "led by Police" in str(book["Recommendations"]["B1"].value)
    paqa = tmp_path / "p.csv"
    code, said, err = run("report", "tracker", demo_db, "--out", paqa, "--monitoring-group", "paqa")
    assert code == EXIT_OK, err
    assert ": 0 recommendations" in said


@pytest.mark.usefixtures("env")
def test_encrypt_protects_the_workbook_and_the_pdf(
    demo_db: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRAG_PDF_PASSPHRASE", PDF_PASSPHRASE)
    book, pdf = tmp_path / "t.xlsx", tmp_path / "t.pdf"
    for out in (book, pdf):
        code, said, err = run("report", "tracker", str(demo_db), "--out", str(out), "--encrypt")
        assert code == EXIT_OK, err
        assert "AES-256 encrypted" in said
    assert len(_codes(book, PDF_PASSPHRASE)) == 19
    assert is_encrypted_xlsx(book)
    with pytest.raises(WrongWorkbookPassphrase):
        decrypt_xlsx(book.read_bytes(), "not the passphrase")
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(pdf)
    pikepdf.open(pdf, password=PDF_PASSPHRASE).close()


@pytest.mark.usefixtures("env")
def test_encrypt_without_a_passphrase_names_the_workbook_and_never_prompts(
    demo_db: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "t.xlsx"
    code, said, err = run("report", "tracker", str(demo_db), "--out", str(out), "--encrypt")
    assert code == EXIT_FAILED
    assert said == ""
    assert "--encrypt needs a passphrase for the workbook" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--out", "{tmp}/t.docx"], 'has ".docx": the tracker is written as a PDF'),
        (["--out", "{tmp}/tracker"], "has no extension"),
        (["--out", "{tmp}/missing/t.pdf"], "does not exist; choose another place"),
        (["--out", "{tmp}/t.pdf", "--as-of", "1/4/2017"], "YYYY-MM-DD"),
        (["--out", "{tmp}/t.pdf", "--monitoring-group", "Board"], "groups are: Executive group"),
        (["--out", "{tmp}/t.pdf", "--lead-agency", "Fire"], "the agencies are: Acute Hospitals"),
        (["--out", "{tmp}/t.csv", "--encrypt"], "choose .xlsx or .pdf"),
    ],
)
@pytest.mark.usefixtures("env")
def test_every_wrong_way_is_one_sentence_and_no_file(
    demo_db: Path,  # noqa: F811
    tmp_path: Path,
    args: list[str],
    words: str,
) -> None:
    before = demo_db.read_bytes()
    argv = [a.format(tmp=tmp_path) for a in args]
    code, said, err = run("report", "tracker", str(demo_db), *argv)
    assert code == EXIT_FAILED
    assert said == ""
    assert len(err.strip().splitlines()) == 1, err
    assert words in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert demo_db.read_bytes() == before


@pytest.mark.usefixtures("env")
def test_a_wrong_database_passphrase_is_one_sentence(
    demo_db: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRAG_PASSPHRASE", "not the passphrase at all")
    code, _said, err = run("report", "tracker", str(demo_db), "--out", str(tmp_path / "t.pdf"))
    assert code == EXIT_FAILED
    assert "wrong passphrase" in err
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("env")
def test_the_database_is_never_written_over(demo_db: Path, tmp_path: Path) -> None:  # noqa: F811
    before = demo_db.read_bytes()
    link = tmp_path / "tracker.xlsx"
    link.symlink_to(demo_db)
    code, said, err = run("report", "tracker", str(demo_db), "--out", str(link))
    assert code == EXIT_FAILED
    assert said == ""
    assert "database" in err
    assert len(err.strip().splitlines()) == 1
    assert demo_db.read_bytes() == before
    assert link.is_symlink()
