"""Recording criteria decisions and the National Panel loop, on a real encrypted database."""

from __future__ import annotations

import dataclasses
from datetime import date
from types import MappingProxyType

import pytest

from crag_desktop.domain import criteria
from crag_desktop.domain.criteria import Outcome, RuleSet, registry
from crag_desktop.domain.errors import CragError, RecordNotFound, ValidationFailed
from crag_desktop.domain.records import (
    CriteriaDecision,
    Meeting,
    Referral,
    Review,
)
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    IncidentType,
    PanelResponse,
    ReferralStatus,
    ReviewStatus,
    ReviewType,
)
from crag_desktop.services.database import Database
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.records import RecordService
from crag_desktop.storage import audit, repositories
from tests.helpers.databases import stored_notification_owed, with_partnership
from tests.helpers.decisions import panel_response
from tests.helpers.records import a_referral, a_review, a_rules_decision

WT2015_SCR: dict[str, str | bool | None] = {
    "abuse_or_neglect": "suspected",
    "child_died": False,
    "suspected_suicide": False,
    "death_in_custody": False,
    "seriously_harmed": True,
    "harm_life_threatening": True,
    "harm_long_term_impairment": None,
    "interagency_concern": "no_definitive_evidence",
}
WT2015_NOT_MET: dict[str, str | bool | None] = {
    "abuse_or_neglect": "not_suspected",
    "child_died": True,
    "suspected_suicide": None,
    "death_in_custody": False,
}


@pytest.fixture
def db(database: Database) -> Database:
    """The partnership's database with referral R1 awaiting a decision."""
    return with_partnership(database, referral())


def referral(**changes: object) -> Referral:
    awaiting = {
        "reference": "CRAG-2016-03",
        "referring_agency": "police",
        "incident_type": IncidentType.SERIOUS_HARM,
        "status": ReferralStatus.AWAITING_DECISION,
    }
    return a_referral("R1", **{**awaiting, **changes})


def decision(answers: dict[str, str | bool | None], **changes: object) -> CriteriaDecision:
    rule_set = str(changes.pop("rule_set", "WT2015"))
    settled = {
        "rationale": "The injuries were life-threatening and agencies missed signs.",
        "decided_on": date(2016, 6, 1),
        "meeting": "mt1",
        "evidence": {"abuse_or_neglect": "Medical opinion: non-accidental."},
    }
    return a_rules_decision(answers, rule_set=rule_set, **{**settled, **changes})


def stored(db: Database, key: str = "R1") -> Referral:
    with db.unit_of_work() as session:
        return repositories.get(session, Referral, key)


def events(db: Database, record_type: str, record_id: str) -> list[str]:
    with db.unit_of_work() as session:
        return [
            e.action
            for e in audit.list_events(session, record_type=record_type, record_id=record_id)
        ]


def meeting(**changes: object) -> Meeting:
    base = Meeting(id="mt1", date=date(2016, 6, 1), attendees=("m1", "m2"), referrals_considered=())
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_a_decision_is_stored_with_its_meeting_and_audited(db: Database) -> None:
    service = DecisionService(db=db)
    changes = service.record_decision(
        referral=referral(),
        decision=decision(WT2015_SCR),
        meeting=meeting(),
        commission=None,
        reason="CRAG meeting",
    )

    saved = stored(db)
    assert saved.status == ReferralStatus.DECIDED
    assert saved.decision is not None
    assert saved.decision.rules_outcome == "scr_required"
    assert saved.decision.decided_outcome == DecidedOutcome.SCR
    assert saved.decision.answers["harm_long_term_impairment"] is None
    assert saved.decision.evidence["abuse_or_neglect"] == "Medical opinion: non-accidental."
    with db.unit_of_work() as session:
        saved_meeting = repositories.get(session, Meeting, "mt1")
    assert saved_meeting.referrals_considered == ("R1",)
    assert saved_meeting.attendees == ("m1", "m2")
    assert changes.updated == {("referral", "R1"), ("meeting", "mt1")}
    assert events(db, "referral", "R1")[-1] == "update"
    assert events(db, "meeting", "mt1")[-1] == "update"


def test_a_new_referral_and_new_meeting_are_created_together(db: Database) -> None:
    service = DecisionService(db=db)
    new = referral(id="R2", reference="CRAG-2016-04", case_name="Child Z")
    changes = service.record_decision(
        referral=new,
        decision=decision(WT2015_SCR, meeting=None),
        meeting=meeting(id="mt2", date=date(2016, 6, 1)),
        commission=None,
    )
    assert changes.created == {("referral", "R2"), ("meeting", "mt2")}
    assert stored(db, "R2").decision is not None
    assert events(db, "referral", "R2") == ["create"]
    assert service.awaiting_decision() == [] or all(
        choice.id != "R2" for choice in service.awaiting_decision()
    )


def test_a_decision_that_differs_from_the_rules_needs_a_reason(db: Database) -> None:
    service = DecisionService(db=db)
    differing = decision(WT2015_SCR, decided_outcome=DecidedOutcome.NO_FURTHER_ACTION)
    with pytest.raises(ValidationFailed) as failure:
        service.record_decision(
            referral=referral(), decision=differing, meeting=meeting(), commission=None
        )
    assert [e.path for e in failure.value.errors] == ["decision.reason_if_different"]
    assert stored(db).decision is None, "nothing is saved when the decision is refused"

    service.record_decision(
        referral=referral(),
        decision=dataclasses.replace(
            differing, reason_if_different="A single-agency matter already being addressed."
        ),
        meeting=meeting(),
        commission=None,
    )
    saved = stored(db).decision
    assert saved is not None
    assert saved.reason_if_different == "A single-agency matter already being addressed."


def test_a_rules_outcome_that_does_not_match_the_answers_is_refused(db: Database) -> None:
    service = DecisionService(db=db)
    with pytest.raises(ValidationFailed) as failure:
        service.record_decision(
            referral=referral(),
            decision=decision(WT2015_SCR, rules_outcome="scr_not_required"),
            meeting=meeting(),
            commission=None,
        )
    assert "decision.rules_outcome" in [e.path for e in failure.value.errors]


def test_commissioning_creates_the_review_of_the_decided_kind(db: Database) -> None:
    service = DecisionService(db=db)
    chosen = decision(
        WT2015_NOT_MET,
        decided_outcome=DecidedOutcome.ALTERNATIVE_REVIEW,
        alternative_review_type=AlternativeReviewType.PARTNERSHIP,
    )
    review = a_review(
        title="Child Q partnership review",
        type=ReviewType.PARTNERSHIP,
        status=ReviewStatus.COMMISSIONED,
        commissioned_on=date(2016, 6, 1),
    )
    wrong = dataclasses.replace(review, type=ReviewType.SCR)
    with pytest.raises(ValidationFailed) as failure:
        service.record_decision(
            referral=referral(), decision=chosen, meeting=meeting(), commission=wrong
        )
    assert [e.path for e in failure.value.errors] == ["commission.type"]

    changes = service.record_decision(
        referral=referral(), decision=chosen, meeting=meeting(), commission=review
    )
    assert ("review", "V1") in changes.created
    with db.unit_of_work() as session:
        saved = repositories.get(session, Review, "V1")
    assert saved.type == ReviewType.PARTNERSHIP
    assert saved.referral == "R1"
    assert events(db, "review", "V1") == ["create"]


def test_wt2018_notifiable_decisions_need_the_notification_date(db: Database) -> None:
    service = DecisionService(db=db)
    answers: dict[str, str | bool | None] = {
        "abuse_or_neglect": "known",
        "child_died": True,
        "seriously_harmed": None,
        "looked_after_child_died": False,
        "improvements_needed": True,
    }
    result = criteria.evaluate("WT2018", answers)
    assert result.outcome == "notifiable_lcspr_indicated"
    wt2018 = decision(
        answers,
        rule_set="WT2018",
        decided_outcome=DecidedOutcome.LCSPR,
        evidence={},
        decided_on=date(2019, 3, 1),
    )
    later = referral(received=date(2019, 2, 1), incident_date=date(2019, 1, 28))
    with pytest.raises(ValidationFailed) as failure:
        service.record_decision(
            referral=later,
            decision=wt2018,
            meeting=meeting(date=date(2019, 3, 1)),
            commission=None,
        )
    assert [e.path for e in failure.value.errors] == ["notified_on"]

    service.record_decision(
        referral=dataclasses.replace(
            later, learned_on=date(2019, 1, 29), notified_on=date(2019, 2, 4)
        ),
        decision=wt2018,
        meeting=meeting(date=date(2019, 3, 1)),
        commission=None,
    )
    assert stored(db).notified_on == date(2019, 2, 4)


def test_saving_a_decision_or_its_referral_works_out_whether_a_notification_is_owed(
    db: Database,
) -> None:
    assert stored_notification_owed(db) == {"R1": "not_yet_known"}

    DecisionService(db=db).record_decision(
        referral=referral(),
        decision=decision(
            WT2015_NOT_MET,
            decided_outcome=DecidedOutcome.NO_FURTHER_ACTION,
        ),
        meeting=meeting(),
        commission=None,
    )
    # Abuse or neglect neither known nor suspected, no death in custody: none owed.
    assert stored_notification_owed(db) == {"R1": "not_owed"}

    # The referral's form saves the decision with it: answers changed there count too.
    before = stored(db)
    assert before.decision is not None
    RecordService(db=db).save(
        dataclasses.replace(
            before,
            decision=dataclasses.replace(
                before.decision,
                answers=WT2015_SCR,
                rules_outcome="scr_required",
                decided_outcome=DecidedOutcome.SCR,
            ),
        ),
        reason="Answers corrected",
    )
    assert stored_notification_owed(db) == {"R1": "owed"}


def test_explain_uses_the_recorded_rule_set_version(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = DecisionService(db=db)
    service.record_decision(
        referral=referral(), decision=decision(WT2015_SCR), meeting=meeting(), commission=None
    )
    # A later guidance change: version 2015.2 that never requires a review. A decision
    # recorded under 2015.1 must still be explained by 2015.1.
    current = criteria.RULE_SETS["WT2015"]
    later = dataclasses.replace(
        current,
        version="2015.2",
        rules=tuple(
            dataclasses.replace(rule, outcome="scr_not_required") for rule in current.rules
        ),
        outcomes=(*current.outcomes, Outcome("later", "Later")),
    )
    monkeypatch.setattr(
        registry,
        "_ALL_VERSIONS",
        MappingProxyType({**registry._ALL_VERSIONS, ("WT2015", "2015.2"): later}),
    )
    monkeypatch.setattr(
        registry, "RULE_SETS", MappingProxyType({**registry.RULE_SETS, "WT2015": later})
    )
    assert isinstance(later, RuleSet)
    assert criteria.evaluate("WT2015", WT2015_SCR).outcome == "scr_not_required"

    explained = service.explain("R1")
    assert explained.version == "2015.1"
    assert explained.outcome == "scr_required"
    assert any("serious case review" in reason for reason in explained.reasons)
    assert service.explain("CRAG-2016-03").version == "2015.1"


def test_explain_says_when_there_is_no_decision(db: Database) -> None:
    service = DecisionService(db=db)
    with pytest.raises(CragError) as failure:
        service.explain("CRAG-2016-03")
    assert str(failure.value) == (
        "Referral CRAG-2016-03 has no recorded decision yet: record one with the criteria "
        "wizard first."
    )
    with pytest.raises(RecordNotFound):
        service.explain("CRAG-1999-99")


def test_the_panel_loop_updates_and_the_awaiting_list_ages(db: Database) -> None:
    service = DecisionService(db=db)
    service.record_decision(
        referral=referral(), decision=decision(WT2015_SCR), meeting=meeting(), commission=None
    )
    # Wednesday 1 June 2016 to Friday 10 June 2016: 9 days, 7 working days.
    (row,) = service.awaiting_panel(date(2016, 6, 10))
    assert (row.reference, row.case_name, row.sent_on) == ("CRAG-2016-03", "Child Q", None)
    assert (row.age_days, row.age_working_days) == (9, 7)
    assert row.waiting_for == "Sending to the Panel"

    panel_response(service, PanelResponse.PENDING, responded_on=None)
    (row,) = service.awaiting_panel(date(2016, 6, 10))
    assert (row.sent_on, row.age_days, row.age_working_days) == (date(2016, 6, 3), 7, 5)
    assert row.waiting_for == "The Panel's response"

    with pytest.raises(ValidationFailed) as failure:
        panel_response(service, PanelResponse.AGREED, responded_on=date(2016, 6, 2))
    assert [e.path for e in failure.value.errors] == ["panel.responded_on"]

    changes = panel_response(service, PanelResponse.CONTESTED)
    assert changes.updated == {("referral", "R1")}
    assert [r.waiting_for for r in service.awaiting_panel(date(2016, 7, 4))] == [
        "The Board's reply"
    ]
    panel_response(
        service,
        PanelResponse.CONTESTED,
        board_reply="The Board keeps its view and commissions a partnership review.",
        reason="Board meeting",
    )
    assert service.awaiting_panel(date(2016, 7, 4)) == []
    saved = stored(db).decision
    assert saved is not None
    assert saved.panel.response == PanelResponse.CONTESTED
    assert saved.panel.board_reply is not None
    assert events(db, "referral", "R1").count("update") == 4  # decision + 3 loop updates


def test_awaiting_decision_lists_and_searches_undecided_referrals(db: Database) -> None:
    service = DecisionService(db=db)
    assert [c.reference for c in service.awaiting_decision()] == ["CRAG-2016-03"]
    assert service.awaiting_decision("Child Q")[0].referring_agency == "Police"
    assert service.awaiting_decision("nobody") == []


def test_panel_loops_show_answered_and_contested_loops_when_asked(db: Database) -> None:
    service = DecisionService(db=db)
    service.record_decision(
        referral=referral(), decision=decision(WT2015_SCR), meeting=meeting(), commission=None
    )
    panel_response(service, PanelResponse.CONTESTED, board_reply="The Board keeps its view.")
    # Answered by the Board: no longer awaiting, but still listed among all the loops.
    assert service.panel_loops(date(2016, 9, 1), awaiting_only=True) == []
    (row,) = service.panel_loops(date(2016, 9, 1), awaiting_only=False)
    assert (row.reference, row.awaiting, row.contested) == ("CRAG-2016-03", False, True)
    assert row.board_reply == "The Board keeps its view."
    assert row.waiting_for == "Nothing: the Board replied"
    # A closed loop's age stops at the Panel's response (3 June to 1 July: 20 working days).
    assert (row.age_days, row.age_working_days) == (28, 20)

    panel_response(service, PanelResponse.AGREED)
    (row,) = service.panel_loops(date(2016, 9, 1), awaiting_only=False)
    assert (row.awaiting, row.contested, row.waiting_for) == (
        False,
        False,
        "Nothing: answered",
    )


def test_decisions_at_a_meeting_name_the_referral_and_the_outcome(db: Database) -> None:
    service = DecisionService(db=db)
    assert service.decisions_at_meeting("mt1") == []
    service.record_decision(
        referral=referral(),
        decision=decision(
            WT2015_NOT_MET,
            decided_outcome=DecidedOutcome.ALTERNATIVE_REVIEW,
            alternative_review_type=AlternativeReviewType.PARTNERSHIP,
        ),
        meeting=meeting(),
        commission=None,
    )
    (found,) = service.decisions_at_meeting("mt1")
    assert (found.reference, found.case_name, found.outcome_label) == (
        "CRAG-2016-03",
        "Child Q",
        "Partnership review",
    )
    assert service.decisions_at_meeting("mt-other") == []
