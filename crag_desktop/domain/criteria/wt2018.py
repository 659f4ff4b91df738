"""Working Together 2018: serious incident notification, rapid review and local child
safeguarding practice review."""

from __future__ import annotations

from datetime import date

from crag_desktop.domain.criteria.common import ABUSE_OR_NEGLECT, CHILD_DIED, SERIOUSLY_HARMED
from crag_desktop.domain.criteria.model import INSUFFICIENT_INFORMATION, Outcome, RuleSet
from crag_desktop.domain.criteria.notification import (
    CONSIDERATION_QUESTIONS,
    LAC_IMPLIES_DEATH,
    LOOKED_AFTER_CHILD_DIED,
    NOTIFICATION_CLOCKS,
    NOTIFICATION_TEXT,
    notifiable,
    notification_rules,
)
from crag_desktop.domain.vocabulary import DecidedOutcome

#: The day Working Together 2018 came into force.
WT2018_IN_FORCE = date(2018, 6, 29)

WT2018 = RuleSet(
    id="WT2018",
    version="2018.1",
    title=(
        "Serious incident notification, rapid review and local child safeguarding practice "
        "review (Working Together 2018)"
    ),
    effective_from=WT2018_IN_FORCE,
    statutory_text=(
        "Working Together to Safeguard Children (2018) replaced serious case reviews with "
        "local child safeguarding practice reviews (LCSPRs), commissioned by the safeguarding "
        "partners (the local authority, the integrated care board or clinical commissioning "
        "group, and the chief officer of police).",
        *NOTIFICATION_TEXT,
    ),
    questions=(
        ABUSE_OR_NEGLECT,
        CHILD_DIED,
        SERIOUSLY_HARMED,
        LOOKED_AFTER_CHILD_DIED,
        *CONSIDERATION_QUESTIONS,
    ),
    implications=(LAC_IMPLIES_DEATH,),
    rules=notification_rules(care_leavers=False),
    notifiable=lambda c: notifiable(c, care_leavers=False),
    name="Working Together 2018",
    statutory_review=DecidedOutcome.LCSPR,
    clocks=NOTIFICATION_CLOCKS,
    outcomes=(
        Outcome("notifiable_lcspr_indicated", "Notifiable; an LCSPR is indicated"),
        Outcome("notifiable_lcspr_not_indicated", "Notifiable; an LCSPR is not indicated"),
        Outcome("not_notifiable", "Not a notifiable serious incident"),
        Outcome(INSUFFICIENT_INFORMATION, "More information is needed"),
    ),
)
