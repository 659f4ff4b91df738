"""The shipped migrations build exactly the schema storage/tables.py describes."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from crag_desktop.domain.records import Referral
from crag_desktop.services.database import Database
from crag_desktop.storage import schema
from crag_desktop.storage.tables import metadata
from tests.helpers.databases import PASSPHRASE


def test_migrations_match_the_tables(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_new_database_is_at_head(database: Database) -> None:
    assert schema.current_revision(database.engine) == schema.head_revision()
    assert schema.head_revision() in schema.known_revisions()
    # Already at head: nothing to apply.
    assert schema.upgrade_to_head(database.engine) is False


def test_migrations_ship_inside_the_package() -> None:
    assert (schema.MIGRATIONS / "env.py").is_file()
    assert (schema.MIGRATIONS / "script.py.mako").is_file()
    assert list((schema.MIGRATIONS / "versions").glob("0001_*.py"))


def test_the_revisions_read_from_the_scripts_are_alembics() -> None:
    # Unlocking reads the revisions from the scripts without importing Alembic: they must be
    # exactly the ones Alembic itself sees, head included.
    from crag_desktop.storage import schema

    scripts = schema.alembic_scripts()
    assert schema.head_revision() == scripts.get_current_head()
    assert schema.known_revisions() == {s.revision for s in scripts.walk_revisions()}


def test_a_0002_file_with_decisions_gains_invited_attendees(tmp_db_path: Path) -> None:
    import dataclasses

    from alembic import command

    from crag_desktop.domain.records import InvitedAttendee
    from crag_desktop.storage import repositories
    from crag_desktop.storage.engine import open_engine
    from crag_desktop.storage.schema import alembic_config

    from .sample import rich_document

    document = rich_document()
    decided = next(r for r in document.referrals if r.decision is not None)
    assert decided.decision is not None
    before = dataclasses.replace(
        decided, decision=dataclasses.replace(decided.decision, invited=())
    )
    with Database.create(tmp_db_path, PASSPHRASE, operator="x") as db, db.unit_of_work() as s:
        referrals = tuple(before if r.id == before.id else r for r in document.referrals)
        repositories.add_document(s, dataclasses.replace(document, referrals=referrals))
    engine = open_engine(tmp_db_path, PASSPHRASE, create=False)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0002_audit_seal")
    engine.dispose()
    # Opening upgrades it: the decision is as it was, with nobody invited, and can gain some.
    with Database.open(tmp_db_path, PASSPHRASE, operator="x") as db:
        assert schema.current_revision(db.engine) == schema.head_revision()
        assert db.check() == []
        with db.unit_of_work() as session:
            assert repositories.get(session, Referral, before.id) == before
            invited = (InvitedAttendee(name="Sam Okafor", role="Allocated social worker"),)
            assert before.decision is not None
            repositories.save(
                session,
                dataclasses.replace(
                    before, decision=dataclasses.replace(before.decision, invited=invited)
                ),
            )
        with db.unit_of_work() as session:
            saved = repositories.get(session, Referral, before.id).decision
            assert saved is not None
            assert saved.invited == invited


def test_0004_keeps_every_action_and_update_both_ways(database: Database) -> None:
    # Batch mode copies a table and drops the old one, and with foreign keys on that drop
    # cascades: a copy of `recommendation` would delete every action and progress update.
    from alembic import command
    from sqlalchemy import text

    from crag_desktop.services.demo import build_demo

    build_demo(database, synthetic_referrals=0, seed=1)

    def counts() -> tuple[int, int, int]:
        with database.engine.connect() as connection:
            return tuple(  # type: ignore[return-value]
                int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in ("recommendation", "agency_action", "action_update")
            )

    before = counts()
    assert before[1] > 0
    assert before[2] > 0
    with database.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "0003_decision_invited")
    assert counts() == before
    assert schema.upgrade_to_head(database.engine) is True
    assert counts() == before
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def test_0005_works_out_from_the_stored_answers_whether_a_notification_is_owed(
    database: Database,
) -> None:
    # A database at 0004 holds the answers only as JSON text; the upgrade reads them in
    # Python (no JSON SQL) and stores the fact the notification clock reads.
    from alembic import command
    from sqlalchemy import text

    from crag_desktop.services.demo import build_demo
    from tests.helpers.databases import stored_notification_owed

    build_demo(database, synthetic_referrals=0, seed=1)
    expected = stored_notification_owed(database)
    with database.engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "0004_closure_steps")
        columns = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(referral)")]
        assert "notification_owed" not in columns
        # Answers the rules cannot read (a key of another rule set) settle nothing.
        connection.execute(
            text("UPDATE criteria_decision SET answers = :answers WHERE referral_id = 'R1'"),
            {"answers": '{"care_leaver_died": true}'},
        )

    assert schema.upgrade_to_head(database.engine) is True

    owed = stored_notification_owed(database)
    assert owed == {**expected, "R1": "not_yet_known"}
    # Child P (WT2015, abuse or neglect not suspected) owes none; Child R (seriously harmed,
    # abuse suspected) owes one; Child S and Child T have no decision yet.
    assert (owed["R5"], owed["R7"], owed["R8"], owed["R9"]) == (
        "not_owed",
        "owed",
        "not_yet_known",
        "not_yet_known",
    )
    assert expected["R1"] == "owed"
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute(text("SELECT count(*) FROM referral_child")).scalar_one() > 0
