"""Loading the code that reads and saves whole records before the first record is opened.

Opening a database and the Dashboard need only SQLAlchemy Core (benchmarks: start to painted
window). Loading and saving a record go through the ORM, whose import and mapper
configuration take about a tenth of a second: done on the GUI thread, that would fall on the
first record or list the user opens. After the first paint it is done on a thread of its
own instead; whatever asks for the ORM meanwhile waits only for what is left of the import.
"""

from __future__ import annotations

import threading

__all__ = ["load_record_code_in_background"]


def load_record_code_in_background() -> threading.Thread:
    """Import the ORM classes and configure their mappers on a daemon thread (returned)."""
    thread = threading.Thread(target=_load_record_code, name="load record code", daemon=True)
    thread.start()
    return thread


def _load_record_code() -> None:
    from sqlalchemy.orm import configure_mappers

    # The repositories import the ORM classes of every kind of record.
    from crag_desktop.storage import repositories  # noqa: F401

    configure_mappers()
