"""What Working Together 2018 and 2023 share: the serious incident notification to the
national Panel, the rapid review and the LCSPR considerations."""

from __future__ import annotations

from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.criteria.common import (
    KNOWN_OR_SUSPECTED,
    OTHER_REVIEW,
    abuse_phrase,
    join,
)
from crag_desktop.domain.criteria.model import (
    Complete,
    Implication,
    Known,
    Question,
    QuestionKind,
    Rule,
)

#: The clocks that run under the 2018 arrangements (and 2023's).
NOTIFICATION_CLOCKS = (
    ClockKind.SERIOUS_INCIDENT_NOTIFICATION,
    ClockKind.RAPID_REVIEW,
    ClockKind.LCSPR_FINAL_REPORT,
)

LOOKED_AFTER_CHILD_DIED = Question(
    key="looked_after_child_died",
    kind=QuestionKind.BOOL,
    label="Whether a looked-after child died",
    text="Was the child who died looked after by a local authority?",
    guidance=(
        "The death of a looked-after child is always notified to the Panel, whether or not "
        "abuse or neglect is known or suspected. Yes means the child died."
    ),
)

CARE_LEAVER_DIED = Question(
    key="care_leaver_died",
    kind=QuestionKind.BOOL,
    label="Whether a care leaver aged 24 or under died",
    text="Is this the death of a care leaver aged up to and including 24?",
    guidance=(
        "Under Working Together 2023 the death of a care leaver up to and including the age "
        "of 24 is always notified to the Panel."
    ),
)

#: The LCSPR considerations: key, short label, the phrase that completes "the case ...".
_CONSIDERATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "improvements_needed",
        "Whether the case highlights improvements needed",
        "Does the case highlight or may it highlight improvements needed to safeguard and "
        "promote the welfare of children, including improvements already identified?",
        "highlights improvements needed to safeguard and promote the welfare of children",
    ),
    (
        "recurrent_themes",
        "Whether the case highlights recurrent themes",
        "Does the case highlight or may it highlight recurrent themes in safeguarding and "
        "promoting the welfare of children?",
        "highlights recurrent themes in safeguarding children",
    ),
    (
        "concerns_two_or_more_agencies",
        "Whether there are concerns about two or more agencies working together",
        "Does the case highlight or may it highlight concerns about two or more organisations "
        "or agencies working together effectively to safeguard the child?",
        "raises concerns about two or more agencies working together",
    ),
    (
        "panel_declined_national_review",
        "Whether the national Panel considered it and declined a national review",
        "Has the Child Safeguarding Practice Review Panel considered the case and concluded "
        "that a local review may be more appropriate?",
        "was considered by the national Panel, which concluded a local review is more appropriate",
    ),
)

_CONSIDERATION_KEYS = tuple(c[0] for c in _CONSIDERATIONS)
_CONSIDERATION_PHRASES = {c[0]: c[3] for c in _CONSIDERATIONS}

CONSIDERATION_QUESTIONS = tuple(
    Question(
        key=key,
        kind=QuestionKind.BOOL,
        label=label,
        text=text,
        guidance=(
            "An LCSPR is indicated when any of the considerations applies; the rapid review "
            "decides, and records why."
        ),
    )
    for key, label, text, _ in _CONSIDERATIONS
)

LAC_IMPLIES_DEATH = Implication(
    "looked_after_child_died", "child_died", "a looked-after child who died is a child who died"
)


def notifiable(c: Complete, care_leavers: bool) -> bool:
    return (
        (
            c["abuse_or_neglect"] in KNOWN_OR_SUSPECTED
            and (c["child_died"] is True or c["seriously_harmed"] is True)
        )
        or c["looked_after_child_died"] is True
        or (care_leavers and c["care_leaver_died"] is True)
    )


def _notifiable_because(known: Known) -> str:
    # Called only when the incident is notifiable whatever the unknown answers, so one of
    # the limbs is known to hold.
    if known.get("looked_after_child_died") is True:
        return (
            "a looked-after child died, which is notifiable whether or not abuse or neglect "
            "is suspected"
        )
    if known.get("care_leaver_died") is True:
        return "a care leaver aged 24 or under died, which is always notifiable"
    harm = "died" if known.get("child_died") is True else "was seriously harmed"
    return f"abuse or neglect is {abuse_phrase(known)} and the child {harm}"


def _not_notifiable_because(known: Known, care_leavers: bool) -> str:
    parts: list[str] = []
    if known.get("abuse_or_neglect") == "not_suspected":
        parts.append("abuse or neglect is neither known nor suspected")
    elif known.get("child_died") is False and known.get("seriously_harmed") is False:
        parts.append("the child neither died nor was seriously harmed")
    else:
        parts.append("the incident is not one of abuse or neglect causing death or serious harm")
    parts.append("no looked-after child died")
    if care_leavers:
        parts.append("no care leaver aged 24 or under died")
    return join(parts)


def notification_rules(care_leavers: bool) -> tuple[Rule, ...]:
    notifiable_keys = (
        "abuse_or_neglect",
        "child_died",
        "seriously_harmed",
        "looked_after_child_died",
    ) + (("care_leaver_died",) if care_leavers else ())

    def considerations_true(known: Known) -> str:
        return join([_CONSIDERATION_PHRASES[k] for k in _CONSIDERATION_KEYS if known.get(k)])

    # Rules 2 and 3: a notifiable incident, and then whether any LCSPR consideration applies.
    considered_keys = notifiable_keys + _CONSIDERATION_KEYS

    def to_notify(known: Known) -> str:
        return (
            "This is a serious incident to notify to the Child Safeguarding Practice "
            f"Review Panel within 5 working days: {_notifiable_because(known)}."
        )

    return (
        Rule(
            number=1,
            summary="Not a serious incident to notify to the national Panel.",
            outcome="not_notifiable",
            keys=notifiable_keys,
            applies=lambda c: not notifiable(c, care_leavers),
            explain=lambda k: (
                "This is not a serious incident to notify to the Child Safeguarding Practice "
                f"Review Panel: {_not_notifiable_because(k, care_leavers)}.",
                OTHER_REVIEW,
            ),
        ),
        Rule(
            number=2,
            summary=(
                "A notifiable serious incident where at least one LCSPR consideration applies: "
                "an LCSPR is indicated."
            ),
            outcome="notifiable_lcspr_indicated",
            keys=considered_keys,
            applies=lambda c: (
                notifiable(c, care_leavers) and any(c[k] is True for k in _CONSIDERATION_KEYS)
            ),
            explain=lambda k: (
                to_notify(k),
                "A local child safeguarding practice review is indicated because the case "
                f"{considerations_true(k)}.",
            ),
        ),
        Rule(
            number=3,
            summary=(
                "A notifiable serious incident where no LCSPR consideration applies: an LCSPR "
                "is not indicated."
            ),
            outcome="notifiable_lcspr_not_indicated",
            keys=considered_keys,
            applies=lambda c: (
                notifiable(c, care_leavers) and all(c[k] is False for k in _CONSIDERATION_KEYS)
            ),
            explain=lambda k: (
                to_notify(k),
                "A local child safeguarding practice review is not indicated: the case "
                "highlights no improvements needed or recurrent themes, raises no concern "
                "about agencies working together, and the Panel has not asked for a local "
                "review. The rapid review report to the Panel should say so.",
            ),
        ),
    )


NOTIFICATION_TEXT = (
    "The local authority must notify the Child Safeguarding Practice Review Panel within five "
    "working days of becoming aware of a serious incident: where it knows or suspects that a "
    "child has been abused or neglected and the child dies or is seriously harmed in its "
    "area, or, while normally resident in its area, dies or is seriously harmed outside "
    "England. The death of a looked-after child is always notified, whether or not abuse or "
    "neglect is known or suspected.",
    "Serious harm includes, though is not limited to, serious and/or long-term impairment of "
    "a child's physical or mental health or of their intellectual, emotional, social or "
    "behavioural development. The list is not exhaustive, and a child who recovers may still "
    "have been seriously harmed. 'Suspected' means 'reasonable cause to suspect' as in "
    "section 47 of the Children Act 1989.",
    "The safeguarding partners carry out a rapid review within 15 working days of the "
    "notification and decide whether a local child safeguarding practice review is "
    "appropriate. They consider whether the case highlights or may highlight improvements "
    "needed to safeguard and promote the welfare of children, including improvements already "
    "identified; whether it highlights recurrent themes; whether it highlights concerns about "
    "two or more organisations or agencies working together effectively; and whether the "
    "national Panel has considered it and concluded that a local review may be more "
    "appropriate.",
    "The final LCSPR report goes to the national Panel and the Secretary of State at least "
    "seven working days before it is published.",
)
