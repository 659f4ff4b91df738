"""Meetings with their attendees, apologies and the referrals considered."""

from __future__ import annotations

from collections.abc import Sequence

from crag_desktop.domain.records import (
    Meeting,
)
from crag_desktop.storage.repositories.rows import (
    MEETING,
    MEETING_APOLOGY,
    MEETING_ATTENDEE,
    MEETING_REFERRAL,
    Rows,
    Work,
    grouped,
    links,
    main_rows,
)


def meeting_rows(rows: Rows, meeting: Meeting, position: int) -> None:
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
    links(rows, MEETING_ATTENDEE, owner, meeting.attendees)
    links(rows, MEETING_APOLOGY, owner, meeting.apologies)
    links(rows, MEETING_REFERRAL, owner, meeting.referrals_considered)


def load_meetings(session: Work, ids: Sequence[str] | None = None) -> list[Meeting]:
    main = main_rows(session, MEETING, ids)
    if not main:
        return []
    attendees = grouped(session, MEETING_ATTENDEE, "meeting_id", ids)
    apologies = grouped(session, MEETING_APOLOGY, "meeting_id", ids)
    considered = grouped(session, MEETING_REFERRAL, "meeting_id", ids)
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
