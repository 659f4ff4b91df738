"""The JSON interchange format, version 1 (design/interchange.md): parse and write.

Pure: no database and no files. `parse_document` takes what `json.load` gave and returns a
`Document` only when the shipped JSON Schema, the domain rules (`validation`) and the
cross-references all pass; otherwise it raises `ValidationFailed` listing every problem
with its JSON path, so that an import is all or nothing. `document_to_json` writes the
canonical shape, which `parse_document` reads back to an equal document.

Canonical form (what export writes, so that export -> import -> export is byte-identical):

- keys in the order of interchange.md, extras after them;
- every field interchange.md names is written, `null` when not known (also the optional
  `age_years`, `age_months`, `role`, `learning_summary`, and `learning_events`);
- the app's further optional fields (referral status, clock pauses, per-answer evidence,
  meeting agenda, ...) only when they differ from their defaults, so a document without
  them reads and writes back unchanged;
- `cost_gbp` is a JSON number holding pounds and pence, always written with a fraction
  (18500 and 18500.00 are read as 18500 pounds and written back as ``18500.0``; 1234.5 as
  ``1234.5``). Costs have at most two decimal places and stay below a billion, so a float
  holds them exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

import jsonschema
import orjson

from crag_desktop import assets
from crag_desktop.domain.criteria import RULE_SETS
from crag_desktop.domain.errors import FieldError, ValidationFailed
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
    key_path,
    sort_errors,
    validate_entries,
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
from crag_desktop.domain.wording import shorten

FORMAT = "crag-desktop"
VERSION = 1
MARKING = "OFFICIAL-SENSITIVE"

#: A JSON object as `json.load` gives it.
JSONObject = dict[str, Any]
_T = TypeVar("_T")


@cache
def _schema_text() -> str:
    return assets.read_text(*assets.INTERCHANGE_SCHEMA)


def load_schema() -> JSONObject:
    """The shipped JSON Schema for version 1 (a fresh copy each call)."""
    schema: JSONObject = json.loads(_schema_text())
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema())


# ---------------------------------------------------------------------------------------
# Schema errors in plain English


_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def json_path(parts: Iterable[str | int]) -> str:
    """A JSON path such as ``$.referrals[2].children[0].age_years`` for path parts."""
    out = "$"
    for part in parts:
        out = f"{out}[{part}]" if isinstance(part, int) else key_path(out, part)
    return out


def _show(value: object) -> str:
    if isinstance(value, str):
        # A megabyte-long value must not become a megabyte-long message.
        return json.dumps(shorten(value), ensure_ascii=False)
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    return "a list" if isinstance(value, list) else "an object"


@cache
def _fast_validator() -> Any:
    # jsonschema-rs checks a valid 100,000-referral document in a fraction of the time the
    # pure-Python validator spends resolving $refs (70% of an import). It only answers
    # "valid or not": the messages of an invalid document still come from `jsonschema`.
    import jsonschema_rs

    return jsonschema_rs.validator_for(load_schema())


def _schema_errors(data: object) -> list[FieldError]:
    if _fast_validator().is_valid(data):
        return []
    errors: list[FieldError] = []
    for error in _validator().iter_errors(data):
        errors.extend(_describe(error))
    return errors


def _describe(error: jsonschema.ValidationError) -> list[FieldError]:
    parts = list(error.absolute_path)
    path = json_path(parts)
    kind = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    if kind == "required" and isinstance(instance, dict):
        return [
            FieldError(json_path([*parts, name]), "is required")
            for name in expected
            if name not in instance
        ]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [
            FieldError(json_path([*parts, name]), "is not a recognised field")
            for name in instance
            if name not in known
        ]
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        return [FieldError(path, f"must be {wanted}, not {_show(instance)}")]
    if kind == "enum":
        choices = ", ".join("null" if c is None else str(c) for c in expected)
        return [FieldError(path, f"{_show(instance)} is not one of: {choices}")]
    if kind == "const":
        return [FieldError(path, _const_message(parts, expected, instance))]
    if kind == "pattern":
        if expected == _DATE_PATTERN:
            return [FieldError(path, f"{_show(instance)} is not a date written YYYY-MM-DD")]
        return [FieldError(path, f"{_show(instance)} is not in the expected form")]
    if kind == "minLength":
        return [FieldError(path, "must not be empty")]
    return [FieldError(path, f"is not valid ({kind} {_show(expected)})")]


def _const_message(parts: Sequence[str | int], expected: object, instance: object) -> str:
    if parts == ["version"] and isinstance(instance, int) and not isinstance(instance, bool):
        return f"this file is interchange version {instance}; this app reads version {VERSION}"
    if parts == ["format"]:
        return f"must be {_show(expected)}: this is not a CRAG Desktop interchange file"
    return f"must be {_show(expected)}, not {_show(instance)}"


# ---------------------------------------------------------------------------------------
# JSON -> records. Runs only on records the schema accepted, so types and enums are
# right; what is left to catch is a well-formed date that is not in the calendar.


# The schema has checked every code the records are read from.
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
        sex=_SEX[d["sex"]],
        age_years=_int_or_none(d.get("age_years")),
        age_months=_int_or_none(d.get("age_months")),
        disability_or_sen=d["disability_or_sen"],
        legal_status=_LEGAL_STATUS[d["legal_status"]],
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
        decided_outcome=_DECIDED_OUTCOME[d["decided_outcome"]],
        alternative_review_type=(
            None if alternative is None else _ALTERNATIVE_REVIEW_TYPE[alternative]
        ),
        reason_if_different=d.get("reason_if_different"),
        rationale=d["rationale"],
        decided_on=r.day(path, "decided_on", d["decided_on"]),
        meeting=d["meeting"],
        panel=PanelLoop(
            sent_on=r.optional_day(panel_path, "sent_on", panel["sent_on"]),
            response=_PANEL_RESPONSE[panel["response"]],
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
        incident_type=_INCIDENT_TYPE[d["incident_type"]],
        children=_listed(r, path, "children", d["children"], _child),
        summary=d["summary"],
        decision=None if decision is None else _decision(r, join(path, "decision"), decision),
        status=_REFERRAL_STATUS[d.get("status", ReferralStatus.RECEIVED)],
        abuse_categories=tuple(_ABUSE_CATEGORY[c] for c in d.get("abuse_categories", ())),
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
        type=_PARALLEL_PROCESS_TYPE[d["type"]],
        status=_PARALLEL_PROCESS_STATUS[d["status"]],
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
        type=_REVIEW_TYPE[d["type"]],
        methodology=_METHODOLOGY[d["methodology"]],
        status=_REVIEW_STATUS[d["status"]],
        lead_reviewer=d["lead_reviewer"],
        commissioned_on=r.day(path, "commissioned_on", d["commissioned_on"]),
        tor_agreed_on=r.optional_day(path, "tor_agreed_on", d.get("tor_agreed_on")),
        signed_off_on=r.optional_day(path, "signed_off_on", d.get("signed_off_on")),
        published_on=r.optional_day(path, "published_on", d.get("published_on")),
        cost_gbp=_cost(d["cost_gbp"]),
        children=_listed(r, path, "children", d["children"], _child),
        themes=tuple(_THEME[t] for t in d["themes"]),
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
        status=_RECOMMENDATION_STATUS[d["status"]],
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
        monitoring_group=_MONITORING_GROUP[d.get("monitoring_group", MonitoringGroup.PAQA)],
        updates=_listed(r, path, "updates", d["updates"], _update),
    )


def _recommendation(r: _Reader, path: str, d: JSONObject) -> Recommendation:
    return Recommendation(
        id=d["id"],
        review=d["review"],
        number=int(d["number"]),
        text=d["text"],
        scope=_RECOMMENDATION_SCOPE[d["scope"]],
        lead_agency=d["lead_agency"],
        monitoring_group=_MONITORING_GROUP[d["monitoring_group"]],
        due=r.optional_day(path, "due", d["due"]),
        status=_RECOMMENDATION_STATUS[d["status"]],
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
    "agencies": lambda _r, _p, d: Agency(id=d["id"], name=d["name"], kind=_AGENCY_KIND[d["kind"]]),
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
        year=int(d["year"]), section=_REPORT_SECTION[d["section"]], text=d["text"]
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


# ---------------------------------------------------------------------------------------
# Records -> JSON


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _child_json(child: Child) -> JSONObject:
    out: JSONObject = {
        "pseudonym": child.pseudonym,
        "sex": str(child.sex),
        "age_years": child.age_years,
        "age_months": child.age_months,
        "disability_or_sen": child.disability_or_sen,
        "legal_status": str(child.legal_status),
    }
    if child.ethnicity is not None:
        out["ethnicity"] = child.ethnicity
    return out


def _pause_json(pause: ClockPause) -> JSONObject:
    return {
        "clock": pause.clock,
        "paused_on": _iso(pause.paused_on),
        "resumed_on": _iso(pause.resumed_on),
        "reason": pause.reason,
    }


def _decision_json(decision: CriteriaDecision) -> JSONObject:
    panel = decision.panel
    out: JSONObject = {
        "rule_set": decision.rule_set,
        "rule_set_version": decision.rule_set_version,
        "answers": dict(decision.answers),
        "rules_outcome": decision.rules_outcome,
        "decided_outcome": str(decision.decided_outcome),
        "alternative_review_type": (
            None
            if decision.alternative_review_type is None
            else str(decision.alternative_review_type)
        ),
        "reason_if_different": decision.reason_if_different,
        "rationale": decision.rationale,
        "decided_on": _iso(decision.decided_on),
        "meeting": decision.meeting,
        "panel": {
            "sent_on": _iso(panel.sent_on),
            "response": str(panel.response),
            "responded_on": _iso(panel.responded_on),
            "board_reply": panel.board_reply,
        },
    }
    if decision.evidence:
        out["evidence"] = dict(decision.evidence)
    if decision.attendees:
        out["attendees"] = list(decision.attendees)
    if decision.invited:
        # The role is optional too: written only when given.
        out["invited"] = [
            {"name": person.name, **({"role": person.role} if person.role else {})}
            for person in decision.invited
        ]
    return out


def _referral_json(referral: Referral) -> JSONObject:
    out: JSONObject = {
        "id": referral.id,
        "reference": referral.reference,
        "received": _iso(referral.received),
        "referring_agency": referral.referring_agency,
        "case_name": referral.case_name,
        "incident_date": _iso(referral.incident_date),
        "incident_type": str(referral.incident_type),
        "children": [_child_json(c) for c in referral.children],
        "summary": referral.summary,
        "decision": None if referral.decision is None else _decision_json(referral.decision),
    }
    if referral.status != ReferralStatus.RECEIVED:
        out["status"] = str(referral.status)
    if referral.abuse_categories:
        out["abuse_categories"] = [str(c) for c in referral.abuse_categories]
    if referral.learned_on is not None:
        out["learned_on"] = _iso(referral.learned_on)
    if referral.notified_on is not None:
        out["notified_on"] = _iso(referral.notified_on)
    if referral.notification_reference is not None:
        out["notification_reference"] = referral.notification_reference
    if referral.clock_pauses:
        out["clock_pauses"] = [_pause_json(p) for p in referral.clock_pauses]
    return out


def _cost_json(cost: Decimal | None) -> float | None:
    return None if cost is None else float(cost)


def _review_json(review: Review) -> JSONObject:
    summary = review.learning_summary
    out: JSONObject = {
        "id": review.id,
        "referral": review.referral,
        "title": review.title,
        "type": str(review.type),
        "methodology": str(review.methodology),
        "status": str(review.status),
        "lead_reviewer": review.lead_reviewer,
        "commissioned_on": _iso(review.commissioned_on),
        "tor_agreed_on": _iso(review.tor_agreed_on),
        "signed_off_on": _iso(review.signed_off_on),
        "published_on": _iso(review.published_on),
        "cost_gbp": _cost_json(review.cost_gbp),
        "children": [_child_json(c) for c in review.children],
        "themes": [str(t) for t in review.themes],
        "parallel_processes": [
            {
                "type": str(p.type),
                "status": str(p.status),
                "started_on": _iso(p.started_on),
                "concluded_on": _iso(p.concluded_on),
                "notes": p.notes,
            }
            for p in review.parallel_processes
        ],
        "family_contributions": [
            {
                "who": f.who,
                "facilitated_by": f.facilitated_by,
                "on": _iso(f.on),
                "saw_report_before_publication": f.saw_report_before_publication,
            }
            for f in review.family_contributions
        ],
        "learning_points": list(review.learning_points),
        "learning_summary": (
            None
            if summary is None
            else {"published_on": _iso(summary.published_on), "link": summary.link}
        ),
    }
    if review.draft_on is not None:
        out["draft_on"] = _iso(review.draft_on)
    if review.clock_pauses:
        out["clock_pauses"] = [_pause_json(p) for p in review.clock_pauses]
    return out


def _update_json(update: ActionUpdate) -> JSONObject:
    out: JSONObject = {
        "on": _iso(update.on),
        "status": str(update.status),
        "note": update.note,
        "by": update.by,
    }
    if update.meeting is not None:
        out["meeting"] = update.meeting
    return out


def _recommendation_json(rec: Recommendation) -> JSONObject:
    out: JSONObject = {
        "id": rec.id,
        "review": rec.review,
        "number": rec.number,
        "text": rec.text,
        "scope": str(rec.scope),
        "lead_agency": rec.lead_agency,
        "monitoring_group": str(rec.monitoring_group),
        "due": _iso(rec.due),
        "status": str(rec.status),
        "reason_not_implemented": rec.reason_not_implemented,
        "evidence_of_impact": rec.evidence_of_impact,
        "actions": [
            {
                "id": a.id,
                "owner_agency": a.owner_agency,
                "description": a.description,
                "due": _iso(a.due),
                "monitoring_group": str(a.monitoring_group),
                "updates": [_update_json(u) for u in a.updates],
            }
            for a in rec.actions
        ],
    }
    # Closure steps (an app extension): only those recorded, so older documents round-trip.
    for step in ("completed", "verified", "impact_evidenced"):
        on: date | None = getattr(rec, f"{step}_on")
        by: str | None = getattr(rec, f"{step}_by")
        if on is not None:
            out[f"{step}_on"] = _iso(on)
        if by is not None:
            out[f"{step}_by"] = by
    return out


def _meeting_json(meeting: Meeting) -> JSONObject:
    out: JSONObject = {
        "id": meeting.id,
        "date": _iso(meeting.date),
        "attendees": list(meeting.attendees),
        "referrals_considered": list(meeting.referrals_considered),
        "notes": meeting.notes,
    }
    if meeting.agenda:
        out["agenda"] = meeting.agenda
    if meeting.apologies:
        out["apologies"] = list(meeting.apologies)
    if meeting.quorate is not None:
        out["quorate"] = meeting.quorate
    if meeting.declarations_of_interest:
        out["declarations_of_interest"] = meeting.declarations_of_interest
    return out


def document_to_json(document: Document) -> JSONObject:
    """The canonical interchange shape of a document (see the module docstring), ready for
    `json.dumps`; `parse_document` reads it back to an equal `Document`."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "marking": MARKING,
        "agencies": [{"id": a.id, "name": a.name, "kind": str(a.kind)} for a in document.agencies],
        "members": [
            {"id": m.id, "name": m.name, "agency": m.agency, "role": m.role}
            for m in document.members
        ],
        "learning_points": [{"id": p.id, "text": p.text} for p in document.learning_points],
        "referrals": [_referral_json(r) for r in document.referrals],
        "reviews": [_review_json(r) for r in document.reviews],
        "recommendations": [_recommendation_json(r) for r in document.recommendations],
        "meetings": [_meeting_json(m) for m in document.meetings],
        "learning_events": [
            {
                "id": e.id,
                "date": _iso(e.date),
                "title": e.title,
                "reviews": list(e.reviews),
                "attendance": e.attendance,
            }
            for e in document.learning_events
        ],
        "report_texts": [
            {"year": t.year, "section": str(t.section), "text": t.text}
            for t in document.report_texts
        ],
    }


def dumps(document: Document) -> str:
    """The document as interchange JSON text: canonical key order, indent 2, non-ASCII
    kept as is, ending with a newline."""
    return dump_bytes(document_to_json(document)).decode("utf-8")


def dump_bytes(data: JSONObject) -> bytes:
    """Interchange JSON (`document_to_json`'s shape, maybe with extensions) as UTF-8 bytes:
    exactly what ``json.dumps(data, indent=2, ensure_ascii=False) + "\\n"`` writes.

    orjson writes it about ten times faster (``json.dumps`` with an indent runs its pure
    Python encoder: half of an export's time). The two agree on every value a document
    holds: text (escapes and non-ASCII alike), whole numbers, and costs, which validation
    keeps to pounds and pence below a billion, where both print the shortest repr.
    """
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
