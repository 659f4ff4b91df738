"""A whole document: ids unique per list and new to the database, every reference naming a
record that is there, recommendation numbers and report texts not given twice, then every
record's own rules.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import (
    Agency,
    Document,
    LearningEvent,
    LearningPoint,
    Meeting,
    Member,
    Recommendation,
    Referral,
    ReportText,
    Review,
)
from crag_desktop.domain.validation.fields import (
    ID_TAKEN,
    _today,
    join,
    sort_errors,
)
from crag_desktop.domain.validation.records import (
    Record,
    validate_record,
)

#: Singular nouns for the identifier kinds, for messages.
_KIND_NOUN = {
    "agencies": "agency",
    "members": "member",
    "learning_points": "learning point",
    "referrals": "referral",
    "reviews": "review",
    "recommendations": "recommendation",
    "meetings": "meeting",
    "learning_events": "learning event",
    "actions": "action",
}

#: The lists of a document, in interchange order, with the record type each holds.
DOCUMENT_LISTS: tuple[str, ...] = (
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


@dataclass(frozen=True, slots=True)
class IdUse:
    """One place an id is defined or referred to: its path, its kind and the id itself."""

    path: str
    kind: str
    id: str


# ---------------------------------------------------------------------------------------
# Identifiers and cross-references


#: The identifier kind of each record type that has an id (report texts have none).
_ID_KIND: Mapping[type, str] = {
    Agency: "agencies",
    Member: "members",
    LearningPoint: "learning_points",
    Referral: "referrals",
    Review: "reviews",
    Recommendation: "recommendations",
    Meeting: "meetings",
    LearningEvent: "learning_events",
}


def record_ids(record: Record, *, path: str) -> list[IdUse]:
    """The ids a record defines: its own (none for report text) and its actions'."""
    if isinstance(record, ReportText):
        return []
    uses = [IdUse(join(path, "id"), _ID_KIND[type(record)], record.id)]
    if isinstance(record, Recommendation):
        uses.extend(
            IdUse(join(path, f"actions[{i}].id"), "actions", action.id)
            for i, action in enumerate(record.actions)
        )
    return uses


#: Where a reference sits within its record: field names and list indices, joined into a
#: path ("actions[0].updates[1].by") only when the reference is reported.
_Where = tuple[str | int, ...]


def _reference_fields(record: Record) -> Iterator[tuple[str, str, _Where]]:
    """(kind, id, where) of each id a record refers to."""
    match record:
        case Member():
            yield "agencies", record.agency, ("agency",)
        case Referral():
            yield from _referral_references(record)
        case Review():
            if record.referral is not None:
                yield "referrals", record.referral, ("referral",)
            for i, point in enumerate(record.learning_points):
                yield "learning_points", point, ("learning_points", i)
        case Recommendation():
            yield from _recommendation_references(record)
        case Meeting():
            for name, kind, values in (
                ("attendees", "members", record.attendees),
                ("apologies", "members", record.apologies),
                ("referrals_considered", "referrals", record.referrals_considered),
            ):
                for i, value in enumerate(values):
                    yield kind, value, (name, i)
        case LearningEvent():
            for i, review in enumerate(record.reviews):
                yield "reviews", review, ("reviews", i)
        case _:
            pass


def _referral_references(record: Referral) -> Iterator[tuple[str, str, _Where]]:
    yield "agencies", record.referring_agency, ("referring_agency",)
    decision = record.decision
    if decision is not None:
        if decision.meeting is not None:
            yield "meetings", decision.meeting, ("decision", "meeting")
        for i, member in enumerate(decision.attendees):
            yield "members", member, ("decision", "attendees", i)


def _recommendation_references(record: Recommendation) -> Iterator[tuple[str, str, _Where]]:
    yield "reviews", record.review, ("review",)
    yield "agencies", record.lead_agency, ("lead_agency",)
    for i, action in enumerate(record.actions):
        yield "agencies", action.owner_agency, ("actions", i, "owner_agency")
        for j, update in enumerate(action.updates):
            if update.by is not None:
                yield "members", update.by, ("actions", i, "updates", j, "by")
            if update.meeting is not None:
                yield "meetings", update.meeting, ("actions", i, "updates", j, "meeting")


def _relative(path: str, where: _Where) -> str:
    for part in where:
        path = f"{path}[{part}]" if isinstance(part, int) else join(path, part)
    return path


def record_references(record: Record, *, path: str) -> list[IdUse]:
    """The ids a record refers to, each with the kind of record it must name."""
    return [
        IdUse(_relative(path, where), kind, value)
        for kind, value, where in _reference_fields(record)
    ]


def _defined(
    ids: Iterable[IdUse], known: Mapping[str, set[str]]
) -> tuple[list[FieldError], dict[tuple[str, str], str]]:
    """Ids used twice in the document or already in the database; and where each id is
    first defined, by (kind, id)."""
    errors: list[FieldError] = []
    first: dict[tuple[str, str], str] = {}
    for use in ids:
        key = (use.kind, use.id)
        if key in first:
            errors.append(
                FieldError(
                    use.path,
                    f"id {use.id!r} is used more than once in {use.kind} (first at {first[key]})",
                )
            )
            continue
        first[key] = use.path
        if use.id in known.get(use.kind, ()):
            errors.append(FieldError(use.path, ID_TAKEN))
    return errors, first


def _defined_once(
    entries: Sequence[tuple[str, Record]], extra: Sequence[IdUse], known: Mapping[str, set[str]]
) -> set[tuple[str, str]] | None:
    """Every (kind, id) the document defines, when each is defined once and is new to the
    database; None otherwise (then `_defined` finds and places each problem).

    Nearly every import is clean: this looks at each id without making its path or an
    `IdUse` (over a quarter of a million for 100,000 referrals)."""
    keys: list[tuple[str, str]] = []
    for _path, record in entries:
        if isinstance(record, ReportText):
            continue
        keys.append((_ID_KIND[type(record)], record.id))
        if type(record) is Recommendation:
            keys.extend([("actions", action.id) for action in record.actions])
    keys.extend([(use.kind, use.id) for use in extra])
    defined = set(keys)
    if len(defined) != len(keys):
        return None
    if any(known.values()) and any(value in known.get(kind, ()) for kind, value in keys):
        return None
    return defined


def _unresolved(path: str, kind: str, value: str, *, in_database: bool) -> FieldError:
    where = "the document or the database" if in_database else "the document"
    noun = _KIND_NOUN.get(kind, kind)
    return FieldError(path, f"refers to {noun} {value!r}, which is not in {where}")


def check_identifiers(
    ids: Iterable[IdUse],
    references: Iterable[IdUse],
    *,
    known_ids: Mapping[str, set[str]] | None = None,
) -> list[FieldError]:
    """Ids unique per kind and new to the database (`known_ids`, by kind); every reference
    names an id in the document or, on import into an existing database, in `known_ids`."""
    known = known_ids or {}
    errors, first = _defined(ids, known)
    errors.extend(
        _unresolved(ref.path, ref.kind, ref.id, in_database=known_ids is not None)
        for ref in references
        if (ref.kind, ref.id) not in first and ref.id not in known.get(ref.kind, ())
    )
    return errors


def validate_entries(
    entries: Sequence[tuple[str, Record]],
    *,
    extra_ids: Iterable[IdUse] = (),
    known_ids: Mapping[str, set[str]] | None = None,
    today: date | None = None,
) -> list[FieldError]:
    """Check records given with their paths, as one document: each record's own rules,
    ids and references (`extra_ids` adds ids of records present but not checkable, so that
    they still count), recommendation numbers unique per review and one report text per
    year and section. Returns the errors sorted by path.

    Ids are checked first: when an id is repeated or already in the database, the
    document is refused with the id and reference problems alone, without the record
    rules, which take most of the time on a large document (a clash named after seconds,
    not after every field of every record). The rules are checked once the ids are fixed.
    """
    now = _today(today)
    known = known_ids or {}
    extra = list(extra_ids)
    numbers: dict[tuple[str, int], str] = {}
    sections: dict[tuple[int, str], str] = {}
    errors: list[FieldError] = []
    first: Collection[tuple[str, str]] | None = _defined_once(entries, extra, known)
    if first is None:
        # An id repeated or already in the database: now each use with its path, to say
        # where it is and where it was first.
        ids: list[IdUse] = []
        for path, record in entries:
            ids.extend(record_ids(record, path=path))
        ids.extend(extra)
        errors, first = _defined(ids, known)
    for path, record in entries:
        # References are checked without their paths, which are made only for a reference
        # that names nothing (an import checks hundreds of thousands).
        for kind, value, where in _reference_fields(record):
            if (kind, value) not in first and value not in known.get(kind, ()):
                errors.append(
                    _unresolved(
                        _relative(path, where), kind, value, in_database=known_ids is not None
                    )
                )
        if isinstance(record, Recommendation):
            number = (record.review, record.number)
            if number in numbers:
                errors.append(
                    FieldError(
                        join(path, "number"),
                        f"recommendation number {record.number} is used twice for review "
                        f"{record.review!r} (first at {join(numbers[number], 'number')})",
                    )
                )
            else:
                numbers[number] = path
        elif isinstance(record, ReportText):
            section = (record.year, str(record.section))
            if section in sections:
                errors.append(
                    FieldError(
                        join(path, "section"),
                        f'the {record.year} report already has text for "{record.section.label}" '
                        f"(first at {join(sections[section], 'section')})",
                    )
                )
            else:
                sections[section] = path
    if any(_is_id_clash(e) for e in errors):
        return sort_errors(errors)
    for path, record in entries:
        errors.extend(validate_record(record, path=path, today=now))
    return sort_errors(errors)


def _is_id_clash(error: FieldError) -> bool:
    """Whether `error` is an id used twice or already in the database."""
    return error.message == ID_TAKEN or (
        error.message.startswith("id ") and " is used more than once in " in error.message
    )


def document_entries(document: Document, *, prefix: str = "$") -> list[tuple[str, Record]]:
    """Every record of a document with its JSON path ("$.referrals[0]")."""
    entries: list[tuple[str, Record]] = []
    for name in DOCUMENT_LISTS:
        records: Sequence[Record] = getattr(document, name)
        entries.extend((join(prefix, f"{name}[{i}]"), record) for i, record in enumerate(records))
    return entries


def validate_document(
    document: Document,
    *,
    known_ids: Mapping[str, set[str]] | None = None,
    today: date | None = None,
) -> list[FieldError]:
    """Check a whole document: every record's rules, ids unique per list (and, given
    `known_ids`, not already in the database), every reference resolvable. Paths are JSON
    paths ("$.referrals[0].children[1].age_years"), sorted."""
    return validate_entries(document_entries(document), known_ids=known_ids, today=today)
