"""Import and export of the JSON interchange document (version 1).

Import is all or nothing: the whole document is checked (schema, domain rules, references,
ids already in the database) before one unit of work adds it, with one audited create
event per record. Export writes everything except audit events and drafts, atomically.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from crag_desktop.domain import interchange, validation
from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import Document
from crag_desktop.fileio import ensure_free_space
from crag_desktop.services.changes import Changes
from crag_desktop.services.collector import collector_paused
from crag_desktop.services.database import Database
from crag_desktop.services.file_output import write_recorded_file
from crag_desktop.storage import audit, repositories
from crag_desktop.storage.bulk import connection_of
from crag_desktop.storage.engine import cache_for_size


class DocumentFileError(CragError):
    """The interchange file could not be read as JSON."""


#: The largest interchange file read (a board's whole history is a few tens of MB).
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
#: Numbers longer than this are not dates, counts or ages: refuse rather than parse them.
MAX_NUMBER_CHARACTERS = 40


def _read_regular_file(path: Path) -> bytes:
    """The bytes of `path` if it is a regular file within MAX_DOCUMENT_BYTES."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; only its type is looked at.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise DocumentFileError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise DocumentFileError(f"{path} is a folder, not a JSON file.") from None
    except OSError as error:
        raise DocumentFileError(f"{path} could not be read ({error.strerror}).") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DocumentFileError(f"{path} is a folder, not a JSON file.")
        if not stat.S_ISREG(info.st_mode):
            raise DocumentFileError(
                f"{path} is not a regular file (it is a device, a pipe or a socket): "
                "export the data to a JSON file and import that file."
            )
        if info.st_size > MAX_DOCUMENT_BYTES:
            raise DocumentFileError(
                f"{path.name} is {info.st_size / 1_000_000:,.0f} MB, larger than any "
                f"interchange file CRAG Desktop reads ({MAX_DOCUMENT_BYTES // 1_000_000} MB): "
                "check that this is the right file."
            )
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # One byte more than the limit: a file that grows while read is still caught.
            raw = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as error:
        raise DocumentFileError(f"{path} could not be read ({error.strerror}).") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise DocumentFileError(f"{path.name} is larger than CRAG Desktop reads.")
    return raw


class _Refused(ValueError):
    """A JSON construct the interchange format never holds."""


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # Built in C, then the keys counted: a loop over every pair cost as much as the parse.
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _Refused(f'the key "{key[:40]}" appears twice in one object')
            seen.add(key)
    return result


def _integer(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise _Refused(f"a number has {len(text):,} characters")
    return int(text)


def _fraction(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise _Refused(f"a number has {len(text):,} characters")
    return float(text)


def _no_constant(name: str) -> object:
    raise _Refused(f"{name} is not a JSON number")


def read_document_file(path: Path) -> object:
    """The parsed JSON of `path`, or a sentence saying why it is not an interchange document.

    Only a regular file of at most MAX_DOCUMENT_BYTES is read (never a device or a pipe);
    duplicate keys, NaN and Infinity, numbers of more than MAX_NUMBER_CHARACTERS characters
    and brackets nested too deep for the parser are refused, each in a sentence.
    """
    raw = _read_regular_file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentFileError(
            f"{path.name} is not a CRAG Desktop JSON file (it is not UTF-8 text)."
        ) from None
    try:
        with collector_paused():
            data = json.loads(
                text,
                object_pairs_hook=_no_duplicate_keys,
                parse_int=_integer,
                parse_float=_fraction,
                parse_constant=_no_constant,
            )
    except json.JSONDecodeError as error:
        raise DocumentFileError(
            f"{path.name} is not valid JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Nothing was imported."
        ) from None
    except _Refused as error:
        raise DocumentFileError(
            f"{path.name} is not a CRAG Desktop interchange file ({error}). Nothing was imported."
        ) from None
    except RecursionError:
        # The parser's own guard: brackets nested about a thousand deep.
        raise DocumentFileError(
            f"{path.name} is not a CRAG Desktop interchange file (its brackets nest far "
            "deeper than any interchange file's). Nothing was imported."
        ) from None
    except ValueError:
        raise DocumentFileError(
            f"{path.name} is not a CRAG Desktop interchange file (it holds values no "
            "interchange file holds). Nothing was imported."
        ) from None
    check_document_header(data, path.name)
    return data


def check_document_header(data: object, name: str) -> None:
    """Refuse, in one sentence, JSON that is not an interchange document this app reads.

    Without this, any other JSON file would be answered with a "$.x is required" line for
    every top-level field, which tells the user nothing about what they picked.
    """
    if not isinstance(data, dict) or data.get("format") != interchange.FORMAT:
        raise DocumentFileError(
            f'{name} is not a CRAG Desktop interchange file (it has no "format": '
            f'"{interchange.FORMAT}").'
        )
    version = data.get("version")
    # A version that is missing or not a number is left to the schema check to name.
    if (
        isinstance(version, int)
        and not isinstance(version, bool)
        and version != interchange.VERSION
    ):
        raise DocumentFileError(
            f"{name} is interchange version {version}; this CRAG Desktop reads version "
            f"{interchange.VERSION}."
        )


def _records(document: Document) -> Iterator[tuple[str, str]]:
    """(record type, id) of every top-level record, for the audit trail and the summary."""
    for agency in document.agencies:
        yield RecordType.AGENCY, agency.id
    for member in document.members:
        yield RecordType.MEMBER, member.id
    for point in document.learning_points:
        yield RecordType.LEARNING_POINT, point.id
    for referral in document.referrals:
        yield RecordType.REFERRAL, referral.id
    for review in document.reviews:
        yield RecordType.REVIEW, review.id
    for recommendation in document.recommendations:
        yield RecordType.RECOMMENDATION, recommendation.id
    for meeting in document.meetings:
        yield RecordType.MEETING, meeting.id
    for event in document.learning_events:
        yield RecordType.LEARNING_EVENT, event.id
    for text in document.report_texts:
        yield RecordType.REPORT_TEXT, f"{text.year}/{text.section.value}"


def _created(document: Document) -> tuple[frozenset[tuple[str, str]], list[tuple[str, str]]]:
    """Every top-level record of `document`, as a set and in the audit trail's order
    (sorted by record type, then id)."""
    listed = list(_records(document))
    # Sorted from the document's order, where exported ids already run in order: sorting
    # the set's order instead took half a second for 100,000 referrals.
    ordered = sorted(listed)
    created = frozenset(listed)
    if len(created) != len(listed):  # never, once ids are checked unique; but one event each
        ordered = sorted(created)
    return created, ordered


def describe(document: Document) -> str:
    """A one-line count of what a document holds."""
    parts = [
        (len(document.referrals), "referral"),
        (len(document.reviews), "review"),
        (len(document.recommendations), "recommendation"),
        (len(document.meetings), "meeting"),
        (len(document.agencies), "agency"),
        (len(document.members), "member"),
    ]
    words = []
    for count, noun in parts:
        plural = noun if count == 1 else ("agencies" if noun == "agency" else noun + "s")
        words.append(f"{count} {plural}")
    return ", ".join(words)


def import_document(
    db: Database,
    document_data: object,
    *,
    source_name: str,
    reason: str | None = None,
    source_size: int | None = None,
) -> tuple[Document, Changes]:
    """Check and add a whole document in one unit of work; nothing is added on any problem.

    `source_size` (the file's size in bytes) sizes the free-space check made first; after
    any failure the database is proven back at its last committed state before the error
    (which says nothing was saved) is passed on.
    """
    if source_size is not None:
        ensure_free_space(
            db.path.parent,
            import_space_needed(source_size),
            what=f"to import {source_name} into {db.path.name}",
        )
    with collector_paused(), db.undone_on_failure(), db.unit_of_work() as session:
        if source_size is not None:
            # The cache the database will be opened with once the import has grown it.
            cache_for_size(connection_of(session), db.path.stat().st_size + source_size)
        known = repositories.existing_ids(session)
        document = interchange.parse_document(document_data, known_ids=known)
        repositories.add_document(session, document)
        created, ordered = _created(document)
        audit.append_many(
            session,
            operator=db.operator,
            action="create",
            records=ordered,
            reason=reason or f"imported from {source_name}",
        )
    return document, Changes(created=created)


def import_space_needed(source_size: int) -> int:
    """Free bytes an import of a `source_size`-byte file needs: measured, the database grows
    by about 1.1 times the JSON's size, and its rollback journal needs room beside it."""
    return 2 * source_size + 4 * 1024 * 1024


def add_document(db: Database, document: Document, *, reason: str) -> Changes:
    """Check and add an already-built document (the demo builder's path), all or nothing."""
    with collector_paused(), db.unit_of_work() as session:
        problems = validation.validate_document(
            document, known_ids=repositories.existing_ids(session)
        )
        if problems:
            raise ValidationFailed(problems, what="The document")
        repositories.add_document(session, document)
        created, ordered = _created(document)
        audit.append_many(
            session, operator=db.operator, action="create", records=ordered, reason=reason
        )
    return Changes(created=created)


def already_imported(failure: ValidationFailed) -> bool:
    """Whether every problem is an id the database already holds (the same file twice)."""
    return bool(failure.errors) and all(e.message == validation.ID_TAKEN for e in failure.errors)


ALREADY_IMPORTED = (
    "These records are already in this database (the file was imported before, or was "
    "exported from it); nothing was imported."
)


def import_file(
    db: Database, document_data: object, *, source_name: str, source_size: int | None = None
) -> str:
    """Import parsed JSON; return a summary of what was added."""
    try:
        document, _ = import_document(
            db, document_data, source_name=source_name, source_size=source_size
        )
    except ValidationFailed as failure:
        if already_imported(failure):
            raise CragError(ALREADY_IMPORTED) from None
        raise
    return describe(document)


def export_document(db: Database, *, with_audit: bool = False) -> tuple[Document, bytes]:
    """The whole database as interchange JSON (UTF-8), with its audit trail if asked."""
    # Reading a whole database makes as many objects as parsing its document (see
    # collector_paused): over a third of an export went to the collector walking them.
    with collector_paused():
        with db.unit_of_work() as session:
            document = repositories.load_document(session)
            trail = _audit_trail(session) if with_audit else None
        data = interchange.document_to_json(document)
        if trail is not None:
            data["audit_trail"] = trail
        return document, interchange.dump_bytes(data)


def _audit_trail(session: Session) -> dict[str, object]:
    """The "audit_trail" extension of the interchange format (design/interchange.md)."""
    events = audit.list_events(session, limit=None)
    last_seq, last_hash = (events[-1].seq, events[-1].hash) if events else (0, audit.GENESIS_HASH)
    return {
        "last_seq": last_seq,
        "last_hash": last_hash,
        "events": [
            {
                "seq": e.seq,
                "at": e.at.astimezone(UTC).isoformat(),
                "operator": e.operator,
                "action": e.action,
                "record_type": e.record_type,
                "record_id": e.record_id,
                "changes": [list(c) for c in e.changes],
                "reason": e.reason,
                "previous_hash": e.previous_hash,
                "hash": e.hash,
            }
            for e in events
        ],
    }


def record_export(db: Database, *, destination: str, reason: str | None = None) -> None:
    """Audit an export of the whole database (write_recorded_file does it for files)."""
    with db.unit_of_work() as session:
        audit.append(
            session,
            operator=db.operator,
            action="export",
            record_type="database",
            record_id=None,
            changes=[("file", None, destination)],
            reason=reason,
        )


def export_file(db: Database, path: Path, *, with_audit: bool = False) -> str:
    """Write the whole database to `path` atomically (user-only), audited in the same step;
    with `with_audit`, the audit trail too (as it stood before this export's own event)."""
    document, payload = export_document(db, with_audit=with_audit)

    def write(handle: BinaryIO) -> None:
        handle.write(payload)

    write_recorded_file(
        db,
        path,
        write,
        action="export",
        record_type="database",
        changes=[("file", None, path.name)],
        reason="with the audit trail" if with_audit else None,
    )
    summary = describe(document)
    return summary + " and the audit trail" if with_audit else summary
