"""Lookups by id, reference and relation: what a form, a check or a return asks of the
database beside the lists (does a record exist, what refers to it, a review's titles, a
meeting's updates, an agency's open actions)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    cast,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from crag_desktop.storage.models import (
    ActionUpdateRow,
    AgencyActionRow,
    AgencyRow,
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
    ReferralRow,
    ReviewLearningPointRow,
    ReviewRow,
)

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

_REFERRAL = ReferralRow.__table__.c
_REVIEW = ReviewRow.__table__.c
_MEETING = MeetingRow.__table__.c
_RECOMMENDATION = RecommendationRow.__table__.c
_REVIEW_OF = ReviewRow.__table__.alias("rec_review")


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


def review_titles(session: Session, ids: Collection[str] | None = None) -> Sequence[Row[Any]]:
    """Every review's id and title (or those of `ids`), by title."""
    statement: Select[Any] = select(_REVIEW.id, _REVIEW.title).order_by(_REVIEW.title, _REVIEW.id)
    if ids is not None:
        statement = statement.where(_REVIEW.id.in_(sorted(ids)))
    return session.execute(statement).all()


def learning_point_usage(session: Session) -> dict[str, int]:
    """How many reviews carry each learning point (points no review carries are absent)."""
    link = ReviewLearningPointRow.__table__
    # A review lists a point at most once (validation refuses one listed twice), so its rows
    # count the reviews, and the index on the point alone answers: counting distinct reviews
    # read every row of the table (0.1 s at 100,000 referrals, the Learning screen's load).
    statement: Select[Any] = select(link.c.learning_point_id, func.count()).group_by(
        link.c.learning_point_id
    )
    return {str(key): int(count) for key, count in session.execute(statement).all()}


def learning_point_reviews(session: Session, point: str | None = None) -> dict[str, list[str]]:
    """The titles of the reviews carrying each learning point (or only `point`), by point id,
    in title order."""
    link = ReviewLearningPointRow.__table__.c
    review = ReviewRow.__table__.c
    chosen = (
        select(link.learning_point_id, review.id, review.title)
        .select_from(ReviewLearningPointRow.__table__.join(ReviewRow.__table__))
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


def record_labels(session: Session, keys: Iterable[tuple[str, str]]) -> list[Row[Any]]:
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

    referral = ReferralRow.__table__.c
    review = ReviewRow.__table__.c
    recommendation = RecommendationRow.__table__.c
    add("referral", referral.id, referral.reference, referral.case_name)
    add("review", review.id, review.title, literal(None))
    add(
        "recommendation",
        recommendation.id,
        review.title,
        recommendation.number,
        (ReviewRow.__table__, review.id == recommendation.review_id),
    )
    add("meeting", MeetingRow.__table__.c.id, MeetingRow.__table__.c.date, literal(None))
    add("agency", AgencyRow.__table__.c.id, AgencyRow.__table__.c.name, literal(None))
    add("member", MemberRow.__table__.c.id, MemberRow.__table__.c.name, literal(None))
    add(
        "learning_point",
        LearningPointRow.__table__.c.id,
        LearningPointRow.__table__.c.text,
        literal(None),
    )
    add(
        "learning_event",
        LearningEventRow.__table__.c.id,
        LearningEventRow.__table__.c.title,
        LearningEventRow.__table__.c.date,
    )
    if not selects:
        return []
    statement: Any = selects[0]
    if len(selects) > 1:
        statement = union_all(*selects)
    return list(session.execute(statement).all())


# --- Decisions --------------------------------------------------------------------------------

_DECISION = CriteriaDecisionRow.__table__.c
_DECIDED = CriteriaDecisionRow.__table__.join(
    ReferralRow.__table__, _REFERRAL.id == _DECISION.referral_id
)


def decisions_at_meeting(session: Session, meeting_id: str) -> Sequence[Row[Any]]:
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


def panel_decisions(session: Session, *, responses: Sequence[str] | None) -> Sequence[Row[Any]]:
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
