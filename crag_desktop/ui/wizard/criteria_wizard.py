"""The criteria decision wizard used live at a CRAG meeting.

It walks the chair through the referral, the rule set in force, one page per statutory
question, the outcome the rules give, the subgroup's own decision, and commissioning.
Nothing is saved until Finish, which makes one `DecisionService.record_decision` call;
until then the wizard's state is autosaved (encrypted, in the database's draft table)
every few seconds and offered back if the wizard is closed or the laptop dies mid-way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Mapping

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget, QWizard

from crag_desktop.domain.clock import ClockKind
from crag_desktop.domain.decisions import review_type_for
from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import CriteriaDecision, Meeting, Referral, Review
from crag_desktop.domain.vocabulary import Methodology, ReviewStatus
from crag_desktop.domain.wording import PDF_SUFFIX, pdf_name, with_suffix
from crag_desktop.services.decisions import DecisionService
from crag_desktop.services.drafts import Draft, DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.ui.draft_offer import DraftOffer
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.wizard.pages.decision import DecisionPage
from crag_desktop.ui.wizard.pages.finish import FinishPage
from crag_desktop.ui.wizard.pages.question import QuestionPage
from crag_desktop.ui.wizard.pages.referral import ReferralPage
from crag_desktop.ui.wizard.pages.result import ResultPage
from crag_desktop.ui.wizard.pages.rule_set import RuleSetPage
from crag_desktop.ui.wizard.state import (
    DRAFT_FORMAT,
    DRAFT_PREFIX,
    MAX_QUESTIONS,
    NEW_DRAFT_PREFIX,
    PageId,
    Snapshot,
    WizardState,
)
from crag_desktop.ui.wizard.summary import decision_summary, recorded_text

AUTOSAVE_MS = 3_000
SKIP_BUTTON = QWizard.WizardButton.CustomButton1


class CriteriaWizard(QWizard):
    """Record a criteria decision: one page per question, one service call on Finish."""

    #: Emitted with the `Changes` of the saved decision, for the screens to refresh.
    decision_recorded = Signal(object)

    def __init__(
        self,
        *,
        decisions: DecisionService,
        records: RecordService,
        drafts: DraftService,
        prompter: Prompter,
        referral_id: str | None = None,
        today: Callable[[], dt.date] = dt.date.today,
        autosave_ms: int = AUTOSAVE_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._decisions = decisions
        self._records = records
        self._drafts = drafts
        self._prompter = prompter
        # Losing the meeting's answers must be a deliberate choice: only Yes deletes them.
        self.draft_offer = DraftOffer(
            drafts=drafts,
            prompter=prompter,
            title="Unsaved decision",
            question=_draft_question,
        )
        self._restoring = False
        self._last_saved: Snapshot | None = None
        self._meeting_id: str | None = None
        self._review_id: str | None = None
        self._skipping = False
        self._recorded_referral: Referral | None = None
        #: What was saved, to say it again once the record has been printed.
        self._recorded: tuple[Referral, CriteriaDecision, Meeting, Review | None] | None = None
        self.state = WizardState(decisions=decisions, records=records, today=today)
        self.setWindowTitle("Criteria decision")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        # Alt+N / Alt+B / Alt+F work everywhere, so the chair never needs the mouse.
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Back")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Cancel")
        # Once the answers decide the outcome the rest cannot change it: Alt+O goes
        # straight to the outcome instead of paging through questions that do not matter.
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(SKIP_BUTTON, "Skip to the &outcome")
        self.setButtonLayout(
            [
                QWizard.WizardButton.Stretch,
                SKIP_BUTTON,
                QWizard.WizardButton.BackButton,
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.CommitButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.CancelButton,
            ]
        )
        self.customButtonClicked.connect(self._custom_button)
        self.resize(860, 680)

        new_referral_id = records.new_id(RecordType.REFERRAL)
        self.referral_page = ReferralPage(
            state=self.state,
            new_referral_id=new_referral_id,
            on_referral_chosen=self._referral_chosen,
            referral_id=referral_id,
        )
        self.rule_set_page = RuleSetPage(state=self.state)
        self.question_pages = [
            QuestionPage(state=self.state, index=i) for i in range(MAX_QUESTIONS)
        ]
        self.result_page = ResultPage(state=self.state)
        self.decision_page = DecisionPage(state=self.state)
        self.finish_page = FinishPage(state=self.state)
        self.setPage(PageId.REFERRAL, self.referral_page)
        self.setPage(PageId.RULE_SET, self.rule_set_page)
        for i, page in enumerate(self.question_pages):
            self.setPage(PageId.question(i), page)
        self.setPage(PageId.RESULT, self.result_page)
        self.setPage(PageId.DECISION, self.decision_page)
        self.setPage(PageId.FINISH, self.finish_page)
        for page in self.question_pages:
            page.completeChanged.connect(self._update_skip)
        self.finish_page.print_button.clicked.connect(self.print_recorded)
        self.currentIdChanged.connect(self._page_changed)

        self.draft_key = f"{NEW_DRAFT_PREFIX}{uuid.uuid4().hex}"
        if referral_id is not None:
            self.state.referral = records.get(Referral, referral_id)
            self.draft_key = f"{DRAFT_PREFIX}{self.state.referral.id}"
        # Start now (not when shown), so that a draft can be replayed page by page.
        self.restart()
        if referral_id is not None:
            if self.referral_page.chosen_id() == referral_id:
                # The referral page has it selected: go on to the rule set at once, with
                # Back still there to choose another.
                self.next()
            else:
                # Not in the list of those awaiting a decision (already decided, or beyond
                # the list's length): start on the rule set, the referral being fixed.
                self.setStartId(PageId.RULE_SET)
                self.restart()
            self._offer_draft(self.draft_key)
        else:
            self._offer_new_referral_draft()

        self._timer = QTimer(self)
        self._timer.setInterval(autosave_ms)
        self._timer.timeout.connect(self.autosave)
        self._timer.start()

    # --- Qt overrides ---------------------------------------------------------------------------

    def nextId(self) -> int:
        """The page after the current one: questions follow the chosen rule set."""
        return self.state.page_after(self.currentId(), skipping=self._skipping)

    def showEvent(self, event: QShowEvent) -> None:
        """Focus the current page's first control once shown: QWizard's own choice (made
        when the page was switched to, before the window was visible) is overridden."""
        super().showEvent(event)
        self._page_changed(self.currentId())

    def initializePage(self, page_id: int) -> None:
        """Let the last page summarise what Finish will save."""
        super().initializePage(page_id)
        if page_id == PageId.FINISH:
            self._summarise()

    def skip_to_outcome(self) -> None:
        """Go from a question straight to the outcome, when the answers already decide it."""
        if not self.can_skip():
            return
        self._skipping = True
        try:
            self.next()
        finally:
            self._skipping = False

    def can_skip(self) -> bool:
        """On a question, before the last, with an outcome no remaining answer can change."""
        return self.state.can_skip_from(self.currentId())

    def accept(self) -> None:
        """Save everything with one service call; on a problem say so and stay open.
        Once saved, the page says what was stored; the next Finish (now Close) closes."""
        if self.finish_page.recorded:
            super().accept()
            return
        try:
            referral, decision, meeting, commission = self.build_request()
        except ValueError as error:
            self.finish_page.error_label.show_error(str(error))
            return
        try:
            changes = self._decisions.record_decision(
                referral=referral,
                decision=decision,
                meeting=meeting,
                commission=commission,
                reason="criteria decision recorded with the wizard",
            )
        except ValidationFailed as failure:
            lines = [str(failure), *(str(e) for e in failure.errors)]
            self.finish_page.error_label.show_error("\n".join(lines))
            self._prompter.warn("The decision was not saved", "\n".join(lines))
            return
        except CragError as error:
            self.finish_page.error_label.show_error(str(error))
            self._prompter.error("The decision was not saved", str(error))
            return
        self._timer.stop()
        self._drafts.discard(self.draft_key)
        self._recorded_referral = referral
        self.decision_recorded.emit(changes)
        self._show_recorded(referral, decision, meeting, commission)
        if self.finish_page.print_record.isChecked():
            self._print(referral)

    def reject(self) -> None:
        """Escape, Cancel or the close box: ask first when answers have been given, then keep
        the draft so the work can be carried on."""
        if not self.finish_page.recorded and self.has_work() and not self._confirm_close():
            return
        if not self.finish_page.recorded:
            self.autosave()
        self._timer.stop()
        super().reject()

    def close_keeping_draft(self) -> None:
        """Close without asking (the app is locking): the draft keeps everything."""
        if not self.finish_page.recorded:
            self.autosave()
        self._timer.stop()
        super().reject()

    def has_work(self) -> bool:
        """Whether anything has been given that closing would put at risk."""
        return bool(
            self.state.answered
            or self.state.evidence
            or self.decision_page.rationale.toPlainText().strip()
            or self.decision_page.reason.toPlainText().strip()
            or (
                self.referral_page.new_radio.isChecked()
                and self.referral_page.case_name.text().strip()
            )
        )

    def _confirm_close(self) -> bool:
        return self._prompter.confirm(
            "Close the criteria decision? Nothing has been recorded yet. The answers given "
            "are kept as a draft and offered back when the wizard is opened again.",
            title="Close the criteria decision",
        )

    # --- the request ---------------------------------------------------------------------------

    def build_request(self) -> tuple[Referral, CriteriaDecision, Meeting, Review | None]:
        """What Finish hands to the service: ValueError when something is missing."""
        referral = self.state.current_referral
        page = self.decision_page
        outcome = page.decided_outcome()
        decided_on = page.decided_on.value()
        if referral is None or outcome is None or decided_on is None:
            raise ValueError("Go back and complete the referral and the decision.")
        if ClockKind.RAPID_REVIEW in self.state.rule_set().clocks:
            referral = dataclasses.replace(referral, notified_on=page.notified_on.value())
        rs = self.state.rule_set()
        result = self.state.evaluation()
        present = page.present()
        meeting_id = page.meeting_id()
        if meeting_id is not None:
            meeting = self._records.get(Meeting, meeting_id)
        else:
            meeting_day = page.meeting_date.value()
            if meeting_day is None:
                raise ValueError("Give the meeting's date.")
            if self._meeting_id is None:
                self._meeting_id = self._records.new_id(RecordType.MEETING)
            meeting = Meeting(
                id=self._meeting_id,
                date=meeting_day,
                attendees=present,
                referrals_considered=(),
            )
        decision = CriteriaDecision(
            rule_set=rs.id,
            rule_set_version=rs.version,
            answers=self.state.answers_for(rs),
            rules_outcome=result.outcome,
            decided_outcome=outcome,
            alternative_review_type=page.alternative_type(),
            reason_if_different=page.reason.toPlainText().strip() if page.differs() else None,
            rationale=page.rationale.toPlainText().strip(),
            decided_on=decided_on,
            meeting=meeting.id,
            evidence={k: v.strip() for k, v in self.state.evidence.items() if k in rs.keys},
            attendees=present,
            invited=page.invited_people(),
        )
        commission = None
        review_type = review_type_for(decision)
        if self.finish_page.commission.isChecked() and review_type is not None:
            if self._review_id is None:
                self._review_id = self._records.new_id(RecordType.REVIEW)
            commission = Review(
                id=self._review_id,
                referral=referral.id,
                title=self.finish_page.review_title.text().strip(),
                type=review_type,
                methodology=Methodology(str(self.finish_page.methodology.currentData())),
                status=ReviewStatus.COMMISSIONED,
                lead_reviewer=self.finish_page.lead_reviewer.text().strip(),
                commissioned_on=decided_on,
                children=referral.children,
            )
        return referral, decision, meeting, commission

    def _summarise(self) -> None:
        referral = self.state.current_referral
        page = self.decision_page
        outcome = page.decided_outcome()
        if referral is None or outcome is None:
            return
        text, review_type = decision_summary(
            referral=referral,
            rs=self.state.rule_set(),
            rules_outcome=self.state.evaluation().outcome,
            outcome=outcome,
            alternative=page.alternative_type(),
            differs=page.differs(),
            today=self.state.today(),
        )
        self.finish_page.set_summary(
            text, review_type.label if review_type is not None else None, referral.case_name
        )

    def recorded_text(
        self,
        referral: Referral,
        decision: CriteriaDecision,
        meeting: Meeting,
        commission: Review | None,
        *,
        printed_to: str | None = None,
    ) -> str:
        """What Finish stored, in plain words (HTML); see `summary.recorded_text`."""
        return recorded_text(
            self.state.rule_set(),
            referral,
            decision,
            meeting,
            commission,
            today=self.state.today(),
            printed_to=printed_to,
        )

    def _show_recorded(
        self,
        referral: Referral,
        decision: CriteriaDecision,
        meeting: Meeting,
        commission: Review | None,
    ) -> None:
        self._recorded = (referral, decision, meeting, commission)
        self.finish_page.show_recorded(self.recorded_text(referral, decision, meeting, commission))
        # Nothing saved can be taken back from here: no Back, no Cancel, Finish just closes.
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Close")
        self.finish_page.completeChanged.emit()

    def print_recorded(self) -> None:
        """Print the decision record of the decision just saved."""
        if self._recorded_referral is not None:
            self._print(self._recorded_referral)

    def _custom_button(self, which: int) -> None:
        if which == SKIP_BUTTON.value:
            self.skip_to_outcome()

    def _page_changed(self, _page_id: int) -> None:
        # QWizard focuses the page's first Tab stop after initializePage; the pages know
        # better (the search box, the answer chosen), so they take the focus afterwards.
        page = self.currentPage()
        if isinstance(page, ReferralPage | RuleSetPage | QuestionPage):
            page.take_focus()
        self._update_skip()

    def _update_skip(self) -> None:
        button = self.button(SKIP_BUTTON)
        button.setVisible(self.currentId() >= PageId.FIRST_QUESTION)
        button.setEnabled(self.can_skip())

    def _print(self, referral: Referral) -> None:
        path = self._prompter.ask_save_path(
            "Save the decision record",
            file_filter="PDF documents (*.pdf)",
            suggested=pdf_name(f"Decision record {referral.reference}"),
        )
        if path is None:
            return
        path = with_suffix(path, PDF_SUFFIX)
        try:
            self._decisions.write_record(referral.id, path)
        except CragError as error:
            self._prompter.error("The decision record was not printed", str(error))
            return
        if self._recorded is not None:
            self.finish_page.show_printed(self.recorded_text(*self._recorded, printed_to=path.name))
        self._prompter.info(
            "Decision record printed",
            f"The decision was saved and its record written to {path.name} (OFFICIAL-SENSITIVE).",
        )

    # --- drafts ------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """Everything typed so far, as JSON-ready values."""
        return {
            "format": DRAFT_FORMAT,
            "page": self.currentId(),
            "referral_id": self.state.referral.id if self.state.referral is not None else None,
            "new_referral_id": self.referral_page.new_referral_id,
            "referral_page": self.referral_page.snapshot(),
            "rule_set_page": self.rule_set_page.snapshot(),
            **self.state.draft(),
            "decision_page": self.decision_page.snapshot(),
            "finish_page": self.finish_page.snapshot(),
        }

    def autosave(self) -> None:
        """Save a draft if anything changed since the last one."""
        if self._restoring:
            return
        snapshot = self.snapshot()
        if snapshot == self._last_saved:
            return
        referral = self.state.current_referral
        if referral is not None:
            title = f"Criteria decision: {referral.reference} {referral.case_name}"
        else:
            case = self.referral_page.case_name.text().strip()
            title = "Criteria decision: new referral" + (f" {case}" if case else "")
        try:
            self._drafts.save(self.draft_key, title=title, payload=snapshot)
        except CragError:
            # Autosave must never interrupt the meeting; the next tick tries again.
            return
        self._last_saved = snapshot

    def _referral_chosen(self, referral_id: str) -> None:
        if self._restoring:
            return
        key = f"{DRAFT_PREFIX}{referral_id}"
        if key == self.draft_key:
            return
        # The work now belongs to that referral: move the draft to its key.
        self._drafts.discard(self.draft_key)
        self.draft_key = key
        self._last_saved = None
        self._offer_draft(key)

    def _offer_new_referral_draft(self) -> None:
        self._offer_draft(newest_under=NEW_DRAFT_PREFIX)

    def _offer_draft(self, key: str = "", *, newest_under: str = "") -> None:
        draft = self.draft_offer.take_back(key=key, newest_under=newest_under)
        if draft is not None:
            # A new referral's draft becomes this wizard's own.
            self.draft_key = draft.key
            self.restore(draft.payload)

    def restore(self, payload: Mapping[str, object]) -> None:
        """Put a draft back and return to the page it was on."""
        if payload.get("format") != DRAFT_FORMAT:
            return
        self._restoring = True
        try:
            new_id = payload.get("new_referral_id")
            if isinstance(new_id, str) and new_id:
                self.referral_page.new_referral_id = new_id
            self._restore_pages(payload)
            target = payload.get("page")
            # Replay Next page by page, so that each page is initialised and validated as
            # if the chair had pressed it; stop where a page is not complete.
            steps = 0
            while (
                isinstance(target, int)
                and self.currentId() != target
                and self.currentPage().isComplete()
                and steps <= MAX_QUESTIONS + 6
            ):
                before = self.currentId()
                self.next()
                steps += 1
                if self.currentId() == before:
                    break
        finally:
            self._restoring = False
        self._last_saved = self.snapshot()

    def _restore_pages(self, payload: Mapping[str, object]) -> None:
        def part(name: str) -> Mapping[str, object]:
            value = payload.get(name)
            return value if isinstance(value, dict) else {}

        self.referral_page.restore(part("referral_page"))
        self.rule_set_page.restore(part("rule_set_page"))
        self.state.restore_draft(payload)
        self.decision_page.restore(part("decision_page"))
        self.finish_page.restore(part("finish_page"))


def _draft_question(draft: Draft, when: str) -> str:
    return (
        f"There is unsaved work on this decision from {when} ({draft.title}).\n\n"
        "Delete it and start afresh? (No carries on where you left off.)"
    )
