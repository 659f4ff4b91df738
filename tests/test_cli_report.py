"""`crag-desktop report decision`: the decision record as PDF from the command line."""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from crag_desktop.cli import EXIT_FAILED, EXIT_OK, Console, main
from crag_desktop.domain.records import (
    Meeting,
    PanelLoop,
    Referral,
)
from crag_desktop.domain.vocabulary import (
    DecidedOutcome,
    IncidentType,
    LegalStatus,
    PanelResponse,
    ReferralStatus,
)
from crag_desktop.services.database import Database
from crag_desktop.services.decision_records import decision_record_view
from crag_desktop.services.decisions import DecisionService
from crag_desktop.storage import audit, repositories
from tests.helpers.databases import PASSPHRASE, save_partnership
from tests.helpers.decisions import panel_response
from tests.helpers.records import a_child, a_referral, a_rules_decision

ANSWERS: dict[str, str | bool | None] = {
    "abuse_or_neglect": "not_suspected",
    "child_died": False,
    "suspected_suicide": False,
    "death_in_custody": False,
    "seriously_harmed": True,
    "harm_life_threatening": None,
    "harm_long_term_impairment": True,
    "interagency_concern": None,
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    console = Console(out=out, err=err, stdin_is_terminal=lambda: False, ask_secret=lambda _p: "")
    code = main(list(argv), console)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CRAG_OPERATOR", "Report Officer")
    path = tmp_path / "crag.db"
    with Database.create(path, PASSPHRASE, operator="Setup") as db:
        with db.unit_of_work() as session:
            save_partnership(session, attendees=())
            for key, reference, case in (
                ("R3", "CRAG-2016-03", "Child Q"),
                ("R4", "CRAG-2016-04", "Child B"),
            ):
                child = a_child(pseudonym=case, age_years=14, age_months=None)
                referral = a_referral(
                    key,
                    reference=reference,
                    referring_agency="csc",
                    case_name=case,
                    incident_type=IncidentType.SERIOUS_HARM,
                    children=(dataclasses.replace(child, legal_status=LegalStatus.CHILD_IN_NEED),),
                    summary="Self-harm needing hospital treatment.",
                )
                repositories.save(session, referral)
            meeting = repositories.get(session, Meeting, "mt1")
            referral = repositories.get(session, Referral, "R4")
        service = DecisionService(db=db)
        service.record_decision(
            referral=referral,
            decision=a_rules_decision(
                ANSWERS,
                decided_outcome=DecidedOutcome.NO_FURTHER_ACTION,
                rationale="Abuse or neglect is not suspected; single-agency learning only.",
                decided_on=date(2016, 6, 1),
                meeting="mt1",
                evidence={"abuse_or_neglect": "Strategy discussion: no s47 threshold."},
                attendees=("m1", "m2"),
            ),
            meeting=meeting,
            commission=None,
        )
        panel_response(
            service,
            PanelResponse.CONTESTED,
            referral_id="R4",
            board_reply="The Board keeps its view.",
        )
    return path


@pytest.mark.parametrize(
    "command",
    [("decision", "--referral", "CRAG-2016-04"), ("annual", "--year", "2016")],
)
def test_a_report_command_imports_only_what_it_prints_with(
    db_path: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    # A report is read with Core statements and audited on a Core connection: the ORM, the
    # migrations, the interchange format's JSON Schema and Qt stay unimported (benchmarks:
    # decision record and annual report, whole process).
    out = tmp_path / "report.pdf"
    argv = ["report", command[0], str(db_path), *command[1:], "--out", str(out)]
    code = (
        "import json, sys\n"
        "from crag_desktop.cli import main\n"
        f"assert main({argv!r}) == 0\n"
        "late = ('sqlalchemy.orm', 'alembic', 'jsonschema',"
        " 'PySide6')\n"
        "print(json.dumps([m for m in late if any(n.split('.')[:len(m.split('.'))]"
        " == m.split('.') for n in sys.modules)]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert out.exists()


def test_report_decision_writes_a_user_only_pdf_and_audits_it(
    db_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "record.pdf"
    code, stdout, stderr = run(
        "report", "decision", str(db_path), "--referral", "CRAG-2016-04", "--out", str(out)
    )
    assert (code, stderr) == (EXIT_OK, "")
    assert stdout.startswith("Wrote the decision record for CRAG-2016-04")
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with (
        Database.open(db_path, PASSPHRASE, operator="Checker") as db,
        db.unit_of_work() as session,
    ):
        events = audit.list_events(session, record_type="referral", record_id="R4")
    assert events[-1].action == "print"
    assert events[-1].operator == "Report Officer"

    if os.environ.get("CRAG_SCREENSHOTS"):
        shutil.copy(out, Path(os.environ["CRAG_SCREENSHOTS"]) / "decision-record.pdf")
    if shutil.which("pdftotext") is None:
        return
    text = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Table cells wrap: compare with every run of white space made one space.
    text = " ".join(text.split())
    for expected in (
        "OFFICIAL-SENSITIVE",
        "CRAG-2016-04",
        "Child B",
        "WT2015",
        "2015.1",
        "LSCB Regulations 2006",  # the statutory wording of the recorded rule set
        "Is abuse or neglect of the child known or suspected?",
        "Neither known nor suspected",
        "Not yet known",
        "Strategy discussion: no s47 threshold.",
        "A serious case review is not required",
        "No further action",
        "Alex Chair",
        "Sam Detective",
        "Police",
        "Contested",
        "The Board keeps its view.",
    ):
        assert expected in text, expected


def test_an_undecided_referral_fails_with_one_sentence(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "record.pdf"
    code, stdout, stderr = run(
        "report", "decision", str(db_path), "--referral", "CRAG-2016-03", "--out", str(out)
    )
    assert code == EXIT_FAILED
    assert stdout == ""
    assert stderr == (
        "Referral CRAG-2016-03 has no recorded decision yet: record one with the criteria "
        "wizard first.\n"
    )
    assert not out.exists()


def test_an_unknown_referral_is_named(db_path: Path, tmp_path: Path) -> None:
    code, _, stderr = run(
        "report", "decision", str(db_path), "--referral", "X", "--out", str(tmp_path / "a.pdf")
    )
    assert (code, stderr) == (EXIT_FAILED, "There is no referral 'X'.\n")


def test_an_out_name_without_suffix_gets_pdf_added(db_path: Path, tmp_path: Path) -> None:
    code, stdout, stderr = run(
        "report",
        "decision",
        str(db_path),
        "--referral",
        "CRAG-2016-04",
        "--out",
        str(tmp_path / "r"),
    )
    assert (code, stderr) == (EXIT_OK, "")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "r").exists()
    assert f"to {tmp_path / 'r.pdf'}" in stdout
    assert '".pdf" added' in stdout


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo database made with `crag-desktop demo`, its passphrase in the environment."""
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "demo.crag"
    assert run("demo", str(path))[0] == EXIT_OK
    return path


def test_every_demo_decision_record_is_complete_and_valid(demo: Path, tmp_path: Path) -> None:
    for reference in ("CRAG-2014-03", "CRAG-2015-09", "CRAG-2016-01", "CRAG-2016-02"):
        out = tmp_path / f"{reference}.pdf"
        code, _, stderr = run(
            "report", "decision", str(demo), "--referral", reference, "--out", str(out)
        )
        assert (code, stderr) == (EXIT_OK, "")
        if shutil.which("qpdf") is not None:
            checked = subprocess.run(
                ["qpdf", "--check", str(out)], capture_output=True, text=True, check=False
            )
            assert checked.returncode == 0, checked.stdout + checked.stderr
        if shutil.which("pdftotext") is None:
            continue
        text = subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "None" not in text, reference
        last_page = text.rstrip("\f").split("\f")[-1]
        assert "Signed as a true record" in last_page
        assert "7 Present" in " ".join(last_page.split()), "signatures stand alone"
    # No empty lock file is left beside the database.
    assert not (tmp_path / "demo.crag.lock").exists()


def test_the_decision_record_names_the_chair_and_the_notification(
    demo: Path, tmp_path: Path
) -> None:
    # Young Person M: notified 6 May 2016 (SIN-DEMO-0163), learned of 1 May, neglect and
    # emotional abuse; decided at a meeting the chair attended.
    with Database.open(demo, PASSPHRASE, operator="Checker") as db:
        view = decision_record_view(db, "CRAG-2016-01")
        assert view.chair_name == "Harriet Quillfeather"
        assert view.learned_on == date(2016, 5, 1)
        assert view.notified_on == date(2016, 5, 6)
        assert view.notification_reference == "SIN-DEMO-0163"
        assert view.abuse_categories == ("Neglect", "Emotional")
        assert view.national_panel is not None
        assert view.national_panel.notified_on == date(2016, 5, 6)
        # Notified but the decision not yet sent: the record must not say "not yet sent to
        # the Panel" as if it had never heard of the case.
        with db.unit_of_work() as session:
            referral = repositories.get(session, Referral, "R8")
            decided = repositories.get(session, Referral, "R6").decision
            assert decided is not None
            repositories.save(
                session,
                dataclasses.replace(
                    referral,
                    notified_on=date(2016, 12, 2),
                    decision=dataclasses.replace(decided, panel=PanelLoop()),
                    status=ReferralStatus.DECIDED,
                ),
            )
        notified_only = decision_record_view(db, "R8")
    assert notified_only.national_panel is not None
    assert notified_only.national_panel.notified_on == date(2016, 12, 2)
    if shutil.which("pdftotext") is None:
        return
    out = tmp_path / "m.pdf"
    assert (
        run("report", "decision", str(demo), "--referral", "CRAG-2016-01", "--out", str(out))[0]
        == EXIT_OK
    )
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for expected in (
        "SIN-DEMO-0163",
        "Local authority learned of it 1 May 2016",
        "Serious incident notified 6 May 2016",
        "Harriet Quillfeather",
    ):
        assert expected in text, expected
    assert "Not yet sent to the National Panel" not in text


def test_a_living_childs_death_questions_print_as_not_applicable(db_path: Path) -> None:
    answers: dict[str, str | bool | None] = {
        "abuse_or_neglect": "known",
        "child_died": False,
        "seriously_harmed": True,
        "looked_after_child_died": False,
        "improvements_needed": True,
        "recurrent_themes": None,
        "concerns_two_or_more_agencies": None,
        "panel_declined_national_review": None,
    }
    with Database.open(db_path, PASSPHRASE, operator="Checker") as db:
        with db.unit_of_work() as session:
            referral = repositories.get(session, Referral, "R3")
            meeting = repositories.get(session, Meeting, "mt1")
        DecisionService(db=db).record_decision(
            referral=dataclasses.replace(referral, notified_on=date(2016, 5, 12)),
            decision=a_rules_decision(
                answers,
                rule_set="WT2018",
                decided_outcome=DecidedOutcome.LCSPR,
                rationale="Improvements needed.",
                decided_on=date(2016, 6, 1),
                meeting="mt1",
                attendees=("m1",),
            ),
            meeting=meeting,
            commission=None,
        )
        view = decision_record_view(db, "R3")
    shown = {q.question: q.answer for q in view.questions}
    assert shown["Was the child who died looked after by a local authority?"] == (
        "Not applicable (child living)"
    )
    assert shown["Has the child died?"] == "No", "asked, and answered"
    # Labels only: no stored code reaches the page.
    printed = " ".join(
        [view.decided_outcome, view.rules_outcome, *(q.answer for q in view.questions)]
    )
    assert "lcspr" not in printed
    assert view.decided_outcome == "Local child safeguarding practice review"
