"""The criteria decision: versioned rule sets and one evaluator that explains itself.

A rule set is data: the statutory wording shown to the chair, the questions, how answers
imply one another, the ordered rules and the outcome labels. A change of guidance adds a
rule set (or a new version of one) instead of editing an old one, so that a decision
recorded under WT2015 version 2015.1 is re-explained under exactly that version.

One module per rule set (`wt2015`, `wt2018`, `wt2023`, with what the last two share in
`notification`), the shapes they are made of in `model`, every rule set by id in `registry`
and the evaluator in `evaluator`. The public API (design/criteria.md) is imported from here.
"""

from crag_desktop.domain.criteria.evaluator import (
    evaluate,
    notification_owed,
    notification_owed_for,
)
from crag_desktop.domain.criteria.model import (
    INSUFFICIENT_INFORMATION,
    Answers,
    Choice,
    Evaluation,
    Implication,
    NotificationOwed,
    Outcome,
    Question,
    QuestionKind,
    Rule,
    RuleSet,
    RuleSetChoice,
    Value,
)
from crag_desktop.domain.criteria.registry import (
    EARLIEST_RULE_SET,
    NOT_APPLICABLE_CHILD_LIVING,
    RULE_SETS,
    choose_rule_set,
    first_with_clock,
    rule_set,
    settled_by_referral,
    versions,
)
from crag_desktop.domain.criteria.wt2015 import WT2015, WT2015_LAST_SELECTABLE
from crag_desktop.domain.criteria.wt2018 import WT2018, WT2018_IN_FORCE
from crag_desktop.domain.criteria.wt2023 import WT2023, WT2023_IN_FORCE

__all__ = [
    "EARLIEST_RULE_SET",
    "INSUFFICIENT_INFORMATION",
    "NOT_APPLICABLE_CHILD_LIVING",
    "RULE_SETS",
    "WT2015",
    "WT2015_LAST_SELECTABLE",
    "WT2018",
    "WT2018_IN_FORCE",
    "WT2023",
    "WT2023_IN_FORCE",
    "Answers",
    "Choice",
    "Evaluation",
    "Implication",
    "NotificationOwed",
    "Outcome",
    "Question",
    "QuestionKind",
    "Rule",
    "RuleSet",
    "RuleSetChoice",
    "Value",
    "choose_rule_set",
    "evaluate",
    "first_with_clock",
    "notification_owed",
    "notification_owed_for",
    "rule_set",
    "settled_by_referral",
    "versions",
]
