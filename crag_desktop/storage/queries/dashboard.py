"""The dashboard's SQL: the statutory clocks' candidates and the first ids of a figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Row,
    Select,
    exists,
    func,
    select,
)

from crag_desktop.domain.criteria import NotificationOwed
from crag_desktop.storage import tables
from crag_desktop.storage.queries.keyset import Condition, Reader
from crag_desktop.storage.queries.lists import has_decision
from crag_desktop.storage.queries.statuses import is_open_referral

__all__ = [
    "clock_pauses",
    "clock_rows",
    "counted_first_ids",
    "first_ids",
    "has_clock_pause",
    "has_clock_pauses",
    "notification_clock_conditions",
    "rapid_review_clock_conditions",
]

_REFERRAL = tables.referral.c
_PAUSE = tables.referral_clock_pause.c


def has_clock_pause(clock: str) -> Condition:
    """The referral has at least one pause recorded for `clock`."""
    return exists().where(_PAUSE.referral_id == _REFERRAL.id, _PAUSE.clock == clock)


def has_clock_pauses(session: Reader, clock: str) -> bool:
    """Whether any referral has a pause recorded for `clock` (most databases have none)."""
    statement = select(exists().where(_PAUSE.clock == clock))
    return bool(session.execute(statement).scalar_one())


def notification_clock_conditions(*, learned_on_or_before: date) -> list[Condition]:
    """Open referrals whose serious incident notification is still to be made, learned of on or
    before the day given. Where the criteria answers show no notification is owed, there is
    none to make and no clock; where they do not say yet, the clock runs (it starts when the
    local authority learns of the incident, not when the subgroup decides)."""
    return [
        _REFERRAL.learned_on.is_not(None),
        _REFERRAL.learned_on <= learned_on_or_before,
        _REFERRAL.notified_on.is_(None),
        is_open_referral(counted=True),
        _REFERRAL.notification_owed != NotificationOwed.NOT_OWED.value,
    ]


def rapid_review_clock_conditions(
    *, notified_on_or_before: date, era_from: date
) -> list[Condition]:
    """Open, undecided referrals notified on or before the day given whose incident (or, when
    its date is unknown, notification) falls on or after `era_from`.

    Both clocks' conditions ask for the open statuses by name (`is_open_referral`, counted):
    the clocks are counted, and their first rows sorted from the same few, so the clocks'
    index, led by the status, reads the open referrals' entries alone."""
    return [
        _REFERRAL.notified_on.is_not(None),
        _REFERRAL.notified_on <= notified_on_or_before,
        func.coalesce(_REFERRAL.incident_date, _REFERRAL.notified_on) >= era_from,
        ~has_decision(),
        is_open_referral(counted=True),
    ]


def clock_rows(
    session: Reader, conditions: Sequence[Condition], *, start: str, limit: int | None
) -> Sequence[Row[Any]]:
    """Referrals meeting the conditions, longest-running clock first: id, reference,
    case_name, start (the `start` column's date)."""
    start_column = _REFERRAL[start]
    statement: Select[Any] = (
        select(_REFERRAL.id, _REFERRAL.reference, _REFERRAL.case_name, start_column.label("start"))
        .where(*conditions)
        .order_by(start_column, _REFERRAL.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return session.execute(statement).all()


def clock_pauses(
    session: Reader, referral_ids: Sequence[str], clock: str
) -> dict[str, list[tuple[date, date | None, str]]]:
    """The pauses of `clock` for each referral given: (paused_on, resumed_on, reason)."""
    found: dict[str, list[tuple[date, date | None, str]]] = {}
    if not referral_ids:
        return found
    statement = (
        select(_PAUSE.referral_id, _PAUSE.paused_on, _PAUSE.resumed_on, _PAUSE.reason)
        .where(_PAUSE.referral_id.in_(list(referral_ids)), _PAUSE.clock == clock)
        .order_by(_PAUSE.referral_id, _PAUSE.position)
    )
    for referral_id, paused_on, resumed_on, reason in session.execute(statement):
        found.setdefault(referral_id, []).append((paused_on, resumed_on, reason))
    return found


#: What a figure's first records are ordered by (then by id), by record type: the oldest
#: waiting first.
_FIRST_BY: dict[str, tuple[Any, Any]] = {
    "referral": (tables.referral, tables.referral.c.received),
    "review": (tables.review, tables.review.c.commissioned_on),
    "recommendation": (tables.recommendation, tables.recommendation.c.due),
}


def first_ids(
    session: Reader, record_type: str, conditions: Sequence[Condition], limit: int
) -> list[str]:
    """The ids of the first `limit` records of `record_type` (referral: by date received;
    review: by date commissioned; recommendation: by date due) meeting the conditions."""
    table, order = _FIRST_BY[record_type]
    statement = select(table.c.id).where(*conditions).order_by(order, table.c.id).limit(limit)
    return [str(value) for value in session.execute(statement).scalars()]


def counted_first_ids(
    session: Reader, record_type: str, conditions: Sequence[Condition], limit: int
) -> tuple[int, list[str]]:
    """How many records of `record_type` meet the conditions, and the ids of the first
    `limit` of them (ordered as `first_ids`), in one statement.

    The count rides on every row returned, as a window over the whole result (counted before
    the limit applies): where few records match but each is tested against another table
    (referrals with no decision yet), the records are tested once instead of once for the
    count and again for the ids (at 100,000 referrals, 42 ms of CPU down to 26 on a cold page
    cache). Where many records match (thousands of overdue recommendations), a count and a
    limited read cost less, since this reads and sorts every match.
    """
    table, order = _FIRST_BY[record_type]
    statement = (
        select(table.c.id, func.count().over())
        .where(*conditions)
        .order_by(order, table.c.id)
        .limit(limit)
    )
    rows = session.execute(statement).all()
    return (int(rows[0][1]) if rows else 0), [str(row[0]) for row in rows]
