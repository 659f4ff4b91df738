"""One record at a time, whatever its kind: get, list, save (insert or replace with its
parts) and delete, each kind's tables and conversions looked up by its `RecordType`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Delete, Table, Update, bindparam, select, update
from sqlalchemy import delete as sql_delete

from crag_desktop.domain.errors import RecordNotFound
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import ReportText
from crag_desktop.storage.bulk import row_dict
from crag_desktop.storage.repositories import report_texts
from crag_desktop.storage.repositories.catalogue import (
    agency_rows,
    learning_event_rows,
    learning_point_rows,
    load_agencies,
    load_learning_events,
    load_learning_points,
    load_members,
    member_rows,
)
from crag_desktop.storage.repositories.meetings import load_meetings, meeting_rows
from crag_desktop.storage.repositories.recommendations import (
    load_recommendations,
    recommendation_rows,
)
from crag_desktop.storage.repositories.referrals import load_referrals, referral_rows
from crag_desktop.storage.repositories.reviews import load_reviews, review_rows
from crag_desktop.storage.repositories.rows import (
    ACTION,
    ACTION_UPDATE,
    AGENCY,
    DECISION,
    DECISION_ATTENDEE,
    DECISION_INVITED,
    FAMILY,
    LEARNING_EVENT,
    LEARNING_EVENT_REVIEW,
    LEARNING_POINT,
    MEETING,
    MEETING_APOLOGY,
    MEETING_ATTENDEE,
    MEETING_REFERRAL,
    MEMBER,
    PARALLEL,
    RECOMMENDATION,
    REFERRAL,
    REFERRAL_ABUSE,
    REFERRAL_CHILD,
    REFERRAL_PAUSE,
    REVIEW,
    REVIEW_CHILD,
    REVIEW_LP,
    REVIEW_PAUSE,
    REVIEW_THEME,
    Rows,
    Work,
    insert_all,
    next_position,
    references_checked,
)

__all__ = ["delete", "get", "list_all", "save"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class _Kind:
    """How one kind of record is stored: its main table and the parts replaced with it."""

    table: Table
    #: Part tables, each with the column naming the owner; children after their parents.
    parts: tuple[tuple[Table, str], ...]
    build: Callable[[Rows, Any, int], None]
    load: Callable[[Work, Sequence[str] | None], Sequence[Any]]


_KINDS: dict[RecordType, _Kind] = {
    RecordType.AGENCY: _Kind(AGENCY, (), agency_rows, load_agencies),
    RecordType.MEMBER: _Kind(MEMBER, (), member_rows, load_members),
    RecordType.LEARNING_POINT: _Kind(LEARNING_POINT, (), learning_point_rows, load_learning_points),
    RecordType.REFERRAL: _Kind(
        REFERRAL,
        (
            (REFERRAL_CHILD, "referral_id"),
            (REFERRAL_ABUSE, "referral_id"),
            (REFERRAL_PAUSE, "referral_id"),
            (DECISION, "referral_id"),
            (DECISION_ATTENDEE, "referral_id"),
            (DECISION_INVITED, "referral_id"),
        ),
        referral_rows,
        load_referrals,
    ),
    RecordType.REVIEW: _Kind(
        REVIEW,
        (
            (REVIEW_CHILD, "review_id"),
            (REVIEW_THEME, "review_id"),
            (PARALLEL, "review_id"),
            (FAMILY, "review_id"),
            (REVIEW_LP, "review_id"),
            (REVIEW_PAUSE, "review_id"),
        ),
        review_rows,
        load_reviews,
    ),
    RecordType.RECOMMENDATION: _Kind(
        RECOMMENDATION,
        ((ACTION, "recommendation_id"), (ACTION_UPDATE, "recommendation_id")),
        recommendation_rows,
        load_recommendations,
    ),
    RecordType.MEETING: _Kind(
        MEETING,
        (
            (MEETING_ATTENDEE, "meeting_id"),
            (MEETING_APOLOGY, "meeting_id"),
            (MEETING_REFERRAL, "meeting_id"),
        ),
        meeting_rows,
        load_meetings,
    ),
    RecordType.LEARNING_EVENT: _Kind(
        LEARNING_EVENT,
        ((LEARNING_EVENT_REVIEW, "learning_event_id"),),
        learning_event_rows,
        load_learning_events,
    ),
}


def _report_text_key(key: str) -> tuple[int, str]:
    year, _, section = key.partition("/")
    if not year.isdigit() or not section:
        raise RecordNotFound("report text", key)
    return int(year), section


def get(session: Work, record_class: type[R], key: str) -> R:
    """The record of that class with id `key` (a report text's: "year/section"), with all
    its parts; RecordNotFound if there is none."""
    kind = RecordType.of(record_class)
    if kind is RecordType.REPORT_TEXT:
        return cast(R, report_texts.get_report_text(session, *_report_text_key(key)))
    found = _KINDS[kind].load(session, [key])
    if not found:
        raise RecordNotFound(kind.noun, key)
    return cast(R, found[0])


def list_all(session: Work, record_class: type[R]) -> list[R]:
    """Every record of that class, in the order added."""
    kind = RecordType.of(record_class)
    if kind is RecordType.REPORT_TEXT:
        return cast(list[R], report_texts.list_report_texts(session))
    return cast(list[R], list(_KINDS[kind].load(session, None)))


def save(session: Work, record: object, *, stored: object | None = None) -> bool:
    """Insert or replace one record with all its parts; True if it was new.

    `stored`: the record as read in this transaction, when `record` is it edited: then only
    the columns changed are written, and only the parts changed (with the parts that refer
    to them) replaced (`_save_changes`)."""
    if isinstance(record, ReportText):
        return report_texts.save_report_text(session, record)
    kind_type = RecordType.of(record)
    kind = _KINDS[kind_type]
    key: str = getattr(record, "id")  # noqa: B009 - every kind but report texts has an id
    if stored is not None:
        _save_changes(session, kind_type, stored=stored, record=record)
        return False
    stored = session.execute(select(kind.table.c.position).where(kind.table.c.id == key)).scalar()
    is_new = stored is None
    position = next_position(session, kind.table) if stored is None else int(stored)
    rows: Rows = defaultdict(list)
    kind.build(rows, record, position)
    with references_checked(
        f"The {kind_type.noun} {key!r}", kind_type.noun, "refers to a record that is not there"
    ):
        if is_new:
            insert_all(session, rows)
            return True
        # Parts are replaced wholesale: positions and removed items come out right.
        for table, owner in reversed(kind.parts):
            session.execute(sql_delete(table).where(table.c[owner] == key))
        (main,) = rows.pop(kind.table)
        session.execute(
            update(kind.table).where(kind.table.c.id == key).values(row_dict(kind.table, main))
        )
        insert_all(session, rows)
    return False


def _save_changes(session: Work, kind_type: RecordType, *, stored: object, record: object) -> None:
    """Write what differs between `stored` and `record`, the same record edited.

    Writing every column and replacing every part of a record ran a dozen statements for a
    one-field edit and dirtied each of their pages and index pages, all journalled and
    synced at commit (benchmarks: save one record)."""
    kind = _KINDS[kind_type]
    key: str = getattr(record, "id")  # noqa: B009 - every kind but report texts has an id
    before: Rows = defaultdict(list)
    after: Rows = defaultdict(list)
    # The stored position stays: both are built at the same one.
    kind.build(before, stored, 0)
    kind.build(after, record, 0)
    (old_main,) = before.pop(kind.table)
    (new_main,) = after.pop(kind.table)
    changed = {table for table, _owner in kind.parts if before[table] != after[table]}
    # A part's rows replaced take the rows of the parts that refer to them along (an
    # action's updates, a decision's attendees): parts come parents first.
    for table, _owner in kind.parts:
        if not changed.isdisjoint(_referred_to(table)):
            changed.add(table)
    columns = {
        name: new
        for name, old, new in zip(kind.table.c.keys(), old_main, new_main, strict=True)
        if old != new
    }
    with references_checked(
        f"The {kind_type.noun} {key!r}", kind_type.noun, "refers to a record that is not there"
    ):
        for table, owner in reversed(kind.parts):
            if table in changed:
                session.execute(_parts_of(table, owner), {"owner_id": key})
        if columns:
            session.execute(_edit(kind.table), {**columns, "edited_id": key})
        if changed:
            insert_all(session, {table: after[table] for table in changed})


# Statements made once: building one and keying it for SQLAlchemy's cache cost more than a
# one-field edit's SQL (benchmarks: save one record).


@cache
def _edit(table: Table) -> Update:
    """UPDATE of the record whose id is bound as "edited_id", setting the columns that the
    parameters it is run with name."""
    if "edited_id" in table.c:
        raise ValueError(f"{table.name} has a column named like the bound id")
    return update(table).where(table.c.id == bindparam("edited_id"))


@cache
def _parts_of(table: Table, owner: str) -> Delete:
    """DELETE of the part rows whose `owner` is bound as "owner_id"."""
    return sql_delete(table).where(table.c[owner] == bindparam("owner_id"))


@cache
def _referred_to(table: Table) -> frozenset[Table]:
    """The tables `table`'s foreign keys refer to."""
    return frozenset(fk.column.table for fk in table.foreign_keys)


def delete(session: Work, record_class: type[Any], key: str) -> None:
    """Delete the record of that class with id `key` that no other record refers to (its
    parts go with it); RecordNotFound if there is none."""
    kind_type = RecordType.of(record_class)
    if kind_type is RecordType.REPORT_TEXT:
        report_texts.delete_report_text(session, *_report_text_key(key))
        return
    table = _KINDS[kind_type].table
    found = session.execute(select(table.c.id).where(table.c.id == key)).scalar()
    if found is None:
        raise RecordNotFound(kind_type.noun, key)
    # One statement: the parts go by ON DELETE CASCADE, and a refusal changes nothing.
    with references_checked(
        f"The {kind_type.noun} {key!r}",
        kind_type.noun,
        "is still used by other records: change or delete those first",
    ):
        session.execute(sql_delete(table).where(table.c.id == key))
