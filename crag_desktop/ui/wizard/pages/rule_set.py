"""The wizard's second page: the rule set in force on the referral's date."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QRadioButton,
    QStyle,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crag_desktop.domain.criteria import (
    RULE_SETS,
    choose_rule_set,
)
from crag_desktop.ui.widgets import format_uk_date
from crag_desktop.ui.wizard.pages.parts import text_label
from crag_desktop.ui.wizard.state import (
    NOT_IN_FORCE,
    Snapshot,
    WizardState,
)


class RuleSetPage(QWizardPage):
    """The rule set preselected by date, with why; the chair may pick another allowed one."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("Which criteria apply?")
        self.setSubTitle("The rule set in force on the incident date is chosen for you.")
        self.referral_label = text_label("", role="subtitle")
        self.reason_label = text_label("")
        self.reason_label.setObjectName("ruleSetReason")
        self.buttons: dict[str, QRadioButton] = {}
        self._texts: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self.title_labels: dict[str, QLabel] = {}
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.referral_label)
        layout.addWidget(self.reason_label)
        for number, (rs_id, rs) in enumerate(RULE_SETS.items(), start=1):
            self._texts[rs_id] = f"&{number}  {rs.id}"
            self._titles[rs_id] = f"{rs.title} (version {rs.version})"
            button = QRadioButton(self._texts[rs_id])
            button.setProperty("ruleSet", rs_id)
            button.setAccessibleDescription(self._titles[rs_id])
            button.toggled.connect(self._toggled)
            self.group.addButton(button)
            self.buttons[rs_id] = button
            layout.addWidget(button)
            # The long title wraps under its choice: on the radio's own line it could not
            # wrap and held the wizard wider than a 1024 px screen.
            title = text_label(self._titles[rs_id], role="hint")
            title.setIndent(
                button.style().pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth) + 8
            )
            self.title_labels[rs_id] = title
            layout.addWidget(title)
        self.note = text_label(
            "Only the rule sets in force on that date can be chosen.", role="hint"
        )
        layout.addWidget(self.note)
        layout.addStretch(1)
        self._chosen_for: str | None = None

    def initializePage(self) -> None:
        """Preselect by the incident (or notification, or received) date."""
        referral = self._state.current_referral
        if referral is None:
            return
        when = referral.incident_date or referral.notified_on or referral.received
        choice = choose_rule_set(when)
        self.referral_label.setText(
            f"{referral.reference} · {referral.case_name} · incident "
            f"{format_uk_date(referral.incident_date) or 'date not recorded'}"
        )
        self.reason_label.setText(choice.reason)
        for rs_id, button in self.buttons.items():
            allowed = rs_id in choice.selectable
            button.setEnabled(allowed)
            # Greyed alone was missed at meetings: say why the choice is not offered, next
            # to the id, where a long title cannot push it out of sight.
            why = "" if allowed else f" ({NOT_IN_FORCE})"
            button.setText(f"{self._texts[rs_id]}{why}")
            self.title_labels[rs_id].setEnabled(allowed)
        # Keep the chair's own choice when they come back to this page for the same
        # referral; preselect afresh for another referral.
        if self._chosen_for != referral.id or self._state.rule_set_id not in choice.selectable:
            self._state.rule_set_id = choice.rule_set_id
            self._chosen_for = referral.id
        self.buttons[self._state.rule_set_id].setChecked(True)

    def take_focus(self) -> None:
        """Start on the rule set chosen, so Enter accepts it and arrows move the choice."""
        chosen = self.group.checkedButton()
        if chosen is not None:
            chosen.setFocus(Qt.FocusReason.OtherFocusReason)

    def isComplete(self) -> bool:
        """A rule set is chosen, and it is one in force for the referral's date."""
        button = self.group.checkedButton()
        return button is not None and button.isEnabled()

    def validatePage(self) -> bool:
        """Preselect the answers the referral already gives under the rule set chosen."""
        self._state.prefill_from_referral()
        return True

    def _toggled(self, checked: bool) -> None:
        if checked:
            button = self.group.checkedButton()
            if button is not None:
                self._state.rule_set_id = str(button.property("ruleSet"))
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        """Keep the choice when going back (QWizard would reset fields)."""

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {"rule_set": self._state.rule_set_id, "chosen_for": self._chosen_for}

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft."""
        rs_id = data.get("rule_set")
        if isinstance(rs_id, str) and rs_id in RULE_SETS:
            self._state.rule_set_id = rs_id
        chosen_for = data.get("chosen_for")
        self._chosen_for = chosen_for if isinstance(chosen_for, str) else None


# --- 3: one page per question ---------------------------------------------------------------
