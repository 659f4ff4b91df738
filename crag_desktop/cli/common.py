"""What every command shares: exit statuses, the console, failures said in sentences, the
passphrase and the operator's name, opening the database, dates and problem lists.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

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
    while_keying: Callable[[], object] | None = None,
) -> Database:
    """Open DB for the command; `reading_only` commands (check, audit) open a database the
    user may not write read-only, and every other command refuses it with a sentence.
    `while_keying` runs while SQLCipher derives the key on another thread (`Database.open`)."""
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
        while_keying=while_keying,
    )


def _read_only(path: Path) -> bool:
    """Whether DB is a file this user may not change where it is (a read-only file, folder or
    drive). A path that is no file is for Database.open to explain."""
    from crag_desktop.fileio import may_change_in_place

    return path.is_file() and not may_change_in_place(path)


def _refuse_database_target(out: Path, db: Path) -> None:
    # Before the passphrase is asked for: the command cannot succeed, so say so at once.
    from crag_desktop.fileio import refuse_database_target

    refuse_database_target(out, protected=(db,))


def _parse_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandFailed(
            f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2017-04-01."
        ) from None


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
