"""The tables records are kept in, and the steps every kind's reading and writing share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

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
from sqlalchemy.orm import Session

from crag_desktop.domain.errors import FieldError, ValidationFailed
from crag_desktop.domain.records import (
    Child,
    ClockPause,
)
from crag_desktop.domain.vocabulary import (
    LEGAL_STATUS_BY_CODE,
    SEX_BY_CODE,
)
from crag_desktop.storage import models as m
from crag_desktop.storage.bulk import insert_rows
from crag_desktop.storage.prepared import fetch

#: A row to insert: its table's columns in their declared order (models.py), which is what
#: `insert_rows` takes: an import builds a quarter of a million of them, and a dict per row,
#: taken apart again column by column, cost a fifth of the whole import.
Row = tuple[Any, ...]
Rows = dict[Table, list[Row]]

#: What records are read and written on: a unit of work's session, or a Core connection in
#: a transaction (a save: an ORM session's own work cost more than a one-field edit's SQL).
Work = Session | Connection

#: A stored row by column key: SQLAlchemy's RowMapping, or a dict from `prepared.fetch`.
StoredRow = Mapping[Any, Any]


def _t(row_class: type[m.Base]) -> Table:
    table = row_class.__table__
    assert isinstance(table, Table)
    return table


AGENCY = _t(m.AgencyRow)
MEMBER = _t(m.MemberRow)
LEARNING_POINT = _t(m.LearningPointRow)
REFERRAL = _t(m.ReferralRow)
REFERRAL_CHILD = _t(m.ReferralChildRow)
REFERRAL_ABUSE = _t(m.ReferralAbuseCategoryRow)
REFERRAL_PAUSE = _t(m.ReferralClockPauseRow)
DECISION = _t(m.CriteriaDecisionRow)
DECISION_ATTENDEE = _t(m.DecisionAttendeeRow)
DECISION_INVITED = _t(m.DecisionInvitedRow)
REVIEW = _t(m.ReviewRow)
REVIEW_CHILD = _t(m.ReviewChildRow)
REVIEW_THEME = _t(m.ReviewThemeRow)
PARALLEL = _t(m.ParallelProcessRow)
FAMILY = _t(m.FamilyContributionRow)
REVIEW_LP = _t(m.ReviewLearningPointRow)
REVIEW_PAUSE = _t(m.ReviewClockPauseRow)
RECOMMENDATION = _t(m.RecommendationRow)
ACTION = _t(m.AgencyActionRow)
ACTION_UPDATE = _t(m.ActionUpdateRow)
MEETING = _t(m.MeetingRow)
MEETING_ATTENDEE = _t(m.MeetingAttendeeRow)
MEETING_APOLOGY = _t(m.MeetingApologyRow)
MEETING_REFERRAL = _t(m.MeetingReferralRow)
LEARNING_EVENT = _t(m.LearningEventRow)
LEARNING_EVENT_REVIEW = _t(m.LearningEventReviewRow)
REPORT_TEXT = _t(m.ReportTextRow)
DRAFT = _t(m.DraftRow)


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
    return m.metadata.sorted_tables


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
