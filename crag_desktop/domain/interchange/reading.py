"""JSON to records: `parse_document` checks the schema, real calendar dates, every record's
rules and the document's ids and references, and returns a `Document` only when all pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from crag_desktop.domain.criteria import RULE_SETS
from crag_desktop.domain.errors import FieldError, ValidationFailed
from crag_desktop.domain.interchange.schema import (
    JSONObject,
    _schema_errors,
    _show,
    json_path,
)
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
from crag_desktop.domain.validation import (
    DOCUMENT_LISTS,
    IdUse,
    Record,
    join,
    sort_errors,
    validate_entries,
)
from crag_desktop.domain.vocabulary import (
    ABUSE_CATEGORY_BY_CODE,
    AGENCY_KIND_BY_CODE,
    ALTERNATIVE_REVIEW_TYPE_BY_CODE,
    DECIDED_OUTCOME_BY_CODE,
    INCIDENT_TYPE_BY_CODE,
    LEGAL_STATUS_BY_CODE,
    METHODOLOGY_BY_CODE,
    MONITORING_GROUP_BY_CODE,
    PANEL_RESPONSE_BY_CODE,
    PARALLEL_PROCESS_STATUS_BY_CODE,
    PARALLEL_PROCESS_TYPE_BY_CODE,
    RECOMMENDATION_SCOPE_BY_CODE,
    RECOMMENDATION_STATUS_BY_CODE,
    REFERRAL_STATUS_BY_CODE,
    REPORT_SECTION_BY_CODE,
    REVIEW_STATUS_BY_CODE,
    REVIEW_TYPE_BY_CODE,
    SEX_BY_CODE,
    THEME_BY_CODE,
    MonitoringGroup,
    ReferralStatus,
)

_T = TypeVar("_T")


# ---------------------------------------------------------------------------------------
# JSON -> records. Runs only on records the schema accepted, so types and enums are
# right; what is left to catch is a well-formed date that is not in the calendar.

# The schema has checked every code the records are read from: each is looked up in its
# vocabulary's dict (`vocabulary.SEX_BY_CODE`...) without a miss.


class _Reader:
    """Converts one record, collecting the dates that are not real dates."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def day(self, path: str, name: str, text: str) -> date:
        """The date `text` holds, field `name` of the record at `path` (joined only for a
        message: an import reads hundreds of thousands of dates)."""
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors.append(
                FieldError(join(path, name), f"{_show(text)} is not a date in the calendar")
            )
            return date.min

    def optional_day(self, path: str, name: str, text: str | None) -> date | None:
        return None if text is None else self.day(path, name, text)


def _listed(
    reader: _Reader,
    path: str,
    name: str,
    items: Sequence[JSONObject] | None,
    convert: Callable[[_Reader, str, JSONObject], _T],
) -> tuple[_T, ...]:
    if not items:
        return ()
    base = join(path, name)
    return tuple([convert(reader, f"{base}[{i}]", item) for i, item in enumerate(items)])


def _child(_r: _Reader, _path: str, d: JSONObject) -> Child:
    return Child(
        pseudonym=d["pseudonym"],
        sex=SEX_BY_CODE[d["sex"]],
        age_years=_int_or_none(d.get("age_years")),
        age_months=_int_or_none(d.get("age_months")),
        disability_or_sen=d["disability_or_sen"],
        legal_status=LEGAL_STATUS_BY_CODE[d["legal_status"]],
        ethnicity=d.get("ethnicity"),
    )


def _int_or_none(value: int | float | None) -> int | None:
    # The schema's "integer" admits 2.0; the record holds 2.
    return None if value is None else int(value)


def _pause(r: _Reader, path: str, d: JSONObject) -> ClockPause:
    return ClockPause(
        clock=d["clock"],
        paused_on=r.day(path, "paused_on", d["paused_on"]),
        resumed_on=r.optional_day(path, "resumed_on", d.get("resumed_on")),
        reason=d["reason"],
    )


def _decision(r: _Reader, path: str, d: JSONObject) -> CriteriaDecision:
    panel = d["panel"]
    panel_path = join(path, "panel")
    rule_set_id: str = d["rule_set"]
    version = d.get("rule_set_version")
    if version is None:
        # interchange.md: the version defaults to the rule set's current one. An unknown
        # rule set is reported by validation; its version is left blank meanwhile.
        known = RULE_SETS.get(rule_set_id)
        version = known.version if known is not None else ""
    alternative = d.get("alternative_review_type")
    return CriteriaDecision(
        rule_set=rule_set_id,
        rule_set_version=version,
        answers=dict(d["answers"]),
        rules_outcome=d["rules_outcome"],
        decided_outcome=DECIDED_OUTCOME_BY_CODE[d["decided_outcome"]],
        alternative_review_type=(
            None if alternative is None else ALTERNATIVE_REVIEW_TYPE_BY_CODE[alternative]
        ),
        reason_if_different=d.get("reason_if_different"),
        rationale=d["rationale"],
        decided_on=r.day(path, "decided_on", d["decided_on"]),
        meeting=d["meeting"],
        panel=PanelLoop(
            sent_on=r.optional_day(panel_path, "sent_on", panel["sent_on"]),
            response=PANEL_RESPONSE_BY_CODE[panel["response"]],
            responded_on=r.optional_day(panel_path, "responded_on", panel.get("responded_on")),
            board_reply=panel.get("board_reply"),
        ),
        evidence=dict(d.get("evidence", {})),
        attendees=tuple(d.get("attendees", ())),
        invited=tuple(
            InvitedAttendee(name=person["name"], role=person.get("role", ""))
            for person in d.get("invited", ())
        ),
    )


def _referral(r: _Reader, path: str, d: JSONObject) -> Referral:
    decision = d.get("decision")
    return Referral(
        id=d["id"],
        reference=d["reference"],
        received=r.day(path, "received", d["received"]),
        referring_agency=d["referring_agency"],
        case_name=d["case_name"],
        incident_date=r.optional_day(path, "incident_date", d["incident_date"]),
        incident_type=INCIDENT_TYPE_BY_CODE[d["incident_type"]],
        children=_listed(r, path, "children", d["children"], _child),
        summary=d["summary"],
        decision=None if decision is None else _decision(r, join(path, "decision"), decision),
        status=REFERRAL_STATUS_BY_CODE[d.get("status", ReferralStatus.RECEIVED)],
        abuse_categories=tuple(ABUSE_CATEGORY_BY_CODE[c] for c in d.get("abuse_categories", ())),
        learned_on=r.optional_day(path, "learned_on", d.get("learned_on")),
        notified_on=r.optional_day(path, "notified_on", d.get("notified_on")),
        notification_reference=d.get("notification_reference"),
        clock_pauses=_listed(r, path, "clock_pauses", d.get("clock_pauses"), _pause),
    )


def _cost(value: int | float | None) -> Decimal | None:
    # repr() of a float is the shortest text that reads back as the same float, so
    # 18500.5 becomes Decimal("18500.5"), not the binary expansion.
    if value is None:
        return None
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _process(r: _Reader, path: str, d: JSONObject) -> ParallelProcess:
    return ParallelProcess(
        type=PARALLEL_PROCESS_TYPE_BY_CODE[d["type"]],
        status=PARALLEL_PROCESS_STATUS_BY_CODE[d["status"]],
        started_on=r.optional_day(path, "started_on", d.get("started_on")),
        concluded_on=r.optional_day(path, "concluded_on", d.get("concluded_on")),
        notes=d["notes"],
    )


def _family(r: _Reader, path: str, d: JSONObject) -> FamilyContribution:
    return FamilyContribution(
        who=d["who"],
        facilitated_by=d["facilitated_by"],
        on=r.optional_day(path, "on", d["on"]),
        saw_report_before_publication=d["saw_report_before_publication"],
    )


def _review(r: _Reader, path: str, d: JSONObject) -> Review:
    summary = d.get("learning_summary")
    return Review(
        id=d["id"],
        referral=d["referral"],
        title=d["title"],
        type=REVIEW_TYPE_BY_CODE[d["type"]],
        methodology=METHODOLOGY_BY_CODE[d["methodology"]],
        status=REVIEW_STATUS_BY_CODE[d["status"]],
        lead_reviewer=d["lead_reviewer"],
        commissioned_on=r.day(path, "commissioned_on", d["commissioned_on"]),
        tor_agreed_on=r.optional_day(path, "tor_agreed_on", d.get("tor_agreed_on")),
        signed_off_on=r.optional_day(path, "signed_off_on", d.get("signed_off_on")),
        published_on=r.optional_day(path, "published_on", d.get("published_on")),
        cost_gbp=_cost(d["cost_gbp"]),
        children=_listed(r, path, "children", d["children"], _child),
        themes=tuple(THEME_BY_CODE[t] for t in d["themes"]),
        parallel_processes=_listed(
            r, path, "parallel_processes", d["parallel_processes"], _process
        ),
        family_contributions=_listed(
            r, path, "family_contributions", d["family_contributions"], _family
        ),
        learning_points=tuple(d["learning_points"]),
        learning_summary=(
            None
            if summary is None
            else LearningSummary(
                published_on=r.optional_day(
                    path, "learning_summary.published_on", summary["published_on"]
                ),
                link=summary["link"],
            )
        ),
        draft_on=r.optional_day(path, "draft_on", d.get("draft_on")),
        clock_pauses=_listed(r, path, "clock_pauses", d.get("clock_pauses"), _pause),
    )


def _update(r: _Reader, path: str, d: JSONObject) -> ActionUpdate:
    return ActionUpdate(
        on=r.day(path, "on", d["on"]),
        status=RECOMMENDATION_STATUS_BY_CODE[d["status"]],
        note=d["note"],
        by=d["by"],
        meeting=d.get("meeting"),
    )


def _action(r: _Reader, path: str, d: JSONObject) -> AgencyAction:
    return AgencyAction(
        id=d["id"],
        owner_agency=d["owner_agency"],
        description=d["description"],
        due=r.optional_day(path, "due", d["due"]),
        monitoring_group=MONITORING_GROUP_BY_CODE[d.get("monitoring_group", MonitoringGroup.PAQA)],
        updates=_listed(r, path, "updates", d["updates"], _update),
    )


def _recommendation(r: _Reader, path: str, d: JSONObject) -> Recommendation:
    return Recommendation(
        id=d["id"],
        review=d["review"],
        number=int(d["number"]),
        text=d["text"],
        scope=RECOMMENDATION_SCOPE_BY_CODE[d["scope"]],
        lead_agency=d["lead_agency"],
        monitoring_group=MONITORING_GROUP_BY_CODE[d["monitoring_group"]],
        due=r.optional_day(path, "due", d["due"]),
        status=RECOMMENDATION_STATUS_BY_CODE[d["status"]],
        reason_not_implemented=d.get("reason_not_implemented"),
        evidence_of_impact=d.get("evidence_of_impact"),
        actions=_listed(r, path, "actions", d["actions"], _action),
        completed_on=r.optional_day(path, "completed_on", d.get("completed_on")),
        completed_by=d.get("completed_by"),
        verified_on=r.optional_day(path, "verified_on", d.get("verified_on")),
        verified_by=d.get("verified_by"),
        impact_evidenced_on=r.optional_day(
            path, "impact_evidenced_on", d.get("impact_evidenced_on")
        ),
        impact_evidenced_by=d.get("impact_evidenced_by"),
    )


def _meeting(r: _Reader, path: str, d: JSONObject) -> Meeting:
    return Meeting(
        id=d["id"],
        date=r.day(path, "date", d["date"]),
        attendees=tuple(d["attendees"]),
        referrals_considered=tuple(d["referrals_considered"]),
        notes=d["notes"],
        agenda=d.get("agenda", ""),
        apologies=tuple(d.get("apologies", ())),
        quorate=d.get("quorate"),
        declarations_of_interest=d.get("declarations_of_interest", ""),
    )


def _learning_event(r: _Reader, path: str, d: JSONObject) -> LearningEvent:
    return LearningEvent(
        id=d["id"],
        date=r.day(path, "date", d["date"]),
        title=d["title"],
        reviews=tuple(d["reviews"]),
        attendance=_int_or_none(d["attendance"]),
    )


_READERS: Mapping[str, Callable[[_Reader, str, JSONObject], Record]] = {
    "agencies": lambda _r, _p, d: Agency(
        id=d["id"], name=d["name"], kind=AGENCY_KIND_BY_CODE[d["kind"]]
    ),
    "members": lambda _r, _p, d: Member(
        id=d["id"], name=d["name"], agency=d["agency"], role=d.get("role")
    ),
    "learning_points": lambda _r, _p, d: LearningPoint(id=d["id"], text=d["text"]),
    "referrals": _referral,
    "reviews": _review,
    "recommendations": _recommendation,
    "meetings": _meeting,
    "learning_events": _learning_event,
    "report_texts": lambda _r, _p, d: ReportText(
        year=int(d["year"]), section=REPORT_SECTION_BY_CODE[d["section"]], text=d["text"]
    ),
}

_ID_KINDS = frozenset(DOCUMENT_LISTS) - {"report_texts"}


def parse_document(
    data: object,
    *,
    known_ids: Mapping[str, set[str]] | None = None,
    today: date | None = None,
) -> Document:
    """Read an interchange document (as `json.load` returns it) into a `Document`.

    Checks, in one pass, the shipped JSON Schema, real calendar dates, every record's
    domain rules (`validation`) and the document's ids and references. `known_ids` holds
    the ids already in the database, by list name (and "actions"), when importing into an
    existing one: references may name them, new records may not reuse them. `today`
    (default: today) bounds dates that cannot be in the future.

    Raises `ValidationFailed` listing every problem, sorted by JSON path, when anything is
    wrong; nothing is returned half-read.
    """
    errors = _schema_errors(data)
    if not isinstance(data, dict):
        raise ValidationFailed(sort_errors(errors), what="The document")
    # A record the schema rejected is not converted (its fields may be any shape), but its
    # id still counts, so that references to it and duplicates of it are judged fairly.
    rejected = {_record_prefix(e.path) for e in errors}
    entries: list[tuple[str, Record]] = []
    unreadable_ids: list[IdUse] = []
    lists: dict[str, list[Any]] = {name: [] for name in DOCUMENT_LISTS}
    reader = _Reader()
    for name in DOCUMENT_LISTS:
        items = data.get(name)
        if not isinstance(items, list):
            continue
        read = _READERS[name]
        for i, item in enumerate(items):
            path = f"$.{name}[{i}]"  # json_path([name, i]): list names are plain keys
            record: Record | None = None
            if path not in rejected and isinstance(item, dict):
                found = len(reader.errors)
                converted = read(reader, path, item)
                if len(reader.errors) == found:
                    record = converted
            if record is not None:
                entries.append((path, record))
                lists[name].append(record)
            elif name in _ID_KINDS and isinstance(item, dict):
                raw_id = item.get("id")
                if isinstance(raw_id, str):
                    unreadable_ids.append(IdUse(json_path([name, i, "id"]), name, raw_id))
    errors.extend(reader.errors)
    errors.extend(
        validate_entries(entries, extra_ids=unreadable_ids, known_ids=known_ids, today=today)
    )
    if errors:
        raise ValidationFailed(sort_errors(errors), what="The document")
    return Document(**{name: tuple(records) for name, records in lists.items()})


def _record_prefix(path: str) -> str:
    """ "$.referrals[2].children[0].sex" -> "$.referrals[2]" (the top-level record)."""
    match = re.match(r"\$\.[a-z_]+\[\d+\]", path)
    return match.group(0) if match else path
