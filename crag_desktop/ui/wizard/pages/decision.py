"""The wizard's decision page: the chair's decision, the meeting and who was present."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crag_desktop.domain.criteria import (
    INSUFFICIENT_INFORMATION,
    RULE_SETS,
    rule_set,
)
from crag_desktop.domain.decisions import (
    NOTIFIABLE_OUTCOMES,
    RAPID_REVIEW_RULE_SETS,
    decision_differs,
    default_decision,
)
from crag_desktop.domain.records import InvitedAttendee, Meeting, Member
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
)
from crag_desktop.ui.wizard.pages.parts import (
    EnterLineEdit,
    buddy_of,
    page_date_edit,
    plain_text_edit,
    scrolled,
    select_data,
    tab_chain,
    text_label,
)
from crag_desktop.ui.wizard.state import (
    Snapshot,
    WizardState,
    decisions_offered,
    text_value,
)


def _invited_text(person: InvitedAttendee) -> str:
    return f"{person.name} ({person.role})" if person.role else person.name


class DecisionPage(QWizardPage):
    """The chair's decision (defaults to the rules' outcome), a reason when it differs,
    the rationale, the meeting, who was present and the date."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("The subgroup's decision")
        self.setSubTitle("Record what the subgroup decided, at which meeting, and who was present.")
        # Date edits get their parent at once: made parentless and reparented later, their
        # line edit and calendar button drop out of the Tab chain (seen with Qt 6.11).
        self._build_fields()
        form = self._build_form()
        self._lay_out(form)
        self._wire()
        self._rule_set_shown = ""
        self._rules_outcome_shown = ""
        self._members_loaded = False
        self._restoring = False

    def _build_fields(self) -> None:
        """The decision, its reason and rationale, the meeting, who was present, the date."""
        self.rules_label = text_label("")
        self.outcome = QComboBox()
        self.alternative = QComboBox()
        for kind in AlternativeReviewType:
            self.alternative.addItem(kind.label, kind.value)
        self.alternative.setCurrentIndex(-1)
        self.differs_hint = text_label("", role="alert")
        self.differs_hint.setObjectName("differsHint")
        self.reason = plain_text_edit("Why the decision differs from the rules")
        self.rationale = plain_text_edit("Rationale")
        self.notified_on = page_date_edit("Panel notified on", self)
        self.existing_meeting = QRadioButton("E&xisting meeting:")
        self.meetings = QComboBox()
        self.meetings.setAccessibleName("Meeting")
        self.new_meeting = QRadioButton("New &meeting on:")
        self.meeting_date = page_date_edit("New meeting date", self)
        meeting_group = QButtonGroup(self)
        meeting_group.addButton(self.existing_meeting)
        meeting_group.addButton(self.new_meeting)
        self.attendees = QListWidget()
        self.attendees.setAccessibleName("Present (Space ticks)")
        self.attendees.setMinimumHeight(self.attendees.fontMetrics().lineSpacing() * 5)
        self.attendees.setMaximumHeight(self.attendees.fontMetrics().lineSpacing() * 9)
        # People present who are not members (an allocated social worker, the reviewer):
        # typed in, listed, and removed with Delete, all from the keyboard.
        self.invited_name = EnterLineEdit()
        self.invited_name.setAccessibleName("Invited person's name")
        self.invited_name.setPlaceholderText("Name (Enter adds)")
        self.invited_role = EnterLineEdit()
        self.invited_role.setAccessibleName("Invited person's role or agency")
        self.invited_role.setPlaceholderText("Role or agency")
        self.add_invited = QPushButton("Add &invited")
        self.add_invited.setAutoDefault(False)
        self.invited = QListWidget()
        self.invited.setAccessibleName("Invited, not members (Delete removes)")
        self.invited.setMaximumHeight(self.invited.fontMetrics().lineSpacing() * 5)
        self.invited.setVisible(False)
        self.remove_invited = QPushButton("Remove invi&ted")
        self.remove_invited.setAutoDefault(False)
        self.remove_invited.setVisible(False)
        self.decided_on = page_date_edit("Decided on", self)
        self.missing_hint = text_label("", role="hint")
        self.missing_hint.setObjectName("missingHint")

    def _build_form(self) -> QFormLayout:
        """Each field beside its label; the two kinds of meeting under one label."""
        form = self._form = QFormLayout()
        # Labels beside their fields, at the top of tall ones, with no stretching of rows:
        # the form sits at the top and spare height goes below it (see addStretch).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._rows: dict[str, QLabel] = {}
        for key, text, widget in (
            ("outcome", "Chair's &decision:", self.outcome),
            ("alternative", "&Kind of review:", self.alternative),
            ("reason", "&Reason for differing:", self.reason),
            ("rationale", "R&ationale:", self.rationale),
            ("notified_on", "Panel noti&fied on:", self.notified_on),
        ):
            label = QLabel(text)
            label.setBuddy(buddy_of(widget))
            self._rows[key] = label
            form.addRow(label, widget)
        form.insertRow(1, self.differs_hint)
        # One line per kind of meeting, each radio beside its own field, both under the
        # "Meeting:" label: the two choices read as a pair and line up with the form.
        existing_row = QHBoxLayout()
        existing_row.addWidget(self.existing_meeting)
        existing_row.addWidget(self.meetings, 1)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_meeting)
        new_row.addWidget(self.meeting_date, 1)
        # The same width for both radios, so the combo and the date start in one column.
        width = max(self.existing_meeting.sizeHint().width(), self.new_meeting.sizeHint().width())
        self.existing_meeting.setMinimumWidth(width)
        self.new_meeting.setMinimumWidth(width)
        meeting_label = QLabel("Meeting:")
        self._rows["meeting"] = meeting_label
        form.addRow(meeting_label, existing_row)
        form.addRow("", new_row)
        present = QLabel("&Present:")
        present.setBuddy(self.attendees)
        form.addRow(present, self.attendees)
        invited_entry = QHBoxLayout()
        invited_entry.addWidget(self.invited_name, 1)
        invited_entry.addWidget(self.invited_role, 1)
        invited_entry.addWidget(self.add_invited)
        invited_list = QHBoxLayout()
        invited_list.addWidget(self.invited, 1)
        invited_list.addWidget(self.remove_invited, 0, Qt.AlignmentFlag.AlignTop)
        invited_box = QVBoxLayout()
        invited_box.setContentsMargins(0, 0, 0, 0)
        invited_box.addLayout(invited_entry)
        invited_box.addLayout(invited_list)
        invited_label = QLabel("In&vited, not members:")
        invited_label.setWordWrap(True)
        invited_label.setBuddy(self.invited_name)
        self._rows["invited"] = invited_label
        form.addRow(invited_label, invited_box)
        decided = QLabel("Decided &on:")
        decided.setBuddy(self.decided_on.line_edit)
        self._rows["decided_on"] = decided
        form.addRow(decided, self.decided_on)
        return form

    def _lay_out(self, form: QFormLayout) -> None:
        """The rules' outcome above the form, what still blocks Next below it; Tab in
        reading order."""
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.rules_label)
        layout.addLayout(form)
        layout.addStretch(1)
        outer = scrolled(self, inner)
        # Below the scrolling form, so what still blocks Next is always in view.
        outer.addWidget(self.missing_hint)

        tab_chain(
            self.outcome,
            self.alternative,
            self.reason,
            self.rationale,
            self.notified_on,
            self.existing_meeting,
            self.meetings,
            self.new_meeting,
            self.meeting_date,
            self.attendees,
            self.invited_name,
            self.invited_role,
            self.add_invited,
            self.invited,
            self.remove_invited,
            self.decided_on,
        )

    def _wire(self) -> None:
        """Adding and removing invited people, and every edit rechecking the page."""
        self.invited_name.entered.connect(self._add_invited)
        self.invited_role.entered.connect(self._add_invited)
        self.add_invited.clicked.connect(self._add_invited)
        self.remove_invited.clicked.connect(self._remove_invited)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.invited,
            self._remove_invited,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.outcome.currentIndexChanged.connect(self._changed)
        self.alternative.currentIndexChanged.connect(self._changed)
        self.reason.textChanged.connect(self._changed)
        self.rationale.textChanged.connect(self._changed)
        self.existing_meeting.toggled.connect(self._meeting_mode)
        self.meetings.currentIndexChanged.connect(self._meeting_chosen)
        self.attendees.itemChanged.connect(lambda _i: self._changed())
        for date_edit in (self.notified_on, self.meeting_date, self.decided_on):
            date_edit.line_edit.textChanged.connect(lambda _t: self._changed())
        self.meeting_date.value_changed.connect(self._meeting_date_changed)

    # Qt overrides

    def initializePage(self) -> None:
        """Offer the decisions of the chosen rule set, defaulting to the rules' outcome."""
        rs = self._state.rule_set()
        result = self._state.evaluation()
        self.rules_label.setText(
            f"Under {rs.id} the rules give: {rs.outcome_label(result.outcome)}."
        )
        if not self._members_loaded:
            self._load_people()
        if self._rule_set_shown != rs.id or self._rules_outcome_shown != result.outcome:
            # A new rule set or a new rules outcome: offer its decisions afresh.
            self.outcome.blockSignals(True)
            self.outcome.clear()
            for outcome in decisions_offered(rs.id):
                self.outcome.addItem(outcome.label, outcome.value)
            default = default_decision(result.outcome)
            self.outcome.setCurrentIndex(
                self.outcome.findData(default.value) if default is not None else -1
            )
            self.outcome.setPlaceholderText("Choose the decision")
            self.outcome.blockSignals(False)
            self._rule_set_shown = rs.id
            self._rules_outcome_shown = result.outcome
        referral = self._state.current_referral
        if referral is not None and not self.notified_on.line_edit.text():
            self.notified_on.set_value(referral.notified_on)
        if not self.decided_on.line_edit.text():
            self.decided_on.set_value(self._meeting_day() or self._state.today())
        self._changed()

    def cleanupPage(self) -> None:
        """Keep what was typed when going back (QWizard would reset fields)."""

    def isComplete(self) -> bool:
        """Everything the decision needs is given; the hint says what is not."""
        return not self.missing()

    # helpers

    def decided_outcome(self) -> DecidedOutcome | None:
        """The decision chosen."""
        data = self.outcome.currentData()
        return DecidedOutcome(str(data)) if data else None

    def alternative_type(self) -> AlternativeReviewType | None:
        """The kind of review chosen when the decision is another kind of review."""
        data = self.alternative.currentData()
        if self.decided_outcome() != DecidedOutcome.ALTERNATIVE_REVIEW or not data:
            return None
        return AlternativeReviewType(str(data))

    def differs(self) -> bool:
        """Whether the decision needs a reason."""
        outcome = self.decided_outcome()
        return outcome is not None and decision_differs(self._rules_outcome_shown, outcome)

    def needs_notification(self) -> bool:
        """Whether the rapid review clock needs the date the Panel was notified."""
        return (
            self._rule_set_shown in RAPID_REVIEW_RULE_SETS
            and self._rules_outcome_shown in NOTIFIABLE_OUTCOMES
        )

    def present(self) -> tuple[str, ...]:
        """The members ticked as present."""
        return tuple(
            str(self.attendees.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.attendees.count())
            if self.attendees.item(row).checkState() == Qt.CheckState.Checked
        )

    def invited_people(self) -> tuple[InvitedAttendee, ...]:
        """The people invited who are not members, in the order added."""
        people = []
        for row in range(self.invited.count()):
            name, role = self.invited.item(row).data(Qt.ItemDataRole.UserRole)
            people.append(InvitedAttendee(name=str(name), role=str(role)))
        return tuple(people)

    def set_invited(self, people: tuple[InvitedAttendee, ...]) -> None:
        """List these invited people (replacing any listed)."""
        self.invited.clear()
        for person in people:
            item = QListWidgetItem(_invited_text(person))
            item.setData(Qt.ItemDataRole.UserRole, (person.name, person.role))
            self.invited.addItem(item)
        self._invited_shown()

    def _add_invited(self) -> None:
        name = " ".join(self.invited_name.text().split())
        role = " ".join(self.invited_role.text().split())
        if not name:
            # Enter in an empty name box with nobody to add: the box stays where it is.
            self.invited_name.setFocus()
            return
        self.set_invited((*self.invited_people(), InvitedAttendee(name=name, role=role)))
        self.invited.setCurrentRow(self.invited.count() - 1)
        self.invited_name.clear()
        self.invited_role.clear()
        # Ready for the next person.
        self.invited_name.setFocus()
        self._changed()

    def _remove_invited(self) -> None:
        row = self.invited.currentRow()
        if row < 0:
            return
        people = list(self.invited_people())
        del people[row]
        self.set_invited(tuple(people))
        if people:
            self.invited.setCurrentRow(min(row, len(people) - 1))
            self.invited.setFocus()
        else:
            self.invited_name.setFocus()
        self._changed()

    def _invited_shown(self) -> None:
        # An empty list and its button take no room and no Tab stops.
        listed = self.invited.count() > 0
        self.invited.setVisible(listed)
        self.remove_invited.setVisible(listed)

    def meeting_id(self) -> str | None:
        """The existing meeting chosen (None for a new one)."""
        if self.existing_meeting.isChecked() and self.meetings.currentIndex() >= 0:
            return str(self.meetings.currentData())
        return None

    def missing(self) -> list[str]:
        """What the chair still has to give, in the page's order."""
        needed: list[str] = []
        outcome = self.decided_outcome()
        if outcome is None:
            needed.append("choose the decision")
        elif outcome == DecidedOutcome.ALTERNATIVE_REVIEW and self.alternative_type() is None:
            needed.append("choose the kind of review")
        if self.differs() and not self.reason.toPlainText().strip():
            needed.append("give the reason the decision differs from the rules")
        if not self.rationale.toPlainText().strip():
            needed.append("write the rationale")
        if self.needs_notification() and (
            self.notified_on.error() is not None or self.notified_on.value() is None
        ):
            needed.append("give the date the Panel was notified")
        elif self.notified_on.error() is not None:
            needed.append("correct the date the Panel was notified")
        if self.existing_meeting.isChecked():
            if self.meetings.currentIndex() < 0:
                needed.append("choose the meeting")
        elif self.meeting_date.error() is not None or self.meeting_date.value() is None:
            needed.append("give the meeting's date")
        if not self.present():
            needed.append("tick who was present")
        if self.decided_on.error() is not None or self.decided_on.value() is None:
            needed.append("give the date decided")
        return needed

    def _changed(self) -> None:
        if self._restoring:
            return
        # Whole rows come and go (setRowVisible), so a hidden field leaves no gap behind.
        is_alternative = self.decided_outcome() == DecidedOutcome.ALTERNATIVE_REVIEW
        self._form.setRowVisible(self.alternative, is_alternative)
        differs = self.differs()
        self._form.setRowVisible(self.reason, differs)
        self._rules_outcome_label_update(differs)
        shows_notification = self._rule_set_shown in RAPID_REVIEW_RULE_SETS
        self._form.setRowVisible(self.notified_on, shows_notification)
        needed = self.missing()
        self.missing_hint.setText(
            "To continue: " + "; ".join(needed) + "." if needed else "Ready: press Next."
        )
        self.completeChanged.emit()

    def _rules_outcome_label_update(self, differs: bool) -> None:
        # The banner asks for the reason; once one is typed it has done its job and goes,
        # rather than staying red beside an answered question.
        if not differs or self.reason.toPlainText().strip() or not self._rules_outcome_shown:
            self._form.setRowVisible(self.differs_hint, False)
            return
        rs = self._state.rule_set()
        if self._rules_outcome_shown == INSUFFICIENT_INFORMATION:
            text = (
                "The rules could not decide on the answers given: a reason for the decision is "
                "required."
            )
        else:
            text = (
                f"This decision differs from the outcome under the rules "
                f"({rs.outcome_label(self._rules_outcome_shown)}): a reason is required."
            )
        self.differs_hint.setText(text)
        self._form.setRowVisible(self.differs_hint, True)

    def _load_people(self) -> None:
        self._members_loaded = True
        agencies = {a.id: a.name for a in self._state.records.agencies()}
        members: list[Member] = self._state.records.members()
        self.attendees.blockSignals(True)
        for member in members:
            item = QListWidgetItem(f"{member.name} ({agencies.get(member.agency, member.agency)})")
            item.setData(Qt.ItemDataRole.UserRole, member.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.attendees.addItem(item)
        if self.attendees.count():
            self.attendees.setCurrentRow(0)
        self.attendees.blockSignals(False)
        self.meetings.blockSignals(True)
        for choice in self._state.records.meetings():
            self.meetings.addItem(choice.label, choice.id)
        self.meetings.setCurrentIndex(-1)
        self.meetings.blockSignals(False)
        # A new meeting is held on the day the app works at (1 April 2017 on the demo).
        if not self.meeting_date.line_edit.text():
            self.meeting_date.set_value(self._state.today())
        if self.meetings.count():
            self.existing_meeting.setChecked(True)
        else:
            self.new_meeting.setChecked(True)
            self.existing_meeting.setEnabled(False)
        self._meeting_mode()
        # The meeting the referral is down for (or today's) is the likely one: chosen, with
        # its attendees ticked. Otherwise the chair picks one; none is guessed.
        stored = self._state.referral
        likely = self._state.records.meeting_for_decision(
            stored.id if stored is not None else None, self._state.today()
        )
        if likely is not None:
            select_data(self.meetings, likely)

    def _meeting_mode(self) -> None:
        existing = self.existing_meeting.isChecked()
        self.meetings.setEnabled(existing)
        self.meeting_date.setEnabled(not existing)
        self._changed()

    def _meeting_chosen(self) -> None:
        meeting_id = self.meeting_id()
        if meeting_id is None:
            self._changed()
            return
        meeting = self._state.records.get(Meeting, meeting_id)
        # Those recorded at the meeting are ticked; the chair can tick more.
        self.tick(meeting.attendees)
        self.decided_on.set_value(meeting.date)
        self._changed()

    def _meeting_date_changed(self, value: object) -> None:
        if isinstance(value, dt.date) and self.new_meeting.isChecked():
            self.decided_on.set_value(value)

    def _meeting_day(self) -> dt.date | None:
        meeting_id = self.meeting_id()
        if meeting_id is not None:
            return self._state.records.get(Meeting, meeting_id).date
        try:
            return self.meeting_date.value()
        except ValueError:
            return None

    def tick(self, member_ids: tuple[str, ...]) -> None:
        """Tick these members as present."""
        for row in range(self.attendees.count()):
            item = self.attendees.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in member_ids:
                item.setCheckState(Qt.CheckState.Checked)

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {
            "rule_set": self._rule_set_shown,
            "rules_outcome": self._rules_outcome_shown,
            "outcome": self.outcome.currentData(),
            "alternative": self.alternative.currentData(),
            "reason": self.reason.toPlainText(),
            "rationale": self.rationale.toPlainText(),
            "notified_on": self.notified_on.line_edit.text(),
            "existing_meeting": self.existing_meeting.isChecked(),
            "meeting": self.meetings.currentData(),
            "meeting_date": self.meeting_date.line_edit.text(),
            "present": list(self.present()),
            "invited": [[p.name, p.role] for p in self.invited_people()],
            "decided_on": self.decided_on.line_edit.text(),
        }

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft (before the page is first shown).

        The rule set and the rules' outcome go back first: every field set afterwards
        re-checks the page, and that check reads them (a draft that had reached this page
        failed here when they were still empty)."""
        self._restoring = True
        try:
            rs_id, outcome_code = data.get("rule_set"), data.get("rules_outcome")
            if (
                isinstance(rs_id, str)
                and rs_id in RULE_SETS
                and isinstance(outcome_code, str)
                and outcome_code in {o.code for o in rule_set(rs_id).outcomes}
            ):
                self.outcome.clear()
                for outcome in decisions_offered(rs_id):
                    self.outcome.addItem(outcome.label, outcome.value)
                select_data(self.outcome, data.get("outcome"))
                self._rule_set_shown = rs_id
                self._rules_outcome_shown = outcome_code
            select_data(self.alternative, data.get("alternative"))
            if not self._members_loaded:
                self._load_people()
            if data.get("existing_meeting"):
                self.existing_meeting.setChecked(True)
                select_data(self.meetings, data.get("meeting"))
            elif data.get("existing_meeting") is False:
                self.new_meeting.setChecked(True)
            self.meeting_date.line_edit.setText(text_value(data.get("meeting_date")))
            present = data.get("present")
            if isinstance(present, list):
                self.attendees.blockSignals(True)
                for row in range(self.attendees.count()):
                    item = self.attendees.item(row)
                    ticked = item.data(Qt.ItemDataRole.UserRole) in present
                    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                self.attendees.blockSignals(False)
            invited = data.get("invited")
            if isinstance(invited, list):
                self.set_invited(
                    tuple(
                        InvitedAttendee(name=str(pair[0]), role=str(pair[1]))
                        for pair in invited
                        if isinstance(pair, list) and len(pair) == 2 and str(pair[0]).strip()
                    )
                )
            self.reason.setPlainText(text_value(data.get("reason")))
            self.rationale.setPlainText(text_value(data.get("rationale")))
            self.notified_on.line_edit.setText(text_value(data.get("notified_on")))
            self.decided_on.line_edit.setText(text_value(data.get("decided_on")))
        finally:
            self._restoring = False
        self._changed()


# --- 6: commission and print ----------------------------------------------------------------
