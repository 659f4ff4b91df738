"""Whole documents: every record at once (export, import, demo)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, Table, select

from crag_desktop.domain.records import (
    Document,
)
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
from crag_desktop.storage.repositories.report_texts import (
    load_report_texts,
    report_text_key,
    report_text_rows,
)
from crag_desktop.storage.repositories.reviews import load_reviews, review_rows
from crag_desktop.storage.repositories.rows import (
    ACTION,
    AGENCY,
    LEARNING_EVENT,
    LEARNING_POINT,
    MEETING,
    MEMBER,
    RECOMMENDATION,
    REFERRAL,
    REPORT_TEXT,
    REVIEW,
    Rows,
    Work,
    insert_all,
    next_position,
    references_checked,
)


def load_document(session: Work) -> Document:
    """Every record in the database, in the order it was added."""
    return Document(
        agencies=tuple(load_agencies(session)),
        members=tuple(load_members(session)),
        learning_points=tuple(load_learning_points(session)),
        referrals=tuple(load_referrals(session)),
        reviews=tuple(load_reviews(session)),
        recommendations=tuple(load_recommendations(session)),
        meetings=tuple(load_meetings(session)),
        learning_events=tuple(load_learning_events(session)),
        report_texts=tuple(load_report_texts(session)),
    )


def load_chosen(
    session: Work,
    *,
    referrals: Select[tuple[str]],
    reviews: Select[tuple[str]],
    recommendations: Select[tuple[str]],
    report_texts_year: int,
) -> Document:
    """The referrals, reviews and recommendations whose ids the SELECTs give, with one
    year's report texts and every agency, member and learning point, in the order they
    were added: the part of the database a report counts (meetings and events left out).

    The records come without the parts no report figure counts: referrals without their
    abuse categories, clock pauses and decision attendees and invitees, reviews without
    their clock pauses, recommendations without their actions and updates. At 20,000
    referrals those are most of the rows a year's report read, and most of the time reading
    it (benchmarks: annual report); tests/services/test_annual_report_reading.py holds every
    report and figure to those of the whole database."""
    return Document(
        agencies=tuple(load_agencies(session)),
        members=tuple(load_members(session)),
        learning_points=tuple(load_learning_points(session)),
        referrals=tuple(load_referrals(session, referrals, every_part=False)),
        reviews=tuple(load_reviews(session, reviews, every_part=False)),
        recommendations=tuple(load_recommendations(session, recommendations, every_part=False)),
        report_texts=tuple(load_report_texts(session, year=report_texts_year)),
    )


def add_document(session: Work, document: Document) -> None:
    """Add every record of `document` (after those already there), one insert per table.

    Raises ValidationFailed when an id is already taken or a record names a missing one;
    the caller's unit of work then rolls everything back.
    """
    rows: Rows = defaultdict(list)
    builders: list[tuple[Table, Sequence[Any], Callable[[Rows, Any, int], None]]] = [
        (AGENCY, document.agencies, agency_rows),
        (MEMBER, document.members, member_rows),
        (LEARNING_POINT, document.learning_points, learning_point_rows),
        (REFERRAL, document.referrals, referral_rows),
        (REVIEW, document.reviews, review_rows),
        (RECOMMENDATION, document.recommendations, recommendation_rows),
        (MEETING, document.meetings, meeting_rows),
        (LEARNING_EVENT, document.learning_events, learning_event_rows),
        (REPORT_TEXT, document.report_texts, report_text_rows),
    ]
    for table, records, build in builders:
        if not records:
            continue
        start = next_position(session, table)
        for i, record in enumerate(records):
            build(rows, record, start + i)
    with references_checked(
        "The document",
        "$",
        "an id is already in the database or repeated, or a record refers to one that is not there",
    ):
        insert_all(session, rows)


def existing_ids(session: Work) -> dict[str, set[str]]:
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
