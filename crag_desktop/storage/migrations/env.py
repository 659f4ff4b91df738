"""Alembic environment: runs on the connection the caller opened (never on a URL).

The database is encrypted, so Alembic must not open it by itself: `schema.upgrade_to_head`
passes its keyed connection in `config.attributes["connection"]`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from crag_desktop.storage.tables import metadata


def run_migrations_online() -> None:
    """Run the migrations inside the caller's transaction."""
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("CRAG Desktop migrations need a keyed connection in attributes")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters tables by copying them: batch mode does that for us.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("CRAG Desktop does not write offline migration scripts")
run_migrations_online()
