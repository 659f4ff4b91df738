"""The built-in demo data: the seed's 2016/17 figures, consistent and in the house format."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from crag_desktop import assets
from crag_desktop.domain.criteria import evaluate
from crag_desktop.domain.interchange import document_to_json, parse_document
from crag_desktop.domain.records import Document, Review
from crag_desktop.domain.statistics import annual_statistics, compute_annual_statistics
from crag_desktop.domain.validation import COMPATIBLE_DECISIONS, validate_document
from crag_desktop.domain.vocabulary import (
    DecidedOutcome,
    MonitoringGroup,
    PanelResponse,
    ReportSection,
    ReviewStatus,
    ReviewType,
    Theme,
)

# The shared folder sits beside the project's root, on a developer's machine and in CI.
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_474e1dcfa1a20b57.txt"
AS_OF = date(2017, 4, 1)


def demo_text() -> str:
    return assets.read_text(*assets.DEMO_DATA)


@pytest.fixture(scope="module")
def raw() -> dict[str, object]:
    data = json.loads(demo_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def document(raw: dict[str, object]) -> Document:
    return parse_document(raw)


@pytest.fixture(scope="module")
def stats(document: Document) -> dict[str, object]:
    return annual_statistics(document, 2016, as_of=AS_OF)


def by_id(document: Document, review_id: str) -> Review:
    return next(v for v in document.reviews if v.id == review_id)


def test_demo_is_an_interchange_document_that_round_trips(raw: dict[str, object]) -> None:
    assert raw["format"] == "crag-desktop"
    assert raw["version"] == 1
    assert raw["marking"] == "OFFICIAL-SENSITIVE"
    # Shipped in the exporter's own form, so export of an imported demo gives it back.
    assert document_to_json(parse_document(raw)) == raw


def test_demo_passes_every_domain_rule(document: Document) -> None:
    assert validate_document(document, today=date(2017, 4, 30)) == []


def test_referral_figures(stats: dict[str, object]) -> None:
    assert stats["referrals_received"] == 4
    assert stats["referrals_by_agency"] == {"Police": 1, "Children's Social Care": 3}
    assert stats["referral_outcomes"] == {
        "scr_commissioned": 1,
        "alternative_review": 1,
        "no_further_action": 0,
        "pending": 2,
    }


def test_national_panel_figures(stats: dict[str, object]) -> None:
    # The two decisions of 2016/17 went to the Panel; the contested one is 2015/16's.
    assert stats["panel_decisions_sent"] == 2
    assert stats["panel_contested"] == 1


def test_reviews_worked_on(stats: dict[str, object]) -> None:
    assert stats["reviews_worked_on"] == 6
    assert stats["statutory_reviews_worked_on"] == 5
    assert stats["reviews_by_status"] == {
        "active": 1,
        "completed_pending_parallel": 1,
        "published": 3,
    }
    assert stats["statutory_published_in_year"] == 3
    assert stats["methodologies"] == {"scie_systems": 1, "reviewer_led": 2, "wt2010": 3}


def test_children(stats: dict[str, object]) -> None:
    assert stats["children"] == {
        "total": 6,
        "by_age_band": {"under_1": 1, "1_to_3": 3, "10_to_17": 2},
        "by_sex": {"female": 3, "male": 3},
    }


def test_the_six_themes(stats: dict[str, object]) -> None:
    themes = stats["themes"]
    assert isinstance(themes, dict)
    assert set(themes) == {
        Theme.NEGLECT,
        Theme.PHYSICAL_ABUSE,
        Theme.SELF_HARM,
        Theme.EMOTIONAL_WELLBEING,
        Theme.PEER_VIOLENCE_DOMESTIC_ABUSE,
        Theme.PARENTAL_SUBSTANCE_MISUSE,
    }
    # Neglect is the repeated theme.
    assert max(themes, key=themes.__getitem__) == Theme.NEGLECT


def test_ten_common_learning_points_ranked(stats: dict[str, object]) -> None:
    points = stats["learning_points"]
    assert isinstance(points, list)
    assert len(points) == 10
    counts = [p["reviews"] for p in points]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] > counts[-1]
    # Every one of them comes from the three reviews published in the year.
    document_points = {p["id"] for p in points}
    assert document_points == {f"lp{i}" for i in range(1, 11)}


def test_learning_points_come_from_the_published_reviews(document: Document) -> None:
    published = [v for v in document.reviews if v.status == ReviewStatus.PUBLISHED]
    carried = {lp for v in published for lp in v.learning_points}
    assert len(published) == 3
    assert carried == {lp.id for lp in document.learning_points} - {"lp10"}
    # The adolescent point comes from the two adolescent reviews, not yet published.
    assert {v.id for v in document.reviews if "lp10" in v.learning_points} == {"V4", "V5"}


def test_recommendations(stats: dict[str, object]) -> None:
    assert stats["recommendations"] == {
        "total": 19,
        "multi_agency": 19,
        "by_status": {"on_track": 12, "completed": 7},
        "by_monitoring_group": {"executive": 19},
        "overdue": 0,
    }


def test_recommendations_come_from_the_three_published_reviews(document: Document) -> None:
    per_review: dict[str, int] = {}
    for rec in document.recommendations:
        per_review[rec.review] = per_review.get(rec.review, 0) + 1
    titles = {by_id(document, v).title: n for v, n in per_review.items()}
    assert titles == {"Baby L": 7, "Child Q": 6, "Child A and Child B": 6}


def test_single_agency_actions_are_monitored_by_paqa_with_dated_updates(
    document: Document,
) -> None:
    actions = [a for rec in document.recommendations for a in rec.actions]
    assert actions
    for action in actions:
        assert action.monitoring_group == MonitoringGroup.PAQA
        assert action.updates
        dates = [u.on for u in action.updates]
        assert dates == sorted(dates)
        assert dates[-1] <= date(2017, 4, 30)
    completed = [r for r in document.recommendations if r.status == "completed"]
    for rec in completed:
        # A completed recommendation's actions all ended completed before it was due.
        assert rec.due is not None
        assert all(a.updates[-1].status == "completed" for a in rec.actions)
        assert all(a.updates[-1].on <= rec.due for a in rec.actions)


def test_timeframes_within_the_local_twelve_to_eighteen_months(document: Document) -> None:
    signed = [v for v in document.reviews if v.signed_off_on is not None]
    assert {v.title for v in signed} == {"Baby L", "Child Q", "Child A and Child B"}
    typed = compute_annual_statistics(document, 2016, as_of=AS_OF)
    assert [t.title for t in typed.timeframes] == ["Child Q", "Child A and Child B"]
    for year in (2015, 2016):
        for timeframe in compute_annual_statistics(document, year).timeframes:
            assert 12 <= timeframe.months <= 18
            assert timeframe.cost_gbp is not None


def test_published_reviews_and_their_dates(document: Document) -> None:
    baby_l, child_q, child_ab = (by_id(document, v) for v in ("V1", "V2", "V3"))
    assert baby_l.published_on == date(2016, 9, 20)
    assert baby_l.signed_off_on is not None
    assert date(2015, 4, 1) <= baby_l.signed_off_on <= date(2016, 3, 31)
    assert child_q.published_on is not None
    assert (child_q.published_on.year, child_q.published_on.month) == (2017, 1)
    assert child_ab.published_on is not None
    assert (child_ab.published_on.year, child_ab.published_on.month) == (2017, 2)
    for review in (baby_l, child_q, child_ab):
        assert review.learning_summary is not None
        assert review.learning_summary.link.startswith("https://www.example.org/")


def test_the_two_adolescent_reviews(document: Document) -> None:
    active, pending = by_id(document, "V4"), by_id(document, "V5")
    assert active.status == ReviewStatus.ACTIVE
    assert pending.status == ReviewStatus.COMPLETED_PENDING_PARALLEL
    assert date(2015, 4, 1) <= pending.commissioned_on <= date(2016, 3, 31)
    assert [p.type for p in pending.parallel_processes] == ["criminal"]
    assert pending.parallel_processes[0].status == "ongoing"
    for review in (active, pending):
        assert all(c.age_years is not None and c.age_years >= 10 for c in review.children)


def test_the_contested_case(document: Document) -> None:
    sent_2015 = [
        r
        for r in document.referrals
        if r.decision is not None
        and r.decision.panel.sent_on is not None
        and date(2015, 4, 1) <= r.decision.panel.sent_on <= date(2016, 3, 31)
    ]
    assert len(sent_2015) == 2
    contested = [
        r for r in sent_2015 if r.decision and r.decision.panel.response == PanelResponse.CONTESTED
    ]
    assert len(contested) == 1
    decision = contested[0].decision
    assert decision is not None
    assert decision.rules_outcome == "scr_not_required"
    assert decision.decided_outcome == DecidedOutcome.ALTERNATIVE_REVIEW
    assert decision.panel.board_reply
    later = [v for v in document.reviews if v.referral == contested[0].id]
    assert len(later) == 1
    assert later[0].type == ReviewType.PARTNERSHIP
    assert later[0].commissioned_on > date(2017, 3, 31)


def test_every_decision_follows_the_criteria_rules(document: Document) -> None:
    decisions = [r.decision for r in document.referrals if r.decision is not None]
    assert len(decisions) == 7
    for decision in decisions:
        assert (decision.rule_set, decision.rule_set_version) == ("WT2015", "2015.1")
        result = evaluate(decision.rule_set, decision.answers, version=decision.rule_set_version)
        assert result.missing == []
        assert result.outcome == decision.rules_outcome
        if decision.decided_outcome not in COMPATIBLE_DECISIONS[decision.rules_outcome]:
            assert decision.reason_if_different
        assert decision.panel.sent_on is not None


def test_every_review_has_family_contributions_from_all_the_facilitators(
    document: Document,
) -> None:
    assert all(v.family_contributions for v in document.reviews)
    facilitators = {c.facilitated_by for v in document.reviews for c in v.family_contributions}
    assert facilitators == {
        "family liaison officer",
        "social worker",
        "engagement team",
        "advocacy service",
        "probation",
    }


def test_meetings_record_the_decisions(document: Document) -> None:
    meetings = {m.id: m for m in document.meetings}
    for referral in document.referrals:
        if referral.decision is None:
            continue
        assert referral.decision.meeting is not None
        meeting = meetings[referral.decision.meeting]
        assert meeting.date == referral.decision.decided_on
        assert referral.id in meeting.referrals_considered
        assert meeting.attendees


def test_report_texts_for_every_section(document: Document) -> None:
    sections = {t.section for t in document.report_texts if t.year == 2016}
    assert sections == set(ReportSection)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _runs(words: list[str], length: int) -> Iterator[tuple[str, ...]]:
    return (tuple(words[i : i + length]) for i in range(len(words) - length + 1))


def test_texts_are_written_afresh_not_copied_from_the_seed(document: Document) -> None:
    if not SEED.exists():
        pytest.skip("the seed document is not on this machine")
    seed_runs = set(_runs(_words(SEED.read_text(encoding="utf-8")), 8))
    texts = [t.text for t in document.report_texts] + [lp.text for lp in document.learning_points]
    for text in texts:
        copied = [" ".join(run) for run in _runs(_words(text), 8) if run in seed_runs]
        assert copied == [], text


def test_only_pseudonyms_and_invented_places(raw: dict[str, object]) -> None:
    text = json.dumps(raw).lower()
    for real in ("oxfordshire", "thames valley", "oscb", "occg", "mencap", "oxford"):
        assert real not in text
    assert "https://" in text
    assert all(
        url.startswith("https://www.example.org/") for url in re.findall(r"https?://[^\s\"]+", text)
    )
