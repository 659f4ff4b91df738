"""The audit trail is append-only and any edit, deletion, reordering or truncation shows."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import DatabaseError

from crag_desktop.domain.records import Child, Referral
from crag_desktop.domain.vocabulary import IncidentType, Sex
from crag_desktop.services.database import Database
from crag_desktop.storage import audit
from crag_desktop.storage.engine import drop_sqlite_triggers, raw_connect

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


def test_edited_event_is_detected(trail: Path, raw: Any) -> None:
    raw.execute("UPDATE audit_event SET reason = 'nothing to see' WHERE seq = 4")
    raw.close()
    assert any("event 4 was altered" in p for p in _problems(trail))


def test_edited_change_is_detected(trail: Path, raw: Any) -> None:
    raw.execute("""UPDATE audit_event SET changes = '[["summary","old","forged"]]' WHERE seq=5""")
    raw.close()
    assert any("event 5 was altered" in p for p in _problems(trail))


def test_deleted_event_is_detected(trail: Path, raw: Any) -> None:
    raw.execute("DELETE FROM audit_event WHERE seq = 3")
    raw.execute("UPDATE audit_head SET count = count - 1")
    raw.close()
    problems = _problems(trail)
    assert any("3 to 3 are missing" in p for p in problems)
    assert any("event 4 does not follow" in p for p in problems)


def test_reordered_events_are_detected(trail: Path, raw: Any) -> None:
    raw.execute("UPDATE audit_event SET seq = -1 WHERE seq = 3")
    raw.execute("UPDATE audit_event SET seq = 3 WHERE seq = 4")
    raw.execute("UPDATE audit_event SET seq = 4 WHERE seq = -1")
    raw.close()
    problems = _problems(trail)
    assert any("event 3" in p for p in problems)
    assert any("event 4" in p for p in problems)


def test_truncated_trail_is_detected(trail: Path, raw: Any) -> None:
    raw.execute("DELETE FROM audit_event WHERE seq > 4")
    raw.close()
    problems = _problems(trail)
    assert any("newest events were removed" in p for p in problems)


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
