"""Use cases: one unit of work per user action, each returning the `Changes` it made."""

from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database

__all__ = ["Changes", "Database"]
