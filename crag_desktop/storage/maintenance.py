"""Encrypted copies and checks of a database file (never a plain file copy).

A file copy of an open database can miss committed pages (WAL) or copy a half-written one;
`sqlcipher_export` writes a consistent, freshly encrypted copy through SQLCipher itself.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from crag_desktop.storage.engine import (
    cipher_integrity_check,
    integrity_check,
    live_passphrase,
    open_engine,
    probe_file,
)
from crag_desktop.storage.schema import check_schema, current_revision, head_revision

__all__ = ["Snapshot", "export_encrypted_copy", "inspect_copy", "verify_copy"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a copy must match: every table's row count, the audit head and the header seal."""

    counts: dict[str, int]
    audit_head: tuple[int, str] | None
    seal: tuple[int, int]


def _snapshot(cursor: Any, schema: str = "main") -> Snapshot:
    names = [
        str(row[0])
        for row in cursor.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    ]
    counts = {
        name: int(cursor.execute(f'SELECT count(*) FROM {schema}."{name}"').fetchone()[0])
        for name in names
    }
    head = None
    if "audit_head" in counts:
        row = cursor.execute(f"SELECT last_seq, last_hash FROM {schema}.audit_head").fetchone()
        head = None if row is None else (int(row[0]), str(row[1]))
    seq = int(cursor.execute(f"PRAGMA {schema}.user_version").fetchone()[0])
    tag = int(cursor.execute(f"PRAGMA {schema}.application_id").fetchone()[0])
    return Snapshot(counts=counts, audit_head=head, seal=(seq, tag))


def export_encrypted_copy(
    engine: Engine, destination: Path, passphrase: str | None = None
) -> Snapshot:
    """Write an encrypted copy of the database to a new file `destination` (mode 0600).

    The copy is keyed with `passphrase` (None: the live passphrase). Refuses an empty
    passphrase: SQLCipher would write plaintext. The copy carries the audit seal of the file
    header (which `sqlcipher_export` leaves out). Returns what the database held at the
    moment of the copy, read in the same transaction. On failure the partial copy is removed.
    """
    if passphrase is None:
        passphrase = live_passphrase(engine)
    if not passphrase:
        raise ValueError("an encrypted copy needs a passphrase")
    destination = Path(destination)
    probe_file(destination, create=True)
    descriptor = os.open(destination, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            # Bound parameters: the key never appears in SQL text (NFC as for PRAGMA key).
            cursor.execute(
                "ATTACH DATABASE ? AS crag_copy KEY ?",
                (str(destination), unicodedata.normalize("NFC", passphrase)),
            )
            try:
                # One read transaction: the snapshot is exactly what was copied.
                cursor.execute("BEGIN")
                try:
                    snapshot = _snapshot(cursor)
                    cursor.execute("SELECT sqlcipher_export('crag_copy')")
                    seq, tag = snapshot.seal
                    cursor.execute(f"PRAGMA crag_copy.user_version = {int(seq)}")
                    cursor.execute(f"PRAGMA crag_copy.application_id = {int(tag)}")
                    cursor.execute("COMMIT")
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
            finally:
                cursor.execute("DETACH DATABASE crag_copy")
            cursor.close()
        finally:
            raw.close()
    except BaseException:
        with contextlib.suppress(OSError):
            destination.unlink()
        raise
    return snapshot


@contextlib.contextmanager
def _opened_copy(path: Path, passphrase: str) -> Iterator[tuple[Engine, list[str]]]:
    """A copy opened without writing to it, with its problems (pages, structure); closed
    when done.

    Raises the usual open errors (wrong passphrase, not a database, newer than the app).
    """
    engine = open_engine(Path(path), passphrase, create=False)
    try:
        check_schema(engine, Path(path), just_created=False)
        problems = [f"page check: {p}" for p in cipher_integrity_check(engine)]
        problems += [f"structure: {p}" for p in integrity_check(engine)]
        yield engine, problems
    finally:
        engine.dispose()


def inspect_copy(path: Path, passphrase: str) -> tuple[Snapshot, list[str]]:
    """Open a copy without writing to it: what it holds, and its problems (pages, structure).

    Raises the usual open errors (wrong passphrase, not a database, newer than the app).
    """
    with _opened_copy(path, passphrase) as (engine, problems):
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            snapshot = _snapshot(cursor)
            cursor.close()
        finally:
            raw.close()
        return snapshot, problems


def verify_copy(path: Path, passphrase: str) -> list[str]:
    """Open a copy read-only in effect and list its problems (empty when it is sound).

    Raises the usual open errors (wrong passphrase, not a database, newer than the app).
    """
    with _opened_copy(path, passphrase) as (engine, problems):
        revision = current_revision(engine)
        if revision != head_revision():
            problems.append(f"schema revision {revision}, this app expects {head_revision()}")
        return problems
