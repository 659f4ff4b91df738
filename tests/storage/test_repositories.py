"""Records go in and come back exactly; references are enforced; ids are reported."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event

from crag_desktop.domain.errors import RecordNotFound, ValidationFailed
from crag_desktop.domain.records import (
    Agency,
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
from crag_desktop.domain.validation import DOCUMENT_LISTS
from crag_desktop.domain.vocabulary import AgencyKind, ReportSection
from crag_desktop.services.database import Database
from crag_desktop.storage import repositories as repo

from .sample import AWKWARD, rich_document

PASSPHRASE = "correct horse battery staple"


def test_rich_document_round_trips_exactly(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    with database.unit_of_work() as session:
        assert repo.load_document(session) == document


def test_round_trip_survives_closing_and_reopening(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    database.close()
    reopened = Database.open(database.path, PASSPHRASE, operator="Someone")
    with reopened, reopened.unit_of_work() as session:
        loaded = repo.load_document(session)
    assert loaded == document
    assert loaded.referrals[0].summary == AWKWARD


def test_second_document_is_added_after_the_first(database: Database) -> None:
    first, second = rich_document("a-"), rich_document("b-")
    with database.unit_of_work() as session:
        repo.add_document(session, first)
    with database.unit_of_work() as session:
        repo.add_document(session, dataclasses.replace(second, report_texts=()))
    with database.unit_of_work() as session:
        loaded = repo.load_document(session)
    assert loaded.referrals == first.referrals + second.referrals
    assert loaded.recommendations == first.recommendations + second.recommendations


def test_importing_a_taken_id_adds_nothing(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    clash = Document(
        agencies=(Agency(id="new", name="New", kind=AgencyKind.OTHER),),
        members=(Member(id="m1", name="Duplicate", agency="new"),),
    )
    with pytest.raises(ValidationFailed), database.unit_of_work() as session:
        repo.add_document(session, clash)
    with database.unit_of_work() as session:
        assert repo.load_document(session) == document
        assert "new" not in repo.existing_ids(session)["agencies"]


def test_existing_ids_lists_every_list(database: Database) -> None:
    with database.unit_of_work() as session:
        repo.add_document(session, rich_document())
        ids = repo.existing_ids(session)
    # Action ids too: they are unique across a document, so an import may not repeat one.
    assert set(ids) == {*DOCUMENT_LISTS, "actions"}
    assert ids["actions"] == {a.id for rec in rich_document().recommendations for a in rec.actions}
    assert ids["referrals"] == {"R1", "R2"}
    assert ids["report_texts"] == {"2016/introduction", "2015/conclusion"}
    assert ids["learning_events"] == {"le1", "le2"}


def test_get_save_replace_delete_referral(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    referral = document.referrals[0]
    assert referral.decision is not None
    changed = dataclasses.replace(
        referral,
        children=referral.children[1:],
        decision=dataclasses.replace(referral.decision, attendees=("m1",), evidence={}),
        summary="new summary",
    )
    with database.unit_of_work() as session:
        assert repo.save(session, changed) is False
    with database.unit_of_work() as session:
        assert repo.get(session, Referral, referral.id) == changed
        # Replacing keeps the record's place in the list.
        assert [r.id for r in repo.list_all(session, Referral)] == ["R2", "R1"]
        undecided = dataclasses.replace(changed, decision=None)
        repo.save(session, undecided)
        assert repo.get(session, Referral, referral.id).decision is None


def _written(database: Database, stored: object, edited: object) -> list[str]:
    """The statements saving `edited` over `stored` (as read in the transaction) runs."""
    statements: list[str] = []

    def note(*args: Any) -> None:
        statements.append(" ".join(str(args[2]).split()))

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        with database.unit_of_work() as session:
            repo.save(session, edited, stored=stored)
    finally:
        event.remove(database.engine, "before_cursor_execute", note)
    return [s for s in statements if s.split()[0] in {"INSERT", "UPDATE", "DELETE"}]


def test_saving_an_edit_writes_only_the_columns_changed(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    referral = document.referrals[0]
    edited = dataclasses.replace(referral, summary="new summary", learned_on=None)
    assert _written(database, referral, edited) == [
        "UPDATE referral SET summary=?, learned_on=? WHERE referral.id = ?"
    ]
    with database.unit_of_work() as session:
        assert repo.get(session, Referral, referral.id) == edited
        # The record keeps its place in the list.
        assert [r.id for r in repo.list_all(session, Referral)] == ["R2", "R1"]
    assert _written(database, edited, edited) == []


def test_saving_an_edit_replaces_a_part_changed_with_the_parts_that_refer_to_it(
    database: Database,
) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    referral = document.referrals[0]
    assert referral.decision is not None
    fewer_children = dataclasses.replace(referral, children=referral.children[1:])
    assert [s.split()[:3] for s in _written(database, referral, fewer_children)] == [
        ["DELETE", "FROM", "referral_child"],
        ["INSERT", "INTO", "referral_child"],
    ]
    # The decision's attendees and the people invited refer to the decision.
    decided = dataclasses.replace(
        fewer_children, decision=dataclasses.replace(referral.decision, rationale="Changed")
    )
    assert [s.split()[:3] for s in _written(database, fewer_children, decided)] == [
        ["DELETE", "FROM", "decision_invited"],
        ["DELETE", "FROM", "decision_attendee"],
        ["DELETE", "FROM", "criteria_decision"],
        ["INSERT", "INTO", "criteria_decision"],
        ["INSERT", "INTO", "decision_attendee"],
        ["INSERT", "INTO", "decision_invited"],
    ]
    undecided = dataclasses.replace(decided, decision=None)
    _written(database, decided, undecided)
    with database.unit_of_work() as session:
        assert repo.get(session, Referral, referral.id) == undecided
    _written(database, undecided, decided)
    with database.unit_of_work() as session:
        assert repo.get(session, Referral, referral.id) == decided
    # An action changed takes its updates along; the recommendation's row stays.
    recommendation = document.recommendations[0]
    first, second = recommendation.actions
    renamed = dataclasses.replace(
        recommendation, actions=(dataclasses.replace(first, description="Train all"), second)
    )
    assert [s.split()[:3] for s in _written(database, recommendation, renamed)] == [
        ["DELETE", "FROM", "action_update"],
        ["DELETE", "FROM", "agency_action"],
        ["INSERT", "INTO", "agency_action"],
        ["INSERT", "INTO", "action_update"],
    ]
    meeting = document.meetings[0]
    edited_meeting = dataclasses.replace(meeting, apologies=(), notes="Short")
    _written(database, meeting, edited_meeting)
    with database.unit_of_work() as session:
        assert repo.get(session, Recommendation, recommendation.id) == renamed
        assert repo.get(session, Meeting, meeting.id) == edited_meeting


def test_new_record_goes_last(database: Database) -> None:
    with database.unit_of_work() as session:
        repo.add_document(session, rich_document())
        new = Agency(id="aaa", name="First by id", kind=AgencyKind.EDUCATION)
        assert repo.save(session, new) is True
        assert repo.list_all(session, Agency)[-1] == new


def test_missing_record_raises_record_not_found(database: Database) -> None:
    with database.unit_of_work() as session:
        with pytest.raises(RecordNotFound):
            repo.get(session, Referral, "nope")
        with pytest.raises(RecordNotFound):
            repo.delete(session, Review, "nope")
        with pytest.raises(RecordNotFound):
            repo.get(session, ReportText, "2016/introduction")


def test_record_naming_a_missing_one_is_refused(database: Database) -> None:
    with database.unit_of_work() as session:
        repo.add_document(session, rich_document())
    member = Member(id="m9", name="Orphan", agency="no-such-agency")
    with pytest.raises(ValidationFailed) as caught, database.unit_of_work() as session:
        repo.save(session, member)
    assert "member" in str(caught.value.errors[0])
    with database.unit_of_work() as session, pytest.raises(RecordNotFound):
        repo.get(session, Member, "m9")


def test_deleting_a_record_still_used_is_refused_and_changes_nothing(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
    with pytest.raises(ValidationFailed), database.unit_of_work() as session:
        repo.delete(session, Referral, "R2")
    with database.unit_of_work() as session:
        assert repo.get(session, Referral, "R2") == document.referrals[0]


def test_delete_takes_the_parts_with_it(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
        repo.delete(session, LearningEvent, "le1")
        repo.delete(session, Recommendation, "REC1")
        repo.delete(session, Meeting, "mt2")
    with database.unit_of_work() as session:
        loaded = repo.load_document(session)
    assert [e.id for e in loaded.learning_events] == ["le2"]
    assert [r.id for r in loaded.recommendations] == ["REC2"]
    assert loaded.recommendations[0].actions == document.recommendations[1].actions
    assert database.check() == []


def test_each_record_type_get_list_save_delete(database: Database) -> None:
    document = rich_document()
    with database.unit_of_work() as session:
        repo.add_document(session, document)
        assert repo.get(session, Agency, "tvp") == document.agencies[0]
        assert repo.get(session, Member, "m2") == document.members[1]
        assert repo.get(session, LearningPoint, "lp1") == document.learning_points[1]
        assert repo.get(session, Review, "V1") == document.reviews[0]
        assert repo.get(session, Recommendation, "REC1") == document.recommendations[0]
        assert repo.list_recommendations(session, review="V2") == []
        assert repo.get(session, Meeting, "mt1") == document.meetings[0]
        assert repo.get(session, LearningEvent, "le1") == document.learning_events[0]
        assert repo.list_all(session, Member) == list(document.members)
        assert repo.list_all(session, LearningPoint) == list(document.learning_points)
        assert repo.list_all(session, Review) == list(document.reviews)
        assert repo.list_all(session, Meeting) == list(document.meetings)
        assert repo.list_all(session, LearningEvent) == list(document.learning_events)
        review = dataclasses.replace(document.reviews[0], learning_summary=None, cost_gbp=None)
        repo.save(session, review)
        assert repo.get(session, Review, "V1") == review
        point = dataclasses.replace(document.learning_points[0], text="changed")
        repo.save(session, point)
        assert repo.get(session, LearningPoint, point.id) == point
        repo.delete(session, LearningEvent, "le1")
        repo.delete(session, LearningEvent, "le2")
        repo.delete(session, Recommendation, "REC1")
        repo.delete(session, Recommendation, "REC2")
        repo.delete(session, Review, "V2")
        repo.delete(session, Meeting, "mt2")
        loaded = repo.load_document(session)
    assert [r.id for r in loaded.reviews] == ["V1"]
    assert loaded.recommendations == ()
    assert [m.id for m in loaded.meetings] == ["mt1"]


def test_report_texts(database: Database) -> None:
    text = ReportText(year=2017, section=ReportSection.CONCLUSION, text="One")
    with database.unit_of_work() as session:
        assert repo.save(session, text) is True
        assert repo.save(session, dataclasses.replace(text, text="Two")) is False
        assert repo.get(session, ReportText, "2017/conclusion").text == "Two"
        assert repo.list_report_texts(session, year=2016) == []
        repo.delete(session, ReportText, "2017/conclusion")
        assert repo.list_report_texts(session) == []


def test_money_keeps_pence(database: Database) -> None:
    from decimal import Decimal

    document = rich_document()
    review = dataclasses.replace(document.reviews[1], cost_gbp=Decimal("9999999999.99"))
    with database.unit_of_work() as session:
        repo.add_document(session, document)
        assert repo.save(session, review) is False
        assert repo.get(session, Review, review.id).cost_gbp == Decimal("9999999999.99")


def test_drafts_are_saved_replaced_listed_and_deleted(database: Database) -> None:
    at = datetime(2024, 2, 29, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    draft = repo.StoredDraft(key="referral:new", title="New referral", updated_at=at, payload="{}")
    with database.unit_of_work() as session:
        repo.save_draft(session, draft)
        repo.save_draft(session, dataclasses.replace(draft, payload='{"a": 1}'))
        stored = repo.get_draft(session, "referral:new")
        assert stored is not None
        assert stored.payload == '{"a": 1}'
        # Stored in UTC, the same instant.
        assert stored.updated_at == at
        assert stored.updated_at.tzinfo == UTC
        assert [d.key for d in repo.list_drafts(session)] == ["referral:new"]
        repo.delete_draft(session, "referral:new")
        assert repo.get_draft(session, "referral:new") is None


def test_naive_timestamps_are_refused(database: Database) -> None:
    draft = repo.StoredDraft(key="k", title="t", updated_at=datetime(2024, 1, 1), payload="")
    with pytest.raises(Exception, match="timezone-aware"), database.unit_of_work() as session:
        repo.save_draft(session, draft)
