"""The audit trail's vocabulary: every action and record type an event may carry, in the
secretariat's words.

Storage refuses an event outside it, so the audit log's filters, which offer exactly these,
can never miss a kind of event the application writes."""

from __future__ import annotations

from crag_desktop.domain.record_types import RecordType

__all__ = ["ACTIONS", "RECORD_TYPES", "action_text", "record_type_text"]

#: Action codes as stored, and how the audit log says them.
ACTIONS: dict[str, str] = {
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "unlock": "Unlocked",
    "failed_unlock": "Wrong passphrase",
    "lock": "Locked",
    "export": "Exported",
    "import": "Imported",
    "rekey": "Passphrase changed",
    # Stored as "print" since the first version; it is a report written to a file.
    "print": "Printed to a file",
    "send_to_printer": "Sent to a printer",
    "backup": "Backed up",
    "backup_failed": "Backup failed",
    "restore": "Restored",
}

#: Record types as stored, and how the audit log says them: each kind of record by its noun
#: ("Learning point"), and the other things the trail records.
RECORD_TYPES: dict[str, str] = {
    **{kind.value: kind.noun.capitalize() for kind in RecordType},
    "report": "Report",
    "agency_return": "Agency return",
    "database": "Database",
}


def action_text(action: str) -> str:
    """ "Created", "Changed", …; an action from a newer version reads as itself."""
    return ACTIONS.get(action, action.replace("_", " ").capitalize())


def record_type_text(record_type: str) -> str:
    """ "Learning point" for "learning_point"."""
    return RECORD_TYPES.get(record_type, record_type.replace("_", " ").capitalize())
