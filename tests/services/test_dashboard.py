"""The dashboard's figures on a hand-built dataset, and the lists each figure opens."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from crag_desktop.domain.clock import ClockStatus
from crag_desktop.domain.records import (
    LearningPoint,
)
from crag_desktop.domain.vocabulary import (
    RecommendationStatus,
    ReviewStatus,
)
from crag_desktop.services.dashboard import (
    DashboardFigures,
    DashboardService,
)
from crag_desktop.services.database import Database
from crag_desktop.services.demo import build_demo
from crag_desktop.services.lists import ReferralList, ReviewList
from crag_desktop.services.recommendation_list import RecommendationList
from crag_desktop.services.records import RecordService
from crag_desktop.storage import repositories
from tests.helpers.dashboard import DOCUMENT, NOTIFICATION, RAPID, TODAY
from tests.helpers.databases import stored_notification_owed
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
