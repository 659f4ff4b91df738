"""The record screens' use cases on a real encrypted database: saves, audit, deletes."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any

import pytest

from crag_desktop.domain.errors import RecordNotFound, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import (
    ActionUpdate,
    Agency,
    AgencyAction,
    AuditEvent,
    Child,
    Document,
    LearningEvent,
    LearningPoint,
    Meeting,
    Member,
    Recommendation,
    Referral,
    ReportText,
    Review,
)
from crag_desktop.domain.vocabulary import (
    AgencyKind,
    RecommendationStatus,
    ReportSection,
    Sex,
)
from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database
from crag_desktop.services.records import Choice, RecordInUseError, RecordService
from crag_desktop.storage import audit, repositories
from tests.helpers.records import a_recommendation, a_referral, a_review

TODAY = date(2017, 3, 1)


def events(db: Database, record_type: str, record_id: str | None = None) -> list[AuditEvent]:
    with db.unit_of_work() as session:
        return audit.list_events(session, record_type=record_type, record_id=record_id)


def referral(key: str = "R1", **changes: object) -> Referral:
    # The reference follows the key: R3 is CRAG-2016-03, as the service would suggest it.
    return a_referral(key, **{"reference": f"CRAG-2016-{key[1:].zfill(2)}", **changes})


def review(key: str = "V1", **changes: object) -> Review:
    return a_review(key, **changes)


def recommendation(key: str = "REC1") -> Recommendation:
    return a_recommendation(
        key,
        actions=(
            AgencyAction(
                id="A1",
                owner_agency="tvp",
                description="Train officers.",
                due=date(2017, 6, 30),
                updates=(
                    ActionUpdate(
                        on=date(2017, 1, 10),
                        status=RecommendationStatus.ON_TRACK,
                        note="Course booked",
                        by="m1",
                    ),
                ),
            ),
        ),
    )


@pytest.fixture
def service(database: Database) -> RecordService:
    records = RecordService(db=database, today=lambda: TODAY)
    records.save(Agency(id="tvp", name="Thames Valley Police", kind=AgencyKind.POLICE))
    records.save(
        Agency(id="csc", name="Children's social care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    )
    records.save(Member(id="m1", name="Zoe Chair", agency="csc", role="Chair"))
    return records


def test_creating_a_record_audits_every_field(database: Database, service: RecordService) -> None:
    changes = service.save(referral(), reason="received by email")

    assert changes == Changes.of_created("referral", "R1")
    assert service.get(Referral, "R1") == referral()
    (event,) = events(database, "referral", "R1")
    assert event.action == "create"
    assert event.operator == database.operator
    assert event.reason == "received by email"
    diff = {field: (old, new) for field, old, new in event.changes}
    assert diff["case_name"] == (None, "Child Q")
    assert diff["children[0].age_years"] == (None, "2")


def test_updating_a_record_audits_only_what_changed(
    database: Database, service: RecordService
) -> None:
    service.save(referral())
    changed = referral(
        case_name="Child R",
        children=(
            Child(pseudonym="Child Q", sex=Sex.FEMALE, age_years=2),
            Child(pseudonym="Child S", sex=Sex.MALE, age_years=4),
        ),
    )

    changes = service.save(changed, reason="second child found")

    assert changes == Changes.of_updated("referral", "R1")
    assert service.get(Referral, "R1") == changed
    create, update = events(database, "referral", "R1")
    assert (create.action, update.action) == ("create", "update")
    assert update.reason == "second child found"
    fields = {field for field, _, _ in update.changes}
    assert ("case_name", "Child Q", "Child R") in update.changes
    assert "children[1].pseudonym" in fields
    assert "summary" not in fields
    assert "children[0].age_years" not in fields


def test_saving_an_unchanged_record_writes_nothing(
    database: Database, service: RecordService
) -> None:
    service.save(referral())

    changes = service.save(referral())

    assert not changes
    assert len(events(database, "referral", "R1")) == 1


def test_validation_names_the_field_and_saves_nothing(
    database: Database, service: RecordService
) -> None:
    bad = referral(
        children=(
            Child(pseudonym="Child Q", sex=Sex.FEMALE, age_years=2),
            Child(pseudonym="Child S", sex=Sex.MALE, age_years=30),
        )
    )

    with pytest.raises(ValidationFailed) as caught:
        service.save(bad)

    assert "children[1].age_years" in [error.path for error in caught.value.errors]
    assert "referral was not saved" in str(caught.value)
    with pytest.raises(RecordNotFound):
        service.get(Referral, "R1")
    assert events(database, "referral") == []


def test_a_future_date_is_refused_against_the_injected_today(service: RecordService) -> None:
    with pytest.raises(ValidationFailed) as caught:
        service.save(referral(received=date(2017, 3, 2)))

    assert "received" in [error.path for error in caught.value.errors]


def test_delete_is_refused_while_other_records_refer(
    database: Database, service: RecordService
) -> None:
    for key in ("R1", "R2", "R3"):
        service.save(referral(key))
    service.save(Member(id="m2", name="Sam Detective", agency="tvp"))

    with pytest.raises(RecordInUseError) as caught:
        service.delete(Agency, "tvp")

    assert str(caught.value) == (
        "Thames Valley Police cannot be deleted: 3 referrals name it as referring agency "
        "and 1 member belongs to it. Change or delete those records first."
    )
    assert service.get(Agency, "tvp").name == "Thames Valley Police"
    assert [e.action for e in events(database, "agency", "tvp")] == ["create"]


def test_delete_once_nothing_refers(database: Database, service: RecordService) -> None:
    service.save(referral())
    service.save(review())
    with pytest.raises(RecordInUseError, match="1 review was commissioned from it"):
        service.delete(Referral, "R1")

    assert service.delete(Review, "V1", reason="entered twice") == Changes.of_deleted(
        "review", "V1"
    )
    changes = service.delete(Referral, "R1")

    assert changes == Changes.of_deleted("referral", "R1")
    with pytest.raises(RecordNotFound):
        service.get(Referral, "R1")
    last = events(database, "referral", "R1")[-1]
    assert last.action == "delete"
    assert ("case_name", "Child Q", None) in last.changes
    assert events(database, "review", "V1")[-1].reason == "entered twice"


def test_deleting_a_missing_record_says_so(service: RecordService) -> None:
    with pytest.raises(RecordNotFound, match="no meeting 'nope'"):
        service.delete(Meeting, "nope")


def test_a_member_in_a_meeting_cannot_be_deleted(service: RecordService) -> None:
    service.save(
        Meeting(id="mt1", date=date(2016, 6, 1), attendees=("m1",), referrals_considered=())
    )

    with pytest.raises(RecordInUseError, match="Zoe Chair cannot be deleted: 1 meeting lists"):
        service.delete(Member, "m1")


def test_new_ids_are_short_prefixed_and_unique(service: RecordService) -> None:
    ids = {service.new_id("referral") for _ in range(50)}

    assert len(ids) == 50
    assert all(re.fullmatch(r"R-[0-9a-f]{6}", key) for key in ids)
    assert re.fullmatch(r"REC-[0-9a-f]{6}", service.new_id("recommendation"))
    with pytest.raises(ValueError, match="no record type"):
        service.new_id("nonsense")


def test_suggested_reference_is_the_next_in_the_reporting_year(service: RecordService) -> None:
    assert service.suggest_referral_reference(date(2016, 5, 1)) == "CRAG-2016-01"
    for key in ("R1", "R2", "R4"):
        service.save(referral(key))
    service.save(referral("R9", reference="CRAG-2016-draft"))

    # January 2017 is still in the 2016/17 reporting year.
    assert service.suggest_referral_reference(date(2017, 1, 15)) == "CRAG-2016-05"
    assert service.suggest_referral_reference(date(2016, 3, 31)) == "CRAG-2015-01"


def test_action_updates_are_appended_never_overwritten(
    database: Database, service: RecordService
) -> None:
    service.save(referral())
    service.save(review())
    service.save(recommendation())
    update = ActionUpdate(
        on=date(2017, 2, 1), status=RecommendationStatus.AT_RISK, note="Trainer ill", by=None
    )

    changes = service.add_action_update("REC1", "A1", update, reason="PAQA meeting")

    assert changes == Changes.of_updated("recommendation", "REC1")
    updates = service.get(Recommendation, "REC1").actions[0].updates
    assert [u.note for u in updates] == ["Course booked", "Trainer ill"]
    event = events(database, "recommendation", "REC1")[-1]
    assert ("actions[0].updates[1].note", None, "Trainer ill") in event.changes
    assert all(not field.startswith("actions[0].updates[0]") for field, _, _ in event.changes)
    with pytest.raises(RecordNotFound):
        service.add_action_update("REC1", "A9", update)


def test_an_update_dated_before_the_last_is_refused(service: RecordService) -> None:
    service.save(referral())
    service.save(review())
    service.save(recommendation())
    early = ActionUpdate(
        on=date(2016, 12, 1), status=RecommendationStatus.ON_TRACK, note="Late entry", by=None
    )

    with pytest.raises(ValidationFailed) as caught:
        service.add_action_update("REC1", "A1", early)

    assert [e.path for e in caught.value.errors] == ["actions[0].updates[1].on"]
    assert len(service.get(Recommendation, "REC1").actions[0].updates) == 1


def test_lookups_are_sorted_by_label(service: RecordService) -> None:
    service.save(Member(id="m0", name="Alex Lawyer", agency="csc"))
    service.save(LearningPoint(id="lp1", text="Think family"))
    service.save(LearningPoint(id="lp2", text="Assess fathers"))
    service.save(Meeting(id="mtA", date=date(2016, 6, 1), attendees=(), referrals_considered=()))
    service.save(Meeting(id="mtB", date=date(2016, 9, 14), attendees=(), referrals_considered=()))
    service.save(referral())
    service.save(review("V2", title="Baby L"))
    service.save(review("V1", title="Child Q"))

    assert [a.name for a in service.agencies()] == [
        "Children's social care",
        "Thames Valley Police",
    ]
    assert [m.id for m in service.members()] == ["m0", "m1"]
    assert [p.id for p in service.learning_points()] == ["lp2", "lp1"]
    assert service.meetings() == [Choice("mtB", "14 September 2016"), Choice("mtA", "1 June 2016")]
    assert service.reviews() == [Choice("V2", "Baby L"), Choice("V1", "Child Q")]


def test_reviews_of_a_referral(service: RecordService) -> None:
    service.save(referral())
    service.save(referral("R2"))
    service.save(review("V2", commissioned_on=date(2016, 9, 1)))
    service.save(review("V1"))
    service.save(review("V3", referral="R2"))

    assert [v.id for v in service.reviews_of_referral("R1")] == ["V1", "V2"]
    assert service.reviews_of_referral("R9") == []


def test_report_texts_are_keyed_by_year_and_section(
    database: Database, service: RecordService
) -> None:
    text = ReportText(year=2016, section=ReportSection.INTRODUCTION, text="This year...")

    assert service.save(text) == Changes.of_created("report_text", "2016/introduction")
    assert service.get(ReportText, f"{2016}/{ReportSection.INTRODUCTION.value}") == text
    service.save(dataclasses.replace(text, text="This busy year..."))
    service.delete(ReportText, f"{2016}/{ReportSection.INTRODUCTION.value}")

    actions = [e.action for e in events(database, "report_text", "2016/introduction")]
    assert actions == ["create", "update", "delete"]
    with pytest.raises(RecordNotFound):
        service.get(ReportText, f"{2016}/{ReportSection.INTRODUCTION.value}")


def test_saving_with_the_updates_emptied_keeps_the_history(service: RecordService) -> None:
    service.save(referral())
    service.save(review())
    service.save(recommendation())
    stored = service.get(Recommendation, "REC1")
    emptied = dataclasses.replace(
        stored,
        text="Edited text",
        actions=tuple(dataclasses.replace(a, updates=()) for a in stored.actions),
    )
    service.save(emptied)
    saved = service.get(Recommendation, "REC1")
    assert saved.text == "Edited text"
    assert [u.note for u in saved.actions[0].updates] == ["Course booked"]
    # Removing the action that has updates is refused, and nothing changes.
    with pytest.raises(ValidationFailed) as caught:
        service.save(dataclasses.replace(saved, actions=()))
    assert "never deleted" in str(caught.value.errors[0])
    assert service.get(Recommendation, "REC1").actions[0].updates == saved.actions[0].updates


def _stored(database: Database) -> Document:
    with database.unit_of_work() as session:
        return repositories.load_document(session)


def _with(document: Document, edited: object) -> Document:
    """`document` with the record `edited` is an edit of put in its place."""
    name = next(
        field.name
        for field in dataclasses.fields(document)
        if any(type(r) is type(edited) for r in getattr(document, field.name))
    )
    same = (
        (lambda r: (r.year, r.section) == (edited.year, edited.section))
        if isinstance(edited, ReportText)
        else (lambda r: r.id == getattr(edited, "id"))  # noqa: B009
    )
    records: tuple[Any, ...] = tuple(edited if same(r) else r for r in getattr(document, name))
    return dataclasses.replace(document, **{name: records})


def test_an_edit_of_each_kind_writes_that_record_alone_with_one_verified_event(
    database: Database, service: RecordService
) -> None:
    service.save(LearningPoint(id="lp1", text="Think family"))
    service.save(referral())
    service.save(referral("R2", case_name="Child T"))
    service.save(review())
    service.save(recommendation())
    service.save(
        Meeting(id="mt1", date=date(2016, 6, 1), attendees=("m1",), referrals_considered=("R1",))
    )
    service.save(
        LearningEvent(id="le1", date=date(2016, 9, 1), title="Briefing", reviews=(), attendance=3)
    )
    service.save(ReportText(year=2016, section=ReportSection.INTRODUCTION, text="This year..."))
    stored_referral = service.get(Referral, "R1")
    stored_recommendation = service.get(Recommendation, "REC1")
    stored_meeting = service.get(Meeting, "mt1")
    edits: list[tuple[type, str, object]] = [
        (Agency, "tvp", Agency(id="tvp", name="Thames Valley Police (HQ)", kind=AgencyKind.POLICE)),
        (Member, "m1", Member(id="m1", name="Zoe Chair", agency="tvp", role="Chair")),
        (LearningPoint, "lp1", LearningPoint(id="lp1", text="Think family first")),
        # A column alone, then a part alone, then both.
        (Referral, "R1", dataclasses.replace(stored_referral, summary="Edited summary")),
        (
            Referral,
            "R1",
            dataclasses.replace(
                stored_referral,
                summary="Edited summary",
                children=(*stored_referral.children, Child(pseudonym="Child S", sex=Sex.MALE)),
            ),
        ),
        (Review, "V1", dataclasses.replace(service.get(Review, "V1"), title="Edited title")),
        (
            Recommendation,
            "REC1",
            dataclasses.replace(
                stored_recommendation,
                text="Edited text",
                actions=(
                    dataclasses.replace(
                        stored_recommendation.actions[0], description="Train all officers."
                    ),
                ),
            ),
        ),
        (
            Meeting,
            "mt1",
            dataclasses.replace(stored_meeting, notes="Quorate.", referrals_considered=()),
        ),
        (
            LearningEvent,
            "le1",
            LearningEvent(
                id="le1", date=date(2016, 9, 1), title="Briefing", reviews=("V1",), attendance=5
            ),
        ),
        (
            ReportText,
            "2016/introduction",
            ReportText(year=2016, section=ReportSection.INTRODUCTION, text="This busy year..."),
        ),
    ]
    for record_class, key, edited in edits:
        before = _stored(database)
        stored: object = service.get(record_class, key)
        with database.unit_of_work() as session:
            seq, _ = audit.head(session)

        kind = RecordType.of(edited)
        assert service.save(edited) == Changes.of_updated(kind, key)
        assert service.get(record_class, key) == edited
        assert _stored(database) == _with(before, edited)
        with database.unit_of_work() as session:
            (event,) = audit.list_events(session, after_seq=seq)
            assert audit.verify_chain(session) == []
            assert audit.read_seal(session) == (event.seq, audit.seal_tag(event.seq, event.hash))
        assert (event.action, event.record_type, event.record_id) == ("update", kind, key)
        assert list(event.changes) == audit.record_diff(stored, edited)


def test_a_save_refused_by_the_database_changes_nothing(
    database: Database, service: RecordService
) -> None:
    service.save(referral())
    before = _stored(database)
    with database.unit_of_work() as session:
        head = audit.head(session)
        seal = audit.read_seal(session)

    # Validation cannot know the agency is not there; the database's foreign key refuses it,
    # after the stored record was read.
    with pytest.raises(ValidationFailed) as refused:
        service.save(referral(summary="Edited", referring_agency="nowhere"))
    assert "not there" in str(refused.value.errors[0])

    assert _stored(database) == before
    with database.unit_of_work() as session:
        assert audit.head(session) == head
        assert audit.read_seal(session) == seal
        assert audit.verify_chain(session) == []


def test_an_edit_lists_the_same_changes_as_the_whole_records_flattened() -> None:
    """`record_diff` of an edit flattens only the fields that differ; what it lists is what
    flattening both whole records lists."""
    stored = referral(children=(Child(pseudonym="Child Q", sex=Sex.FEMALE, age_years=2),))
    for edited in (
        dataclasses.replace(stored, summary="Edited"),
        dataclasses.replace(stored, children=()),
        dataclasses.replace(
            stored,
            children=(*stored.children, Child(pseudonym="Child S", sex=Sex.MALE)),
            case_name="Child R",
            learned_on=None,
        ),
        stored,
    ):
        old = {field: value for field, value, _ in audit.record_diff(stored, None)}
        new = {field: value for field, _, value in audit.record_diff(None, edited)}
        keys = [*old, *(key for key in new if key not in old)]
        whole = [(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]
        assert audit.record_diff(stored, edited) == whole
