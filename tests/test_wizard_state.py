"""The criteria wizard's state without a window: which page comes next, what the referral
settles, the draft it makes, and that it loads without Qt at all."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from crag_desktop.domain.records import Child, Referral
from crag_desktop.domain.vocabulary import IncidentType, ReferralStatus, Sex
from crag_desktop.services.database import Database
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.records import RecordService
from crag_desktop.ui.wizard.state import PageId, WizardState

TODAY = date(2024, 6, 28)


def _state(database: Database, incident_type: IncidentType) -> WizardState:
    state = WizardState(
        decisions=DecisionService(db=database),
        records=RecordService(db=database, today=lambda: TODAY),
        today=lambda: TODAY,
    )
    state.new_referral = Referral(
        id="r1",
        reference="CRAG-2024-001",
        received=TODAY,
        referring_agency="csc",
        case_name="Child Q",
        incident_date=TODAY,
        incident_type=incident_type,
        children=(Child(pseudonym="Child Q", sex=Sex.MALE, age_years=1),),
        summary="",
        status=ReferralStatus.AWAITING_DECISION,
    )
    state.rule_set_id = "WT2023"
    return state


def test_a_living_child_skips_the_death_questions_and_answering_a_death_asks_them(
    database: Database,
) -> None:
    state = _state(database, IncidentType.SERIOUS_HARM)
    state.prefill_from_referral()
    keys = state.rule_set().keys
    looked_after = keys.index("looked_after_child_died")
    care_leaver = keys.index("care_leaver_died")
    assert state.answers["seriously_harmed"] is True
    assert state.settled == {"looked_after_child_died", "care_leaver_died"}
    # From the question before them, the next one asked is the one after both.
    assert state.page_after(PageId.question(looked_after - 1)) == PageId.question(care_leaver + 1)

    state.answers["child_died"] = True
    state.answered.add("child_died")
    state.apply_settled()
    assert state.settled == set()
    assert "looked_after_child_died" not in state.answers
    assert state.page_after(PageId.question(looked_after - 1)) == PageId.question(looked_after)


def test_the_pages_follow_in_order_and_skipping_goes_to_the_outcome(database: Database) -> None:
    state = _state(database, IncidentType.OTHER)
    assert state.page_after(PageId.REFERRAL) == PageId.RULE_SET
    assert state.page_after(PageId.RULE_SET) == PageId.question(0)
    assert state.page_after(PageId.question(0)) == PageId.question(1)
    assert state.page_after(PageId.question(0), skipping=True) == PageId.RESULT
    last = len(state.rule_set().questions) - 1
    assert state.page_after(PageId.question(last)) == PageId.RESULT
    assert state.page_after(PageId.RESULT) == PageId.DECISION
    assert state.page_after(PageId.DECISION) == PageId.FINISH
    assert state.page_after(PageId.FINISH) == -1
    # Nothing decides the outcome yet, so there is nothing to skip to.
    assert not state.can_skip_from(PageId.question(0))
    # Neither abuse nor neglect suspected, the child died but was neither looked after nor
    # a care leaver: not notifiable, whatever the questions left would say.
    state.answers.update(
        abuse_or_neglect="not_suspected",
        child_died=True,
        seriously_harmed=False,
        looked_after_child_died=False,
        care_leaver_died=False,
    )
    assert state.definite()
    assert state.can_skip_from(PageId.question(0))
    assert not state.can_skip_from(PageId.DECISION)


def test_a_draft_gives_back_the_answers_and_drops_values_of_the_wrong_kind(
    database: Database,
) -> None:
    state = _state(database, IncidentType.SERIOUS_HARM)
    state.prefill_from_referral()
    state.answers["abuse_or_neglect"] = "suspected"
    state.answered.add("abuse_or_neglect")
    state.evidence["abuse_or_neglect"] = "Police report of 3 June."
    draft = state.draft()

    again = _state(database, IncidentType.SERIOUS_HARM)
    again.restore_draft({**draft, "answers": {**state.answers, "child_died": 7}})
    assert again.answers == {k: v for k, v in state.answers.items() if k != "child_died"}
    assert again.answered == {"abuse_or_neglect"}
    assert again.from_referral == {"seriously_harmed"}
    assert again.evidence == {"abuse_or_neglect": "Police report of 3 June."}
    assert again.settled == {"looked_after_child_died", "care_leaver_died"}


def test_the_wizard_state_and_its_wording_load_without_qt() -> None:
    # PySide6 made unimportable: any import of it on the way fails the test.
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"
        "sys.modules['shiboken6'] = None\n"
        "import crag_desktop.ui.wizard.state, crag_desktop.ui.wizard.summary\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
