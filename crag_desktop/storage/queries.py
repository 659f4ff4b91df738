"""SQL for the record lists and the dashboard: filtered, sorted and keyset-paged in the database.

At 100,000 referrals a screen must never load every row: LIMIT/OFFSET stutters deep in the
list, while a keyset page (``WHERE (sort, id) > (?, ?) ORDER BY sort, id LIMIT n``) costs
the same at any depth (design/performance.md). Everything here is SQLAlchemy Core over the
ORM tables, with no SQLite-only SQL, so the same queries run on PostgreSQL.

A sort is a tuple of `SortPart`s whose last part is the record's unique id; a row's sort key
is the tuple of those parts' values. Ascending lists put NULLs last; descending lists are the
exact reverse (NULLs first), so that flipping the direction reverses the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from crag_desktop.domain.criteria import NotificationOwed
from crag_desktop.storage.models import (
    ActionUpdateRow,
    AgencyActionRow,
    AgencyRow,
    AuditEventRow,
    CriteriaDecisionRow,
    DecisionAttendeeRow,
    LearningEventReviewRow,
    LearningEventRow,
    LearningPointRow,
    MeetingApologyRow,
    MeetingAttendeeRow,
    MeetingReferralRow,
    MeetingRow,
    MemberRow,
    RecommendationRow,
    ReferralChildRow,
    ReferralClockPauseRow,
    ReferralRow,
    ReviewLearningPointRow,
    ReviewRow,
)

__all__ = [
    "RECOMMENDATION_SORTS",
    "REFERRAL_SORTS",
    "REVIEW_SORTS",
    "Reader",
    "SortPart",
    "audit_conditions",
    "audit_count",
    "audit_page",
    "clock_pauses",
    "clock_rows",
    "contains",
    "count_statement",
    "count_where",
    "first_ids",
    "has_clock_pause",
    "has_clock_pauses",
    "keyset_parameters",
    "keyset_shape",
    "meeting_conditions",
    "meeting_count",
    "meeting_dates",
    "meeting_page",
    "notification_clock_conditions",
    "rapid_review_clock_conditions",
    "recommendation_conditions",
    "recommendation_count",
    "recommendation_page",
    "record_exists",
    "references_between",
    "references_to",
    "referral_conditions",
    "referral_count",
    "referral_count_statement",
    "referral_page",
    "referral_page_statement",
    "review_conditions",
    "review_count",
    "review_ids_of_referral",
    "review_page",
    "review_titles",
]

Condition = ColumnElement[bool]

#: What a read runs on: a unit of work's session or a `Database.reading()` connection (which
#: costs less: no identity map, no commit).
Reader = Session | Connection


@dataclass(frozen=True, slots=True)
class SortPart:
    """One column of a sort order; `nullable` columns sort NULLs last (first when reversed)."""

    expression: ColumnElement[Any]
    nullable: bool = False


# --- Keyset paging ----------------------------------------------------------------------------


def _order_by(parts: Sequence[SortPart], descending: bool) -> list[ColumnElement[Any]]:
    order: list[ColumnElement[Any]] = []
    for part in parts:
        if descending:
            term = part.expression.desc()
            order.append(term.nulls_first() if part.nullable else term)
        else:
            term = part.expression.asc()
            order.append(term.nulls_last() if part.nullable else term)
    return order


def _after(parts: Sequence[SortPart], values: Sequence[object], descending: bool) -> Condition:
    """Rows strictly after `values` in the order of `parts`, NULLs placed as `_order_by` does."""
    if not parts:
        return false()
    part, value = parts[0], values[0]
    expr = part.expression
    rest = _after(parts[1:], values[1:], descending)
    if value is None:
        # NULLs are last ascending, so only NULLs (with a later tail) follow a NULL; reversed,
        # every non-NULL value follows the NULL block.
        tail = and_(expr.is_(None), rest)
        return or_(expr.is_not(None), tail) if descending else tail
    beyond = expr < value if descending else expr > value
    if part.nullable and not descending:
        beyond = or_(beyond, expr.is_(None))
    condition = or_(beyond, and_(expr == value, rest))
    if not part.nullable:
        # Redundant, but a plain range on the leading column lets the index seek.
        bound = expr <= value if descending else expr >= value
        condition = and_(bound, condition)
    return condition


def keyset_shape(after: Sequence[object] | None) -> tuple[bool, ...] | None:
    """Which of a sort key's values are NULL: the part of a key that changes the SQL.

    A keyset statement built for one shape (`keyset_statement`) serves every key of that
    shape, its values passed as `keyset_parameters`; None is the first page.
    """
    return None if after is None else tuple(value is None for value in after)


def keyset_parameters(after: Sequence[object] | None) -> dict[str, object]:
    """The bound values of a statement built for `keyset_shape(after)`."""
    if after is None:
        return {}
    return {f"after_{i}": value for i, value in enumerate(after) if value is not None}


def _placeholders(parts: Sequence[SortPart], shape: Sequence[bool]) -> list[object]:
    if len(shape) != len(parts):
        raise ValueError(f"a sort key has {len(parts)} values, not {len(shape)}")
    return [
        None if null else bindparam(f"after_{i}", type_=part.expression.type)
        for i, (part, null) in enumerate(zip(parts, shape, strict=True))
    ]


def _keyset(
    statement: Select[Any],
    parts: Sequence[SortPart],
    *,
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Select[Any]:
    if after is not None:
        if len(after) != len(parts):
            raise ValueError(f"a sort key has {len(parts)} values, not {len(after)}")
        statement = statement.where(_after(parts, after, descending))
    return statement.order_by(*_order_by(parts, descending)).limit(limit)


class _ContainsText(FunctionElement[bool]):
    """`column` contains `pattern` (a LIKE pattern), ignoring case.

    SQLAlchemy's ilike() becomes lower(x) LIKE lower(y) on SQLite, which costs six times a
    plain LIKE over 100,000 summaries (about 100 ms against 17 ms per keystroke); SQLite's
    own LIKE already ignores case (for ASCII letters, which pseudonyms and references are).
    Other databases get ILIKE.
    """

    type = Boolean()
    inherit_cache = True
    name = "contains_text"


@compiles(_ContainsText)
def _contains_ilike(element: _ContainsText, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} ILIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


@compiles(_ContainsText, "sqlite")
def _contains_like(element: _ContainsText, compiler: SQLCompiler, **kw: Any) -> str:
    column, pattern = list(element.clauses)
    return f"{compiler.process(column, **kw)} LIKE {compiler.process(pattern, **kw)} ESCAPE '\\'"


def contains(column: ColumnElement[Any], text: str) -> Condition:
    """Case-insensitive "column contains text", with LIKE's wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _ContainsText(column, literal(f"%{escaped}%"))


def count_statement(table: Any, conditions: Sequence[Condition]) -> Select[Any]:
    """How many rows of `table` meet every condition, as a statement to keep and rerun."""
    return select(func.count()).select_from(table).where(*conditions)


def count_where(session: Reader, table: Any, conditions: Sequence[Condition]) -> int:
    """How many rows of `table` meet every condition."""
    return int(session.execute(count_statement(table, conditions)).scalar_one())


# --- Referrals --------------------------------------------------------------------------------

_DECISION = CriteriaDecisionRow.__table__.c
_REFERRAL = ReferralRow.__table__.c
_AGENCY = AgencyRow.__table__.c

#: Sort orders of the referral list, by column name.
REFERRAL_SORTS: dict[str, tuple[SortPart, ...]] = {
    "reference": (SortPart(_REFERRAL.reference), SortPart(_REFERRAL.id)),
    "received": (SortPart(_REFERRAL.received), SortPart(_REFERRAL.id)),
    "case_name": (SortPart(_REFERRAL.case_name), SortPart(_REFERRAL.id)),
    "agency": (SortPart(_AGENCY.name), SortPart(_REFERRAL.id)),
    "status": (SortPart(_REFERRAL.status), SortPart(_REFERRAL.id)),
    "incident_type": (SortPart(_REFERRAL.incident_type), SortPart(_REFERRAL.id)),
}


def _has_decision(*extra: Condition) -> Condition:
    # Correlated to the referral only: the page query also joins the decision table, and
    # auto-correlation would otherwise leave the subquery with no FROM at all.
    subquery = (
        select(literal(1))
        .select_from(CriteriaDecisionRow.__table__)
        .where(_DECISION.referral_id == _REFERRAL.id, *extra)
        .correlate(ReferralRow.__table__)
    )
    return exists(subquery)


def referral_conditions(
    *,
    text: str = "",
    statuses: Sequence[str] = (),
    referring_agency_id: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    incident_type: str | None = None,
    decided_outcome: str | None = None,
    pending_decision: bool = False,
    ids: Sequence[str] | None = None,
) -> list[Condition]:
    """WHERE conditions on the referral table alone (decisions through EXISTS, no join)."""
    conditions: list[Condition] = []
    if text.strip():
        needle = text.strip()
        conditions.append(
            or_(
                contains(_REFERRAL.reference, needle),
                contains(_REFERRAL.case_name, needle),
                contains(_REFERRAL.summary, needle),
            )
        )
    if statuses:
        conditions.append(_REFERRAL.status.in_(list(statuses)))
    if referring_agency_id is not None:
        conditions.append(_REFERRAL.referring_agency_id == referring_agency_id)
    if received_from is not None:
        conditions.append(_REFERRAL.received >= received_from)
    if received_to is not None:
        conditions.append(_REFERRAL.received <= received_to)
    if incident_type is not None:
        conditions.append(_REFERRAL.incident_type == incident_type)
    if decided_outcome is not None:
        conditions.append(_has_decision(_DECISION.decided_outcome == decided_outcome))
    if pending_decision:
        conditions.append(~_has_decision())
        conditions.append(_REFERRAL.status != "closed")
    if ids is not None:
        conditions.append(_REFERRAL.id.in_(list(ids)))
    return conditions


def referral_count_statement(conditions: Sequence[Condition]) -> Select[Any]:
    """How many referrals meet the conditions, as a statement to keep and rerun."""
    return count_statement(ReferralRow.__table__, conditions)


def referral_count(session: Reader, conditions: Sequence[Condition]) -> int:
    """How many referrals meet the conditions."""
    return int(session.execute(referral_count_statement(conditions)).scalar_one())


def referral_page_statement(
    conditions: Sequence[Condition],
    *,
    sort: str,
    descending: bool,
    shape: tuple[bool, ...] | None,
    limit: int,
) -> Select[Any]:
    """The statement of a referral list page after a key of `shape` (see `keyset_shape`),
    the key's values bound as `keyset_parameters`: built once, it serves every page of a
    list (building and hashing a statement costs more than running it). Not for the agency
    order, which `referral_page` walks agency by agency. Columns as `referral_page`."""
    parts = REFERRAL_SORTS[sort]
    after = None if shape is None else _placeholders(parts, shape)
    return _keyset(
        _referral_columns(conditions), parts, descending=descending, after=after, limit=limit
    )


def _referral_columns(conditions: Sequence[Condition]) -> Select[Any]:
    children = (
        select(func.count())
        .select_from(ReferralChildRow.__table__)
        .where(ReferralChildRow.__table__.c.referral_id == _REFERRAL.id)
        .scalar_subquery()
    )
    return (
        select(
            _REFERRAL.id,
            _REFERRAL.reference,
            _REFERRAL.received,
            _REFERRAL.case_name,
            _AGENCY.name.label("agency_name"),
            _REFERRAL.incident_type,
            _REFERRAL.status,
            _DECISION.decided_outcome,
            children.label("children_count"),
        )
        .select_from(ReferralRow.__table__)
        .join(AgencyRow.__table__, _AGENCY.id == _REFERRAL.referring_agency_id)
        .outerjoin(CriteriaDecisionRow.__table__, _DECISION.referral_id == _REFERRAL.id)
        .where(*conditions)
    )


def referral_page(
    session: Session | Connection,
    conditions: Sequence[Condition],
    *,
    sort: str,
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page of referral list rows: id, reference, received, case_name, agency_name,
    incident_type, status, decided_outcome, children_count."""
    if sort == "agency":
        return _referral_page_by_agency(
            session, _referral_columns(conditions), descending, after, limit
        )
    statement = referral_page_statement(
        conditions, sort=sort, descending=descending, shape=keyset_shape(after), limit=limit
    )
    return session.execute(statement, keyset_parameters(after)).all()


def _referral_page_by_agency(
    session: Session | Connection,
    statement: Select[Any],
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """The agency-name order, one agency name at a time.

    Ordering the whole join by agency name makes SQLite sort every matching referral for
    each page (about 200 ms at 100,000). There are only a few dozen agencies, so walk them
    by name and take each one's referrals by id, which the agency index serves directly.
    """
    names: dict[str, list[str]] = {}
    for agency_id, name in session.execute(select(_AGENCY.id, _AGENCY.name).order_by(_AGENCY.name)):
        names.setdefault(name, []).append(agency_id)
    order = sorted(names, reverse=descending)
    if after is not None:
        if len(after) != 2:
            raise ValueError(f"a sort key has 2 values, not {len(after)}")
        after_name, after_id = str(after[0]), after[1]
        order = [n for n in order if (n <= after_name if descending else n >= after_name)]
    rows: list[Row[Any]] = []
    id_order = _REFERRAL.id.desc() if descending else _REFERRAL.id.asc()
    for name in order:
        part = statement.where(_REFERRAL.referring_agency_id.in_(names[name]))
        if after is not None and name == after_name:
            part = part.where(_REFERRAL.id < after_id if descending else _REFERRAL.id > after_id)
        rows.extend(session.execute(part.order_by(id_order).limit(limit - len(rows))).all())
        if len(rows) >= limit:
            break
    return rows


# --- Reviews ----------------------------------------------------------------------------------

_REVIEW = ReviewRow.__table__.c

#: Sort orders of the review list, by column name.
REVIEW_SORTS: dict[str, tuple[SortPart, ...]] = {
    "title": (SortPart(_REVIEW.title), SortPart(_REVIEW.id)),
    "commissioned_on": (SortPart(_REVIEW.commissioned_on), SortPart(_REVIEW.id)),
    "status": (SortPart(_REVIEW.status), SortPart(_REVIEW.id)),
    "type": (SortPart(_REVIEW.type), SortPart(_REVIEW.id)),
    "methodology": (SortPart(_REVIEW.methodology), SortPart(_REVIEW.id)),
    "lead_reviewer": (SortPart(_REVIEW.lead_reviewer), SortPart(_REVIEW.id)),
    "signed_off_on": (SortPart(_REVIEW.signed_off_on, nullable=True), SortPart(_REVIEW.id)),
    "published_on": (SortPart(_REVIEW.published_on, nullable=True), SortPart(_REVIEW.id)),
}


def review_conditions(
    *,
    text: str = "",
    statuses: Sequence[str] = (),
    excluded_statuses: Sequence[str] = (),
    type_: str | None = None,
    methodology: str | None = None,
    commissioned_from: date | None = None,
    commissioned_to: date | None = None,
    ids: Sequence[str] | None = None,
) -> list[Condition]:
    """WHERE conditions on the review table."""
    conditions: list[Condition] = []
    if text.strip():
        needle = text.strip()
        conditions.append(
            or_(contains(_REVIEW.title, needle), contains(_REVIEW.lead_reviewer, needle))
        )
    if statuses:
        conditions.append(_REVIEW.status.in_(list(statuses)))
    if excluded_statuses:
        conditions.append(_REVIEW.status.not_in(list(excluded_statuses)))
    if type_ is not None:
        conditions.append(_REVIEW.type == type_)
    if methodology is not None:
        conditions.append(_REVIEW.methodology == methodology)
    if commissioned_from is not None:
        conditions.append(_REVIEW.commissioned_on >= commissioned_from)
    if commissioned_to is not None:
        conditions.append(_REVIEW.commissioned_on <= commissioned_to)
    if ids is not None:
        conditions.append(_REVIEW.id.in_(list(ids)))
    return conditions


def review_count(session: Reader, conditions: Sequence[Condition]) -> int:
    """How many reviews meet the conditions."""
    return count_where(session, ReviewRow.__table__, conditions)


def review_page(
    session: Session,
    conditions: Sequence[Condition],
    *,
    sort: str,
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page of review list rows: id, title, type, methodology, status, lead_reviewer,
    commissioned_on, signed_off_on, published_on, referral_id."""
    statement = select(
        _REVIEW.id,
        _REVIEW.title,
        _REVIEW.type,
        _REVIEW.methodology,
        _REVIEW.status,
        _REVIEW.lead_reviewer,
        _REVIEW.commissioned_on,
        _REVIEW.signed_off_on,
        _REVIEW.published_on,
        _REVIEW.referral_id,
    ).where(*conditions)
    parts = REVIEW_SORTS[sort]
    page = _keyset(statement, parts, descending=descending, after=after, limit=limit)
    return session.execute(page).all()


# --- Recommendations --------------------------------------------------------------------------

_RECOMMENDATION = RecommendationRow.__table__.c
_REVIEW_OF = ReviewRow.__table__.alias("rec_review")
_LEAD = AgencyRow.__table__.alias("lead_agency")

#: Sort orders of the recommendation list, by column name.
RECOMMENDATION_SORTS: dict[str, tuple[SortPart, ...]] = {
    "review": (
        SortPart(_REVIEW_OF.c.title),
        SortPart(_RECOMMENDATION.number),
        SortPart(_RECOMMENDATION.id),
    ),
    "number": (SortPart(_RECOMMENDATION.number), SortPart(_RECOMMENDATION.id)),
    "lead_agency": (SortPart(_LEAD.c.name), SortPart(_RECOMMENDATION.id)),
    "monitoring_group": (SortPart(_RECOMMENDATION.monitoring_group), SortPart(_RECOMMENDATION.id)),
    "due": (SortPart(_RECOMMENDATION.due, nullable=True), SortPart(_RECOMMENDATION.id)),
    "status": (SortPart(_RECOMMENDATION.status), SortPart(_RECOMMENDATION.id)),
}


def recommendation_conditions(
    *,
    text: str = "",
    statuses: Sequence[str] = (),
    monitoring_group: str | None = None,
    lead_agency_id: str | None = None,
    review_id: str | None = None,
    overdue_on: date | None = None,
    closed_statuses: Sequence[str] = (),
    ids: Sequence[str] | None = None,
) -> list[Condition]:
    """WHERE conditions on the recommendation table; `overdue_on` keeps those due before that
    day whose status is not one of `closed_statuses`."""
    conditions: list[Condition] = []
    if text.strip():
        conditions.append(contains(_RECOMMENDATION.text, text.strip()))
    if statuses:
        conditions.append(_RECOMMENDATION.status.in_(list(statuses)))
    if monitoring_group is not None:
        conditions.append(_RECOMMENDATION.monitoring_group == monitoring_group)
    if lead_agency_id is not None:
        conditions.append(_RECOMMENDATION.lead_agency_id == lead_agency_id)
    if review_id is not None:
        conditions.append(_RECOMMENDATION.review_id == review_id)
    if overdue_on is not None:
        conditions.append(_RECOMMENDATION.due < overdue_on)
        if closed_statuses:
            conditions.append(_RECOMMENDATION.status.not_in(list(closed_statuses)))
    if ids is not None:
        conditions.append(_RECOMMENDATION.id.in_(list(ids)))
    return conditions


def recommendation_count(session: Reader, conditions: Sequence[Condition]) -> int:
    """How many recommendations meet the conditions."""
    return count_where(session, RecommendationRow.__table__, conditions)


def recommendation_page(
    session: Session,
    conditions: Sequence[Condition],
    *,
    sort: str,
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page of recommendation list rows: id, review_id, review_title, number, text, scope,
    lead_agency_name, monitoring_group, due, status and the closure steps' dates and who."""
    statement = (
        select(
            _RECOMMENDATION.id,
            _RECOMMENDATION.review_id,
            _REVIEW_OF.c.title.label("review_title"),
            _RECOMMENDATION.number,
            _RECOMMENDATION.text,
            _RECOMMENDATION.scope,
            _LEAD.c.name.label("lead_agency_name"),
            _RECOMMENDATION.monitoring_group,
            _RECOMMENDATION.due,
            _RECOMMENDATION.status,
            _RECOMMENDATION.completed_on,
            _RECOMMENDATION.completed_by,
            _RECOMMENDATION.verified_on,
            _RECOMMENDATION.verified_by,
            _RECOMMENDATION.impact_evidenced_on,
            _RECOMMENDATION.impact_evidenced_by,
        )
        .select_from(RecommendationRow.__table__)
        .join(_REVIEW_OF, _REVIEW_OF.c.id == _RECOMMENDATION.review_id)
        .join(_LEAD, _LEAD.c.id == _RECOMMENDATION.lead_agency_id)
        .where(*conditions)
    )
    parts = RECOMMENDATION_SORTS[sort]
    page = _keyset(statement, parts, descending=descending, after=after, limit=limit)
    return session.execute(page).all()


def updates_at_meeting(session: Session, meeting_id: str) -> Sequence[Row[Any]]:
    """The progress updates given at a meeting: recommendation_id, review_title, number,
    action_id, status, note; by review title, recommendation number and action."""
    update = ActionUpdateRow.__table__.c
    statement: Select[Any] = (
        select(
            update.recommendation_id,
            _REVIEW_OF.c.title.label("review_title"),
            _RECOMMENDATION.number,
            update.action_id,
            update.status,
            update.note,
        )
        .select_from(ActionUpdateRow.__table__)
        .join(RecommendationRow.__table__, _RECOMMENDATION.id == update.recommendation_id)
        .join(_REVIEW_OF, _REVIEW_OF.c.id == _RECOMMENDATION.review_id)
        .where(update.meeting_id == meeting_id)
        .order_by(_REVIEW_OF.c.title, _RECOMMENDATION.number, update.action_id, update.position)
    )
    return session.execute(statement).all()


def latest_update_statuses(
    session: Session, recommendation_ids: Sequence[str]
) -> dict[str, list[str]]:
    """For each recommendation, the status of each action's latest update (by date, then
    the order added), for the derived status of a page of rows."""
    if not recommendation_ids:
        return {}
    update = ActionUpdateRow.__table__.c
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


# --- Meetings ---------------------------------------------------------------------------------

_MEETING = MeetingRow.__table__.c
_MEETING_SORT = (SortPart(_MEETING.date), SortPart(_MEETING.id))


def meeting_conditions(
    *, text: str = "", date_from: date | None = None, date_to: date | None = None
) -> list[Condition]:
    """WHERE conditions on the meeting table."""
    conditions: list[Condition] = []
    if text.strip():
        needle = text.strip()
        conditions.append(or_(contains(_MEETING.notes, needle), contains(_MEETING.agenda, needle)))
    if date_from is not None:
        conditions.append(_MEETING.date >= date_from)
    if date_to is not None:
        conditions.append(_MEETING.date <= date_to)
    return conditions


def meeting_count(session: Session, conditions: Sequence[Condition]) -> int:
    """How many meetings meet the conditions."""
    return count_where(session, MeetingRow.__table__, conditions)


def meeting_page(
    session: Session,
    conditions: Sequence[Condition],
    *,
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page of meeting rows by date: id, date, quorate, attendee_count, referral_count."""
    attendees = MeetingAttendeeRow.__table__.c
    considered = MeetingReferralRow.__table__.c
    attendee_count = (
        select(func.count())
        .select_from(MeetingAttendeeRow.__table__)
        .where(attendees.meeting_id == _MEETING.id)
        .scalar_subquery()
    )
    referral_count = (
        select(func.count())
        .select_from(MeetingReferralRow.__table__)
        .where(considered.meeting_id == _MEETING.id)
        .scalar_subquery()
    )
    statement = select(
        _MEETING.id,
        _MEETING.date,
        _MEETING.quorate,
        attendee_count.label("attendee_count"),
        referral_count.label("referral_count"),
    ).where(*conditions)
    page = _keyset(statement, _MEETING_SORT, descending=descending, after=after, limit=limit)
    return session.execute(page).all()


# --- Audit trail ------------------------------------------------------------------------------

_AUDIT = AuditEventRow.__table__.c
_AUDIT_SORT = (SortPart(_AUDIT.seq),)


def audit_conditions(
    *,
    record_type: str | None = None,
    record_id: str | None = None,
    operator: str | None = None,
    action: str | None = None,
    text: str = "",
    at_from: datetime | None = None,
    at_before: datetime | None = None,
) -> list[Condition]:
    """WHERE conditions on the audit trail; `text` searches the record id, changes and reason;
    `at_from` (inclusive) and `at_before` (exclusive) bound the time of the event."""
    conditions: list[Condition] = []
    if at_from is not None:
        conditions.append(_AUDIT.at >= at_from)
    if at_before is not None:
        conditions.append(_AUDIT.at < at_before)
    if record_type is not None:
        conditions.append(_AUDIT.record_type == record_type)
    if record_id is not None:
        conditions.append(_AUDIT.record_id == record_id)
    if operator is not None:
        conditions.append(_AUDIT.operator == operator)
    if action is not None:
        conditions.append(_AUDIT.action == action)
    if text.strip():
        needle = text.strip()
        conditions.append(
            or_(
                contains(_AUDIT.record_id, needle),
                contains(_AUDIT.changes, needle),
                contains(func.coalesce(_AUDIT.reason, literal("")), needle),
            )
        )
    return conditions


def audit_count(session: Session, conditions: Sequence[Condition]) -> int:
    """How many audit events meet the conditions."""
    return count_where(session, AuditEventRow.__table__, conditions)


def audit_page(
    session: Session,
    conditions: Sequence[Condition],
    *,
    after: Sequence[object] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page of audit events, newest first (highest seq first)."""
    statement = select(
        _AUDIT.seq,
        _AUDIT.at,
        _AUDIT.operator,
        _AUDIT.action,
        _AUDIT.record_type,
        _AUDIT.record_id,
        _AUDIT.changes,
        _AUDIT.reason,
    ).where(*conditions)
    page = _keyset(statement, _AUDIT_SORT, descending=True, after=after, limit=limit)
    return session.execute(page).all()


# --- Dashboard: statutory clocks ------------------------------------------------------------

_PAUSE = ReferralClockPauseRow.__table__.c


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
        _REFERRAL.status != "closed",
        _REFERRAL.notification_owed != NotificationOwed.NOT_OWED.value,
    ]


def rapid_review_clock_conditions(
    *, notified_on_or_before: date, era_from: date
) -> list[Condition]:
    """Open, undecided referrals notified on or before the day given whose incident (or, when
    its date is unknown, notification) falls on or after `era_from`."""
    return [
        _REFERRAL.notified_on.is_not(None),
        _REFERRAL.notified_on <= notified_on_or_before,
        func.coalesce(_REFERRAL.incident_date, _REFERRAL.notified_on) >= era_from,
        ~_has_decision(),
        _REFERRAL.status != "closed",
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


def first_ids(
    session: Reader, table: Any, conditions: Sequence[Condition], order: Sequence[Any], limit: int
) -> list[str]:
    """The ids of the first `limit` rows of `table` meeting the conditions, in `order`."""
    statement = select(table.c.id).where(*conditions).order_by(*order, table.c.id).limit(limit)
    return [str(value) for value in session.execute(statement).scalars()]


# --- Records: ids, references and lookups ---------------------------------------------------

_ID_COLUMNS: dict[str, Any] = {
    "agency": AgencyRow.id,
    "member": MemberRow.id,
    "learning_point": LearningPointRow.id,
    "referral": ReferralRow.id,
    "review": ReviewRow.id,
    "recommendation": RecommendationRow.id,
    "meeting": MeetingRow.id,
    "learning_event": LearningEventRow.id,
}

#: For each record type: (what refers to it, the referring column, the referring record's id).
_REFERENCES: dict[str, tuple[tuple[str, Any, Any], ...]] = {
    "agency": (
        ("referral.referring_agency", ReferralRow.referring_agency_id, ReferralRow.id),
        ("member.agency", MemberRow.agency_id, MemberRow.id),
        ("recommendation.lead_agency", RecommendationRow.lead_agency_id, RecommendationRow.id),
        (
            "action.owner_agency",
            AgencyActionRow.owner_agency_id,
            AgencyActionRow.recommendation_id + literal("/") + AgencyActionRow.id,
        ),
    ),
    "member": (
        ("meeting.attendees", MeetingAttendeeRow.member_id, MeetingAttendeeRow.meeting_id),
        ("meeting.apologies", MeetingApologyRow.member_id, MeetingApologyRow.meeting_id),
        ("decision.attendees", DecisionAttendeeRow.member_id, DecisionAttendeeRow.referral_id),
        (
            "action_update.by",
            ActionUpdateRow.by_member_id,
            ActionUpdateRow.recommendation_id
            + literal("/")
            + ActionUpdateRow.action_id
            + literal("/")
            + func.cast(ActionUpdateRow.position, String),
        ),
    ),
    "learning_point": (
        (
            "review.learning_points",
            ReviewLearningPointRow.learning_point_id,
            ReviewLearningPointRow.review_id,
        ),
    ),
    "referral": (
        ("review.referral", ReviewRow.referral_id, ReviewRow.id),
        (
            "meeting.referrals_considered",
            MeetingReferralRow.referral_id,
            MeetingReferralRow.meeting_id,
        ),
    ),
    "review": (
        ("recommendation.review", RecommendationRow.review_id, RecommendationRow.id),
        (
            "learning_event.reviews",
            LearningEventReviewRow.review_id,
            LearningEventReviewRow.learning_event_id,
        ),
    ),
    "meeting": (
        ("decision.meeting", CriteriaDecisionRow.meeting_id, CriteriaDecisionRow.referral_id),
        ("update.meeting", ActionUpdateRow.meeting_id, ActionUpdateRow.recommendation_id),
    ),
}


def record_exists(session: Session, record_type: str, key: str) -> bool:
    """Whether a record of `record_type` (not a report text) has the id `key`."""
    column = _ID_COLUMNS[record_type]
    return session.execute(select(column).where(column == key)).first() is not None


def references_to(session: Session, record_type: str, key: str) -> dict[str, int]:
    """How many records refer to the record, by kind of reference ("referral.referring_agency"),
    leaving out kinds with none."""
    found: dict[str, int] = {}
    for name, column, owner in _REFERENCES.get(record_type, ()):
        statement = select(func.count(func.distinct(owner))).where(column == key)
        count = int(session.execute(statement).scalar_one())
        if count:
            found[name] = count
    return found


def references_between(session: Session, low: str, high: str) -> list[str]:
    """Referral references from `low` (inclusive) to `high` (exclusive): a range, not LIKE,
    so that the reference index is used on every database."""
    statement = select(_REFERRAL.reference).where(
        _REFERRAL.reference >= low, _REFERRAL.reference < high
    )
    return [str(value) for value in session.execute(statement).scalars()]


def review_titles(session: Session) -> Sequence[Row[Any]]:
    """Every review's id and title, by title."""
    statement: Select[Any] = select(_REVIEW.id, _REVIEW.title).order_by(_REVIEW.title, _REVIEW.id)
    return session.execute(statement).all()


def learning_point_usage(session: Session) -> dict[str, int]:
    """How many reviews carry each learning point (points no review carries are absent)."""
    link = ReviewLearningPointRow.__table__
    statement: Select[Any] = select(
        link.c.learning_point_id, func.count(func.distinct(link.c.review_id))
    ).group_by(link.c.learning_point_id)
    return {str(key): int(count) for key, count in session.execute(statement).all()}


def learning_point_reviews(session: Session) -> dict[str, list[str]]:
    """The titles of the reviews carrying each learning point, by point id, in title order."""
    link = ReviewLearningPointRow.__table__.c
    review = ReviewRow.__table__.c
    pairs = (
        select(link.learning_point_id, review.id, review.title)
        .select_from(ReviewLearningPointRow.__table__.join(ReviewRow.__table__))
        .distinct()
        .subquery()
    )
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


def meeting_dates(session: Session) -> Sequence[Row[Any]]:
    """Every meeting's id and date, newest first."""
    statement: Select[Any] = select(_MEETING.id, _MEETING.date).order_by(
        _MEETING.date.desc(), _MEETING.id
    )
    return session.execute(statement).all()


def meeting_for_referral(session: Session, referral_id: str, on_or_after: date) -> str | None:
    """The earliest meeting on or after the day given that lists the referral among those
    it considers; failing that, a meeting held on that day; None when neither exists."""
    considered = MeetingReferralRow.__table__.c
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


def review_ids_of_referral(session: Session, referral_id: str) -> list[str]:
    """The ids of the reviews commissioned from a referral, oldest first."""
    statement = (
        select(_REVIEW.id)
        .where(_REVIEW.referral_id == referral_id)
        .order_by(_REVIEW.commissioned_on, _REVIEW.id)
    )
    return [str(value) for value in session.execute(statement).scalars()]


# --- Agency returns ---------------------------------------------------------------------------


def actions_with_latest_status(
    session: Session, *, open_statuses: Sequence[str], owner_agency_id: str | None = None
) -> list[tuple[str, str, str, str | None]]:
    """(recommendation id, action id, owner agency id, its latest update's status or None)
    of every action whose recommendation's status is one of `open_statuses` (of one owner
    when given): what an agency's return needs, without loading whole recommendations."""
    action_table, recommendation_table = AgencyActionRow.__table__, RecommendationRow.__table__
    action, recommendation = action_table.c, recommendation_table.c
    update = ActionUpdateRow.__table__.c
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
