"""Whether a referral or a recommendation is still open, written for the statement it goes in.

A statement that counts reads every match: the open statuses named (an IN list) let an index
led by the status read the open records' entries alone. A page read in a sort order stops
after a page: the closed statuses left out let SQLite walk the order's own index instead,
checking the status on each entry. Both keep the same records, since every status written
is one of the vocabulary's (a record carries its vocabulary's member, and reading a row back
looks the code up).
"""

from __future__ import annotations

from crag_desktop.domain.vocabulary import RecommendationStatus, ReferralStatus
from crag_desktop.storage import tables
from crag_desktop.storage.queries.keyset import Condition

__all__ = ["is_open_recommendation", "is_open_referral"]

_REFERRAL = tables.referral.c
_RECOMMENDATION = tables.recommendation.c

#: The statuses of a referral still open: every one but closed.
_OPEN_REFERRAL_STATUSES = tuple(s.value for s in ReferralStatus if s is not ReferralStatus.CLOSED)


def is_open_referral(*, counted: bool) -> Condition:
    """The referral is not closed; `counted` when the statement reads every match (a count,
    or a count with the first few ids).

    Counted, the open statuses named: the indexes led by the status read those alone (a fifth
    of the benchmark's 100,000 referrals; 78,000 are closed). For a page, closed left out: with
    the statuses named, SQLite read and sorted every open referral before the first page (the
    decision wizard's latest referrals: 23 ms at 100,000, against 7).
    """
    if counted:
        return _REFERRAL.status.in_(_OPEN_REFERRAL_STATUSES)
    return _REFERRAL.status != ReferralStatus.CLOSED.value


#: The statuses of a recommendation not closed, and those closed.
_OPEN_RECOMMENDATION_STATUSES = tuple(s.value for s in RecommendationStatus if not s.closed)
_CLOSED_RECOMMENDATION_STATUSES = tuple(s.value for s in RecommendationStatus if s.closed)


def is_open_recommendation(*, counted: bool) -> Condition:
    """The recommendation is not closed; `counted` as for `is_open_referral`.

    Counted, the open statuses named: the (status, due) index reads those alone (the
    Dashboard's 8,000 overdue of 52,000 recommendations at 100,000 referrals: 14 ms -> 2 ms).
    For a page, the closed ones left out: by date due, with the statuses named, SQLite joined
    and sorted all 8,000 before the first page (20 ms, against 5).
    """
    if counted:
        return _RECOMMENDATION.status.in_(_OPEN_RECOMMENDATION_STATUSES)
    return _RECOMMENDATION.status.not_in(_CLOSED_RECOMMENDATION_STATUSES)
