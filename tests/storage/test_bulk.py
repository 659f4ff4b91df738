"""Bulk inserts store exactly what SQLAlchemy's own `insert()` stores, in every column type,
with positional and named parameters, and refuse what it refuses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from crag_desktop.services.database import Database
from crag_desktop.storage import bulk, tables
from crag_desktop.storage import repositories as repo
from crag_desktop.storage.audit import append_many

from .sample import rich_document

#: The audit trail's own columns that differ between two databases: the first event (the
#: database's creation) is dated now, and every hash follows from it.
_AUDIT = "seq, at, operator, action, record_type, record_id, changes, reason"


def _stored(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table as the database holds it (no type processing)."""
    queries = {
        table.name: f'SELECT * FROM "{table.name}"'
        for table in tables.metadata.sorted_tables
        if table.name not in {"audit_event", "audit_head"}
    }
    queries["audit_event"] = f"SELECT {_AUDIT} FROM audit_event WHERE seq > 1"
    with database.unit_of_work() as session:
        return {
            name: sorted(map(tuple, session.execute(text(query))), key=repr)
            for name, query in queries.items()
        }


def _sqlalchemy_insert(session: Session, table: Table, rows: Sequence[Sequence[Any]]) -> None:
    session.execute(insert(table), [bulk.row_dict(table, row) for row in rows])


def _fill(database: Database) -> None:
    with database.unit_of_work() as session:
        repo.add_document(session, rich_document())
        append_many(
            session,
            operator="Test Officer",
            action="create",
            records=[("referral", "R1"), ("review", 'Ré "quoted" ✓')],
            at=datetime(2024, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=1))),
        )


def test_a_document_is_stored_exactly_as_sqlalchemy_stored_it(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with Database.create(tmp_path / "a" / "bulk.crag", "p" * 12, operator="Test Officer") as ours:
        _fill(ours)
        stored = _stored(ours)
    monkeypatch.setattr("crag_desktop.storage.repositories.rows.insert_rows", _sqlalchemy_insert)
    monkeypatch.setattr("crag_desktop.storage.audit.trail.insert_rows", _sqlalchemy_insert)
    with Database.create(tmp_path / "b" / "plain.crag", "p" * 12, operator="Test Officer") as plain:
        _fill(plain)
        expected = _stored(plain)
    assert stored == expected
    assert len(stored["audit_event"]) == 2
    assert sum(map(len, stored.values())) > 40


metadata = MetaData()
SAMPLE = Table(
    "sample",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("on", Date),
    Column("at", tables.UTCDateTime),
    Column("cost", tables.Money),
    Column("flag", Boolean),
    Column("note", String),
)
SAMPLE_ROWS: list[tuple[Any, ...]] = [
    (
        1,
        date(2024, 2, 29),
        datetime(2024, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-2))),
        Decimal("18500.505"),
        True,
        'Ré: "quoted"; ✓ %(x)s ?',
    ),
    (2, None, None, None, None, None),
    (3, date(1950, 1, 1), datetime(2020, 1, 1, tzinfo=UTC), Decimal(0), False, ""),
]


@pytest.mark.parametrize("paramstyle", ["qmark", "named"])
def test_every_column_type_matches_sqlalchemy_positional_and_named(paramstyle: str) -> None:
    stored = []
    for insert_many in (bulk.insert_rows, _sqlalchemy_insert):
        engine = create_engine("sqlite://", paramstyle=paramstyle)
        metadata.create_all(engine)
        with Session(engine) as session:
            insert_many(session, SAMPLE, SAMPLE_ROWS)
            raw = session.execute(text("SELECT * FROM sample ORDER BY id")).all()
            typed = session.execute(select(SAMPLE).order_by(SAMPLE.c.id)).all()
            stored.append((raw, typed))
        engine.dispose()
    assert stored[0] == stored[1]
    assert stored[0][1][0].cost == Decimal("18500.50")


def test_a_repeated_key_is_refused_as_sqlalchemy_refuses_it() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session, pytest.raises(IntegrityError):
        bulk.insert_rows(session, SAMPLE, [SAMPLE_ROWS[0], SAMPLE_ROWS[0]])
    engine.dispose()


def _outcome(insert_many: Any, rows: list[tuple[Any, ...]]) -> object:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    try:
        with Session(engine) as session:
            insert_many(session, SAMPLE, rows)
            return session.execute(text("SELECT id, note, flag FROM sample ORDER BY id")).all()
    except StatementError as error:
        return type(error), error.orig.__class__ if error.orig else None
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "rows",
    [
        # A wrong type where the driver, not a bind processor, refuses it.
        [(1, None, None, None, None, "a"), (2, None, None, None, None, ["not", "text"])],
        # An integer where a boolean goes, and a boolean where an integer goes.
        [(1, None, None, None, 1, "a"), (True, None, None, None, True, "b")],
    ],
)
def test_values_fare_as_with_sqlalchemy(rows: list[tuple[Any, ...]]) -> None:
    assert _outcome(bulk.insert_rows, rows) == _outcome(_sqlalchemy_insert, rows)


def test_a_row_without_every_column_is_refused() -> None:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session, pytest.raises(ValueError, match="has 5 values, not 6"):
        bulk.insert_rows(session, SAMPLE, [(1, None, None, None, None)])
    engine.dispose()
