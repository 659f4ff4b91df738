"""The `crag-desktop` command: the GUI by default, and commands that never open it.

Exit status: 0 done; 1 the command ran and found a problem (`check`); 2 it could not do
its work. On failure the first line on stderr says what happened and each further line
names one problem. A traceback never reaches the user: anything unexpected is logged and
reported with a reference.

Non-GUI commands do not import Qt, so they start quickly on a council laptop.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import getpass
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from crag_desktop.diagnostics import configure_logging, log_internal_error
from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.wording import PDF_SUFFIX, count_of, short_date, with_suffix
from crag_desktop.fileio import sweep_stale_temporaries

if TYPE_CHECKING:
    from crag_desktop.services.database import Database

EXIT_OK = 0
EXIT_PROBLEMS_FOUND = 1
EXIT_FAILED = 2

COMMANDS = (
    "init",
    "demo",
    "import",
    "export",
    "passwd",
    "check",
    "audit",
    "backup",
    "restore",
    "report",
    "import-returns",
)

MIN_PASSPHRASE_LENGTH = 12
#: Problems listed on stderr before the rest are only counted (a bad file can have thousands).
MAX_PROBLEMS_SHOWN = 50


class CommandFailed(Exception):
    """The command could not do its work; `lines` go to stderr, the first says what happened."""

    def __init__(self, *lines: str) -> None:
        super().__init__(lines[0] if lines else "")
        self.lines = list(lines)


@dataclass(frozen=True, slots=True)
class Console:
    """Where the command talks to its user; tests give their own."""

    out: TextIO
    err: TextIO
    stdin_is_terminal: Callable[[], bool]
    ask_secret: Callable[[str], str]
    #: A line typed on the terminal (a yes or no); only asked when there is one.
    ask_line: Callable[[str], str] = input


def default_console() -> Console:
    """The real terminal."""
    return Console(
        out=sys.stdout,
        err=sys.stderr,
        stdin_is_terminal=lambda: sys.stdin is not None and sys.stdin.isatty(),
        ask_secret=getpass.getpass,
    )


# --- passphrases ---------------------------------------------------------------------------


def _normalise(passphrase: str) -> str:
    # NFC so that the same passphrase typed on another keyboard layout opens the database.
    return unicodedata.normalize("NFC", passphrase)


def _read_passphrase_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandFailed(f"The passphrase file {path} does not exist.") from None
    except IsADirectoryError:
        raise CommandFailed(f"The passphrase file {path} is a folder, not a file.") from None
    except UnicodeDecodeError:
        raise CommandFailed(f"The passphrase file {path} is not UTF-8 text.") from None
    except OSError as error:
        raise CommandFailed(
            f"The passphrase file {path} could not be read ({error.strerror})."
        ) from None
    # A file written by Notepad starts with a byte order mark, and one written by `echo`
    # ends in a newline: neither is part of the passphrase (spaces are kept).
    text = text.removeprefix("\ufeff").rstrip("\r\n")
    if not text:
        raise CommandFailed(f"The passphrase file {path} is empty.")
    return text


def get_passphrase(
    console: Console,
    *,
    file: Path | None,
    env_name: str,
    creating: bool,
    what: str = "passphrase",
) -> str:
    """The passphrase from the environment, a file, or the terminal (twice when creating)."""
    from_env = os.environ.get(env_name)
    if from_env:
        passphrase = from_env
    elif file is not None:
        passphrase = _read_passphrase_file(file)
    elif console.stdin_is_terminal():
        passphrase = console.ask_secret(f"{what.capitalize()}: ")
        if creating:
            again = console.ask_secret(f"The {what} again: ")
            if again != passphrase:
                raise CommandFailed(f"The two {what}s differ; nothing was changed.")
    else:
        option = (
            "--new-passphrase-file" if env_name == "CRAG_NEW_PASSPHRASE" else ("--passphrase-file")
        )
        raise CommandFailed(
            f"No {what} was given and there is no terminal to ask on: "
            f"set {env_name} or use {option} FILE."
        )
    passphrase = _normalise(passphrase)
    if not passphrase:
        raise CommandFailed(f"The {what} is empty.")
    if creating and not passphrase.strip():
        raise CommandFailed(
            f"The {what} is only spaces: choose words you can remember, at least "
            f"{MIN_PASSPHRASE_LENGTH} characters long."
        )
    if creating and len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise CommandFailed(
            f"The {what} is too short: use at least {MIN_PASSPHRASE_LENGTH} characters."
        )
    return passphrase


def operator_name() -> str:
    """Who is working, for the audit trail."""
    name = os.environ.get("CRAG_OPERATOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown operator"


# --- the commands --------------------------------------------------------------------------


def _open(
    args: argparse.Namespace,
    console: Console,
    *,
    record_unlock: bool,
    reading_only: bool = False,
) -> Database:
    """Open DB for the command; `reading_only` commands (check, audit) open a database the
    user may not write read-only, and every other command refuses it with a sentence."""
    from crag_desktop.services.database import Database

    path = Path(args.db)
    read_only = _read_only(path)
    if read_only and not reading_only:
        # Before the passphrase is asked for: the command cannot succeed.
        from crag_desktop.domain.errors import DatabaseNotWritable

        raise DatabaseNotWritable(path)
    passphrase = get_passphrase(
        console, file=args.passphrase_file, env_name="CRAG_PASSPHRASE", creating=False
    )
    return Database.open(
        path,
        passphrase,
        operator=operator_name(),
        record_unlock=record_unlock,
        read_only=read_only,
    )


def _read_only(path: Path) -> bool:
    """Whether DB is a file this user may not change where it is (a read-only file, folder or
    drive). A path that is no file is for Database.open to explain."""
    from crag_desktop.fileio import may_change_in_place

    return path.is_file() and not may_change_in_place(path)


def _create(args: argparse.Namespace, console: Console) -> Database:
    from crag_desktop.services.database import Database

    path = Path(args.db)
    _refuse_existing(path)
    _refuse_read_only_folder(path)
    passphrase = get_passphrase(
        console, file=args.passphrase_file, env_name="CRAG_PASSPHRASE", creating=True
    )
    return Database.create(path, passphrase, operator=operator_name())


def _refuse_read_only_folder(path: Path) -> None:
    # Before the passphrase is asked for, like `_refuse_existing`.
    from crag_desktop.domain.errors import DatabaseNotWritable
    from crag_desktop.fileio import may_change_in_place

    if not may_change_in_place(path):
        raise DatabaseNotWritable(path, exists=path.exists())


def _refuse_existing(path: Path) -> None:
    # Checked before asking for a passphrase so that the user is not asked twice for nothing.
    from crag_desktop.domain.errors import DatabaseExists

    if path.exists() or path.is_symlink():
        raise DatabaseExists(path)


@contextlib.contextmanager
def _created(args: argparse.Namespace, console: Console) -> Iterator[Database]:
    """A new database that is removed again if the command fails before it is done."""
    db = _create(args, console)
    try:
        with db:
            yield db
    except BaseException:
        _remove_database_files(Path(args.db))
        raise


def cmd_init(args: argparse.Namespace, console: Console) -> int:
    with _created(args, console):
        pass
    print(f"Created the encrypted database {args.db}.", file=console.out)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.demo import build_demo

    if args.size < 0:
        raise CommandFailed("--size must be 0 or more.")
    with _created(args, console) as db:
        summary = build_demo(db, synthetic_referrals=args.size, seed=args.seed)
    print(f"Created the demo database {args.db}: {summary}.", file=console.out)
    return EXIT_OK


def cmd_import(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.interchange import import_file, read_document_file

    source = Path(args.file)
    # Read and check the file's shape before anything touches (or creates) the database.
    data = read_document_file(source)
    size = source.stat().st_size
    path = Path(args.db)
    created = not path.exists()
    if created:
        # All or nothing: a database this command created for a failed import goes too.
        with _created(args, console) as db:
            summary = import_file(db, data, source_name=source.name, source_size=size)
    else:
        with _open(args, console, record_unlock=False) as db:
            summary = import_file(db, data, source_name=source.name, source_size=size)
    print(f"Imported {summary} into {args.db}.", file=console.out)
    return EXIT_OK


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm", ".lock"):
        candidate = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


def _refuse_database_target(out: Path, db: Path) -> None:
    # Before the passphrase is asked for: the command cannot succeed, so say so at once.
    from crag_desktop.fileio import refuse_database_target

    refuse_database_target(out, protected=(db,))


def cmd_export(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.interchange import export_file

    _refuse_database_target(Path(args.file), Path(args.db))
    with _open(args, console, record_unlock=False) as db:
        summary = export_file(db, Path(args.file), with_audit=args.with_audit)
    print(f"Exported {summary} to {args.file} (OFFICIAL-SENSITIVE).", file=console.out)
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace, console: Console) -> int:
    with _open(args, console, record_unlock=False) as db:
        new = get_passphrase(
            console,
            file=args.new_passphrase_file,
            env_name="CRAG_NEW_PASSPHRASE",
            creating=True,
            what="new passphrase",
        )
        db.rekey(new)
    print(f"Changed the passphrase of {args.db}.", file=console.out)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    with _open(args, console, record_unlock=False, reading_only=True) as db:
        problems = db.check()
        read_only = db.read_only
    if read_only:
        print(
            f"{args.db} is read-only for you: it was checked as it is, and nothing was written "
            "to it or beside it.",
            file=console.out,
        )
    if problems:
        print(f"{args.db}: {len(problems):,} problem(s) found.", file=console.err)
        print_problems(problems, console, then=".")
        return EXIT_PROBLEMS_FOUND
    print(
        f"{args.db}: encryption, integrity, schema version and audit trail are all good.",
        file=console.out,
    )
    return EXIT_OK


def _pdf_out(value: str) -> tuple[Path, str]:
    out = Path(value)
    # A file without a suffix does not open in a PDF viewer on Windows; "r" means "r.pdf".
    if out.suffix:
        return out, ""
    return with_suffix(out, PDF_SUFFIX), f' ("{PDF_SUFFIX}" added to the name given)'


def pdf_passphrase(args: argparse.Namespace, console: Console, *, what: str = "PDF") -> str | None:
    """The passphrase that protects the PDF (or the `what`): None unless --encrypt or a
    passphrase file was given; then from --pdf-passphrase-file, else CRAG_PDF_PASSPHRASE,
    else a prompt on a terminal (asked twice). Without a terminal the command never prompts."""
    from crag_desktop.reports.protection import normalise_pdf_passphrase

    file: Path | None = args.pdf_passphrase_file
    if not args.encrypt and file is None:
        return None
    if file is not None:
        passphrase = _read_passphrase_file(file)
    elif os.environ.get("CRAG_PDF_PASSPHRASE"):
        passphrase = os.environ["CRAG_PDF_PASSPHRASE"]
    elif console.stdin_is_terminal():
        passphrase = console.ask_secret(f"Passphrase for the {what}: ")
        if console.ask_secret("The same passphrase again: ") != passphrase:
            raise CommandFailed("The two passphrases differ; nothing was written.")
    else:
        raise CommandFailed(
            f"--encrypt needs a passphrase for the {what}: set CRAG_PDF_PASSPHRASE or give "
            "--pdf-passphrase-file FILE."
        )
    return normalise_pdf_passphrase(passphrase)


def _protection_note(passphrase: str | None) -> str:
    return "AES-256 encrypted" if passphrase is not None else "not encrypted"


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandFailed(
            f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2017-04-01."
        ) from None


def cmd_audit(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.audit_log import AuditLog, event_line

    with _open(args, console, record_unlock=False, reading_only=True) as db:
        log = AuditLog(db=db)
        if not args.verify:
            for event in log.events():
                print(event_line(event), file=console.out)
            return EXIT_OK
        problems = log.verify()
        if args.against is not None:
            from crag_desktop.services.backups import compare_with_backup

            # First: the backup names the first rewritten event, which the seal cannot.
            problems = compare_with_backup(db, Path(args.against)) + problems
        # Counted only when the trail is there to count.
        count = 0 if problems else log.total()
    if problems:
        # The first sentence names the first event that is missing, altered or out of place.
        print(f"{args.db}: the audit trail was tampered with. {problems[0]}", file=console.err)
        print_problems(problems[1:], console, then=".")
        return EXIT_PROBLEMS_FOUND
    print(
        f"{args.db}: the audit trail is intact ({count:,} events, none altered, removed or "
        "reordered).",
        file=console.out,
    )
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.backups import make_backup

    with _open(args, console, record_unlock=False) as db:
        result = make_backup(db, Path(args.out))
    print(
        f"Backed up {args.db} to {result.path} ({result.records:,} records, {result.events:,} "
        f"audit events, {result.size / 1e6:.1f} MB; encrypted with the same passphrase, "
        "opened and checked after writing).",
        file=console.out,
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.backups import restore_backup

    _refuse_read_only_folder(Path(args.db))
    passphrase = get_passphrase(
        console, file=args.passphrase_file, env_name="CRAG_PASSPHRASE", creating=False,
        what="backup's passphrase",
    )  # fmt: skip
    result = restore_backup(Path(args.backup), Path(args.db), passphrase, operator=operator_name())
    kept = (
        f" The file it replaced is kept as {result.kept_aside.name}." if result.kept_aside else ""
    )
    print(
        f"Restored {args.db} from {args.backup} (checked before it replaced anything).{kept}",
        file=console.out,
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.decision_records import write_decision_record

    out, note = _pdf_out(args.out)
    _refuse_database_target(out, Path(args.db))
    passphrase = pdf_passphrase(args, console)
    with _open(args, console, record_unlock=False) as db:
        reference = write_decision_record(db, args.referral, out, passphrase=passphrase)
    print(
        f"Wrote the decision record for {reference} to {out}{note} (OFFICIAL-SENSITIVE, "
        f"{_protection_note(passphrase)}).",
        file=console.out,
    )
    return EXIT_OK


def cmd_report_annual(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.annual_report import check_as_of, check_year, write_annual_report

    out, note = _pdf_out(args.out)
    _refuse_database_target(out, Path(args.db))
    as_of = _parse_date(args.as_of, "--as-of") if args.as_of else None
    check_year(args.year)
    check_as_of(args.year, as_of)
    stats_json = Path(args.stats_json) if args.stats_json else None
    if stats_json is not None:
        _refuse_database_target(stats_json, Path(args.db))
    passphrase = pdf_passphrase(args, console)
    with _open(args, console, record_unlock=False) as db:
        written = write_annual_report(
            db, args.year, out, as_of=as_of, stats_json=stats_json, passphrase=passphrase
        )
    stats = written.statistics
    print(
        f"Wrote the annual report for {stats.year}/{(stats.year + 1) % 100:02d} as of "
        f"{short_date(stats.as_of)} to {out}{note}: {written.pages} pages (OFFICIAL-SENSITIVE, "
        f"{_protection_note(passphrase)}).",
        file=console.out,
    )
    if stats_json is not None:
        print(f"Wrote its figures to {stats_json} (not encrypted).", file=console.out)
    return EXIT_OK


def cmd_report_register(args: argparse.Namespace, console: Console) -> int:
    from crag_desktop.services.annual_report import check_year
    from crag_desktop.services.referral_register import write_referral_register

    out, note = _pdf_out(args.out)
    _refuse_database_target(out, Path(args.db))
    check_year(args.year)
    passphrase = pdf_passphrase(args, console)
    with _open(args, console, record_unlock=False) as db:
        written = write_referral_register(db, args.year, out, passphrase=passphrase)
    print(
        f"Wrote the referral register for {args.year}/{(args.year + 1) % 100:02d} to "
        f"{out}{note}: {written.referrals} referrals, {written.pages} pages "
        f"(OFFICIAL-SENSITIVE, {_protection_note(passphrase)}).",
        file=console.out,
    )
    return EXIT_OK


def cmd_report_agency_return(args: argparse.Namespace, console: Console) -> int:
    """`report tracker --agency NAME`: the agency's open actions as a return to fill in."""
    from crag_desktop.services.agency_returns import AgencyReturns

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CommandFailed(
            "An agency return is an Excel workbook: give --out FILE.xlsx (the agency fills it "
            "in and sends it back for import-returns)."
        )
    if args.monitoring_group is not None or args.lead_agency is not None:
        raise CommandFailed(
            "--agency writes one agency's return of the actions it owns: leave out "
            "--monitoring-group and --lead-agency."
        )
    _refuse_database_target(out, Path(args.db))
    as_of = _parse_date(args.as_of, "--as-of") if args.as_of else None
    passphrase = pdf_passphrase(args, console, what="workbook")
    with _open(args, console, record_unlock=False) as db:
        returns = AgencyReturns(db=db)
        agency = returns.find_agency(args.agency)
        written = returns.export(agency.id, out, as_of=as_of, passphrase=passphrase)
    print(
        f"Wrote the return of {written.agency_name} to {out}: "
        f"{count_of(written.items, 'open action')} as of {short_date(written.as_of)} "
        f"(OFFICIAL-SENSITIVE, {_protection_note(passphrase)}). Import it, filled in, with "
        "crag-desktop import-returns.",
        file=console.out,
    )
    return EXIT_OK


def _return_passphrase(args: argparse.Namespace, console: Console, name: str) -> str:
    """The passphrase of a protected return: --pdf-passphrase-file, CRAG_PDF_PASSPHRASE, or
    asked once on a terminal (never without one)."""
    file: Path | None = args.pdf_passphrase_file
    if file is not None:
        passphrase = _read_passphrase_file(file)
    elif os.environ.get("CRAG_PDF_PASSPHRASE"):
        passphrase = os.environ["CRAG_PDF_PASSPHRASE"]
    elif console.stdin_is_terminal():
        passphrase = console.ask_secret(f"Passphrase of {name}: ")
    else:
        raise CommandFailed(
            f"{name} is protected with a passphrase: set CRAG_PDF_PASSPHRASE or give "
            "--pdf-passphrase-file FILE."
        )
    return _normalise(passphrase)


def cmd_import_returns(args: argparse.Namespace, console: Console) -> int:
    """Show what an agency's filled return will append, then append it all or nothing."""
    from crag_desktop.services.agency_returns import AgencyReturns, ReturnRefused

    source = Path(args.file)
    # The file first: a file that is no return is said before the database's passphrase is
    # asked for.
    passphrase = (
        _return_passphrase(args, console, source.name)
        if AgencyReturns.is_protected(source)
        else None
    )
    workbook = AgencyReturns.read(source, passphrase=passphrase)
    try:
        with _open(args, console, record_unlock=False) as db:
            returns = AgencyReturns(db=db)
            plan = returns.plan(workbook, name=source.name)
            if plan.problems:
                raise ReturnRefused(source.name, plan.problems)
            if not plan.updates:
                print(
                    f"Nothing to append: no row of {source.name} has an update or a proposed "
                    "status.",
                    file=console.out,
                )
                return EXIT_OK
            count = len(plan.updates)
            noun = count_of(count, "update")
            print(
                f"{source.name}, the return of {plan.agency_name}, will append {noun}, each "
                f"dated {short_date(plan.on)}:",
                file=console.out,
            )
            for update in plan.updates:
                print(f"  {update.line()}", file=console.out)
            if not args.yes:
                if not console.stdin_is_terminal():
                    print(
                        "Nothing was appended: run the command again with --yes to append "
                        f"these {noun}.",
                        file=console.err,
                    )
                    return EXIT_FAILED
                answer = console.ask_line(f"Append these {noun}? [y/N] ")
                if answer.strip().casefold() not in ("y", "yes"):
                    print("Nothing was appended.", file=console.out)
                    return EXIT_OK
            plan, _changes = returns.append(workbook, name=source.name)
    except ReturnRefused as refused:
        print(str(refused), file=console.err)
        print_problems(refused.problems, console, then=".")
        return EXIT_FAILED
    print(
        f"Appended {noun} from {source.name} ({plan.agency_name}), dated {short_date(plan.on)}.",
        file=console.out,
    )
    return EXIT_OK


def cmd_report_tracker(args: argparse.Namespace, console: Console) -> int:
    if args.agency is not None:
        return cmd_report_agency_return(args, console)
    from crag_desktop.fileio import check_target
    from crag_desktop.services.tracker_report import (
        monitoring_group_named,
        tracker_format,
        tracker_selection,
        write_tracker,
    )

    out = Path(args.out)
    # Every mistake that needs no database is reported before the passphrase is asked for.
    kind = tracker_format(out)
    check_target(out, protected=(Path(args.db),))
    as_of = _parse_date(args.as_of, "--as-of") if args.as_of else date.today()
    if args.monitoring_group is not None:
        monitoring_group_named(args.monitoring_group)
    if not kind.protectable and (args.encrypt or args.pdf_passphrase_file is not None):
        raise CommandFailed(
            "A CSV file cannot be protected with a passphrase: choose .xlsx or .pdf for "
            "--encrypt, or leave --encrypt out."
        )
    passphrase = pdf_passphrase(args, console, what=kind.noun)
    with _open(args, console, record_unlock=False) as db:
        selection = tracker_selection(
            db, monitoring_group=args.monitoring_group, lead_agency=args.lead_agency
        )
        written = write_tracker(db, out, as_of=as_of, passphrase=passphrase, selection=selection)
    count = written.recommendations
    pages = f", {written.pages} pages" if written.pages is not None else ""
    print(
        f"Wrote the recommendations tracker as of {short_date(as_of)} to {out}: "
        f"{count_of(count, 'recommendation')}, {written.overdue:,} overdue{pages} "
        f"(OFFICIAL-SENSITIVE, {_protection_note(passphrase)}).",
        file=console.out,
    )
    return EXIT_OK


def print_problems(problems: Sequence[str], console: Console, *, then: str) -> None:
    """One problem a line on stderr, the first MAX_PROBLEMS_SHOWN only, then how many more
    (`then` ends that line): a damaged file or a bad import can have thousands."""
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(problem, file=console.err)
    hidden = len(problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        print(
            f"… and {hidden:,} more problem{'s' if hidden != 1 else ''} (the first "
            f"{MAX_PROBLEMS_SHOWN} are listed){then}",
            file=console.err,
        )


# --- parsing -------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors follow our exit codes."""

    def error(self, message: str) -> NoReturn:
        raise CommandFailed(f"{message}.", f"Usage: {self.format_usage().strip()[7:]}")


def _passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="read the passphrase from FILE (else CRAG_PASSPHRASE, else a prompt)",
    )


def _pdf_protection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--encrypt",
        action="store_true",
        help="protect the PDF with AES-256 under a passphrase (CRAG_PDF_PASSPHRASE, "
        "--pdf-passphrase-file, or a prompt on a terminal)",
    )
    parser.add_argument(
        "--pdf-passphrase-file",
        type=Path,
        metavar="FILE",
        help="protect the PDF with the passphrase in FILE (implies --encrypt)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The command line's grammar."""
    parser = _Parser(prog="crag-desktop", description="CRAG Desktop command line.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    _add_database_commands(sub)
    _add_report_commands(sub)
    _add_returns_command(sub)
    return parser


def _add_database_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """init, demo, import, export, passwd, check, audit, backup and restore."""
    p = sub.add_parser("init", help="create a new, empty encrypted database")
    p.add_argument("db", metavar="DB")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="create a database holding the built-in demo data")
    p.add_argument("db", metavar="DB")
    p.add_argument(
        "--size",
        type=int,
        default=0,
        metavar="N",
        help="also add N synthetic referrals (for trying the app at scale)",
    )
    p.add_argument("--seed", type=int, default=1, metavar="S", help="seed of the synthetic data")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("import", help="import a JSON interchange file (creates DB if missing)")
    p.add_argument("db", metavar="DB")
    p.add_argument("file", metavar="FILE")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="export the whole database as a JSON interchange file")
    p.add_argument("db", metavar="DB")
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--with-audit",
        action="store_true",
        help="include the audit trail (for an auditor; an import does not copy it)",
    )
    _passphrase_option(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("passwd", help="change the database's passphrase")
    p.add_argument("db", metavar="DB")
    _passphrase_option(p)
    p.add_argument(
        "--new-passphrase-file",
        type=Path,
        metavar="FILE",
        help="read the new passphrase from FILE (else CRAG_NEW_PASSPHRASE)",
    )
    p.set_defaults(handler=cmd_passwd)

    p = sub.add_parser("check", help="check encryption, integrity, schema and audit trail")
    p.add_argument("db", metavar="DB")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("audit", help="list the audit trail, or verify that it is intact")
    p.add_argument("db", metavar="DB")
    p.add_argument(
        "--verify",
        action="store_true",
        help="check the trail instead of listing it: exit 0 intact, 1 tampering found",
    )
    p.add_argument(
        "--against",
        metavar="BACKUP",
        help="with --verify: also check that every event of BACKUP is still in the trail",
    )
    _passphrase_option(p)
    p.set_defaults(handler=cmd_audit)

    p = sub.add_parser("backup", help="write an encrypted, verified backup of the database")
    p.add_argument("db", metavar="DB")
    p.add_argument("out", metavar="OUT", help="the new backup file (never overwritten)")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup, proven first")
    p.add_argument("backup", metavar="BACKUP")
    p.add_argument("db", metavar="DB", help="the database to replace (kept aside) or create")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_restore)


def _add_report_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    """report decision, annual, register and tracker."""
    p = sub.add_parser("report", help="print a report as PDF (the tracker also as XLSX or CSV)")
    reports = p.add_subparsers(dest="report", required=True, parser_class=_Parser)
    r = reports.add_parser("decision", help="the criteria decision record of one referral")
    r.add_argument("db", metavar="DB")
    r.add_argument(
        "--referral", required=True, metavar="REF", help="the referral's reference or id"
    )
    r.add_argument("--out", required=True, metavar="FILE.pdf")
    _passphrase_option(r)
    _pdf_protection_options(r)
    r.set_defaults(handler=cmd_report)

    r = reports.add_parser("annual", help="the annual report to the Board for a reporting year")
    r.add_argument("db", metavar="DB")
    r.add_argument(
        "--year", required=True, type=int, metavar="Y", help="reporting year: 2016 is 2016/17"
    )
    r.add_argument(
        "--as-of", metavar="DATE", help="figures as of DATE (YYYY-MM-DD; default 1 April Y+1)"
    )
    r.add_argument("--out", required=True, metavar="FILE.pdf")
    r.add_argument(
        "--stats-json", metavar="FILE", help="also write the report's figures as JSON to FILE"
    )
    _passphrase_option(r)
    _pdf_protection_options(r)
    r.set_defaults(handler=cmd_report_annual)

    r = reports.add_parser("register", help="the register of referrals received in a year")
    r.add_argument("db", metavar="DB")
    r.add_argument(
        "--year", required=True, type=int, metavar="Y", help="reporting year: 2016 is 2016/17"
    )
    r.add_argument("--out", required=True, metavar="FILE.pdf")
    _passphrase_option(r)
    _pdf_protection_options(r)
    r.set_defaults(handler=cmd_report_register)

    r = reports.add_parser(
        "tracker", help="the recommendations tracker as PDF, XLSX or CSV (by FILE's extension)"
    )
    r.add_argument("db", metavar="DB")
    r.add_argument("--out", required=True, metavar="FILE", help="FILE.pdf, FILE.xlsx or FILE.csv")
    r.add_argument(
        "--as-of", metavar="DATE", help="statuses as of DATE (YYYY-MM-DD; default today)"
    )
    r.add_argument(
        "--monitoring-group",
        metavar="NAME",
        help="only the recommendations this group monitors (Executive or PAQA)",
    )
    r.add_argument(
        "--lead-agency", metavar="NAME", help="only the recommendations this agency leads"
    )
    r.add_argument(
        "--agency",
        metavar="NAME",
        help="instead, that agency's return: the open actions it owns as FILE.xlsx to fill in "
        "(read back with import-returns)",
    )
    _passphrase_option(r)
    _pdf_protection_options(r)
    r.set_defaults(handler=cmd_report_tracker)


def _add_returns_command(sub: argparse._SubParsersAction[_Parser]) -> None:
    """import-returns: an agency's filled-in return read back."""
    p = sub.add_parser(
        "import-returns",
        help="append the updates of an agency's filled-in return (all or nothing)",
    )
    p.add_argument("db", metavar="DB")
    p.add_argument("file", metavar="FILE.xlsx", help="the return the agency filled in")
    p.add_argument("--yes", action="store_true", help="append without asking (for scripts)")
    p.add_argument(
        "--pdf-passphrase-file",
        type=Path,
        metavar="FILE",
        help="the passphrase of a protected return (else CRAG_PDF_PASSPHRASE, else a prompt "
        "on a terminal)",
    )
    _passphrase_option(p)
    p.set_defaults(handler=cmd_import_returns)


def _command_lines() -> list[str]:
    """One line per command, from the command grammar's own help so the two never differ."""
    sub = next(
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    width = max(len(name) for name in COMMANDS)
    return [f"  {choice.dest:<{width}}  {choice.help}" for choice in sub._choices_actions]


def build_gui_parser() -> argparse.ArgumentParser:
    """The grammar when no command is named: open the GUI."""
    parser = _Parser(
        prog="crag-desktop",
        usage="crag-desktop [DB | --demo]\n       crag-desktop COMMAND ...",
        description="Open CRAG Desktop's window, or run one of the commands below.",
        epilog="commands:\n"
        + "\n".join(_command_lines())
        + "\n\nEach command has its own help: crag-desktop COMMAND --help.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "db",
        nargs="?",
        metavar="DB",
        help="the encrypted database file to open (the window asks for its passphrase); "
        "without DB, the window offers to open or create one",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open a fresh demo database in a temporary folder"
    )
    return parser


NO_DISPLAY = (
    "There is no display to open CRAG Desktop's window on. Use the commands "
    "(crag-desktop --help) or run it in a desktop session."
)


def display_available() -> bool:
    """Whether Qt can open a window here; without one it aborts the process (exit 134)."""
    if not sys.platform.startswith("linux"):
        return True
    # QT_QPA_PLATFORM set means the user chose a platform (offscreen, vnc, ...) themselves.
    names = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    return any(os.environ.get(name) for name in names)


def _unknown_command(argv: Sequence[str]) -> str | None:
    """The first word if it reads as a mistyped command rather than a database path."""
    if not argv or argv[0].startswith("-"):
        return None
    word = argv[0]
    separators = {"/", os.sep, os.altsep or "/"}
    if any(sep in word for sep in separators) or Path(word).suffix or Path(word).exists():
        return None
    return word


def _unknown_command_failure(word: str) -> CommandFailed:
    close = difflib.get_close_matches(word, COMMANDS, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return CommandFailed(
        f"Unknown command '{word}'.{hint} Commands: {', '.join(COMMANDS)} (crag-desktop --help)."
    )


def run_gui(args: argparse.Namespace, console: Console) -> int:
    """Open the GUI, on a fresh demo database when asked."""
    if args.demo and args.db:
        raise CommandFailed("Give either --demo or a database, not both.")
    if not display_available():
        raise CommandFailed(NO_DISPLAY)
    # The database code before Qt: once PySide6 is imported, its import hook reads the source
    # of every module imported after it, a third more CPU for SQLAlchemy and the models at
    # every start (benchmarks: start to paint).
    import crag_desktop.services.database  # noqa: F401
    from crag_desktop.app import run_gui as start

    if not args.demo:
        return start(database_path=Path(args.db) if args.db else None)

    import secrets
    import shutil

    from crag_desktop.services.database import Database
    from crag_desktop.services.demo import build_demo

    folder = Path(tempfile.mkdtemp(prefix="crag-demo-"))
    try:
        path = folder / "demo.crag"
        passphrase = "demo-" + secrets.token_urlsafe(12)
        with Database.create(path, passphrase, operator=operator_name()) as db:
            build_demo(db, synthetic_referrals=0, seed=1)
        print(
            f"Opening a demo database in {folder}.\n"
            f"Its passphrase (to unlock it after locking) is: {passphrase}\n"
            "The folder is removed when CRAG Desktop closes.",
            file=console.out,
            flush=True,
        )
        return start(database_path=path, demo_passphrase=passphrase)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    """Entry point of `crag-desktop`."""
    argv = list(sys.argv[1:] if argv is None else argv)
    console = console or default_console()
    configure_logging()
    try:
        # Plaintext temporaries of exports that a kill interrupted go before anything else.
        sweep_stale_temporaries()
        if argv and argv[0] in COMMANDS:
            args = build_parser().parse_args(argv)
            handler: Callable[[argparse.Namespace, Console], int] = args.handler
            return handler(args, console)
        unknown = _unknown_command(argv)
        if unknown is not None:
            raise _unknown_command_failure(unknown)
        return run_gui(build_gui_parser().parse_args(argv), console)
    except CommandFailed as failure:
        for line in failure.lines:
            print(line, file=console.err)
        return EXIT_FAILED
    except ValidationFailed as failure:
        print(str(failure), file=console.err)
        # Ids already in the database come last: the other problems are what to correct.
        from crag_desktop.domain.validation import ID_TAKEN

        errors = sorted(failure.errors, key=lambda e: e.message == ID_TAKEN)
        print_problems(
            [str(error) for error in errors],
            console,
            then=": correct these and run the command again.",
        )
        return EXIT_FAILED
    except CragError as failure:
        print(str(failure), file=console.err)
        return EXIT_FAILED
    except KeyboardInterrupt:
        # A commit that finished before the interrupt stays: "nothing changed" may be untrue.
        print("Stopped: what was not finished was not saved.", file=console.err)
        return EXIT_FAILED
    except SystemExit as leaving:
        # argparse's --help exits 0 through here.
        return int(leaving.code or 0)
    except Exception as error:
        # Logged like the GUI's: exception type and code locations, never the message,
        # which may hold a child's details.
        reference = log_internal_error(error)
        # Not "nothing was changed": an unexpected failure may come after a commit.
        print(
            f"CRAG Desktop met an unexpected problem (reference {reference}) and stopped. "
            "Please report the reference to your system administrator.",
            file=console.err,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
