"""The record screens' use cases: get, save and delete one record, with its audit event.

Every save is checked by the domain's validation first (so a form shows each problem at its
field, "children[1].age_years"), then written in one unit of work together with one audit
event holding the field-by-field difference. Saving a record unchanged writes nothing.
A record other records still name is not deleted; the refusal says which records, so the
secretariat knows what to change first.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from crag_desktop.domain import validation
from crag_desktop.domain.errors import CragError, FieldError, RecordNotFound, ValidationFailed
from crag_desktop.domain.record_types import RecordType, record_key
from crag_desktop.domain.records import (
    ActionUpdate,
    Agency,
    LearningEvent,
    LearningPoint,
    Meeting,
    Member,
    Recommendation,
    Review,
)
from crag_desktop.domain.tracker import closure_problems, keep_update_history
from crag_desktop.domain.vocabulary import RecommendationStatus
from crag_desktop.domain.wording import long_date, one_line
from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database
from crag_desktop.storage import audit, repositories
from crag_desktop.storage.queries import lookups

__all__ = [
    "ID_PREFIXES",
    "Choice",
    "MeetingUpdateLine",
    "ProgressUpdate",
    "RecordInUseError",
    "RecordService",
    "reporting_year_of",
]

R = TypeVar("R")

#: The first letters of new ids, by record type ("R-3f9a2c" for a referral).
ID_PREFIXES: Mapping[str, str] = {
    RecordType.AGENCY: "AG",
    RecordType.MEMBER: "M",
    RecordType.LEARNING_POINT: "LP",
    RecordType.REFERRAL: "R",
    RecordType.REVIEW: "V",
    RecordType.RECOMMENDATION: "REC",
    RecordType.MEETING: "MT",
    RecordType.LEARNING_EVENT: "LE",
    "action": "A",
}

_REFERENCE_PREFIX = "CRAG"


class RecordInUseError(CragError):
    """A record was not deleted because other records still refer to it."""

    def __init__(self, label: str, record_type: str, key: str, uses: list[str]) -> None:
        super().__init__(
            f"{label} cannot be deleted: {_and(uses)}. Change or delete those records first."
        )
        self.record_type = record_type
        self.key = key
        self.uses = uses


@dataclass(frozen=True, slots=True)
class Choice:
    """An entry of a combo box: the record's id and what the secretariat reads."""

    id: str
    label: str


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


#: How a reference is said, singular and plural; {n} is the count.
_USE_PHRASES: Mapping[str, tuple[str, str]] = {
    "referral.referring_agency": (
        "{n} referral names it as referring agency",
        "{n} referrals name it as referring agency",
    ),
    "member.agency": ("{n} member belongs to it", "{n} members belong to it"),
    "recommendation.lead_agency": (
        "{n} recommendation names it as lead agency",
        "{n} recommendations name it as lead agency",
    ),
    "action.owner_agency": (
        "{n} action names it as owner",
        "{n} actions name it as owner",
    ),
    "meeting.attendees": (
        "{n} meeting lists them as attending",
        "{n} meetings list them as attending",
    ),
    "meeting.apologies": (
        "{n} meeting lists their apologies",
        "{n} meetings list their apologies",
    ),
    "decision.attendees": (
        "{n} decision lists them as present",
        "{n} decisions list them as present",
    ),
    "action_update.by": (
        "{n} progress update names them as its author",
        "{n} progress updates name them as their author",
    ),
    "review.learning_points": (
        "{n} review lists it as learning",
        "{n} reviews list it as learning",
    ),
    "review.referral": (
        "{n} review was commissioned from it",
        "{n} reviews were commissioned from it",
    ),
    "meeting.referrals_considered": (
        "{n} meeting considered it",
        "{n} meetings considered it",
    ),
    "recommendation.review": (
        "{n} recommendation belongs to it",
        "{n} recommendations belong to it",
    ),
    "learning_event.reviews": (
        "{n} learning event names it",
        "{n} learning events name it",
    ),
    "decision.meeting": (
        "{n} decision was made at it",
        "{n} decisions were made at it",
    ),
    "update.meeting": (
        "{n} recommendation had progress updates given at it",
        "{n} recommendations had progress updates given at it",
    ),
}


def _use_sentence(kind: str, count: int) -> str:
    singular, plural = _USE_PHRASES[kind]
    return (singular if count == 1 else plural).format(n=count)


#: How each kind of record is named in a sentence (a refusal to delete it names it so).
_LABELS: Mapping[RecordType, Callable[[Any], str]] = {
    RecordType.AGENCY: lambda r: r.name,
    RecordType.MEMBER: lambda r: r.name,
    RecordType.LEARNING_POINT: lambda r: f"The learning point “{one_line(r.text)}”",
    RecordType.REFERRAL: lambda r: f"Referral {r.reference} ({r.case_name})",
    RecordType.REVIEW: lambda r: f"The review “{r.title}”",
    RecordType.RECOMMENDATION: lambda r: f"Recommendation {r.number}",
    RecordType.MEETING: lambda r: f"The meeting of {long_date(r.date)}",
    RecordType.LEARNING_EVENT: lambda r: f"The learning event “{r.title}”",
    RecordType.REPORT_TEXT: lambda r: f"The {r.year} report's {r.section.label.lower()} text",
}


def _with_update(current: Recommendation, action_id: str, update: ActionUpdate) -> Recommendation:
    """`current` with `update` appended to its action `action_id`."""
    index = next((i for i, action in enumerate(current.actions) if action.id == action_id), None)
    if index is None:
        raise RecordNotFound("action", f"{current.id}/{action_id}")
    action = current.actions[index]
    actions = list(current.actions)
    actions[index] = dataclasses.replace(action, updates=(*action.updates, update))
    return dataclasses.replace(current, actions=tuple(actions))


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressUpdate:
    """One progress update to append to one action (an item ticked at a meeting, a row of
    an agency's return)."""

    recommendation_id: str
    action_id: str
    status: RecommendationStatus
    note: str
    #: How the item is named in messages: "Baby L 3, action 1", "Row 5 (Baby L R3 A1)".
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingUpdateLine:
    """A progress update given at a meeting, as the meeting's form lists it."""

    recommendation_id: str
    text: str


def reporting_year_of(day: date) -> int:
    """The reporting year (1 April to 31 March) a day falls in, by its first calendar year."""
    return day.year if day.month >= 4 else day.year - 1


class RecordService:
    """Get, save and delete records one at a time, each change audited.

    `today` is the day validation treats as today (no future dates); injectable for tests.
    """

    def __init__(self, *, db: Database, today: Callable[[], date] = date.today) -> None:
        self._db = db
        self._today = today

    # --- The generic steps --------------------------------------------------------------------

    @property
    def db(self) -> Database:
        """The database these records live in (other services over the same one use it)."""
        return self._db

    def get(self, record_class: type[R], key: str) -> R:
        """The record of that class with id `key` (a report text's: "year/section"), with
        all its parts; RecordNotFound when there is none."""
        with self._db.unit_of_work() as session:
            return repositories.get(session, record_class, key)

    def save(self, record: R, *, reason: str | None = None) -> Changes:
        """Check, then create or update the record, audited. A recommendation keeps its
        stored progress updates whatever the edit says (they are appended, never deleted),
        and its status needs its closure steps (`tracker.closure_problems`)."""
        kind = RecordType.of(record)
        if isinstance(record, Recommendation):
            return self._save_recommendation(record, reason)
        return self._save(kind, record, reason)

    def delete(self, record_class: type[Any], key: str, *, reason: str | None = None) -> Changes:
        """Delete the record of that class with id `key` that nothing refers to (its parts
        go with it); RecordInUseError says what still refers to it."""
        kind = RecordType.of(record_class)
        with self._db.unit_of_work() as session:
            old = repositories.get(session, record_class, key)
            uses = lookups.references_to(session, kind.value, key)
            if uses:
                raise RecordInUseError(
                    _LABELS[kind](old),
                    kind,
                    key,
                    [_use_sentence(use, count) for use, count in uses.items()],
                )
            repositories.delete(session, record_class, key)
            audit.append(
                session,
                operator=self._db.operator,
                action="delete",
                record_type=kind.value,
                record_id=key,
                changes=audit.record_diff(old, None),
                reason=reason,
            )
        return Changes.of_deleted(kind, key)

    def _save(self, kind: RecordType, record: R, reason: str | None) -> Changes:
        problems = validation.validate_record(record, today=self._today())  # type: ignore[arg-type]
        if problems:
            raise ValidationFailed(validation.sort_errors(problems), what=f"The {kind.noun}")
        # A Core connection, not an ORM session: a save runs only Core statements, and a
        # session's own work cost more than a one-field edit's SQL (benchmarks: save one
        # record). Same transaction, errors and lock as `unit_of_work`.
        with self._db.writing() as connection:
            return self._write(connection, kind, record, reason)

    def _write(
        self, session: Session | Connection, kind: RecordType, record: R, reason: str | None
    ) -> Changes:
        key = record_key(record)
        try:
            old: R | None = repositories.get(session, type(record), key)
        except RecordNotFound:
            old = None
        diff = audit.record_diff(old, record)
        if old is not None and (old == record or not diff):
            return Changes()
        # An edit writes only what changed (benchmarks: save one record).
        repositories.save(session, record, stored=old)
        audit.append(
            session,
            operator=self._db.operator,
            action="create" if old is None else "update",
            record_type=kind.value,
            record_id=key,
            changes=diff,
            reason=reason,
        )
        if old is None:
            return Changes.of_created(kind, key)
        return Changes.of_updated(kind, key)

    def _save_recommendation(self, record: Recommendation, reason: str | None) -> Changes:
        closure = closure_problems(record)
        if closure:
            problems = closure + validation.validate_recommendation(record, today=self._today())
            raise ValidationFailed(validation.sort_errors(problems), what="The recommendation")
        try:
            stored = self.get(Recommendation, record.id)
        except RecordNotFound:
            return self._save(RecordType.RECOMMENDATION, record, reason)
        kept, refused = keep_update_history(stored, record)
        if refused:
            raise ValidationFailed(refused, what="The recommendation")
        return self._save(RecordType.RECOMMENDATION, kept, reason)

    # --- Referrals ----------------------------------------------------------------------------

    def reviews_of_referral(self, referral_id: str) -> list[Review]:
        """The reviews commissioned from a referral, oldest first."""
        with self._db.unit_of_work() as session:
            ids = lookups.review_ids_of_referral(session, referral_id)
            return [repositories.get(session, Review, key) for key in ids]

    def suggest_referral_reference(self, received: date) -> str:
        """The next free reference in the reporting year `received` falls in: "CRAG-2016-05"
        after "CRAG-2016-04" (numbers are at least two digits)."""
        year = reporting_year_of(received)
        prefix = f"{_REFERENCE_PREFIX}-{year}-"
        # "." sorts right after "-", so [prefix, prefix with "." for "-") is every reference
        # that starts with the prefix.
        high = prefix[:-1] + "."
        pattern = re.compile(re.escape(prefix) + r"(\d+)$")
        with self._db.unit_of_work() as session:
            taken = lookups.references_between(session, prefix, high)
        numbers = [int(found.group(1)) for ref in taken if (found := pattern.match(ref))]
        return f"{prefix}{max(numbers, default=0) + 1:02d}"

    # --- Progress updates ----------------------------------------------------------------------

    def add_action_update(
        self,
        recommendation_id: str,
        action_id: str,
        update: ActionUpdate,
        *,
        reason: str | None = None,
    ) -> Changes:
        """Append a dated progress update to one action; earlier updates are never changed."""
        with self._db.unit_of_work() as session:
            current = repositories.get(session, Recommendation, recommendation_id)
            record = _with_update(current, action_id, update)
            problems = validation.validate_recommendation(record, today=self._today())
            if problems:
                raise ValidationFailed(validation.sort_errors(problems), what="The progress update")
            return self._write(session, RecordType.RECOMMENDATION, record, reason)

    def add_meeting_updates(
        self, meeting_id: str, entries: Sequence[ProgressUpdate], *, by: str | None
    ) -> Changes:
        """Append one progress update per entry, each dated and linked to the meeting, all
        in one transaction: every entry is stored, or (with the problems named by item)
        none. Each recommendation changed is audited with the meeting as the reason."""
        if not entries:
            raise ValidationFailed(
                [FieldError("items", "tick at least one item discussed at the meeting")],
                what="The meeting's updates",
            )
        with self._db.unit_of_work() as session:
            meeting = repositories.get(session, Meeting, meeting_id)
            return self.append_updates(
                session,
                entries,
                on=meeting.date,
                by=by,
                meeting=meeting_id,
                reason=f"Progress update at the meeting of {long_date(meeting.date)}",
                what="The meeting's updates",
                empty_note="write what the meeting heard",
            )

    def append_updates(
        self,
        session: Session,
        entries: Sequence[ProgressUpdate],
        *,
        on: date,
        by: str | None,
        meeting: str | None,
        reason: str,
        what: str,
        empty_note: str = "write the update",
    ) -> Changes:
        """Append one progress update per entry, dated `on`, in the caller's transaction
        (`session`, opened by a service): every entry is written, or ValidationFailed names
        the problems by item and nothing is. Each recommendation changed is audited with
        `reason`. The meeting's updates and the agency returns both append through here."""
        problems: list[FieldError] = []
        changes = Changes()
        records: dict[str, Recommendation] = {}
        for i, entry in enumerate(entries):
            if not entry.note.strip():
                problems.append(FieldError(f"items[{i}].note", f"{entry.label}: {empty_note}"))
            current = records.get(entry.recommendation_id) or repositories.get(
                session, Recommendation, entry.recommendation_id
            )
            update = ActionUpdate(
                on=on, status=entry.status, note=entry.note.strip(), by=by, meeting=meeting
            )
            records[entry.recommendation_id] = _with_update(current, entry.action_id, update)
        for record in records.values():
            for error in validation.validate_recommendation(record, today=self._today()):
                label = next(e.label for e in entries if e.recommendation_id == record.id)
                problems.append(FieldError(error.path, f"{label}: {error.message}"))
        if problems:
            raise ValidationFailed(validation.sort_errors(problems), what=what)
        for record in records.values():
            changes = changes.merge(self._write(session, RecordType.RECOMMENDATION, record, reason))
        return changes

    def updates_at_meeting(self, meeting_id: str) -> list[MeetingUpdateLine]:
        """The progress updates given at a meeting, by review and recommendation number."""
        with self._db.unit_of_work() as session:
            rows = lookups.updates_at_meeting(session, meeting_id)
        return [
            MeetingUpdateLine(
                recommendation_id=row.recommendation_id,
                text=f"{row.review_title} {row.number}: "
                f"{RecommendationStatus(row.status).label}"
                + (f" — {row.note}" if row.note else ""),
            )
            for row in rows
        ]

    # --- New ids and combo boxes --------------------------------------------------------------

    def new_id(self, record_type: str) -> str:
        """A short id no record of that type has yet, e.g. "R-3f9a2c" for a referral."""
        try:
            prefix = ID_PREFIXES[record_type]
        except KeyError:
            raise ValueError(f"there is no record type {record_type!r}") from None
        with self._db.unit_of_work() as session:
            while True:
                candidate = f"{prefix}-{secrets.token_hex(3)}"
                # Action ids are only unique within their recommendation; the form checks.
                if record_type == "action" or not lookups.record_exists(
                    session, record_type, candidate
                ):
                    return candidate

    def agencies(self) -> list[Agency]:
        """Every agency, by name."""
        with self._db.unit_of_work() as session:
            found = repositories.list_all(session, Agency)
        return sorted(found, key=lambda a: (a.name.casefold(), a.id))

    def members(self) -> list[Member]:
        """Every member of the subgroup, by name."""
        with self._db.unit_of_work() as session:
            found = repositories.list_all(session, Member)
        return sorted(found, key=lambda m: (m.name.casefold(), m.id))

    def learning_points(self) -> list[LearningPoint]:
        """The catalogue of common learning points, by text."""
        with self._db.unit_of_work() as session:
            found = repositories.list_all(session, LearningPoint)
        return sorted(found, key=lambda p: (p.text.casefold(), p.id))

    def learning_point_usage(self) -> dict[str, int]:
        """How many reviews carry each learning point, by point id (counted in SQL)."""
        with self._db.unit_of_work() as session:
            return lookups.learning_point_usage(session)

    def learning_point_reviews(self) -> dict[str, list[str]]:
        """The titles of the reviews carrying each learning point, by point id."""
        with self._db.unit_of_work() as session:
            return lookups.learning_point_reviews(session)

    def learning_point_review_titles(self, point_id: str) -> list[str]:
        """The titles of the reviews carrying one learning point, by title: the Learning
        screen names the reviews behind a point's count when it is opened or pointed at."""
        with self._db.unit_of_work() as session:
            return lookups.learning_point_reviews(session, point_id).get(point_id, [])

    def learning_events(self) -> list[LearningEvent]:
        """Every learning event, newest first."""
        with self._db.unit_of_work() as session:
            found = repositories.list_all(session, LearningEvent)
        return sorted(found, key=lambda e: (e.date, e.id), reverse=True)

    def meetings(self) -> list[Choice]:
        """Every meeting as (id, "14 June 2016"), newest first."""
        with self._db.unit_of_work() as session:
            rows = lookups.meeting_dates(session)
        return [Choice(row.id, long_date(row.date)) for row in rows]

    def meeting_for_decision(self, referral_id: str | None, day: date) -> str | None:
        """The meeting a referral is most likely decided at on `day`: the next one (from
        `day` on) with the referral on its list, else the meeting held that day, else None."""
        with self._db.unit_of_work() as session:
            # A referral not yet stored (typed into the wizard) is on no meeting's list.
            return lookups.meeting_for_referral(session, referral_id or "", day)

    def reviews(self, ids: Collection[str] | None = None) -> list[Choice]:
        """Every review (or those of `ids`) as (id, title), by title."""
        with self._db.unit_of_work() as session:
            rows = lookups.review_titles(session, ids)
        return [Choice(row.id, row.title) for row in rows]
