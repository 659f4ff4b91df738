"""The tracker's derived status and the append-only history of progress updates."""

from __future__ import annotations

import dataclasses
from datetime import date

from crag_desktop.domain.records import ActionUpdate, AgencyAction, Recommendation
from crag_desktop.domain.tracker import (
    derived_status,
    keep_update_history,
    recommendation_derived,
)
from crag_desktop.domain.vocabulary import (
    MonitoringGroup,
    RecommendationScope,
    RecommendationStatus,
)

S = RecommendationStatus
AS_OF = date(2020, 4, 1)


def _update(on: date, status: RecommendationStatus) -> ActionUpdate:
    return ActionUpdate(on=on, status=status, note="Discussed", by=None)


REC = Recommendation(
    id="REC1",
    review="V1",
    number=1,
    text="Share information",
    scope=RecommendationScope.MULTI_AGENCY,
    lead_agency="csc",
    monitoring_group=MonitoringGroup.EXECUTIVE,
    due=date(2021, 3, 31),
    status=S.ON_TRACK,
    actions=(
        AgencyAction(
            id="A1",
            owner_agency="csc",
            description="Train staff",
            due=None,
            updates=(_update(date(2019, 5, 1), S.AT_RISK), _update(date(2019, 9, 1), S.ON_TRACK)),
        ),
        AgencyAction(id="A2", owner_agency="csc", description="Audit", due=None),
    ),
)


def test_on_track_three_years_past_due_is_overdue() -> None:
    assert derived_status(S.ON_TRACK, date(2017, 3, 31), AS_OF) == S.OVERDUE


def test_a_closed_recommendation_stays_as_set() -> None:
    assert derived_status(S.COMPLETED, date(2017, 3, 31), AS_OF, [S.AT_RISK]) == S.COMPLETED
    assert derived_status(S.NOT_IMPLEMENTED, date(2017, 3, 31), AS_OF) == S.NOT_IMPLEMENTED


def test_the_latest_update_at_risk_makes_it_at_risk() -> None:
    assert derived_status(S.ON_TRACK, date(2021, 3, 31), AS_OF, [S.AT_RISK]) == S.AT_RISK
    # Only the latest update of each action counts: A1 was at risk, then back on track.
    assert recommendation_derived(REC, AS_OF) == S.ON_TRACK
    later = dataclasses.replace(
        REC.actions[0], updates=(*REC.actions[0].updates, _update(date(2020, 1, 5), S.AT_RISK))
    )
    at_risk = dataclasses.replace(REC, actions=(later, REC.actions[1]))
    assert recommendation_derived(at_risk, AS_OF) == S.AT_RISK


def test_an_emptied_update_list_gets_its_history_back() -> None:
    emptied = dataclasses.replace(
        REC, actions=(dataclasses.replace(REC.actions[0], updates=()), REC.actions[1])
    )
    kept, refused = keep_update_history(REC, emptied)
    assert refused == []
    assert kept.actions[0].updates == REC.actions[0].updates


def test_removing_an_action_with_updates_is_refused() -> None:
    without = dataclasses.replace(REC, actions=(REC.actions[1],))
    _, refused = keep_update_history(REC, without)
    assert len(refused) == 1
    assert "never deleted" in refused[0].message
    # An action without updates may go.
    _, refused = keep_update_history(REC, dataclasses.replace(REC, actions=(REC.actions[0],)))
    assert refused == []


def test_closure_steps_each_status_needs() -> None:
    from crag_desktop.domain.tracker import closure_problems, closure_summary

    def paths(record: Recommendation) -> list[tuple[str, str]]:
        return [(e.path, e.message) for e in closure_problems(record)]

    assert paths(dataclasses.replace(REC, status=S.ON_TRACK)) == []
    assert paths(dataclasses.replace(REC, status=S.COMPLETED)) == [
        ("completed_on", "give the date it was completed")
    ]
    verified = dataclasses.replace(REC, status=S.VERIFIED, completed_on=date(2020, 1, 2))
    assert paths(verified) == [
        ("verified_on", "give the date its completion was verified"),
        ("verified_by", "name who verified it"),
    ]
    done = dataclasses.replace(verified, verified_on=date(2020, 2, 3), verified_by=" PAQA ")
    assert paths(done) == []
    assert closure_summary(done) == "Completed on 02/01/2020; verified on 03/02/2020 by PAQA"
    # A step beyond the status contradicts it; not implemented takes no closure steps.
    reopened = dataclasses.replace(done, status=S.NOT_IMPLEMENTED)
    assert [p for p, _ in paths(reopened)] == ["completed_on", "verified_on"]
    assert "set the status to “Completed”" in paths(reopened)[0][1]
