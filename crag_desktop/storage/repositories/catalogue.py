"""Agencies, members, the catalogue of learning points and learning events: rows to records
and back."""

from __future__ import annotations

from collections.abc import Sequence

from crag_desktop.domain.records import (
    Agency,
    LearningEvent,
    LearningPoint,
    Member,
)
from crag_desktop.domain.vocabulary import (
    AGENCY_KIND_BY_CODE,
)
from crag_desktop.storage.repositories.rows import (
    AGENCY,
    LEARNING_EVENT,
    LEARNING_EVENT_REVIEW,
    LEARNING_POINT,
    MEMBER,
    Rows,
    Work,
    grouped,
    links,
    main_rows,
)


def agency_rows(rows: Rows, agency: Agency, position: int) -> None:
    rows[AGENCY].append((agency.id, position, agency.name, agency.kind.value))


def member_rows(rows: Rows, member: Member, position: int) -> None:
    rows[MEMBER].append((member.id, position, member.name, member.agency, member.role))


def learning_point_rows(rows: Rows, point: LearningPoint, position: int) -> None:
    rows[LEARNING_POINT].append((point.id, position, point.text))


def learning_event_rows(rows: Rows, event: LearningEvent, position: int) -> None:
    rows[LEARNING_EVENT].append((event.id, position, event.date, event.title, event.attendance))
    links(rows, LEARNING_EVENT_REVIEW, event.id, event.reviews)


def load_agencies(session: Work, ids: Sequence[str] | None = None) -> list[Agency]:
    return [
        Agency(id=row["id"], name=row["name"], kind=AGENCY_KIND_BY_CODE[row["kind"]])
        for row in main_rows(session, AGENCY, ids)
    ]


def load_members(session: Work, ids: Sequence[str] | None = None) -> list[Member]:
    return [
        Member(id=row["id"], name=row["name"], agency=row["agency_id"], role=row["role"])
        for row in main_rows(session, MEMBER, ids)
    ]


def load_learning_points(session: Work, ids: Sequence[str] | None = None) -> list[LearningPoint]:
    return [
        LearningPoint(id=row["id"], text=row["text"])
        for row in main_rows(session, LEARNING_POINT, ids)
    ]


def load_learning_events(session: Work, ids: Sequence[str] | None = None) -> list[LearningEvent]:
    main = main_rows(session, LEARNING_EVENT, ids)
    if not main:
        return []
    reviews = grouped(session, LEARNING_EVENT_REVIEW, "learning_event_id", ids)
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
