"""The day the app works at: asked of the database once, whichever screen asks first."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crag_desktop.services.database import Database
from crag_desktop.services.demo_marks import DEMO_AS_OF
from crag_desktop.ui.lock import CurrentDatabase
from crag_desktop.ui.working_day import WorkingDay
from tests.helpers.dashboard import days_asked
from tests.helpers.databases import OPERATOR, PASSPHRASE

TODAY = date(2026, 12, 8)


def test_every_screen_shares_one_answer_per_database_and_day(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = days_asked(monkeypatch, "default_as_of")
    current = CurrentDatabase(database=demo_db)
    screens = [WorkingDay(current=current, today=lambda: TODAY) for _ in range(3)]
    # Reading it costs a query of the audit trail: each screen asked it while being built.
    assert [day() for day in screens] == [DEMO_AS_OF] * 3
    assert asked == [TODAY]
    # Another real day, or another database, is asked again.
    tomorrow = WorkingDay(current=current, today=lambda: date(2026, 12, 9))
    assert tomorrow() == DEMO_AS_OF
    with Database.create(tmp_path / "other.crag", PASSPHRASE, operator=OPERATOR) as empty:
        other = CurrentDatabase(database=empty)
        assert WorkingDay(current=other, today=lambda: TODAY)() == TODAY
    assert asked == [TODAY, date(2026, 12, 9), TODAY]
