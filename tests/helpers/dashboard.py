"""The dashboard's hand-built dataset, as of Friday 1 March 2024: a record for each case a
figure counts or leaves out, said beside it. The figures and the screen are tested on it."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.records import Agency, ClockPause, Document
from crag_desktop.domain.vocabulary import (
    AgencyKind,
    DecidedOutcome,
    RecommendationStatus,
    ReferralStatus,
    ReviewStatus,
)
from crag_desktop.services.dashboard import DashboardService
from tests.helpers.records import a_decision
from tests.helpers.records import keyed_recommendation as recommendation
from tests.helpers.records import keyed_referral as referral
from tests.helpers.records import keyed_review as review

TODAY = date(2024, 3, 1)  # a Friday
NOTIFICATION = ClockKind.SERIOUS_INCIDENT_NOTIFICATION
RAPID = ClockKind.RAPID_REVIEW

DECIDED = a_decision(
    rule_set="WT2018",
    rule_set_version="2018.1",
    decided_outcome=DecidedOutcome.LCSPR,
    reason_if_different="The rapid review found concerns about joint working.",
    rationale="Concerns about two agencies working together.",
    decided_on=date(2024, 1, 20),
)


def notification_paused(resumed_on: date | None, reason: str) -> tuple[ClockPause, ...]:
    """The notification clock paused on Wednesday 3 January 2024, resumed on `resumed_on`
    (None: still paused)."""
    return (
        ClockPause(
            clock=NOTIFICATION.value,
            paused_on=date(2024, 1, 3),
            resumed_on=resumed_on,
            reason=reason,
        ),
    )


DOCUMENT = Document(
    agencies=(Agency(id="csc", name="Children's social care", kind=AgencyKind.OTHER),),
    referrals=(
        # Pending; notification due Tuesday 5 March (2 working days).
        referral("P1", learned_on=date(2024, 2, 27), received=date(2024, 2, 28)),
        # Closed: no clock, not pending.
        referral("P2", learned_on=date(2024, 2, 1), status=ReferralStatus.CLOSED),
        # Decided but never notified: notification breached on 9 January.
        referral(
            "P3", learned_on=date(2024, 1, 2), decision=DECIDED, status=ReferralStatus.DECIDED
        ),
        # WT2018 era, notified 5 February: rapid review breached on 26 February.
        referral(
            "P4",
            incident_date=date(2024, 1, 30),
            learned_on=date(2024, 2, 1),
            notified_on=date(2024, 2, 5),
            status=ReferralStatus.GATHERING_INFORMATION,
        ),
        # Pending; rapid review due 14 March: 9 working days away.
        referral(
            "P5",
            incident_date=date(2024, 2, 20),
            learned_on=date(2024, 2, 20),
            notified_on=date(2024, 2, 22),
            received=date(2024, 2, 23),
            status=ReferralStatus.AWAITING_DECISION,
        ),
        # Rapid review due 21 March: 14 working days away, not shown yet.
        referral(
            "P6",
            incident_date=date(2024, 2, 27),
            learned_on=date(2024, 2, 27),
            notified_on=date(2024, 2, 29),
        ),
        # WT2015 era: no rapid review clock.
        referral("P7", incident_date=date(2017, 5, 1), notified_on=date(2017, 5, 3)),
        # Notification clock paused since before it fell due: held, not shown.
        referral(
            "P8",
            learned_on=date(2024, 1, 2),
            clock_pauses=notification_paused(None, "Police asked to wait"),
        ),
        # Paused for two working days then resumed: due 11 January, breached.
        referral(
            "P9",
            learned_on=date(2024, 1, 2),
            decision=DECIDED,
            status=ReferralStatus.DECIDED,
            clock_pauses=notification_paused(date(2024, 1, 5), "Trial"),
        ),
        # Decided not notifiable: no notification is owed, so no clock runs.
        referral(
            "P10",
            learned_on=date(2024, 1, 2),
            decision=dataclasses.replace(
                DECIDED,
                answers={"abuse_or_neglect": "not_suspected", "looked_after_child_died": False},
                rules_outcome="not_notifiable",
            ),
            status=ReferralStatus.DECIDED,
        ),
        # Decided notifiable (WT2018) but never notified: owed, so late since 10 January.
        referral(
            "P11",
            learned_on=date(2024, 1, 3),
            decision=dataclasses.replace(
                DECIDED,
                answers={
                    "abuse_or_neglect": "suspected",
                    "seriously_harmed": True,
                    "improvements_needed": True,
                },
                rules_outcome="notifiable_lcspr_indicated",
            ),
            status=ReferralStatus.DECIDED,
        ),
    ),
    reviews=(
        # 6-month mark 29 February (31 August + 6 months): past it.
        review("V1", date(2023, 8, 31), ReviewStatus.ACTIVE),
        # 6-month mark is today: not past it yet.
        review("V2", date(2023, 9, 1), ReviewStatus.COMMISSIONED),
        review("V3", date(2022, 6, 1), ReviewStatus.COMPLETED_PENDING_PARALLEL),
        review("V4", date(2022, 1, 1), ReviewStatus.PUBLISHED),
        review("V5", date(2023, 2, 15), ReviewStatus.ACTIVE),
        review("V6", date(2022, 1, 1), ReviewStatus.SIGNED_OFF),
    ),
    recommendations=(
        recommendation("REC1", date(2024, 2, 1), RecommendationStatus.ON_TRACK),
        recommendation("REC2", date(2024, 2, 1), RecommendationStatus.COMPLETED),
        recommendation("REC3", TODAY, RecommendationStatus.NOT_STARTED),
        recommendation("REC4", None, RecommendationStatus.AT_RISK),
        recommendation("REC5", date(2023, 1, 1), RecommendationStatus.AT_RISK),
    ),
)


def only(document: Document, *keys: str) -> Document:
    """`document` with only the referrals, reviews and recommendations named by `keys`."""
    return dataclasses.replace(
        document,
        referrals=tuple(r for r in document.referrals if r.id in keys),
        reviews=tuple(v for v in document.reviews if v.id in keys),
        recommendations=tuple(r for r in document.recommendations if r.id in keys),
    )


def days_asked(monkeypatch: pytest.MonkeyPatch, method: str) -> list[date]:
    """The days `DashboardService.<method>` is asked about from now on (it still answers):
    what the dashboard counts and the day the app works at each cost queries."""
    asked: list[date] = []
    real = getattr(DashboardService, method)

    def spy(service: DashboardService, today: date) -> Any:
        asked.append(today)
        return real(service, today)

    monkeypatch.setattr(DashboardService, method, spy)
    return asked
