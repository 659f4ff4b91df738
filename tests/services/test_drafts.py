"""Autosaved forms: round trip, newest first, never audited, never on disk in plain text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from crag_desktop.domain.vocabulary import Sex
from crag_desktop.services.database import Database
from crag_desktop.services.drafts import DraftInfo, DraftPayloadError, DraftService
from crag_desktop.storage import audit

SENTINEL = "Sentinel-Pseudonym-QX7731"


def ticking_clock() -> Callable[[], datetime]:
    """A clock that moves on a minute at every save, so "newest" is unambiguous."""
    moments = iter(datetime(2017, 3, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=n) for n in range(99))
    return lambda: next(moments)


def audit_count(db: Database) -> int:
    with db.unit_of_work() as session:
        return len(audit.list_events(session, limit=None))


def test_a_draft_round_trips(database: Database) -> None:
    drafts = DraftService(db=database, now=ticking_clock())
    payload = {
        "case_name": "Child Q",
        "children": [{"pseudonym": "Child Q", "sex": Sex.FEMALE, "age_years": 2}],
        "received": date(2017, 2, 1),
        "cost": Decimal("18500.50"),
        "notes": "ñ 👶🏽\nline two",
    }

    drafts.save("referral:R1", title="Referral CRAG-2016-03", payload=payload)
    draft = drafts.load("referral:R1")

    assert draft is not None
    assert draft.title == "Referral CRAG-2016-03"
    assert draft.updated_at == datetime(2017, 3, 1, 9, 0, tzinfo=UTC)
    assert draft.payload == {
        "case_name": "Child Q",
        "children": [{"pseudonym": "Child Q", "sex": "female", "age_years": 2}],
        "received": "2017-02-01",
        "cost": "18500.50",
        "notes": "ñ 👶🏽\nline two",
    }


def test_saving_again_replaces_and_pending_is_newest_first(database: Database) -> None:
    drafts = DraftService(db=database, now=ticking_clock())
    drafts.save("referral:R1", title="Referral R1", payload={"v": 1})
    drafts.save("wizard:R1", title="Decision for R1", payload={"step": 2})
    drafts.save("referral:R1", title="Referral R1 (edited)", payload={"v": 2})

    pending = drafts.pending()

    assert pending == [
        DraftInfo(
            key="referral:R1",
            title="Referral R1 (edited)",
            updated_at=datetime(2017, 3, 1, 9, 2, tzinfo=UTC),
        ),
        DraftInfo(
            key="wizard:R1",
            title="Decision for R1",
            updated_at=datetime(2017, 3, 1, 9, 1, tzinfo=UTC),
        ),
    ]
    loaded = drafts.load("referral:R1")
    assert loaded is not None
    assert loaded.payload == {"v": 2}


def test_discard_forgets_and_missing_is_none(database: Database) -> None:
    drafts = DraftService(db=database, now=ticking_clock())
    drafts.save("referral:new:1234", title="New referral", payload={"case_name": "Baby L"})

    drafts.discard("referral:new:1234")
    drafts.discard("referral:new:1234")

    assert drafts.load("referral:new:1234") is None
    assert drafts.pending() == []


def test_drafts_are_not_audited(database: Database) -> None:
    before = audit_count(database)
    drafts = DraftService(db=database)

    drafts.save("referral:R1", title="Referral R1", payload={"v": 1})
    drafts.discard("referral:R1")

    assert audit_count(database) == before


def test_a_payload_that_is_not_data_is_refused_with_a_sentence(database: Database) -> None:
    drafts = DraftService(db=database)

    with pytest.raises(DraftPayloadError, match="could not be autosaved"):
        drafts.save("referral:R1", title="Referral R1", payload={"widget": object()})
    assert drafts.load("referral:R1") is None


def test_drafts_survive_reopening_and_never_reach_the_disk_in_plain_text(
    tmp_db_path: Path,
) -> None:
    passphrase = "a long test passphrase"
    db = Database.create(tmp_db_path, passphrase, operator="Test Officer")
    try:
        DraftService(db=db).save(
            "referral:new:5678", title=f"New referral {SENTINEL}", payload={"case_name": SENTINEL}
        )
    finally:
        db.close()

    files = [p for p in tmp_db_path.parent.iterdir() if p.is_file()]
    assert tmp_db_path in files
    for path in files:
        raw = path.read_bytes()
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert SENTINEL.encode(encoding) not in raw, f"{path.name} holds it in {encoding}"

    reopened = Database.open(tmp_db_path, passphrase, operator="Test Officer")
    try:
        draft = DraftService(db=reopened).load("referral:new:5678")
    finally:
        reopened.close()
    assert draft is not None
    assert draft.payload == {"case_name": SENTINEL}
