"""The audit trail is append-only and any edit, deletion, reordering or truncation shows."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from crag_desktop.domain.audit_terms import ACTIONS, RECORD_TYPES
from crag_desktop.domain.records import Child, Referral
from crag_desktop.domain.vocabulary import IncidentType, Sex
from crag_desktop.services.database import Database
from crag_desktop.storage import audit, tables
from crag_desktop.storage.audit import trail as audit_trail
from crag_desktop.storage.engine import (
    AUDIT_TRIGGERS,
    create_sqlite_triggers,
    drop_sqlite_triggers,
    raw_connect,
)

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def trail(tmp_db_path: Path) -> Path:
    """A closed database with a create event, an unlock event and five more."""
    db = Database.create(tmp_db_path, PASSPHRASE, operator="Test Officer")
    with db, db.unit_of_work() as session:
        for i in range(5):
            db.audit(
                session,
                action="update",
                record_type="referral",
                record_id=f"R{i}",
                changes=[("summary", "old", f"new {i}")],
                reason="typo",
            )
    return tmp_db_path


@pytest.fixture
def raw(trail: Path) -> Iterator[Any]:
    """A raw keyed connection with the append-only triggers dropped (an attacker's view)."""
    connection = raw_connect(trail, PASSPHRASE)

    class _Bind:
        def exec_driver_sql(self, sql: str) -> None:
            connection.execute(sql)

    drop_sqlite_triggers(_Bind())
    try:
        yield connection
    finally:
        connection.close()


def _problems(path: Path) -> list[str]:
    db = Database.open(path, PASSPHRASE, operator="Checker")
    # The checker's own unlock event follows the (possibly broken) chain.
    with db, db.unit_of_work() as session:
        return audit.verify_chain(session)


def test_intact_trail_verifies(trail: Path) -> None:
    assert _problems(trail) == []
    db = Database.open(trail, PASSPHRASE, operator="Reader")
    with db, db.unit_of_work() as session:
        events = audit.list_events(session)
        # create, five updates, the checker's unlock, then this reader's unlock.
        assert [e.action for e in events] == ["create"] + ["update"] * 5 + ["unlock"] * 2
        assert events[0].previous_hash == audit.GENESIS_HASH
        assert all(a.hash == b.previous_hash for a, b in itertools.pairwise(events))
        assert events[1].changes == (("summary", "old", "new 0"),)
        assert events[-1].operator == "Reader"
        assert [e.record_id for e in audit.list_events(session, record_type="referral")] == [
            f"R{i}" for i in range(5)
        ]
        assert len(audit.list_events(session, after_seq=3, limit=2)) == 2
        assert audit.list_events(session, newest_first=True, limit=1)[0].seq == len(events)


def test_triggers_refuse_update_and_delete(trail: Path) -> None:
    connection = raw_connect(trail, PASSPHRASE)
    try:
        with pytest.raises(Exception, match="append-only"):
            connection.execute("UPDATE audit_event SET reason = 'x' WHERE seq = 3")
        with pytest.raises(Exception, match="append-only"):
            connection.execute("DELETE FROM audit_event WHERE seq = 3")
    finally:
        connection.close()


def test_orm_session_cannot_rewrite_events(trail: Path) -> None:
    with Database.open(trail, PASSPHRASE, operator="x") as db:
        with pytest.raises(DatabaseError), db.unit_of_work() as session:
            session.connection().exec_driver_sql("DELETE FROM audit_event")
        assert db.check() == []


@pytest.mark.parametrize(
    ("tampering", "found"),
    [
        pytest.param(
            ["UPDATE audit_event SET reason = 'nothing to see' WHERE seq = 4"],
            ["event 4 was altered"],
            id="edited event",
        ),
        pytest.param(
            ["""UPDATE audit_event SET changes = '[["summary","old","forged"]]' WHERE seq=5"""],
            ["event 5 was altered"],
            id="edited change",
        ),
        pytest.param(
            ["DELETE FROM audit_event WHERE seq = 3", "UPDATE audit_head SET count = count - 1"],
            ["Audit event 3 is missing", "event 4 does not follow"],
            id="deleted event",
        ),
        pytest.param(
            [
                "UPDATE audit_event SET seq = -1 WHERE seq = 3",
                "UPDATE audit_event SET seq = 3 WHERE seq = 4",
                "UPDATE audit_event SET seq = 4 WHERE seq = -1",
            ],
            ["event 3", "event 4"],
            id="reordered events",
        ),
        pytest.param(
            ["DELETE FROM audit_event WHERE seq > 4"],
            ["newest events were removed"],
            id="truncated trail",
        ),
    ],
)
def test_tampering_with_the_trail_is_detected(
    trail: Path, raw: Any, tampering: list[str], found: list[str]
) -> None:
    for statement in tampering:
        raw.execute(statement)
    raw.close()
    problems = _problems(trail)
    for words in found:
        assert any(words in p for p in problems), words


def test_removed_head_is_detected(trail: Path, raw: Any) -> None:
    raw.execute("DROP TRIGGER IF EXISTS audit_head_no_delete")
    raw.execute("DELETE FROM audit_head")
    raw.close()
    with Database.open(trail, PASSPHRASE, operator="x") as db:
        # The next append starts a new chain at seq 1: that too is caught.
        assert db.check() != []


def test_record_diff_flattens_nested_values() -> None:
    child = Child(pseudonym="Child Q", sex=Sex.FEMALE, age_years=2)
    old = Referral(
        id="R1",
        reference="CRAG-1",
        received=date(2016, 5, 3),
        referring_agency="tvp",
        case_name="Child Q",
        incident_date=None,
        incident_type=IncidentType.DEATH,
        children=(child,),
        summary="s",
    )
    new = dataclasses.replace(
        old,
        incident_date=date(2016, 4, 1),
        children=(dataclasses.replace(child, age_years=3, disability_or_sen=True),),
    )
    assert audit.record_diff(old, new) == [
        ("incident_date", None, "2016-04-01"),
        ("children[0].age_years", "2", "3"),
        ("children[0].disability_or_sen", "no", "yes"),
    ]
    assert audit.record_diff(old, old) == []
    created = audit.record_diff(None, old)
    assert ("id", None, "R1") in created
    assert ("incident_type", None, "death") in created
    assert ("children[0].pseudonym", "Child Q", None) in audit.record_diff(old, None)


# --- The seal in the file header: wipes, truncations and rewrites with valid hashes --------


def _drop_guards(path: Path) -> Any:
    connection = raw_connect(path, PASSPHRASE)
    for name in AUDIT_TRIGGERS:
        connection.execute(f"DROP TRIGGER IF EXISTS {name}")
    return connection


def _check(path: Path) -> list[str]:
    """What `check` finds, without writing anything."""
    with Database.open(path, PASSPHRASE, operator="Checker", record_unlock=False) as db:
        return db.check()


def test_wiped_trail_and_head_are_detected(trail: Path) -> None:
    # Issue 8: dropping the triggers and deleting every event and the head passed `check`.
    connection = _drop_guards(trail)
    connection.execute("DELETE FROM audit_event")
    connection.execute("DELETE FROM audit_head")
    connection.close()
    problems = _check(trail)
    assert problems[-1] == (
        "Audit events 1 to 6 are missing: the file's header records 6 events but the trail "
        "is empty. They were deleted."
    )
    # The next unlock appends after the seal: the wipe stays visible.
    problems = _problems(trail)
    assert any(p.startswith("Audit events 1 to 6 are missing") for p in problems)
    assert _check(trail) != []


def test_truncated_trail_with_a_matching_head_is_detected(trail: Path) -> None:
    # Issue 8: deleting the newest events and editing audit_head passed `check`.
    connection = _drop_guards(trail)
    last_hash = connection.execute("SELECT hash FROM audit_event WHERE seq = 4").fetchone()[0]
    connection.execute("DELETE FROM audit_event WHERE seq > 4")
    connection.execute("UPDATE audit_head SET last_seq = 4, count = 4, last_hash = ?", (last_hash,))
    connection.close()
    problems = _check(trail)
    assert problems[-1].startswith("Audit events 5 to 6 are missing: the file's header records 6")
    for _ in range(2):
        # Events appended afterwards never take the deleted numbers.
        assert any(p.startswith("Audit events 5 to 6 are missing") for p in _problems(trail))


def test_dropped_event_table_is_a_finding_not_an_unexpected_problem(trail: Path) -> None:
    # Issue 8: `DROP TABLE audit_event` gave "unexpected problem".
    connection = _drop_guards(trail)
    connection.execute("DROP TABLE audit_event")
    connection.close()
    assert _check(trail) == [
        "The audit trail's table is missing (the file's header records 6 events): the whole "
        "trail was removed. Restore the database from a backup."
    ]


def _rewrite(path: Path, seq: int, reason: str) -> None:
    """Edit event `seq` and recompute every hash after it and the head, as someone who
    knows the chain's scheme would: the chain and the head are consistent again."""
    db = Database.open(path, PASSPHRASE, operator="x", record_unlock=False)
    with db, db.unit_of_work() as session:
        events = audit.list_events(session, limit=None)
    connection = _drop_guards(path)
    previous = audit.GENESIS_HASH
    for event in events:
        if event.seq >= seq:
            changed = dataclasses.replace(
                event, reason=reason if event.seq == seq else event.reason, previous_hash=previous
            )
            changed = dataclasses.replace(changed, hash=audit.event_hash(changed))
            connection.execute(
                "UPDATE audit_event SET reason = ?, previous_hash = ?, hash = ? WHERE seq = ?",
                (changed.reason, changed.previous_hash, changed.hash, changed.seq),
            )
            previous = changed.hash
        else:
            previous = event.hash
    connection.execute("UPDATE audit_head SET last_hash = ?", (previous,))
    create_sqlite_triggers(_Bind(connection))
    connection.close()


class _Bind:
    def __init__(self, connection: Any) -> None:
        self.connection = connection

    def exec_driver_sql(self, sql: str) -> None:
        self.connection.execute(sql)


def test_rewritten_trail_with_recomputed_hashes_is_detected(trail: Path) -> None:
    _rewrite(trail, 3, "nothing to see")
    problems = _check(trail)
    assert len(problems) == 1
    assert problems[0].startswith(
        "The audit trail's newest event (6) does not match the seal in the file's header"
    )
    # Unlocking appends events, but over a broken seal: it stays broken.
    _problems(trail)
    assert any("does not match the seal" in p for p in _check(trail))


def test_removed_triggers_are_reported(trail: Path) -> None:
    _drop_guards(trail).close()
    assert _check(trail) == [
        "The guard that keeps the audit trail append-only was removed (audit_event_no_update, "
        "audit_event_no_delete, audit_head_no_delete): the trail may have been edited outside "
        "CRAG Desktop."
    ]


def test_every_append_moves_the_seal(trail: Path) -> None:
    with Database.open(trail, PASSPHRASE, operator="x") as db, db.unit_of_work() as session:
        seq, last_hash = audit.head(session)
        assert audit.read_seal(session) == (7, audit.seal_tag(7, last_hash))
        assert seq == 7


def test_an_older_file_is_sealed_when_upgraded(tmp_db_path: Path) -> None:
    from alembic import command

    from crag_desktop.storage.engine import open_engine
    from crag_desktop.storage.schema import alembic_config

    with Database.create(tmp_db_path, PASSPHRASE, operator="x"):
        pass
    engine = open_engine(tmp_db_path, PASSPHRASE, create=False)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001_initial")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA user_version").scalar() == 0
    engine.dispose()
    with Database.open(tmp_db_path, PASSPHRASE, operator="x") as db:
        assert db.check() == []
        with db.unit_of_work() as session:
            assert audit.read_seal(session) == (2, audit.seal_tag(*audit.head(session)))


_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
_ENGINE = create_engine("sqlite://")
tables.metadata.create_all(_ENGINE)


@settings(max_examples=200, deadline=None)
@given(
    operator=_TEXT,
    action=_TEXT,
    reason=st.none() | _TEXT,
    at=st.datetimes(timezones=st.just(UTC)),
    seq=st.integers(min_value=1, max_value=2**62),
    previous=_TEXT,
    record_type=_TEXT,
    record_id=st.none() | _TEXT,
)
def test_an_imports_canonical_form_is_the_events_whatever_its_text(
    *,
    operator: str,
    action: str,
    reason: str | None,
    at: datetime,
    seq: int,
    previous: str,
    record_type: str,
    record_id: str | None,
) -> None:
    # The import's template must give the bytes `_canonical` gives, even for text that
    # looks like its markers or JSON.
    canonical = audit_trail._CanonicalCreates(
        at=at, operator=operator, action=action, reason=reason
    )
    assert canonical(seq, previous, record_type, record_id) == audit_trail._canonical(
        seq=seq,
        at=at,
        operator=operator,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes=(),
        reason=reason,
        previous_hash=previous,
    )


@settings(max_examples=100, deadline=None)
@given(
    operator=_TEXT,
    action=st.sampled_from(sorted(ACTIONS)),
    reason=st.none() | _TEXT,
    at=st.datetimes(timezones=st.just(UTC)),
    records=st.lists(
        st.tuples(st.sampled_from(sorted(RECORD_TYPES)), st.none() | _TEXT),
        min_size=1,
        max_size=4,
    ),
)
def test_an_imports_events_are_hashed_exactly_as_each_alone(
    operator: str,
    action: str,
    reason: str | None,
    at: datetime,
    records: list[tuple[str, str | None]],
) -> None:
    # append_many hashes from pieces of the canonical form: every event must carry the
    # hash that verification computes from the event alone.
    with Session(_ENGINE) as session:
        events = audit.append_many(
            session, operator=operator, action=action, records=records, reason=reason, at=at
        )
        assert [audit.event_hash(event) for event in events] == [event.hash for event in events]
        assert [(e.record_type, e.record_id) for e in events] == records
        session.rollback()


def test_an_event_outside_the_vocabulary_is_refused_before_it_is_written() -> None:
    # Else the audit log's filters, which offer exactly the vocabulary, could not find it.
    with Session(_ENGINE) as session:
        for action, record_type in (("create", "referal"), ("archive", "referral")):
            with pytest.raises(ValueError, match="audit vocabulary"):
                audit.append(session, operator="x", action=action, record_type=record_type)
            assert audit.list_events(session, limit=None) == []
        session.rollback()


def test_an_imports_events_verify_and_seal_the_trail(trail: Path) -> None:
    records = [("referral", f"R{i}") for i in range(50)] + [("report_text", None)]
    with Database.open(trail, PASSPHRASE, operator='Ann "Quote" Ünal') as db:
        with db.unit_of_work() as session:
            events = audit.append_many(
                session, operator=db.operator, action="create", records=records, reason="é"
            )
        with db.unit_of_work() as session:
            stored = audit.list_events(session, after_seq=events[0].seq - 1, limit=None)
            assert stored == events
            assert all(audit.event_hash(event) == event.hash for event in stored)
            assert audit.verify_chain(session) == []
            assert audit.read_seal(session) == (events[-1].seq, audit.seal_tag(58, events[-1].hash))
    # After the fixture's seven events (create, five updates, this unlock).
    assert [e.seq for e in events] == list(range(8, 59))
