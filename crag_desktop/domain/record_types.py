"""The kinds of record the secretariat keeps, each defined once.

A `RecordType` names a kind wherever one is meant: the audit log's record type, what a save
changed (`services.changes.Changes`), a draft's key, the screens that list it. Its value is
the word stored in the audit log and the drafts ("learning_point"), so a member compares
equal to the text already there. Storage (how each kind is kept) and the record service
(how each is checked, named and audited) read their own tables keyed by it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from crag_desktop.domain.records import (
    Agency,
    LearningEvent,
    LearningPoint,
    Meeting,
    Member,
    Recommendation,
    Referral,
    ReportText,
    Review,
)

__all__ = ["RecordType", "record_key"]


class RecordType(StrEnum):
    """One kind of record kept on its own (with its parts: a referral's children...)."""

    AGENCY = "agency"
    MEMBER = "member"
    LEARNING_POINT = "learning_point"
    REFERRAL = "referral"
    REVIEW = "review"
    RECOMMENDATION = "recommendation"
    MEETING = "meeting"
    LEARNING_EVENT = "learning_event"
    REPORT_TEXT = "report_text"

    @property
    def noun(self) -> str:
        """The kind in a sentence: "learning point"."""
        return self.value.replace("_", " ")

    @property
    def record_class(self) -> type[Any]:
        """The domain dataclass of this kind."""
        return _CLASSES[self]

    @classmethod
    def of(cls, record: object) -> RecordType:
        """The kind of `record` (a record or a record class); TypeError for anything else."""
        record_class = record if isinstance(record, type) else type(record)
        for kind, known in _CLASSES.items():
            if known is record_class:
                return kind
        raise TypeError(f"{record_class.__name__} is not a kind of record")


_CLASSES: dict[RecordType, type[Any]] = {
    RecordType.AGENCY: Agency,
    RecordType.MEMBER: Member,
    RecordType.LEARNING_POINT: LearningPoint,
    RecordType.REFERRAL: Referral,
    RecordType.REVIEW: Review,
    RecordType.RECOMMENDATION: Recommendation,
    RecordType.MEETING: Meeting,
    RecordType.LEARNING_EVENT: LearningEvent,
    RecordType.REPORT_TEXT: ReportText,
}


def record_key(record: object) -> str:
    """The id a record is found, audited and changed by: its id, or a report text's
    "year/section" (one text per section of each year's report)."""
    if isinstance(record, ReportText):
        return f"{record.year}/{record.section.value}"
    key = getattr(record, "id", None)
    if not isinstance(key, str):
        raise TypeError(f"{type(record).__name__} is not a kind of record")
    return key
