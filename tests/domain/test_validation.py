"""The domain rules: each rule gives a field-level message at the right path."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import (
    ActionUpdate,
    Agency,
    AgencyAction,
    ClockPause,
    Document,
    FamilyContribution,
    LearningEvent,
    LearningPoint,
    Meeting,
    Member,
    PanelLoop,
    ParallelProcess,
    ReportText,
)
from crag_desktop.domain.validation import (
    COMPATIBLE_DECISIONS,
    fields,
    join,
    sort_errors,
    validate_agency,
    validate_child,
    validate_decision,
    validate_document,
    validate_learning_event,
    validate_learning_point,
    validate_meeting,
    validate_recommendation,
    validate_referral,
    validate_report_text,
    validate_review,
)
from crag_desktop.domain.vocabulary import (
    AgencyKind,
    AlternativeReviewType,
    DecidedOutcome,
    LegalStatus,
    PanelResponse,
    ParallelProcessStatus,
    ParallelProcessType,
    RecommendationStatus,
    ReportSection,
)
from tests.helpers.records import a_child, a_decision, a_recommendation, a_referral, a_review

TODAY = date(2017, 4, 1)

CHILD = a_child()
DECISION = a_decision(
    answers={"abuse_or_neglect": "suspected", "child_died": True},
    rules_outcome="scr_required",
    rationale="Criteria met.",
    meeting="mt1",
)
#: DECISION's answers changed so that the rules say no serious case review is required.
NOT_REQUIRED = replace(
    DECISION,
    answers={"abuse_or_neglect": "not_suspected", "child_died": False},
    rules_outcome="scr_not_required",
)
REFERRAL = a_referral(decision=DECISION)
REVIEW = a_review(cost_gbp=Decimal("18500.00"))
RECOMMENDATION = a_recommendation()
MEETING = Meeting(id="mt1", date=date(2016, 6, 14), attendees=("m1",), referrals_considered=("R1",))


def messages(errors: list[FieldError]) -> dict[str, str]:
    return {e.path: e.message for e in errors}


# ---------------------------------------------------------------------------------------
# Text


def test_valid_records_have_no_errors() -> None:
    assert validate_referral(REFERRAL, today=TODAY) == []
    assert validate_review(REVIEW, today=TODAY) == []
    assert validate_recommendation(RECOMMENDATION, today=TODAY) == []
    assert validate_meeting(MEETING) == []
    assert validate_agency(Agency(id="tvp", name="Police", kind=AgencyKind.POLICE)) == []


def test_required_text_must_not_be_blank() -> None:
    errors = validate_agency(Agency(id="tvp", name="  \n", kind=AgencyKind.POLICE))
    assert messages(errors) == {"name": "must not be blank"}


def test_max_length() -> None:
    errors = validate_agency(Agency(id="tvp", name="x" * 201, kind=AgencyKind.POLICE))
    assert messages(errors) == {"name": "is too long (201 characters; at most 200)"}
    long_summary = replace(REFERRAL, summary="x" * 20_001)
    assert "is too long" in messages(validate_referral(long_summary, today=TODAY))["summary"]
    assert validate_referral(replace(REFERRAL, summary="x" * 20_000), today=TODAY) == []


@pytest.mark.parametrize("bad", ["\0", "\x07", "\x7f", "\r", "\x1b[31m"])
def test_control_characters_are_refused(bad: str) -> None:
    errors = validate_referral(replace(REFERRAL, summary=f"a{bad}b"), today=TODAY)
    assert "control character" in messages(errors)["summary"]


def test_newline_and_tab_are_fine_in_narrative_but_not_in_names() -> None:
    assert validate_referral(replace(REFERRAL, summary="a\n\tb"), today=TODAY) == []
    errors = validate_agency(Agency(id="tvp", name="a\nb", kind=AgencyKind.POLICE))
    assert messages(errors) == {"name": "must be on one line (no line breaks or tabs)"}


def test_lone_surrogate_is_refused() -> None:
    errors = validate_referral(replace(REFERRAL, summary="a\ud800"), today=TODAY)
    assert "invalid character" in messages(errors)["summary"]


@pytest.mark.parametrize("invisible", ["\u200b", "\u202e", "\u2066", "\ufeff", "\u200f"])
def test_invisible_characters_refused_in_identifiers_kept_in_narrative(invisible: str) -> None:
    bad_child = replace(CHILD, pseudonym=f"Child{invisible} Q")
    referral = replace(REFERRAL, children=(bad_child,), summary=f"text {invisible} text")
    found = messages(validate_referral(referral, today=TODAY))
    assert list(found) == ["children[0].pseudonym"]
    assert "invisible formatting character" in found["children[0].pseudonym"]
    reference = messages(
        validate_referral(replace(REFERRAL, reference=f"R{invisible}"), today=TODAY)
    )
    assert list(reference) == ["reference"]


def test_right_to_left_letters_and_emoji_are_fine() -> None:
    child = replace(CHILD, pseudonym="طفل 😀")
    assert validate_child(child) == []


# ---------------------------------------------------------------------------------------
# Dates


def test_future_dates_are_refused_where_they_make_no_sense() -> None:
    future = date(2017, 4, 2)
    referral = replace(REFERRAL, received=future, incident_date=future)
    found = messages(validate_referral(referral, today=TODAY))
    assert found["received"] == "02/04/2017 is in the future (today is 01/04/2017)"
    assert "in the future" in found["incident_date"]
    # A meeting may be scheduled ahead.
    assert validate_meeting(replace(MEETING, date=future)) == []


def test_today_defaults_to_the_real_today() -> None:
    referral = replace(REFERRAL, received=date(2999, 1, 1))
    assert "in the future" in messages(validate_referral(referral))["received"]


def test_implausibly_early_dates() -> None:
    found = messages(
        validate_referral(replace(REFERRAL, incident_date=date(1016, 4, 20)), today=TODAY)
    )
    assert found == {"incident_date": "20/04/1016 is too early; check the year"}


def test_incident_not_after_received_and_decision_not_before() -> None:
    referral = replace(
        REFERRAL,
        incident_date=date(2016, 5, 4),
        decision=replace(DECISION, decided_on=date(2016, 5, 2)),
    )
    found = messages(validate_referral(referral, today=TODAY))
    assert found["incident_date"] == ("04/05/2016 is after the referral was received (03/05/2016)")
    assert found["decision.decided_on"] == ("02/05/2016 is before the date received (03/05/2016)")


def test_review_dates_in_order() -> None:
    review = replace(
        REVIEW,
        tor_agreed_on=date(2016, 6, 1),
        signed_off_on=date(2017, 1, 10),
        published_on=date(2017, 1, 9),
    )
    found = messages(validate_review(review, today=TODAY))
    assert found == {
        "tor_agreed_on": "01/06/2016 is before the commissioning date (01/07/2016)",
        "published_on": "09/01/2017 is before the sign-off date (10/01/2017)",
    }
    early_signoff = replace(REVIEW, signed_off_on=date(2016, 6, 30))
    assert list(messages(validate_review(early_signoff, today=TODAY))) == ["signed_off_on"]


def test_clock_pause_resumed_not_before_paused() -> None:
    pause = ClockPause(
        clock="completion", paused_on=date(2016, 8, 2), resumed_on=date(2016, 8, 1), reason="x"
    )
    found = messages(validate_review(replace(REVIEW, clock_pauses=(pause,)), today=TODAY))
    assert list(found) == ["clock_pauses[0].resumed_on"]


# ---------------------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(
    ("years", "months", "field"),
    [(-1, 0, "age_years"), (25, 0, "age_years"), (2, 12, "age_months"), (2, -1, "age_months")],
)
def test_age_ranges(years: int, months: int, field: str) -> None:
    referral = replace(
        REFERRAL, children=(CHILD, replace(CHILD, age_years=years, age_months=months))
    )
    found = messages(validate_referral(referral, today=TODAY))
    assert list(found) == [f"children[1].{field}"]


def test_ages_at_the_limits_and_unknown_are_fine() -> None:
    assert validate_child(replace(CHILD, age_years=24, age_months=11)) == []
    assert validate_child(replace(CHILD, age_years=0, age_months=0)) == []
    assert validate_child(replace(CHILD, age_years=None, age_months=None)) == []


def test_referral_needs_a_child() -> None:
    found = messages(validate_referral(replace(REFERRAL, children=()), today=TODAY))
    assert found == {"children": "add at least one child"}


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        (Decimal("-1"), "must be zero or more"),
        (Decimal("1.005"), "must be in pounds and pence (two decimal places)"),
        (Decimal("NaN"), "must be an amount in pounds"),
        (Decimal("1e12"), "is implausibly large; check the amount"),
    ],
)
def test_cost(cost: Decimal, message: str) -> None:
    assert messages(validate_review(replace(REVIEW, cost_gbp=cost), today=TODAY)) == {
        "cost_gbp": message
    }


def test_zero_cost_is_fine() -> None:
    assert validate_review(replace(REVIEW, cost_gbp=Decimal(0)), today=TODAY) == []


def test_learning_event_attendance_and_report_year() -> None:
    event = LearningEvent(id="le1", date=date(2016, 11, 2), title="T", reviews=(), attendance=-1)
    assert list(messages(validate_learning_event(event))) == ["attendance"]
    assert validate_learning_event(replace(event, attendance=0)) == []
    text = ReportText(year=1999, section=ReportSection.INTRODUCTION, text="")
    assert messages(validate_report_text(text)) == {
        "year": "must be from 2000 to 2100 (it is 1999)"
    }
    assert validate_report_text(replace(text, year=2100)) == []


def test_learning_point_needs_text() -> None:
    assert list(messages(validate_learning_point(LearningPoint(id="lp", text=" ")))) == ["text"]


# ---------------------------------------------------------------------------------------
# Decisions


def test_outcome_mapping_is_documented_and_complete() -> None:
    assert COMPATIBLE_DECISIONS["scr_required"] == {DecidedOutcome.SCR}
    assert COMPATIBLE_DECISIONS["notifiable_lcspr_indicated"] == {DecidedOutcome.LCSPR}
    assert COMPATIBLE_DECISIONS["insufficient_information"] == frozenset()


def test_decision_differing_from_rules_needs_a_reason() -> None:
    differs = replace(
        DECISION,
        decided_outcome=DecidedOutcome.ALTERNATIVE_REVIEW,
        alternative_review_type=AlternativeReviewType.PARTNERSHIP,
    )
    found = messages(validate_decision(differs, today=TODAY))
    assert found == {
        "reason_if_different": (
            "give a reason: the decision (another kind of review) differs from the outcome "
            "under the rules (a serious case review is required)"
        )
    }
    assert validate_decision(replace(differs, reason_if_different="Panel view."), today=TODAY) == []


def test_not_required_allows_alternative_or_no_further_action() -> None:
    base = replace(NOT_REQUIRED, decided_outcome=DecidedOutcome.NO_FURTHER_ACTION)
    assert validate_decision(base, today=TODAY) == []
    scr_anyway = replace(base, decided_outcome=DecidedOutcome.SCR)
    assert list(messages(validate_decision(scr_anyway, today=TODAY))) == ["reason_if_different"]


def test_insufficient_information_needs_a_reason_for_any_decision() -> None:
    base = replace(
        DECISION,
        answers={"abuse_or_neglect": "suspected"},
        rules_outcome="insufficient_information",
    )
    found = messages(validate_decision(base, today=TODAY))
    assert "insufficient information" in found["reason_if_different"]
    assert validate_decision(replace(base, reason_if_different="Urgent."), today=TODAY) == []


def test_wt2018_lcspr_mapping() -> None:
    decision = replace(
        DECISION,
        rule_set="WT2018",
        rule_set_version="2018.1",
        answers={"abuse_or_neglect": "known", "child_died": True, "improvements_needed": True},
        rules_outcome="notifiable_lcspr_indicated",
        decided_outcome=DecidedOutcome.LCSPR,
    )
    assert validate_decision(decision, today=TODAY) == []


def test_alternative_review_type_iff_alternative_review() -> None:
    missing = replace(NOT_REQUIRED, decided_outcome=DecidedOutcome.ALTERNATIVE_REVIEW)
    assert messages(validate_decision(missing, today=TODAY)) == {
        "alternative_review_type": "choose the kind of review commissioned instead"
    }
    stray = replace(DECISION, alternative_review_type=AlternativeReviewType.LEARNING)
    assert list(messages(validate_decision(stray, today=TODAY))) == ["alternative_review_type"]


def test_rules_outcome_must_match_the_answers() -> None:
    wrong = replace(DECISION, rules_outcome="scr_not_required")
    found = messages(validate_decision(wrong, today=TODAY))
    assert found["rules_outcome"] == (
        "rules outcome does not match the answers under WT2015 (the answers give scr_required)"
    )


def test_bad_answers_point_at_the_key() -> None:
    bad_value = replace(DECISION, answers={"child_died": "perhaps"})
    assert list(messages(validate_decision(bad_value, today=TODAY))) == ["answers.child_died"]
    bad_key = replace(DECISION, answers={"bogus": True})
    found = messages(validate_decision(bad_key, today=TODAY))
    assert "bogus" in found["answers.bogus"]
    contradiction = replace(DECISION, answers={"suspected_suicide": True, "child_died": False})
    assert any(
        p.startswith("answers") for p in messages(validate_decision(contradiction, today=TODAY))
    )


def test_unknown_rule_set_and_version() -> None:
    found = messages(validate_decision(replace(DECISION, rule_set="WT1999"), today=TODAY))
    assert found == {"rule_set": "is not a known rule set (one of WT2015, WT2018, WT2023)"}
    found = messages(validate_decision(replace(DECISION, rule_set_version="0.1"), today=TODAY))
    assert list(found) == ["rule_set_version"]


def test_panel_loop() -> None:
    responded_unsent = replace(
        DECISION,
        panel=PanelLoop(response=PanelResponse.AGREED, responded_on=date(2016, 7, 1)),
    )
    assert messages(validate_decision(responded_unsent, today=TODAY)) == {
        "panel.responded_on": "give the date sent to the panel first"
    }
    before_sent = replace(
        DECISION,
        panel=PanelLoop(
            sent_on=date(2016, 7, 1),
            response=PanelResponse.CONTESTED,
            responded_on=date(2016, 6, 30),
        ),
    )
    assert list(messages(validate_decision(before_sent, today=TODAY))) == ["panel.responded_on"]
    no_date = replace(
        DECISION, panel=PanelLoop(sent_on=date(2016, 7, 1), response=PanelResponse.AGREED)
    )
    assert messages(validate_decision(no_date, today=TODAY)) == {
        "panel.responded_on": "give the date of the panel's response"
    }
    pending_with_date = replace(
        DECISION, panel=PanelLoop(sent_on=date(2016, 7, 1), responded_on=date(2016, 7, 2))
    )
    assert list(messages(validate_decision(pending_with_date, today=TODAY))) == ["panel.response"]


# ---------------------------------------------------------------------------------------
# Recommendations, meetings


def test_recommendation_status_needs_reason_or_evidence() -> None:
    not_done = replace(RECOMMENDATION, status=RecommendationStatus.NOT_IMPLEMENTED)
    assert messages(validate_recommendation(not_done, today=TODAY)) == {
        "reason_not_implemented": "give the reason it was not implemented"
    }
    impact = replace(RECOMMENDATION, status=RecommendationStatus.IMPACT_EVIDENCED)
    assert messages(validate_recommendation(impact, today=TODAY)) == {
        "evidence_of_impact": "describe the evidence of impact"
    }


def test_recommendation_number_at_least_one() -> None:
    found = messages(validate_recommendation(replace(RECOMMENDATION, number=0), today=TODAY))
    assert found == {"number": "must be 1 or more (it is 0)"}


def test_updates_in_date_order() -> None:
    def update(day: int) -> ActionUpdate:
        return ActionUpdate(
            on=date(2017, 1, day), status=RecommendationStatus.ON_TRACK, note="", by=None
        )

    action = AgencyAction(
        id="A1",
        owner_agency="tvp",
        description="Train.",
        due=None,
        updates=(update(5), update(5), update(4)),
    )
    found = messages(
        validate_recommendation(replace(RECOMMENDATION, actions=(action,)), today=TODAY)
    )
    assert list(found) == ["actions[0].updates[2].on"]
    assert "before the previous update (05/01/2017)" in found["actions[0].updates[2].on"]


def test_meeting_attendee_not_also_apologising() -> None:
    meeting = replace(MEETING, attendees=("m1", "m2"), apologies=("m2",))
    assert messages(validate_meeting(meeting)) == {
        "apologies[0]": "'m2' is also listed as attending; keep them in one list"
    }
    twice = replace(MEETING, attendees=("m1", "m1"))
    assert list(messages(validate_meeting(twice))) == ["attendees[1]"]


# ---------------------------------------------------------------------------------------
# Paths


def test_paths_are_plain_in_forms_and_prefixed_on_import() -> None:
    referral = replace(REFERRAL, children=(CHILD, replace(CHILD, age_years=30)))
    assert [e.path for e in validate_referral(referral, today=TODAY)] == ["children[1].age_years"]
    prefixed = validate_referral(referral, path="$.referrals[0]", today=TODAY)
    assert [e.path for e in prefixed] == ["$.referrals[0].children[1].age_years"]
    assert [e.path for e in validate_referral(referral, path="$.referrals[0].", today=TODAY)] == [
        "$.referrals[0].children[1].age_years"
    ]


def test_join() -> None:
    assert join("", "name") == "name"
    assert join("$.a[0]", "[1]") == "$.a[0][1]"
    assert join("children[1]", "age_years") == "children[1].age_years"


def test_sort_errors_is_numeric_and_removes_duplicates() -> None:
    errors = [FieldError("a[10]", "x"), FieldError("a[9]", "x"), FieldError("a[9]", "x")]
    assert sort_errors(errors) == [FieldError("a[9]", "x"), FieldError("a[10]", "x")]


# ---------------------------------------------------------------------------------------
# Documents


def _document() -> Document:
    return Document(
        agencies=(Agency(id="tvp", name="Police", kind=AgencyKind.POLICE),),
        members=(Member(id="m1", name="Chair", agency="tvp"),),
        learning_points=(LearningPoint(id="lp1", text="Learning."),),
        referrals=(REFERRAL,),
        reviews=(replace(REVIEW, learning_points=("lp1",)),),
        recommendations=(RECOMMENDATION,),
        meetings=(MEETING,),
        learning_events=(
            LearningEvent(
                id="le1", date=date(2016, 11, 2), title="T", reviews=("V1",), attendance=3
            ),
        ),
        report_texts=(ReportText(year=2016, section=ReportSection.INTRODUCTION, text="Intro"),),
    )


def test_valid_document() -> None:
    assert validate_document(_document(), today=TODAY) == []


def test_document_dangling_references_and_duplicates() -> None:
    doc = replace(
        _document(),
        members=(
            Member(id="m1", name="Chair", agency="tvp"),
            Member(id="m1", name="Other", agency="fire"),
        ),
        learning_events=(
            LearningEvent(
                id="le1", date=date(2016, 11, 2), title="T", reviews=("V9",), attendance=1
            ),
        ),
    )
    assert messages(validate_document(doc, today=TODAY)) == {
        "$.members[1].id": "id 'm1' is used more than once in members (first at $.members[0].id)",
        "$.members[1].agency": "refers to agency 'fire', which is not in the document",
        "$.learning_events[0].reviews[0]": "refers to review 'V9', which is not in the document",
    }


def test_an_id_clash_is_named_without_waiting_for_every_record_rule() -> None:
    # On a large document the record rules take most of the time: a repeated id refuses
    # it first, with the id and reference problems alone.
    doc = replace(
        _document(),
        members=(
            Member(id="m1", name="Chair", agency="tvp"),
            Member(id="m1", name="   ", agency="tvp"),
        ),
    )
    assert messages(validate_document(doc, today=TODAY)) == {
        "$.members[1].id": "id 'm1' is used more than once in members (first at $.members[0].id)",
    }
    fixed = replace(doc, members=(doc.members[0], replace(doc.members[1], id="m2")))
    assert messages(validate_document(fixed, today=TODAY)) == {
        "$.members[1].name": "must not be blank",
    }


def test_a_repeated_recommendation_number_or_report_section_names_the_first() -> None:
    doc = replace(
        _document(),
        recommendations=(RECOMMENDATION, replace(RECOMMENDATION, id="REC2")),
        report_texts=(
            ReportText(year=2016, section=ReportSection.INTRODUCTION, text="Intro"),
            ReportText(year=2016, section=ReportSection.INTRODUCTION, text="Again"),
        ),
    )
    assert messages(validate_document(doc, today=TODAY)) == {
        "$.recommendations[1].number": (
            f"recommendation number {RECOMMENDATION.number} is used twice for review "
            f"{RECOMMENDATION.review!r} (first at $.recommendations[0].number)"
        ),
        "$.report_texts[1].section": (
            'the 2016 report already has text for "Introduction" '
            "(first at $.report_texts[0].section)"
        ),
    }


def test_document_against_database_ids() -> None:
    doc = replace(_document(), agencies=())
    assert validate_document(doc, known_ids={"agencies": {"tvp"}}, today=TODAY) == []
    clash = validate_document(_document(), known_ids={"agencies": {"tvp"}}, today=TODAY)
    assert messages(clash) == {"$.agencies[0].id": "id already exists in the database"}


def test_every_reference_kind_is_checked() -> None:
    update = ActionUpdate(
        on=date(2017, 1, 1),
        status=RecommendationStatus.ON_TRACK,
        note="",
        by="ghost",
        meeting="mt7",
    )
    action = AgencyAction(
        id="A1", owner_agency="nope", description="d", due=None, updates=(update,)
    )
    doc = replace(
        _document(),
        referrals=(
            replace(
                REFERRAL,
                referring_agency="x",
                decision=replace(DECISION, meeting="mt9", attendees=("m9",)),
            ),
        ),
        reviews=(replace(REVIEW, referral="R9", learning_points=("lp9",)),),
        recommendations=(replace(RECOMMENDATION, review="V1", lead_agency="y", actions=(action,)),),
        meetings=(
            replace(MEETING, attendees=("m8",), apologies=("m7",), referrals_considered=("R8",)),
        ),
    )
    assert sorted(messages(validate_document(doc, today=TODAY))) == sorted(
        [
            "$.referrals[0].referring_agency",
            "$.referrals[0].decision.meeting",
            "$.referrals[0].decision.attendees[0]",
            "$.reviews[0].referral",
            "$.reviews[0].learning_points[0]",
            "$.recommendations[0].lead_agency",
            "$.recommendations[0].actions[0].owner_agency",
            "$.recommendations[0].actions[0].updates[0].by",
            "$.recommendations[0].actions[0].updates[0].meeting",
            "$.meetings[0].attendees[0]",
            "$.meetings[0].apologies[0]",
            "$.meetings[0].referrals_considered[0]",
        ]
    )


# ---------------------------------------------------------------------------------------
# Properties: any text gives field errors or nothing, never an exception.


@settings(max_examples=200, deadline=None)
@given(
    text=st.text()
    | st.text(alphabet=st.sampled_from(["\0", "\u202e", "\u200b", "😀", "\n", "a", "\ud800"]))
)
def test_any_text_in_any_field_never_crashes(text: str) -> None:
    family = FamilyContribution(
        who=text, facilitated_by=text, on=None, saw_report_before_publication=False
    )
    process = ParallelProcess(
        type=ParallelProcessType.INQUEST, status=ParallelProcessStatus.ONGOING, notes=text
    )
    referral = replace(
        REFERRAL,
        reference=text,
        case_name=text,
        summary=text,
        children=(replace(CHILD, pseudonym=text, ethnicity=text, legal_status=LegalStatus.NONE),),
        decision=replace(DECISION, rationale=text, reason_if_different=text, answers={text: text}),
    )
    review = replace(
        REVIEW, title=text, family_contributions=(family,), parallel_processes=(process,)
    )
    for errors in (
        validate_referral(referral, today=TODAY),
        validate_review(review, today=TODAY),
        validate_meeting(replace(MEETING, notes=text, agenda=text, attendees=(text,))),
        validate_agency(Agency(id=text, name=text, kind=AgencyKind.OTHER)),
    ):
        assert all(isinstance(e, FieldError) and e.message for e in errors)


def test_odd_answer_keys_are_quoted_in_paths() -> None:
    odd = replace(DECISION, answers={"odd key\u200b": True})
    assert list(messages(validate_decision(odd, today=TODAY))) == ['answers["odd key\u200b"]']


@settings(max_examples=300, deadline=None)
@given(
    text=st.text()
    | st.text(alphabet=st.sampled_from([" ", "\n", "\t", "\0", "\u200b", "\u2028", "a", "\ud800"])),
    required=st.booleans(),
    single_line=st.booleans(),
    identifier=st.booleans(),
    max_length=st.integers(0, 12),
)
def test_the_quick_look_at_text_finds_what_the_full_check_finds(
    text: str, required: bool, single_line: bool, identifier: bool, max_length: int
) -> None:
    # Printable text skips the full check: it must be text the full check passes.
    flags: dict[str, Any] = {
        "required": required,
        "max_length": max_length,
        "single_line": single_line,
        "identifier": identifier,
    }
    errors: list[FieldError] = []
    fields._text(errors, "$.x", "f", text, **flags)
    problem = fields._text_problem(text, **flags)
    assert errors == ([FieldError("$.x.f", problem)] if problem else [])
