"""`main`: a command when one is named, the GUI otherwise, and every failure said in a
sentence (never a traceback).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crag_desktop.diagnostics import configure_logging, log_internal_error
from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.fileio import sweep_stale_temporaries

if TYPE_CHECKING:
    pass
from crag_desktop.cli.common import (
    COMMANDS,
    EXIT_FAILED,
    CommandFailed,
    Console,
    default_console,
    operator_name,
    print_problems,
)
from crag_desktop.cli.parser import (
    build_gui_parser,
    build_parser,
)

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
