"""The command line as a new user meets it: every command, and every wrong way to call it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.cli import cli, digest
from tests.helpers.databases import OPERATOR, PASSPHRASE

pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database made once for the read-only tests of this module."""
    path = tmp_path_factory.mktemp("demo") / "demo.crag"
    env = {**os.environ, "CRAG_PASSPHRASE": PASSPHRASE, "CRAG_OPERATOR": OPERATOR}
    done = subprocess.run(
        [sys.executable, "-m", "crag_desktop.cli", "demo", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return path


def exported_document(db: Path, out: Path) -> Any:
    """The document `crag-desktop export` writes of `db` to `out`, read back."""
    assert cli("export", str(db), str(out)).code == 0
    return json.loads(out.read_text())


def edited_export(db: Path, folder: Path, changes: Mapping[tuple[str, int, str], object]) -> Path:
    """`db` exported to `folder`, with `changes` ({(list, index, field): value}) made as
    someone editing the file would: the edited file's path."""
    document = exported_document(db, folder / "all.json")
    for (records, index, field), value in changes.items():
        document[records][index][field] = value
    edited = folder / "edited.json"
    edited.write_text(json.dumps(document))
    return edited


def test_init_creates_an_encrypted_user_only_database(tmp_path: Path) -> None:
    db = tmp_path / "new.crag"
    run = cli("init", str(db))
    assert run.code == 0, run.err
    assert "Created" in run.out
    assert db.stat().st_mode & 0o777 == 0o600
    assert not db.read_bytes().startswith(b"SQLite format 3")


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "taken.crag"
    db.write_bytes(b"something precious")
    run = cli("init", str(db))
    assert run.code == 2
    assert "will not overwrite" in run.err_lines[0]
    assert db.read_bytes() == b"something precious"


def test_without_a_terminal_the_command_line_never_prompts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRAG_PASSPHRASE")
    run = cli("init", str(tmp_path / "x.crag"))
    assert run.code == 2
    assert "CRAG_PASSPHRASE" in run.err
    assert "--passphrase-file" in run.err
    assert not (tmp_path / "x.crag").exists()


def test_prompt_asks_twice_when_creating_and_refuses_a_mismatch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRAG_PASSPHRASE")
    db = tmp_path / "x.crag"
    run = cli("init", str(db), terminal=True, answers=[PASSPHRASE, PASSPHRASE + "!"])
    assert run.code == 2
    assert "differ" in run.err
    assert not db.exists()
    run = cli("init", str(db), terminal=True, answers=[PASSPHRASE, PASSPHRASE])
    assert run.code == 0, run.err


def test_a_short_new_passphrase_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRAG_PASSPHRASE", "short")
    run = cli("init", str(tmp_path / "x.crag"))
    assert run.code == 2
    assert "too short" in run.err


def test_passphrase_file_drops_only_the_final_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CRAG_PASSPHRASE")
    secret = tmp_path / "secret.txt"
    secret.write_text("  spaces 'quotes'; semicolons ünïcødé  \n", encoding="utf-8")
    db = tmp_path / "x.crag"
    assert cli("init", str(db), "--passphrase-file", str(secret)).code == 0
    monkeypatch.setenv("CRAG_PASSPHRASE", "  spaces 'quotes'; semicolons ünïcødé  ")
    assert cli("check", str(db)).code == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "does not exist"), ("", "is empty")],
)
def test_bad_passphrase_files_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, expected: str
) -> None:
    monkeypatch.delenv("CRAG_PASSPHRASE")
    secret = tmp_path / "secret.txt"
    if content is not None:
        secret.write_text(content)
    run = cli("init", str(tmp_path / "x.crag"), "--passphrase-file", str(secret))
    assert run.code == 2
    assert expected in run.err_lines[0]


def test_check_reports_a_healthy_demo_database(demo_db: Path) -> None:
    before = digest(demo_db)
    run = cli("check", str(demo_db))
    assert run.code == 0, run.err
    assert "all good" in run.out
    assert digest(demo_db) == before


def test_wrong_passphrase_is_one_sentence_and_changes_nothing(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRAG_PASSPHRASE", "not the passphrase at all")
    before = digest(demo_db)
    run = cli("export", str(demo_db), str(demo_db.parent / "out.json"))
    assert run.code == 2
    assert run.err_lines == [run.err_lines[0]]
    assert "wrong passphrase, or not a CRAG Desktop database" in run.err
    assert digest(demo_db) == before
    assert not (demo_db.parent / "out.json").exists()
    captured = capfd.readouterr()
    assert "hmac" not in captured.err.lower()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        ("missing", "There is no database"),
        ("folder", "is a folder"),
        ("empty", "is an empty file"),
        ("plain", "unencrypted SQLite file"),
        ("random", "wrong passphrase, or not a CRAG Desktop database"),
    ],
)
def test_each_bad_file_has_its_own_sentence(tmp_path: Path, make: str, expected: str) -> None:
    import sqlite3

    db = tmp_path / "bad.crag"
    if make == "folder":
        db.mkdir()
    elif make == "empty":
        db.write_bytes(b"")
    elif make == "plain":
        with sqlite3.connect(db) as plain:
            plain.execute("create table t (a)")
        plain.close()
    elif make == "random":
        db.write_bytes(os.urandom(8192))
    before = digest(db) if db.is_file() else None
    run = cli("check", str(db))
    assert run.code == 2
    assert expected in run.err_lines[0]
    assert "Traceback" not in run.err
    if before is not None:
        assert digest(db) == before


def test_export_import_export_round_trips(demo_db: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    assert cli("export", str(demo_db), str(first)).code == 0
    assert first.stat().st_mode & 0o777 == 0o600
    copy = tmp_path / "copy.crag"
    run = cli("import", str(copy), str(first))
    assert run.code == 0, run.err
    second = tmp_path / "second.json"
    assert cli("export", str(copy), str(second)).code == 0
    assert json.loads(first.read_text()) == json.loads(second.read_text())
    assert first.read_bytes() == second.read_bytes()
    document = json.loads(first.read_text())
    assert document["format"] == "crag-desktop"
    assert document["marking"] == "OFFICIAL-SENSITIVE"


def test_a_demo_with_synthetic_referrals_round_trips(tmp_path: Path) -> None:
    # The synthetic records' action ids once collided with the demo's ("A1" twice), so
    # the export of `demo --size N` was refused by import.
    demo = tmp_path / "demo.crag"
    run = cli("demo", str(demo), "--size", "60")
    assert run.code == 0, run.err
    first = tmp_path / "first.json"
    assert cli("export", str(demo), str(first)).code == 0
    copy = tmp_path / "copy.crag"
    run = cli("import", str(copy), str(first))
    assert run.code == 0, run.err
    second = tmp_path / "second.json"
    assert cli("export", str(copy), str(second)).code == 0
    assert first.read_bytes() == second.read_bytes()
    actions = [
        a["id"] for r in json.loads(first.read_text())["recommendations"] for a in r["actions"]
    ]
    assert len(actions) == len(set(actions)) > 0


def test_an_import_with_several_problems_imports_nothing_and_names_each(
    demo_db: Path, tmp_path: Path
) -> None:
    broken = edited_export(
        demo_db,
        tmp_path,
        {
            ("referrals", 0, "received"): "2017-02-30",
            ("referrals", 1, "incident_type"): "accident",
            ("reviews", 0, "colour"): "blue",
        },
    )
    target = tmp_path / "target.crag"
    run = cli("import", str(target), str(broken))
    assert run.code == 2
    problems = run.err_lines[1:]
    assert any("$.referrals[0].received" in line for line in problems), run.err
    assert any("$.referrals[1].incident_type" in line for line in problems), run.err
    assert any("$.reviews[0]" in line and "colour" in line for line in problems), run.err
    # All or nothing: the database this import would have created is not left behind.
    assert not target.exists()


def test_importing_ids_already_present_is_refused_whole(demo_db: Path, tmp_path: Path) -> None:
    exported = tmp_path / "all.json"
    assert cli("export", str(demo_db), str(exported)).code == 0
    before = digest(demo_db)
    run = cli("import", str(demo_db), str(exported))
    assert run.code == 2
    # One sentence, not one "$.x.id: id already exists" line per record.
    assert run.err_lines == [
        "These records are already in this database (the file was imported before, or was "
        "exported from it); nothing was imported."
    ]
    assert digest(demo_db) == before


def test_an_import_with_a_taken_id_and_other_problems_lists_them_all(
    demo_db: Path, tmp_path: Path
) -> None:
    broken = edited_export(demo_db, tmp_path, {("referrals", 0, "received"): "2017-02-30"})
    run = cli("import", str(demo_db), str(broken))
    assert run.code == 2
    assert any("already exists" in line for line in run.err_lines[1:])
    assert any("$.referrals[0].received" in line for line in run.err_lines[1:])


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"{not json", "is not valid JSON"), (b"\xff\xfe\x00", "not UTF-8")],
)
def test_a_file_that_is_not_json_is_named(tmp_path: Path, content: bytes, expected: str) -> None:
    source = tmp_path / "in.json"
    source.write_bytes(content)
    run = cli("import", str(tmp_path / "t.crag"), str(source))
    assert run.code == 2
    assert expected in run.err_lines[0]
    assert not (tmp_path / "t.crag").exists()


def test_passwd_rekeys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.crag"
    assert cli("init", str(db)).code == 0
    new = "a brand new passphrase; with 'quotes' " + "é" * 400
    monkeypatch.setenv("CRAG_NEW_PASSPHRASE", new)
    run = cli("passwd", str(db))
    assert run.code == 0, run.err
    assert cli("check", str(db)).code == 2
    monkeypatch.setenv("CRAG_PASSPHRASE", new)
    assert cli("check", str(db)).code == 0


def test_usage_errors_exit_2_with_a_sentence() -> None:
    run = cli("export")
    assert run.code == 2
    assert "required" in run.err_lines[0]
    assert run.err_lines[1].startswith("Usage:")
    assert cli("demo", "x.crag", "--size", "many").code == 2


def test_help_exits_0() -> None:
    assert cli("--help").code == 0
    assert cli("import", "--help").code == 0


def test_non_gui_commands_do_not_import_qt(demo_db: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from crag_desktop.cli import main\n"
        f"rc = main(['check', {str(demo_db)!r}])\n"
        "assert rc == 0, rc\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt was imported'\n"
    )
    env = {**os.environ, "CRAG_PASSPHRASE": PASSPHRASE}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_failures_never_show_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "CRAG_PASSPHRASE": PASSPHRASE}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "crag_desktop.cli",
            "export",
            str(tmp_path / "nope.crag"),
            str(tmp_path / "out.json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("There is no database")


def _contains(folder: Path, text: str) -> list[str]:
    needles = [text.encode("ascii"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                found.append(path.name)
    return found


def test_no_file_beside_the_database_holds_imported_text(demo_db: Path, tmp_path: Path) -> None:
    sentinel = "SENTINEL-7f3a9c-Zebra"
    (tmp_path / "source").mkdir()
    summary = {("referrals", 0, "summary"): f"The {sentinel} case summary."}
    source = edited_export(demo_db, tmp_path / "source", summary)
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "records.crag"
    assert cli("import", str(db), str(source)).code == 0
    assert _contains(folder, sentinel) == []
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert db.stat().st_mode & 0o777 == 0o600


def test_the_demo_database_holds_no_plaintext(demo_db: Path) -> None:
    # "Baby L" is a pseudonym every demo referral list shows.
    assert _contains(demo_db.parent, "Baby L") == []


COMMAND_LIST = "Commands: init, demo, import, export, passwd, check, audit, backup, restore, report"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current folder (tmp_path itself holds the log folder)."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def gui_never_starts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Records any attempt to open the window instead of opening it."""
    import crag_desktop.app

    started: list[object] = []

    def record(**options: object) -> int:
        started.append(options)
        return 0

    monkeypatch.setattr(crag_desktop.app, "run_gui", record)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    return started


def test_an_unknown_command_is_named_not_opened_as_a_database(
    workdir: Path, gui_never_starts: list[object]
) -> None:
    run = cli("frobnicate")
    assert run.code == 2
    assert run.err_lines[0].startswith(f"Unknown command 'frobnicate'. {COMMAND_LIST}")
    assert "Did you mean" not in run.err
    assert gui_never_starts == []
    assert list(workdir.iterdir()) == []


def test_a_mistyped_command_suggests_the_close_one(
    workdir: Path, gui_never_starts: list[object]
) -> None:
    for argv in (["chek"], ["chek", "d.crag"]):
        run = cli(*argv)
        assert run.code == 2
        assert run.err_lines[0].startswith("Unknown command 'chek'. Did you mean 'check'?")
        assert COMMAND_LIST in run.err_lines[0]
        assert "unrecognized arguments" not in run.err
    assert gui_never_starts == []


def test_a_database_name_still_opens_the_window(
    workdir: Path, gui_never_starts: list[object]
) -> None:
    (workdir / "board").write_bytes(b"")  # an existing file without a suffix is a database
    for name in ("board", "new.crag", str(workdir / "elsewhere")):
        assert cli(name).code == 0
    assert [call["database_path"] for call in gui_never_starts] == [  # type: ignore[index]
        Path("board"),
        Path("new.crag"),
        workdir / "elsewhere",
    ]


@pytest.mark.parametrize("argv", [[], ["some.crag"], ["--demo"]])
def test_without_a_display_the_window_is_not_attempted(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    run = cli(*argv)
    assert run.code == 2
    assert run.err_lines == [
        "There is no display to open CRAG Desktop's window on. Use the commands "
        "(crag-desktop --help) or run it in a desktop session."
    ]
    assert list(workdir.iterdir()) == []  # not even a demo database was made


def test_help_lists_every_command_on_its_own_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("--help").code == 0
    shown = capsys.readouterr().out
    lines = shown.splitlines()
    for command in ("init", "demo", "import", "export", "passwd", "check", "report"):
        matching = [line for line in lines if line.split()[:1] == [command]]
        assert len(matching) == 1, (command, shown)
        assert len(matching[0].split()) > 2, "each command has a one-line description"
    assert "the encrypted database file to open" in shown


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2, 3]", 'x.json is not a CRAG Desktop interchange file (it has no "format": '),
        ('{"name": "a"}', 'x.json is not a CRAG Desktop interchange file (it has no "format": '),
        (
            '{"format": "crag-desktop", "version": 7}',
            "x.json is interchange version 7; this CRAG Desktop reads version 1.",
        ),
    ],
)
def test_json_that_is_not_an_interchange_file_is_one_sentence(
    tmp_path: Path, content: str, expected: str
) -> None:
    source = tmp_path / "x.json"
    source.write_text(content)
    target = tmp_path / "t.crag"
    run = cli("import", str(target), str(source))
    assert run.code == 2
    assert len(run.err_lines) == 1, run.err
    assert run.err_lines[0].startswith(expected)
    assert "is required" not in run.err
    assert not target.exists()


def test_commands_leave_no_lock_file_beside_the_database(tmp_path: Path) -> None:
    db = tmp_path / "d.crag"
    assert cli("init", str(db)).code == 0
    assert cli("check", str(db)).code == 0
    assert cli("export", str(db), str(tmp_path / "out.json")).code == 0
    # "state" is this test's XDG_STATE_HOME (the log and the notes of writes in progress).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "state") == [
        "d.crag",
        "out.json",
    ]


def test_an_unexpected_failure_logs_no_record_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parser binds each command's handler, so the broken one goes where it looks.
    import crag_desktop.cli.parser as parser_module

    def broken(_args: object, _console: object) -> int:
        raise ValueError("Baby L was harmed")  # a message that must never reach the log

    def drop_log_handlers() -> None:
        # configure_logging runs once per process; this test wants its own log file.
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_crag", False)]:
            root.removeHandler(handler)
            handler.close()

    monkeypatch.setattr(parser_module, "cmd_init", broken)
    drop_log_handlers()
    try:
        run = cli("init", str(tmp_path / "x.crag"))
    finally:
        drop_log_handlers()
    assert run.code == 2
    assert "unexpected problem (reference " in run.err
    log_text = (tmp_path / "state" / "crag-desktop" / "crag-desktop.log").read_text()
    assert "ValueError" in log_text
    assert "Baby L" not in log_text
    assert "Baby L" not in run.err
