"""The open database: lifecycle, units of work, rekey, checks and Changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crag_desktop.domain.errors import DatabaseDamaged, DiskFull, WrongPassphraseOrNotDatabase
from crag_desktop.domain.records import Agency
from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.services import Changes, Database
from crag_desktop.storage import audit
from crag_desktop.storage import repositories as repo
from crag_desktop.storage.engine import cipher_integrity_check, open_engine
from crag_desktop.storage.lock import DatabaseLock

PASSPHRASE = "correct horse battery staple"
AGENCY = Agency(id="tvp", name="Thames Valley Police", kind=AgencyKind.POLICE)


def test_create_open_close_records_who_unlocked(database: Database, tmp_db_path: Path) -> None:
    assert database.path == tmp_db_path
    assert database.operator == "Test Officer"
    database.close()
    assert not database.is_open
    with pytest.raises(RuntimeError), database.unit_of_work():
        pass
    db = Database.open(tmp_db_path, PASSPHRASE, operator="Board Manager")
    with db, db.unit_of_work() as session:
        events = audit.list_events(session)
    assert [(e.action, e.operator) for e in events] == [
        ("create", "Test Officer"),
        ("unlock", "Board Manager"),
    ]
    assert not db.is_open
    # The lock went with it.
    with DatabaseLock(tmp_db_path):
        pass


def test_wrong_passphrases_are_audited_at_their_times_before_the_unlock(
    database: Database,
) -> None:
    database.close()
    tries = []
    for _ in range(2):
        with pytest.raises(WrongPassphraseOrNotDatabase):
            Database.open(database.path, "not it", operator="Board Manager")
        tries.append(datetime.now(UTC))
    # Handed over in any order: recorded oldest first.
    db = Database.open(
        database.path, PASSPHRASE, operator="Board Manager", failed_unlocks=tries[::-1]
    )
    with db, db.unit_of_work() as session:
        events = audit.list_events(session)
        problems = audit.verify_chain(session)
    assert [e.action for e in events] == ["create", "failed_unlock", "failed_unlock", "unlock"]
    assert [e.at for e in events[1:3]] == tries
    # The trail's order is the order things happened: by seq and by time alike.
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert problems == []


def test_unit_of_work_commits_on_success_and_rolls_back_on_error(database: Database) -> None:
    def save_then_fail() -> None:
        with database.unit_of_work() as session:
            repo.save(session, AGENCY)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        save_then_fail()
    with database.unit_of_work() as session:
        assert repo.list_all(session, Agency) == []
        repo.save(session, AGENCY)
    with database.unit_of_work() as session:
        assert repo.list_all(session, Agency) == [AGENCY]


def test_failed_open_releases_the_lock(database: Database) -> None:
    database.close()
    with pytest.raises(WrongPassphraseOrNotDatabase):
        Database.open(database.path, "not it", operator="x")
    with DatabaseLock(database.path) as lock:
        assert lock.held


def test_rekey_then_only_the_new_passphrase_opens(database: Database) -> None:
    with database.unit_of_work() as session:
        repo.save(session, AGENCY)
    database.rekey("a brand new 'passphrase'", reason="member left")
    # Still usable straight away.
    with database.unit_of_work() as session:
        assert repo.get(session, Agency, "tvp") == AGENCY
    database.close()
    with pytest.raises(WrongPassphraseOrNotDatabase):
        Database.open(database.path, PASSPHRASE, operator="x")
    with Database.open(database.path, "a brand new 'passphrase'", operator="x") as db:
        with db.unit_of_work() as session:
            rekeys = audit.list_events(session, action="rekey")
            assert [e.reason for e in rekeys] == ["member left"]
            assert repo.get(session, Agency, "tvp") == AGENCY
        assert db.check() == []


def test_full_disk_becomes_disk_full_and_saves_nothing(database: Database) -> None:
    def save_too_much() -> None:
        with database.unit_of_work() as session:
            # SQLite's own cap on the file's size gives the same SQLITE_FULL as a full disk.
            connection = session.connection()
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
            connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
            draft = repo.StoredDraft(
                key="big", title="t", updated_at=datetime.now(UTC), payload="x" * 1_000_000
            )
            repo.save_draft(session, draft)

    with pytest.raises(DiskFull):
        save_too_much()
    database.close()
    db = Database.open(database.path, PASSPHRASE, operator="x")
    with db, db.unit_of_work() as session:
        assert repo.get_draft(session, "big") is None


@pytest.fixture
def damaged(database: Database) -> bytes:
    """`database` filled past ten pages, sound, closed, then one byte of its page 9 flipped:
    what the file holds now."""
    with database.unit_of_work() as session:
        for i in range(40):
            repo.save_draft(
                session,
                repo.StoredDraft(
                    key=f"d{i}", title="t", updated_at=datetime.now(UTC), payload="y" * 4000
                ),
            )
    assert database.check() == []
    database.close()
    data = bytearray(database.path.read_bytes())
    page = 4096
    assert len(data) > 10 * page
    data[8 * page + 100] ^= 0xFF
    database.path.write_bytes(bytes(data))
    return bytes(data)


def test_check_reports_a_damaged_page(database: Database, damaged: bytes) -> None:
    # Unlocking reads only what it needs (checking every page is `check`'s work, and the
    # GUI's in the background): the damage is found by the full check.
    with Database.open(database.path, PASSPHRASE, operator="x", record_unlock=False) as db:
        assert db.damaged_pages() == ["HMAC verification failed for page 9"]
    assert database.path.read_bytes() == damaged
    engine = open_engine(database.path, PASSPHRASE, create=False)
    try:
        assert cipher_integrity_check(engine) == ["HMAC verification failed for page 9"]
    finally:
        engine.dispose()


def test_changes_merge_and_touches() -> None:
    first = Changes.of_created("referral", "R1").merge(Changes.of_updated("review", "V1"))
    assert first.touches("referral")
    assert first.touches("review")
    assert not first.touches("meeting")
    merged = first.merge(Changes.of_deleted("referral", "R1"))
    assert merged.created == frozenset()
    assert merged.deleted == {("referral", "R1")}
    assert merged.ids("review") == {"V1"}
    assert not Changes()
    assert merged


def test_open_without_recording_unlock_leaves_the_file_unchanged(database: Database) -> None:
    database.close()
    before = database.path.read_bytes()
    with Database.open(database.path, PASSPHRASE, operator="x", record_unlock=False) as db:
        assert db.check() == []
    assert database.path.read_bytes() == before


def test_a_damaged_file_is_never_migrated(
    database: Database, damaged: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the app knew a newer schema: the file would be upgraded in place.
    monkeypatch.setattr("crag_desktop.services.database.head_revision", lambda: "9999_newer")
    with pytest.raises(DatabaseDamaged, match="1 damaged page"):
        Database.open(database.path, PASSPHRASE, operator="x")
    assert database.path.read_bytes() == damaged


def test_the_key_is_derived_while_the_caller_loads_what_it_needs_next(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import sqlcipher3.dbapi2 as sqlcipher

    database.close()
    keyed_on: list[str] = []
    real_connect = sqlcipher.connect

    def connect(*args: object, **kwargs: object) -> object:
        keyed_on.append(threading.current_thread().name)
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlcipher, "connect", connect)
    loaded: list[str] = []

    def load() -> None:
        # Keying has started on its own thread; this runs on the caller's meanwhile.
        loaded.append(threading.current_thread().name)

    with Database.open(database.path, PASSPHRASE, operator="Chair", while_keying=load) as db:
        with db.unit_of_work() as session:
            events = audit.list_events(session)
        # The connection keyed ahead is the engine's first: the key was derived once.
        assert keyed_on == ["crag-keying"]
    assert loaded == [threading.current_thread().name]
    assert [e.action for e in events] == ["create", "unlock"]


def test_a_wrong_passphrase_keyed_ahead_fails_as_usual_and_releases_everything(
    database: Database,
) -> None:
    database.close()
    before = database.path.read_bytes()
    loaded: list[bool] = []
    with pytest.raises(WrongPassphraseOrNotDatabase):
        Database.open(
            database.path, "not it", operator="x", while_keying=lambda: loaded.append(True)
        )
    assert loaded == [True]
    assert database.path.read_bytes() == before
    with DatabaseLock(database.path) as lock:
        assert lock.held


def test_a_failure_while_keying_leaves_the_file_untouched_and_unlocked(database: Database) -> None:
    database.close()
    before = database.path.read_bytes()

    def fail() -> None:
        raise OSError("the window's code could not be read")

    with pytest.raises(OSError, match="could not be read"):
        Database.open(database.path, PASSPHRASE, operator="x", while_keying=fail)
    assert database.path.read_bytes() == before
    with DatabaseLock(database.path) as lock:
        assert lock.held
    # And it opens as usual afterwards.
    with Database.open(database.path, PASSPHRASE, operator="x") as db:
        assert db.is_open
