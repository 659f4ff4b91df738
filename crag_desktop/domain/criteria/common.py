"""Questions and wording shared by the rule sets."""

from __future__ import annotations

from collections.abc import Sequence

from crag_desktop.domain.criteria.model import Choice, Known, Question, QuestionKind

KNOWN_OR_SUSPECTED = ("known", "suspected")

ABUSE_OR_NEGLECT = Question(
    key="abuse_or_neglect",
    kind=QuestionKind.CHOICE,
    label="Whether abuse or neglect is known or suspected",
    text="Is abuse or neglect of the child known or suspected?",
    guidance=(
        "'Suspected' uses the threshold of section 47 of the Children Act 1989, 'reasonable "
        "cause to suspect'. Ask: given what we now know, should this incident have led to a "
        "child protection investigation? If yes, abuse or neglect is suspected."
    ),
    choices=(
        Choice("known", "Known"),
        Choice("suspected", "Suspected"),
        Choice("not_suspected", "Neither known nor suspected"),
    ),
)

CHILD_DIED = Question(
    key="child_died",
    kind=QuestionKind.BOOL,
    label="Whether the child died",
    text="Has the child died?",
    guidance="This includes a child who died by suspected suicide.",
)

SERIOUS_HARM_GUIDANCE = (
    "Serious harm includes, but is not limited to, a potentially life-threatening injury, and "
    "serious or likely long-term impairment of the child's physical or mental health or of "
    "their physical, intellectual, emotional, social or behavioural development. The list is "
    "not exhaustive, and a child who has recovered may still have been seriously harmed."
)

SERIOUSLY_HARMED = Question(
    key="seriously_harmed",
    kind=QuestionKind.BOOL,
    label="Whether the child was seriously harmed",
    text="Has the child been seriously harmed?",
    guidance=SERIOUS_HARM_GUIDANCE,
)


def abuse_phrase(known: Known) -> str:
    # Only called by rules that need abuse or neglect known or suspected, so it is set.
    return "known" if known.get("abuse_or_neglect") == "known" else "suspected"


def join(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


OTHER_REVIEW = (
    "The Board may still commission another kind of review (a partnership, learning or "
    "single-agency review) or decide that no further action is needed."
)
