"""Each kind of record's own rules: `validate_<record>` returns the problems of one record
(with its children, pauses, actions and updates) and never raises, whatever it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import (
    Agency,
    Child,
    ClockPause,
    LearningEvent,
    LearningPoint,
    Meeting,
    Member,
    Recommendation,
    Referral,
    ReportText,
    Review,
)
from crag_desktop.domain.validation.decisions import (
    validate_decision,
)
from crag_desktop.domain.validation.fields import (
    FIRST_REPORT_YEAR,
    LAST_REPORT_YEAR,
    LINK_MAX,
    MAX_AGE_MONTHS,
    MAX_AGE_YEARS,
    MAX_COST,
    NARRATIVE_MAX,
    REPORT_TEXT_MAX,
    TITLE_MAX,
    _date,
    _identifier,
    _ids,
    _narrative,
    _not_before,
    _text,
    _today,
    _whole_number,
    join,
)
from crag_desktop.domain.vocabulary import (
    RecommendationStatus,
)
from crag_desktop.domain.wording import short_date

#: Any record a document list holds.
Record = (
    Agency
    | Member
    | LearningPoint
    | Referral
    | Review
    | Recommendation
    | Meeting
    | LearningEvent
    | ReportText
)


# ---------------------------------------------------------------------------------------
# Records


def validate_agency(record: Agency, *, path: str = "") -> list[FieldError]:
    """Check an agency: id and name present, single-line and not too long."""
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    _text(errors, path, "name", record.name)
    return errors


def validate_member(record: Member, *, path: str = "") -> list[FieldError]:
    """Check a member of the subgroup (the agency reference is checked per document)."""
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    _text(errors, path, "name", record.name)
    _identifier(errors, path, "agency", record.agency)
    _text(errors, path, "role", record.role, required=False)
    return errors


def validate_learning_point(record: LearningPoint, *, path: str = "") -> list[FieldError]:
    """Check a catalogue learning point: an id and some text."""
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    _text(errors, path, "text", record.text, max_length=NARRATIVE_MAX, single_line=False)
    return errors


def validate_child(record: Child, *, path: str = "", today: date | None = None) -> list[FieldError]:
    """Check a subject child: pseudonym, age in range (0-24 years, 0-11 months)."""
    del today  # accepted for a uniform signature: a child holds no dates
    errors: list[FieldError] = []
    _identifier(errors, path, "pseudonym", record.pseudonym)
    _whole_number(errors, path, "age_years", record.age_years, low=0, high=MAX_AGE_YEARS)
    _whole_number(errors, path, "age_months", record.age_months, low=0, high=MAX_AGE_MONTHS)
    _text(errors, path, "ethnicity", record.ethnicity, required=False)
    return errors


def _children(
    errors: list[FieldError], path: str, children: Sequence[Child], today: date | None
) -> None:
    for i, child in enumerate(children):
        errors.extend(validate_child(child, path=join(path, f"[{i}]"), today=today))


def validate_clock_pause(
    record: ClockPause, *, path: str = "", today: date | None = None
) -> list[FieldError]:
    """Check a clock pause: which clock, a reason, and resumed not before paused."""
    now = _today(today)
    errors: list[FieldError] = []
    _identifier(errors, path, "clock", record.clock)
    _date(errors, path, "paused_on", record.paused_on, today=now)
    _date(errors, path, "resumed_on", record.resumed_on, today=now)
    _not_before(
        errors,
        path,
        "resumed_on",
        record.resumed_on,
        earlier=record.paused_on,
        earlier_name="pause date",
    )
    _text(errors, path, "reason", record.reason, max_length=NARRATIVE_MAX, single_line=False)
    return errors


def _pauses(errors: list[FieldError], path: str, pauses: Sequence[ClockPause], today: date) -> None:
    for i, pause in enumerate(pauses):
        errors.extend(validate_clock_pause(pause, path=join(path, f"[{i}]"), today=today))


def validate_referral(
    record: Referral, *, path: str = "", today: date | None = None
) -> list[FieldError]:
    """Check a referral with its children, decision and clock pauses: dates received,
    incident, learned and notified in order and not in the future."""
    now = _today(today)
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    _identifier(errors, path, "reference", record.reference)
    received_ok = _date(errors, path, "received", record.received, today=now)
    _identifier(errors, path, "referring_agency", record.referring_agency)
    _identifier(errors, path, "case_name", record.case_name)
    if _date(errors, path, "incident_date", record.incident_date, today=now) and received_ok:
        incident = record.incident_date
        if incident is not None and incident > record.received:
            errors.append(
                FieldError(
                    join(path, "incident_date"),
                    f"{short_date(incident)} is after the referral was received "
                    f"({short_date(record.received)})",
                )
            )
    if not record.children:
        errors.append(FieldError(join(path, "children"), "add at least one child"))
    _children(errors, join(path, "children"), record.children, now)
    _narrative(errors, path, "summary", record.summary)
    if record.decision is not None:
        errors.extend(
            validate_decision(
                record.decision,
                path=join(path, "decision"),
                received=record.received if received_ok else None,
                today=now,
            )
        )
    seen: set[str] = set()
    for i, category in enumerate(record.abuse_categories):
        if category in seen:
            errors.append(
                FieldError(join(path, f"abuse_categories[{i}]"), f"{category!r} is listed twice")
            )
        seen.add(category)
    if _date(errors, path, "learned_on", record.learned_on, today=now):
        _not_before(
            errors,
            path,
            "learned_on",
            record.learned_on,
            earlier=record.incident_date,
            earlier_name="incident",
        )
    if _date(errors, path, "notified_on", record.notified_on, today=now):
        _not_before(
            errors,
            path,
            "notified_on",
            record.notified_on,
            earlier=record.learned_on,
            earlier_name="date learned of",
        )
    if record.notification_reference is not None:
        _identifier(errors, path, "notification_reference", record.notification_reference)
    _pauses(errors, join(path, "clock_pauses"), record.clock_pauses, now)
    return errors


def validate_review(
    record: Review, *, path: str = "", today: date | None = None
) -> list[FieldError]:
    """Check a review with its children, parallel processes and family contributions:
    key dates after commissioning and not in the future, publication after sign-off,
    a cost of zero or more in pounds and pence."""
    now = _today(today)
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    if record.referral is not None:
        _identifier(errors, path, "referral", record.referral)
    _text(errors, path, "title", record.title, max_length=TITLE_MAX)
    _text(errors, path, "lead_reviewer", record.lead_reviewer, required=False)
    commissioned_ok = _date(errors, path, "commissioned_on", record.commissioned_on, today=now)
    commissioned = record.commissioned_on if commissioned_ok else None
    for name in ("tor_agreed_on", "draft_on", "signed_off_on", "published_on"):
        value: date | None = getattr(record, name)
        if _date(errors, path, name, value, today=now):
            _not_before(
                errors, path, name, value, earlier=commissioned, earlier_name="commissioning date"
            )
    if record.signed_off_on is not None and record.published_on is not None:
        _not_before(
            errors,
            path,
            "published_on",
            record.published_on,
            earlier=record.signed_off_on,
            earlier_name="sign-off date",
        )
    _cost(errors, join(path, "cost_gbp"), record.cost_gbp)
    _children(errors, join(path, "children"), record.children, now)
    seen: set[str] = set()
    for i, theme in enumerate(record.themes):
        if theme in seen:
            errors.append(FieldError(join(path, f"themes[{i}]"), f"{theme!r} is listed twice"))
        seen.add(theme)
    _parallel_processes(errors, path, record, now)
    for i, contribution in enumerate(record.family_contributions):
        item = join(path, f"family_contributions[{i}]")
        _text(errors, item, "who", contribution.who)
        _text(errors, item, "facilitated_by", contribution.facilitated_by, required=False)
        _date(errors, item, "on", contribution.on, today=now)
    _ids(errors, path, "learning_points", record.learning_points)
    if record.learning_summary is not None:
        item = join(path, "learning_summary")
        _date(errors, item, "published_on", record.learning_summary.published_on, today=now)
        _text(errors, item, "link", record.learning_summary.link, max_length=LINK_MAX)
    _pauses(errors, join(path, "clock_pauses"), record.clock_pauses, now)
    return errors


def _cost(errors: list[FieldError], cost_path: str, cost: Decimal | None) -> None:
    """A review's cost: none, or pounds and pence from zero to a plausible amount."""
    if cost is None:
        return
    if not isinstance(cost, Decimal) or not cost.is_finite():
        errors.append(FieldError(cost_path, "must be an amount in pounds"))
    elif cost < 0:
        errors.append(FieldError(cost_path, "must be zero or more"))
    elif cost > MAX_COST:
        errors.append(FieldError(cost_path, "is implausibly large; check the amount"))
    elif cost != cost.quantize(Decimal("0.01")):
        errors.append(FieldError(cost_path, "must be in pounds and pence (two decimal places)"))


def _parallel_processes(errors: list[FieldError], path: str, record: Review, now: date) -> None:
    """Each parallel process concluded (if it has) after it started, and not in the future."""
    for i, process in enumerate(record.parallel_processes):
        item = join(path, f"parallel_processes[{i}]")
        started_ok = _date(errors, item, "started_on", process.started_on, today=now)
        if _date(errors, item, "concluded_on", process.concluded_on, today=now):
            _not_before(
                errors,
                item,
                "concluded_on",
                process.concluded_on,
                earlier=process.started_on if started_ok else None,
                earlier_name="start date",
            )
        _narrative(errors, item, "notes", process.notes)


def validate_recommendation(
    record: Recommendation, *, path: str = "", today: date | None = None
) -> list[FieldError]:
    """Check a recommendation with its actions and their progress updates: number 1 or
    more, a reason when not implemented, evidence when impact is evidenced, updates in date
    order and not in the future."""
    now = _today(today)
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    _identifier(errors, path, "review", record.review)
    _whole_number(errors, path, "number", record.number, low=1, high=None)
    _text(errors, path, "text", record.text, max_length=NARRATIVE_MAX, single_line=False)
    _identifier(errors, path, "lead_agency", record.lead_agency)
    _date(errors, path, "due", record.due)
    if (
        record.status == RecommendationStatus.NOT_IMPLEMENTED
        and not (record.reason_not_implemented or "").strip()
    ):
        errors.append(
            FieldError(
                join(path, "reason_not_implemented"), "give the reason it was not implemented"
            )
        )
    _narrative(errors, path, "reason_not_implemented", record.reason_not_implemented)
    if (
        record.status == RecommendationStatus.IMPACT_EVIDENCED
        and not (record.evidence_of_impact or "").strip()
    ):
        errors.append(
            FieldError(join(path, "evidence_of_impact"), "describe the evidence of impact")
        )
    _narrative(errors, path, "evidence_of_impact", record.evidence_of_impact)
    _closure_steps(errors, path, record, now)
    for i, action in enumerate(record.actions):
        item = join(path, f"actions[{i}]")
        _identifier(errors, item, "id", action.id)
        _identifier(errors, item, "owner_agency", action.owner_agency)
        _text(
            errors,
            item,
            "description",
            action.description,
            max_length=NARRATIVE_MAX,
            single_line=False,
        )
        _date(errors, item, "due", action.due)
        previous: date | None = None
        for j, update in enumerate(action.updates):
            update_path = join(item, f"updates[{j}]")
            if _date(errors, update_path, "on", update.on, today=now):
                if previous is not None and update.on < previous:
                    errors.append(
                        FieldError(
                            join(update_path, "on"),
                            f"{short_date(update.on)} is before the previous update "
                            f"({short_date(previous)}); updates are kept in date order",
                        )
                    )
                previous = update.on
            _narrative(errors, update_path, "note", update.note)
            if update.by is not None:
                _identifier(errors, update_path, "by", update.by)
            if update.meeting is not None:
                _identifier(errors, update_path, "meeting", update.meeting)
    return errors


#: The closure steps in their order: field prefix, and the date's name in messages.
CLOSURE_STEP_DATES = (
    ("completed", "completion date"),
    ("verified", "verification date"),
    ("impact_evidenced", "date impact was evidenced"),
)


def _closure_steps(errors: list[FieldError], path: str, record: Recommendation, now: date) -> None:
    # Only what holds for any stored record: dates in order, not ahead, and no "who" without
    # its date. Which steps a status needs is `tracker.closure_problems` (new records only:
    # an older file without closure steps still imports).
    previous: tuple[date, str] | None = None
    for step, date_name in CLOSURE_STEP_DATES:
        on: date | None = getattr(record, f"{step}_on")
        by: str | None = getattr(record, f"{step}_by")
        on_name = f"{step}_on"
        if _date(errors, path, on_name, on, today=now):
            if previous is not None:
                _not_before(
                    errors, path, on_name, on, earlier=previous[0], earlier_name=previous[1]
                )
            assert on is not None
            previous = (on, date_name)
        _text(errors, path, f"{step}_by", by, required=False)
        if on is None and by is not None and by.strip():
            errors.append(FieldError(join(path, on_name), f"give the {date_name} as well as who"))


def validate_meeting(record: Meeting, *, path: str = "") -> list[FieldError]:
    """Check a meeting: nobody both attending and sending apologies, nobody listed twice."""
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    # A meeting may be scheduled ahead, so its date may be in the future.
    _date(errors, path, "date", record.date)
    _ids(errors, path, "attendees", record.attendees)
    _ids(errors, path, "referrals_considered", record.referrals_considered)
    _ids(errors, path, "apologies", record.apologies)
    attending = set(record.attendees)
    for i, member in enumerate(record.apologies):
        if member in attending:
            errors.append(
                FieldError(
                    join(path, f"apologies[{i}]"),
                    f"{member!r} is also listed as attending; keep them in one list",
                )
            )
    _narrative(errors, path, "notes", record.notes)
    _narrative(errors, path, "agenda", record.agenda)
    _narrative(errors, path, "declarations_of_interest", record.declarations_of_interest)
    return errors


def validate_learning_event(record: LearningEvent, *, path: str = "") -> list[FieldError]:
    """Check a learning event: a title, and an attendance of zero or more."""
    errors: list[FieldError] = []
    _identifier(errors, path, "id", record.id)
    _date(errors, path, "date", record.date)
    _text(errors, path, "title", record.title, max_length=TITLE_MAX)
    _ids(errors, path, "reviews", record.reviews)
    _whole_number(errors, path, "attendance", record.attendance, low=0, high=None)
    return errors


def validate_report_text(record: ReportText, *, path: str = "") -> list[FieldError]:
    """Check a narrative section of an annual report: a year from 2000 to 2100."""
    errors: list[FieldError] = []
    _whole_number(errors, path, "year", record.year, low=FIRST_REPORT_YEAR, high=LAST_REPORT_YEAR)
    _narrative(errors, path, "text", record.text, max_length=REPORT_TEXT_MAX)
    return errors


def validate_record(
    record: Record, *, path: str = "", today: date | None = None
) -> list[FieldError]:
    """Check any document record with the validator for its type."""
    match record:
        case Agency():
            return validate_agency(record, path=path)
        case Member():
            return validate_member(record, path=path)
        case LearningPoint():
            return validate_learning_point(record, path=path)
        case Referral():
            return validate_referral(record, path=path, today=today)
        case Review():
            return validate_review(record, path=path, today=today)
        case Recommendation():
            return validate_recommendation(record, path=path, today=today)
        case Meeting():
            return validate_meeting(record, path=path)
        case LearningEvent():
            return validate_learning_event(record, path=path)
        case ReportText():
            return validate_report_text(record, path=path)
    raise TypeError(f"not a document record: {type(record).__name__}")  # pragma: no cover
