"""The record lists' SQL: each list's conditions, count and keyset page (see `keyset`).

Referrals, reviews, recommendations, meetings and the audit trail, filtered and sorted in the
database so a screen reads one page at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Connection,
    Join,
    Row,
    Select,
    exists,
    func,
    literal,
    or_,
    select,
)

from crag_desktop.storage import tables
from crag_desktop.storage.queries.keyset import (
    Condition,
    Reader,
    SortPart,
    contains,
    count_statement,
    count_where,
    keyset_page,
    keyset_parameters,
    keyset_placeholders,
    keyset_shape,
    read_first,
)
from crag_desktop.storage.queries.statuses import is_open_recommendation, is_open_referral

if TYPE_CHECKING:
    # Only the type: reading and the audit trail work on a Core connection as well, and
    # importing the ORM is left to what loads or saves whole records.
    from sqlalchemy.orm import Session

__all__ = [
    "RECOMMENDATION_SORTS",
    "REFERRAL_SORTS",
    "REVIEW_SORTS",
    "audit_conditions",
    "audit_count",
    "audit_page",
    "has_decision",
    "meeting_conditions",
    "meeting_count",
    "meeting_page",
    "recommendation_conditions",
    "recommendation_count",
    "recommendation_page",
    "referral_conditions",
    "referral_count",
    "referral_count_statement",
    "referral_page",
    "referral_page_statement",
    "review_conditions",
    "review_count",
    "review_page",
    "undecided_conditions",
]

# --- Referrals --------------------------------------------------------------------------------

_DECISION = tables.criteria_decision.c
_REFERRAL = tables.referral.c
_AGENCY = tables.agency.c

#: Sort orders of the referral list, by column name.
REFERRAL_SORTS: dict[str, tuple[SortPart, ...]] = {
    "reference": (SortPart(_REFERRAL.reference), SortPart(_REFERRAL.id)),
    "received": (SortPart(_REFERRAL.received), SortPart(_REFERRAL.id)),
    "case_name": (SortPart(_REFERRAL.case_name), SortPart(_REFERRAL.id)),
    "agency": (SortPart(_AGENCY.name), SortPart(_REFERRAL.id)),
    "status": (SortPart(_REFERRAL.status), SortPart(_REFERRAL.id)),
    "incident_type": (SortPart(_REFERRAL.incident_type), SortPart(_REFERRAL.id)),
}


def has_decision(*extra: Condition) -> Condition:
    # Correlated to the referral only: the page query also joins the decision table, and
    # auto-correlation would otherwise leave the subquery with no FROM at all.
    subquery = (
        select(literal(1))
        .select_from(tables.criteria_decision)
        .where(_DECISION.referral_id == _REFERRAL.id, *extra)
        .correlate(tables.referral)
    )
    return exists(subquery)


def undecided_conditions() -> list[Condition]:
    """Open referrals with no decision yet (the wizard's choice of referral). The EXISTS runs
    over an alias of the decision table: a referral page outer-joins the table itself, and an
    EXISTS over that same table would correlate away its own FROM clause."""
    decision = tables.criteria_decision.alias("undecided_check")
    return [
        ~exists().where(decision.c.referral_id == _REFERRAL.id),
        is_open_referral(counted=False),
    ]


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
    counted: bool = False,
) -> list[Condition]:
    """WHERE conditions on the referral table alone (decisions through EXISTS, no join);
    `counted` when the statement reads every match rather than a page (`is_open_referral`)."""
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
        conditions.append(has_decision(_DECISION.decided_outcome == decided_outcome))
    if pending_decision:
        conditions.append(~has_decision())
        conditions.append(is_open_referral(counted=counted))
    if ids is not None:
        conditions.append(_REFERRAL.id.in_(list(ids)))
    return conditions


def referral_count_statement(conditions: Sequence[Condition]) -> Select[Any]:
    """How many referrals meet the conditions, as a statement to keep and rerun."""
    return count_statement(tables.referral, conditions)


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
    after = None if shape is None else keyset_placeholders(parts, shape)
    return keyset_page(
        _referral_columns(conditions), parts, descending=descending, after=after, limit=limit
    )


def _referral_columns(conditions: Sequence[Condition]) -> Select[Any]:
    children = (
        select(func.count())
        .select_from(tables.referral_child)
        .where(tables.referral_child.c.referral_id == _REFERRAL.id)
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
        .select_from(tables.referral)
        .join(tables.agency, _AGENCY.id == _REFERRAL.referring_agency_id)
        .outerjoin(tables.criteria_decision, _DECISION.referral_id == _REFERRAL.id)
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

_REVIEW = tables.review.c

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
    statuses: Sequence[str] | None = None,
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
    if statuses is not None:
        # The statuses wanted, never the ones left out: the status index answers an IN list
        # (the Dashboard's unfinished reviews, about a tenth of them), while NOT IN read
        # every review (benchmarks: start to painted window, at 100,000 referrals).
        conditions.append(_REVIEW.status.in_(list(statuses)))
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
    return count_where(session, tables.review, conditions)


def review_page(
    session: Session | Connection,
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
    page = keyset_page(statement, parts, descending=descending, after=after, limit=limit)
    return session.execute(page).all()


# --- Recommendations --------------------------------------------------------------------------

_RECOMMENDATION = tables.recommendation.c
_REVIEW_OF = tables.review.alias("rec_review")
_LEAD = tables.agency.alias("lead_agency")

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
    ids: Sequence[str] | None = None,
    counted: bool = False,
) -> list[Condition]:
    """WHERE conditions on the recommendation table; `overdue_on` keeps those due before that
    day that are not closed (`RecommendationStatus.closed`). `counted`: the statement reads
    every match rather than a page in a sort order (`is_open_recommendation`)."""
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
        conditions.append(is_open_recommendation(counted=counted))
    if ids is not None:
        conditions.append(_RECOMMENDATION.id.in_(list(ids)))
    return conditions


def recommendation_count(session: Reader, conditions: Sequence[Condition]) -> int:
    """How many recommendations meet the conditions."""
    return count_where(session, tables.recommendation, conditions)


def _recommendation_join(sort: str) -> Join:
    """Recommendations with their review and lead agency, joined for `sort`'s order."""
    of_review = _REVIEW_OF.c.id == _RECOMMENDATION.review_id
    if sort == "review":
        # By review title: the reviews in title order from their title index, each title's
        # recommendations then sorted by number (and id) alone, so a page reads a page's
        # worth of titles. Joined the other way round, SQLite's own choice, every page
        # sorted all 52,000 recommendations of 100,000 referrals (50-250 ms).
        joined = read_first(_REVIEW_OF, tables.recommendation, of_review)
    else:
        joined = tables.recommendation.join(_REVIEW_OF, of_review)
    return joined.join(_LEAD, _LEAD.c.id == _RECOMMENDATION.lead_agency_id)


def recommendation_page(
    session: Session | Connection,
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
        .select_from(_recommendation_join(sort))
        .where(*conditions)
    )
    parts = RECOMMENDATION_SORTS[sort]
    page = keyset_page(statement, parts, descending=descending, after=after, limit=limit)
    return session.execute(page).all()


# --- Meetings ---------------------------------------------------------------------------------

_MEETING = tables.meeting.c
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


def meeting_count(session: Session | Connection, conditions: Sequence[Condition]) -> int:
    """How many meetings meet the conditions."""
    return count_where(session, tables.meeting, conditions)


def meeting_page(
    session: Session | Connection,
    conditions: Sequence[Condition],
    *,
    descending: bool,
    after: Sequence[object] | None,
    limit: int,
) -> Sequence[Row[Any]]:
    """One page of meeting rows by date: id, date, quorate, attendee_count, referral_count."""
    attendees = tables.meeting_attendee.c
    considered = tables.meeting_referral.c
    attendee_count = (
        select(func.count())
        .select_from(tables.meeting_attendee)
        .where(attendees.meeting_id == _MEETING.id)
        .scalar_subquery()
    )
    referral_count = (
        select(func.count())
        .select_from(tables.meeting_referral)
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
    page = keyset_page(statement, _MEETING_SORT, descending=descending, after=after, limit=limit)
    return session.execute(page).all()


# --- Audit trail ------------------------------------------------------------------------------

_AUDIT = tables.audit_event.c
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


def audit_count(session: Session | Connection, conditions: Sequence[Condition]) -> int:
    """How many audit events meet the conditions."""
    return count_where(session, tables.audit_event, conditions)


def audit_page(
    session: Session | Connection,
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
    page = keyset_page(statement, _AUDIT_SORT, descending=True, after=after, limit=limit)
    return session.execute(page).all()
