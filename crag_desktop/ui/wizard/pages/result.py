"""The wizard's outcome page: what the rules give, why, and what they still need."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QLabel,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crag_desktop.domain.criteria import NOT_APPLICABLE_CHILD_LIVING
from crag_desktop.ui.wizard.pages.parts import text_label
from crag_desktop.ui.wizard.state import (
    FROM_REFERRAL,
    NOT_ASKED,
    PageId,
    WizardState,
)


class ResultPage(QWizardPage):
    """The outcome the rules give, the reasons in order, and what is still missing."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("Outcome under the rules")
        self.outcome_label = text_label("")
        self.outcome_label.setObjectName("outcome")
        font = self.outcome_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.outcome_label.setFont(font)
        self.reasons_label = text_label("", rich=True)
        self.missing_label = text_label("", rich=True)
        self.not_asked_label = text_label("", rich=True)
        self.not_asked_label.setObjectName("notAsked")
        layout = QVBoxLayout(self)
        layout.addWidget(self.outcome_label)
        layout.addWidget(QLabel("Reasons, in the order the rules were applied:"))
        layout.addWidget(self.reasons_label)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.not_asked_label)
        layout.addStretch(1)

    def initializePage(self) -> None:
        """Evaluate the answers given."""
        result = self._state.evaluation()
        rs = self._state.rule_set()
        self.setSubTitle(f"{rs.id} version {rs.version}")
        self.outcome_label.setText(rs.outcome_label(result.outcome))
        self.reasons_label.setText(
            "<ol>" + "".join(f"<li>{html.escape(r)}</li>" for r in result.reasons) + "</ol>"
        )
        if result.missing:
            items = "".join(
                f"<li>{html.escape(label)}</li>"
                for label in self._state.question_labels(result.missing)
            )
            self.missing_label.setText(
                "<b>Still needed to decide under the rules:</b><ul>" + items + "</ul>"
                "Go back to answer them, or record the chair's decision on what is known "
                "(with a reason)."
            )
        else:
            self.missing_label.setText("Nothing more is needed: the rules give a definite outcome.")
        not_asked = self.not_asked()
        self.not_asked_label.setText(
            "<b>Questions skipped:</b><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in not_asked)
            + "</ul>"
        )
        self.not_asked_label.setVisible(bool(not_asked))

    def not_asked(self) -> list[str]:
        """The questions skipped on the way here, each saying why and any answer kept."""
        wizard = self.wizard()
        visited = set(wizard.visitedIds()) if wizard is not None else set()
        rs = self._state.rule_set()
        lines = []
        for index, question in enumerate(rs.questions):
            if PageId.question(index) in visited:
                continue
            label = f"{question.label[:1].upper()}{question.label[1:]}"
            if question.key in self._state.settled:
                lines.append(f"{label}: {NOT_APPLICABLE_CHILD_LIVING}, settled by the referral.")
                continue
            answer = self._state.answers.get(question.key)
            if answer is None:
                lines.append(f"{label}: {NOT_ASKED}.")
                continue
            # An answer given earlier (or by the referral) still counts, so the outcome may
            # well have depended on it: say it was kept, not that it did not matter.
            source = FROM_REFERRAL if question.key in self._state.from_referral else "given earlier"
            lines.append(
                f"{label}: not asked again; answer kept ({source}): {question.value_label(answer)}."
            )
        return lines


# --- 5: the chair's decision ----------------------------------------------------------------
