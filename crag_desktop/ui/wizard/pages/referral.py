"""The wizard's first page: the referral the decision is about, chosen or entered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crag_desktop.domain.records import Child, Referral
from crag_desktop.domain.validation import validate_referral
from crag_desktop.domain.vocabulary import (
    IncidentType,
    LegalStatus,
    ReferralStatus,
    Sex,
)
from crag_desktop.services.decisions import ReferralChoice
from crag_desktop.ui.widgets import ErrorLabel, SearchBox, format_uk_date
from crag_desktop.ui.wizard.pages.parts import (
    buddy_of,
    page_date_edit,
    plain_text_edit,
    scrolled,
    select_data,
    strip_mnemonic,
    tab_chain,
    text_label,
)
from crag_desktop.ui.wizard.state import (
    Snapshot,
    WizardState,
    text_value,
)


class ReferralPage(QWizardPage):
    """Pick a referral awaiting a decision, or enter the essentials of a new one."""

    def __init__(
        self,
        *,
        state: WizardState,
        new_referral_id: str,
        on_referral_chosen: Callable[[str], None],
        referral_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self.new_referral_id = new_referral_id
        self._on_chosen = on_referral_chosen
        #: The referral the wizard was opened for: selected whenever the list is filled.
        self.preselect_id = referral_id
        self.setTitle("Which referral is this decision about?")
        self.setSubTitle(
            "Choose a referral awaiting a decision, or record a new one. Use pseudonyms "
            "only: never a child's real name."
        )
        self.existing_radio = QRadioButton("An &existing referral awaiting a decision")
        self.new_radio = QRadioButton("A ne&w referral")
        self.existing_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.existing_radio)
        group.addButton(self.new_radio)

        self._build_existing_choice()
        rows = self._build_new_form()
        self._lay_out(rows)
        self.received.value_changed.connect(self._suggest_reference)
        self.case_name.textChanged.connect(self._follow_case_name)
        for edit in (self.reference, self.case_name, self.child_pseudonym):
            edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        for date_edit in (self.received, self.incident_date, self.learned_on, self.notified_on):
            date_edit.line_edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.existing_radio.toggled.connect(self._mode_changed)
        self._suggested = ""
        self._pseudonym_follows = True
        self._mode_changed()

    def _build_existing_choice(self) -> None:
        """The referrals awaiting a decision, narrowed by typing in the search box."""
        self.search = SearchBox(
            placeholder="Search referrals by reference, case or summary; Down and Up choose"
        )
        self.search.search_changed.connect(self._load_choices)
        self.choices = QListWidget()
        self.choices.setAccessibleName("Referrals awaiting a decision")
        self.choices.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.choices.setMinimumHeight(self.choices.fontMetrics().lineSpacing() * 7)
        self.choices.itemSelectionChanged.connect(self.completeChanged.emit)
        # Down and Up choose a referral from the search box too, so the chair can type to
        # narrow the list and pick without tabbing; see eventFilter.
        self.search.installEventFilter(self)
        self.choices.installEventFilter(self)
        self.empty_label = text_label("No referral is awaiting a decision.", role="hint")

    def _build_new_form(self) -> list[tuple[str, QWidget]]:
        """The fields of a new referral, each beside its label; the (label, field) rows."""
        self.reference = QLineEdit()
        self.received = page_date_edit("Date received", self)
        self.agency = QComboBox()
        self.case_name = QLineEdit()
        self.case_name.setPlaceholderText("e.g. Child Q")
        self.child_pseudonym = QLineEdit()
        self.child_sex = QComboBox()
        for sex in Sex:
            self.child_sex.addItem(sex.label, sex.value)
        select_data(self.child_sex, Sex.UNKNOWN.value)
        self.child_legal_status = QComboBox()
        for status in LegalStatus:
            self.child_legal_status.addItem(status.label, status.value)
        select_data(self.child_legal_status, LegalStatus.UNKNOWN.value)
        self.incident_date = page_date_edit("Incident date", self)
        self.incident_type = QComboBox()
        for kind in IncidentType:
            self.incident_type.addItem(kind.label, kind.value)
        # "Other" until the chair says: the type preselects answers (a death, a harm), so a
        # default of "Death" would answer a question nobody asked.
        select_data(self.incident_type, IncidentType.OTHER.value)
        self.summary = plain_text_edit("Summary")
        self.learned_on = page_date_edit("Local authority learned of it on", self)
        self.notified_on = page_date_edit("Panel notified on", self)
        self.new_form = QGroupBox("New referral")
        form = QFormLayout(self.new_form)
        rows: list[tuple[str, QWidget]] = [
            ("&Reference:", self.reference),
            ("Recei&ved on:", self.received),
            ("Referring a&gency:", self.agency),
            ("&Case name (pseudonym):", self.case_name),
            ("C&hild's pseudonym:", self.child_pseudonym),
            ("Child's se&x:", self.child_sex),
            ("Child's &legal status:", self.child_legal_status),
            ("&Incident date:", self.incident_date),
            ("Incident &type:", self.incident_type),
            ("S&ummary:", self.summary),
            ("Local authority learne&d of it on:", self.learned_on),
            ("Panel noti&fied on:", self.notified_on),
        ]
        for text, widget in rows:
            label = QLabel(text)
            label.setBuddy(buddy_of(widget))
            target = buddy_of(widget)
            if not target.accessibleName():
                target.setAccessibleName(strip_mnemonic(text).rstrip(":"))
            form.addRow(label, widget)
        self.error_label = ErrorLabel()
        return rows

    def _lay_out(self, rows: list[tuple[str, QWidget]]) -> None:
        """The choice of an existing referral above the new one; Tab in reading order."""
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.existing_radio)
        layout.addWidget(self.search)
        layout.addWidget(self.choices, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.new_radio)
        layout.addWidget(self.new_form)
        layout.addWidget(self.error_label)
        scrolled(self, inner)

        tab_chain(
            self.existing_radio,
            self.search,
            self.choices,
            self.new_radio,
            *(widget for _, widget in rows),
        )

    # Qt overrides

    def initializePage(self) -> None:
        """Fill the lists from the database the first time the page shows."""
        if self.agency.count() == 0:
            for agency in self._state.records.agencies():
                self.agency.addItem(agency.name, agency.id)
            self.agency.setCurrentIndex(-1)
        if self.choices.count() == 0:
            self._load_choices(self.search.text())

    def take_focus(self) -> None:
        """Start in the search box: typing narrows the list, Down and Up choose, one Tab
        goes to the list itself."""
        if self.existing_radio.isChecked():
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.new_radio.setFocus(Qt.FocusReason.OtherFocusReason)

    def isComplete(self) -> bool:
        """A referral chosen, or the new one's essentials filled in."""
        if self.existing_radio.isChecked():
            return self.chosen_id() is not None
        dates_ok = all(
            d.error() is None
            for d in (self.received, self.incident_date, self.learned_on, self.notified_on)
        )
        return bool(
            dates_ok
            and self.reference.text().strip()
            and self.case_name.text().strip()
            and self.child_pseudonym.text().strip()
            and self.received.line_edit.text().strip()
            and self.agency.currentIndex() >= 0
        )

    def validatePage(self) -> bool:
        """Load the referral chosen, or check the new one with the domain rules."""
        self.error_label.clear_error()
        if self.existing_radio.isChecked():
            referral_id = self.chosen_id()
            if referral_id is None:
                return False
            self._state.referral = self._state.records.get(Referral, referral_id)
            self._state.new_referral = None
            self._on_chosen(referral_id)
            return True
        referral = self.build_new_referral()
        # "Not in the future" is about the real calendar, whatever day the app works at.
        problems = validate_referral(referral, today=dt.date.today())
        if problems:
            self.error_label.show_error("; ".join(str(p) for p in problems))
            return False
        self._state.referral = None
        self._state.new_referral = referral
        return True

    # helpers

    def build_new_referral(self) -> Referral:
        """The new referral as typed (its id comes from the wizard)."""
        received = self.received.value() or self._state.today()
        return Referral(
            id=self.new_referral_id,
            reference=self.reference.text().strip(),
            received=received,
            referring_agency=str(self.agency.currentData() or ""),
            case_name=self.case_name.text().strip(),
            incident_date=self.incident_date.value(),
            incident_type=IncidentType(str(self.incident_type.currentData())),
            children=(
                Child(
                    pseudonym=self.child_pseudonym.text().strip(),
                    sex=Sex(str(self.child_sex.currentData())),
                    legal_status=LegalStatus(str(self.child_legal_status.currentData())),
                ),
            ),
            summary=self.summary.toPlainText().strip(),
            status=ReferralStatus.AWAITING_DECISION,
            learned_on=self.learned_on.value(),
            notified_on=self.notified_on.value(),
        )

    def _mode_changed(self) -> None:
        existing = self.existing_radio.isChecked()
        self.search.setEnabled(existing)
        self.choices.setEnabled(existing)
        self.new_form.setEnabled(not existing)
        if not existing and not self.received.line_edit.text():
            self.received.set_value(self._state.today())
        self.completeChanged.emit()

    def _load_choices(self, text: str) -> None:
        keep = self.chosen_id() or self.preselect_id
        self.choices.clear()
        found: list[ReferralChoice] = self._state.decisions.awaiting_decision(text)
        for choice in found:
            item = QListWidgetItem(
                f"{choice.reference} · {choice.case_name} · received "
                f"{format_uk_date(choice.received)} from {choice.referring_agency}"
            )
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            self.choices.addItem(item)
        self.empty_label.setVisible(not found)
        # Nothing is chosen for the chair, except the referral the wizard was opened for
        # (or the one already chosen, when the search changes): a preselected first row
        # was too easily decided on by mistake.
        if keep is not None:
            self.select_referral(keep)
        self.completeChanged.emit()

    def chosen_id(self) -> str | None:
        """The id of the referral selected in the list (None when none is)."""
        selected = self.choices.selectedItems()
        return str(selected[0].data(Qt.ItemDataRole.UserRole)) if selected else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down/Up in the search box, or in a list with nothing selected yet, choose a
        referral: the first press selects the first row rather than skipping over it."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if step is None or not plain:
            return super().eventFilter(watched, event)
        if watched is self.search or (watched is self.choices and self.chosen_id() is None):
            count = self.choices.count()
            if count:
                selected = self.choices.selectedItems()
                row = self.choices.row(selected[0]) + step if selected else 0
                self.choices.setCurrentRow(max(0, min(count - 1, row)))
            return True
        return super().eventFilter(watched, event)

    def _suggest_reference(self, received: object) -> None:
        # Only replace a reference the app suggested, never one the user typed.
        if not isinstance(received, dt.date):
            return
        if self.reference.text() in ("", self._suggested):
            self._suggested = self._state.records.suggest_referral_reference(received)
            self.reference.setText(self._suggested)

    def _follow_case_name(self, text: str) -> None:
        # The child's pseudonym follows the case name until the user types their own.
        if self._pseudonym_follows:
            self.child_pseudonym.setText(text)

    def select_referral(self, referral_id: str) -> bool:
        """Select `referral_id` in the list; False when it is not awaiting a decision."""
        for row in range(self.choices.count()):
            if self.choices.item(row).data(Qt.ItemDataRole.UserRole) == referral_id:
                self.existing_radio.setChecked(True)
                self.choices.setCurrentRow(row)
                return True
        return False

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {
            "mode": "existing" if self.existing_radio.isChecked() else "new",
            "chosen": self.chosen_id(),
            "reference": self.reference.text(),
            "received": self.received.line_edit.text(),
            "agency": self.agency.currentData(),
            "case_name": self.case_name.text(),
            "child_pseudonym": self.child_pseudonym.text(),
            "child_sex": self.child_sex.currentData(),
            "child_legal_status": self.child_legal_status.currentData(),
            "incident_date": self.incident_date.line_edit.text(),
            "incident_type": self.incident_type.currentData(),
            "summary": self.summary.toPlainText(),
            "learned_on": self.learned_on.line_edit.text(),
            "notified_on": self.notified_on.line_edit.text(),
        }

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft."""
        self.initializePage()
        if data.get("mode") == "new":
            self.new_radio.setChecked(True)
        elif isinstance(data.get("chosen"), str):
            self.select_referral(str(data["chosen"]))
        self.reference.setText(text_value(data.get("reference")))
        self._suggested = ""
        self.received.line_edit.setText(text_value(data.get("received")))
        select_data(self.agency, data.get("agency"))
        self.case_name.setText(text_value(data.get("case_name")))
        self.child_pseudonym.setText(text_value(data.get("child_pseudonym")))
        select_data(self.child_sex, data.get("child_sex"))
        select_data(self.child_legal_status, data.get("child_legal_status"))
        self.incident_date.line_edit.setText(text_value(data.get("incident_date")))
        select_data(self.incident_type, data.get("incident_type"))
        self.summary.setPlainText(text_value(data.get("summary")))
        self.learned_on.line_edit.setText(text_value(data.get("learned_on")))
        self.notified_on.line_edit.setText(text_value(data.get("notified_on")))


# --- 2: the rule set ------------------------------------------------------------------------
