"""Lookups by id, reference and relation: what a form, a check or a return asks of the
database beside the lists (does a record exist, what refers to it, a review's titles, a
meeting's updates, an agency's open actions)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    cast,
    func,
    literal,
    select,
    union_all,
)

from crag_desktop.domain.record_types import RecordType
from crag_desktop.storage import tables

if TYPE_CHECKING:
    # Only the type: reading and the audit trail work on a Core connection as well, and
    # importing the ORM is left to what loads or saves whole records.
    from sqlalchemy.orm import Session

__all__ = [
    "actions_with_latest_status",
    "decisions_at_meeting",
    "latest_update_statuses",
    "learning_point_reviews",
    "learning_point_usage",
    "meeting_dates",
    "meeting_for_referral",
    "panel_decisions",
    "record_exists",
    "record_labels",
    "references_between",
    "references_to",
    "review_ids_of_referral",
    "review_titles",
    "updates_at_meeting",
]

_REFERRAL = tables.referral.c
_REVIEW = tables.review.c
_MEETING = tables.meeting.c
_RECOMMENDATION = tables.recommendation.c
_REVIEW_OF = tables.review.alias("rec_review")


def updates_at_meeting(session: Session | Connection, meeting_id: str) -> Sequence[Row[Any]]:
    """The progress updates given at a meeting: recommendation_id, review_title, number,
    action_id, status, note; by review title, recommendation number and action."""
    update = tables.action_update.c
    statement: Select[Any] = (
        select(
            update.recommendation_id,
            _REVIEW_OF.c.title.label("review_title"),
            _RECOMMENDATION.number,
            update.action_id,
            update.status,
            update.note,
        )
        .select_from(tables.action_update)
        .join(tables.recommendation, _RECOMMENDATION.id == update.recommendation_id)
        .join(_REVIEW_OF, _REVIEW_OF.c.id == _RECOMMENDATION.review_id)
        .where(update.meeting_id == meeting_id)
        .order_by(_REVIEW_OF.c.title, _RECOMMENDATION.number, update.action_id, update.position)
    )
    return session.execute(statement).all()


def latest_update_statuses(
    session: Session | Connection, recommendation_ids: Sequence[str]
) -> dict[str, list[str]]:
    """For each recommendation, the status of each action's latest update (by date, then
    the order added), for the derived status of a page of rows."""
    if not recommendation_ids:
        return {}
    update = tables.action_update.c
    rows = session.execute(
        select(
            update.recommendation_id, update.action_id, update.on, update.position, update.status
        )
        .where(update.recommendation_id.in_(list(recommendation_ids)))
        .order_by(update.recommendation_id, update.action_id, update.on, update.position)
    ).all()
    latest: dict[tuple[str, str], str] = {}
    for row in rows:
        latest[(row.recommendation_id, row.action_id)] = row.status
    found: dict[str, list[str]] = {}
    for (recommendation_id, _action), status in latest.items():
        found.setdefault(recommendation_id, []).append(status)
    return found


# --- Records: ids, references and lookups ---------------------------------------------------

_ID_COLUMNS: dict[str, Any] = {
    RecordType.AGENCY: tables.agency.c.id,
    RecordType.MEMBER: tables.member.c.id,
    RecordType.LEARNING_POINT: tables.learning_point.c.id,
    RecordType.REFERRAL: tables.referral.c.id,
    RecordType.REVIEW: tables.review.c.id,
    RecordType.RECOMMENDATION: tables.recommendation.c.id,
    RecordType.MEETING: tables.meeting.c.id,
    RecordType.LEARNING_EVENT: tables.learning_event.c.id,
}

#: For each record type: (what refers to it, the referring column, the referring record's id).
_REFERENCES: dict[str, tuple[tuple[str, Any, Any], ...]] = {
    RecordType.AGENCY: (
        ("referral.referring_agency", tables.referral.c.referring_agency_id, tables.referral.c.id),
        ("member.agency", tables.member.c.agency_id, tables.member.c.id),
        (
            "recommendation.lead_agency",
            tables.recommendation.c.lead_agency_id,
            tables.recommendation.c.id,
        ),
        (
            "action.owner_agency",
            tables.agency_action.c.owner_agency_id,
            tables.agency_action.c.recommendation_id + literal("/") + tables.agency_action.c.id,
        ),
    ),
    RecordType.MEMBER: (
        (
            "meeting.attendees",
            tables.meeting_attendee.c.member_id,
            tables.meeting_attendee.c.meeting_id,
        ),
        (
            "meeting.apologies",
            tables.meeting_apology.c.member_id,
            tables.meeting_apology.c.meeting_id,
        ),
        (
            "decision.attendees",
            tables.decision_attendee.c.member_id,
            tables.decision_attendee.c.referral_id,
        ),
        (
            "action_update.by",
            tables.action_update.c.by_member_id,
            tables.action_update.c.recommendation_id
            + literal("/")
            + tables.action_update.c.action_id
            + literal("/")
            + func.cast(tables.action_update.c.position, String),
        ),
    ),
    RecordType.LEARNING_POINT: (
        (
            "review.learning_points",
            tables.review_learning_point.c.learning_point_id,
            tables.review_learning_point.c.review_id,
        ),
    ),
    RecordType.REFERRAL: (
        ("review.referral", tables.review.c.referral_id, tables.review.c.id),
        (
            "meeting.referrals_considered",
            tables.meeting_referral.c.referral_id,
            tables.meeting_referral.c.meeting_id,
        ),
    ),
    RecordType.REVIEW: (
        ("recommendation.review", tables.recommendation.c.review_id, tables.recommendation.c.id),
        (
            "learning_event.reviews",
            tables.learning_event_review.c.review_id,
            tables.learning_event_review.c.learning_event_id,
        ),
    ),
    RecordType.MEETING: (
        (
            "decision.meeting",
            tables.criteria_decision.c.meeting_id,
            tables.criteria_decision.c.referral_id,
        ),
        (
            "update.meeting",
            tables.action_update.c.meeting_id,
            tables.action_update.c.recommendation_id,
        ),
    ),
}


def record_exists(session: Session | Connection, record_type: str, key: str) -> bool:
    """Whether a record of `record_type` (not a report text) has the id `key`."""
    column = _ID_COLUMNS[record_type]
    return session.execute(select(column).where(column == key)).first() is not None


def references_to(session: Session | Connection, record_type: str, key: str) -> dict[str, int]:
    """How many records refer to the record, by kind of reference ("referral.referring_agency"),
    leaving out kinds with none."""
    found: dict[str, int] = {}
    for name, column, owner in _REFERENCES.get(record_type, ()):
        statement = select(func.count(func.distinct(owner))).where(column == key)
        count = int(session.execute(statement).scalar_one())
        if count:
            found[name] = count
    return found


def references_between(session: Session | Connection, low: str, high: str) -> list[str]:
    """Referral references from `low` (inclusive) to `high` (exclusive): a range, not LIKE,
    so that the reference index is used on every database."""
    statement = select(_REFERRAL.reference).where(
        _REFERRAL.reference >= low, _REFERRAL.reference < high
    )
    return [str(value) for value in session.execute(statement).scalars()]


def review_titles(
    session: Session | Connection, ids: Collection[str] | None = None
) -> Sequence[Row[Any]]:
    """Every review's id and title (or those of `ids`), by title."""
    statement: Select[Any] = select(_REVIEW.id, _REVIEW.title).order_by(_REVIEW.title, _REVIEW.id)
    if ids is not None:
        statement = statement.where(_REVIEW.id.in_(sorted(ids)))
    return session.execute(statement).all()


def learning_point_usage(session: Session | Connection) -> dict[str, int]:
    """How many reviews carry each learning point (points no review carries are absent)."""
    link = tables.review_learning_point
    # A review lists a point at most once (validation refuses one listed twice), so its rows
    # count the reviews, and the index on the point alone answers: counting distinct reviews
    # read every row of the table (0.1 s at 100,000 referrals, the Learning screen's load).
    statement: Select[Any] = select(link.c.learning_point_id, func.count()).group_by(
        link.c.learning_point_id
    )
    return {str(key): int(count) for key, count in session.execute(statement).all()}


def learning_point_reviews(
    session: Session | Connection, point: str | None = None
) -> dict[str, list[str]]:
    """The titles of the reviews carrying each learning point (or only `point`), by point id,
    in title order."""
    link = tables.review_learning_point.c
    review = tables.review.c
    chosen = (
        select(link.learning_point_id, review.id, review.title)
        .select_from(tables.review_learning_point.join(tables.review))
        .distinct()
    )
    if point is not None:
        chosen = chosen.where(link.learning_point_id == point)
    pairs = chosen.subquery()
    # One row per point, its titles joined in SQL: a row per (point, review) through Python
    # cost five times as much at 100,000 referrals (the Learning screen's first showing).
    statement: Select[Any] = select(
        pairs.c.learning_point_id, func.aggregate_strings(pairs.c.title, _TITLE_SEPARATOR)
    ).group_by(pairs.c.learning_point_id)
    return {
        str(point_id): sorted(titles.split(_TITLE_SEPARATOR))
        for point_id, titles in session.execute(statement)
    }


#: Joins titles inside SQL (a control character no title holds).
_TITLE_SEPARATOR = "\x1f"


def meeting_dates(session: Session | Connection) -> Sequence[Row[Any]]:
    """Every meeting's id and date, newest first."""
    statement: Select[Any] = select(_MEETING.id, _MEETING.date).order_by(
        _MEETING.date.desc(), _MEETING.id
    )
    return session.execute(statement).all()


def meeting_for_referral(
    session: Session | Connection, referral_id: str, on_or_after: date
) -> str | None:
    """The earliest meeting on or after the day given that lists the referral among those
    it considers; failing that, a meeting held on that day; None when neither exists."""
    considered = tables.meeting_referral.c
    listing = select(considered.meeting_id).where(considered.referral_id == referral_id)
    for condition in (_MEETING.id.in_(listing), _MEETING.date == on_or_after):
        statement: Select[Any] = (
            select(_MEETING.id)
            .where(_MEETING.date >= on_or_after, condition)
            .order_by(_MEETING.date, _MEETING.id)
            .limit(1)
        )
        found = session.execute(statement).scalar()
        if found is not None:
            return str(found)
    return None


def review_ids_of_referral(session: Session | Connection, referral_id: str) -> list[str]:
    """The ids of the reviews commissioned from a referral, oldest first."""
    statement = (
        select(_REVIEW.id)
        .where(_REVIEW.referral_id == referral_id)
        .order_by(_REVIEW.commissioned_on, _REVIEW.id)
    )
    return [str(value) for value in session.execute(statement).scalars()]


def record_labels(session: Session | Connection, keys: Iterable[tuple[str, str]]) -> list[Row[Any]]:
    """(kind, id, first, second) for every (record type, id) that still exists, in one UNION
    ALL: what the audit log names a record by (a reference and case name, a title...)."""
    wanted: dict[str, list[str]] = {}
    for kind, key in keys:
        wanted.setdefault(kind, []).append(key)
    selects: list[Any] = []

    def add(kind: str, id_column: Any, first: Any, second: Any, *joins: Any) -> None:
        ids = wanted.get(kind)
        if not ids:
            return
        statement = select(
            literal(kind).label("kind"),
            id_column.label("id"),
            cast(first, String).label("first"),
            cast(second, String).label("second"),
        )
        for target, on in joins:
            statement = statement.join(target, on)
        selects.append(statement.where(id_column.in_(sorted(ids))))

    referral = tables.referral.c
    review = tables.review.c
    recommendation = tables.recommendation.c
    add("referral", referral.id, referral.reference, referral.case_name)
    add("review", review.id, review.title, literal(None))
    add(
        "recommendation",
        recommendation.id,
        review.title,
        recommendation.number,
        (tables.review, review.id == recommendation.review_id),
    )
    add("meeting", tables.meeting.c.id, tables.meeting.c.date, literal(None))
    add("agency", tables.agency.c.id, tables.agency.c.name, literal(None))
    add("member", tables.member.c.id, tables.member.c.name, literal(None))
    add(
        "learning_point",
        tables.learning_point.c.id,
        tables.learning_point.c.text,
        literal(None),
    )
    add(
        "learning_event",
        tables.learning_event.c.id,
        tables.learning_event.c.title,
        tables.learning_event.c.date,
    )
    if not selects:
        return []
    statement: Any = selects[0]
    if len(selects) > 1:
        statement = union_all(*selects)
    return list(session.execute(statement).all())


# --- Decisions --------------------------------------------------------------------------------

_DECISION = tables.criteria_decision.c
_DECIDED = tables.criteria_decision.join(tables.referral, _REFERRAL.id == _DECISION.referral_id)


def decisions_at_meeting(session: Session | Connection, meeting_id: str) -> Sequence[Row[Any]]:
    """The decisions taken at a meeting, by reference: id, reference, case_name, decided_on,
    decided_outcome, alternative_review_type."""
    statement: Select[Any] = (
        select(
            _REFERRAL.id,
            _REFERRAL.reference,
            _REFERRAL.case_name,
            _DECISION.decided_on,
            _DECISION.decided_outcome,
            _DECISION.alternative_review_type,
        )
        .select_from(_DECIDED)
        .where(_DECISION.meeting_id == meeting_id)
        .order_by(_REFERRAL.reference, _REFERRAL.id)
    )
    return session.execute(statement).all()


def panel_decisions(
    session: Session | Connection, *, responses: Sequence[str] | None
) -> Sequence[Row[Any]]:
    """Every decision's Panel loop as plain columns (the list may hold every decision ever
    made), or only those whose Panel response is one of `responses`: id, reference,
    case_name, rule_set, decided_outcome, decided_on and the panel_ columns."""
    statement: Select[Any] = select(
        _REFERRAL.id,
        _REFERRAL.reference,
        _REFERRAL.case_name,
        _DECISION.rule_set,
        _DECISION.decided_outcome,
        _DECISION.decided_on,
        _DECISION.panel_sent_on,
        _DECISION.panel_response,
        _DECISION.panel_responded_on,
        _DECISION.panel_board_reply,
    ).select_from(_DECIDED)
    if responses is not None:
        statement = statement.where(_DECISION.panel_response.in_(list(responses)))
    return session.execute(statement).all()


# --- Agency returns ---------------------------------------------------------------------------


def actions_with_latest_status(
    session: Session | Connection,
    *,
    open_statuses: Sequence[str],
    owner_agency_id: str | None = None,
) -> list[tuple[str, str, str, str | None]]:
    """(recommendation id, action id, owner agency id, its latest update's status or None)
    of every action whose recommendation's status is one of `open_statuses` (of one owner
    when given): what an agency's return needs, without loading whole recommendations."""
    action_table, recommendation_table = tables.agency_action, tables.recommendation
    action, recommendation = action_table.c, recommendation_table.c
    update = tables.action_update.c
    scope: list[ColumnElement[bool]] = [recommendation.status.in_(list(open_statuses))]
    if owner_agency_id is not None:
        scope.append(action.owner_agency_id == owner_agency_id)
    actions = session.execute(
        select(action.recommendation_id, action.id, action.owner_agency_id)
        .join(recommendation_table, recommendation.id == action.recommendation_id)
        .where(*scope)
    ).all()
    updates = session.execute(
        select(update.recommendation_id, update.action_id, update.status)
        .join(
            action_table,
            (action.recommendation_id == update.recommendation_id)
            & (action.id == update.action_id),
        )
        .join(recommendation_table, recommendation.id == action.recommendation_id)
        .where(*scope)
        # The latest by date, then the order added: the last row of each action wins.
        .order_by(update.recommendation_id, update.action_id, update.on, update.position)
    ).all()
    latest = {(row.recommendation_id, row.action_id): str(row.status) for row in updates}
    return [
        (
            row.recommendation_id,
            row.id,
            row.owner_agency_id,
            latest.get((row.recommendation_id, row.id)),
        )
        for row in actions
    ]
