"""The commands on a database as a whole: init, demo, import, export, passwd, check, audit,
backup and restore.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crag_desktop.services.database import Database
from crag_desktop.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS_FOUND,
    CommandFailed,
    Console,
    _open,
    _refuse_database_target,
    get_passphrase,
    operator_name,
    print_problems,
)


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
