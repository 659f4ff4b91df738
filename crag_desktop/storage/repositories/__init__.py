"""Reading and writing records: functions that take a Session (or a Core connection, `Work`)
and speak domain dataclasses.

Every statement is Core, over the tables of `storage.tables`: writes (one `executemany` per
table) because a whole document is imported at once and a record with its parts is replaced
at once, and reads, which also run on a Core connection out of a transaction
(`Database.reading()`), so that a process that only reads and prints (a report from the
command line) never imports the ORM. Foreign keys are enforced: a record that names a
missing one, or a deletion of a record still named elsewhere, raises `ValidationFailed`.

One module per kind of record (its rows and how they make the record again), `kinds` for
any one record by its class (`get`, `list_all`, `save`, `delete`), `document` for all of
them at once, `drafts` for the forms' autosaved drafts.
"""

from __future__ import annotations

from crag_desktop.storage.repositories.document import (
    add_document,
    existing_ids,
    load_chosen,
    load_document,
)
from crag_desktop.storage.repositories.drafts import (
    StoredDraft,
    delete_draft,
    get_draft,
    list_drafts,
    save_draft,
)
from crag_desktop.storage.repositories.kinds import delete, get, list_all, save
from crag_desktop.storage.repositories.recommendations import (
    list_recommendations,
    recommendations_with_ids,
)
from crag_desktop.storage.repositories.referrals import list_referrals_received
from crag_desktop.storage.repositories.report_texts import list_report_texts, report_text_key

__all__ = [
    "StoredDraft",
    "add_document",
    "delete",
    "delete_draft",
    "existing_ids",
    "get",
    "get_draft",
    "list_all",
    "list_drafts",
    "list_recommendations",
    "list_referrals_received",
    "list_report_texts",
    "load_chosen",
    "load_document",
    "recommendations_with_ids",
    "report_text_key",
    "save",
    "save_draft",
]
