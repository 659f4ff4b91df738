"""The criteria evaluator against an independent reference written from the regulations.

The reference below does not use the rule sets' rules: it decides complete answers with
plain if/else from criteria.md, and finds the missing questions by trying every other
answer to each question in every completion.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.criteria import (
    EARLIEST_RULE_SET,
    INSUFFICIENT_INFORMATION,
    RULE_SETS,
    Evaluation,
    NotificationOwed,
    choose_rule_set,
    evaluate,
    first_with_clock,
    notification_owed,
    rule_set,
    versions,
)
from crag_desktop.domain.decisions import RAPID_REVIEW_RULE_SETS
from crag_desktop.domain.vocabulary import DecidedOutcome

Value = str | bool
Partial = dict[str, Value | None]

ABUSE = ("known", "suspected", "not_suspected")
CONCERN = ("concern", "no_definitive_evidence", "definitive_evidence_of_no_concern")
BOOL = (True, False)
CONSIDERATIONS = (
    "improvements_needed",
    "recurrent_themes",
    "concerns_two_or_more_agencies",
    "panel_declined_national_review",
)

#: The questions of each rule set as criteria.md lists them, in order, with their answers.
DOMAINS: dict[str, dict[str, tuple[Value, ...]]] = {
    "WT2015": {
        "abuse_or_neglect": ABUSE,
        "child_died": BOOL,
        "suspected_suicide": BOOL,
        "death_in_custody": BOOL,
        "seriously_harmed": BOOL,
        "harm_life_threatening": BOOL,
        "harm_long_term_impairment": BOOL,
        "interagency_concern": CONCERN,
    },
    "WT2018": {
        "abuse_or_neglect": ABUSE,
        "child_died": BOOL,
        "seriously_harmed": BOOL,
        "looked_after_child_died": BOOL,
        **dict.fromkeys(CONSIDERATIONS, BOOL),
    },
    "WT2023": {
        "abuse_or_neglect": ABUSE,
        "child_died": BOOL,
        "seriously_harmed": BOOL,
        "looked_after_child_died": BOOL,
        "care_leaver_died": BOOL,
        **dict.fromkeys(CONSIDERATIONS, BOOL),
    },
}

#: (if this is yes, then that is yes).
IMPLIES: dict[str, tuple[tuple[str, str], ...]] = {
    "WT2015": (
        ("suspected_suicide", "child_died"),
        ("death_in_custody", "child_died"),
        ("harm_life_threatening", "seriously_harmed"),
        ("harm_long_term_impairment", "seriously_harmed"),
    ),
    "WT2018": (("looked_after_child_died", "child_died"),),
    "WT2023": (("looked_after_child_died", "child_died"),),
}


def reference_wt2015(a: Mapping[str, Value]) -> str:
    """Regulation 5 and criteria.md, as a plain decision."""
    if a["death_in_custody"]:
        return "scr_required"
    if a["abuse_or_neglect"] == "not_suspected":
        return "scr_not_required"
    if a["child_died"] or a["suspected_suicide"]:
        return "scr_required"
    harmed = a["seriously_harmed"] or a["harm_life_threatening"] or a["harm_long_term_impairment"]
    if not harmed:
        return "scr_not_required"
    if a["interagency_concern"] == "definitive_evidence_of_no_concern":
        return "scr_not_required"
    return "scr_required"


def reference_notification(a: Mapping[str, Value], care_leavers: bool) -> str:
    """WT2018/WT2023 notification and the LCSPR considerations, as a plain decision."""
    abuse = a["abuse_or_neglect"] in ("known", "suspected")
    notifiable = (
        (abuse and bool(a["child_died"] or a["seriously_harmed"]))
        or bool(a["looked_after_child_died"])
        or (care_leavers and bool(a["care_leaver_died"]))
    )
    if not notifiable:
        return "not_notifiable"
    if any(a[k] for k in CONSIDERATIONS):
        return "notifiable_lcspr_indicated"
    return "notifiable_lcspr_not_indicated"


def reference_outcome(rule_set_id: str, a: Mapping[str, Value]) -> str:
    if rule_set_id == "WT2015":
        return reference_wt2015(a)
    return reference_notification(a, care_leavers=rule_set_id == "WT2023")


def consistent(rule_set_id: str, a: Mapping[str, Value]) -> bool:
    return not any(a[p] is True and a[q] is False for p, q in IMPLIES[rule_set_id])


@dataclass(frozen=True)
class Expected:
    outcome: str
    missing: list[str]
    contradictory: bool


def reference(rule_set_id: str, answers: Mapping[str, Value | None]) -> Expected:
    """Outcome and missing by brute force: a key is missing when changing only its answer
    in some consistent completion changes the outcome."""
    domain = DOMAINS[rule_set_id]
    unknown = [k for k in domain if answers.get(k) is None]
    completions: dict[tuple[Value, ...], str] = {}
    for combo in itertools.product(*(domain[k] for k in unknown)):
        full = {k: v for k, v in answers.items() if v is not None}
        full.update(zip(unknown, combo, strict=True))
        if consistent(rule_set_id, full):
            completions[combo] = reference_outcome(rule_set_id, full)
    if not completions:
        return Expected("", [], contradictory=True)
    outcomes = set(completions.values())
    if len(outcomes) == 1:
        return Expected(outcomes.pop(), [], contradictory=False)
    missing = []
    for i, key in enumerate(unknown):
        changes = False
        for combo, outcome in completions.items():
            for other in domain[key]:
                flipped = (*combo[:i], other, *combo[i + 1 :])
                if flipped in completions and completions[flipped] != outcome:
                    changes = True
        if changes:
            missing.append(key)
    return Expected(INSUFFICIENT_INFORMATION, missing, contradictory=False)


def all_partial_answers(rule_set_id: str) -> Iterator[Partial]:
    domain = DOMAINS[rule_set_id]
    for combo in itertools.product(*((None, *values) for values in domain.values())):
        yield dict(zip(domain, combo, strict=True))


# --- Exhaustive: every combination of answers, None included -------------------------------


@pytest.mark.parametrize("rule_set_id", ["WT2015", "WT2018", "WT2023"])
def test_every_combination_of_answers_matches_the_reference(rule_set_id: str) -> None:
    mismatches: list[str] = []
    checked = 0
    for answers in all_partial_answers(rule_set_id):
        expected = reference(rule_set_id, answers)
        if expected.contradictory:
            with pytest.raises(ValueError, match="contradictory"):
                evaluate(rule_set_id, answers)
            continue
        result = evaluate(rule_set_id, answers)
        checked += 1
        got = (result.outcome, result.missing)
        if got != (expected.outcome, expected.missing):
            mismatches.append(f"{answers}: got {got}, expected {expected}")
        _check_reasons(result)
    assert mismatches == []
    assert checked > 5000


def reference_owed(rule_set_id: str, a: Mapping[str, Value]) -> bool:
    """Whether a serious incident notification is owed, for complete answers."""
    if rule_set_id != "WT2015":
        return reference_outcome(rule_set_id, a) != "not_notifiable"
    abuse = a["abuse_or_neglect"] in ("known", "suspected")
    died = a["child_died"] or a["suspected_suicide"]
    harmed = a["seriously_harmed"] or a["harm_life_threatening"] or a["harm_long_term_impairment"]
    # A death in custody is owed one whatever else (criteria.py says why).
    return bool((abuse and (died or harmed)) or a["death_in_custody"])


@pytest.mark.parametrize("rule_set_id", ["WT2015", "WT2018", "WT2023"])
def test_a_notification_is_owed_or_not_only_when_every_unknown_answer_agrees(
    rule_set_id: str,
) -> None:
    domain = DOMAINS[rule_set_id]
    mismatches: list[str] = []
    seen: set[NotificationOwed] = set()
    for answers in all_partial_answers(rule_set_id):
        unknown = [k for k in domain if answers[k] is None]
        owed: set[bool] = set()
        for combo in itertools.product(*(domain[k] for k in unknown)):
            full = {k: v for k, v in answers.items() if v is not None}
            full.update(zip(unknown, combo, strict=True))
            if consistent(rule_set_id, full):
                owed.add(reference_owed(rule_set_id, full))
        if not owed:
            continue  # contradictory: evaluate's own test covers the ValueError
        expected = (
            NotificationOwed.NOT_YET_KNOWN
            if len(owed) > 1
            else NotificationOwed.OWED
            if owed == {True}
            else NotificationOwed.NOT_OWED
        )
        got = notification_owed(rule_set_id, answers)
        seen.add(got)
        if got is not expected:
            mismatches.append(f"{answers}: got {got}, expected {expected}")
    assert mismatches == []
    assert seen == set(NotificationOwed)


def test_what_the_notification_clock_needs_in_the_secretariats_cases() -> None:
    # Child P on the demo: WT2015, seriously harmed, abuse or neglect not suspected.
    assert (
        notification_owed("WT2015", {"abuse_or_neglect": "not_suspected", "child_died": False})
        is NotificationOwed.NOT_OWED
    )
    # Under WT2018 the outcome says it: not notifiable owes nothing, notifiable owes one
    # even while the LCSPR considerations are still open.
    not_notifiable: Partial = {
        "abuse_or_neglect": "not_suspected",
        "looked_after_child_died": False,
    }
    assert evaluate("WT2018", not_notifiable).outcome == "not_notifiable"
    assert notification_owed("WT2018", not_notifiable) is NotificationOwed.NOT_OWED
    harmed: Partial = {"abuse_or_neglect": "suspected", "seriously_harmed": True}
    assert evaluate("WT2018", harmed).outcome == INSUFFICIENT_INFORMATION
    assert notification_owed("WT2018", harmed) is NotificationOwed.OWED
    # Nothing answered yet: not yet known, so the clock keeps running.
    assert notification_owed("WT2023", {}) is NotificationOwed.NOT_YET_KNOWN
    assert NotificationOwed.NOT_YET_KNOWN.label == "Not yet known"
    with pytest.raises(ValueError, match="care_leaver_died"):
        notification_owed("WT2018", {"care_leaver_died": True})


def _check_reasons(result: Evaluation) -> None:
    rs = rule_set(result.rule_set, result.version)
    assert result.reasons
    assert all(r.endswith((".", ":")) for r in result.reasons)
    if result.outcome == INSUFFICIENT_INFORMATION:
        assert result.missing
        assert result.rule is None
        assert len(result.possible_outcomes) >= 2
        still_needed = result.reasons[-1]
        for key in result.missing:
            assert rs.question(key).label.lower() in still_needed
    else:
        assert result.missing == []
        assert result.possible_outcomes == (result.outcome,)
        if result.rule is not None:
            assert rs.rules[result.rule - 1].outcome == result.outcome


def test_absent_and_none_mean_the_same() -> None:
    with_none = evaluate("WT2015", {"abuse_or_neglect": "known", "child_died": None})
    absent = evaluate("WT2015", {"abuse_or_neglect": "known"})
    assert with_none == absent


# --- Explicit cases, with the reasons given -------------------------------------------------


def test_death_in_custody_always_leads_to_an_scr() -> None:
    result = evaluate("WT2015", {"death_in_custody": True})
    assert result.outcome == "scr_required"
    assert result.rule == 1
    assert "custody" in result.reasons[0]
    assert (result.rule_set, result.version) == ("WT2015", "2015.1")


def test_suspected_suicide_with_suspected_abuse_is_a_death() -> None:
    result = evaluate("WT2015", {"abuse_or_neglect": "suspected", "suspected_suicide": True})
    assert result.outcome == "scr_required"
    assert result.rule == 3
    assert "died by suspected suicide" in result.reasons[0]
    assert "abuse or neglect is suspected" in result.reasons[0]


@pytest.mark.parametrize(
    ("concern", "outcome", "rule"),
    [
        ("concern", "scr_required", 4),
        ("no_definitive_evidence", "scr_required", 4),
        ("definitive_evidence_of_no_concern", "scr_not_required", 5),
    ],
)
def test_serious_harm_turns_on_interagency_concern(concern: str, outcome: str, rule: int) -> None:
    answers: dict[str, Value] = {
        "abuse_or_neglect": "known",
        "child_died": False,
        "harm_life_threatening": True,
        "interagency_concern": concern,
    }
    result = evaluate("WT2015", answers)
    assert (result.outcome, result.rule) == (outcome, rule)
    assert "seriously harmed" in result.reasons[0]


def test_criteria_not_met_mentions_other_reviews() -> None:
    result = evaluate("WT2015", {"abuse_or_neglect": "not_suspected", "child_died": False})
    assert (result.outcome, result.rule) == ("scr_not_required", 2)
    assert "child protection investigation" in result.reasons[0]
    assert "partnership" in result.reasons[1]


def test_neither_died_nor_harmed_needs_no_answer_about_abuse() -> None:
    result = evaluate("WT2015", {"child_died": False, "seriously_harmed": False})
    assert (result.outcome, result.rule) == ("scr_not_required", 6)


def test_outcome_settled_by_different_rules_says_so() -> None:
    answers: dict[str, Value] = {
        "child_died": False,
        "interagency_concern": "definitive_evidence_of_no_concern",
    }
    result = evaluate("WT2015", answers)
    assert result.outcome == "scr_not_required"
    assert result.rule is None
    assert result.reasons[0].startswith("Whatever the answers still to come")


@pytest.mark.parametrize(
    ("answers", "missing"),
    [
        (
            {},
            [
                "abuse_or_neglect",
                "child_died",
                "death_in_custody",
                "seriously_harmed",
                "interagency_concern",
            ],
        ),
        ({"abuse_or_neglect": "known"}, ["child_died", "seriously_harmed", "interagency_concern"]),
        ({"abuse_or_neglect": "not_suspected"}, ["death_in_custody"]),
        (
            {"abuse_or_neglect": "known", "child_died": False, "seriously_harmed": True},
            ["interagency_concern"],
        ),
    ],
)
def test_wt2015_missing_in_question_order(answers: dict[str, Value], missing: list[str]) -> None:
    result = evaluate("WT2015", answers)
    assert result.outcome == INSUFFICIENT_INFORMATION
    assert result.missing == missing


def test_insufficient_information_says_what_is_still_needed() -> None:
    result = evaluate("WT2015", {"abuse_or_neglect": "not_suspected"})
    assert result.reasons[-1] == "Still needed: whether the child died in custody."
    assert set(result.possible_outcomes) == {"scr_required", "scr_not_required"}


def test_wt2018_notifiable_with_lcspr_indicated() -> None:
    answers: dict[str, Value] = {
        "abuse_or_neglect": "known",
        "child_died": True,
        "recurrent_themes": True,
    }
    result = evaluate("WT2018", answers)
    assert result.outcome == "notifiable_lcspr_indicated"
    assert result.version == "2018.1"
    assert "within 5 working days" in result.reasons[0]
    assert "recurrent themes" in result.reasons[1]


def test_wt2018_looked_after_death_is_notifiable_whatever_the_abuse() -> None:
    answers: dict[str, Value] = {"looked_after_child_died": True}
    answers.update(dict.fromkeys(CONSIDERATIONS, False))
    result = evaluate("WT2018", answers)
    assert result.outcome == "notifiable_lcspr_not_indicated"
    assert "looked-after child died" in result.reasons[0]


def test_wt2018_not_notifiable() -> None:
    answers: dict[str, Value] = {
        "abuse_or_neglect": "not_suspected",
        "looked_after_child_died": False,
    }
    result = evaluate("WT2018", answers)
    assert result.outcome == "not_notifiable"
    assert "neither known nor suspected" in result.reasons[0]


def test_wt2018_notifiable_but_considerations_unknown() -> None:
    result = evaluate("WT2018", {"abuse_or_neglect": "suspected", "seriously_harmed": True})
    assert result.outcome == INSUFFICIENT_INFORMATION
    assert result.missing == list(CONSIDERATIONS)


def test_wt2023_care_leaver_death_is_notifiable() -> None:
    result = evaluate("WT2023", {"care_leaver_died": True, "improvements_needed": True})
    assert result.outcome == "notifiable_lcspr_indicated"
    assert "care leaver" in result.reasons[0]
    not_abuse: dict[str, Value] = {"abuse_or_neglect": "not_suspected", "child_died": False}
    pending = evaluate("WT2023", not_abuse)
    # A care leaver's death would be notifiable, and then the considerations matter.
    assert pending.missing == ["care_leaver_died", *CONSIDERATIONS]
    no_considerations = evaluate("WT2023", {**not_abuse, **dict.fromkeys(CONSIDERATIONS, False)})
    assert no_considerations.missing == ["care_leaver_died"]


def test_wt2018_rejects_care_leaver_died() -> None:
    with pytest.raises(ValueError, match="care_leaver_died"):
        evaluate("WT2018", {"care_leaver_died": True})
    with pytest.raises(ValueError, match="care_leaver_died"):
        evaluate("WT2018", {"care_leaver_died": None})


# --- Errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "keys"),
    [
        ({"suspected_suicide": True, "child_died": False}, ("suspected_suicide", "child_died")),
        ({"death_in_custody": True, "child_died": False}, ("death_in_custody", "child_died")),
        (
            {"harm_long_term_impairment": True, "seriously_harmed": False},
            ("harm_long_term_impairment", "seriously_harmed"),
        ),
    ],
)
def test_contradictions_raise_naming_the_keys(
    answers: dict[str, Value], keys: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError, match="contradictory") as raised:
        evaluate("WT2015", answers)
    assert all(k in str(raised.value) for k in keys)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("child_died", "yes"),
        ("child_died", 1),
        ("abuse_or_neglect", True),
        ("abuse_or_neglect", "probably"),
        ("interagency_concern", "concerned"),
    ],
)
def test_values_not_permitted_raise_naming_the_key(key: str, value: object) -> None:
    with pytest.raises(ValueError, match=key):
        evaluate("WT2015", {key: value})  # type: ignore[dict-item]


def test_unknown_rule_set_or_version_raises() -> None:
    with pytest.raises(ValueError, match="WT1999"):
        evaluate("WT1999", {})
    with pytest.raises(ValueError, match=r"1999\.1"):
        evaluate("WT2015", {}, version="1999.1")


# --- Rule sets as data ------------------------------------------------------------------


def test_rule_sets_and_versions() -> None:
    assert {k: v.version for k, v in RULE_SETS.items()} == {
        "WT2015": "2015.1",
        "WT2018": "2018.1",
        "WT2023": "2023.1",
    }
    for rule_set_id, rs in RULE_SETS.items():
        assert rs.id == rule_set_id
        assert rule_set(rule_set_id, version=rs.version) is rs
        assert rule_set(rule_set_id) is rs
        assert rs.version in versions(rule_set_id)
        result = evaluate(rule_set_id, {}, version=rs.version)
        assert result.version == rs.version


@pytest.mark.parametrize("rule_set_id", ["WT2015", "WT2018", "WT2023"])
def test_questions_match_the_design(rule_set_id: str) -> None:
    rs = RULE_SETS[rule_set_id]
    assert {q.key: q.values for q in rs.questions} == DOMAINS[rule_set_id]
    assert list(rs.keys) == list(DOMAINS[rule_set_id])
    assert {(i.when, i.then) for i in rs.implications} == set(IMPLIES[rule_set_id])
    assert len(rs.statutory_text) >= 3
    for q in rs.questions:
        assert q.label
        assert q.text.endswith("?")
        assert q.guidance
        for v in q.values:
            assert q.value_label(v)
    outcome_codes = {o.code for o in rs.outcomes}
    assert INSUFFICIENT_INFORMATION in outcome_codes
    assert {r.outcome for r in rs.rules} | {INSUFFICIENT_INFORMATION} == outcome_codes


def test_wt2015_wording_follows_appendix_a() -> None:
    rs = RULE_SETS["WT2015"]
    text = " ".join(rs.statutory_text)
    assert "given what we now know, should this incident have led to a child protection" in text
    assert "definitive evidence that there are no concerns about inter-agency working" in text
    assert "potentially life-threatening injury" in text
    assert "recovers" in text
    assert "child protection investigation" in rs.question("abuse_or_neglect").guidance
    assert "Mental Health Act 1983" in rs.question("death_in_custody").guidance


@pytest.mark.parametrize("rule_set_id", ["WT2015", "WT2018", "WT2023"])
def test_each_rule_reads_only_its_declared_keys(rule_set_id: str) -> None:
    rs = RULE_SETS[rule_set_id]
    domain = DOMAINS[rule_set_id]
    for combo in itertools.product(*domain.values()):
        full = dict(zip(domain, combo, strict=True))
        if not consistent(rule_set_id, full):
            continue
        for rule in rs.rules:
            for key in set(domain) - set(rule.keys):
                for other in domain[key]:
                    changed = {**full, key: other}
                    if consistent(rule_set_id, changed):
                        assert rule.applies(changed) == rule.applies(full), (rule.number, key)


# --- Choosing the rule set --------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "chosen", "selectable"),
    [
        (date(2016, 5, 1), "WT2015", ("WT2015",)),
        (date(2018, 6, 28), "WT2015", ("WT2015",)),
        (date(2018, 6, 29), "WT2018", ("WT2018", "WT2015")),
        (date(2019, 9, 29), "WT2018", ("WT2018", "WT2015")),
        (date(2019, 9, 30), "WT2018", ("WT2018",)),
        (date(2023, 12, 14), "WT2018", ("WT2018",)),
        (date(2023, 12, 15), "WT2023", ("WT2023",)),
        (date(2025, 1, 1), "WT2023", ("WT2023",)),
    ],
)
def test_choose_rule_set_boundaries(day: date, chosen: str, selectable: tuple[str, ...]) -> None:
    choice = choose_rule_set(day)
    assert (choice.rule_set_id, choice.selectable) == (chosen, selectable)
    assert f"{day.day} {day:%B %Y}" in choice.reason


# --- Properties ---------------------------------------------------------------------------

RULE_SET_IDS = st.sampled_from(["WT2015", "WT2018", "WT2023"])


@st.composite
def partial_answers(draw: st.DrawFn, rule_set_id: str) -> Partial:
    domain = DOMAINS[rule_set_id]
    return {k: draw(st.sampled_from((None, *values))) for k, values in domain.items()}


def evaluate_or_none(rule_set_id: str, answers: Mapping[str, Value | None]) -> Evaluation | None:
    """The evaluation, or None for contradictory answers."""
    try:
        return evaluate(rule_set_id, answers)
    except ValueError as error:
        if "contradictory" not in str(error):
            raise
        return None


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


Answered = tuple[str, Partial, Evaluation]


@st.composite
def answered(draw: st.DrawFn) -> Answered:
    """A rule set, answers to some of its questions that do not contradict each other, and
    what the rules make of them."""
    rule_set_id = draw(RULE_SET_IDS)
    answers = draw(partial_answers(rule_set_id))
    result = evaluate_or_none(rule_set_id, answers)
    assume(result is not None)
    assert result is not None
    return rule_set_id, answers, result


@PROPERTY_SETTINGS
@given(data=st.data(), case=answered())
def test_adding_an_answer_never_unsettles_a_definite_outcome(
    data: st.DataObject, case: Answered
) -> None:
    rule_set_id, answers, before = case
    assume(before.outcome != INSUFFICIENT_INFORMATION)
    unknown = [k for k, v in answers.items() if v is None]
    assume(unknown)
    key = data.draw(st.sampled_from(unknown))
    value = data.draw(st.sampled_from(DOMAINS[rule_set_id][key]))
    after = evaluate_or_none(rule_set_id, {**answers, key: value})
    assert after is None or after.outcome == before.outcome


@PROPERTY_SETTINGS
@given(answered())
def test_missing_names_exactly_the_keys_the_outcome_turns_on(case: Answered) -> None:
    # Uses the evaluator's own outcomes for complete answers as the oracle: a key is
    # missing iff answering everything else leaves the outcome turning on it alone.
    rule_set_id, answers, result = case
    domain = DOMAINS[rule_set_id]
    unknown = [k for k in domain if answers[k] is None]
    turns_on: set[str] = set()
    outcomes: set[str] = set()
    for key in unknown:
        others = [k for k in unknown if k != key]
        for combo in itertools.product(*(domain[k] for k in others)):
            rest = dict(zip(others, combo, strict=True))
            decided = {
                e.outcome
                for v in domain[key]
                if (e := evaluate_or_none(rule_set_id, {**answers, **rest, key: v})) is not None
            }
            outcomes |= decided
            if len(decided) > 1:
                turns_on.add(key)
    assert set(result.missing) == turns_on
    if unknown and result.outcome != INSUFFICIENT_INFORMATION:
        assert outcomes == {result.outcome}


@PROPERTY_SETTINGS
@given(data=st.data(), rule_set_id=RULE_SET_IDS)
def test_contradicting_an_implication_raises(data: st.DataObject, rule_set_id: str) -> None:
    answers = data.draw(partial_answers(rule_set_id))
    when, then = data.draw(st.sampled_from(IMPLIES[rule_set_id]))
    answers.update({when: True, then: False})
    with pytest.raises(ValueError, match="contradictory") as raised:
        evaluate(rule_set_id, answers)
    # The drawn answers may hold other contradictions too; the message names one of them.
    message = str(raised.value)
    contradicted = [(p, q) for p, q in IMPLIES[rule_set_id] if answers[p] and answers[q] is False]
    assert any(
        re.search(rf"\b{p}\b", message) and re.search(rf"\b{q}\b", message) for p, q in contradicted
    )


@PROPERTY_SETTINGS
@given(data=st.data(), rule_set_id=RULE_SET_IDS, key=st.text(min_size=1, max_size=20))
def test_unknown_keys_raise_naming_the_key(data: st.DataObject, rule_set_id: str, key: str) -> None:
    assume(key not in DOMAINS[rule_set_id])
    answers: dict[str, Value | None] = {**data.draw(partial_answers(rule_set_id)), key: True}
    with pytest.raises(ValueError, match="is not a question of") as raised:
        evaluate(rule_set_id, answers)
    assert repr(key) in str(raised.value)


@PROPERTY_SETTINGS
@given(
    data=st.data(),
    rule_set_id=RULE_SET_IDS,
    value=st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.floats()),
)
def test_any_value_not_permitted_raises_naming_the_key(
    data: st.DataObject, rule_set_id: str, value: object
) -> None:
    key = data.draw(st.sampled_from(list(DOMAINS[rule_set_id])))
    permitted = DOMAINS[rule_set_id][key]
    # 1 == True and hash alike, so compare types too.
    assume(not any(type(value) is type(p) and value == p for p in permitted))
    with pytest.raises(ValueError, match=re.escape(key)):
        evaluate(rule_set_id, {key: value})  # type: ignore[dict-item]


def test_a_living_childs_death_questions_are_settled_by_the_referral() -> None:
    from crag_desktop.domain.criteria import settled_by_referral

    assert settled_by_referral("WT2023", "serious_harm", {}) == {
        "looked_after_child_died": False,
        "care_leaver_died": False,
    }
    assert settled_by_referral("WT2018", "serious_harm", {"child_died": False}) == {
        "looked_after_child_died": False
    }
    # The meeting learns the child died after all: nothing is settled any more.
    assert settled_by_referral("WT2018", "serious_harm", {"child_died": True}) == {}
    assert settled_by_referral("WT2018", "death", {}) == {}
    assert settled_by_referral("WT2015", "serious_harm", {}) == {}


def test_each_rule_set_carries_its_own_facts() -> None:
    facts = {
        rs.id: (rs.name, rs.statutory_review, ClockKind.RAPID_REVIEW in rs.clocks)
        for rs in RULE_SETS.values()
    }
    assert facts == {
        "WT2015": ("Working Together 2015", DecidedOutcome.SCR, False),
        "WT2018": ("Working Together 2018", DecidedOutcome.LCSPR, True),
        "WT2023": ("Working Together 2023", DecidedOutcome.LCSPR, True),
    }
    assert first_with_clock(ClockKind.RAPID_REVIEW) is RULE_SETS["WT2018"]
    assert first_with_clock(ClockKind.RAPID_REVIEW).effective_from == date(2018, 6, 29)
    assert first_with_clock(ClockKind.SCR_COMPLETION_AIM) is RULE_SETS["WT2015"]
    assert EARLIEST_RULE_SET is RULE_SETS["WT2015"]
    assert {"WT2018", "WT2023"} == RAPID_REVIEW_RULE_SETS


def test_screens_services_and_reports_name_no_rule_set_by_its_code() -> None:
    # Which review a rule set orders, its clocks and its name are its own facts: code that
    # tested "WT2018" itself would miss the next rule set.
    package = Path(__file__).resolve().parents[2] / "crag_desktop"
    found = [
        f"{path.relative_to(package)}:{number}"
        for layer in ("ui", "services", "reports")
        for path in sorted((package / layer).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"WT20\d\d", line)
    ]
    assert found == []
