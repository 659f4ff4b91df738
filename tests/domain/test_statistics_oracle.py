"""The stats JSON against design/annual-report.md, figure by figure, on synthetic data.

The oracle below is written straight from the definitions, independently of
`domain.statistics` (no shared helpers), and compared on many generated datasets.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crag_desktop.domain.records import Child, Document, Review
from crag_desktop.domain.statistics import annual_statistics, compute_annual_statistics
from crag_desktop.domain.synthetic import synthetic_document

CLOSED = {"completed", "verified", "impact_evidenced", "not_implemented"}


def band(child: Child) -> str:
    if child.age_years is None:
        return "unknown" if child.age_months is None else "under_1"
    for limit, name in ((0, "under_1"), (3, "1_to_3"), (9, "4_to_9"), (17, "10_to_17")):
        if child.age_years <= limit:
            return name
    return "18_plus"


def nonzero(counter: Counter[str]) -> dict[str, int]:
    return {k: v for k, v in counter.items() if v}


def oracle(doc: Document, year: int, as_of: date) -> dict[str, object]:
    start, end = date(year, 4, 1), date(year + 1, 3, 31)

    def within(d: date | None) -> bool:
        return d is not None and start <= d <= end

    names = {a.id: a.name for a in doc.agencies}
    received = [r for r in doc.referrals if within(r.received)]
    outcomes: Counter[str] = Counter()
    for r in received:
        d = r.decision
        if d is None or d.decided_on > as_of:
            outcomes["pending"] += 1
        elif d.decided_outcome in ("scr", "lcspr"):
            outcomes["scr_commissioned"] += 1
        elif d.decided_outcome == "alternative_review":
            outcomes["alternative_review"] += 1
        else:
            outcomes["no_further_action"] += 1

    def ends(v: Review) -> date | None:
        if v.published_on is not None:
            return v.published_on
        if v.type in ("partnership", "learning", "single_agency"):
            return v.signed_off_on
        return None

    def going_on(v: Review) -> bool:
        finished = ends(v)
        return v.commissioned_on <= end and (finished is None or finished >= start)

    worked = [v for v in doc.reviews if going_on(v)]
    statutory = [v for v in worked if v.type in ("scr", "lcspr")]
    by_referral = {r.id: r for r in doc.referrals}
    children: list[Child] = []
    for v in statutory:
        kids = v.children
        if not kids and v.referral in by_referral:
            kids = by_referral[v.referral].children
        children += kids
    published = {v.id for v in doc.reviews if within(v.published_on)}
    recs = [r for r in doc.recommendations if r.review in published]
    lps: Counter[str] = Counter(p for v in worked for p in set(v.learning_points))
    return {
        "referrals_received": len(received),
        "referrals_by_agency": nonzero(Counter(names[r.referring_agency] for r in received)),
        "referral_outcomes": dict(outcomes),
        "panel_decisions_sent": sum(
            1 for r in doc.referrals if r.decision and within(r.decision.panel.sent_on)
        ),
        "panel_contested": sum(
            1
            for r in doc.referrals
            if r.decision
            and r.decision.panel.response == "contested"
            and within(r.decision.panel.responded_on)
        ),
        "reviews_worked_on": len(worked),
        "statutory_reviews_worked_on": len(statutory),
        "reviews_by_status": nonzero(Counter(str(v.status) for v in statutory)),
        "statutory_published_in_year": sum(1 for v in statutory if within(v.published_on)),
        "methodologies": nonzero(Counter(str(v.methodology) for v in worked)),
        "children": {
            "total": len(children),
            "by_age_band": nonzero(Counter(band(c) for c in children)),
            "by_sex": nonzero(Counter(str(c.sex) for c in children)),
        },
        "themes": nonzero(Counter(str(t) for v in worked for t in set(v.themes))),
        "parallel_processes": nonzero(
            Counter(str(p.type) for v in worked for p in v.parallel_processes)
        ),
        "family_contribution": sum(1 for v in worked if v.family_contributions),
        "learning_points": sorted(lps.items(), key=lambda kv: (-kv[1], kv[0])),
        "recommendations": {
            "total": len(recs),
            "multi_agency": sum(1 for r in recs if r.scope == "multi_agency"),
            "by_status": nonzero(Counter(str(r.status) for r in recs)),
            "by_monitoring_group": nonzero(Counter(str(r.monitoring_group) for r in recs)),
            "overdue": sum(
                1 for r in recs if r.due is not None and r.due < as_of and r.status not in CLOSED
            ),
        },
        "timeframes": sorted(
            v.id for v in doc.reviews if v.signed_off_on is not None and within(v.signed_off_on)
        ),
    }


@cache
def dataset(size: int, seed: int) -> Document:
    return synthetic_document(size=size, seed=seed)


def compare(doc: Document, year: int, as_of: date) -> None:
    got = annual_statistics(doc, year, as_of=as_of)
    want = oracle(doc, year, as_of)
    outcomes = got["referral_outcomes"]
    assert isinstance(outcomes, dict)
    assert {k: v for k, v in outcomes.items() if v} == want.pop("referral_outcomes")
    assert sum(outcomes.values()) == got["referrals_received"]
    got_lps = got.pop("learning_points")
    assert isinstance(got_lps, list)
    assert [(lp["id"], lp["reviews"]) for lp in got_lps] == want.pop("learning_points")
    timeframes = got.pop("timeframes")
    assert isinstance(timeframes, list)
    assert sorted(t["review"] for t in timeframes) == want.pop("timeframes")
    for key, value in want.items():
        assert got[key] == value, key


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.sampled_from([40, 150, 400]),
    seed=st.integers(min_value=1, max_value=4),
    year=st.integers(min_value=2010, max_value=2024),
    as_of_shift=st.integers(min_value=-200, max_value=400),
)
def test_stats_json_matches_the_definitions(
    size: int, seed: int, year: int, as_of_shift: int
) -> None:
    as_of = date.fromordinal(date(year + 1, 4, 1).toordinal() + as_of_shift)
    as_of = max(as_of, date(year, 4, 1))
    compare(dataset(size, seed), year, as_of)


@pytest.mark.parametrize("year", range(2012, 2024, 3))
def test_every_figure_is_the_count_of_the_records_it_lists(year: int) -> None:
    stats = compute_annual_statistics(dataset(400, 2), year)
    figures = stats.to_json()
    assert len(stats.counted("referrals_received")) == figures["referrals_received"]
    assert len(stats.counted("reviews_worked_on")) == figures["reviews_worked_on"]
    for code, n in dict(figures["themes"]).items():  # type: ignore[call-overload]
        assert len(stats.counted("themes", code)) == n
    for name, n in dict(figures["referrals_by_agency"]).items():  # type: ignore[call-overload]
        assert len(stats.counted("referrals_by_agency", name)) == n
    recs = figures["recommendations"]
    assert isinstance(recs, dict)
    assert len(stats.counted("recommendations", "overdue")) == recs["overdue"]


def test_a_baby_recorded_in_months_only_is_under_one() -> None:
    from crag_desktop.domain.statistics import age_band
    from crag_desktop.domain.vocabulary import Sex

    assert age_band(Child(pseudonym="Baby", sex=Sex.MALE, age_months=5)) == "under_1"
    assert age_band(Child(pseudonym="Child", sex=Sex.MALE)) == "unknown"
