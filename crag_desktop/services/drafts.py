"""Autosaved forms: nothing typed is lost when the laptop sleeps, crashes or runs flat.

A form hands its state to `DraftService.save` as it is typed; on the next start the app
offers `pending()` back. Drafts live in the database's own `draft` table, so they are
encrypted like everything else, but they are not records: saving one adds no audit event,
and export leaves them out.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

from crag_desktop.domain.errors import CragError
from crag_desktop.services.database import Database
from crag_desktop.storage import repositories

__all__ = ["Draft", "DraftInfo", "DraftPayloadError", "DraftService"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftInfo:
    """A draft as the "restore unsaved work" list shows it."""

    key: str
    title: str
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """A form's autosaved state, as the form gave it (dates and amounts come back as text)."""

    key: str
    title: str
    updated_at: datetime
    payload: Mapping[str, object]


class DraftPayloadError(CragError):
    """A form handed over something that cannot be kept as a draft."""


def _encode(value: object) -> object:
    # Forms hold dates, enums and amounts; JSON keeps them as their ISO or code text.
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    raise TypeError(type(value).__name__)


class DraftService:
    """Save, load and discard autosaved forms.

    Keys name what is being edited: "referral:R1", "referral:new:<uuid>", "wizard:R1".
    `now` gives the time stamped on each save (injectable for tests).
    """

    def __init__(
        self, *, db: Database, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._db = db
        self._now = now

    def save(self, key: str, *, title: str, payload: Mapping[str, object]) -> None:
        """Keep the latest state of a form under `key`, replacing any earlier one."""
        try:
            text = json.dumps(dict(payload), default=_encode, ensure_ascii=False)
        except (TypeError, ValueError) as error:
            raise DraftPayloadError(
                f"The form could not be autosaved: it holds a value of type {error}."
            ) from None
        draft = repositories.StoredDraft(key=key, title=title, updated_at=self._now(), payload=text)
        with self._db.unit_of_work() as session:
            repositories.save_draft(session, draft)

    def load(self, key: str) -> Draft | None:
        """The draft saved under `key`, or None when there is none."""
        with self._db.unit_of_work() as session:
            stored = repositories.get_draft(session, key)
        if stored is None:
            return None
        payload = json.loads(stored.payload)
        return Draft(
            key=stored.key,
            title=stored.title,
            updated_at=stored.updated_at,
            payload=payload if isinstance(payload, dict) else {},
        )

    def discard(self, key: str) -> None:
        """Forget the draft under `key` (after the form saved or was abandoned)."""
        with self._db.unit_of_work() as session:
            repositories.delete_draft(session, key)

    def pending(self) -> list[DraftInfo]:
        """Every draft still waiting, newest first."""
        with self._db.unit_of_work() as session:
            stored = repositories.list_drafts(session)
        return [DraftInfo(key=d.key, title=d.title, updated_at=d.updated_at) for d in stored]
