"""The command line's grammar: every command, its options and help, and the GUI's own options."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    pass
from crag_desktop.cli.common import (
    COMMANDS,
    CommandFailed,
)
from crag_desktop.cli.database_commands import (
    cmd_audit,
    cmd_backup,
    cmd_check,
    cmd_demo,
    cmd_export,
    cmd_import,
    cmd_init,
    cmd_passwd,
    cmd_restore,
)
from crag_desktop.cli.report_commands import (
    cmd_import_returns,
    cmd_report,
    cmd_report_annual,
    cmd_report_register,
    cmd_report_tracker,
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
        "--as-of",
        metavar="DATE",
        help="statuses as of DATE (YYYY-MM-DD; default today, on the demo 1 April 2017)",
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
