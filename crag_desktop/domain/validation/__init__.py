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

Where each part lives: `fields` (limits, paths and the checks of single fields), `records`
(each kind of record's rules), `decisions` (a criteria decision's rules) and `document`
(ids, references and a whole document).
"""

from __future__ import annotations

from crag_desktop.domain.validation.decisions import (
    COMPATIBLE_DECISIONS,
    validate_decision,
)
from crag_desktop.domain.validation.document import (
    DOCUMENT_LISTS,
    IdUse,
    check_identifiers,
    document_entries,
    record_ids,
    record_references,
    validate_document,
    validate_entries,
)
from crag_desktop.domain.validation.fields import (
    EARLIEST_DATE,
    FIRST_REPORT_YEAR,
    ID_TAKEN,
    LAST_REPORT_YEAR,
    LINK_MAX,
    MAX_AGE_MONTHS,
    MAX_AGE_YEARS,
    MAX_COST,
    NARRATIVE_MAX,
    REPORT_TEXT_MAX,
    SHORT_MAX,
    TITLE_MAX,
    join,
    key_path,
    sort_errors,
)
from crag_desktop.domain.validation.records import (
    CLOSURE_STEP_DATES,
    Record,
    validate_agency,
    validate_child,
    validate_clock_pause,
    validate_learning_event,
    validate_learning_point,
    validate_meeting,
    validate_member,
    validate_recommendation,
    validate_record,
    validate_referral,
    validate_report_text,
    validate_review,
)

__all__ = [
    "CLOSURE_STEP_DATES",
    "COMPATIBLE_DECISIONS",
    "DOCUMENT_LISTS",
    "EARLIEST_DATE",
    "FIRST_REPORT_YEAR",
    "ID_TAKEN",
    "LAST_REPORT_YEAR",
    "LINK_MAX",
    "MAX_AGE_MONTHS",
    "MAX_AGE_YEARS",
    "MAX_COST",
    "NARRATIVE_MAX",
    "REPORT_TEXT_MAX",
    "SHORT_MAX",
    "TITLE_MAX",
    "IdUse",
    "Record",
    "check_identifiers",
    "document_entries",
    "join",
    "key_path",
    "record_ids",
    "record_references",
    "sort_errors",
    "validate_agency",
    "validate_child",
    "validate_clock_pause",
    "validate_decision",
    "validate_document",
    "validate_entries",
    "validate_learning_event",
    "validate_learning_point",
    "validate_meeting",
    "validate_member",
    "validate_recommendation",
    "validate_record",
    "validate_referral",
    "validate_report_text",
    "validate_review",
]
