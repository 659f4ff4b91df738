"""The dashboard's figures on a hand-built dataset, and the lists each figure opens."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from crag_desktop.domain.clock import ClockStatus
from crag_desktop.domain.records import (
    Document,
    LearningPoint,
    Recommendation,
    Referral,
)
from crag_desktop.domain.vocabulary import (
    RecommendationStatus,
    ReferralStatus,
    ReviewStatus,
)
from crag_desktop.services.dashboard import (
    DashboardFigures,
    DashboardService,
)
from crag_desktop.services.database import Database
from crag_desktop.services.demo import build_demo
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReviewList
from crag_desktop.services.recommendation_list import RecommendationList, RecommendationQuery
from crag_desktop.services.records import RecordService
from crag_desktop.storage import repositories
from tests.helpers.dashboard import (
    DECIDED,
    DOCUMENT,
    NOTIFICATION,
    RAPID,
    TODAY,
    notification_paused,
)
from tests.helpers.databases import stored_notification_owed
from tests.helpers.records import keyed_recommendation as recommendation
from tests.helpers.records import keyed_referral as referral
from tests.helpers.records import keyed_review as review


@pytest.fixture
def figures(database: Database) -> DashboardFigures:
    with database.unit_of_work() as session:
        repositories.add_document(session, DOCUMENT)
    return DashboardService(db=database).figures(TODAY)


def test_pending_decisions(database: Database, figures: DashboardFigures) -> None:
    pending = figures.pending_decisions

    assert pending.count == 6
    assert set(pending.ids) == {"P1", "P4", "P5", "P6", "P7", "P8"}
    referrals = ReferralList(db=database)
    assert referrals.count(pending.query) == 6
    assert {row.id for row in referrals.page(pending.query)} == set(pending.ids)


def test_clocks_due_soon_or_breached_soonest_first(
    database: Database, figures: DashboardFigures
) -> None:
    shown = [
        (c.referral_id, c.state.kind, c.state.due_on, c.state.status) for c in figures.clocks_due
    ]

    assert shown == [
        # P3's answers leave it open whether a notification is owed: its clock runs.
        ("P3", NOTIFICATION, date(2024, 1, 9), ClockStatus.BREACHED),
        ("P11", NOTIFICATION, date(2024, 1, 10), ClockStatus.BREACHED),
        ("P9", NOTIFICATION, date(2024, 1, 11), ClockStatus.BREACHED),
        ("P4", RAPID, date(2024, 2, 26), ClockStatus.BREACHED),
        ("P1", NOTIFICATION, date(2024, 3, 5), ClockStatus.DUE),
        ("P5", RAPID, date(2024, 3, 14), ClockStatus.DUE),
    ]
    assert figures.clocks.count == 6
    assert figures.clocks_due[0].reference == "CRAG-2023-P3"
    assert ReferralList(db=database).count(figures.clocks.query) == 6


def test_a_referral_decided_as_owing_no_notification_has_no_clock(
    database: Database, figures: DashboardFigures
) -> None:
    # The answers stored as JSON are read once, in Python, when the referral is saved; the
    # dashboard reads the stored fact.
    owed = stored_notification_owed(database)

    assert (owed["P10"], owed["P11"], owed["P3"], owed["P1"]) == (
        "not_owed",
        "owed",
        "not_yet_known",
        "not_yet_known",
    )
    assert "P10" not in figures.clocks.ids


def test_the_demo_as_of_1_april_2017_has_no_clock_for_child_p(database: Database) -> None:
    build_demo(database, synthetic_referrals=0, seed=1)

    figures = DashboardService(db=database).figures(date(2017, 4, 1))

    # Child P (WT2015, abuse or neglect neither known nor suspected) owed no notification.
    # Child R was seriously harmed with abuse suspected: owed, never notified, late. Child S
    # is still gathering information: not yet known, so its clock runs.
    late = {(c.case_name, c.state.kind, c.state.status) for c in figures.clocks_due}
    assert late == {
        ("Child R", NOTIFICATION, ClockStatus.BREACHED),
        ("Child S", NOTIFICATION, ClockStatus.BREACHED),
    }
    assert figures.clocks.count == 2


def test_reviews_past_their_marks(database: Database, figures: DashboardFigures) -> None:
    marks = {mark.months: mark.figure for mark in figures.review_marks}

    # Each tile lists its own band only: 6 to 12 months, 12 to 18, beyond 18.
    assert {months: set(f.ids) for months, f in marks.items()} == {
        6: {"V1"},
        12: {"V5"},
        18: {"V3"},
    }
    reviews = ReviewList(db=database)
    for figure in marks.values():
        assert figure.count == len(figure.ids)
        assert {row.id for row in reviews.page(figure.query)} == set(figure.ids)


def test_overdue_recommendations(database: Database, figures: DashboardFigures) -> None:
    overdue = figures.overdue_recommendations

    assert overdue.count == 2
    assert overdue.ids == ("REC5", "REC1")
    rows = RecommendationList(db=database, today=lambda: TODAY).page(overdue.query)
    assert [row.id for row in rows] == ["REC5", "REC1"]
    assert {row.derived_status for row in rows} == {RecommendationStatus.OVERDUE}


def test_an_empty_database_has_nothing_to_show(database: Database) -> None:
    empty = DashboardService(db=database).figures(TODAY)

    assert empty.pending_decisions.count == 0
    assert empty.clocks.count == 0
    assert empty.clocks_due == ()
    assert [mark.figure.count for mark in empty.review_marks] == [0, 0, 0]
    assert empty.overdue_recommendations.count == 0


def test_learning_point_reviews_names_each_points_reviews_by_title(database: Database) -> None:
    with database.unit_of_work() as session:
        for key in ("lp1", "lp2", "lp3"):
            repositories.save(session, LearningPoint(id=key, text=key))
        for key, title, points in (
            ("V1", "Child Q", ("lp1", "lp2")),
            ("V2", "Baby L", ("lp1",)),
        ):
            base = review(key, date(2016, 1, 1), ReviewStatus.ACTIVE)
            repositories.save(
                session, dataclasses.replace(base, title=title, learning_points=points)
            )
    # lp3 is carried by no review, so it is absent rather than an empty list.
    assert RecordService(db=database).learning_point_reviews() == {
        "lp1": ["Baby L", "Child Q"],
        "lp2": ["Child Q"],
    }
    # One point's alone (the Learning screen asks when a point is opened or pointed at).
    records = RecordService(db=database)
    assert records.learning_point_review_titles("lp1") == ["Baby L", "Child Q"]
    assert records.learning_point_review_titles("lp3") == []
    assert records.learning_point_usage() == {"lp1": 2, "lp2": 1}
    # The titles of chosen reviews only (a learning event's), and every review's.
    assert [(c.id, c.label) for c in records.reviews({"V1"})] == [("V1", "Child Q")]
    assert [c.id for c in records.reviews()] == ["V2", "V1"]


def _in_every_status() -> Document:
    """Each case a figure counts, once in every referral or recommendation status."""
    referrals: list[Referral] = []
    for n, status in enumerate(ReferralStatus):
        referrals += [
            # Undecided, no clock: awaiting a decision unless closed.
            referral(f"U{n}", status=status),
            # Decided: never awaiting one.
            referral(f"D{n}", status=status, decision=DECIDED),
            # Decided, learned of 2 January, never notified: notification late since 9 January.
            referral(f"N{n}", status=status, decision=DECIDED, learned_on=date(2024, 1, 2)),
            # Undecided, notified 22 February: rapid review due 14 March.
            referral(
                f"R{n}",
                status=status,
                incident_date=date(2024, 2, 20),
                learned_on=date(2024, 2, 20),
                notified_on=date(2024, 2, 22),
            ),
            # Notification paused two working days then resumed: late since 11 January,
            # worked out one by one with the domain's clock.
            referral(
                f"H{n}",
                status=status,
                decision=DECIDED,
                learned_on=date(2024, 1, 2),
                clock_pauses=notification_paused(date(2024, 1, 5), "Trial"),
            ),
            # Notification paused since before it fell due: held, never shown.
            referral(
                f"W{n}",
                status=status,
                decision=DECIDED,
                learned_on=date(2024, 1, 2),
                clock_pauses=notification_paused(None, "Police asked to wait"),
            ),
        ]
    recommendations: list[Recommendation] = []
    for n, rec_status in enumerate(RecommendationStatus, start=1):
        recommendations += [
            # Due before today: overdue unless closed.
            recommendation(f"REC{n}1", date(2024, 2, 1), rec_status),
            # Due today or with no date due: never overdue.
            recommendation(f"REC{n}2", TODAY, rec_status),
            recommendation(f"REC{n}3", None, rec_status),
        ]
    return dataclasses.replace(
        DOCUMENT,
        referrals=tuple(referrals),
        reviews=tuple(v for v in DOCUMENT.reviews if v.id == "V1"),
        recommendations=tuple(recommendations),
    )


def test_every_status_but_closed_counts(database: Database) -> None:
    # The figures ask for the open statuses by name (an index led by the status reads just
    # those) and the lists' pages for the closed ones left out: both keep exactly the
    # records in a status other than closed, whichever status that is.
    with database.unit_of_work() as session:
        repositories.add_document(session, _in_every_status())
    figures = DashboardService(db=database).figures(TODAY)
    open_referrals = [n for n, s in enumerate(ReferralStatus) if s is not ReferralStatus.CLOSED]
    open_recommendations = [n for n, s in enumerate(RecommendationStatus, start=1) if not s.closed]

    pending = {f"{kind}{n}" for kind in "UR" for n in open_referrals}
    assert (figures.pending_decisions.count, set(figures.pending_decisions.ids)) == (
        len(pending),
        pending,
    )
    clocks = {f"{kind}{n}" for kind in "NRH" for n in open_referrals}
    assert (figures.clocks.count, set(figures.clocks.ids)) == (len(clocks), clocks)
    assert {(c.referral_id[0], c.state.due_on) for c in figures.clocks_due} == {
        ("N", date(2024, 1, 9)),
        ("H", date(2024, 1, 11)),
        ("R", date(2024, 3, 14)),
    }
    overdue = {f"REC{n}1" for n in open_recommendations}
    assert (figures.overdue_recommendations.count, set(figures.overdue_recommendations.ids)) == (
        len(overdue),
        overdue,
    )

    # The list each figure opens counts and pages the same records.
    referrals = ReferralList(db=database)
    assert referrals.count(figures.pending_decisions.query) == len(pending)
    assert {r.id for r in all_pages(referrals, figures.pending_decisions.query)} == pending
    tracker = RecommendationList(db=database, today=lambda: TODAY)
    assert tracker.count(figures.overdue_recommendations.query) == len(overdue)
    assert {r.id for r in all_pages(tracker, figures.overdue_recommendations.query)} == overdue


def test_a_status_chosen_with_pending_or_overdue_keeps_both(database: Database) -> None:
    # A status chosen on the list together with "pending decision" or "overdue only": a
    # closed one lists nothing, an open one its own records, in the count and the pages.
    with database.unit_of_work() as session:
        repositories.add_document(session, _in_every_status())
    referrals = ReferralList(db=database)
    for n, status in enumerate(ReferralStatus):
        query = ReferralQuery(pending_decision=True, status=status)
        expected = set() if status is ReferralStatus.CLOSED else {f"U{n}", f"R{n}"}
        assert {r.id for r in all_pages(referrals, query)} == expected
        assert referrals.count(query) == len(expected)
    tracker = RecommendationList(db=database, today=lambda: TODAY)
    for n, rec_status in enumerate(RecommendationStatus, start=1):
        rec_query = RecommendationQuery(overdue_on=TODAY, status=rec_status)
        expected = set() if rec_status.closed else {f"REC{n}1"}
        assert {r.id for r in all_pages(tracker, rec_query)} == expected
        assert tracker.count(rec_query) == len(expected)


def all_pages(lists: Any, query: Any) -> list[Any]:
    """Every row `query` selects, two rows a page, each page asked for after the last."""
    rows: list[Any] = []
    after = None
    while page := lists.page(query, after=after, limit=2):
        rows.extend(page)
        after = page[-1].sort_key
    return rows
