"""The criteria wizard, driven from the keyboard as a chair would at a meeting."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.domain.errors import ValidationFailed
from crag_desktop.domain.records import Child, Meeting, Referral, Review
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    IncidentType,
    ReferralStatus,
    ReviewType,
    Sex,
)
from crag_desktop.services.database import Database
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.drafts import Draft, DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.storage import audit, repositories
from crag_desktop.ui.draft_offer import DraftOffer
from crag_desktop.ui.forms.referral_form import ReferralForm
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.widgets import UkDateEdit
from crag_desktop.ui.wizard.criteria_wizard import CriteriaWizard
from crag_desktop.ui.wizard.pages.question import QuestionPage
from crag_desktop.ui.wizard.state import NOT_YET_KNOWN, PageId
from tests.helpers.databases import save_partnership
from tests.helpers.qt import press, type_text

PASSPHRASE = "correct horse battery staple"
TODAY = date(2024, 6, 28)
#: Where screenshots of every page go when CRAG_SCREENSHOTS names a folder.
SHOTS = os.environ.get("CRAG_SCREENSHOTS")

ALT = Qt.KeyboardModifier.AltModifier


def _referral(key: str, reference: str, case: str, incident: date, **extra: object) -> Referral:
    return Referral(
        id=key,
        reference=reference,
        received=incident,
        referring_agency="csc",
        case_name=case,
        incident_date=incident,
        incident_type=IncidentType.SERIOUS_HARM,
        children=(Child(pseudonym=case, sex=Sex.MALE, age_years=1),),
        summary="Brought to hospital with a fractured skull.",
        status=ReferralStatus.AWAITING_DECISION,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def db(database: Database) -> Database:
    """The partnership's database with its referrals."""
    with database.unit_of_work() as session:
        save_partnership(session)
        repositories.save(session, _referral("R15", "CRAG-2016-03", "Child Q", date(2016, 5, 10)))
        repositories.save(
            session,
            _referral(
                "R18",
                "CRAG-2019-02",
                "Child M",
                date(2019, 11, 4),
                learned_on=date(2019, 11, 4),
                notified_on=date(2019, 11, 8),
            ),
        )
        repositories.save(session, _referral("R23", "CRAG-2024-01", "Child P", date(2024, 3, 1)))
    return database


_OPEN: list[CriteriaWizard] = []


@pytest.fixture(autouse=True)
def close_wizards(db: Database) -> Iterator[None]:
    """Close every wizard while its database is still open (autosave writes on close)."""
    yield
    while _OPEN:
        wizard = _OPEN.pop()
        if wizard.isVisible():
            wizard.close_keeping_draft()
        wizard.deleteLater()


def make_wizard(
    qtbot: QtBot,
    db: Database,
    prompter: ScriptedPrompter,
    referral_id: str | None = None,
) -> CriteriaWizard:
    wizard = CriteriaWizard(
        decisions=DecisionService(db=db),
        records=RecordService(db=db, today=lambda: TODAY),
        drafts=DraftService(db=db),
        prompter=prompter,
        referral_id=referral_id,
        today=lambda: TODAY,
        autosave_ms=50,
    )
    # Not qtbot.addWidget: pytest-qt would close it with Escape's question unanswered;
    # close_wizards closes it, keeping its draft, while the database is open.
    _OPEN.append(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.activateWindow()
    qtbot.waitUntil(wizard.isActiveWindow)
    return wizard


def focused(wizard: CriteriaWizard) -> QWidget:
    widget = QApplication.focusWidget()
    return widget if widget is not None else wizard


def key(
    qtbot: QtBot,
    wizard: CriteriaWizard,
    k: Qt.Key,
    mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    press(qtbot, focused(wizard), k, mod)


def shot(wizard: CriteriaWizard, name: str) -> None:
    if SHOTS:
        wizard.resize(1000, 760)
        wizard.grab().save(str(Path(SHOTS) / f"{name}.png"))


def next_page(qtbot: QtBot, wizard: CriteriaWizard, expected: int) -> None:
    key(qtbot, wizard, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: wizard.currentId() == expected)


def tab_to(qtbot: QtBot, wizard: CriteriaWizard, target: QWidget, limit: int = 60) -> None:
    """Press Tab until `target` (or its focus proxy) has the focus."""
    want = target.line_edit if isinstance(target, UkDateEdit) else target
    for _ in range(limit):
        if QApplication.focusWidget() is want:
            return
        key(qtbot, wizard, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {want.accessibleName() or want!r}")


def checked_answer(page: QuestionPage) -> str:
    """The label of the answer chosen on a question page."""
    checked = page.group.checkedButton()
    assert checked is not None
    return checked.accessibleName()


def answer_questions(
    qtbot: QtBot,
    wizard: CriteriaWizard,
    digits: list[int],
    prefix: str,
    *,
    start: int = 0,
    then: int = PageId.RESULT,
) -> None:
    """Answer each question from `start` on with a number key, then Alt+N; the last Next
    goes to `then`."""
    for i, digit in enumerate(digits, start=start):
        page_id = PageId.question(i)
        assert wizard.currentId() == page_id
        page = wizard.question_pages[i]
        # "Not yet known" is always an answer: Next never waits for the meeting.
        assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
        if wizard.state.answers.get(page.key) is None:
            assert checked_answer(page) == NOT_YET_KNOWN
        assert page.guidance_label.text()
        assert page.statutory.toPlainText().strip()
        key(qtbot, wizard, getattr(Qt.Key, f"Key_{digit}"))
        assert page.radios[digit - 1].isChecked()
        shot(wizard, f"{prefix}-question-{i + 1}")
        next_after = PageId.question(i + 1) if i + 1 < start + len(digits) else then
        next_page(qtbot, wizard, next_after)


def choose_referral(qtbot: QtBot, wizard: CriteriaWizard, search: str) -> None:
    page = wizard.referral_page
    tab_to(qtbot, wizard, page.search)
    type_text(qtbot, page.search, search)
    key(qtbot, wizard, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.choices.count() == 1)
    assert search in page.choices.item(0).text()
    assert page.chosen_id() is None, "nothing is chosen for the chair"
    key(qtbot, wizard, Qt.Key.Key_Down)  # still in the search box: Down chooses
    assert page.choices.item(0).isSelected()


def tick_present(qtbot: QtBot, wizard: CriteriaWizard, rows: list[int]) -> None:
    page = wizard.decision_page
    tab_to(qtbot, wizard, page.attendees)
    for row in range(page.attendees.count()):
        if row in rows and page.attendees.item(row).checkState() != Qt.CheckState.Checked:
            key(qtbot, wizard, Qt.Key.Key_Space)
        key(qtbot, wizard, Qt.Key.Key_Down)


def stored(db: Database, key_: str) -> Referral:
    with db.unit_of_work() as session:
        return repositories.get(session, Referral, key_)


def _wt2015_decide(qtbot: QtBot, wizard: CriteriaWizard) -> None:
    """The decision page: the rules' outcome chosen, a rationale, the meeting and who was
    present, each label beside its field."""
    decision = wizard.decision_page
    assert decision.decided_outcome() == DecidedOutcome.SCR
    assert not decision.differs_hint.isVisible()
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert "write the rationale" in decision.missing_hint.text()
    tab_to(qtbot, wizard, decision.rationale)
    type_text(qtbot, decision.rationale, "Criteria met; agencies missed earlier bruising.")
    decision.meetings.setFocus()
    key(qtbot, wizard, Qt.Key.Key_Down)  # the only meeting, 1 June 2016
    qtbot.waitUntil(lambda: decision.meeting_id() == "mt1")
    assert decision.present() == ("m1",), "those recorded at the meeting are ticked"
    tick_present(qtbot, wizard, [2])  # Sam Detective, third by name
    assert set(decision.present()) == {"m1", "m2"}
    # Labels sit beside their fields, not floating above them.
    for label, field in (
        (decision._rows["meeting"], decision.meetings),
        (decision._rows["decided_on"], decision.decided_on.line_edit),
        (decision._rows["rationale"], decision.rationale),
    ):
        top = label.mapTo(wizard, label.rect().topLeft()).y()
        field_top = field.mapTo(wizard, field.rect().topLeft()).y()
        assert abs(top - field_top) < field.height(), label.text()
        assert (
            label.mapTo(wizard, label.rect().topRight()).x()
            < field.mapTo(wizard, field.rect().topLeft()).x()
        )
    shot(wizard, "wt2015-decision")
    next_page(qtbot, wizard, PageId.FINISH)


def _wt2015_finish(qtbot: QtBot, wizard: CriteriaWizard) -> None:
    """The finish page: commission the review, name its lead reviewer, finish."""
    finish = wizard.finish_page
    assert "Serious case review" in finish.summary_label.text()
    assert not finish.review_title.isEnabled(), "greyed until Commission is ticked"
    assert not finish.lead_reviewer.isEnabled()
    shot(wizard, "wt2015-finish-unticked")
    tab_to(qtbot, wizard, finish.commission)
    key(qtbot, wizard, Qt.Key.Key_Space)
    assert finish.review_title.isEnabled()
    assert finish.review_title.text() == "Child Q: serious case review"
    assert not wizard.button(wizard.WizardButton.FinishButton).isEnabled(), "lead reviewer"
    tab_to(qtbot, wizard, finish.lead_reviewer)
    type_text(qtbot, finish.lead_reviewer, "Independent Reviewer Ltd")
    shot(wizard, "wt2015-finish")
    with qtbot.waitSignal(wizard.decision_recorded) as recorded:
        key(qtbot, wizard, Qt.Key.Key_F, ALT)
    assert ("referral", "R15") in recorded.args[0].updated


def _wt2015_print(
    qtbot: QtBot, wizard: CriteriaWizard, db: Database, prompter: ScriptedPrompter
) -> Path:
    """What was stored said plainly, the record printed twice, then Close; the first PDF."""
    finish = wizard.finish_page
    # The wizard stays open to say plainly what was stored, and offers the printout.
    assert wizard.isVisible()
    said = finish.recorded_label.text()
    assert "Decision recorded for CRAG-2016-03: serious case review." in said
    assert "now Decided" in said
    assert "Review commissioned: Child Q: serious case review" in said
    assert "Completion aim: 1 December 2016" in said
    assert finish.print_button.isVisible()
    assert not wizard.button(wizard.WizardButton.BackButton).isVisible(), "nothing to undo"
    shot(wizard, "wt2015-recorded")
    pdf = Path(str(db.path)).with_name("decision.pdf")
    prompter.answer_path(pdf)
    key(qtbot, wizard, Qt.Key.Key_P, ALT)
    qtbot.waitUntil(pdf.exists)
    assert prompter.shown[-1].title == "Decision record printed"
    assert prompter.suggested[-1] == "Decision record CRAG-2016-03.pdf"
    # The page now says what happened, not how to do it, and offers another copy.
    said = finish.recorded_label.text()
    assert "Decision record printed to <b>decision.pdf</b>" in said
    assert "with <b>Print decision record</b>" not in said
    assert "Decision recorded for CRAG-2016-03" in said
    assert finish.print_button.text() == "&Print again…"
    again = pdf.with_name("decision copy.pdf")
    prompter.answer_path(again)
    key(qtbot, wizard, Qt.Key.Key_P, ALT)
    qtbot.waitUntil(again.exists)
    assert "printed to <b>decision copy.pdf</b>" in finish.recorded_label.text()
    key(qtbot, wizard, Qt.Key.Key_C, ALT)  # Close
    qtbot.waitUntil(lambda: not wizard.isVisible())
    return pdf


def test_wt2015_walk_through_with_the_keyboard_stores_the_decision(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter)
    assert wizard.currentId() == PageId.REFERRAL
    shot(wizard, "wt2015-0-referral")
    choose_referral(qtbot, wizard, "Child Q")
    next_page(qtbot, wizard, PageId.RULE_SET)

    page = wizard.rule_set_page
    assert page.buttons["WT2015"].isChecked()
    assert "before Working Together 2018" in page.reason_label.text()
    assert not page.buttons["WT2023"].isEnabled()
    shot(wizard, "wt2015-1-rule-set")
    next_page(qtbot, wizard, PageId.question(0))

    # Abuse suspected, no death, harmed with a life-threatening injury, no definitive
    # evidence about inter-agency working; long-term impairment not yet known.
    first = wizard.question_pages[0]
    key(qtbot, wizard, Qt.Key.Key_2)
    tab_to(qtbot, wizard, first.evidence)
    type_text(qtbot, first.evidence, "Skeletal survey: injuries of different ages.")
    shot(wizard, "wt2015-question-1")
    next_page(qtbot, wizard, PageId.question(1))
    answer_questions(qtbot, wizard, [2, 2, 2, 1, 1, 3, 2], "wt2015", start=1)

    result = wizard.result_page
    assert result.outcome_label.text() == "A serious case review is required"
    assert "must commission a serious case review" in result.reasons_label.text()
    shot(wizard, "wt2015-result")
    next_page(qtbot, wizard, PageId.DECISION)

    _wt2015_decide(qtbot, wizard)
    _wt2015_finish(qtbot, wizard)
    pdf = _wt2015_print(qtbot, wizard, db, prompter)

    saved = stored(db, "R15")
    assert saved.status == ReferralStatus.DECIDED
    assert saved.decision is not None
    assert (saved.decision.rule_set, saved.decision.rule_set_version) == ("WT2015", "2015.1")
    assert saved.decision.answers["abuse_or_neglect"] == "suspected"
    assert saved.decision.answers["harm_long_term_impairment"] is None
    assert saved.decision.rules_outcome == "scr_required"
    assert saved.decision.evidence == {
        "abuse_or_neglect": "Skeletal survey: injuries of different ages."
    }
    assert saved.decision.meeting == "mt1"
    assert saved.decision.decided_on == date(2016, 6, 1)
    with db.unit_of_work() as session:
        (review,) = [r for r in repositories.list_all(session, Review) if r.referral == "R15"]
        assert repositories.get(session, Meeting, "mt1").referrals_considered == ("R15",)
        printed = [e.action for e in audit.list_events(session, record_id="R15")]
    assert review.type == ReviewType.SCR
    assert review.lead_reviewer == "Independent Reviewer Ltd"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "print" in printed
    assert DraftService(db=db).load("wizard:R15") is None, "the draft goes after saving"


def test_wt2018_decision_that_differs_from_the_rules_needs_a_reason(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter, referral_id="R18")
    assert wizard.currentId() == PageId.RULE_SET
    assert wizard.rule_set_page.buttons["WT2018"].isChecked()
    # 4 November 2019 is after the move to WT2018 ended: WT2015 is no longer allowed.
    assert not wizard.rule_set_page.buttons["WT2015"].isEnabled()
    next_page(qtbot, wizard, PageId.question(0))
    # Known abuse, child seriously harmed (did not die), and every LCSPR consideration
    # answered no: notifiable, LCSPR not indicated. A looked-after child's death is settled
    # by the referral (the child is living): that question is not asked.
    answer_questions(qtbot, wizard, [1, 2, 1], "wt2018", then=PageId.question(4))
    so_far = wizard.question_pages[2].so_far_label.text()
    assert (
        "Settled by the referral and not asked, not applicable (child living): whether a "
        "looked-after child died." in so_far
    )
    assert "((" not in so_far
    assert "))" not in so_far
    answer_questions(qtbot, wizard, [2, 2, 2, 2], "wt2018", start=4)
    assert wizard.result_page.outcome_label.text() == "Notifiable; an LCSPR is not indicated"
    assert (
        "Whether a looked-after child died: not applicable (child living), settled by the "
        "referral." in wizard.result_page.not_asked_label.text()
    )
    assert wizard.state.answers["looked_after_child_died"] is False
    next_page(qtbot, wizard, PageId.DECISION)

    decision = wizard.decision_page
    assert decision.decided_outcome() == DecidedOutcome.ALTERNATIVE_REVIEW
    assert decision.notified_on.value() == date(2019, 11, 8)
    # The chair decides an LCSPR after all: Next waits for the reason, with a visible hint.
    tab_to(qtbot, wizard, decision.outcome)
    key(qtbot, wizard, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: decision.decided_outcome() == DecidedOutcome.LCSPR)
    assert decision.differs_hint.isVisible()
    assert "differs from the outcome under the rules" in decision.differs_hint.text()
    tab_to(qtbot, wizard, decision.rationale)
    type_text(qtbot, decision.rationale, "Learning for the whole partnership.")
    decision.new_meeting.setFocus()
    key(qtbot, wizard, Qt.Key.Key_Space)
    decision.meeting_date.line_edit.clear()
    type_text(qtbot, decision.meeting_date.line_edit, "20/11/2019")
    tick_present(qtbot, wizard, [0, 1])
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert "give the reason the decision differs" in decision.missing_hint.text()
    shot(wizard, "wt2018-decision-differs")
    tab_to(qtbot, wizard, decision.reason)
    type_text(qtbot, decision.reason, "Recurrent neglect themes locally.")
    assert not decision.differs_hint.isVisible(), "the banner goes once a reason is typed"
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    next_page(qtbot, wizard, PageId.FINISH)
    assert "differs from the rules" in wizard.finish_page.summary_label.text()
    key(qtbot, wizard, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: wizard.finish_page.recorded)
    said = wizard.finish_page.recorded_label.text()
    assert "Decision recorded for CRAG-2019-02: local child safeguarding practice review" in said
    assert "Rapid review clock started" in said
    assert "due by 29 November 2019" in said
    key(qtbot, wizard, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: not wizard.isVisible())

    saved = stored(db, "R18").decision
    assert saved is not None
    assert saved.rules_outcome == "notifiable_lcspr_not_indicated"
    assert saved.decided_outcome == DecidedOutcome.LCSPR
    assert saved.reason_if_different == "Recurrent neglect themes locally."
    assert saved.decided_on == date(2019, 11, 20)
    assert saved.meeting is not None
    assert saved.meeting != "mt1", "a new meeting was made"
    with db.unit_of_work() as session:
        new_meeting = repositories.get(session, Meeting, saved.meeting)
    assert new_meeting.date == date(2019, 11, 20)
    assert new_meeting.attendees == ("m1", "m3")
    assert new_meeting.referrals_considered == ("R18",)


def _wt2023_new_referral_to_result(qtbot: QtBot, wizard: CriteriaWizard) -> None:
    """A new referral typed in, its rule set, and the answers up to the rules' outcome."""
    page = wizard.referral_page
    key(qtbot, wizard, Qt.Key.Key_W, ALT)  # "A ne&w referral"
    qtbot.waitUntil(page.new_radio.isChecked)
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    tab_to(qtbot, wizard, page.received)
    page.received.line_edit.clear()
    type_text(qtbot, page.received.line_edit, "02/04/2024")
    assert page.reference.text() == "CRAG-2024-02"
    tab_to(qtbot, wizard, page.agency)
    key(qtbot, wizard, Qt.Key.Key_Down)
    tab_to(qtbot, wizard, page.case_name)
    type_text(qtbot, page.case_name, "Young Person R")
    assert page.child_pseudonym.text() == "Young Person R"
    tab_to(qtbot, wizard, page.incident_date)
    type_text(qtbot, page.incident_date.line_edit, "28/03/2024")
    tab_to(qtbot, wizard, page.summary)
    type_text(qtbot, page.summary, "Care leaver aged 19 died.")
    shot(wizard, "wt2023-0-new-referral")
    next_page(qtbot, wizard, PageId.RULE_SET)
    assert wizard.rule_set_page.buttons["WT2023"].isChecked()
    shot(wizard, "wt2023-1-rule-set")
    next_page(qtbot, wizard, PageId.question(0))
    # Not suspected, child (under 18) did not die, not harmed, not looked after; a care
    # leaver died: notifiable whatever else. Then every consideration no.
    answer_questions(qtbot, wizard, [3, 2, 2, 2, 1, 2, 2, 2, 2], "wt2023")
    assert wizard.result_page.outcome_label.text() == "Notifiable; an LCSPR is not indicated"
    shot(wizard, "wt2023-result")
    next_page(qtbot, wizard, PageId.DECISION)


def _wt2023_decide_and_finish(qtbot: QtBot, wizard: CriteriaWizard) -> None:
    """An alternative review decided at a new meeting, commissioned, then Close."""
    decision = wizard.decision_page
    assert decision.notified_on.isVisible()
    assert "give the date the Panel was notified" in decision.missing_hint.text()
    tab_to(qtbot, wizard, decision.alternative)
    key(qtbot, wizard, Qt.Key.Key_Down)
    assert decision.alternative_type() == AlternativeReviewType.PARTNERSHIP
    tab_to(qtbot, wizard, decision.rationale)
    type_text(qtbot, decision.rationale, "A partnership review will look at transitions.")
    tab_to(qtbot, wizard, decision.notified_on)
    type_text(qtbot, decision.notified_on.line_edit, "04/04/2024")
    decision.new_meeting.setFocus()
    key(qtbot, wizard, Qt.Key.Key_Space)
    decision.meeting_date.line_edit.clear()
    type_text(qtbot, decision.meeting_date.line_edit, "18/04/2024")
    tick_present(qtbot, wizard, [0])
    shot(wizard, "wt2023-decision")
    next_page(qtbot, wizard, PageId.FINISH)
    finish = wizard.finish_page
    assert finish.commission.text() == "&Commission the partnership review now"
    key(qtbot, wizard, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(finish.commission.isChecked)
    type_text(qtbot, finish.lead_reviewer, "Partnership lead")
    shot(wizard, "wt2023-finish")
    key(qtbot, wizard, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: wizard.finish_page.recorded)
    key(qtbot, wizard, Qt.Key.Key_Return)  # Close is the default button
    qtbot.waitUntil(lambda: not wizard.isVisible())


def test_wt2023_new_referral_with_an_alternative_review(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter)
    page = wizard.referral_page
    _wt2023_new_referral_to_result(qtbot, wizard)
    _wt2023_decide_and_finish(qtbot, wizard)

    new_id = page.new_referral_id
    saved = stored(db, new_id)
    assert (saved.reference, saved.case_name, saved.notified_on) == (
        "CRAG-2024-02",
        "Young Person R",
        date(2024, 4, 4),
    )
    assert saved.decision is not None
    assert saved.decision.rule_set == "WT2023"
    assert saved.decision.answers["care_leaver_died"] is True
    assert saved.decision.alternative_review_type == AlternativeReviewType.PARTNERSHIP
    with db.unit_of_work() as session:
        (review,) = [r for r in repositories.list_all(session, Review) if r.referral == new_id]
    assert review.type == ReviewType.PARTNERSHIP


def test_a_refused_decision_keeps_the_wizard_open_with_the_messages(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    wizard.rule_set_page.buttons["WT2015"].setChecked(True)
    next_page(qtbot, wizard, PageId.question(0))
    answer_questions(qtbot, wizard, [3, 1, 2, 2, 2, 2, 2, 3], "refused")
    next_page(qtbot, wizard, PageId.DECISION)
    decision = wizard.decision_page
    type_text(qtbot, decision.rationale, "Not met.")
    assert decision.decided_outcome() == DecidedOutcome.ALTERNATIVE_REVIEW
    assert "choose the kind of review" in decision.missing_hint.text()
    decision.alternative.setFocus()
    key(qtbot, wizard, Qt.Key.Key_Down)
    decision.meetings.setFocus()
    key(qtbot, wizard, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: decision.meeting_id() == "mt1")
    next_page(qtbot, wizard, PageId.FINISH)

    def refuse(**_: object) -> object:
        from crag_desktop.domain.errors import FieldError

        raise ValidationFailed([FieldError("decision.decided_on", "is wrong")], "The decision")

    monkeypatch.setattr(wizard._decisions, "record_decision", refuse)
    key(qtbot, wizard, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: bool(prompter.shown))
    assert wizard.isVisible()
    assert wizard.currentId() == PageId.FINISH
    assert "decision.decided_on: is wrong" in wizard.finish_page.error_label.message
    assert prompter.shown[-1].title == "The decision was not saved"
    assert decision.rationale.toPlainText() == "Not met.", "nothing typed is lost"
    assert stored(db, "R15").decision is None


def test_progress_is_autosaved_and_offered_back(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    next_page(qtbot, wizard, PageId.question(0))
    key(qtbot, wizard, Qt.Key.Key_1)
    type_text(qtbot, wizard.question_pages[0].evidence, "Police report")
    next_page(qtbot, wizard, PageId.question(1))
    key(qtbot, wizard, Qt.Key.Key_1)
    drafts = DraftService(db=db)

    def saved_second_answer() -> bool:
        draft = drafts.load("wizard:R15")
        return draft is not None and draft.payload.get("answered") == [
            "abuse_or_neglect",
            "child_died",
        ]

    qtbot.waitUntil(saved_second_answer)
    prompter.answer_confirm(True)  # yes, close: the answers are kept as a draft
    wizard.close()
    assert "Close the criteria decision?" in prompter.questions[-1]

    prompter.answer_confirm(False)  # the safe answer (No) carries on
    again = make_wizard(qtbot, db, prompter, referral_id="R15")
    assert "unsaved work on this decision" in prompter.questions[-1]
    assert "No carries on where you left off" in prompter.questions[-1]
    assert again.currentId() == PageId.question(1)
    assert again.question_pages[1].radios[0].isChecked()
    assert again.state.answers == {
        "abuse_or_neglect": "known",
        "child_died": True,
        "seriously_harmed": True,  # from the referral's incident type
    }
    assert again.state.evidence == {"abuse_or_neglect": "Police report"}
    key(qtbot, again, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: again.currentId() == PageId.question(0))
    assert again.question_pages[0].evidence.toPlainText() == "Police report"


def test_contradictory_answers_are_not_offered(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    next_page(qtbot, wizard, PageId.question(0))
    key(qtbot, wizard, Qt.Key.Key_1)
    next_page(qtbot, wizard, PageId.question(1))
    key(qtbot, wizard, Qt.Key.Key_2)  # the child did not die
    next_page(qtbot, wizard, PageId.question(2))
    suicide = wizard.question_pages[2]
    assert not suicide.radios[0].isEnabled(), "a suspected suicide is a death"
    assert "not possible" in suicide.conflict_label.text()
    # Said in words, naming the earlier question, never the evaluator's keys.
    assert "“Whether the child died” rules it out" in suicide.conflict_label.text()
    assert "child_died" not in suicide.conflict_label.text()
    assert "contradictory answers" not in suicide.conflict_label.text()
    key(qtbot, wizard, Qt.Key.Key_1)
    assert not suicide.radios[0].isChecked()
    assert "Outcome so far" in suicide.so_far_label.text()


def save_referral(db: Database, referral: Referral) -> None:
    with db.unit_of_work() as session:
        repositories.save(session, referral)


def test_the_referral_list_starts_with_nothing_chosen_and_the_keys_choose(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter)
    page = wizard.referral_page
    assert page.chosen_id() is None
    assert not wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert QApplication.focusWidget() is page.search, "typing searches at once"
    key(qtbot, wizard, Qt.Key.Key_Down)
    assert page.chosen_id() == "R23", "the first Down chooses the first referral"
    key(qtbot, wizard, Qt.Key.Key_Down)
    assert page.chosen_id() == "R18"
    key(qtbot, wizard, Qt.Key.Key_Up)
    assert page.chosen_id() == "R23"
    key(qtbot, wizard, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.choices, "one Tab reaches the list"
    key(qtbot, wizard, Qt.Key.Key_Down)
    assert page.chosen_id() == "R18"
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()


def test_opening_for_a_referral_selects_it_and_goes_on_to_the_rule_set(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter, referral_id="R18")
    assert wizard.currentId() == PageId.RULE_SET
    key(qtbot, wizard, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.REFERRAL)
    assert wizard.referral_page.chosen_id() == "R18", "the referral given, not the first"


def test_rule_sets_not_in_force_are_disabled_and_say_so(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    save_referral(db, _referral("R17", "CRAG-2017-01", "Child S", date(2017, 3, 2)))
    wizard = make_wizard(qtbot, db, prompter, referral_id="R17")
    buttons = wizard.rule_set_page.buttons
    assert buttons["WT2015"].isEnabled()
    assert buttons["WT2015"].isChecked()
    assert "not in force" not in buttons["WT2015"].text()
    for rs_id in ("WT2018", "WT2023"):
        assert not buttons[rs_id].isEnabled()
        assert f"{rs_id} (not in force for this date)" in buttons[rs_id].text()
    key(qtbot, wizard, Qt.Key.Key_2, ALT)  # the mnemonic of a disabled choice does nothing
    assert buttons["WT2015"].isChecked()
    shot(wizard, "rule-set-2017")


def test_not_yet_known_is_the_default_and_a_settled_outcome_skips_the_rest(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    death = dataclasses.replace(
        _referral("RD", "CRAG-2017-02", "Child T", date(2017, 5, 1)),
        incident_type=IncidentType.DEATH,
    )
    save_referral(db, death)
    wizard = make_wizard(qtbot, db, prompter, referral_id="RD")
    skip = wizard.button(wizard.WizardButton.CustomButton1)
    assert not skip.isVisible()
    next_page(qtbot, wizard, PageId.question(0))
    first = wizard.question_pages[0]
    assert checked_answer(first) == NOT_YET_KNOWN
    assert wizard.button(wizard.WizardButton.NextButton).isEnabled()
    assert skip.isVisible()
    assert not skip.isEnabled(), "the outcome is not settled yet"
    # Next without answering: the question stays "not yet known".
    next_page(qtbot, wizard, PageId.question(1))
    died = wizard.question_pages[1]
    assert died.radios[0].isChecked(), "a death referral has the child died"
    assert "from the referral's incident type" in died.prefill_label.text()
    assert died.prefill_label.isVisible()
    shot(wizard, "death-question-2")
    key(qtbot, wizard, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.question(0))
    key(qtbot, wizard, Qt.Key.Key_2)  # suspected: with the death, a serious case review
    assert "A serious case review is required" in first.so_far_label.text()
    assert "Skip to the outcome" in first.so_far_label.text()
    assert skip.isEnabled()
    shot(wizard, "death-question-1-settled")
    key(qtbot, wizard, Qt.Key.Key_O, ALT)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.RESULT)
    result = wizard.result_page
    assert result.outcome_label.text() == "A serious case review is required"
    skipped = result.not_asked_label.text()
    assert skipped.count("not asked: the outcome did not depend on it") == 6
    assert "answer kept (from the referral&#x27;s incident type): Yes" in skipped
    assert not skip.isVisible()
    shot(wizard, "death-result-skipped")
    # Back returns to the question skipped from, not to the ones never shown.
    key(qtbot, wizard, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.question(0))


def test_incident_types_preselect_answers_the_chair_can_change(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    suicide = dataclasses.replace(
        _referral("RS", "CRAG-2016-09", "Child U", date(2016, 9, 1)),
        incident_type=IncidentType.SUSPECTED_SUICIDE,
    )
    save_referral(db, suicide)
    wizard = make_wizard(qtbot, db, prompter, referral_id="RS")
    next_page(qtbot, wizard, PageId.question(0))
    assert wizard.state.answers == {"child_died": True, "suspected_suicide": True}
    next_page(qtbot, wizard, PageId.question(1))
    next_page(qtbot, wizard, PageId.question(2))
    suicide_page = wizard.question_pages[2]
    assert suicide_page.radios[0].isChecked()
    assert suicide_page.prefill_label.isVisible()
    key(qtbot, wizard, Qt.Key.Key_3)  # the meeting is not sure after all
    assert wizard.state.answers["suspected_suicide"] is None
    assert not suicide_page.prefill_label.isVisible(), "no longer from the referral"
    assert wizard.state.answers["child_died"] is True

    harm = make_wizard(qtbot, db, prompter, referral_id="R15")  # serious harm
    next_page(qtbot, harm, PageId.question(0))
    assert harm.state.answers == {"seriously_harmed": True}


def reach_decision_page(qtbot: QtBot, wizard: CriteriaWizard) -> None:
    """Known abuse, the child died: the outcome is settled, so skip to it and go on."""
    next_page(qtbot, wizard, PageId.question(0))
    key(qtbot, wizard, Qt.Key.Key_1)
    next_page(qtbot, wizard, PageId.question(1))
    key(qtbot, wizard, Qt.Key.Key_1)
    key(qtbot, wizard, Qt.Key.Key_O, ALT)
    qtbot.waitUntil(lambda: wizard.currentId() == PageId.RESULT)
    next_page(qtbot, wizard, PageId.DECISION)


def decision_at_mt1(qtbot: QtBot, db: Database, prompter: ScriptedPrompter) -> CriteriaWizard:
    """R15's wizard on its decision page, the rationale typed and meeting mt1 chosen by key."""
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    reach_decision_page(qtbot, wizard)
    decision = wizard.decision_page
    type_text(qtbot, decision.rationale, "Criteria met.")
    decision.meetings.setFocus()
    key(qtbot, wizard, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: decision.meeting_id() == "mt1")
    return wizard


def test_work_that_reached_the_decision_page_is_resumed_there(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = decision_at_mt1(qtbot, db, prompter)
    drafts = DraftService(db=db)

    def saved_on_decision_page() -> bool:
        draft = drafts.load("wizard:R15")
        if draft is None or draft.payload.get("page") != PageId.DECISION:
            return False
        page = draft.payload.get("decision_page")
        return isinstance(page, dict) and page.get("rationale") == "Criteria met."

    qtbot.waitUntil(saved_on_decision_page)
    wizard.close_keeping_draft()

    prompter.answer_confirm(False)  # no, do not delete it: carry on
    again = make_wizard(qtbot, db, prompter, referral_id="R15")
    assert again.currentId() == PageId.DECISION
    resumed = again.decision_page
    assert resumed.rationale.toPlainText() == "Criteria met."
    assert resumed.meeting_id() == "mt1"
    assert resumed.decided_outcome() == DecidedOutcome.SCR
    assert again.button(again.WizardButton.NextButton).isEnabled()
    next_page(qtbot, again, PageId.FINISH)
    key(qtbot, again, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: again.finish_page.recorded)
    assert not [s for s in prompter.shown if s.kind == "error"]
    saved = stored(db, "R15").decision
    assert saved is not None
    assert saved.rationale == "Criteria met."


def test_invited_non_members_are_added_by_keyboard_kept_in_drafts_and_printed(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    from crag_desktop.services.decision_records import decision_record_view

    wizard = decision_at_mt1(qtbot, db, prompter)
    decision = wizard.decision_page
    assert not decision.invited.isVisible(), "no empty list while nobody is invited"

    # Alt+V reaches the name; Enter adds and leaves the page where it is.
    key(qtbot, wizard, Qt.Key.Key_V, ALT)
    assert focused(wizard) is decision.invited_name
    type_text(qtbot, decision.invited_name, "Sam  Okafor ")
    key(qtbot, wizard, Qt.Key.Key_Tab)
    assert focused(wizard) is decision.invited_role
    type_text(qtbot, decision.invited_role, "Allocated social worker, CSC")
    key(qtbot, wizard, Qt.Key.Key_Return)
    assert wizard.currentId() == PageId.DECISION
    assert focused(wizard) is decision.invited_name, "ready for the next person"
    type_text(qtbot, decision.invited_name, "Dr Ruth Hale")
    key(qtbot, wizard, Qt.Key.Key_Return)
    type_text(qtbot, decision.invited_name, "Wrong Person")
    key(qtbot, wizard, Qt.Key.Key_Return)
    assert decision.invited.isVisible()
    assert [decision.invited.item(i).text() for i in range(decision.invited.count())] == [
        "Sam Okafor (Allocated social worker, CSC)",
        "Dr Ruth Hale",
        "Wrong Person",
    ]
    # Enter with nothing typed adds nobody and does not leave the page.
    key(qtbot, wizard, Qt.Key.Key_Return)
    assert wizard.currentId() == PageId.DECISION
    assert decision.invited.count() == 3
    # Delete in the list removes the one chosen (the last added).
    tab_to(qtbot, wizard, decision.invited)
    key(qtbot, wizard, Qt.Key.Key_Delete)
    assert [p.name for p in decision.invited_people()] == ["Sam Okafor", "Dr Ruth Hale"]

    drafts = DraftService(db=db)

    def saved_with_invited() -> bool:
        draft = drafts.load("wizard:R15")
        page = draft.payload.get("decision_page") if draft is not None else None
        return isinstance(page, dict) and len(page.get("invited") or []) == 2

    qtbot.waitUntil(saved_with_invited)
    wizard.close_keeping_draft()
    prompter.answer_confirm(False)  # carry on with the draft
    again = make_wizard(qtbot, db, prompter, referral_id="R15")
    assert again.currentId() == PageId.DECISION
    assert again.decision_page.invited_people() == decision.invited_people()
    next_page(qtbot, again, PageId.FINISH)
    key(qtbot, again, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: again.finish_page.recorded)
    assert "1 member present and 2 invited" in again.finish_page.recorded_label.text()

    saved = stored(db, "R15").decision
    assert saved is not None
    assert [(p.name, p.role) for p in saved.invited] == [
        ("Sam Okafor", "Allocated social worker, CSC"),
        ("Dr Ruth Hale", ""),
    ]
    assert saved.attendees == ("m1",), "the invited are not members"
    view = decision_record_view(db, "R15")
    assert [(a.name, a.agency) for a in view.invited] == [
        ("Sam Okafor", "Allocated social worker, CSC"),
        ("Dr Ruth Hale", ""),
    ]
    assert [a.name for a in view.attendees] == ["Alex Chair"]


def test_escape_with_answers_given_asks_before_closing_and_keeps_the_draft(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    next_page(qtbot, wizard, PageId.question(0))
    key(qtbot, wizard, Qt.Key.Key_1)
    prompter.answer_confirm(False)  # No (the default): stay
    key(qtbot, wizard, Qt.Key.Key_Escape)
    assert "Close the criteria decision?" in prompter.questions[-1]
    assert wizard.isVisible(), "the meeting's answers are still on screen"
    assert wizard.state.answers["abuse_or_neglect"] == "known"
    prompter.answer_confirm(False)
    wizard.button(wizard.WizardButton.CancelButton).click()
    assert wizard.isVisible()
    prompter.answer_confirm(True)
    wizard.button(wizard.WizardButton.CancelButton).click()
    qtbot.waitUntil(lambda: not wizard.isVisible())
    draft = DraftService(db=db).load("wizard:R15")
    assert draft is not None
    assert draft.payload.get("answers") == {
        "abuse_or_neglect": "known",
        "seriously_harmed": True,
    }


def test_escape_before_any_answer_closes_at_once(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    key(qtbot, wizard, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not wizard.isVisible())
    assert prompter.questions == []


def test_an_offered_draft_is_kept_by_the_default_answer(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    drafts = DraftService(db=db)
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    next_page(qtbot, wizard, PageId.question(0))
    key(qtbot, wizard, Qt.Key.Key_1)
    wizard.close_keeping_draft()
    assert drafts.load("wizard:R15") is not None
    # The real prompter's default button is No (Escape too): that must carry on.
    prompter.answer_confirm(False)
    again = make_wizard(qtbot, db, prompter, referral_id="R15")
    assert again.state.answers.get("abuse_or_neglect") == "known"
    assert drafts.load("wizard:R15") is not None
    again.close_keeping_draft()
    # Deleting is the deliberate Yes.
    prompter.answer_confirm(True)
    third = make_wizard(qtbot, db, prompter, referral_id="R15")
    assert third.state.answers.get("abuse_or_neglect") is None
    # The old draft is gone; any draft now is the new wizard's own autosave (its 50 ms timer
    # may already have run while the window was shown), holding no answer.
    left = drafts.load("wizard:R15")
    assert left is None or left.payload.get("answers") == {}


def test_the_meeting_a_referral_is_down_for_is_chosen_with_its_attendees(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    with db.unit_of_work() as session:
        # Held before the day the app works at: past, so not the one.
        repositories.save(
            session,
            Meeting(
                id="mt0", date=date(2024, 6, 4), attendees=("m1",), referrals_considered=("R15",)
            ),
        )
        repositories.save(
            session,
            Meeting(
                id="mt2",
                date=date(2024, 7, 9),
                attendees=("m1", "m3"),
                referrals_considered=("R23", "R15"),
            ),
        )
        repositories.save(
            session,
            Meeting(
                id="mt3", date=date(2024, 8, 6), attendees=("m2",), referrals_considered=("R15",)
            ),
        )
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    reach_decision_page(qtbot, wizard)
    page = wizard.decision_page
    assert page.existing_meeting.isChecked()
    assert page.meeting_id() == "mt2", "the next meeting with the referral on its list"
    assert page.present() == ("m1", "m3")
    assert page.decided_on.value() == date(2024, 7, 9)
    # A new meeting would be held on the day the wizard works at.
    assert page.meeting_date.value() == TODAY


def test_a_meeting_held_that_day_is_chosen_when_none_lists_the_referral(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter
) -> None:
    with db.unit_of_work() as session:
        repositories.save(
            session, Meeting(id="today", date=TODAY, attendees=("m2",), referrals_considered=())
        )
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    reach_decision_page(qtbot, wizard)
    assert wizard.decision_page.meeting_id() == "today"
    assert wizard.decision_page.present() == ("m2",)


def test_the_wizard_and_a_form_offer_unsaved_work_back_through_one_flow(
    qtbot: QtBot, db: Database, prompter: ScriptedPrompter, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken_back: list[tuple[str, str]] = []
    take_back = DraftOffer.take_back

    def noted(offer: DraftOffer, *, key: str = "", newest_under: str = "") -> Draft | None:
        draft = take_back(offer, key=key, newest_under=newest_under)
        if draft is not None:
            taken_back.append((offer.title, draft.key))
        return draft

    monkeypatch.setattr(DraftOffer, "take_back", noted)
    records = RecordService(db=db, today=lambda: TODAY)
    drafts = DraftService(db=db)

    def open_form() -> ReferralForm:
        form = ReferralForm(records=records, drafts=drafts, prompter=prompter, today=lambda: TODAY)
        qtbot.addWidget(form)
        form.start(records.get(Referral, "R15"), record_id="R15")
        return form

    # Work left unsaved in both (the app locked): the wizard's first answer, the form's
    # notification reference.
    wizard = make_wizard(qtbot, db, prompter, referral_id="R15")
    next_page(qtbot, wizard, PageId.question(0))
    key(qtbot, wizard, Qt.Key.Key_1)
    wizard.close_keeping_draft()
    form = open_form()
    form.notification_reference.setText("NR-2016-77")
    form.clear()
    assert taken_back == []

    prompter.answer_confirm(False, False)  # No, the default: carry on with the work
    again = make_wizard(qtbot, db, prompter, referral_id="R15")
    reopened = open_form()

    assert taken_back == [
        ("Unsaved decision", "wizard:R15"),
        ("Unsaved work found", "referral:R15"),
    ]
    wizard_question, form_question = prompter.questions[-2:]
    assert wizard_question.startswith("There is unsaved work on this decision from ")
    assert form_question.startswith(
        "There is unsaved work on referral CRAG-2016-03 (Child Q) from "
    )
    assert again.state.answers.get("abuse_or_neglect") == "known"
    assert reopened.notification_reference.text() == "NR-2016-77"
    assert reopened.is_dirty
