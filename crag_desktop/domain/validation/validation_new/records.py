"""The domain rules every writer applies: forms, the import, the demo data, the services.

Each `validate_<record>` returns a list of `FieldError` (empty when the record is fine) and
never raises, whatever the text holds: the GUI shows the messages beside the fields and the
import prints them with their JSON paths. Paths join as "children[1].age_years"; a form
passes no prefix, the import passes "$.referrals[0]".

Decision outcome mapping (what the rules' outcome lets the chair decide without giving a
reason):

- ``scr_required`` -> ``scr``;
- ``notifiable_lcspr_indicated`` -> ``lcspr``;
- ``scr_not_required``, ``notifiable_lcspr_not_indicated``, ``not_notifiable`` ->
  ``alternative_review`` or ``no_further_action``;
- ``insufficient_information`` -> any decision, always with a reason.

Any other pairing needs ``reason_if_different``.

Identifier kinds, used by `known_ids` and in messages, are the document's list names plus
``"actions"`` (agency action ids, unique across the whole document).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from crag_desktop.domain.criteria import RULE_SETS, evaluate
from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import (
    Agency,
    Child,
    ClockPause,
    CriteriaDecision,
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
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    PanelResponse,
    RecommendationStatus,
)
from crag_desktop.domain.wording import short_date

_K = TypeVar("_K")

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

SHORT_MAX = 200
TITLE_MAX = 500
LINK_MAX = 2_000
NARRATIVE_MAX = 20_000
REPORT_TEXT_MAX = 200_000
MAX_AGE_YEARS = 24
MAX_AGE_MONTHS = 11
FIRST_REPORT_YEAR = 2000
LAST_REPORT_YEAR = 2100
#: No safeguarding record predates this; an earlier date is a typing slip in the year.
EARLIEST_DATE = date(1950, 1, 1)
#: Costs above this are a slip of the keyboard; it also keeps every cost exact as a JSON float.
MAX_COST = Decimal(1_000_000_000)

#: Which decisions each rules outcome allows without a reason (see the module docstring).
COMPATIBLE_DECISIONS: Mapping[str, frozenset[DecidedOutcome]] = {
    "scr_required": frozenset({DecidedOutcome.SCR}),
    "notifiable_lcspr_indicated": frozenset({DecidedOutcome.LCSPR}),
    "scr_not_required": frozenset(
        {DecidedOutcome.ALTERNATIVE_REVIEW, DecidedOutcome.NO_FURTHER_ACTION}
    ),
    "notifiable_lcspr_not_indicated": frozenset(
        {DecidedOutcome.ALTERNATIVE_REVIEW, DecidedOutcome.NO_FURTHER_ACTION}
    ),
    "not_notifiable": frozenset(
        {DecidedOutcome.ALTERNATIVE_REVIEW, DecidedOutcome.NO_FURTHER_ACTION}
    ),
    "insufficient_information": frozenset(),
}

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


def _decision_words(outcome: object) -> str:
    try:
        return DecidedOutcome(str(outcome)).label.lower()
    except ValueError:
        return str(outcome)


def _outcome_words(record: CriteriaDecision) -> str:
    rs = RULE_SETS.get(record.rule_set)
    try:
        return rs.outcome_label(record.rules_outcome).lower() if rs else record.rules_outcome
    except ValueError:
        return record.rules_outcome


@dataclass(frozen=True, slots=True)
class IdUse:
    """One place an id is defined or referred to: its path, its kind and the id itself."""

    path: str
    kind: str
    id: str


# ---------------------------------------------------------------------------------------
# Paths and sorting


def join(path: str, name: str) -> str:
    """Join a field name or "[i]" index onto a path ("" for a form, "$.referrals[0]")."""
    # Called for every field of every record an import checks (1.5 million times for
    # 20,000 referrals): the common cases first, without building new strings.
    if path and path[-1] != ".":
        return path + name if name[:1] == "[" else path + "." + name
    path = path.rstrip(".")
    if not path:
        return name
    if name.startswith("["):
        return path + name
    return f"{path}.{name}"


#: What an import is told about an id the database already holds.
ID_TAKEN = "id already exists in the database"


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def key_path(path: str, key: str) -> str:
    """Join a mapping key onto a path: ``.key``, or ``["odd key"]`` when it is not a plain
    name (cut short, so that a huge key does not make a huge message)."""
    if _IDENTIFIER.match(key):
        return join(path, key)
    shown = key if len(key) <= 60 else key[:60] + "…"
    return path.rstrip(".") + "[" + json.dumps(shown, ensure_ascii=False) + "]"


def _path_key(error: FieldError) -> tuple[tuple[tuple[int, int | str], ...], str]:
    # Natural order, so that "[10]" follows "[9]" rather than "[1]".
    parts = tuple(
        # [0-9] rather than \d: "²" is a digit to \d and str.isdigit() but not to int().
        (0, int(p)) if p.isascii() and p.isdigit() else (1, p)
        for p in re.split(r"([0-9]+)", error.path)
        if p
    )
    return parts, error.message


def sort_errors(errors: Iterable[FieldError]) -> list[FieldError]:
    """Errors without duplicates, in path order (indices compared as numbers)."""
    return sorted(set(errors), key=_path_key)


# ---------------------------------------------------------------------------------------
# Field checks: each appends to `errors` and returns nothing, so a record's checks read as
# a list of rules.


def _bad_character(text: str, *, single_line: bool, identifier: bool) -> str | None:
    # Fast path, in C: every character this looks for (Cc, Cf, Cs) is "non-printable" to
    # str.isprintable, so printable text (nearly all text) needs no look at each character.
    if text.isprintable() or (
        not single_line and text.replace("\n", "").replace("\t", "").isprintable()
    ):
        return None
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            return "contains an invalid character (a lone surrogate); retype the text"
        if category == "Cc":
            if ch == "\n" and not single_line:
                continue
            if ch == "\t" and not single_line:
                continue
            if ch in "\n\t":
                return "must be on one line (no line breaks or tabs)"
            name = "NUL" if ch == "\0" else f"U+{ord(ch):04X}"
            return f"contains a control character ({name}); remove it"
        if identifier and category == "Cf":
            # Invisible formatting (zero-width spaces, bidi overrides) would make two
            # pseudonyms or references that look identical differ, or reorder what is shown.
            return (
                f"contains an invisible formatting character (U+{ord(ch):04X}), which is "
                "not allowed in a name or reference"
            )
    return None


def _at(path: str, name: str) -> str:
    """Where a field's error points: `name` joined onto `path` ("" names `path` itself).

    The checks take the record's path and the field's name apart and join them only for an
    error: an import checks over a million fields, nearly all of them fine."""
    return join(path, name) if name else path


def _text_problem(
    value: object,
    *,
    required: bool = True,
    max_length: int = SHORT_MAX,
    single_line: bool = True,
    identifier: bool = False,
) -> str | None:
    """What is wrong with a text value (not None), or None when nothing is."""
    if not isinstance(value, str):
        return "must be text"
    if required and not value.strip():
        return "must not be blank"
    if len(value) > max_length:
        return f"is too long ({len(value):,} characters; at most {max_length:,})"
    return _bad_character(value, single_line=single_line, identifier=identifier)


def _text(
    errors: list[FieldError],
    path: str,
    name: str,
    value: str | None,
    *,
    required: bool = True,
    max_length: int = SHORT_MAX,
    single_line: bool = True,
    identifier: bool = False,
    key: str | None = None,
) -> None:
    """Check a text field; with `key`, the value (or the key itself) under `key` of the
    mapping field `name` (its path then ends `name["odd key"]` or `name.key`)."""
    if value is None:
        return
    if (
        type(value) is str
        and len(value) <= max_length
        and value.isprintable()
        and not (required and (not value or value.isspace()))
    ):
        # Nearly every value: printable text of an allowed length, not blank where it is
        # required. Every character the full check looks for (controls, line breaks, tabs,
        # invisible formatting, surrogates) is one str.isprintable refuses.
        return
    problem = _text_problem(
        value,
        required=required,
        max_length=max_length,
        single_line=single_line,
        identifier=identifier,
    )
    if problem:
        where = _at(path, name) if key is None else key_path(join(path, name), key)
        errors.append(FieldError(where, problem))


def _narrative(
    errors: list[FieldError],
    path: str,
    name: str,
    value: str | None,
    *,
    max_length: int = NARRATIVE_MAX,
) -> None:
    _text(errors, path, name, value, required=False, max_length=max_length, single_line=False)


def _identifier(errors: list[FieldError], path: str, name: str, value: str | None) -> None:
    _text(errors, path, name, value, identifier=True)


def _date(
    errors: list[FieldError],
    path: str,
    name: str,
    value: date | None,
    *,
    today: date | None = None,
) -> bool:
    """Check a date is plausible; `today` given means it cannot be in the future.

    Returns whether the date is usable for comparisons with other dates."""
    if value is None:
        return False
    if not isinstance(value, date):
        errors.append(FieldError(_at(path, name), "must be a date"))
        return False
    if value < EARLIEST_DATE:
        errors.append(
            FieldError(_at(path, name), f"{short_date(value)} is too early; check the year")
        )
        return False
    if today is not None and value > today:
        errors.append(
            FieldError(
                _at(path, name),
                f"{short_date(value)} is in the future (today is {short_date(today)})",
            )
        )
        return False
    return True


def _not_before(
    errors: list[FieldError],
    path: str,
    name: str,
    value: date | None,
    *,
    earlier: date | None,
    earlier_name: str,
) -> None:
    if (
        isinstance(value, date)
        and isinstance(earlier, date)
        and value >= EARLIEST_DATE
        and value < earlier
    ):
        errors.append(
            FieldError(
                _at(path, name),
                f"{short_date(value)} is before the {earlier_name} ({short_date(earlier)})",
            )
        )


def _whole_number(
    errors: list[FieldError],
    path: str,
    name: str,
    value: int | None,
    *,
    low: int,
    high: int | None,
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(_at(path, name), "must be a whole number"))
        return
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        errors.append(FieldError(_at(path, name), f"must be {bound} (it is {value})"))


def _ids(errors: list[FieldError], path: str, name: str, values: Sequence[str]) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        problem = _text_problem(value, identifier=True) if value is not None else None
        if problem:
            errors.append(FieldError(join(_at(path, name), f"[{i}]"), problem))
        if value in seen:
            errors.append(FieldError(join(_at(path, name), f"[{i}]"), f"{value!r} is listed twice"))
        seen.add(value)


def _today(today: date | None) -> date:
    return date.today() if today is None else today


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


def _criteria_errors(decision: CriteriaDecision, path: str) -> list[FieldError]:
    """Check the answers with the rule set's own evaluator (under the version recorded),
    and that the recorded rules outcome is what they give."""
    errors: list[FieldError] = []
    if decision.rule_set not in RULE_SETS:
        known = ", ".join(RULE_SETS)
        errors.append(
            FieldError(join(path, "rule_set"), f"is not a known rule set (one of {known})")
        )
        return errors
    try:
        result = evaluate(
            decision.rule_set, dict(decision.answers), version=decision.rule_set_version
        )
    except ValueError as exc:
        errors.append(_evaluator_error(decision, path, str(exc)))
        return errors
    if result.outcome != decision.rules_outcome:
        errors.append(
            FieldError(
                join(path, "rules_outcome"),
                f"rules outcome does not match the answers under {decision.rule_set} "
                f"(the answers give {result.outcome})",
            )
        )
    return errors


def _evaluator_error(decision: CriteriaDecision, path: str, message: str) -> FieldError:
    # The evaluator starts its messages with the key at fault ("child_died: ..."), or
    # "version:" for an unknown version; point the error at that field.
    head, sep, rest = message.partition(": ")
    if sep and head == "version":
        return FieldError(join(path, "rule_set_version"), rest)
    if sep and head in decision.answers:
        return FieldError(key_path(join(path, "answers"), head), rest)
    quoted = re.match(r"'([^']*)' ", message)
    if quoted and quoted.group(1) in decision.answers:
        return FieldError(key_path(join(path, "answers"), quoted.group(1)), message)
    return FieldError(join(path, "answers"), message or "the answers are not valid")


def validate_decision(
    record: CriteriaDecision,
    *,
    path: str = "",
    received: date | None = None,
    today: date | None = None,
) -> list[FieldError]:
    """Check a criteria decision: answers and rules outcome agree with the rule set, the
    chair's decision fits the rules outcome or has a reason, the panel loop is in order,
    and it was not decided before the referral was `received` nor in the future."""
    now = _today(today)
    errors: list[FieldError] = []
    _decision_answers(errors, record, path)
    _decision_reason(errors, record, path)
    _decision_alternative(errors, record, path)
    _text(
        errors,
        path,
        "rationale",
        record.rationale,
        max_length=NARRATIVE_MAX,
        single_line=False,
    )
    if _date(errors, path, "decided_on", record.decided_on, today=now):
        _not_before(
            errors,
            path,
            "decided_on",
            record.decided_on,
            earlier=received,
            earlier_name="date received",
        )
    if record.meeting is not None:
        _identifier(errors, path, "meeting", record.meeting)
    _panel_loop(errors, record, join(path, "panel"), now)
    _decision_evidence_and_people(errors, record, path)
    return errors


def _decision_answers(errors: list[FieldError], record: CriteriaDecision, path: str) -> None:
    """The rule set, the answers, and what the rule set makes of them."""
    _identifier(errors, path, "rule_set", record.rule_set)
    for key, answer in record.answers.items():
        _text(errors, path, "answers", key, key=key, identifier=True)
        if isinstance(answer, str):
            _text(errors, path, "answers", answer, key=key, identifier=True)
    # The evaluator is only asked about answers that are well-formed text.
    if not errors:
        errors.extend(_criteria_errors(record, path))
    _identifier(errors, path, "rule_set_version", record.rule_set_version)


def _decision_reason(errors: list[FieldError], record: CriteriaDecision, path: str) -> None:
    """A decision the rules outcome does not lead to needs a reason."""
    outcome = record.decided_outcome
    compatible = COMPATIBLE_DECISIONS.get(record.rules_outcome, frozenset())
    if outcome not in compatible and not (record.reason_if_different or "").strip():
        if record.rules_outcome == "insufficient_information":
            message = (
                "give a reason: the rules could not decide (insufficient information), "
                "so the decision needs a reason"
            )
        else:
            # In the secretariat's words, never the codes ("lcspr") the record stores.
            message = (
                f"give a reason: the decision ({_decision_words(outcome)}) differs from the "
                f"outcome under the rules ({_outcome_words(record)})"
            )
        errors.append(FieldError(join(path, "reason_if_different"), message))
    _narrative(errors, path, "reason_if_different", record.reason_if_different)


def _decision_alternative(errors: list[FieldError], record: CriteriaDecision, path: str) -> None:
    """The kind of review commissioned instead: given exactly when the decision is one."""
    alt_path = join(path, "alternative_review_type")
    if record.decided_outcome == DecidedOutcome.ALTERNATIVE_REVIEW:
        if record.alternative_review_type is None:
            errors.append(FieldError(alt_path, "choose the kind of review commissioned instead"))
        elif record.alternative_review_type not in AlternativeReviewType.codes():
            errors.append(FieldError(alt_path, "is not a kind of review"))
    elif record.alternative_review_type is not None:
        errors.append(
            FieldError(alt_path, "only applies when the decision is another kind of review")
        )


def _panel_loop(
    errors: list[FieldError], record: CriteriaDecision, panel_path: str, now: date
) -> None:
    """Sent to the National Panel after the decision, answered after it was sent."""
    panel = record.panel
    sent_ok = _date(errors, panel_path, "sent_on", panel.sent_on, today=now)
    if sent_ok:
        _not_before(
            errors,
            panel_path,
            "sent_on",
            panel.sent_on,
            earlier=record.decided_on,
            earlier_name="decision date",
        )
    responded_path = join(panel_path, "responded_on")
    if _date(errors, responded_path, "", panel.responded_on, today=now):
        if panel.sent_on is None:
            errors.append(FieldError(responded_path, "give the date sent to the panel first"))
        else:
            _not_before(
                errors,
                responded_path,
                "",
                panel.responded_on,
                earlier=panel.sent_on,
                earlier_name="date sent",
            )
        if panel.response == PanelResponse.PENDING:
            errors.append(FieldError(join(panel_path, "response"), "record the panel's response"))
    if panel.response != PanelResponse.PENDING and panel.responded_on is None:
        errors.append(FieldError(responded_path, "give the date of the panel's response"))
    _narrative(errors, panel_path, "board_reply", panel.board_reply)


def _decision_evidence_and_people(
    errors: list[FieldError], record: CriteriaDecision, path: str
) -> None:
    """The evidence behind each answer, the members present and the people invited."""
    for key, text in record.evidence.items():
        _text(errors, path, "evidence", key, key=key, identifier=True)
        _text(
            errors,
            path,
            "evidence",
            text,
            key=key,
            required=False,
            max_length=NARRATIVE_MAX,
            single_line=False,
        )
    _ids(errors, path, "attendees", record.attendees)
    for index, person in enumerate(record.invited):
        person_path = join(join(path, "invited"), f"[{index}]")
        _text(errors, person_path, "name", person.name)
        _text(errors, person_path, "role", person.role, required=False)


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


# ---------------------------------------------------------------------------------------
# Identifiers and cross-references


def record_ids(record: Record, *, path: str) -> list[IdUse]:
    """The ids a record defines: its own (none for report text) and its actions'."""
    kinds: dict[type, str] = {
        Agency: "agencies",
        Member: "members",
        LearningPoint: "learning_points",
        Referral: "referrals",
        Review: "reviews",
        Recommendation: "recommendations",
        Meeting: "meetings",
        LearningEvent: "learning_events",
    }
    if isinstance(record, ReportText):
        return []
    uses = [IdUse(join(path, "id"), kinds[type(record)], record.id)]
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
    ids: list[IdUse] = []
    numbers: dict[tuple[str, int], str] = {}
    sections: dict[tuple[int, str], str] = {}
    for path, record in entries:
        ids.extend(record_ids(record, path=path))
    ids.extend(extra_ids)
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
