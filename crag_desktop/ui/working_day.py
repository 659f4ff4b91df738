"""The day the app works at: today, except on the demo database, which shows the 2016/17
year as the secretariat saw it on 1 April 2017 (see DashboardService.default_as_of).

Clocks, what is overdue, how long something has waited and the dates a new entry starts
with all count from this day, so the demo does not read as a decade late in one place and
on time in another. Whether a date lies in the future is still judged against the real
today (validation does not use this)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, cast

from crag_desktop.domain.errors import CragError
from crag_desktop.ui.lock import CurrentDatabase

if TYPE_CHECKING:
    from crag_desktop.services.database import Database

__all__ = ["WorkingDay"]


class WorkingDay:
    """A `today()` callable for services and forms that follows the open database."""

    # The last answer, shared by every screen's WorkingDay (database, real day, answer):
    # asking reads the audit trail's index (45 ms at 100,000 referrals), and each screen
    # asked once, while it was being built (benchmarks: GUI stall). The database is held
    # weakly: a closed one is not kept alive for it.
    _shared: tuple[weakref.ref[object], date, date] | None = None

    def __init__(self, *, current: CurrentDatabase, today: Callable[[], date] = date.today) -> None:
        self._current = current
        self._today = today
        # The answer for one database on one real day: asking costs a query, and lists ask
        # for every page they load.
        self._asked: tuple[object, date] | None = None
        self._day: date | None = None

    def __call__(self) -> date:
        """Today, or the demo's 1 April 2017; today while locked or if the answer fails."""
        today = self._today()
        database = self._current.database
        if database is None:
            return today
        asked = (database, today)
        if self._asked is None or self._asked[0] is not database or self._asked[1] != today:
            shared = WorkingDay._shared
            if shared is not None and shared[0]() is database and shared[1] == today:
                self._day = shared[2]
            else:
                # Imported when first asked: the window is built (and painted) before any
                # query.
                from crag_desktop.services.dashboard import DashboardService

                try:
                    self._day = DashboardService(db=cast("Database", database)).default_as_of(today)
                except CragError:
                    return today
                WorkingDay._shared = (weakref.ref(database), today, self._day)
            self._asked = asked
        return self._day if self._day is not None else today
