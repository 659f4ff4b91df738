"""Working Together 2023: the 2018 arrangements, with the deaths of care leavers."""

from __future__ import annotations

from datetime import date

from crag_desktop.domain.criteria.common import ABUSE_OR_NEGLECT, CHILD_DIED, SERIOUSLY_HARMED
from crag_desktop.domain.criteria.model import RuleSet
from crag_desktop.domain.criteria.notification import (
    CARE_LEAVER_DIED,
    CONSIDERATION_QUESTIONS,
    LAC_IMPLIES_DEATH,
    LOOKED_AFTER_CHILD_DIED,
    NOTIFICATION_CLOCKS,
    NOTIFICATION_TEXT,
    notifiable,
    notification_rules,
)
from crag_desktop.domain.criteria.wt2018 import WT2018
from crag_desktop.domain.vocabulary import DecidedOutcome

#: The day Working Together 2023 came into force.
WT2023_IN_FORCE = date(2023, 12, 15)

WT2023 = RuleSet(
    id="WT2023",
    version="2023.1",
    title=(
        "Serious incident notification, rapid review and local child safeguarding practice "
        "review (Working Together 2023)"
    ),
    effective_from=WT2023_IN_FORCE,
    statutory_text=(
        "Working Together to Safeguard Children (2023) keeps the serious incident "
        "notification, rapid review and local child safeguarding practice review of 2018, "
        "and adds the deaths of care leavers.",
        *NOTIFICATION_TEXT,
        "The local authority must also notify the Panel of the death of a care leaver up to "
        "and including the age of 24, whether or not abuse or neglect is known or suspected.",
    ),
    questions=(
        ABUSE_OR_NEGLECT,
        CHILD_DIED,
        SERIOUSLY_HARMED,
        LOOKED_AFTER_CHILD_DIED,
        CARE_LEAVER_DIED,
        *CONSIDERATION_QUESTIONS,
    ),
    # A care leaver may be an adult (18 to 24), so their death does not imply child_died.
    implications=(LAC_IMPLIES_DEATH,),
    rules=notification_rules(care_leavers=True),
    notifiable=lambda c: notifiable(c, care_leavers=True),
    name="Working Together 2023",
    statutory_review=DecidedOutcome.LCSPR,
    clocks=NOTIFICATION_CLOCKS,
    outcomes=WT2018.outcomes,
)
