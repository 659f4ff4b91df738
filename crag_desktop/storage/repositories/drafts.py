"""Autosaved drafts of forms and the criteria wizard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import RowMapping, delete, insert, select, update

from crag_desktop.storage.repositories.rows import DRAFT

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredDraft:
    """A form's autosaved state: `payload` is whatever text the form wrote (e.g. JSON)."""

    key: str
    title: str
    updated_at: datetime
    payload: str


def _draft(row: RowMapping) -> StoredDraft:
    return StoredDraft(
        key=row["key"], title=row["title"], updated_at=row["updated_at"], payload=row["payload"]
    )


def save_draft(session: Session, draft: StoredDraft) -> None:
    """Insert or replace an autosaved draft."""
    values = {"title": draft.title, "updated_at": draft.updated_at, "payload": draft.payload}
    result = session.execute(update(DRAFT).where(DRAFT.c.key == draft.key).values(values))
    if getattr(result, "rowcount", 0) == 0:
        session.execute(insert(DRAFT).values(key=draft.key, **values))


def get_draft(session: Session, key: str) -> StoredDraft | None:
    """The draft saved under `key`, if any."""
    row = session.execute(select(DRAFT).where(DRAFT.c.key == key)).mappings().first()
    return None if row is None else _draft(row)


def list_drafts(session: Session) -> list[StoredDraft]:
    """Every autosaved draft, newest first."""
    statement = select(DRAFT).order_by(DRAFT.c.updated_at.desc(), DRAFT.c.key)
    return [_draft(row) for row in session.execute(statement).mappings()]


def delete_draft(session: Session, key: str) -> None:
    """Forget a draft (saved or abandoned); no error if there is none."""
    session.execute(delete(DRAFT).where(DRAFT.c.key == key))
