"""What every synthetic document shares and the draws it is made with: the period it covers,
the board's agencies, members and learning points, the weights of each choice, pseudonyms,
meeting dates and a seeded random source that gives the same draws on every machine.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from crag_desktop.domain.records import (
    Agency,
    LearningPoint,
    Member,
)
from crag_desktop.domain.synthetic.patterns import (
    _cumulative,
)
from crag_desktop.domain.vocabulary import (
    AbuseCategory,
    AgencyKind,
    AlternativeReviewType,
    DecidedOutcome,
    LegalStatus,
    Methodology,
    ParallelProcessType,
    ReferralStatus,
    Theme,
)

_T = TypeVar("_T")

#: The first day of the first reporting year the synthetic data covers.
FIRST_DAY = date(2012, 4, 1)
#: The synthetic "today": nothing in the document is dated after it.
AS_OF = date(2025, 3, 31)

_WT2018_FROM = date(2018, 6, 29)
_WT2023_FROM = date(2023, 12, 15)
_DECIDED_SHARE = 0.2


_AGENCIES: tuple[Agency, ...] = (
    Agency(id="police", name="Police", kind=AgencyKind.POLICE),
    Agency(id="csc", name="Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE),
    Agency(id="legal", name="Legal Services", kind=AgencyKind.LEGAL),
    Agency(id="hc", name="Health Commissioner", kind=AgencyKind.HEALTH_COMMISSIONER),
    Agency(id="chp", name="Community Health Provider", kind=AgencyKind.HEALTH_PROVIDER),
    Agency(id="acute", name="Acute Hospitals Trust", kind=AgencyKind.HEALTH_PROVIDER),
    Agency(id="edu", name="Education", kind=AgencyKind.EDUCATION),
    Agency(id="prob", name="Probation Service", kind=AgencyKind.PROBATION),
    Agency(id="board", name="Safeguarding Partnership", kind=AgencyKind.OTHER),
)
# Who refers, roughly as boards report it: social care most, then police and health.
_REFERRERS = ("csc", "police", "acute", "chp", "edu", "hc", "prob")
_REFERRER_CUMULATIVE = _cumulative((45, 24, 12, 8, 7, 3, 1))
_MEMBER_AGENCIES = ("board", "police", "csc", "legal", "hc", "hc", "edu", "chp", "acute", "board")
_MEMBER_ROLES = (
    "Chair",
    "Detective Inspector",
    "Head of Safeguarding",
    "Solicitor",
    "Designated Doctor",
    "Designated Nurse",
    "Head Teacher Representative",
    "Named Nurse",
    "Named Doctor",
    "Business Support Officer",
)
_MEMBERS: tuple[Member, ...] = tuple(
    Member(id=f"m{i + 1}", name=f"Synthetic Member {i + 1:02d}", agency=agency, role=role)
    for i, (agency, role) in enumerate(zip(_MEMBER_AGENCIES, _MEMBER_ROLES, strict=True))
)
_LEARNING_POINTS: tuple[LearningPoint, ...] = tuple(
    LearningPoint(id=f"lp{i + 1}", text=text)
    for i, text in enumerate(
        (
            "Involve fathers and male carers in assessment and planning.",
            "Check self-reported information against other sources.",
            "Entrenched neglect needs sustained, persistent work.",
            "Assess how parental mental ill health affects the child.",
            "Reassess substance misuse risk as it changes.",
            "Do not explain away behaviour as a feature of special needs.",
            "Recognise the extra risks for disabled children.",
            "Recognise physical abuse and follow procedures through.",
            "Coordinate multi-agency plans and risk management.",
            "Do not overestimate adolescents' ability to protect themselves.",
            "Escalate professional disagreement promptly.",
            "Hear the voice of the child directly.",
            "Keep records of transfers between areas and services.",
            "Understand coercive control, not single incidents.",
            "Share information at step-up and step-down.",
            "Consider the whole household, including visiting adults.",
        )
    )
)
_THEMES = tuple(t for t in Theme if t != Theme.OTHER)
_THEME_CUMULATIVE = _cumulative((30, 18, 8, 14, 10, 12, 9, 5, 6, 10))
_FACILITATORS = (
    "family liaison officer",
    "social worker",
    "engagement team",
    "advocacy service",
    "probation",
)
_WHO = ("mother", "father", "grandparent", "young person", "carer", "sibling")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Pseudonym codes: two letters and two digits, visited in a scrambled but repeatable order
# (the multiplier is coprime with the code space, so codes never repeat within a round).
_CODE_SPACE = 26 * 26 * 100
_CODE_STRIDE = 7919


def _pseudonym(index: int, seed: int) -> str:
    code = (index * _CODE_STRIDE + seed * 31) % _CODE_SPACE
    round_ = index // _CODE_SPACE
    letters = _LETTERS[code // 2600] + _LETTERS[(code // 100) % 26]
    suffix = "" if round_ == 0 else str(round_)
    return f"Child {letters}{code % 100:02d}{suffix}"


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    # Clamp to the 28th: every month has one, and synthetic dates need no end-of-month days.
    return date(year, month, min(day.day, 28))


def _meeting_dates() -> list[date]:
    """The second Tuesday of every month across the synthetic span."""
    days: list[date] = []
    month = date(FIRST_DAY.year, FIRST_DAY.month, 1)
    while month <= AS_OF:
        first_tuesday = month + timedelta(days=(1 - month.weekday()) % 7)
        days.append(first_tuesday + timedelta(days=7))
        month = _add_months(month, 1)
    return [d for d in days if d <= AS_OF]


def _rule_set_for(incident: date) -> str:
    if incident >= _WT2023_FROM:
        return "WT2023"
    if incident >= _WT2018_FROM:
        return "WT2018"
    return "WT2015"


def _reviewed_outcome(rule_set: str) -> DecidedOutcome:
    return DecidedOutcome.SCR if rule_set == "WT2015" else DecidedOutcome.LCSPR


class _Rng:
    """The few draws the generator needs, on one `random.Random` stream.

    The standard `randint` and `choices` cost about a microsecond each in Python; scaling
    `random()` directly is several times faster and just as repeatable.
    """

    __slots__ = ("random",)

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed).random

    def randint(self, low: int, high: int) -> int:
        """A whole number from `low` to `high` inclusive."""
        return low + int(self.random() * (high - low + 1))

    def choice(self, items: Sequence[_T]) -> _T:
        """One item, uniformly."""
        return items[int(self.random() * len(items))]

    def weighted(self, items: Sequence[_T], cumulative: Sequence[float]) -> _T:
        """One item, with the cumulative weights given (see `_cumulative`)."""
        return items[bisect_right(cumulative, self.random() * cumulative[-1])]

    def sample(self, items: Sequence[_T], k: int) -> list[_T]:
        """`k` distinct items in random order (a partial Fisher-Yates shuffle)."""
        pool = list(items)
        n = len(pool)
        for i in range(k):
            j = i + int(self.random() * (n - i))
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]


_LEGAL_STATUSES: Sequence[LegalStatus] = (
    LegalStatus.CP_PLAN,
    LegalStatus.CHILD_IN_NEED,
    LegalStatus.LOOKED_AFTER,
    LegalStatus.NONE,
    LegalStatus.NONE,
    LegalStatus.UNKNOWN,
)
_OPEN_STATUSES = (
    ReferralStatus.RECEIVED,
    ReferralStatus.GATHERING_INFORMATION,
    ReferralStatus.AWAITING_DECISION,
)
_ALTERNATIVES = tuple(AlternativeReviewType)
_PROCESSES = tuple(ParallelProcessType)
_METHODS_WT2015 = (
    Methodology.SCIE_SYSTEMS,
    Methodology.REVIEWER_LED,
    Methodology.REVIEWER_LED,
    Methodology.WT2010,
)
_METHODS_LATER = (
    Methodology.SCIE_SYSTEMS,
    Methodology.REVIEWER_LED,
    Methodology.REVIEWER_LED,
    Methodology.OTHER,
)
_OWNERS = ("police", "csc", "legal", "hc", "chp", "acute", "edu", "prob", "board")
_ACTION_TEXT = {owner: f"Synthetic action for {owner}." for owner in _OWNERS}
_NOTES = ("Progress note 1.", "Progress note 2.", "Progress note 3.")
# Every set of one or two abuse categories, so that a referral picks one with a single draw.
_ABUSE_SETS: tuple[tuple[AbuseCategory, ...], ...] = tuple((a,) for a in AbuseCategory) + tuple(
    itertools.permutations(AbuseCategory, 2)
)
