"""The synthetic generator: repeatable, valid, realistic in shape, and fast at scale."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from crag_desktop.domain.criteria import evaluate
from crag_desktop.domain.interchange import document_to_json, parse_document
from crag_desktop.domain.records import Document
from crag_desktop.domain.statistics import annual_statistics, reporting_period
from crag_desktop.domain.synthetic import AS_OF, FIRST_DAY, PATTERNS, synthetic_document
from crag_desktop.domain.validation import COMPATIBLE_DECISIONS, validate_document
from crag_desktop.domain.vocabulary import DecidedOutcome, ReviewType


@pytest.fixture(scope="module")
def medium() -> Document:
    return synthetic_document(size=3_000, seed=11)


@pytest.mark.parametrize("rule_set", sorted(PATTERNS))
def test_every_answer_pattern_gives_its_stated_outcome(rule_set: str) -> None:
    for answers, outcome, _kind, _weight in PATTERNS[rule_set]:
        result = evaluate(rule_set, answers)
        assert result.outcome == outcome, answers
        assert result.missing == []


def test_same_size_and_seed_give_an_identical_document() -> None:
    first = synthetic_document(size=1_500, seed=3)
    second = synthetic_document(size=1_500, seed=3)
    assert first == second
    assert json.dumps(document_to_json(first)) == json.dumps(document_to_json(second))


def test_another_seed_gives_another_document() -> None:
    first = synthetic_document(size=500, seed=1)
    second = synthetic_document(size=500, seed=2)
    assert first.referrals != second.referrals


@pytest.mark.parametrize("size", [0, 1, 17, 2_000])
def test_size_is_the_number_of_referrals(size: int) -> None:
    assert len(synthetic_document(size=size, seed=5).referrals) == size


def test_negative_size_is_refused() -> None:
    with pytest.raises(ValueError, match="size"):
        synthetic_document(size=-1, seed=0)


def test_document_passes_every_domain_rule(medium: Document) -> None:
    assert validate_document(medium, today=AS_OF) == []


def test_document_round_trips_through_the_interchange_format() -> None:
    document = synthetic_document(size=400, seed=9)
    data = json.loads(json.dumps(document_to_json(document)))
    assert parse_document(data, today=AS_OF) == document


def test_about_a_fifth_of_referrals_are_decided(medium: Document) -> None:
    decided = sum(1 for r in medium.referrals if r.decision is not None)
    assert 0.15 < decided / len(medium.referrals) < 0.25


def test_decisions_follow_the_rule_set_in_force_and_its_rules(medium: Document) -> None:
    seen: Counter[str] = Counter()
    for referral in medium.referrals:
        decision = referral.decision
        if decision is None:
            continue
        assert referral.incident_date is not None
        seen[decision.rule_set] += 1
        if decision.rule_set == "WT2015":
            assert referral.incident_date.isoformat() < "2018-06-29"
        compatible = COMPATIBLE_DECISIONS[decision.rules_outcome]
        if decision.decided_outcome not in compatible:
            assert decision.reason_if_different
        assert decision.meeting is not None
    assert set(seen) == {"WT2015", "WT2018", "WT2023"}


def test_referrals_spread_over_many_reporting_years(medium: Document) -> None:
    years = Counter(
        r.received.year if r.received.month >= 4 else r.received.year - 1 for r in medium.referrals
    )
    assert len(years) >= 12
    assert min(r.received for r in medium.referrals) >= FIRST_DAY
    assert max(r.received for r in medium.referrals) <= AS_OF
    # Received in date order, as a register would hold them.
    received = [r.received for r in medium.referrals]
    assert received == sorted(received)


def test_pseudonyms_only_and_unique(medium: Document) -> None:
    pattern = re.compile(r"Child [A-Z]{2}\d{2,}( sibling)?")
    names = [c.pseudonym for r in medium.referrals for c in r.children]
    assert all(pattern.fullmatch(name) for name in names)
    assert len(set(names)) == len(names)


def test_reviews_recommendations_actions_and_meetings(medium: Document) -> None:
    reviewed = {
        r.id
        for r in medium.referrals
        if r.decision is not None
        and r.decision.decided_outcome in (DecidedOutcome.SCR, DecidedOutcome.LCSPR)
        and r.decision.decided_on < AS_OF.replace(year=AS_OF.year - 1)
    }
    review_referrals = {v.referral for v in medium.reviews}
    assert reviewed <= review_referrals
    assert {v.type for v in medium.reviews} >= {ReviewType.SCR, ReviewType.LCSPR}
    published = {v.id for v in medium.reviews if v.published_on is not None}
    assert published
    assert {rec.review for rec in medium.recommendations} == published
    assert all(rec.actions for rec in medium.recommendations)
    updates = [u for rec in medium.recommendations for a in rec.actions for u in a.updates]
    assert updates
    considered = {rid for m in medium.meetings for rid in m.referrals_considered}
    assert considered == {r.id for r in medium.referrals if r.decision is not None}


def test_annual_statistics_are_consistent_on_synthetic_data(medium: Document) -> None:
    for year in range(2012, 2024):
        stats = annual_statistics(medium, year)
        outcomes = stats["referral_outcomes"]
        assert isinstance(outcomes, dict)
        assert sum(outcomes.values()) == stats["referrals_received"]
        start, end = reporting_period(year)
        assert stats["referrals_received"] == sum(
            1 for r in medium.referrals if start <= r.received <= end
        )


@pytest.mark.slow
def test_a_hundred_thousand_referrals_have_distinct_ids() -> None:
    # Speed is the benchmark suite's business; here only that scale works at all.
    document = synthetic_document(size=100_000, seed=1)
    assert len(document.referrals) == 100_000
    assert len({r.id for r in document.referrals}) == 100_000
