"""The report commands: a decision record, the annual report, the register, an agency's
return (written and read back) and the recommendations tracker.
"""

from __future__ import annotations

import argparse
import functools
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from crag_desktop.domain.wording import PDF_SUFFIX, count_of, short_date, with_suffix

if TYPE_CHECKING:
    from crag_desktop.services.agency_returns import AgencyReturns
    from crag_desktop.services.database import Database
from crag_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    CommandFailed,
    Console,
    _normalise,
    _open,
    _parse_date,
    _read_passphrase_file,
    _refuse_database_target,
    print_problems,
)


def _working_day(db: Database) -> date:
    """The day the window works at on this database (today; the demo's 1 April 2017), so a
    command counts what is overdue, and dates what it records, as the window does."""
    from crag_desktop.services.dashboard import DashboardService

    return DashboardService(db=db).default_as_of(date.today())


def _agency_returns(db: Database) -> AgencyReturns:
    from crag_desktop.services.agency_returns import AgencyReturns

    day = _working_day(db)
    return AgencyReturns(db=db, today=lambda: day)


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

    if not args.encrypt and args.pdf_passphrase_file is None:
        return None
    passphrase = _given_passphrase(
        args,
        console,
        prompt=f"Passphrase for the {what}: ",
        twice=True,
        needed=f"--encrypt needs a passphrase for the {what}",
    )
    return normalise_pdf_passphrase(passphrase)


def _given_passphrase(
    args: argparse.Namespace, console: Console, *, prompt: str, twice: bool, needed: str
) -> str:
    """A file's passphrase from --pdf-passphrase-file, else CRAG_PDF_PASSPHRASE, else typed
    at `prompt` on a terminal (`twice` for a new one); with none of them, `needed` says how
    to give one (a command without a terminal never prompts)."""
    file: Path | None = args.pdf_passphrase_file
    if file is not None:
        return _read_passphrase_file(file)
    if os.environ.get("CRAG_PDF_PASSPHRASE"):
        return os.environ["CRAG_PDF_PASSPHRASE"]
    if not console.stdin_is_terminal():
        raise CommandFailed(
            f"{needed}: set CRAG_PDF_PASSPHRASE or give --pdf-passphrase-file FILE."
        )
    passphrase = console.ask_secret(prompt)
    if twice and console.ask_secret("The same passphrase again: ") != passphrase:
        raise CommandFailed("The two passphrases differ; nothing was written.")
    return passphrase


def _protection_note(passphrase: str | None) -> str:
    return "AES-256 encrypted" if passphrase is not None else "not encrypted"


Command = Callable[[argparse.Namespace, Console], int]


def collector_paused_throughout(command: Command) -> Command:
    """`command` run with Python's cyclic garbage collector paused from its first import to
    its end. A report is one short process: the collector's passes while SQLAlchemy,
    ReportLab and the app's modules are imported walk every object imported so far again
    and again, and free nothing (a twentieth of printing a decision record)."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, console: Console) -> int:
        from crag_desktop.services.collector import collector_paused

        with collector_paused():
            return command(args, console)

    return run


def _load_decision_record() -> None:
    """The decision record's code and faces, loaded while the database's key is derived."""
    import crag_desktop.services.decision_records  # noqa: F401 - imported to be ready
    from crag_desktop.reports.fonts import register_fonts

    register_fonts()


def _load_annual_report() -> None:
    """The annual report's layout code and faces, loaded while the database's key is
    derived (`services.annual_report` imports its layout, and ReportLab, when it renders)."""
    import crag_desktop.reports.annual_report  # noqa: F401 - imported to be ready
    from crag_desktop.reports.fonts import register_fonts

    register_fonts()


@collector_paused_throughout
def cmd_report(args: argparse.Namespace, console: Console) -> int:
    out, note = _pdf_out(args.out)
    _refuse_database_target(out, Path(args.db))
    passphrase = pdf_passphrase(args, console)
    # SQLCipher derives the key (about 0.15 s of C) on a thread of its own: ReportLab, the
    # report's code and its faces load meanwhile instead of before (a quarter of the
    # process; benchmarks: decision record).
    with _open(args, console, record_unlock=False, while_keying=_load_decision_record) as db:
        from crag_desktop.services.decision_records import write_decision_record

        reference = write_decision_record(db, args.referral, out, passphrase=passphrase)
    print(
        f"Wrote the decision record for {reference} to {out}{note} (OFFICIAL-SENSITIVE, "
        f"{_protection_note(passphrase)}).",
        file=console.out,
    )
    return EXIT_OK


@collector_paused_throughout
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
    # As for a decision record: the layout code and faces load while the key is derived.
    with _open(args, console, record_unlock=False, while_keying=_load_annual_report) as db:
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


@collector_paused_throughout
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
        returns = _agency_returns(db)
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
    passphrase = _given_passphrase(
        args,
        console,
        prompt=f"Passphrase of {name}: ",
        twice=False,
        needed=f"{name} is protected with a passphrase",
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
            returns = _agency_returns(db)
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
    given = _parse_date(args.as_of, "--as-of") if args.as_of else None
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
        as_of = given or _working_day(db)
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
