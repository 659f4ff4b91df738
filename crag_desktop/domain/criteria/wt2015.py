"""Working Together 2015: the serious case review (LSCB Regulations 2006, regulation 5)."""

from __future__ import annotations

from datetime import date

from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.criteria.common import (
    ABUSE_OR_NEGLECT,
    CHILD_DIED,
    KNOWN_OR_SUSPECTED,
    OTHER_REVIEW,
    SERIOUS_HARM_GUIDANCE,
    SERIOUSLY_HARMED,
    abuse_phrase,
)
from crag_desktop.domain.criteria.model import (
    INSUFFICIENT_INFORMATION,
    Choice,
    Complete,
    Implication,
    Known,
    Outcome,
    Question,
    QuestionKind,
    Rule,
    RuleSet,
)
from crag_desktop.domain.vocabulary import DecidedOutcome

#: The last day a board could still work under WT2015 while moving to the new arrangements.
WT2015_LAST_SELECTABLE = date(2019, 9, 29)

_DEATH_IN_CUSTODY_PLACES = (
    "in police custody, on remand or after sentencing, in a young offender institution, a "
    "secure training centre or a secure children's home, or while detained under the Mental "
    "Health Act 1983"
)

_WT2015_QUESTIONS = (
    ABUSE_OR_NEGLECT,
    CHILD_DIED,
    Question(
        key="suspected_suicide",
        kind=QuestionKind.BOOL,
        label="Whether the child died by suspected suicide",
        text="Did the child die by suspected suicide?",
        guidance="A suspected suicide is a death: answering yes means the child died.",
    ),
    Question(
        key="death_in_custody",
        kind=QuestionKind.BOOL,
        label="Whether the child died in custody",
        text="Did the child die in custody?",
        guidance=(
            f"Only meaningful when the child died: a death {_DEATH_IN_CUSTODY_PLACES}. "
            "Such a death always leads to a serious case review."
        ),
    ),
    SERIOUSLY_HARMED,
    Question(
        key="harm_life_threatening",
        kind=QuestionKind.BOOL,
        label="Whether the child sustained a potentially life-threatening injury",
        text="Has the child sustained a potentially life-threatening injury?",
        guidance="Yes means the child has been seriously harmed. " + SERIOUS_HARM_GUIDANCE,
    ),
    Question(
        key="harm_long_term_impairment",
        kind=QuestionKind.BOOL,
        label="Whether the child suffered serious or likely long-term impairment",
        text=(
            "Has the child suffered serious and/or likely long-term impairment of physical or "
            "mental health, or of physical, intellectual, emotional, social or behavioural "
            "development?"
        ),
        guidance="Yes means the child has been seriously harmed. " + SERIOUS_HARM_GUIDANCE,
    ),
    Question(
        key="interagency_concern",
        kind=QuestionKind.CHOICE,
        label="Whether there is concern about how agencies worked together",
        text=(
            "Is there cause for concern about the way the local authority, Board partners or "
            "other relevant persons worked together to safeguard the child?"
        ),
        guidance=(
            "When the child was seriously harmed, the LSCB must commission a serious case "
            "review unless there is definitive evidence that there are no concerns about "
            "inter-agency working."
        ),
        choices=(
            Choice("concern", "There is cause for concern"),
            Choice("no_definitive_evidence", "No definitive evidence either way"),
            Choice(
                "definitive_evidence_of_no_concern",
                "Definitive evidence that there are no concerns",
            ),
        ),
    ),
)

_WT2015_IMPLICATIONS = (
    Implication("suspected_suicide", "child_died", "a suspected suicide is a death"),
    Implication("death_in_custody", "child_died", "a death in custody is a death"),
    Implication(
        "harm_life_threatening",
        "seriously_harmed",
        "a potentially life-threatening injury is serious harm",
    ),
    Implication(
        "harm_long_term_impairment",
        "seriously_harmed",
        "serious or likely long-term impairment is serious harm",
    ),
)


def _scr_died_phrase(known: Known) -> str:
    return "died by suspected suicide" if known.get("suspected_suicide") is True else "died"


def _concern_phrase(known: Known) -> str:
    if known.get("interagency_concern") == "concern":
        return "there is cause for concern about how agencies worked together"
    return "there is no definitive evidence that there are no concerns about inter-agency working"


def _wt2015_notifiable(c: Complete) -> bool:
    # A serious incident under WT2015 (chapter 4): abuse or neglect known or suspected and the
    # child died or was seriously harmed. A death in custody counts too: a child remanded is
    # looked after, whose death is always notified, and the answers do not say whether the
    # child was; a needless clock costs less than a missed notification.
    return (
        c["abuse_or_neglect"] in KNOWN_OR_SUSPECTED
        and (c["child_died"] is True or c["seriously_harmed"] is True)
    ) or c["death_in_custody"] is True


def _wt2015_rules() -> tuple[Rule, ...]:
    def harmed(c: Complete) -> bool:
        return c["seriously_harmed"] is True

    def abused(c: Complete) -> bool:
        return c["abuse_or_neglect"] in KNOWN_OR_SUSPECTED

    # Rules 4 and 5: abuse or neglect and serious harm (or either sign of it); what is known
    # of inter-agency working then decides between them.
    harm_keys = (
        "abuse_or_neglect",
        "seriously_harmed",
        "harm_life_threatening",
        "harm_long_term_impairment",
        "interagency_concern",
    )

    def abused_and_harmed(c: Complete) -> bool:
        return abused(c) and (
            harmed(c)
            or c["harm_life_threatening"] is True
            or c["harm_long_term_impairment"] is True
        )

    return (
        Rule(
            number=1,
            summary="A death in custody always leads to a serious case review.",
            outcome="scr_required",
            keys=("death_in_custody",),
            applies=lambda c: c["death_in_custody"] is True,
            explain=lambda k: (
                f"The child died in custody ({_DEATH_IN_CUSTODY_PLACES}); such a death "
                "always leads to a serious case review.",
            ),
        ),
        Rule(
            number=2,
            summary=(
                "Abuse or neglect neither known nor suspected: the criteria for a serious "
                "case review are not met."
            ),
            outcome="scr_not_required",
            keys=("abuse_or_neglect", "child_died", "death_in_custody"),
            applies=lambda c: (
                c["abuse_or_neglect"] == "not_suspected"
                and (c["death_in_custody"] is False or c["child_died"] is False)
            ),
            explain=lambda k: (
                "Abuse or neglect is neither known nor suspected (the incident should not have "
                "led to a child protection investigation) and the child did not die in "
                "custody, so the criteria for a serious case review are not met.",
                OTHER_REVIEW,
            ),
        ),
        Rule(
            number=3,
            summary=(
                "The child died and abuse or neglect is known or suspected: a serious case "
                "review must be commissioned."
            ),
            outcome="scr_required",
            keys=("abuse_or_neglect", "child_died", "suspected_suicide"),
            applies=lambda c: (
                abused(c) and (c["child_died"] is True or c["suspected_suicide"] is True)
            ),
            explain=lambda k: (
                f"The child {_scr_died_phrase(k)} and abuse or neglect is {abuse_phrase(k)}, "
                "so the LSCB must commission a serious case review (LSCB Regulations 2006, "
                "regulation 5(2)(b)(i)).",
            ),
        ),
        Rule(
            number=4,
            summary=(
                "The child was seriously harmed, abuse or neglect is known or suspected and "
                "there is no definitive evidence of no concern about inter-agency working: "
                "a serious case review must be commissioned."
            ),
            outcome="scr_required",
            keys=harm_keys,
            applies=lambda c: (
                abused_and_harmed(c)
                and c["interagency_concern"] in ("concern", "no_definitive_evidence")
            ),
            explain=lambda k: (
                f"The child was seriously harmed, abuse or neglect is {abuse_phrase(k)}, and "
                f"{_concern_phrase(k)}. Unless there is definitive evidence that there are no "
                "concerns about inter-agency working, the LSCB must commission a serious case "
                "review (regulation 5(2)(b)(ii)).",
            ),
        ),
        Rule(
            number=5,
            summary=(
                "The child was seriously harmed, abuse or neglect is known or suspected, but "
                "there is definitive evidence of no concern about inter-agency working: a "
                "serious case review is not required."
            ),
            outcome="scr_not_required",
            keys=harm_keys,
            applies=lambda c: (
                abused_and_harmed(c)
                and c["interagency_concern"] == "definitive_evidence_of_no_concern"
            ),
            explain=lambda k: (
                f"The child was seriously harmed and abuse or neglect is {abuse_phrase(k)}, "
                "but there is definitive evidence that there are no concerns about how "
                "agencies worked together, so a serious case review is not required.",
                OTHER_REVIEW,
            ),
        ),
        Rule(
            number=6,
            summary=(
                "The child neither died nor was seriously harmed: the criteria for a serious "
                "case review are not met."
            ),
            outcome="scr_not_required",
            keys=("child_died", "seriously_harmed"),
            applies=lambda c: c["child_died"] is False and c["seriously_harmed"] is False,
            explain=lambda k: (
                "The child neither died nor was seriously harmed, so the criteria for a "
                "serious case review are not met.",
                OTHER_REVIEW,
            ),
        ),
        # Rule 7 of criteria.md ("otherwise, insufficient information") is the evaluator's
        # own: rules 1-6 decide every complete set of answers.
    )


WT2015 = RuleSet(
    id="WT2015",
    version="2015.1",
    title="Serious case review (Working Together 2015; LSCB Regulations 2006, regulation 5)",
    effective_from=date(2015, 3, 26),
    statutory_text=(
        "Working Together to Safeguard Children (2015) and regulation 5 of the Local "
        "Safeguarding Children Boards Regulations 2006 require the LSCB to undertake a "
        "serious case review of every case where abuse or neglect of a child is known or "
        "suspected and either the child has died, or the child has been seriously harmed and "
        "there is cause for concern as to the way in which the local authority, Board "
        "partners or other relevant persons have worked together to safeguard the child.",
        "A child who died by suspected suicide has died. Where the child was seriously "
        "harmed, the LSCB must commission a serious case review unless there is definitive "
        "evidence that there are no concerns about inter-agency working.",
        "Seriously harmed includes, but is not limited to, cases where the child has "
        "sustained, as a result of abuse or neglect, a potentially life-threatening injury, "
        "or serious and/or likely long-term impairment of physical or mental health or of "
        "physical, intellectual, emotional, social or behavioural development. The "
        "definition is not exhaustive, and a child who recovers may still have been "
        "seriously harmed.",
        "The threshold for 'suspected' is that of section 47 of the Children Act 1989, "
        "'reasonable cause to suspect'. The question to ask is: given what we now know, "
        "should this incident have led to a child protection investigation? If yes, and the "
        "child has been seriously harmed, a serious case review should take place.",
        f"The death of a child {_DEATH_IN_CUSTODY_PLACES} always leads to a serious case review.",
        "When the criteria are not met, the LSCB may still commission another kind of review "
        "(a partnership, learning or single-agency review) to learn from the case.",
    ),
    questions=_WT2015_QUESTIONS,
    implications=_WT2015_IMPLICATIONS,
    rules=_wt2015_rules(),
    outcomes=(
        Outcome("scr_required", "A serious case review is required"),
        Outcome("scr_not_required", "A serious case review is not required"),
        Outcome(INSUFFICIENT_INFORMATION, "More information is needed"),
    ),
    notifiable=_wt2015_notifiable,
    name="Working Together 2015",
    statutory_review=DecidedOutcome.SCR,
    clocks=(
        ClockKind.SERIOUS_INCIDENT_NOTIFICATION,
        ClockKind.SCR_COMPLETION_AIM,
        ClockKind.LOCAL_SIGN_OFF,
    ),
)
