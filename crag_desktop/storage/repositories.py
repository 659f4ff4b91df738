"""Reading and writing records: functions that take a Session and speak domain dataclasses.

ORM rows never leave this module. Writes use Core statements on the mapped tables (one
`executemany` per table) because a whole document is imported at once and a record with
its parts is replaced at once. Foreign keys are enforced: a record that names a missing
one, or a deletion of a record still named elsewhere, raises `ValidationFailed`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, RowMapping, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crag_desktop.domain.criteria import notification_owed_for
from crag_desktop.domain.errors import FieldError, RecordNotFound, ValidationFailed
from crag_desktop.domain.records import (
    ActionUpdate,
    Agency,
    AgencyAction,
    Child,
    ClockPause,
    CriteriaDecision,
    Document,
    FamilyContribution,
    InvitedAttendee,
    LearningEvent,
    LearningPoint,
    LearningSummary,
    Meeting,
    Member,
    PanelLoop,
    ParallelProcess,
    Recommendation,
    Referral,
    ReportText,
    Review,
)
from crag_desktop.domain.vocabulary import (
    AbuseCategory,
    AgencyKind,
    AlternativeReviewType,
    DecidedOutcome,
    IncidentType,
    LegalStatus,
    Methodology,
    MonitoringGroup,
    PanelResponse,
    ParallelProcessStatus,
    ParallelProcessType,
    RecommendationScope,
    RecommendationStatus,
    ReferralStatus,
    ReportSection,
    ReviewStatus,
    ReviewType,
    Sex,
    Theme,
    by_code,
)
from crag_desktop.storage import models as m
from crag_desktop.storage.bulk import insert_rows, row_dict

__all__ = [
    "DOCUMENT_LISTS",
    "StoredDraft",
    "add_document",
    "delete_agency",
    "delete_draft",
    "delete_learning_event",
    "delete_learning_point",
    "delete_meeting",
    "delete_member",
    "delete_recommendation",
    "delete_referral",
    "delete_report_text",
    "delete_review",
    "existing_ids",
    "get_agency",
    "get_draft",
    "get_learning_event",
    "get_learning_point",
    "get_meeting",
    "get_member",
    "get_recommendation",
    "get_referral",
    "get_report_text",
    "get_review",
    "list_agencies",
    "list_drafts",
    "list_learning_events",
    "list_learning_points",
    "list_meetings",
    "list_members",
    "list_recommendations",
    "list_referrals",
    "list_referrals_received",
    "list_report_texts",
    "list_reviews",
    "load_document",
    "recommendations_with_ids",
    "report_text_key",
    "save_agency",
    "save_draft",
    "save_learning_event",
    "save_learning_point",
    "save_meeting",
    "save_member",
    "save_recommendation",
    "save_referral",
    "save_report_text",
    "save_review",
]

#: The document's lists, in the order of the interchange format.
DOCUMENT_LISTS = (
    "agencies",
    "members",
    "learning_points",
    "referrals",
    "reviews",
    "recommendations",
    "meetings",
    "learning_events",
    "report_texts",
)

_T = TypeVar("_T")
#: A row to insert: its table's columns in their declared order (see "Records to rows").
_Row = tuple[Any, ...]
_Rows = dict[Table, list[_Row]]


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


# --- Errors -----------------------------------------------------------------------------------


@contextmanager
def _references_checked(what: str, path: str, message: str) -> Iterator[None]:
    """Turn a foreign key or duplicate key refusal into a message for the secretariat."""
    try:
        yield
    except IntegrityError as error:
        # hide_parameters keeps the bound values (children's details) out of `error`.
        raise ValidationFailed([FieldError(path, message)], what) from error


def _insert_rows(session: Session, rows: _Rows) -> None:
    # Parents before children, whatever order the rows were gathered in.
    for table in m.metadata.sorted_tables:
        batch = rows.get(table)
        if batch:
            insert_rows(session, table, batch)


# --- Records to rows --------------------------------------------------------------------------
# Each row is a tuple of its table's columns in their declared order (models.py), which is
# what `insert_rows` takes: an import builds a quarter of a million of them, and a dict per
# row, taken apart again column by column, cost a fifth of the whole import.


def _child_row(owner: str, position: int, child: Child) -> _Row:
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


def _pause_row(owner: str, position: int, pause: ClockPause) -> _Row:
    return (owner, position, pause.clock, pause.paused_on, pause.resumed_on, pause.reason)


def _links(rows: _Rows, table: Table, owner: str, values: Iterable[str]) -> None:
    """Rows of a link table: (owner, position, value)."""
    rows[table].extend((owner, i, value) for i, value in enumerate(values))


def _agency_rows(rows: _Rows, agency: Agency, position: int) -> None:
    rows[AGENCY].append((agency.id, position, agency.name, agency.kind.value))


def _member_rows(rows: _Rows, member: Member, position: int) -> None:
    rows[MEMBER].append((member.id, position, member.name, member.agency, member.role))


def _learning_point_rows(rows: _Rows, point: LearningPoint, position: int) -> None:
    rows[LEARNING_POINT].append((point.id, position, point.text))


def _referral_rows(rows: _Rows, referral: Referral, position: int) -> None:
    owner = referral.id
    rows[REFERRAL].append(
        (
            owner,
            position,
            referral.reference,
            referral.received,
            referral.referring_agency,
            referral.case_name,
            referral.incident_date,
            referral.incident_type.value,
            referral.summary,
            referral.status.value,
            referral.learned_on,
            referral.notified_on,
            referral.notification_reference,
            # Every write of a referral (a form, the wizard, an import, the demo) passes here,
            # so the stored fact cannot fall behind the answers it comes from.
            notification_owed_for(referral.decision).value,
        )
    )
    rows[REFERRAL_CHILD].extend(
        _child_row(owner, i, child) for i, child in enumerate(referral.children)
    )
    _links(rows, REFERRAL_ABUSE, owner, (c.value for c in referral.abuse_categories))
    rows[REFERRAL_PAUSE].extend(
        _pause_row(owner, i, pause) for i, pause in enumerate(referral.clock_pauses)
    )
    decision = referral.decision
    if decision is None:
        return
    panel = decision.panel
    alternative = decision.alternative_review_type
    rows[DECISION].append(
        (
            owner,
            decision.rule_set,
            decision.rule_set_version,
            json.dumps(dict(decision.answers), ensure_ascii=False),
            json.dumps(dict(decision.evidence), ensure_ascii=False),
            decision.rules_outcome,
            decision.decided_outcome.value,
            None if alternative is None else alternative.value,
            decision.reason_if_different,
            decision.rationale,
            decision.decided_on,
            decision.meeting,
            panel.sent_on,
            panel.response.value,
            panel.responded_on,
            panel.board_reply,
        )
    )
    _links(rows, DECISION_ATTENDEE, owner, decision.attendees)
    rows[DECISION_INVITED].extend(
        (owner, i, person.name, person.role) for i, person in enumerate(decision.invited)
    )


def _review_rows(rows: _Rows, review: Review, position: int) -> None:
    owner = review.id
    summary = review.learning_summary
    rows[REVIEW].append(
        (
            owner,
            position,
            review.referral,
            review.title,
            review.type.value,
            review.methodology.value,
            review.status.value,
            review.lead_reviewer,
            review.commissioned_on,
            review.tor_agreed_on,
            review.draft_on,
            review.signed_off_on,
            review.published_on,
            review.cost_gbp,
            None if summary is None else summary.link,
            None if summary is None else summary.published_on,
        )
    )
    rows[REVIEW_CHILD].extend(
        _child_row(owner, i, child) for i, child in enumerate(review.children)
    )
    _links(rows, REVIEW_THEME, owner, (theme.value for theme in review.themes))
    rows[PARALLEL].extend(
        (
            owner,
            i,
            process.type.value,
            process.status.value,
            process.started_on,
            process.concluded_on,
            process.notes,
        )
        for i, process in enumerate(review.parallel_processes)
    )
    rows[FAMILY].extend(
        (
            owner,
            i,
            contribution.who,
            contribution.facilitated_by,
            contribution.on,
            contribution.saw_report_before_publication,
        )
        for i, contribution in enumerate(review.family_contributions)
    )
    _links(rows, REVIEW_LP, owner, review.learning_points)
    rows[REVIEW_PAUSE].extend(
        _pause_row(owner, i, pause) for i, pause in enumerate(review.clock_pauses)
    )


def _recommendation_rows(rows: _Rows, recommendation: Recommendation, position: int) -> None:
    owner = recommendation.id
    rows[RECOMMENDATION].append(
        (
            owner,
            position,
            recommendation.review,
            recommendation.number,
            recommendation.text,
            recommendation.scope.value,
            recommendation.lead_agency,
            recommendation.monitoring_group.value,
            recommendation.due,
            recommendation.status.value,
            recommendation.reason_not_implemented,
            recommendation.evidence_of_impact,
            recommendation.completed_on,
            recommendation.completed_by,
            recommendation.verified_on,
            recommendation.verified_by,
            recommendation.impact_evidenced_on,
            recommendation.impact_evidenced_by,
        )
    )
    for i, action in enumerate(recommendation.actions):
        rows[ACTION].append(
            (
                owner,
                action.id,
                i,
                action.owner_agency,
                action.description,
                action.due,
                action.monitoring_group.value,
            )
        )
        rows[ACTION_UPDATE].extend(
            (
                owner,
                action.id,
                j,
                entry.on,
                entry.status.value,
                entry.note,
                entry.by,
                entry.meeting,
            )
            for j, entry in enumerate(action.updates)
        )


def _meeting_rows(rows: _Rows, meeting: Meeting, position: int) -> None:
    owner = meeting.id
    rows[MEETING].append(
        (
            owner,
            position,
            meeting.date,
            meeting.notes,
            meeting.agenda,
            meeting.quorate,
            meeting.declarations_of_interest,
        )
    )
    _links(rows, MEETING_ATTENDEE, owner, meeting.attendees)
    _links(rows, MEETING_APOLOGY, owner, meeting.apologies)
    _links(rows, MEETING_REFERRAL, owner, meeting.referrals_considered)


def _learning_event_rows(rows: _Rows, event: LearningEvent, position: int) -> None:
    rows[LEARNING_EVENT].append((event.id, position, event.date, event.title, event.attendance))
    _links(rows, LEARNING_EVENT_REVIEW, event.id, event.reviews)


def _report_text_rows(rows: _Rows, report_text: ReportText, position: int) -> None:
    rows[REPORT_TEXT].append(
        (report_text.year, report_text.section.value, position, report_text.text)
    )


# --- Rows to records --------------------------------------------------------------------------
# Codes are looked up in dicts (`by_code`) rather than by calling each enum: an export reads
# a code for every choice of every record.

_ABUSE_CATEGORY = by_code(AbuseCategory)
_AGENCY_KIND = by_code(AgencyKind)
_ALTERNATIVE_REVIEW_TYPE = by_code(AlternativeReviewType)
_DECIDED_OUTCOME = by_code(DecidedOutcome)
_INCIDENT_TYPE = by_code(IncidentType)
_LEGAL_STATUS = by_code(LegalStatus)
_METHODOLOGY = by_code(Methodology)
_MONITORING_GROUP = by_code(MonitoringGroup)
_PANEL_RESPONSE = by_code(PanelResponse)
_PARALLEL_PROCESS_STATUS = by_code(ParallelProcessStatus)
_PARALLEL_PROCESS_TYPE = by_code(ParallelProcessType)
_RECOMMENDATION_SCOPE = by_code(RecommendationScope)
_RECOMMENDATION_STATUS = by_code(RecommendationStatus)
_REFERRAL_STATUS = by_code(ReferralStatus)
_REPORT_SECTION = by_code(ReportSection)
_REVIEW_STATUS = by_code(ReviewStatus)
_REVIEW_TYPE = by_code(ReviewType)
_SEX = by_code(Sex)
_THEME = by_code(Theme)


def _grouped(
    session: Session, table: Table, owner: str, ids: Sequence[str] | None
) -> dict[str, list[RowMapping]]:
    """Rows of a part table by owner id, in their stored order."""
    owner_column = table.c[owner]
    statement = select(table).order_by(owner_column, table.c.position)
    if ids is not None:
        statement = statement.where(owner_column.in_(ids))
    groups: dict[str, list[RowMapping]] = defaultdict(list)
    # .all(): one fetchall from the driver instead of a fetchone per row.
    for row in session.execute(statement).mappings().all():
        groups[row[owner]].append(row)
    return groups


def _main_rows(
    session: Session, table: Table, ids: Sequence[str] | None, *extra: ColumnElement[bool]
) -> Sequence[RowMapping]:
    statement = select(table).order_by(table.c.position)
    if ids is not None:
        statement = statement.where(table.c.id.in_(ids))
    for condition in extra:
        statement = statement.where(condition)
    return session.execute(statement).mappings().all()


def _child(row: RowMapping) -> Child:
    return Child(
        pseudonym=row["pseudonym"],
        sex=_SEX[row["sex"]],
        age_years=row["age_years"],
        age_months=row["age_months"],
        disability_or_sen=bool(row["disability_or_sen"]),
        legal_status=_LEGAL_STATUS[row["legal_status"]],
        ethnicity=row["ethnicity"],
    )


def _pause(row: RowMapping) -> ClockPause:
    return ClockPause(
        clock=row["clock"],
        paused_on=row["paused_on"],
        resumed_on=row["resumed_on"],
        reason=row["reason"],
    )


def _load_agencies(session: Session, ids: Sequence[str] | None = None) -> list[Agency]:
    return [
        Agency(id=row["id"], name=row["name"], kind=_AGENCY_KIND[row["kind"]])
        for row in _main_rows(session, AGENCY, ids)
    ]


def _load_members(session: Session, ids: Sequence[str] | None = None) -> list[Member]:
    return [
        Member(id=row["id"], name=row["name"], agency=row["agency_id"], role=row["role"])
        for row in _main_rows(session, MEMBER, ids)
    ]


def _load_learning_points(
    session: Session, ids: Sequence[str] | None = None
) -> list[LearningPoint]:
    return [
        LearningPoint(id=row["id"], text=row["text"])
        for row in _main_rows(session, LEARNING_POINT, ids)
    ]


def _decision(
    row: RowMapping, attendees: list[RowMapping], invited: list[RowMapping]
) -> CriteriaDecision:
    alternative = row["alternative_review_type"]
    return CriteriaDecision(
        rule_set=row["rule_set"],
        rule_set_version=row["rule_set_version"],
        answers=json.loads(row["answers"]),
        rules_outcome=row["rules_outcome"],
        decided_outcome=_DECIDED_OUTCOME[row["decided_outcome"]],
        alternative_review_type=None
        if alternative is None
        else _ALTERNATIVE_REVIEW_TYPE[alternative],
        reason_if_different=row["reason_if_different"],
        rationale=row["rationale"],
        decided_on=row["decided_on"],
        meeting=row["meeting_id"],
        panel=PanelLoop(
            sent_on=row["panel_sent_on"],
            response=_PANEL_RESPONSE[row["panel_response"]],
            responded_on=row["panel_responded_on"],
            board_reply=row["panel_board_reply"],
        ),
        evidence=json.loads(row["evidence"]),
        attendees=tuple(a["member_id"] for a in attendees),
        invited=tuple(InvitedAttendee(name=i["name"], role=i["role"]) for i in invited),
    )


def _load_referrals(session: Session, ids: Sequence[str] | None = None) -> list[Referral]:
    main = _main_rows(session, REFERRAL, ids)
    if not main:
        return []
    children = _grouped(session, REFERRAL_CHILD, "referral_id", ids)
    abuse = _grouped(session, REFERRAL_ABUSE, "referral_id", ids)
    pauses = _grouped(session, REFERRAL_PAUSE, "referral_id", ids)
    attendees = _grouped(session, DECISION_ATTENDEE, "referral_id", ids)
    invited = _grouped(session, DECISION_INVITED, "referral_id", ids)
    decision_query = select(DECISION)
    if ids is not None:
        decision_query = decision_query.where(DECISION.c.referral_id.in_(ids))
    decisions = {
        row["referral_id"]: _decision(
            row, attendees.get(row["referral_id"], []), invited.get(row["referral_id"], [])
        )
        for row in session.execute(decision_query).mappings().all()
    }
    return [
        Referral(
            id=row["id"],
            reference=row["reference"],
            received=row["received"],
            referring_agency=row["referring_agency_id"],
            case_name=row["case_name"],
            incident_date=row["incident_date"],
            incident_type=_INCIDENT_TYPE[row["incident_type"]],
            children=tuple(_child(c) for c in children.get(row["id"], [])),
            summary=row["summary"],
            decision=decisions.get(row["id"]),
            status=_REFERRAL_STATUS[row["status"]],
            abuse_categories=tuple(
                _ABUSE_CATEGORY[a["category"]] for a in abuse.get(row["id"], [])
            ),
            learned_on=row["learned_on"],
            notified_on=row["notified_on"],
            notification_reference=row["notification_reference"],
            clock_pauses=tuple(_pause(p) for p in pauses.get(row["id"], [])),
        )
        for row in main
    ]


def _load_reviews(session: Session, ids: Sequence[str] | None = None) -> list[Review]:
    main = _main_rows(session, REVIEW, ids)
    if not main:
        return []
    children = _grouped(session, REVIEW_CHILD, "review_id", ids)
    themes = _grouped(session, REVIEW_THEME, "review_id", ids)
    processes = _grouped(session, PARALLEL, "review_id", ids)
    family = _grouped(session, FAMILY, "review_id", ids)
    points = _grouped(session, REVIEW_LP, "review_id", ids)
    pauses = _grouped(session, REVIEW_PAUSE, "review_id", ids)
    reviews = []
    for row in main:
        key = row["id"]
        link = row["learning_summary_link"]
        reviews.append(
            Review(
                id=key,
                referral=row["referral_id"],
                title=row["title"],
                type=_REVIEW_TYPE[row["type"]],
                methodology=_METHODOLOGY[row["methodology"]],
                status=_REVIEW_STATUS[row["status"]],
                lead_reviewer=row["lead_reviewer"],
                commissioned_on=row["commissioned_on"],
                tor_agreed_on=row["tor_agreed_on"],
                signed_off_on=row["signed_off_on"],
                published_on=row["published_on"],
                cost_gbp=row["cost_gbp"],
                children=tuple(_child(c) for c in children.get(key, [])),
                themes=tuple(_THEME[t["theme"]] for t in themes.get(key, [])),
                parallel_processes=tuple(
                    ParallelProcess(
                        type=_PARALLEL_PROCESS_TYPE[p["type"]],
                        status=_PARALLEL_PROCESS_STATUS[p["status"]],
                        started_on=p["started_on"],
                        concluded_on=p["concluded_on"],
                        notes=p["notes"],
                    )
                    for p in processes.get(key, [])
                ),
                family_contributions=tuple(
                    FamilyContribution(
                        who=f["who"],
                        facilitated_by=f["facilitated_by"],
                        on=f["on"],
                        saw_report_before_publication=bool(f["saw_report_before_publication"]),
                    )
                    for f in family.get(key, [])
                ),
                learning_points=tuple(p["learning_point_id"] for p in points.get(key, [])),
                learning_summary=(
                    None
                    if link is None
                    else LearningSummary(
                        published_on=row["learning_summary_published_on"], link=link
                    )
                ),
                draft_on=row["draft_on"],
                clock_pauses=tuple(_pause(p) for p in pauses.get(key, [])),
            )
        )
    return reviews


def _load_recommendations(
    session: Session, ids: Sequence[str] | None = None, *, review: str | None = None
) -> list[Recommendation]:
    extra = [] if review is None else [RECOMMENDATION.c.review_id == review]
    main = _main_rows(session, RECOMMENDATION, ids, *extra)
    if not main:
        return []
    owners = [row["id"] for row in main] if (ids is not None or review is not None) else None
    actions = _grouped(session, ACTION, "recommendation_id", owners)
    update_query = select(ACTION_UPDATE).order_by(
        ACTION_UPDATE.c.recommendation_id, ACTION_UPDATE.c.action_id, ACTION_UPDATE.c.position
    )
    if owners is not None:
        update_query = update_query.where(ACTION_UPDATE.c.recommendation_id.in_(owners))
    updates: dict[tuple[str, str], list[ActionUpdate]] = defaultdict(list)
    for u in session.execute(update_query).mappings().all():
        updates[(u["recommendation_id"], u["action_id"])].append(
            ActionUpdate(
                on=u["on"],
                status=_RECOMMENDATION_STATUS[u["status"]],
                note=u["note"],
                by=u["by_member_id"],
                meeting=u["meeting_id"],
            )
        )
    return [
        Recommendation(
            id=row["id"],
            review=row["review_id"],
            number=row["number"],
            text=row["text"],
            scope=_RECOMMENDATION_SCOPE[row["scope"]],
            lead_agency=row["lead_agency_id"],
            monitoring_group=_MONITORING_GROUP[row["monitoring_group"]],
            due=row["due"],
            status=_RECOMMENDATION_STATUS[row["status"]],
            reason_not_implemented=row["reason_not_implemented"],
            evidence_of_impact=row["evidence_of_impact"],
            completed_on=row["completed_on"],
            completed_by=row["completed_by"],
            verified_on=row["verified_on"],
            verified_by=row["verified_by"],
            impact_evidenced_on=row["impact_evidenced_on"],
            impact_evidenced_by=row["impact_evidenced_by"],
            actions=tuple(
                AgencyAction(
                    id=a["id"],
                    owner_agency=a["owner_agency_id"],
                    description=a["description"],
                    due=a["due"],
                    monitoring_group=_MONITORING_GROUP[a["monitoring_group"]],
                    updates=tuple(updates.get((row["id"], a["id"]), [])),
                )
                for a in actions.get(row["id"], [])
            ),
        )
        for row in main
    ]


def _load_meetings(session: Session, ids: Sequence[str] | None = None) -> list[Meeting]:
    main = _main_rows(session, MEETING, ids)
    if not main:
        return []
    attendees = _grouped(session, MEETING_ATTENDEE, "meeting_id", ids)
    apologies = _grouped(session, MEETING_APOLOGY, "meeting_id", ids)
    considered = _grouped(session, MEETING_REFERRAL, "meeting_id", ids)
    return [
        Meeting(
            id=row["id"],
            date=row["date"],
            attendees=tuple(a["member_id"] for a in attendees.get(row["id"], [])),
            referrals_considered=tuple(r["referral_id"] for r in considered.get(row["id"], [])),
            notes=row["notes"],
            agenda=row["agenda"],
            apologies=tuple(a["member_id"] for a in apologies.get(row["id"], [])),
            quorate=None if row["quorate"] is None else bool(row["quorate"]),
            declarations_of_interest=row["declarations_of_interest"],
        )
        for row in main
    ]


def _load_learning_events(
    session: Session, ids: Sequence[str] | None = None
) -> list[LearningEvent]:
    main = _main_rows(session, LEARNING_EVENT, ids)
    if not main:
        return []
    reviews = _grouped(session, LEARNING_EVENT_REVIEW, "learning_event_id", ids)
    return [
        LearningEvent(
            id=row["id"],
            date=row["date"],
            title=row["title"],
            reviews=tuple(r["review_id"] for r in reviews.get(row["id"], [])),
            attendance=row["attendance"],
        )
        for row in main
    ]


def _load_report_texts(
    session: Session, *, year: int | None = None, section: str | None = None
) -> list[ReportText]:
    statement = select(REPORT_TEXT).order_by(REPORT_TEXT.c.position)
    if year is not None:
        statement = statement.where(REPORT_TEXT.c.year == year)
    if section is not None:
        statement = statement.where(REPORT_TEXT.c.section == section)
    return [
        ReportText(year=row["year"], section=_REPORT_SECTION[row["section"]], text=row["text"])
        for row in session.execute(statement).mappings()
    ]


# --- Whole documents --------------------------------------------------------------------------


def load_document(session: Session) -> Document:
    """Every record in the database, in the order it was added."""
    return Document(
        agencies=tuple(_load_agencies(session)),
        members=tuple(_load_members(session)),
        learning_points=tuple(_load_learning_points(session)),
        referrals=tuple(_load_referrals(session)),
        reviews=tuple(_load_reviews(session)),
        recommendations=tuple(_load_recommendations(session)),
        meetings=tuple(_load_meetings(session)),
        learning_events=tuple(_load_learning_events(session)),
        report_texts=tuple(_load_report_texts(session)),
    )


def _next_position(session: Session, table: Table) -> int:
    highest = session.execute(select(func.max(table.c.position))).scalar()
    return 0 if highest is None else int(highest) + 1


def add_document(session: Session, document: Document) -> None:
    """Add every record of `document` (after those already there), one insert per table.

    Raises ValidationFailed when an id is already taken or a record names a missing one;
    the caller's unit of work then rolls everything back.
    """
    rows: _Rows = defaultdict(list)
    builders: list[tuple[Table, Sequence[Any], Callable[[_Rows, Any, int], None]]] = [
        (AGENCY, document.agencies, _agency_rows),
        (MEMBER, document.members, _member_rows),
        (LEARNING_POINT, document.learning_points, _learning_point_rows),
        (REFERRAL, document.referrals, _referral_rows),
        (REVIEW, document.reviews, _review_rows),
        (RECOMMENDATION, document.recommendations, _recommendation_rows),
        (MEETING, document.meetings, _meeting_rows),
        (LEARNING_EVENT, document.learning_events, _learning_event_rows),
        (REPORT_TEXT, document.report_texts, _report_text_rows),
    ]
    for table, records, build in builders:
        if not records:
            continue
        start = _next_position(session, table)
        for i, record in enumerate(records):
            build(rows, record, start + i)
    with _references_checked(
        "The document",
        "$",
        "an id is already in the database or repeated, or a record refers to one that is not there",
    ):
        _insert_rows(session, rows)


def existing_ids(session: Session) -> dict[str, set[str]]:
    """The ids already taken in each list of the document (report texts: "year/section")."""
    ids: dict[str, set[str]] = {}
    for name, table in (
        ("agencies", AGENCY),
        ("members", MEMBER),
        ("learning_points", LEARNING_POINT),
        ("referrals", REFERRAL),
        ("reviews", REVIEW),
        ("recommendations", RECOMMENDATION),
        ("meetings", MEETING),
        ("learning_events", LEARNING_EVENT),
    ):
        ids[name] = set(session.execute(select(table.c.id)).scalars())
    # Action ids are unique across a document (interchange.md), so an import must not bring
    # in one the database holds under another recommendation: the export would then repeat
    # it, and that export would not import.
    ids["actions"] = set(session.execute(select(ACTION.c.id)).scalars())
    ids["report_texts"] = {
        report_text_key(year, section)
        for year, section in session.execute(select(REPORT_TEXT.c.year, REPORT_TEXT.c.section))
    }
    return ids


def report_text_key(year: int, section: str) -> str:
    """The id of a report text in `existing_ids` and in audit events."""
    return f"{year}/{section}"


# --- One record at a time ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Kind:
    """How one kind of record is stored: its main table and the parts replaced with it."""

    name: str
    table: Table
    #: Part tables, each with the column naming the owner; children after their parents.
    parts: tuple[tuple[Table, str], ...]
    build: Callable[[_Rows, Any, int], None]


_AGENCY = _Kind("agency", AGENCY, (), _agency_rows)
_MEMBER = _Kind("member", MEMBER, (), _member_rows)
_LEARNING_POINT = _Kind("learning point", LEARNING_POINT, (), _learning_point_rows)
_REFERRAL = _Kind(
    "referral",
    REFERRAL,
    (
        (REFERRAL_CHILD, "referral_id"),
        (REFERRAL_ABUSE, "referral_id"),
        (REFERRAL_PAUSE, "referral_id"),
        (DECISION, "referral_id"),
        (DECISION_ATTENDEE, "referral_id"),
        (DECISION_INVITED, "referral_id"),
    ),
    _referral_rows,
)
_REVIEW = _Kind(
    "review",
    REVIEW,
    (
        (REVIEW_CHILD, "review_id"),
        (REVIEW_THEME, "review_id"),
        (PARALLEL, "review_id"),
        (FAMILY, "review_id"),
        (REVIEW_LP, "review_id"),
        (REVIEW_PAUSE, "review_id"),
    ),
    _review_rows,
)
_RECOMMENDATION = _Kind(
    "recommendation",
    RECOMMENDATION,
    ((ACTION, "recommendation_id"), (ACTION_UPDATE, "recommendation_id")),
    _recommendation_rows,
)
_MEETING = _Kind(
    "meeting",
    MEETING,
    (
        (MEETING_ATTENDEE, "meeting_id"),
        (MEETING_APOLOGY, "meeting_id"),
        (MEETING_REFERRAL, "meeting_id"),
    ),
    _meeting_rows,
)
_LEARNING_EVENT = _Kind(
    "learning event",
    LEARNING_EVENT,
    ((LEARNING_EVENT_REVIEW, "learning_event_id"),),
    _learning_event_rows,
)


def _one(records: list[_T], kind: str, key: str) -> _T:
    if not records:
        raise RecordNotFound(kind, key)
    return records[0]


def _save(session: Session, kind: _Kind, record: Any) -> bool:
    """Insert or replace one record with its parts; True if it was new."""
    key: str = record.id
    stored = session.execute(select(kind.table.c.position).where(kind.table.c.id == key)).scalar()
    is_new = stored is None
    position = _next_position(session, kind.table) if stored is None else int(stored)
    rows: _Rows = defaultdict(list)
    kind.build(rows, record, position)
    with _references_checked(
        f"The {kind.name} {key!r}", kind.name, "refers to a record that is not there"
    ):
        if is_new:
            _insert_rows(session, rows)
            return True
        # Parts are replaced wholesale: positions and removed items come out right.
        for table, owner in reversed(kind.parts):
            session.execute(delete(table).where(table.c[owner] == key))
        (main,) = rows.pop(kind.table)
        session.execute(
            update(kind.table).where(kind.table.c.id == key).values(row_dict(kind.table, main))
        )
        _insert_rows(session, rows)
    return False


def _delete(session: Session, kind: _Kind, key: str) -> None:
    found = session.execute(select(kind.table.c.id).where(kind.table.c.id == key)).scalar()
    if found is None:
        raise RecordNotFound(kind.name, key)
    # One statement: the parts go by ON DELETE CASCADE, and a refusal changes nothing.
    with _references_checked(
        f"The {kind.name} {key!r}",
        kind.name,
        "is still used by other records: change or delete those first",
    ):
        session.execute(delete(kind.table).where(kind.table.c.id == key))


def get_agency(session: Session, key: str) -> Agency:
    """The agency `key`; RecordNotFound if there is none."""
    return _one(_load_agencies(session, [key]), "agency", key)


def list_agencies(session: Session) -> list[Agency]:
    """Every agency, in the order added."""
    return _load_agencies(session)


def save_agency(session: Session, agency: Agency) -> bool:
    """Insert or replace an agency; True if it was new."""
    return _save(session, _AGENCY, agency)


def delete_agency(session: Session, key: str) -> None:
    """Delete an agency no record refers to."""
    _delete(session, _AGENCY, key)


def get_member(session: Session, key: str) -> Member:
    """The member `key`; RecordNotFound if there is none."""
    return _one(_load_members(session, [key]), "member", key)


def list_members(session: Session) -> list[Member]:
    """Every member, in the order added."""
    return _load_members(session)


def save_member(session: Session, member: Member) -> bool:
    """Insert or replace a member; True if it was new."""
    return _save(session, _MEMBER, member)


def delete_member(session: Session, key: str) -> None:
    """Delete a member no record refers to."""
    _delete(session, _MEMBER, key)


def get_learning_point(session: Session, key: str) -> LearningPoint:
    """The learning point `key`; RecordNotFound if there is none."""
    return _one(_load_learning_points(session, [key]), "learning point", key)


def list_learning_points(session: Session) -> list[LearningPoint]:
    """The catalogue of common learning points, in the order added."""
    return _load_learning_points(session)


def save_learning_point(session: Session, point: LearningPoint) -> bool:
    """Insert or replace a learning point; True if it was new."""
    return _save(session, _LEARNING_POINT, point)


def delete_learning_point(session: Session, key: str) -> None:
    """Delete a learning point no review refers to."""
    _delete(session, _LEARNING_POINT, key)


def get_referral(session: Session, key: str) -> Referral:
    """The referral `key` with its children, decision and clock pauses."""
    return _one(_load_referrals(session, [key]), "referral", key)


def list_referrals(session: Session) -> list[Referral]:
    """Every referral, in the order added."""
    return _load_referrals(session)


def list_referrals_received(session: Session, start: date, end: date) -> list[Referral]:
    """The referrals received from `start` to `end` (both inclusive), in the order received
    (then added): a year's register loads that year's referrals only."""
    ids = list(
        session.scalars(
            select(REFERRAL.c.id)
            .where(REFERRAL.c.received >= start, REFERRAL.c.received <= end)
            .order_by(REFERRAL.c.received, REFERRAL.c.position)
        )
    )
    order = {rid: i for i, rid in enumerate(ids)}
    # Loaded in slices: one IN list per slice stays well inside SQLite's bound-variable limit.
    found: list[Referral] = []
    for i in range(0, len(ids), 5000):
        found += _load_referrals(session, ids[i : i + 5000])
    return sorted(found, key=lambda r: order[r.id])


def save_referral(session: Session, referral: Referral) -> bool:
    """Insert or replace a referral with all its parts; True if it was new."""
    return _save(session, _REFERRAL, referral)


def delete_referral(session: Session, key: str) -> None:
    """Delete a referral (and its decision) that no review or meeting refers to."""
    _delete(session, _REFERRAL, key)


def get_review(session: Session, key: str) -> Review:
    """The review `key` with all its parts."""
    return _one(_load_reviews(session, [key]), "review", key)


def list_reviews(session: Session) -> list[Review]:
    """Every review, in the order added."""
    return _load_reviews(session)


def save_review(session: Session, review: Review) -> bool:
    """Insert or replace a review with all its parts; True if it was new."""
    return _save(session, _REVIEW, review)


def delete_review(session: Session, key: str) -> None:
    """Delete a review no recommendation or learning event refers to."""
    _delete(session, _REVIEW, key)


def get_recommendation(session: Session, key: str) -> Recommendation:
    """The recommendation `key` with its actions and their updates."""
    return _one(_load_recommendations(session, [key]), "recommendation", key)


def recommendations_with_ids(session: Session, ids: Sequence[str]) -> list[Recommendation]:
    """The recommendations among `ids` that exist, with their actions and updates."""
    return _load_recommendations(session, list(ids)) if ids else []


def list_recommendations(session: Session, *, review: str | None = None) -> list[Recommendation]:
    """Every recommendation (or one review's), in the order added."""
    return _load_recommendations(session, review=review)


def save_recommendation(session: Session, recommendation: Recommendation) -> bool:
    """Insert or replace a recommendation with its actions; True if it was new."""
    return _save(session, _RECOMMENDATION, recommendation)


def delete_recommendation(session: Session, key: str) -> None:
    """Delete a recommendation with its actions and updates."""
    _delete(session, _RECOMMENDATION, key)


def get_meeting(session: Session, key: str) -> Meeting:
    """The meeting `key`."""
    return _one(_load_meetings(session, [key]), "meeting", key)


def list_meetings(session: Session) -> list[Meeting]:
    """Every meeting, in the order added."""
    return _load_meetings(session)


def save_meeting(session: Session, meeting: Meeting) -> bool:
    """Insert or replace a meeting; True if it was new."""
    return _save(session, _MEETING, meeting)


def delete_meeting(session: Session, key: str) -> None:
    """Delete a meeting no decision refers to."""
    _delete(session, _MEETING, key)


def get_learning_event(session: Session, key: str) -> LearningEvent:
    """The learning event `key`."""
    return _one(_load_learning_events(session, [key]), "learning event", key)


def list_learning_events(session: Session) -> list[LearningEvent]:
    """Every learning event, in the order added."""
    return _load_learning_events(session)


def save_learning_event(session: Session, event: LearningEvent) -> bool:
    """Insert or replace a learning event; True if it was new."""
    return _save(session, _LEARNING_EVENT, event)


def delete_learning_event(session: Session, key: str) -> None:
    """Delete a learning event."""
    _delete(session, _LEARNING_EVENT, key)


def get_report_text(session: Session, year: int, section: str) -> ReportText:
    """The narrative for one section of one year's report; RecordNotFound if none."""
    return _one(
        _load_report_texts(session, year=year, section=section),
        "report text",
        report_text_key(year, section),
    )


def list_report_texts(session: Session, *, year: int | None = None) -> list[ReportText]:
    """Every report text (or one year's), in the order added."""
    return _load_report_texts(session, year=year)


def _report_text_where(year: int, section: str) -> ColumnElement[bool]:
    return (REPORT_TEXT.c.year == year) & (REPORT_TEXT.c.section == section)


def save_report_text(session: Session, report_text: ReportText) -> bool:
    """Insert or replace the text of one section of one year; True if it was new."""
    where = _report_text_where(report_text.year, report_text.section.value)
    position = session.execute(select(REPORT_TEXT.c.position).where(where)).scalar()
    if position is None:
        rows: _Rows = defaultdict(list)
        _report_text_rows(rows, report_text, _next_position(session, REPORT_TEXT))
        _insert_rows(session, rows)
        return True
    session.execute(update(REPORT_TEXT).where(where).values(text=report_text.text))
    return False


def delete_report_text(session: Session, year: int, section: str) -> None:
    """Delete the text of one section of one year."""
    where = _report_text_where(year, section)
    if session.execute(select(REPORT_TEXT.c.year).where(where)).first() is None:
        raise RecordNotFound("report text", report_text_key(year, section))
    session.execute(delete(REPORT_TEXT).where(where))


# --- Autosaved drafts -------------------------------------------------------------------------


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
