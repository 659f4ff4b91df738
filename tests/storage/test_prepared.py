"""Statements made once and run on the driver: the same rows, values and errors as
SQLAlchemy's own execution of them."""

from __future__ import annotations

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
