"""Encrypted copies and checks of a database file (never a plain file copy).

A file copy of an open database can miss committed pages (WAL) or copy a half-written one;
`sqlcipher_export` writes a consistent, freshly encrypted copy through SQLCipher itself.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from pathlib import Path

from sqlalchemy import Engine

from crag_desktop.storage.engine import (
    cipher_integrity_check,
    integrity_check,
    open_engine,
    probe_file,
)
from crag_desktop.storage.schema import check_schema, current_revision, head_revision

__all__ = ["export_encrypted_copy", "verify_copy"]


def export_encrypted_copy(engine: Engine, destination: Path, passphrase: str) -> None:
    """Write an encrypted copy of the database to a new file `destination` (mode 0600).

    The copy is keyed with `passphrase` (which may differ from the live one). Refuses an
    empty passphrase: SQLCipher would write plaintext. On failure the partial copy is removed.
    """
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
                cursor.execute("SELECT sqlcipher_export('crag_copy')")
            finally:
                cursor.execute("DETACH DATABASE crag_copy")
            cursor.close()
        finally:
            raw.close()
    except BaseException:
        with contextlib.suppress(OSError):
            destination.unlink()
        raise


def verify_copy(path: Path, passphrase: str) -> list[str]:
    """Open a copy read-only in effect and list its problems (empty when it is sound).

    Raises the usual open errors (wrong passphrase, not a database, newer than the app).
    """
    engine = open_engine(Path(path), passphrase, create=False)
    try:
        check_schema(engine, Path(path), just_created=False)
        problems = [f"page check: {p}" for p in cipher_integrity_check(engine)]
        problems += [f"structure: {p}" for p in integrity_check(engine)]
        revision = current_revision(engine)
        if revision != head_revision():
            problems.append(f"schema revision {revision}, this app expects {head_revision()}")
        return problems
    finally:
        engine.dispose()
