"""Use cases: one unit of work per user action, each returning the `Changes` it made.

`Database` is imported on first use: importing any services module (the GUI does at start)
must not load SQLAlchemy, Alembic and the SQLCipher driver before they are needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crag_desktop.services.changes import Changes

if TYPE_CHECKING:
    from crag_desktop.services.database import Database

__all__ = ["Changes", "Database"]


def __getattr__(name: str) -> Any:
    if name == "Database":
        from crag_desktop.services.database import Database

        return Database
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
