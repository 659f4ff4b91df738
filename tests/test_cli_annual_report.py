"""The printed reports from the command line: annual report, stats JSON, register, and
AES-256 protection of every PDF (issue 7 items 1, 3 and 5)."""

from __future__ import annotations

import functools
import io
import json
import re
import stat
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from crag_desktop.cli import EXIT_FAILED, EXIT_OK, Console, main
from crag_desktop.services.annual_report import annual_report_view
from crag_desktop.services.database import Database
from crag_desktop.storage import audit
from tests.helpers.databases import create_demo
from tests.helpers.pdf import check_pdf, pdf_text

PASSPHRASE = "demo database passphrase"
PDF_PASSPHRASE = "a long pdf passphrase"

#: The seed's 2016/17 figures (design/annual-report.md, "Check against the seed").
SEED_2016 = {
    "year": 2016,
    "start": "2016-04-01",
    "end": "2017-03-31",
    "as_of": "2017-04-01",
    "referrals_received": 4,
    "referrals_by_agency": {"Children's Social Care": 3, "Police": 1},
    "referral_outcomes": {
        "scr_commissioned": 1,
        "alternative_review": 1,
        "no_further_action": 0,
        "pending": 2,
    },
    "reviews_worked_on": 6,
    "statutory_reviews_worked_on": 5,
    "reviews_by_status": {"active": 1, "completed_pending_parallel": 1, "published": 3},
    "statutory_published_in_year": 3,
    "methodologies": {"scie_systems": 1, "reviewer_led": 2, "wt2010": 3},
    "children": {
        "total": 6,
        "by_age_band": {"under_1": 1, "1_to_3": 3, "10_to_17": 2},
        "by_sex": {"female": 3, "male": 3},
    },
}
SEED_THEMES = {
    "neglect",
    "physical_abuse",
    "self_harm",
    "emotional_wellbeing",
    "peer_violence_domestic_abuse",
    "parental_substance_misuse",
}


def run(*argv: str | Path, terminal: bool = False, typed: str = "") -> tuple[int, str, str]:
    """`crag-desktop *argv` in-process: its exit code, what it printed and what it said wrong."""
    out, err = io.StringIO(), io.StringIO()
    console = Console(
        out=out, err=err, stdin_is_terminal=lambda: terminal, ask_secret=lambda _p: typed
    )
    code = main([str(arg) for arg in argv], console)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.crag"
    return create_demo(path, passphrase=PASSPHRASE, operator="Setup")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CRAG_OPERATOR", "Board Officer")
    monkeypatch.delenv("CRAG_PDF_PASSPHRASE", raising=False)


def register_2016(demo_db: Path, *options: str | Path, **given: Any) -> tuple[int, str, str]:
    """`crag-desktop report register DEMO_DB --year 2016 *options` in-process."""
    return run("report", "register", demo_db, "--year", "2016", *options, **given)


def test_demo_2016_stats_json_states_the_seeds_figures(
    demo_db: Path, tmp_path: Path, env: None
) -> None:
    out, stats = tmp_path / "annual.pdf", tmp_path / "annual.json"
    code, said, err = run(
        "report", "annual", demo_db, "--year", "2016", "--out", out, "--stats-json", stats
    )
    assert (code, err) == (EXIT_OK, "")
    assert "13 pages" in said or "pages" in said
    figures = json.loads(stats.read_text(encoding="utf-8"))
    for key, value in SEED_2016.items():
        assert figures[key] == value, key
    assert set(figures["themes"]) == SEED_THEMES
    assert len(figures["learning_points"]) == 10
    assert figures["recommendations"]["total"] == 19
    assert figures["recommendations"]["multi_agency"] == 19
    assert figures["recommendations"]["by_monitoring_group"] == {"executive": 19}
    assert figures["panel_contested"] == 1
    for path in (out, stats):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    check_pdf(out)


def _json_rows(figures: dict[str, object]) -> list[tuple[str, int]]:
    """(label as the PDF's tables print it, number) for every count of the stats JSON."""
    f: dict[str, object] = figures
    outcomes = f["referral_outcomes"]
    children = f["children"]
    recs = f["recommendations"]
    assert isinstance(outcomes, dict)
    assert isinstance(children, dict)
    assert isinstance(recs, dict)
    by_agency = f["referrals_by_agency"]
    assert isinstance(by_agency, dict)
    rows: list[tuple[str, int]] = [
        ("Referrals received", int(str(f["referrals_received"]))),
        ("Statutory review commissioned (SCR or LCSPR)", outcomes["scr_commissioned"]),
        ("Criteria not met: another kind of review", outcomes["alternative_review"]),
        ("No further action", outcomes["no_further_action"]),
        ("Pending a decision", outcomes["pending"]),
        ("Decisions sent to the National Panel", int(str(f["panel_decisions_sent"]))),
        ("Decisions the National Panel contested", int(str(f["panel_contested"]))),
        ("Reviews worked on (all types)", int(str(f["reviews_worked_on"]))),
        ("Statutory reviews worked on (SCR and LCSPR)", int(str(f["statutory_reviews_worked_on"]))),
        ("Statutory reviews published in the year", int(str(f["statutory_published_in_year"]))),
        ("Reviews with a family contribution", int(str(f["family_contribution"]))),
        ("Children (statutory reviews worked on)", children["total"]),
        ("Recommendations of the reviews published", recs["total"]),
        ("of which multi-agency", recs["multi_agency"]),
        ("Past due and not completed", recs["overdue"]),
        ("Under 1 year", children["by_age_band"].get("under_1", 0)),
        ("1 to 3 years", children["by_age_band"].get("1_to_3", 0)),
        ("10 to 17 years", children["by_age_band"].get("10_to_17", 0)),
        ("Female", children["by_sex"].get("female", 0)),
        ("Male", children["by_sex"].get("male", 0)),
        ("SCIE systems model", dict(f["methodologies"])["scie_systems"]),  # type: ignore[call-overload]
        ("Reviewer-led", dict(f["methodologies"])["reviewer_led"]),  # type: ignore[call-overload]
        ("Working Together 2010 style", dict(f["methodologies"])["wt2010"]),  # type: ignore[call-overload]
        ("Long-lasting impact of neglect", dict(f["themes"])["neglect"]),  # type: ignore[call-overload]
        ("Executive group", recs["by_monitoring_group"]["executive"]),
        ("On track", recs["by_status"].get("on_track", 0)),
        ("Completed", recs["by_status"].get("completed", 0)),
    ]
    rows += [(f"from {name}", n) for name, n in by_agency.items()]
    return rows


def test_the_pdf_states_exactly_the_json_figures(demo_db: Path, tmp_path: Path, env: None) -> None:
    out, stats = tmp_path / "annual.pdf", tmp_path / "annual.json"
    code, _said, err = run(
        "report", "annual", demo_db, "--year", "2016", "--out", out, "--stats-json", stats
    )
    assert code == EXIT_OK, err
    text = pdf_text(out)
    lines = text.splitlines()
    for label, number in _json_rows(json.loads(stats.read_text(encoding="utf-8"))):
        # A table row: the label, then this year's figure as the first number after it.
        pattern = re.compile(r"^\s*" + re.escape(label) + r"\s{2,}(\d[\d,]*)\b")
        found = [m.group(1) for line in lines if (m := pattern.match(line))]
        assert found, f"no table row for {label!r}"
        assert int(found[0].replace(",", "")) == number, label


def test_every_page_is_marked_numbered_and_dated(demo_db: Path, tmp_path: Path, env: None) -> None:
    out = tmp_path / "annual.pdf"
    assert run("report", "annual", str(demo_db), "--year", "2016", "--out", str(out))[0] == 0
    pages = pdf_text(out).split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 8
    for number, page in enumerate(pages, start=1):
        body = [line.strip() for line in page.strip().splitlines() if line.strip()]
        assert body[0] == "OFFICIAL-SENSITIVE"
        assert body[-1] == "OFFICIAL-SENSITIVE"
        assert f"Page {number} of {len(pages)}" in page
        assert "2016/17" in page
    contents = pages[0]
    for heading in ("Contents", "Cases considered for review", "Appendix A", "Glossary"):
        assert heading in contents
    # The contents give the page each section starts on.
    match = re.search(r"Glossary\s+(\d+)", contents)
    assert match is not None
    assert f"Page {match.group(1)} of" in pages[int(match.group(1)) - 1]
    assert "Glossary" in pages[int(match.group(1)) - 1]


def test_the_annual_report_prints_the_years_texts_or_a_template(demo_db: Path) -> None:
    with Database.open(demo_db, PASSPHRASE, operator="t") as db:
        view = annual_report_view(db, 2016)
        empty = annual_report_view(db, 2019)
    assert not view.narratives["introduction"].is_template
    assert "looks back over April 2016" in view.narratives["introduction"].text
    assert empty.narratives["introduction"].is_template
    assert "2019/20" in empty.narratives["introduction"].text
    # Compared with the two previous years, and each figure lists its records.
    assert view.columns == ("2016/17", "2015/16", "2014/15")
    received = next(f for g in view.sources for f in g.figures if f.label == "Referrals received")
    assert received.count == 4
    assert len(received.records) == 4
    assert all(r.startswith("CRAG-2016-") for r in received.records)


def test_encrypted_report_opens_only_with_its_passphrase(
    demo_db: Path, tmp_path: Path, env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRAG_PDF_PASSPHRASE", PDF_PASSPHRASE)
    out = tmp_path / "annual.pdf"
    code, said, err = run(
        "report", "annual", str(demo_db), "--year", "2016", "--out", str(out), "--encrypt"
    )
    assert code == EXIT_OK, err
    assert "AES-256" in said
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out, password="not the passphrase")
    with pikepdf.open(out, password=PDF_PASSPHRASE) as pdf:
        assert pdf.encryption.R == 6
        assert pdf.encryption.bits == 256
        assert pdf.encryption.stream_method.name == "aesv3"
        assert len(pdf.pages) > 8
    check_pdf(out, PDF_PASSPHRASE)
    raw = out.read_bytes()
    assert b"OFFICIAL-SENSITIVE" not in raw
    assert b"Baby L" not in raw
    # Nothing but the finished file is left in the folder: no plaintext temporary.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["annual.pdf"]
    assert "Children's Social Care" in pdf_text(out, PDF_PASSPHRASE)


def test_encrypt_without_a_passphrase_never_prompts_without_a_terminal(
    demo_db: Path, tmp_path: Path, env: None
) -> None:
    out = tmp_path / "r.pdf"
    code, said, err = run(
        "report", "register", str(demo_db), "--year", "2016", "--out", str(out), "--encrypt"
    )
    assert code == EXIT_FAILED
    assert said == ""
    assert "CRAG_PDF_PASSPHRASE" in err
    assert "--pdf-passphrase-file" in err
    assert not out.exists()


def test_passphrase_file_and_terminal_prompt_protect_the_pdf(
    demo_db: Path, tmp_path: Path, env: None
) -> None:
    secret = tmp_path / "pdf-pass.txt"
    secret.write_text(PDF_PASSPHRASE + "\n", encoding="utf-8")
    out = tmp_path / "register.pdf"
    code, _s, err = register_2016(
        demo_db,
        "--out",
        out,
        "--pdf-passphrase-file",
        secret,
    )
    assert code == EXIT_OK, err
    with pikepdf.open(out, password=PDF_PASSPHRASE):
        pass
    typed = tmp_path / "typed.pdf"
    typed_at_the_terminal = functools.partial(
        register_2016, demo_db, "--out", typed, "--encrypt", terminal=True
    )
    code, _s, err = typed_at_the_terminal(typed=PDF_PASSPHRASE)
    assert code == EXIT_OK, err
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(typed)
    code, _s, err = typed_at_the_terminal(typed="short")
    assert code == EXIT_FAILED
    assert "at least 12 characters" in err


def test_register_lists_every_referral_of_the_year(
    demo_db: Path, tmp_path: Path, env: None
) -> None:
    out = tmp_path / "register.pdf"
    code, said, err = run("report", "register", str(demo_db), "--year", "2016", "--out", str(out))
    assert code == EXIT_OK, err
    assert "4 referrals" in said
    check_pdf(out)
    text = pdf_text(out)
    for reference in ("CRAG-2016-01", "CRAG-2016-02", "CRAG-2016-03", "CRAG-2016-04"):
        assert reference in text
    assert "CRAG-2015-09" not in text
    assert "Page 1 of" in text
    assert "OFFICIAL-SENSITIVE" in text


def test_decision_record_can_be_protected_too(demo_db: Path, tmp_path: Path, env: None) -> None:
    out = tmp_path / "decision.pdf"
    secret = tmp_path / "p.txt"
    secret.write_text(PDF_PASSPHRASE, encoding="utf-8")
    code, said, err = run(
        "report",
        "decision",
        demo_db,
        "--referral",
        "CRAG-2016-01",
        "--out",
        out,
        "--pdf-passphrase-file",
        secret,
    )
    assert code == EXIT_OK, err
    assert "AES-256" in said
    check_pdf(out, PDF_PASSPHRASE)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(out)


def test_reports_are_audited_with_their_protection(
    demo_db: Path, tmp_path: Path, env: None
) -> None:
    out = tmp_path / "annual.pdf"
    assert run("report", "annual", str(demo_db), "--year", "2016", "--out", str(out))[0] == 0
    with Database.open(demo_db, PASSPHRASE, operator="t") as db, db.unit_of_work() as session:
        events = audit.list_events(session)
    last = [e for e in events if e.action == "print" and e.record_id == "annual/2016"][-1]
    assert last.operator == "Board Officer"
    assert ("annual_report", None, "annual.pdf") in last.changes
    assert ("protection", None, "not encrypted") in last.changes


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--year", "1800"], "not a reporting year"),
        (["--year", "2016", "--as-of", "1/4/2017"], "YYYY-MM-DD"),
        (["--year", "2016", "--as-of", "2015-01-01"], "before the year began"),
    ],
)
def test_bad_years_and_dates_get_a_sentence(
    demo_db: Path, tmp_path: Path, env: None, argv: list[str], words: str
) -> None:
    out = tmp_path / "a.pdf"
    code, _said, err = run("report", "annual", str(demo_db), *argv, "--out", str(out))
    assert code == EXIT_FAILED
    assert words in err
    assert not out.exists()
