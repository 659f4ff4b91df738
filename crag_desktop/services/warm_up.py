"""Loading the code that reads and saves whole records before the first record is opened.

Opening a database and the Dashboard need only SQLAlchemy Core (benchmarks: start to painted
window). Loading and saving records go through the repositories, mostly in an ORM session
(`Database.unit_of_work`), whose imports take about a tenth of a second: done on the GUI
thread, that would fall on the first record or list the user opens. After the first paint
it is done on a thread of its own instead; whatever asks for them meanwhile waits only for
what is left of the import.
"""

from __future__ import annotations

import threading

__all__ = ["load_record_code_in_background"]


def load_record_code_in_background() -> threading.Thread:
    """Import the ORM session and the repositories on a daemon thread (returned)."""
    thread = threading.Thread(target=_load_record_code, name="load record code", daemon=True)
    thread.start()
    return thread


def _load_record_code() -> None:
    # Every unit of work makes an ORM session, and the repositories read and save records.
    import sqlalchemy.orm  # noqa: F401

    from crag_desktop.storage import repositories  # noqa: F401
