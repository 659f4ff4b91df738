"""Opening the encrypted file: each failure has its own error and leaves the file alone."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from crag_desktop.domain.errors import (
    DatabaseEmptyFile,
    DatabaseExists,
    DatabaseIsFolder,
    DatabaseMissing,
    DatabaseNewerThanApp,
    DatabaseOpenError,
    PlainSQLiteFile,
    WrongPassphraseOrNotDatabase,
)
from crag_desktop.services.database import Database
from crag_desktop.storage import engine as eng

PASSPHRASE = "correct horse battery staple"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_wrong_key(path: Path) -> Path:
    Database.create(path, PASSPHRASE, operator="x").close()
    return path


def _make_random(path: Path) -> Path:
    path.write_bytes(os.urandom(8192))
    return path


def _make_plain(path: Path) -> Path:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    return path


def _make_empty(path: Path) -> Path:
    path.touch()
    return path


def _make_keyed_but_empty(path: Path) -> Path:
    # A valid SQLCipher file with the right key but no CRAG tables: a foreign database.
    connection = eng.raw_connect(path, PASSPHRASE)
    connection.execute("CREATE TABLE other (x)")
    connection.execute("DROP TABLE other")
    connection.close()
    return path


@pytest.mark.parametrize(
    ("make", "passphrase", "error"),
    [
        (_make_wrong_key, "wrong horse", WrongPassphraseOrNotDatabase),
        (_make_random, PASSPHRASE, WrongPassphraseOrNotDatabase),
        (_make_plain, PASSPHRASE, PlainSQLiteFile),
        (_make_empty, PASSPHRASE, DatabaseEmptyFile),
        (_make_keyed_but_empty, PASSPHRASE, WrongPassphraseOrNotDatabase),
    ],
    ids=["wrong-passphrase", "random-bytes", "plain-sqlite", "empty", "foreign-sqlcipher"],
)
def test_bad_file_gives_its_own_error_and_is_untouched(
    tmp_db_path: Path,
    capfd: pytest.CaptureFixture[str],
    make: Callable[[Path], Path],
    passphrase: str,
    error: type[DatabaseOpenError],
) -> None:
    path = make(tmp_db_path)
    before = _digest(path)
    listing = sorted(p.name for p in path.parent.iterdir())
    capfd.readouterr()
    with pytest.raises(error) as caught:
        Database.open(path, passphrase, operator="x")
    assert type(caught.value) is error
    assert _digest(path) == before
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err == ""
    assert passphrase not in str(caught.value)
    # No journal left behind, and nothing still locked.
    leftovers = sorted(p.name for p in path.parent.iterdir())
    assert set(leftovers) - set(listing) <= {path.name + ".lock"}
    with pytest.raises(error):
        Database.open(path, passphrase, operator="x")


def test_missing_and_folder(tmp_db_path: Path) -> None:
    with pytest.raises(DatabaseMissing):
        Database.open(tmp_db_path, PASSPHRASE, operator="x")
    assert not tmp_db_path.parent.joinpath(tmp_db_path.name + ".lock").exists()
    tmp_db_path.mkdir()
    with pytest.raises(DatabaseIsFolder):
        Database.open(tmp_db_path, PASSPHRASE, operator="x")
    with pytest.raises(DatabaseExists):
        Database.create(tmp_db_path, PASSPHRASE, operator="x")


def test_create_refuses_an_existing_file(tmp_db_path: Path) -> None:
    tmp_db_path.write_bytes(b"keep me")
    with pytest.raises(DatabaseExists):
        Database.create(tmp_db_path, PASSPHRASE, operator="x")
    assert tmp_db_path.read_bytes() == b"keep me"


def test_wrong_passphrase_error_carries_no_key(tmp_db_path: Path) -> None:
    Database.create(tmp_db_path, PASSPHRASE, operator="x").close()
    secret = "s3cret-passphrase-never-shown"
    with pytest.raises(WrongPassphraseOrNotDatabase) as caught:
        eng.open_engine(tmp_db_path, secret, create=False)
    chain: list[BaseException] = []
    current: BaseException | None = caught.value
    while current is not None:
        chain.append(current)
        current = current.__cause__ or current.__context__
    assert caught.value.__cause__ is None
    for link in chain:
        assert secret not in str(link)
        assert secret not in repr(link.args)


def test_new_file_is_user_only_and_not_plain_sqlite(tmp_db_path: Path) -> None:
    Database.create(tmp_db_path, PASSPHRASE, operator="x").close()
    assert stat.S_IMODE(tmp_db_path.stat().st_mode) == 0o600
    assert tmp_db_path.read_bytes()[:16] != eng.SQLITE_HEADER


def test_every_connection_keeps_temp_data_in_memory(tmp_db_path: Path) -> None:
    engine = eng.open_engine(tmp_db_path, PASSPHRASE, create=True)
    try:
        # Hold several connections at once so the pool has to make new ones.
        connections = [engine.connect() for _ in range(4)]
        try:
            for connection in connections:
                assert connection.exec_driver_sql("PRAGMA temp_store").scalar() == 2
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
                assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() <= -8192
        finally:
            for connection in connections:
                connection.close()
    finally:
        engine.dispose()


def test_a_bulk_import_gets_the_cache_of_the_database_it_will_make(tmp_db_path: Path) -> None:
    engine = eng.open_engine(tmp_db_path, PASSPHRASE, create=True)
    try:
        with engine.connect() as connection:
            opened = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            # Sized as a connection to a 200 MB file is at open: the file and a quarter more.
            eng.cache_for_size(connection, 200_000_000)
            grown = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
            assert grown == -(250_000_000 // 1024) < opened
            # Never made smaller than it is.
            eng.cache_for_size(connection, 1_000)
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == grown
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "passphrase",
    [
        "it's a 'quoted' passphrase",
        "semi;colon'); DROP TABLE agency; --",
        "Ünïcödé pässphrase ✓ 日本語",
        "x" * 1024,
    ],
    ids=["quotes", "semicolons", "non-ascii", "1kb"],
)
def test_awkward_passphrases_work(tmp_db_path: Path, passphrase: str) -> None:
    Database.create(tmp_db_path, passphrase, operator="x").close()
    with Database.open(tmp_db_path, passphrase, operator="x") as db:
        assert db.check() == []
    with pytest.raises(WrongPassphraseOrNotDatabase):
        Database.open(tmp_db_path, passphrase + "x", operator="x")


def test_nfc_and_nfd_spellings_open_the_same_database(tmp_db_path: Path) -> None:
    words = "Crème brûlée à Zoë"
    nfc, nfd = unicodedata.normalize("NFC", words), unicodedata.normalize("NFD", words)
    assert nfc != nfd
    Database.create(tmp_db_path, nfd, operator="x").close()
    with Database.open(tmp_db_path, nfc, operator="x") as db:
        assert db.is_open


def test_newer_schema_is_refused_untouched(tmp_db_path: Path) -> None:
    Database.create(tmp_db_path, PASSPHRASE, operator="x").close()
    raw = eng.raw_connect(tmp_db_path, PASSPHRASE)
    raw.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    raw.close()
    before = _digest(tmp_db_path)
    with pytest.raises(DatabaseNewerThanApp):
        Database.open(tmp_db_path, PASSPHRASE, operator="x")
    assert _digest(tmp_db_path) == before


def test_bound_values_stay_out_of_error_messages(database: Database) -> None:
    secret = "Child-Secret-Pseudonym-4711"
    statement = text("INSERT INTO agency (id, position, name, kind) VALUES (:id, 0, :n, 'x')")
    with database.unit_of_work() as session:
        session.execute(statement, {"id": "dup", "n": secret})
    with pytest.raises(IntegrityError) as caught, database.unit_of_work() as session:
        session.execute(statement, {"id": "dup", "n": secret})
    assert secret not in str(caught.value)
    assert "hidden" in str(caught.value)


def test_integrity_checks_are_clean_on_a_new_database(database: Database) -> None:
    assert eng.cipher_integrity_check(database.engine) == []
    assert eng.cipher_integrity_check(database.engine, apart=True) == []
    assert eng.integrity_check(database.engine) == []
    assert eng.journal_mode(database.engine) == "DELETE"


def test_the_page_check_in_the_background_leaves_the_pooled_connections_to_the_window(
    database: Database,
) -> None:
    # The window checks every page in the background after unlocking and goes on querying:
    # on a pooled connection the check held it, and the window's next query opened another
    # (a key derivation on the GUI thread) and cached the whole file in it.
    used: list[object] = []
    event.listen(database.engine.pool, "checkout", lambda *args: used.append(args))
    event.listen(database.engine.pool, "connect", lambda *args: used.append(args))
    assert database.damaged_pages() == []
    assert used == []


def test_a_connection_keyed_ahead_is_taken_once_and_closed_when_discarded(
    tmp_db_path: Path,
) -> None:
    Database.create(tmp_db_path, PASSPHRASE, operator="x").close()
    ahead = eng.KeyingAhead(tmp_db_path, PASSPHRASE)
    connection = ahead.take()
    assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] >= 0
    connection.close()
    with pytest.raises(RuntimeError):
        ahead.take()
    wrong = eng.KeyingAhead(tmp_db_path, "not it")
    with pytest.raises(WrongPassphraseOrNotDatabase):
        wrong.take()
    # An engine refused before it connects closes what was keyed for it.
    unused = eng.KeyingAhead(tmp_db_path, PASSPHRASE)
    with pytest.raises(ValueError, match="journal"):
        eng.open_engine(tmp_db_path, PASSPHRASE, create=False, journal="bad", ahead=unused)
    assert unused._connection is None
