"""Failures a user can cause, each with the sentence that tells them what to do.

Every layer raises these; the GUI shows `str(error)` and the command line prints it. The
message never holds a passphrase or a child's details, so it is safe to log too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CragError(Exception):
    """A failure with a message fit for the secretariat: what happened and what to do."""


class DatabaseOpenError(CragError):
    """The database could not be opened; the file on disk is untouched."""


class WrongPassphraseOrNotDatabase(DatabaseOpenError):
    # SQLCipher cannot tell a wrong key from a damaged or foreign file, so neither can we.
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name}: wrong passphrase, or not a CRAG Desktop database. "
            "Check the passphrase (it is case-sensitive) and that this is the right file."
        )


class DatabaseMissing(DatabaseOpenError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"There is no database at {path}. Check the name, or create a new database."
        )


class DatabaseIsFolder(DatabaseOpenError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is a folder, not a database file. Choose the database file.")


class DatabaseEmptyFile(DatabaseOpenError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} is an empty file, not a CRAG Desktop database. "
            "Restore it from a backup, or choose another file."
        )


class PlainSQLiteFile(DatabaseOpenError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} is an unencrypted SQLite file, not a CRAG Desktop database. "
            "CRAG Desktop only opens encrypted databases: choose another file."
        )


class DatabaseNewerThanApp(DatabaseOpenError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} was written by a newer version of CRAG Desktop. "
            "Install the newer version to open it."
        )


class DatabaseDamaged(DatabaseOpenError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(
            f"{path.name} is damaged ({detail}). Restore it from a backup; "
            "the damaged file has not been changed."
        )


class AuditTrailRemoved(DatabaseOpenError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name}: its audit trail has been removed, which only deliberate tampering "
            "does. The file has not been changed: check it (crag-desktop check) and restore "
            "it from a backup."
        )


class DatabaseLost(CragError):
    """The open database can no longer be used: moved, deleted, replaced or rekeyed."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"CRAG Desktop can no longer use the database {path.name}: {why}. Nothing more "
            "can be saved to it; what is on screen is kept. Reopen the database to carry on."
        )
        self.why = why


class DatabaseInUse(DatabaseOpenError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} is in use by another copy of CRAG Desktop or a command. "
            "Close the other copy and try again."
        )


class DatabaseReadOnly(CragError):
    """The database (the file, its folder or the drive) cannot be written."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} cannot be written (the file, its folder or its drive is read-only), "
            "so nothing was saved. Copy it to a folder you may write to, or ask your "
            "administrator to make it writable."
        )


class DatabaseNotWritable(DatabaseOpenError):
    """The user may not write the database (its file, its folder or its drive), so it cannot
    be opened for work; `check` and `audit` still read it as it is."""

    def __init__(self, path: Path, *, exists: bool = True) -> None:
        if not exists:
            super().__init__(
                f"{path.name} cannot be created in {path.absolute().parent}: the folder or its "
                "drive is read-only for you. Nothing was done: choose a folder you may write to."
            )
            return
        super().__init__(
            f"{path.name} is read-only for you (the file, its folder or its drive cannot be "
            "written), and CRAG Desktop records everything done with a database in the file "
            "itself, so nothing was done. Copy it to a folder you may write to, or ask your "
            "administrator for write permission ('crag-desktop check' checks it as it is)."
        )


class UnfinishedChangeReadOnly(DatabaseOpenError):
    """A hot journal beside a database that may not be written: SQLite must write to undo it."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} has a change that was interrupted before it finished (its "
            f"{path.name}-journal is beside it), and undoing it needs write permission, which "
            f"you do not have here. Nothing was read or changed: copy {path.name} together "
            f"with {path.name}-journal to a folder you may write to and check the copy."
        )


class DatabaseBusy(CragError):
    """Another program holds SQLite's own lock on the file."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} is busy: another program is writing to it, so nothing was saved. "
            "Close that program (an SQLite or SQLCipher tool, a backup or sync tool) and "
            "try again."
        )


class LockPathUnusable(DatabaseOpenError):
    """The path of the database's lock file is taken by something that is not a lock file."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(
            f"{path} is {what}, where CRAG Desktop keeps the database's lock file. Nothing "
            f"was opened: move or delete {path.name} (it is not part of the database) and "
            "try again."
        )


class DatabaseExists(CragError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} already exists; CRAG Desktop will not overwrite it. Choose a new file name."
        )


class DiskFull(CragError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"There is not enough free disk space to write {path.name}. Nothing was saved: "
            "free some space and try again."
        )


class WouldOverwriteDatabase(CragError):
    """A file was to be written over a database or one of the files SQLite keeps beside it."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(
            f"{path} is {what}; CRAG Desktop never writes over a database or its working "
            "files. Nothing was written: choose another file name."
        )


class NotEnoughSpace(CragError):
    """The free space checked before a large write is less than it needs."""

    def __init__(self, what: str, folder: Path, needed: int, free: int) -> None:
        super().__init__(
            f"There is not enough free disk space {what}: about {_megabytes(needed)} are "
            f"needed in {folder} and {_megabytes(free)} are free. Nothing was changed: free "
            "some space and try again."
        )


def _megabytes(size: int) -> str:
    return f"{max(size, 0) / 1_000_000:,.1f} MB"


class DiskWriteFailed(CragError):
    """The disk refused a write for another reason than a full disk (a file size limit,
    a failing drive); the database was proven back to its last committed state."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} could not be written (the drive reported an error or a size "
            "limit). Nothing was saved: check the drive and its free space, then try again."
        )


class PassphraseNotChanged(CragError):
    """Re-encrypting under a new passphrase failed and the file was proven as it was."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The passphrase of {path.name} was not changed: re-encrypting it failed part way "
            "(usually a full disk or a failing drive) and was undone, so it still opens with "
            "its current passphrase. Free some space or check the drive, then try again."
        )


class NotProvenUnchanged(CragError):
    """A write failed and the database could not be shown to be as it was before it."""

    def __init__(self, path: Path, cause: str) -> None:
        super().__init__(
            f"{cause} CRAG Desktop could not confirm that {path.name} is back as it was: "
            f"do not move or delete {path.name} or any {path.name}-journal beside it (it "
            f"holds what undoes the change), free some space, then run "
            f"'crag-desktop check {path.name}'."
        )


class RecordNotFound(CragError):
    def __init__(self, record_type: str, key: str) -> None:
        super().__init__(f"There is no {record_type} {key!r}.")
        self.record_type = record_type
        self.key = key


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field. `path` is a JSON path ("$.referrals[0].received")
    in an import, or the field's name ("received", "children[1].age_years") in a form."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ValidationFailed(CragError):
    """The record or document was not saved because of the problems listed."""

    def __init__(self, errors: list[FieldError], what: str = "The record") -> None:
        count = len(errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{what} was not saved: {count} {noun} to correct.")
        self.errors = errors
