"""The shipped migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from crag_desktop.services.database import Database
from crag_desktop.storage import schema
from crag_desktop.storage.models import metadata


def test_migrations_match_the_models(database: Database) -> None:
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
