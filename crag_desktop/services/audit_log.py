"""The audit log screen's data: newest events first, filtered and keyset-paged in SQL.

The trail only grows (every save adds an event), so like the referral list it is read one
page at a time, keyed on the event's sequence number.

The trail stores ids and raw field paths (that is what the hash chain covers); the secretariat
reads case names, review titles and "Action 1, update 2, date". Each page's labels are looked
up in one query for the whole page, never one per row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Row

from crag_desktop.domain import vocabulary as v
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import AuditEvent
from crag_desktop.domain.wording import one_line, short_date, short_date_time
from crag_desktop.services.database import Database
from crag_desktop.services.lists import DEFAULT_PAGE, SortKey
from crag_desktop.storage import audit
from crag_desktop.storage.queries import lists as list_queries
from crag_desktop.storage.queries import lookups

__all__ = ["AuditLog", "AuditQuery", "AuditRow", "event_line", "field_label"]

Change = tuple[str, str | None, str | None]
#: (record type, id) of a record an event names or a changed value points at.
_Key = tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditQuery:
    """Which events the audit log shows; `text` matches the record id, changes or reason."""

    record_type: str | None = None
    record_id: str | None = None
    operator: str | None = None
    action: str | None = None
    text: str = ""
    #: Events on or after this day, and on or before that one (local days), when given.
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRow:
    """One audit event as the log lists it."""

    seq: int
    at: datetime
    operator: str
    action: str
    record_type: str
    record_id: str | None
    #: (field, old, new) for each field the action changed, exactly as stored.
    changes: tuple[Change, ...]
    reason: str | None
    sort_key: SortKey
    #: The record as the secretariat knows it ("CRAG-2016-04 Child T", "Child Q rec. 3");
    #: the id itself when the record is gone and the event does not say its name.
    record_label: str = ""
    #: `changes` made readable: ("Action 1, update 2, date", "01/03/2017", "On track").
    details: tuple[Change, ...] = ()


# --- Field paths as words ------------------------------------------------------------------

#: Names of parts and fields that the plain "under_score → under score" rule reads badly.
_NAMES = {
    "on": "date",
    "panel": "National Panel",
    "sent_on": "sent on",
    "responded_on": "response received on",
    "board_reply": "Board's reply",
    "cost_gbp": "cost (£)",
    "disability_or_sen": "disability or SEN",
    "tor_agreed_on": "terms of reference agreed on",
    "draft_on": "draft on",
    "rules_outcome": "outcome the rules gave",
    "decided_outcome": "outcome decided",
    "reason_if_different": "reason the decision differs",
    "rule_set_version": "rule set version",
    "learned_on": "learned of on",
    "notified_on": "Panel notified on",
    "received": "received on",
    "age_years": "age (years)",
    "age_months": "age (months)",
    "saw_report_before_publication": "saw the report before publication",
    "by": "by",
    "answers": "answer to",
    "evidence": "evidence for",
    "decision_record": "decision record",
    "referring_agency": "referring agency",
    "lead_agency": "lead agency",
    "owner_agency": "owner agency",
}

#: Lists, by the word for one item: "actions[0]" is "action 1".
_ITEMS = {
    "children": "child",
    "actions": "action",
    "updates": "update",
    "clock_pauses": "clock pause",
    "parallel_processes": "parallel process",
    "family_contributions": "family contribution",
    "themes": "theme",
    "abuse_categories": "abuse category",
    "learning_points": "learning point",
    "attendees": "attendee",
    "apologies": "apology",
    "referrals_considered": "referral considered",
    "reviews": "review",
}

_PART = re.compile(r"^(?P<name>[A-Za-z0-9_]+)(?:\[(?P<key>[^\]]*)\])?$")


def _words(name: str) -> str:
    return _NAMES.get(name, name.replace("_", " "))


def _parts(path: str) -> list[tuple[str, str | None]]:
    parts: list[tuple[str, str | None]] = []
    for piece in path.split("."):
        match = _PART.match(piece)
        if match is None:
            parts.append((piece, None))
        else:
            parts.append((match["name"], match["key"]))
    return parts


def field_label(path: str) -> str:
    """ "Action 1, update 2, date" for "actions[0].updates[1].on"."""
    words: list[str] = []
    for name, key in _parts(path):
        if key is None:
            words.append(_words(name))
        elif key.isdigit():
            words.append(f"{_ITEMS.get(name, _words(name))} {int(key) + 1}")
        else:
            # A keyed part: the criteria answers and evidence, by question.
            words.append(f"{_words(name)} “{key.replace('_', ' ')}”")
    text = ", ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


# --- Values as words -----------------------------------------------------------------------

#: Fields whose values are ids of other records, by the leaf name, per record type ("*": any).
_REFERENCES: dict[str, str] = {
    "referring_agency": RecordType.AGENCY,
    "lead_agency": RecordType.AGENCY,
    "owner_agency": RecordType.AGENCY,
    "agency": RecordType.AGENCY,
    "by": RecordType.MEMBER,
    "attendees": RecordType.MEMBER,
    "apologies": RecordType.MEMBER,
    "meeting": RecordType.MEETING,
    "referral": RecordType.REFERRAL,
    "referrals_considered": RecordType.REFERRAL,
    "review": RecordType.REVIEW,
    "reviews": RecordType.REVIEW,
    "learning_points": RecordType.LEARNING_POINT,
}

#: Coded fields by their leaf name; "status" and "type" depend on where they sit.
_VOCABULARIES: dict[str, type[v.Vocabulary]] = {
    "kind": v.AgencyKind,
    "incident_type": v.IncidentType,
    "abuse_categories": v.AbuseCategory,
    "sex": v.Sex,
    "legal_status": v.LegalStatus,
    "decided_outcome": v.DecidedOutcome,
    "alternative_review_type": v.AlternativeReviewType,
    "response": v.PanelResponse,
    "methodology": v.Methodology,
    "themes": v.Theme,
    "scope": v.RecommendationScope,
    "monitoring_group": v.MonitoringGroup,
    "section": v.ReportSection,
}
_STATUS = {
    "referral": v.ReferralStatus,
    "review": v.ReviewStatus,
    "recommendation": v.RecommendationStatus,
    "parallel_processes": v.ParallelProcessStatus,
    "updates": v.RecommendationStatus,
}
_TYPE = {"review": v.ReviewType, "parallel_processes": v.ParallelProcessType}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_CODE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def _vocabulary(record_type: str, path: str) -> type[v.Vocabulary] | None:
    parts = _parts(path)
    leaf = parts[-1][0]
    # The part that holds the leaf: "updates" for "actions[0].updates[1].status".
    holder = parts[-2][0] if len(parts) > 1 else record_type
    if leaf == "status":
        return _STATUS.get(holder)
    if leaf == "type":
        return _TYPE.get(holder)
    return _VOCABULARIES.get(leaf)


def _reference_type(path: str) -> str | None:
    return _REFERENCES.get(_parts(path)[-1][0])


def _uk_date(text: str) -> str:
    try:
        if _ISO_DATE.match(text):
            return short_date(date.fromisoformat(text))
        if _ISO_DATETIME.match(text):
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone()
            return short_date_time(moment)
    except ValueError:
        pass
    return text


def _value(
    record_type: str, path: str, value: str | None, labels: Mapping[_Key, str]
) -> str | None:
    if value is None or value == "":
        return value
    kind = _reference_type(path)
    if kind is not None and (kind, value) in labels:
        return labels[(kind, value)]
    vocabulary = _vocabulary(record_type, path)
    if vocabulary is not None and value in vocabulary.codes():
        return vocabulary(value).label
    if value in ("yes", "no"):
        return value.capitalize()
    dated = _uk_date(value)
    if dated != value:
        return dated
    if _CODE.match(value) and _parts(path)[-1][0].endswith("outcome"):
        # The rules' outcomes are codes of the criteria module ("criteria_not_met").
        return value.replace("_", " ").capitalize()
    return value


# --- Record labels, one query per page ------------------------------------------------------


def _keys(rows: Iterable[Row[Any]]) -> set[_Key]:
    keys: set[_Key] = set()
    for row in rows:
        if row.record_id:
            keys.add((str(row.record_type), str(row.record_id)))
        for path, old, new in _changes(row.changes):
            kind = _reference_type(path)
            if kind is None:
                continue
            keys.update((kind, value) for value in (old, new) if value)
    return keys


def _label(kind: str, first: str | None, second: str | None) -> str:
    first = first or ""
    match kind:
        case RecordType.REFERRAL:
            return f"{first} {second}" if second else first
        case RecordType.RECOMMENDATION:
            return f"{first} rec. {second}"
        case RecordType.MEETING:
            return _uk_date(first)
        case RecordType.LEARNING_EVENT:
            return f"{first}, {_uk_date(second)}" if second else first
        case RecordType.LEARNING_POINT:
            return one_line(first)
    return first


def _report_text_label(key: str) -> str:
    year, _, section = key.partition("/")
    words = v.ReportSection(section).label if section in v.ReportSection.codes() else section
    if year.isdigit():
        return f"{year}/{(int(year) + 1) % 100:02d}: {words}"
    return key


def _gone_label(record_type: str, record_id: str, changes: tuple[Change, ...]) -> str:
    """What a deleted record was called, from the old values its last event kept."""
    old = {path: before for path, before, _after in changes if before}
    if record_type == RecordType.REFERRAL and "reference" in old:
        return _label(RecordType.REFERRAL, old["reference"], old.get("case_name"))
    for field in ("title", "name", "text"):
        if field in old:
            return one_line(old[field])
    if record_type == RecordType.MEETING and "date" in old:
        return _uk_date(old["date"])
    return record_id


def _changes(stored: str) -> tuple[Change, ...]:
    decoded = json.loads(stored) if stored else []
    return tuple((str(c[0]), c[1], c[2]) for c in decoded)


def _record_label(
    record_type: str, record_id: str | None, changes: tuple[Change, ...], labels: Mapping[_Key, str]
) -> str:
    if not record_id:
        return ""
    if record_type == RecordType.REPORT_TEXT:
        return _report_text_label(record_id)
    return labels.get((record_type, record_id)) or _gone_label(record_type, record_id, changes)


def _row(row: Row[Any], labels: Mapping[_Key, str]) -> AuditRow:
    changes = _changes(row.changes)
    record_type = str(row.record_type)
    return AuditRow(
        seq=int(row.seq),
        at=row.at,
        operator=row.operator,
        action=row.action,
        record_type=record_type,
        record_id=row.record_id,
        changes=changes,
        reason=row.reason,
        sort_key=(int(row.seq),),
        record_label=_record_label(record_type, row.record_id, changes, labels),
        details=tuple(
            (
                field_label(path),
                _value(record_type, path, old, labels),
                _value(record_type, path, new, labels),
            )
            for path, old, new in changes
        ),
    )


def event_line(event: AuditEvent) -> str:
    """One event as one line of text, oldest-first listings (the `audit` command)."""
    at = short_date_time(event.at.astimezone(), seconds=True)
    record = event.record_type + (f" {event.record_id}" if event.record_id else "")
    line = f"{event.seq:>6}  {at}  {event.operator}  {event.action}  {record}"
    if event.changes:
        line += f"  ({len(event.changes)} field{'s' if len(event.changes) != 1 else ''} changed)"
    if event.reason:
        line += f"  reason: {event.reason}"
    return line


def _local_midnight(day: date) -> datetime:
    """The start of `day` on this computer's clock, in UTC (how the trail stores times)."""
    return datetime.combine(day, time.min).astimezone().astimezone(UTC)


class AuditLog:
    """Counts and pages of the audit trail, newest first."""

    def __init__(self, *, db: Database) -> None:
        self._db = db

    @staticmethod
    def _conditions(query: AuditQuery) -> list[Any]:
        return list_queries.audit_conditions(
            record_type=query.record_type,
            record_id=query.record_id,
            operator=query.operator,
            action=query.action,
            text=query.text,
            at_from=_local_midnight(query.since) if query.since else None,
            at_before=(_local_midnight(query.until + timedelta(days=1)) if query.until else None),
        )

    def verify(self) -> list[str]:
        """Problems with the hash chain (edited, deleted, reordered or truncated events)."""
        with self._db.unit_of_work() as session:
            return audit.verify_chain(session)

    def total(self) -> int:
        """How many events the trail holds."""
        return self.count(AuditQuery())

    def events(self, *, page: int = 1000) -> Iterator[AuditEvent]:
        """Every event, oldest first, read a page at a time."""
        after = 0
        while True:
            with self._db.unit_of_work() as session:
                events = audit.list_events(session, after_seq=after, limit=page)
            if not events:
                return
            yield from events
            after = events[-1].seq

    def count(self, query: AuditQuery) -> int:
        """How many events the query shows."""
        with self._db.unit_of_work() as session:
            return list_queries.audit_count(session, self._conditions(query))

    def page(
        self, query: AuditQuery, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> list[AuditRow]:
        """Up to `limit` events older than the one whose sort key is `after` (newest first),
        each with its record and changed values named as the secretariat knows them."""
        if limit < 1:
            raise ValueError(f"a page holds at least one row, not {limit}")
        with self._db.unit_of_work() as session:
            rows = list_queries.audit_page(
                session, self._conditions(query), after=after, limit=limit
            )
            found = lookups.record_labels(session, _keys(rows))
        labels = {(str(r.kind), str(r.id)): _label(str(r.kind), r.first, r.second) for r in found}
        return [_row(row, labels) for row in rows]


@dataclass(frozen=True, slots=True)
class AuditLine:
    """An audit row with the string id the paged model keys rows on."""

    event: AuditRow

    @property
    def id(self) -> str:
        """The event's sequence number, as text."""
        return str(self.event.seq)

    @property
    def sort_key(self) -> SortKey:
        """The keyset position (the sequence number)."""
        return self.event.sort_key


class AuditLines:
    """The audit log service, as the paged model's list service."""

    def __init__(self, *, log: AuditLog) -> None:
        self._log = log

    def count(self, query: AuditQuery) -> int:
        """How many events the query shows."""
        return self._log.count(query)

    def page(
        self, query: AuditQuery, *, after: SortKey | None = None, limit: int = DEFAULT_PAGE
    ) -> Sequence[AuditLine]:
        """The next page of events, newest first."""
        return [AuditLine(row) for row in self._log.page(query, after=after, limit=limit)]
