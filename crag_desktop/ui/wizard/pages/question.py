"""The wizard's question pages: one statutory question of the chosen rule set each."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QLabel,
    QRadioButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crag_desktop.domain.criteria import (
    NOT_APPLICABLE_CHILD_LIVING,
    Question,
)
from crag_desktop.domain.records import Answer
from crag_desktop.ui.wizard.pages.parts import (
    plain_text_edit,
    text_label,
)
from crag_desktop.ui.wizard.state import (
    FROM_REFERRAL,
    MAX_CHOICES,
    NOT_YET_KNOWN,
    WizardState,
)


class QuestionPage(QWizardPage):
    """The `index`-th question of the chosen rule set: statutory wording, guidance, the
    answers as radio buttons (1-4 or Alt+1-4), and the evidence for the answer."""

    def __init__(self, *, state: WizardState, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.index = index
        self.key = ""
        self.question_label = text_label("")
        self.question_label.setObjectName("questionText")
        font = self.question_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.question_label.setFont(font)
        self.group = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        choices = QVBoxLayout()
        for number in range(1, MAX_CHOICES + 1):
            radio = QRadioButton()
            self.group.addButton(radio, number)
            self.radios.append(radio)
            choices.addWidget(radio)
            # The digit alone picks the answer; text boxes take plain digits first, so
            # typing "1" in the evidence still types it.
            shortcut = QShortcut(QKeySequence(str(number)), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=number: self.choose_number(n))
        self.group.idToggled.connect(self._toggled)
        self.conflict_label = text_label("", role="hint")
        self.prefill_label = text_label("", role="hint")
        self.prefill_label.setObjectName("fromReferral")
        self.guidance_label = text_label("")
        self.guidance_label.setObjectName("guidance")
        self.evidence = plain_text_edit("Evidence and rationale for this answer")
        self.evidence.textChanged.connect(self._evidence_changed)
        evidence_label = QLabel("&Evidence and rationale for this answer:")
        evidence_label.setBuddy(self.evidence)
        self.so_far_label = text_label("", rich=True)
        self.so_far_label.setObjectName("soFar")
        self.statutory = QTextBrowser()
        self.statutory.setAccessibleName("Statutory wording")
        self.statutory.setTabChangesFocus(True)
        self.statutory.setMaximumHeight(150)
        statutory_label = QLabel("&Statutory wording:")
        statutory_label.setBuddy(self.statutory)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question_label)
        layout.addLayout(choices)
        layout.addWidget(self.prefill_label)
        layout.addWidget(self.conflict_label)
        guidance_box = QGroupBox("Guidance")
        guidance_layout = QVBoxLayout(guidance_box)
        guidance_layout.addWidget(self.guidance_label)
        layout.addWidget(guidance_box)
        layout.addWidget(evidence_label)
        layout.addWidget(self.evidence)
        layout.addWidget(self.so_far_label)
        layout.addWidget(statutory_label)
        layout.addWidget(self.statutory)
        self._loading = False

    def question(self) -> Question:
        """The question this page asks under the rule set chosen."""
        return self._state.rule_set().questions[self.index]

    def values(self) -> list[Answer]:
        """The answers offered, in button order: the question's own, then not yet known."""
        return [*self.question().values, None]

    def initializePage(self) -> None:
        """Show the question of the chosen rule set with the answer given so far."""
        rs = self._state.rule_set()
        question = self.question()
        self.key = question.key
        self._loading = True
        self.setTitle(f"Question {self.index + 1} of {len(rs.questions)}")
        self.setSubTitle(f"{rs.id}: {rs.title}")
        self.question_label.setText(question.text)
        self.guidance_label.setText(question.guidance or "No guidance for this question.")
        self.statutory.setHtml("".join(f"<p>{html.escape(p)}</p>" for p in rs.statutory_text))
        values = self.values()
        self.group.setExclusive(False)
        for number, radio in enumerate(self.radios, start=1):
            if number <= len(values):
                value = values[number - 1]
                label = NOT_YET_KNOWN if value is None else question.value_label(value)
                radio.setText(f"&{number}  {label}")
                radio.setAccessibleName(label)
                radio.show()
                # "Not yet known" (None) is checked until an answer is known, so Next is
                # never blocked by a question the meeting cannot answer yet.
                radio.setChecked(self._state.answers.get(question.key) == value)
            else:
                radio.setChecked(False)
                radio.hide()
        self.group.setExclusive(True)
        self.evidence.setPlainText(self._state.evidence.get(question.key, ""))
        self._loading = False
        self._update_conflicts()
        self._update_prefill()
        self._update_so_far()

    def take_focus(self) -> None:
        """Start on the answer chosen, not in the evidence box, so the number keys and the
        arrows answer at once."""
        checked = self.group.checkedButton()
        enabled = [r for r in self.radios if r.isEnabled() and not r.isHidden()]
        target = checked or (enabled[0] if enabled else self.evidence)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def cleanupPage(self) -> None:
        """Keep the answer when going back (QWizard would reset fields)."""

    def isComplete(self) -> bool:
        """Always, once shown: "Not yet known" is an answer, and the default one."""
        return bool(self.key)

    def nextId(self) -> int:
        """The next question of the rule set still asked, then the outcome."""
        return self._state.next_question(self.index)

    def choose_number(self, number: int) -> None:
        """Pick the `number`-th answer (the 1-4 keys)."""
        if number - 1 < len(self.values()):
            radio = self.radios[number - 1]
            if radio.isEnabled() and radio.isVisible():
                radio.setChecked(True)
                radio.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _toggled(self, button_id: int, checked: bool) -> None:
        if self._loading or not checked:
            return
        self._state.answers[self.key] = self.values()[button_id - 1]
        self._state.answered.add(self.key)
        self._state.from_referral.discard(self.key)
        self._state.apply_settled()
        self._update_prefill()
        self._update_so_far()
        self.completeChanged.emit()

    def _evidence_changed(self) -> None:
        if self._loading or not self.key:
            return
        text = self.evidence.toPlainText()
        if text.strip():
            self._state.evidence[self.key] = text
        else:
            self._state.evidence.pop(self.key, None)

    def _update_conflicts(self) -> None:
        # An answer that contradicts another (a suspected suicide of a child who did not
        # die) is disabled, with the reason shown, rather than refused at the end.
        problems = []
        for radio, value in zip(self.radios, self.values(), strict=False):
            if value is None:
                radio.setEnabled(True)
                continue
            problem = self._state.consistent(self.key, value)
            radio.setEnabled(problem is None)
            if problem is not None:
                problems.append(f"{self.question().value_label(value)} is not possible: {problem}.")
        self.conflict_label.setText("\n".join(problems))
        self.conflict_label.setVisible(bool(problems))

    def _update_prefill(self) -> None:
        referral = self._state.current_referral
        shown = self.key in self._state.from_referral and referral is not None
        if shown and referral is not None:
            self.prefill_label.setText(
                f"Preselected {FROM_REFERRAL} ({referral.incident_type.label.lower()}): "
                "change it if the meeting knows otherwise."
            )
        self.prefill_label.setVisible(shown)

    def _update_so_far(self) -> None:
        result = self._state.evaluation()
        rs = self._state.rule_set()
        text = f"<b>Outcome so far:</b> {html.escape(rs.outcome_label(result.outcome))}"
        if result.missing:
            still = ", ".join(self._state.question_labels(result.missing)).lower()
            text += f"<br/>Still needed: {html.escape(still)}."
        elif self.index + 1 < len(rs.questions):
            text += (
                "<br/>No remaining question can change this outcome: press "
                "<b>Skip to the outcome</b> (Alt+O), or Next to answer them anyway."
            )
        if self._state.settled:
            settled = ", ".join(self._state.question_labels(sorted(self._state.settled))).lower()
            # One bracket, not "(not applicable (child living))" nested in another.
            text += (
                f"<br/>Settled by the referral and not asked, "
                f"{NOT_APPLICABLE_CHILD_LIVING}: {html.escape(settled)}."
            )
        self.so_far_label.setText(text)


# --- 4: the outcome under the rules ----------------------------------------------------------
