"""Statements made once and run on the driver: the same rows, values and errors as
SQLAlchemy's own execution of them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError, OperationalError

from crag_desktop.services.database import Database
from crag_desktop.storage import repositories as repo
from crag_desktop.storage.prepared import fetch, on_driver
from crag_desktop.storage.repositories.rows import AGENCY, REFERRAL, REFERRAL_PAUSE

from .sample import rich_document

PAUSES = (
    select(REFERRAL_PAUSE)
    .where(REFERRAL_PAUSE.c.referral_id == bindparam("id"))
    .order_by(REFERRAL_PAUSE.c.position)
)


def test_rows_come_back_as_sqlalchemy_reads_them(database: Database) -> None:
    with database.unit_of_work() as session:
        repo.add_document(session, rich_document())
    with database.writing() as connection:
        for referral_id in connection.execute(select(REFERRAL.c.id)).scalars():
            expected = [
                dict(row) for row in connection.execute(PAUSES, {"id": referral_id}).mappings()
            ]
            # Dates stored as text come back as dates, through the column types.
            assert fetch(connection, PAUSES, {"id": referral_id}) == expected
        assert any(fetch(connection, PAUSES, {"id": r}) for r in ("R1", "R2"))


def test_a_statement_binds_the_values_it_holds(database: Database) -> None:
    with database.unit_of_work() as session:
        repo.add_document(session, rich_document())
        first = session.execute(select(AGENCY.c.id)).scalars().first()
        named = select(AGENCY.c.name).where(AGENCY.c.id == first)
        assert fetch(session, named, {}) == [{"name": session.execute(named).scalar()}]


def test_an_expanding_list_is_refused(database: Database) -> None:
    listed = select(AGENCY).where(AGENCY.c.id.in_(bindparam("ids", expanding=True)))
    with database.writing() as connection, pytest.raises(ValueError, match="expanding"):
        fetch(connection, listed, {"ids": ["a"]})


def test_driver_errors_are_sqlalchemys_without_the_values(database: Database) -> None:
    with database.writing() as connection:
        with pytest.raises(OperationalError) as missing:
            on_driver(connection, "SELECT * FROM no_such_table WHERE id = ?", ("Child Q",))
        assert "Child Q" not in str(missing.value)
        on_driver(
            connection,
            "INSERT INTO agency (id, position, name, kind) VALUES ('a', 0, 'A', 'police')",
        )
        with pytest.raises(IntegrityError):
            on_driver(
                connection,
                "INSERT INTO agency (id, position, name, kind) VALUES (?, 1, 'B', 'police')",
                ("a",),
            )


def test_a_read_on_the_driver_begins_the_transaction_as_sqlalchemy_would(
    database: Database,
) -> None:
    # A record read in several statements on a `reading()` connection is read from one
    # snapshot: the first read begins the engine's transaction, as SQLAlchemy's autobegin
    # does for its own statements.
    with database.unit_of_work() as session:
        repo.add_document(session, rich_document())
    with database.reading() as connection:
        assert not connection.in_transaction()
        fetch(connection, PAUSES, {"id": "R1"})
        assert connection.in_transaction()
        driver = connection.connection.driver_connection
        assert driver is not None
        assert driver.in_transaction  # the engine's BEGIN was sent


def test_other_databases_run_the_statement_through_sqlalchemy() -> None:
    # The driver path's converters are taken without the cursor's type codes, which
    # PostgreSQL's NUMERIC needs (review.cost_gbp): elsewhere SQLAlchemy executes it.
    from sqlalchemy.dialects import postgresql

    from crag_desktop.storage.repositories.rows import REVIEW

    class Result:
        def mappings(self) -> list[dict[str, object]]:
            return [{"id": "V1", "cost_gbp": Decimal("1500.00")}]

    class Connection:
        dialect = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]

        def __init__(self) -> None:
            self.executed: list[object] = []

        def connection(self) -> Connection:
            return self  # as a session gives its connection

        def execute(self, statement: object, parameters: dict[str, object]) -> Result:
            self.executed.append((statement, parameters))
            return Result()

    statement = select(REVIEW).where(REVIEW.c.id == bindparam("id"))
    connection = Connection()
    rows = fetch(connection, statement, {"id": "V1"})  # type: ignore[arg-type]
    assert rows == [{"id": "V1", "cost_gbp": Decimal("1500.00")}]
    assert connection.executed == [(statement, {"id": "V1"})]
