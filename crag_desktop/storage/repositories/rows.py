"""The tables records are kept in, and the steps every kind's reading and writing share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Table,
    bindparam,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError

from crag_desktop.domain.errors import FieldError, ValidationFailed
from crag_desktop.domain.records import (
    Child,
    ClockPause,
)
from crag_desktop.domain.vocabulary import (
    LEGAL_STATUS_BY_CODE,
    SEX_BY_CODE,
)
from crag_desktop.storage import tables
from crag_desktop.storage.bulk import insert_rows
from crag_desktop.storage.prepared import fetch

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

#: A row to insert: its table's columns in their declared order (storage/tables.py), which is what
#: `insert_rows` takes: an import builds a quarter of a million of them, and a dict per row,
#: taken apart again column by column, cost a fifth of the whole import.
Row = tuple[Any, ...]
Rows = dict[Table, list[Row]]

#: What records are read and written on: a unit of work's session, or a Core connection in
#: a transaction (a save: an ORM session's own work cost more than a one-field edit's SQL),
#: or out of one for a read alone (`Database.reading()`). Named, not imported: a process
#: that only reads and prints (a report from the command line) imports no ORM.
Work: TypeAlias = "Session | Connection"

#: A stored row by column key: SQLAlchemy's RowMapping, or a dict from `prepared.fetch`.
StoredRow = Mapping[Any, Any]


AGENCY = tables.agency
MEMBER = tables.member
LEARNING_POINT = tables.learning_point
REFERRAL = tables.referral
REFERRAL_CHILD = tables.referral_child
REFERRAL_ABUSE = tables.referral_abuse_category
REFERRAL_PAUSE = tables.referral_clock_pause
DECISION = tables.criteria_decision
DECISION_ATTENDEE = tables.decision_attendee
DECISION_INVITED = tables.decision_invited
REVIEW = tables.review
REVIEW_CHILD = tables.review_child
REVIEW_THEME = tables.review_theme
PARALLEL = tables.parallel_process
FAMILY = tables.family_contribution
REVIEW_LP = tables.review_learning_point
REVIEW_PAUSE = tables.review_clock_pause
RECOMMENDATION = tables.recommendation
ACTION = tables.agency_action
ACTION_UPDATE = tables.action_update
MEETING = tables.meeting
MEETING_ATTENDEE = tables.meeting_attendee
MEETING_APOLOGY = tables.meeting_apology
MEETING_REFERRAL = tables.meeting_referral
LEARNING_EVENT = tables.learning_event
LEARNING_EVENT_REVIEW = tables.learning_event_review
REPORT_TEXT = tables.report_text
DRAFT = tables.draft


@contextmanager
def references_checked(what: str, path: str, message: str) -> Iterator[None]:
    """Turn a foreign key or duplicate key refusal into a message for the secretariat."""
    try:
        yield
    except IntegrityError as error:
        # hide_parameters keeps the bound values (children's details) out of `error`.
        raise ValidationFailed([FieldError(path, message)], what) from error


@cache
def _parents_first() -> list[Table]:
    # SQLAlchemy sorts the tables anew each time it is asked (a tenth of a save's work).
    return tables.metadata.sorted_tables


def insert_all(session: Work, rows: Rows) -> None:
    # Parents before children, whatever order the rows were gathered in.
    for table in _parents_first():
        batch = rows.get(table)
        if batch:
            insert_rows(session, table, batch)


def next_position(session: Work, table: Table) -> int:
    highest = session.execute(select(func.max(table.c.position))).scalar()
    return 0 if highest is None else int(highest) + 1


def child_row(owner: str, position: int, child: Child) -> Row:
    return (
        owner,
        position,
        child.pseudonym,
        child.sex.value,
        child.age_years,
        child.age_months,
        child.disability_or_sen,
        child.legal_status.value,
        child.ethnicity,
    )


def pause_row(owner: str, position: int, pause: ClockPause) -> Row:
    return (owner, position, pause.clock, pause.paused_on, pause.resumed_on, pause.reason)


def links(rows: Rows, table: Table, owner: str, values: Iterable[str]) -> None:
    """Rows of a link table: (owner, position, value)."""
    rows[table].extend((owner, i, value) for i, value in enumerate(values))


#: The records to load: their ids, or a SELECT of their ids (run inside each query, so that
#: a report's thousands of records are chosen in SQL rather than bound one by one).
Ids = Sequence[str] | Select[tuple[str]]


@cache
def _rows_of(table: Table, key: str) -> Select[Any]:
    """Rows of `table` whose `key` is one of the ids bound as "ids", in stored order.

    Made once: reading one record (its old self, read again by every save, and each one
    opened) ran a statement per table, and building and keying them anew each time cost
    more than the SQL (benchmarks: save one record)."""
    statement = select(table).where(table.c[key].in_(bindparam("ids", expanding=True)))
    return statement.order_by(*_order(table, key))


@cache
def _rows_of_one(table: Table, key: str) -> Select[Any]:
    """Rows of `table` whose `key` is the id bound as "id", in stored order: one record's
    (its stored self, read again by every save; each record opened), run on the driver
    (`prepared.fetch`)."""
    statement = select(table).where(table.c[key] == bindparam("id"))
    return statement.order_by(*_order(table, key))


def _order(table: Table, key: str) -> list[ColumnElement[Any]]:
    """Records in the order added; parts by owner, then in their order (a decision is one
    row per referral, with no position)."""
    order: list[ColumnElement[Any]] = [table.c[key]] if key != "id" else []
    if "position" in table.c:
        order.append(table.c.position)
    return order


#: The parts of records left unread (`every_part=False`): no owner has any.
NO_PARTS: Mapping[str, list[StoredRow]] = MappingProxyType({})


def grouped(session: Work, table: Table, owner: str, ids: Ids | None) -> dict[str, list[StoredRow]]:
    """Rows of a part table by owner id, in their stored order."""
    if ids is not None and not isinstance(ids, Select) and len(ids) == 1:
        return {ids[0]: fetch(session, _rows_of_one(table, owner), {"id": ids[0]})}
    if ids is None or isinstance(ids, Select):
        statement = select(table).order_by(*_order(table, owner))
        if ids is not None:
            statement = statement.where(table.c[owner].in_(ids))
        result = session.execute(statement)
    else:
        result = session.execute(_rows_of(table, owner), {"ids": list(ids)})
    groups: dict[str, list[StoredRow]] = defaultdict(list)
    # .all(): one fetchall from the driver instead of a fetchone per row.
    for row in result.mappings().all():
        groups[row[owner]].append(row)
    return groups


def main_rows(
    session: Work, table: Table, ids: Ids | None, *extra: ColumnElement[bool]
) -> Sequence[StoredRow]:
    if ids is not None and not isinstance(ids, Select) and not extra:
        if len(ids) == 1:
            return fetch(session, _rows_of_one(table, "id"), {"id": ids[0]})
        return session.execute(_rows_of(table, "id"), {"ids": list(ids)}).mappings().all()
    statement = select(table).order_by(table.c.position)
    if ids is not None:
        statement = statement.where(table.c.id.in_(ids))
    for condition in extra:
        statement = statement.where(condition)
    return session.execute(statement).mappings().all()


def child(row: StoredRow) -> Child:
    return Child(
        pseudonym=row["pseudonym"],
        sex=SEX_BY_CODE[row["sex"]],
        age_years=row["age_years"],
        age_months=row["age_months"],
        disability_or_sen=bool(row["disability_or_sen"]),
        legal_status=LEGAL_STATUS_BY_CODE[row["legal_status"]],
        ethnicity=row["ethnicity"],
    )


def pause(row: StoredRow) -> ClockPause:
    return ClockPause(
        clock=row["clock"],
        paused_on=row["paused_on"],
        resumed_on=row["resumed_on"],
        reason=row["reason"],
    )
