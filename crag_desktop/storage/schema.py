"""Schema versions: the Alembic migrations shipped in `crag_desktop/storage/migrations`."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, column, inspect, select, table

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

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
    # Alembic is imported only when migrations run: every unlock and command would otherwise
    # pay for importing it (a few hundred milliseconds on a council laptop).
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def alembic_scripts() -> ScriptDirectory:
    """Alembic's view of the shipped migrations (the tests compare `_revisions` with it)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


_REVISION = re.compile(r"^revision(?:: *str)? *= *[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:: *[^=]+)? *= *(?:None|[\"']([^\"']+)[\"'])", re.MULTILINE
)


@cache
def _revisions() -> dict[str, str | None]:
    """Each shipped revision and the one it follows, read from the scripts' own lines."""
    revisions: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = script.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        down = _DOWN_REVISION.search(source)
        if revision is None or down is None:
            raise RuntimeError(f"the migration {script.name} names no revision")
        revisions[revision.group(1)] = down.group(1)
    return revisions


def head_revision() -> str:
    """The newest schema revision this version of the app knows."""
    revisions = _revisions()
    heads = set(revisions) - {down for down in revisions.values() if down is not None}
    if len(heads) != 1:
        raise RuntimeError(f"the app ships {len(heads)} migration heads, not one")
    return heads.pop()


def known_revisions() -> set[str]:
    """Every schema revision this version of the app knows."""
    return set(_revisions())


_ALEMBIC_VERSION = table("alembic_version", column("version_num"))


def _revision_of(connection: Connection) -> str | None:
    # What Alembic's MigrationContext.get_current_revision reads, without importing Alembic.
    value = connection.execute(select(_ALEMBIC_VERSION.c.version_num)).scalar()
    return None if value is None else str(value)


def current_revision(engine: Engine) -> str | None:
    """The schema revision of the database (None before the first migration)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return _revision_of(connection)


def check_schema(engine: Engine, path: Path, *, just_created: bool) -> str | None:
    """Refuse a database that is not ours or is newer than the app; reads only. Returns the
    database's schema revision (None when it has none yet), so that opening a current file
    reads the catalogue and the version once.

    A keyed database with no tables that was not created just now is a foreign or blanked
    file: treating it as new would hide a damaged file, so it is refused.
    """
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if not tables:
            if just_created:
                return None
            raise WrongPassphraseOrNotDatabase(path)
        if "alembic_version" not in tables:
            raise WrongPassphraseOrNotDatabase(path)
        revision = _revision_of(connection)
    if revision is not None and revision not in known_revisions():
        raise DatabaseNewerThanApp(path)
    return revision


def upgrade_to_head(engine: Engine) -> bool:
    """Apply every migration the database lacks, in one transaction; True if any ran."""
    from alembic import command

    head = head_revision()
    with engine.begin() as connection:
        before = (
            _revision_of(connection) if inspect(connection).has_table("alembic_version") else None
        )
        if before == head:
            return False
        command.upgrade(alembic_config(connection), "head")
    return True
