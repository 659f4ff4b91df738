"""Every rule set and version, by id; which one applies to a date; what a referral settles."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.criteria.model import Answers, RuleSet, RuleSetChoice
from crag_desktop.domain.criteria.wt2015 import WT2015, WT2015_LAST_SELECTABLE
from crag_desktop.domain.criteria.wt2018 import WT2018, WT2018_IN_FORCE
from crag_desktop.domain.criteria.wt2023 import WT2023, WT2023_IN_FORCE
from crag_desktop.domain.wording import long_date

#: Every version of every rule set, so old decisions are re-explained under their version.
_ALL_VERSIONS: Mapping[tuple[str, str], RuleSet] = MappingProxyType(
    {(rs.id, rs.version): rs for rs in (WT2015, WT2018, WT2023)}
)

#: The current version of each rule set, by id.
RULE_SETS: Mapping[str, RuleSet] = MappingProxyType(
    {"WT2015": WT2015, "WT2018": WT2018, "WT2023": WT2023}
)


#: The first rule set in force: the wizard's until another is chosen.
EARLIEST_RULE_SET: RuleSet = min(RULE_SETS.values(), key=lambda rs: rs.effective_from)


def first_with_clock(kind: ClockKind) -> RuleSet:
    """The first rule set under which `kind` runs (the rapid review: Working Together 2018);
    before its day that clock does not apply."""
    running = [rs for rs in RULE_SETS.values() if kind in rs.clocks]
    if not running:
        raise ValueError(f"no rule set runs the {kind.value} clock")
    return min(running, key=lambda rs: rs.effective_from)


def versions(rule_set_id: str) -> tuple[str, ...]:
    """Every stored version of a rule set, oldest first."""
    found = tuple(v for (i, v) in _ALL_VERSIONS if i == rule_set_id)
    if not found:
        raise ValueError(f"rule_set: there is no rule set {rule_set_id!r}")
    return found


def rule_set(rule_set_id: str, version: str | None = None) -> RuleSet:
    """The rule set with this id: its current version, or the version given (so that a
    decision is re-explained under the version it was recorded with)."""
    if rule_set_id not in RULE_SETS:
        raise ValueError(
            f"rule_set: there is no rule set {rule_set_id!r}; choose one of " + ", ".join(RULE_SETS)
        )
    if version is None:
        return RULE_SETS[rule_set_id]
    try:
        return _ALL_VERSIONS[(rule_set_id, version)]
    except KeyError:
        raise ValueError(
            f"version: {rule_set_id} has no version {version!r}; it has "
            + ", ".join(versions(rule_set_id))
        ) from None


#: How an answer the referral settles for a living child is worded, on screen and on paper.
NOT_APPLICABLE_CHILD_LIVING = "not applicable (child living)"
#: Questions about a death that cannot apply while the child is living.
_DEATH_ONLY_KEYS = ("looked_after_child_died", "care_leaver_died")
#: The incident type (interchange code) of a referral whose child is living.
_LIVING_INCIDENT_TYPES = frozenset({"serious_harm"})


def settled_by_referral(rule_set_id: str, incident_type: str, answers: Answers) -> dict[str, bool]:
    """Answers the referral already settles, so they are not asked: a child seriously
    harmed (and not since answered as having died) is living, so a looked-after child's or
    a care leaver's death does not apply. Each settled answer is False."""
    if incident_type not in _LIVING_INCIDENT_TYPES or answers.get("child_died") is True:
        return {}
    keys = rule_set(rule_set_id).keys
    return {key: False for key in _DEATH_ONLY_KEYS if key in keys}


def choose_rule_set(incident_or_notification_date: date) -> RuleSetChoice:
    """The rule set the wizard preselects for an incident (or notification) date.

    WT2015 before 29 June 2018; WT2018 from 29 June 2018, with WT2015 still selectable up
    to and including 29 September 2019 (the day by which boards had moved over); WT2023
    from 15 December 2023. ``selectable`` lists the preselected rule set first.
    """
    d = incident_or_notification_date
    when = long_date(d)
    if d < WT2018_IN_FORCE:
        return RuleSetChoice(
            "WT2015",
            f"{when} is before Working Together 2018 came into force on "
            f"{long_date(WT2018_IN_FORCE)}, so the WT2015 serious case review criteria apply.",
            ("WT2015",),
        )
    if d <= WT2015_LAST_SELECTABLE:
        return RuleSetChoice(
            "WT2018",
            f"{when} is on or after {long_date(WT2018_IN_FORCE)}, when Working Together 2018 "
            "came into force; boards had until "
            f"{long_date(WT2015_LAST_SELECTABLE)} to move over, so WT2015 may still be chosen.",
            ("WT2018", "WT2015"),
        )
    if d < WT2023_IN_FORCE:
        return RuleSetChoice(
            "WT2018",
            f"{when} is after the move to Working Together 2018 ended on "
            f"{long_date(WT2015_LAST_SELECTABLE)} and before Working Together 2023 came into "
            f"force on {long_date(WT2023_IN_FORCE)}.",
            ("WT2018",),
        )
    return RuleSetChoice(
        "WT2023",
        f"{when} is on or after {long_date(WT2023_IN_FORCE)}, when Working Together 2023 came "
        "into force.",
        ("WT2023",),
    )
