"""The criteria answers synthetic decisions are made of: a handful of answer patterns per
rule set, each with the outcome the rules give it (the tests check each against
`criteria.evaluate`), so that no referral needs the evaluator.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from crag_desktop.domain.records import (
    Answer,
)
from crag_desktop.domain.vocabulary import (
    IncidentType,
)

# (answers, the outcome the rules give) per rule set; checked against the evaluator in
# tests/domain/test_synthetic.py. `kind` says which incident type the answers describe.
_Pattern = tuple[dict[str, Answer], str, IncidentType, int]


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    return tuple(itertools.accumulate(weights))


def _wt2015(
    abuse: str,
    *,
    died: bool = False,
    suicide: bool = False,
    custody: bool = False,
    harmed: bool = False,
    life: bool = False,
    long_term: bool = False,
    concern: str = "concern",
) -> dict[str, Answer]:
    return {
        "abuse_or_neglect": abuse,
        "child_died": died,
        "suspected_suicide": suicide,
        "death_in_custody": custody,
        "seriously_harmed": harmed,
        "harm_life_threatening": life,
        "harm_long_term_impairment": long_term,
        "interagency_concern": concern,
    }


def _notification(
    abuse: str,
    *,
    died: bool = False,
    harmed: bool = False,
    lac_died: bool = False,
    considerations: tuple[bool, bool, bool, bool] = (False, False, False, False),
    care_leavers: bool = False,
) -> dict[str, Answer]:
    answers: dict[str, Answer] = {
        "abuse_or_neglect": abuse,
        "child_died": died,
        "seriously_harmed": harmed,
        "looked_after_child_died": lac_died,
    }
    if care_leavers:
        answers["care_leaver_died"] = False
    keys = (
        "improvements_needed",
        "recurrent_themes",
        "concerns_two_or_more_agencies",
        "panel_declined_national_review",
    )
    answers.update(zip(keys, considerations, strict=True))
    return answers


def _notification_patterns(care_leavers: bool) -> tuple[_Pattern, ...]:
    cl = care_leavers
    return (
        (
            _notification(
                "suspected", died=True, considerations=(True, False, True, False), care_leavers=cl
            ),
            "notifiable_lcspr_indicated",
            IncidentType.DEATH,
            3,
        ),
        (
            _notification(
                "known", harmed=True, considerations=(True, True, False, False), care_leavers=cl
            ),
            "notifiable_lcspr_indicated",
            IncidentType.SERIOUS_HARM,
            3,
        ),
        (
            _notification("suspected", harmed=True, care_leavers=cl),
            "notifiable_lcspr_not_indicated",
            IncidentType.SERIOUS_HARM,
            4,
        ),
        (
            _notification("not_suspected", harmed=True, care_leavers=cl),
            "not_notifiable",
            IncidentType.SERIOUS_HARM,
            3,
        ),
        (
            _notification(
                "not_suspected",
                died=True,
                lac_died=True,
                considerations=(True, False, False, False),
                care_leavers=cl,
            ),
            "notifiable_lcspr_indicated",
            IncidentType.DEATH,
            1,
        ),
    )


#: The answer patterns each rule set's decisions draw from, with their rules outcome.
PATTERNS: dict[str, tuple[_Pattern, ...]] = {
    "WT2015": (
        (_wt2015("suspected", died=True), "scr_required", IncidentType.DEATH, 2),
        (
            _wt2015("suspected", died=True, suicide=True),
            "scr_required",
            IncidentType.SUSPECTED_SUICIDE,
            1,
        ),
        (
            _wt2015("known", harmed=True, life=True),
            "scr_required",
            IncidentType.SERIOUS_HARM,
            3,
        ),
        (
            _wt2015("suspected", harmed=True, long_term=True, concern="no_definitive_evidence"),
            "scr_required",
            IncidentType.SERIOUS_HARM,
            2,
        ),
        (
            _wt2015(
                "suspected", harmed=True, life=True, concern="definitive_evidence_of_no_concern"
            ),
            "scr_not_required",
            IncidentType.SERIOUS_HARM,
            3,
        ),
        (
            _wt2015("not_suspected", harmed=True, long_term=True),
            "scr_not_required",
            IncidentType.SERIOUS_HARM,
            3,
        ),
        (_wt2015("suspected"), "scr_not_required", IncidentType.OTHER, 2),
    ),
    "WT2018": _notification_patterns(care_leavers=False),
    "WT2023": _notification_patterns(care_leavers=True),
}

_VERSIONS = {"WT2015": "2015.1", "WT2018": "2018.1", "WT2023": "2023.1"}
