"""Schema versions: the Alembic migrations shipped in `crag_desktop/storage/migrations`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from crag_desktop.domain.errors import DatabaseNewerThanApp, WrongPassphraseOrNotDatabase

__all__ = [
    "MIGRATIONS",
    "alembic_config",
    "check_schema",
    "current_revision",
    "head_revision",
    "known_revisions",
    "upgrade_to_head",
]

#: The migration scripts, shipped as package data.
MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration on the shipped scripts, bound to `connection` if given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError("the app ships no migrations")
    return head


def known_revisions() -> set[str]:
    """Every schema revision this version of the app knows."""
    return {script.revision for script in _scripts().walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database (None before the first migration)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine, path: Path, *, just_created: bool) -> None:
    """Refuse a database that is not ours or is newer than the app; reads only.

    A keyed database with no tables that was not created just now is a foreign or blanked
    file: treating it as new would hide a damaged file, so it is refused.
    """
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if not tables:
            if just_created:
                return
            raise WrongPassphraseOrNotDatabase(path)
        if "alembic_version" not in tables:
            raise WrongPassphraseOrNotDatabase(path)
        revision = MigrationContext.configure(connection).get_current_revision()
    if revision is not None and revision not in known_revisions():
        raise DatabaseNewerThanApp(path)


def upgrade_to_head(engine: Engine) -> bool:
    """Apply every migration the database lacks, in one transaction; True if any ran."""
    head = head_revision()
    with engine.begin() as connection:
        before = MigrationContext.configure(connection).get_current_revision()
        if before == head:
            return False
        command.upgrade(alembic_config(connection), "head")
    return True
