"""What a use case changed, so that screens refresh only what they show."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Changes", "RecordKey"]

#: (record type, id): e.g. ("referral", "R1"); report texts use "year/section" as the id.
RecordKey = tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class Changes:
    """The records a mutation created, updated and deleted."""

    created: frozenset[RecordKey] = field(default_factory=frozenset)
    updated: frozenset[RecordKey] = field(default_factory=frozenset)
    deleted: frozenset[RecordKey] = field(default_factory=frozenset)

    @classmethod
    def of_created(cls, record_type: str, *ids: str) -> Changes:
        """Records of one type created."""
        return cls(created=frozenset((record_type, i) for i in ids))

    @classmethod
    def of_updated(cls, record_type: str, *ids: str) -> Changes:
        """Records of one type updated."""
        return cls(updated=frozenset((record_type, i) for i in ids))

    @classmethod
    def of_deleted(cls, record_type: str, *ids: str) -> Changes:
        """Records of one type deleted."""
        return cls(deleted=frozenset((record_type, i) for i in ids))

    def merge(self, other: Changes) -> Changes:
        """Both sets of changes: a record created then deleted counts as deleted only."""
        deleted = self.deleted | other.deleted
        created = (self.created | other.created) - deleted
        updated = (self.updated | other.updated) - deleted - created
        return Changes(created=created, updated=updated, deleted=deleted)

    def touches(self, record_type: str) -> bool:
        """Whether any record of `record_type` was created, updated or deleted."""
        return any(kind == record_type for kind, _ in self.created | self.updated | self.deleted)

    def ids(self, record_type: str) -> frozenset[str]:
        """The ids of `record_type` that changed in any way."""
        return frozenset(
            key for kind, key in self.created | self.updated | self.deleted if kind == record_type
        )

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.deleted)
