"""Test databases: the passphrase and operator they use, a new one per test, and the demo
database built once per run and copied for each test that needs it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crag_desktop.domain.records import Agency, Meeting, Member, Referral
from crag_desktop.domain.vocabulary import AgencyKind
from crag_desktop.services.database import Database
from crag_desktop.services.demo import build_demo
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.storage import repositories
from crag_desktop.storage.tables import referral

#: The passphrase of the test databases.
PASSPHRASE = "correct horse battery staple"
#: Who the test databases record as the operator.
OPERATOR = "Test Officer"


#: The partnership of the hand-built decision tests: the police and children's social care.
PARTNERS = (
    Agency(id="police", name="Police", kind=AgencyKind.POLICE),
    Agency(id="csc", name="Children's social care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE),
)
#: Its members: Alex Chair chairs.
MEMBERS = (
    Member(id="m1", name="Alex Chair", agency="csc", role="Chair"),
    Member(id="m2", name="Sam Detective", agency="police"),
    Member(id="m3", name="Jo Lawyer", agency="csc"),
)


def with_partnership(database: Database, *referrals: Referral) -> Database:
    """`database` with the partnership (`save_partnership`) and `referrals` stored."""
    with database.unit_of_work() as session:
        save_partnership(session)
        for referral in referrals:
            repositories.save(session, referral)
    return database


def save_partnership(session: Session, *, attendees: tuple[str, ...] = ("m1",)) -> None:
    """PARTNERS, MEMBERS and meeting mt1 on 1 June 2016 (attended by `attendees`)."""
    for agency in PARTNERS:
        repositories.save(session, agency)
    for member in MEMBERS:
        repositories.save(session, member)
    meeting = Meeting(id="mt1", date=date(2016, 6, 1), attendees=attendees, referrals_considered=())
    repositories.save(session, meeting)


def create_demo(path: Path, *, passphrase: str = PASSPHRASE, operator: str = OPERATOR) -> Path:
    """Create the demo database (the 2016/17 annual report's cases, no synthetic ones) at
    `path`, closed again."""
    with Database.create(path, passphrase, operator=operator) as db:
        build_demo(db, synthetic_referrals=0, seed=1)
    return path


def fresh_copy(template: Path, path: Path) -> Path:
    """`template` copied to `path`, user-only like a database the app creates."""
    # A closed database in rollback-journal mode is one file: a copy is a faithful fresh one.
    shutil.copyfile(template, path)
    path.chmod(0o600)
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database built once for the run (building it is the slow part): copy it with
    `fresh_copy`, never open it."""
    return create_demo(tmp_path_factory.mktemp("template") / "demo.crag")


@pytest.fixture
def tmp_db_path(tmp_path: Path) -> Path:
    """Where a test's database file goes (not yet created), in a folder of its own."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder / "crag.db"


@pytest.fixture
def database(tmp_db_path: Path) -> Iterator[Database]:
    """A new, open database (passphrase PASSPHRASE, operator OPERATOR), closed afterwards."""
    db = Database.create(tmp_db_path, PASSPHRASE, operator=OPERATOR)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def demo_db(database: Database) -> Database:
    """The open `database` with the built-in demo data (the 2016/17 annual report's cases)."""
    build_demo(database, synthetic_referrals=0, seed=1)
    return database


@pytest.fixture
def drafts(demo_db: Database) -> DraftService:
    """Drafts kept in the demo database."""
    return DraftService(db=demo_db)


def stored_notification_owed(db: Database) -> dict[str, str]:
    """Each referral's stored "notification owed" code, by id (no screen shows the code)."""
    with db.engine.connect() as connection:
        rows = connection.execute(select(referral.c.id, referral.c.notification_owed))
        return {row.id: row.notification_owed for row in rows}


@pytest.fixture
def records(demo_db: Database) -> RecordService:
    """The record service on the demo database."""
    return RecordService(db=demo_db)
